#!/usr/bin/env python3
"""XGBoost reference on a separate train and test file (the out-of-time parity of bench/train-parity.ts).

Usage: xgb_train_test.py TRAIN.csv[.gz] TEST.csv[.gz] --label COL [--drop C1,C2]

Same model as the peers' train_xgb.py (hist, depth 6, eta 0.1, 200 rounds, binary:logistic,
seed 0, base_score left at XGBoost 1.7's default 0.5), one thread; the peers' train_xgb.py only
splits one file by row order. Prints one JSON line: training seconds, test PR-AUC (average
precision, as sklearn computes it) and ROC-AUC.
"""
import argparse
import os
import sys
import time

import numpy as np
import xgboost as xgb
from scipy.stats import rankdata

sys.path.insert(0, os.path.join(os.environ.get("FRAUDLENS_SHARED", os.path.join(os.path.dirname(__file__), "..", "..", "shared")), "peers"))
from peerdata import dump_line, load_csv, parse_list  # noqa: E402

PARAMS = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": 6, "eta": 0.1, "seed": 0, "nthread": 1}
NUM_ROUNDS = 200


def average_precision(y, p):
    """Sum over distinct score thresholds (descending) of recall gained × precision there."""
    order = np.argsort(-p, kind="mergesort")
    y, p = y[order], p[order]
    last_of_tie = np.r_[np.where(np.diff(p))[0], len(y) - 1]
    tp = np.cumsum(y)[last_of_tie]
    precision = tp / (last_of_tie + 1)
    recall = tp / tp[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def roc_auc(y, p):
    ranks = rankdata(p)
    pos = y.sum()
    neg = len(y) - pos
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("train")
    ap.add_argument("test")
    ap.add_argument("--label", required=True)
    ap.add_argument("--drop", default="")
    a = ap.parse_args()
    feats, x_train, y_train = load_csv(a.train, a.label, parse_list(a.drop))
    _, x_test, y_test = load_csv(a.test, a.label, features=feats)
    dtrain = xgb.DMatrix(x_train, label=y_train, feature_names=feats, nthread=1)
    dtest = xgb.DMatrix(x_test, label=y_test, feature_names=feats, nthread=1)
    t0 = time.perf_counter()
    booster = xgb.train(PARAMS, dtrain, num_boost_round=NUM_ROUNDS)
    seconds = time.perf_counter() - t0
    p = booster.predict(dtest)
    dump_line({
        "train_rows": len(y_train), "test_rows": len(y_test), "features": feats, "xgboost": xgb.__version__,
        "train_s": round(seconds, 3), "test_pr_auc": average_precision(y_test, p), "test_roc_auc": roc_auc(y_test, p),
    })


if __name__ == "__main__":
    main()
