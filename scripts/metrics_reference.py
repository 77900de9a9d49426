#!/usr/bin/env python3
"""Reference values for fraudlens' training metrics, computed with scikit-learn.

Writes fixtures/training/metrics_reference.json: a few score/label cases (ties, imbalance, scores
on calibration-bin edges, saturated probabilities) with scikit-learn's ROC-AUC, average
precision, log loss, Brier score, precision/recall/F1 at 0.5 and calibration_curve output.
test/training/metrics.test.ts compares the TypeScript metrics with these numbers.

Usage: /usr/bin/python3 scripts/metrics_reference.py [OUT.json]
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import (average_precision_score, brier_score_loss, f1_score, log_loss,
                             precision_score, recall_score, roc_auc_score)


def cases():
    rng = np.random.default_rng(7)
    yield "sklearn_doc_example", np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 0, 1, 1])
    # Heavy ties: scores on a coarse grid.
    y = (rng.random(200) < 0.3).astype(int)
    s = np.round(np.clip(0.3 * y + rng.random(200) * 0.7, 0, 1), 1)
    yield "ties_grid", s, y
    # Imbalanced like fraud (2 % positives), scores with three decimals.
    y = (rng.random(2000) < 0.02).astype(int)
    s = np.round(1 / (1 + np.exp(-(rng.normal(size=2000) * 1.5 + 3.0 * y - 4.0))), 3)
    yield "imbalanced_rounded", s, y
    # Scores exactly on the calibration edges 0.1, 0.2, ... and at 0 and 1 (log loss clipping).
    s = np.array([0.0, 0.1, 0.2, 0.30000000000000004, 0.3, 0.5, 0.7000000000000001, 0.7, 0.9, 1.0, 1.0, 0.0])
    y = np.array([0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1])
    yield "edges_and_saturation", s, y
    # Continuous scores, no ties.
    y = (rng.random(300) < 0.5).astype(int)
    s = 1 / (1 + np.exp(-(rng.normal(size=300) + y)))
    yield "continuous", s, y


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "fixtures/training/metrics_reference.json"
    result = {"generator": "scripts/metrics_reference.py", "sklearn": sklearn.__version__, "threshold": 0.5, "cases": []}
    for name, s, y in cases():
        pred = (s >= 0.5).astype(int)
        prob_true, prob_pred = calibration_curve(y, s, n_bins=10, strategy="uniform")
        result["cases"].append({
            "name": name,
            "scores": [float(v) for v in s],
            "labels": [int(v) for v in y],
            "roc_auc": float(roc_auc_score(y, s)),
            "average_precision": float(average_precision_score(y, s)),
            "log_loss": float(log_loss(y, s)),
            "brier": float(brier_score_loss(y, s)),
            "precision_at_threshold": float(precision_score(y, pred, zero_division=0)),
            "recall_at_threshold": float(recall_score(y, pred, zero_division=0)),
            "f1_at_threshold": float(f1_score(y, pred, zero_division=0)),
            "calibration_prob_true": [float(v) for v in prob_true],
            "calibration_prob_pred": [float(v) for v in prob_pred],
        })
    with open(out, "w") as fh:
        json.dump(result, fh)
        fh.write("\n")
    print(json.dumps({"out": out, "cases": len(result["cases"])}))


if __name__ == "__main__":
    main()
