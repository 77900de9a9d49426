#!/usr/bin/env python3
"""Reference values for fraudlens' live performance figures, computed with scikit-learn and numpy.

Writes fixtures/performance/reference.json: a set of decisions (two model versions, three rules,
scores with ties, a third of them unlabelled, some amounts unknown, times spread over 90 days) and,
per version and per maturity (all, older than 7 / 30 / 60 days), what scikit-learn says of the
labelled ones (roc_auc_score, average_precision_score, precision_score, recall_score and the
false-positive rate from confusion_matrix for each decision level) and the confidence-based
expectation (NannyML CBPE manner) computed from the scores with numpy.
test/core/performance.test.ts compares src/core/performance with these numbers.

Usage: /usr/bin/python3 scripts/performance_reference.py [OUT.json]
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.metrics import average_precision_score, confusion_matrix, precision_score, recall_score, roc_auc_score

DAY_MS = 86_400_000
MATURITY_DAYS = [7, 30, 60]
NOW = 1_790_000_000_000  # the window's end, ms since the epoch
RULES = ["block_new_device_big", "review_night_gift", "allow_trusted_merchant"]
VERSIONS = ["model-a", "model-b"]


def decisions(rng, n):
    version = (rng.random(n) < 0.35).astype(int)
    fraud = rng.random(n) < 0.06
    # Scores on a grid of 1/200 so many tie; model-b separates a little better.
    margin = rng.normal(size=n) * 1.3 + np.where(fraud, 3.0 + 0.6 * version, 0.0) - 3.2
    score = np.round(1 / (1 + np.exp(-margin)) * 200) / 200
    decision = np.where(score >= 0.8, 2, np.where(score >= 0.3, 1, 0))
    rule = np.full(n, -1)
    draw = rng.random(n)
    rule[draw < 0.03] = 0
    decision[draw < 0.03] = 2
    rule[(draw >= 0.03) & (draw < 0.06)] = 1
    decision[(draw >= 0.03) & (draw < 0.06)] = np.maximum(decision[(draw >= 0.03) & (draw < 0.06)], 1)
    rule[(draw >= 0.06) & (draw < 0.08)] = 2
    decision[(draw >= 0.06) & (draw < 0.08)] = 0
    age_days = rng.random(n) * 90
    time = NOW - np.floor(age_days * DAY_MS)
    # Exactly on a maturity boundary counts as old enough.
    time[:3] = [NOW - 7 * DAY_MS, NOW - 30 * DAY_MS, NOW - 60 * DAY_MS]
    # Older decisions are more often labelled, as chargebacks arrive late.
    labelled = rng.random(n) < np.minimum(0.95, 0.2 + age_days / 60)
    label = np.where(labelled, fraud.astype(int), -1)
    amount = np.round(rng.lognormal(3.5, 1.2, size=n), 2)
    amount[rng.random(n) < 0.05] = np.nan
    return score, decision, rule, label, amount, time, version


def level_sets(decision, rule):
    sets = [("review", None, decision >= 1), ("decline", None, decision == 2)]
    for r, rid in enumerate(RULES):
        sets.append(("rule", rid, rule == r))
    return sets


def none_if_nan(x):
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)


def figures(score, decision, rule, label, amount):
    lab = label >= 0
    y = label[lab]
    s = score[lab]
    frauds = int((y == 1).sum())
    legit = int((y == 0).sum())
    both = frauds > 0 and legit > 0
    known_amount = np.where(np.isnan(amount), 0.0, amount)
    out = {
        "decisions": int(len(score)),
        "labelled": int(lab.sum()),
        "labelled_share": float(lab.mean()) if len(score) else None,
        "frauds": frauds,
        "legitimate": legit,
        "fraud_amount": float(known_amount[label == 1].sum()),
        "roc_auc": float(roc_auc_score(y, s)) if both else None,
        "pr_auc": float(average_precision_score(y, s)) if frauds > 0 else None,
        "expected_frauds": float(score.sum()),
        "levels": [],
    }
    for level, rid, flagged in level_sets(decision, rule):
        f = flagged[lab].astype(int)
        tn, fp, fn, tp = confusion_matrix(y, f, labels=[0, 1]).ravel()
        entry = {"level": level}
        if rid is not None:
            entry["rule"] = rid
        p_all = score.sum()
        q_all = (1 - score).sum()
        entry["realized"] = {
            "decisions": int(flagged.sum()),
            "labelled": int(tp + fp),
            "true_positives": int(tp),
            "false_positives": int(fp),
            "precision": float(precision_score(y, f, zero_division=0)) if tp + fp > 0 else None,
            "recall": float(recall_score(y, f, zero_division=0)) if frauds > 0 else None,
            "false_positive_rate": float(fp / (fp + tn)) if legit > 0 else None,
            "fraud_amount_caught": float(known_amount[flagged & (label == 1)].sum()),
        }
        entry["expected"] = {
            "precision": float(score[flagged].mean()) if flagged.any() else None,
            "recall": float(score[flagged].sum() / p_all) if p_all > 0 else None,
            "false_positive_rate": float((1 - score[flagged]).sum() / q_all) if q_all > 0 else None,
        }
        out["levels"].append(entry)
    return out


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "fixtures/performance/reference.json"
    rng = np.random.default_rng(16)
    score, decision, rule, label, amount, time, version = decisions(rng, 4000)
    per_version = []
    for v, name in enumerate(VERSIONS):
        m = version == v
        entry = {"model_version": name, "all": figures(score[m], decision[m], rule[m], label[m], amount[m]), "by_maturity": []}
        for days in MATURITY_DAYS:
            k = m & (time <= NOW - days * DAY_MS)
            entry["by_maturity"].append({"older_than_days": days, **figures(score[k], decision[k], rule[k], label[k], amount[k])})
        per_version.append(entry)
    result = {
        "generator": "scripts/performance_reference.py",
        "sklearn": sklearn.__version__,
        "now": NOW,
        "versions": VERSIONS,
        "rules": RULES,
        "columns": {
            "score": [float(x) for x in score],
            "decision": [int(x) for x in decision],
            "rule": [int(x) for x in rule],
            "label": [int(x) for x in label],
            "amount": [None if np.isnan(x) else float(x) for x in amount],
            "time": [int(x) for x in time],
            "version": [int(x) for x in version],
        },
        "expected": per_version,
    }
    with open(out, "w") as f:
        json.dump(result, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
