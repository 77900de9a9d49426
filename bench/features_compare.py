#!/usr/bin/env python3
"""Compares two entity-feature files (ours and the pandas peer's) row by row, matched on the event id.

Usage: features_compare.py OURS.csv[.gz] REFERENCE.csv[.gz] --id trans_num

Same columns in the same order are required. Whole-number columns (counts, hours) must be equal,
other numbers within RELATIVE_TOLERANCE (relative to the reference, absolute near zero), text
equal, missing cells missing on both sides. Prints one JSON line: rows, columns, and per column with
differences the number of rows beyond tolerance and the worst relative difference; exit status 1
when anything differs.
"""
import argparse
import json
import sys

import numpy as np
import pandas as pd

RELATIVE_TOLERANCE = 1e-9  # the parity tolerance of issue 14 for sums, means and std
ABSOLUTE_FLOOR = 1e-12  # below this magnitude differences are compared absolutely


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ours")
    ap.add_argument("reference")
    ap.add_argument("--id", default="trans_num")
    a = ap.parse_args()
    ours = pd.read_csv(a.ours, dtype={a.id: str}, low_memory=False)
    ref = pd.read_csv(a.reference, dtype={a.id: str}, low_memory=False)
    report = {"rows": len(ref), "columns": list(ref.columns), "differences": {}}
    if list(ours.columns) != list(ref.columns):
        report["column_mismatch"] = {"ours": list(ours.columns), "reference": list(ref.columns)}
        print(json.dumps(report))
        return 1
    if len(ours) != len(ref) or ours[a.id].duplicated().any():
        report["row_mismatch"] = {"ours": len(ours), "reference": len(ref)}
        print(json.dumps(report))
        return 1
    ours = ours.set_index(a.id).loc[ref[a.id]].reset_index()
    for c in ref.columns:
        x, y = ours[c], ref[c]
        if y.dtype.kind in "if" and x.dtype.kind in "if":
            xv, yv = x.to_numpy(np.float64), y.to_numpy(np.float64)
            missing = np.isnan(xv) != np.isnan(yv)
            both = ~np.isnan(xv) & ~np.isnan(yv)
            rel = np.abs(xv[both] - yv[both]) / np.maximum(np.abs(yv[both]), ABSOLUTE_FLOOR)
            exact = y.dtype.kind == "i" or (np.all(yv[both] == np.round(yv[both])) and x.dtype.kind == "i")
            bad = int(missing.sum() + (rel > (0 if exact else RELATIVE_TOLERANCE)).sum())
            worst = float(rel.max()) if rel.size else 0.0
            if bad or worst > 0:
                report["differences"][c] = {"rows": bad, "worst_relative": worst}
        else:
            bad = int((x.fillna("").astype(str) != y.fillna("").astype(str)).sum())
            if bad:
                report["differences"][c] = {"rows": bad}
    report["equal_within_tolerance"] = all(v["rows"] == 0 for v in report["differences"].values())
    report["columns"] = len(ref.columns)
    print(json.dumps(report))
    return 0 if report["equal_within_tolerance"] else 1


if __name__ == "__main__":
    sys.exit(main())
