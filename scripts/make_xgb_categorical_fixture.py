#!/usr/bin/env python3
"""Builds the categorical conformance fixture for the XGBoost importer.

XGBoost's own output is the reference: a model trained with native categorical splits (both
one-hot and partition splits) on the German credit data, with missing values injected, and the
margins, probabilities, leaf indices and pred_contribs XGBoost computes for 120 rows, among them
rows with an unseen category code and rows with every value missing.

Run: /usr/bin/python3 scripts/make_xgb_categorical_fixture.py DATA/german_credit.csv.gz OUT_DIR
Writes OUT_DIR/categorical.model.json and OUT_DIR/categorical.fixture.json (same fields as the
numeric fixtures: feature_names, rows with null = missing, expected.{margin,prob,leaf,contribs}),
and OUT_DIR/categorical.categories.json: feature -> category names in code order, exported the
way a user of `fraudlens import --categories` does it (pandas' `cat.categories`), and
OUT_DIR/categorical.unknown_names.json: rows holding a name outside the training categories, as
pandas feeds them to XGBoost (code -1), with XGBoost's margins.
"""
import json
import sys

import numpy as np
import pandas as pd
import xgboost as xgb


def main(data_path, out_dir):
    df = pd.read_csv(data_path)
    y = (df["class"] == 2).astype(int).to_numpy()
    x = df.drop(columns=["class"])
    names = list(x.columns)
    types = []
    categories = {}
    cols = []
    for c in names:
        if x[c].dtype == object:
            # pandas orders the categories of text values alphabetically; a value's code is its
            # position, which is what XGBoost trains on.
            column = x[c].astype("category")
            cats = [str(v) for v in column.cat.categories]
            categories[c] = cats
            cols.append(column.cat.codes.astype(float).to_numpy())
            types.append("c")
        else:
            cols.append(x[c].astype(float).to_numpy())
            types.append("q")
    mat = np.column_stack(cols)
    rng = np.random.default_rng(7)
    mask = rng.random(mat.shape) < 0.1
    mat[mask] = np.nan
    dtrain = xgb.DMatrix(mat, y, feature_names=names, feature_types=types, enable_categorical=True)
    params = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": 4, "eta": 0.3,
              "max_cat_to_onehot": 3, "seed": 0}
    booster = xgb.train(params, dtrain, 25)
    booster.save_model(f"{out_dir}/categorical.model.json")

    rows = mat[:100].copy()
    extra = []
    extra.append(np.full(len(names), np.nan))                      # all missing
    for k in range(19):                                            # unseen / large category codes
        r = mat[100 + k].copy()
        cat_idx = [i for i, t in enumerate(types) if t == "c"]
        j = cat_idx[k % len(cat_idx)]
        r[j] = float(len(categories[names[j]]) + (k % 3) * 40)     # one past the last code, and far beyond
        extra.append(r)
    rows = np.vstack([rows, np.array(extra)])
    dtest = xgb.DMatrix(rows, feature_names=names, feature_types=types, enable_categorical=True)
    margin = booster.predict(dtest, output_margin=True)
    prob = booster.predict(dtest)
    leaf = booster.predict(dtest, pred_leaf=True)
    contribs = booster.predict(dtest, pred_contribs=True)

    def clean(r):
        return [None if np.isnan(v) else float(v) for v in r]

    fixture = {
        "format": "xgb-conformance-v1",
        "name": "categorical",
        "model_file": "categorical.model.json",
        "xgboost_version": xgb.__version__,
        "train_params": params,
        "feature_names": names,
        "feature_types": types,
        "categories": categories,
        "row_kind": ["data"] * 100 + ["all_missing"] + ["unseen_category"] * 19,
        "rows": [clean(r) for r in rows],
        "expected": {
            "margin": [float(v) for v in margin],
            "prob": [float(v) for v in prob],
            "leaf": [[int(v) for v in r] for r in leaf],
            "contribs": [[float(v) for v in r] for r in contribs],
        },
        "tolerance_hint": {"vs_expected": {"margin_abs": 1e-4, "prob_abs": 1e-6, "contribs_abs": 1e-4}, "leaf": "exact"},
    }
    with open(f"{out_dir}/categorical.fixture.json", "w") as fh:
        json.dump(fixture, fh)
    # What `fraudlens import --categories` reads: {feature: [names in code order]}.
    exported = {c: [str(v) for v in x[c].astype("category").cat.categories] for c in categories}
    with open(f"{out_dir}/categorical.categories.json", "w") as fh:
        json.dump(exported, fh, indent=1)

    # XGBoost's own answer for names it never saw, the pandas way: a frame whose categorical
    # columns carry the training categories turns an unseen name into code -1, a missing value.
    cat_names = list(categories)
    unknown_rows = []
    for k in range(20):
        j = names.index(cat_names[k % len(cat_names)])
        unknown_rows.append((k, j))
    frame = {}
    sent = {}
    for j, c in enumerate(names):
        col = []
        for k, jj in unknown_rows:
            v = rows[k][j]
            if c in categories:
                col.append("never-seen" if j == jj else (None if np.isnan(v) else categories[c][int(v)]))
            else:
                col.append(None if np.isnan(v) else float(v))
        sent[c] = col
        frame[c] = pd.Categorical(col, categories=categories[c]) if c in categories else [np.nan if v is None else v for v in col]
    df_unknown = pd.DataFrame(frame)
    unknown_margin = booster.predict(xgb.DMatrix(df_unknown, enable_categorical=True), output_margin=True)
    unknown_fixture = {
        "xgboost_version": xgb.__version__,
        "note": "rows[k] = fixture row k with feature `unknown[k]` set to a name outside the training categories (pandas code -1)",
        "unknown": [names[j] for _, j in unknown_rows],
        "rows": [[sent[c][i] for c in names] for i in range(len(unknown_rows))],
        "margin": [float(v) for v in unknown_margin],
    }
    with open(f"{out_dir}/categorical.unknown_names.json", "w") as fh:
        json.dump(unknown_fixture, fh)
    print(json.dumps({"rows": len(rows), "trees": len(leaf[0]), "xgboost": xgb.__version__}))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
