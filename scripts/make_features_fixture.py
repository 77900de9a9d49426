#!/usr/bin/env python3
"""Builds fixtures/features/raw.csv: Sparkov rows chosen to exercise every rule of entity features.

Usage: make_features_fixture.py SPARKOV_TRAIN.csv.gz OUT_DIR

Rows: every transaction of CARDS (three of the busiest cards and three cards with frauds) from
2019-02-20 to 2019-04-01 (40 days, across the US switch to summer time on 2019-03-10, which the
fixture's America/New_York hours see), then crafted rows, each named in its trans_num:
- three events of one card at one second (ties never see each other) and a fourth a second later;
- events exactly 60 s and exactly 1 h after an earlier one (window edges: [t - W, t) includes t - W);
- an empty amount (counts for count, skipped by sum/mean/min/max/std/last);
- an empty category (skipped by distinct_count);
- two events with an empty card number (card aggregations missing, not added to the card);
- one card at one merchant five times in a day (card x merchant pair).
Written sorted by unix_time (crafted rows after the real rows of their second), without the
columns first, last, street and job.
"""
import os
import sys

import pandas as pd

# Faker names, streets and jobs: not needed by any definition, left out (as in data/demo).
DROPPED = ["first", "last", "street", "job"]
CARDS = ["4859525594182537", "4097765637563358", "5362347012630568", "6011003795221678", "3595111028444131", "4883407061576"]
START, END = "2019-02-20", "2019-04-01"


def crafted(base):
    """Rows copied from real rows of the same card, with changed time / amount / merchant / keys."""
    rows = []

    def like(row, name, dt_s=0, **changes):
        r = row.copy()
        r["unix_time"] = str(int(row["unix_time"]) + dt_s)
        r["trans_date_trans_time"] = pd.Timestamp(int(r["unix_time"]), unit="s").strftime("%Y-%m-%d %H:%M:%S")
        r["trans_num"] = f"crafted_{name}"
        r["is_fraud"] = "0"
        for k, v in changes.items():
            r[k] = v
        rows.append(r)
        return r

    card = base[base.cc_num == CARDS[0]].reset_index(drop=True)
    a = card.iloc[40]
    like(a, "tie_1", 7, amt="10.00", merchant="fraud_Kunze Inc", category="gas_transport")
    like(a, "tie_2", 7, amt="20.00", merchant="fraud_Kunze Inc", category="grocery_pos")
    like(a, "tie_3", 7, amt="30.00", merchant="fraud_Brekke and Sons", category="gas_transport")
    like(a, "after_tie", 8, amt="40.00", merchant="fraud_Kunze Inc", category="gas_transport")
    like(a, "edge_60s", 7 + 60, amt="5.50")
    like(a, "edge_1h", 7 + 3600, amt="6.25")
    b = card.iloc[80]
    like(b, "missing_amount", 30, amt="")
    like(b, "after_missing_amount", 90, amt="12.34")
    like(b, "missing_category", 150, category="")
    c = base[base.cc_num == CARDS[1]].reset_index(drop=True).iloc[60]
    like(c, "empty_card_1", 5, cc_num="")
    like(c, "empty_card_2", 6, cc_num="", amt="999.99")
    d = base[base.cc_num == CARDS[2]].reset_index(drop=True).iloc[100]
    for i, dt in enumerate((11, 600, 3000, 20000, 80000)):
        like(d, f"pair_{i + 1}", dt, merchant="fraud_Hoppe-Parisian", category="shopping_pos", amt=f"{17.5 * (i + 1):.2f}")
    return pd.DataFrame(rows)


def main():
    src, out_dir = sys.argv[1], sys.argv[2]
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    t = df.unix_time.astype(int)
    lo, hi = (int(pd.Timestamp(x, tz="UTC").timestamp()) for x in (START, END))
    base = df[df.cc_num.isin(CARDS) & (t >= lo) & (t < hi)]
    rows = pd.concat([base, crafted(base)], ignore_index=True)
    rows = rows.iloc[rows.unix_time.astype(int).argsort(kind="stable")]
    os.makedirs(out_dir, exist_ok=True)
    rows = rows.drop(columns=DROPPED)
    rows.to_csv(os.path.join(out_dir, "raw.csv"), index=False)
    print(f"{len(rows)} rows ({len(rows) - len(base)} crafted), {int((rows.is_fraud == '1').sum())} frauds")


if __name__ == "__main__":
    main()
