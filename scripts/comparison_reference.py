#!/usr/bin/env python3
"""Reference values for the champion/challenger comparison, computed with scikit-learn and scipy.

Writes fixtures/comparison/reference.json: 3,000 labelled transactions (5 % fraud, some amounts
unknown) scored by a champion and two challengers (one close to the champion, one noisier, with
tied scores), each deciding approve / review / decline at its own thresholds, and what
scikit-learn and scipy say of them: precision_score and recall_score of "flagged" (review or
decline), average_precision_score, roc_auc_score, the fraud amount caught, and beside the
champion the agreement of decisions (accuracy_score), the mean absolute score difference and
scipy.stats.ks_2samp of the two score distributions.
test/core/comparison.test.ts compares src/core/performance/comparison.ts with these numbers.

Usage: /usr/bin/python3 scripts/comparison_reference.py [OUT.json]
"""
import json
import sys

import numpy as np
import scipy
import sklearn
from scipy.stats import ks_2samp
from sklearn.metrics import accuracy_score, average_precision_score, precision_score, recall_score, roc_auc_score

N = 3000
FRAUD_RATE = 0.05


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def main(out):
    rng = np.random.default_rng(17)
    label = (rng.random(N) < FRAUD_RATE).astype(int)
    amount = np.round(rng.lognormal(3.5, 1.2, N), 2)
    amount[rng.random(N) < 0.03] = np.nan
    signal = np.where(label == 1, 2.2, -2.2) + rng.normal(0, 1.6, N)
    models = [
        ("champion", sigmoid(signal - 2.0), (0.3, 0.7)),
        ("close", sigmoid(signal - 2.0 + rng.normal(0, 0.3, N)), (0.25, 0.75)),
        # Rounded to two decimals: ties in the scores, which both AUCs must count as scikit-learn does.
        ("noisy", np.round(sigmoid(signal * 0.6 - 1.5 + rng.normal(0, 1.0, N)), 2), (0.4, 0.8)),
    ]
    entries = []
    champion_scores, champion_decisions = None, None
    for alias, score, (review, decline) in models:
        decision = np.where(score >= decline, 2, np.where(score >= review, 1, 0))
        flagged = (decision > 0).astype(int)
        entry = {
            "alias": alias,
            "thresholds": {"review": review, "decline": decline},
            "score": [float(s) for s in score],
            "decision": [int(d) for d in decision],
            "expected": {
                "flagged": int(flagged.sum()),
                "precision": float(precision_score(label, flagged)),
                "recall": float(recall_score(label, flagged)),
                "pr_auc": float(average_precision_score(label, score)),
                "roc_auc": float(roc_auc_score(label, score)),
                "fraud_amount_caught": float(np.nansum(np.where((flagged == 1) & (label == 1), amount, 0.0))),
            },
        }
        if champion_scores is None:
            champion_scores, champion_decisions = score, decision
        else:
            ks = ks_2samp(champion_scores, score)
            entry["expected"].update(
                {
                    "agreement": float(accuracy_score(champion_decisions, decision)),
                    "mean_abs_score_difference": float(np.mean(np.abs(score - champion_scores))),
                    "score_ks_statistic": float(ks.statistic),
                    "score_ks_p_value": float(ks.pvalue),
                }
            )
        entries.append(entry)
    doc = {
        "generator": "scripts/comparison_reference.py",
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "scikit-learn": sklearn.__version__},
        "label": [int(v) for v in label],
        "amount": [None if np.isnan(a) else float(a) for a in amount],
        "frauds": int(label.sum()),
        "models": entries,
    }
    with open(out, "w") as f:
        json.dump(doc, f)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "fixtures/comparison/reference.json")
