#!/usr/bin/env python3
"""Quality of a definitions file: XGBoost 1.7 on its feature files, train file -> test file.

Usage: features_quality.py --defs DEFS.yaml TRAIN_FEATURES.csv[.gz] TEST_FEATURES.csv[.gz] [--label is_fraud]

The feature files are what `fraudlens features --defs DEFS --keep LABEL` (or the pandas peer
bench/peers/features_pandas.py) wrote for the raw train and test files. The model's features are
the definitions' row features, aggregations and ratios (identifiers and the event time never);
category columns become integer codes numbering the sorted categories of both files (as
bench/train-parity.ts gives them to XGBoost). Same model as bench/xgb_train_test.py: hist, depth
6, eta 0.1, 200 rounds, seed 0, one thread. Two runs: all derived features, and the row (static)
features alone (issue 14 measured 0.9145 static, 0.9792 with card aggregations).

Prints one JSON line: per run, features, training seconds, test PR-AUC (average precision) and ROC-AUC.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from features_pandas import load_definitions  # noqa: E402
from xgb_train_test import NUM_ROUNDS, PARAMS, average_precision, roc_auc  # noqa: E402


def feature_names(d):
    rows = [r["name"] for r in d["row_features"]]
    return rows, rows + [a["name"] for a in d["aggregations"]] + [r["name"] for r in d["ratios"]]


def coded(train, test, names):
    """Float matrices; text columns as codes of the sorted categories of both files."""
    xs = []
    for df in (train, test):
        cols = {}
        for c in names:
            if df[c].dtype == object:
                cats = sorted(set(train[c].dropna()) | set(test[c].dropna()))
                cols[c] = pd.Categorical(df[c], categories=cats).codes.astype(np.float64)
                cols[c][cols[c] < 0] = np.nan
            else:
                cols[c] = df[c].to_numpy(np.float64)
        xs.append(np.column_stack([cols[c] for c in names]))
    return xs


def fit(train, test, names, label):
    x_train, x_test = coded(train, test, names)
    y_train, y_test = train[label].to_numpy(np.int64), test[label].to_numpy(np.int64)
    dtrain = xgb.DMatrix(x_train, label=y_train, feature_names=names, nthread=1)
    dtest = xgb.DMatrix(x_test, label=y_test, feature_names=names, nthread=1)
    t0 = time.perf_counter()
    booster = xgb.train(PARAMS, dtrain, num_boost_round=NUM_ROUNDS)
    seconds = time.perf_counter() - t0
    p = booster.predict(dtest)
    return {"features": len(names), "train_s": round(seconds, 3), "test_pr_auc": round(average_precision(y_test, p), 4), "test_roc_auc": round(roc_auc(y_test, p), 4)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("train")
    ap.add_argument("test")
    ap.add_argument("--defs", required=True)
    ap.add_argument("--label", default="is_fraud")
    a = ap.parse_args()
    d = load_definitions(a.defs)
    static, derived = feature_names(d)
    train = pd.read_csv(a.train, usecols=derived + [a.label])
    test = pd.read_csv(a.test, usecols=derived + [a.label])
    print(json.dumps({
        "train_rows": len(train), "test_rows": len(test), "xgboost": xgb.__version__,
        "derived": fit(train, test, derived, a.label), "static": fit(train, test, static, a.label),
    }), flush=True)


if __name__ == "__main__":
    main()
