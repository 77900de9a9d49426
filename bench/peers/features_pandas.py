#!/usr/bin/env python3
"""Entity features with pandas: the reference (exactness) and the speed peer of `fraudlens features`.

Usage: features_pandas.py --defs DEFS.yaml --data RAW.csv[.gz] --out FEATURES.csv[.gz]
                          [--keep C1,C2] [--method indexer|groupby] [--verify]

Reads a definitions file in the format of issue 14 (docs: the lead's design; YAML or JSON) and a raw
CSV, and writes event id, event time (as given), the --keep columns, then the row features, the
aggregations and the ratios in definition order (the column order of `fraudlens features`). Rows come out in time order (stable: equal times keep
their file order, so a file sorted by time comes out in file order).

Semantics (as the design states): an event at time t sees its entity's events with time in
[t - W, t), strictly earlier, so equal-time events never see each other. Empty window: count,
sum and distinct_count 0; mean, min, max, last and time_since_last missing; std (ddof 1) missing
under 2 values. A missing value counts for `count` and is skipped by value ops. An event whose
entity key is missing gets missing aggregations for that entity and is not added to it. `last`
takes the latest earlier event with a value; among equal-time events the later in file order.

Method. Each entity's events are sorted once by (entity, time); windows are given to pandas'
own rolling kernels (compensated sums, Welford variance, monotonic-deque min/max) as explicit
bounds from one vectorised searchsorted per window (`--method indexer`, the default and the speed
peer), or by the textbook `groupby(entity).rolling('24h', on=time, closed='left')`
(`--method groupby`: the same numbers (byte-identical on fixtures/features, within 2.6e-15 relative
on the Sparkov train file), 1.5x the CPU time with defs/sparkov.yaml, and slow with many entity
keys: one 24h sum over the train file's 388,528 card × merchant pairs takes 20 s;
pandas 1.5's closed='left' lets the later of equal-time events see the earlier ones, so every
event of a tie takes the value of the tie's first event, which sees exactly the earlier events).
distinct_count: a value v seen at t_j (next seen at n_j) is in the window of every t in
(t_j, min(t_j + W, n_j)], so the count is #starts before t minus #ends before t, two searchsorteds.
`--verify` recomputes every aggregation by brute force (per event, exact sums with math.fsum; small
files only) and fails on a difference beyond RELATIVE_TOLERANCE.

Prints one JSON line: rows, wall seconds (read / features / write / total), rows_per_s, this
process's CPU seconds (cpu_s: what a shared machine does not distort), peak_rss_mib.
"""
import argparse
import json
import math
import os
import re
import resource
import sys
import time

import numpy as np
import pandas as pd
import yaml
from pandas.api.indexers import BaseIndexer

TIME_FORMATS = ("unix_seconds", "unix_millis", "iso8601", "datetime")
FIELD_TYPES = ("key", "number", "category", "date", "text")
ROW_KINDS = ("value", "hour_of_day", "day_of_week", "age_years", "distance_km")
OPS = ("count", "sum", "mean", "min", "max", "std", "distinct_count", "time_since_last", "last")
VALUE_OPS = ("sum", "mean", "min", "max", "std")  # need a number field
WINDOWLESS_OPS = ("time_since_last", "last")  # over all earlier events
WINDOW_UNITS_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MIN_WINDOW_S = 60
MAX_WINDOW_S = 30 * 86400
EARTH_RADIUS_KM = 6371.0088
DAYS_PER_YEAR = 365.25
NS_PER_S = 1_000_000_000
RELATIVE_TOLERANCE = 1e-9  # sums, means, std against the brute-force reference
# `--method groupby`: the window standing for "all time" (longer than any data set here).
ALL_TIME_OFFSET = "36500D"


class DefinitionError(SystemExit):
    pass


def fail(path, message):
    raise DefinitionError(f"definitions invalid: {path}: {message}")


def parse_window(value, path):
    """Window length in seconds, or None for `all`."""
    if value == "all":
        return None
    m = re.fullmatch(r"([1-9][0-9]*)([smhd])", str(value))
    if not m:
        fail(path, f"expected <n>s|m|h|d or 'all', got {value!r}")
    seconds = int(m.group(1)) * WINDOW_UNITS_S[m.group(2)]
    if not MIN_WINDOW_S <= seconds <= MAX_WINDOW_S:
        fail(path, f"{value!r} is outside 1 minute .. 30 days")
    return seconds


def expect_keys(obj, path, required, optional=()):
    if not isinstance(obj, dict):
        fail(path, "expected a mapping")
    for k in required:
        if k not in obj:
            fail(f"{path}.{k}", "missing")
    for k in obj:
        if k not in required and k not in optional:
            fail(f"{path}.{k}", "unknown property")


def load_definitions(path):
    """Parses and checks a definitions file; errors name the offending entry's path."""
    with open(path, encoding="utf-8") as fh:
        d = yaml.safe_load(fh)
    expect_keys(d, "(root)", ("version", "event", "fields", "entities"), ("row_features", "aggregations", "ratios"))
    if d["version"] != 1:
        fail("version", "only version 1 is known")
    ev = d["event"]
    expect_keys(ev, "event", ("time", "id"), ("timezone",))
    expect_keys(ev["time"], "event.time", ("field", "format"))
    if ev["time"]["format"] not in TIME_FORMATS:
        fail("event.time.format", f"one of {TIME_FORMATS}")
    ev.setdefault("timezone", "UTC")
    fields = d["fields"]
    if not isinstance(fields, dict):
        fail("fields", "expected a mapping")
    for name, kind in fields.items():
        if kind not in FIELD_TYPES:
            fail(f"fields.{name}", f"type {kind!r} is not one of {FIELD_TYPES}")

    def field_of(name, path, types):
        if name not in fields:
            fail(path, f"field {name!r} is not declared in fields")
        if fields[name] not in types:
            fail(path, f"field {name!r} is {fields[name]}, expected {' or '.join(types)}")
        return name

    entities = {}
    for name, keys in d["entities"].items():
        keys = [keys] if isinstance(keys, str) else keys
        if not isinstance(keys, list) or not keys:
            fail(f"entities.{name}", "expected a key field or a list of key fields")
        entities[name] = [field_of(k, f"entities.{name}", ("key", "category", "text")) for k in keys]
    d["entities"] = entities
    names = set()

    def new_name(entry, path):
        n = entry.get("name")
        if not isinstance(n, str) or not n:
            fail(f"{path}.name", "missing")
        if n in names:
            fail(f"{path}.name", f"{n!r} is defined twice")
        names.add(n)

    for i, r in enumerate(d.setdefault("row_features", []) or []):
        p = f"row_features[{i}]"
        kind = r.get("kind") if isinstance(r, dict) else None
        if kind not in ROW_KINDS:
            fail(f"{p}.kind", f"one of {ROW_KINDS}")
        if kind == "value":
            expect_keys(r, p, ("name", "kind", "field"))
            field_of(r["field"], f"{p}.field", FIELD_TYPES)
        elif kind == "age_years":
            expect_keys(r, p, ("name", "kind", "birth_date"))
            field_of(r["birth_date"], f"{p}.birth_date", ("date",))
        elif kind == "distance_km":
            expect_keys(r, p, ("name", "kind", "from", "to"))
            for side in ("from", "to"):
                if not isinstance(r[side], list) or len(r[side]) != 2:
                    fail(f"{p}.{side}", "expected [latitude field, longitude field]")
                for f in r[side]:
                    field_of(f, f"{p}.{side}", ("number",))
        else:
            expect_keys(r, p, ("name", "kind"))
        new_name(r, p)
    for i, a in enumerate(d.setdefault("aggregations", []) or []):
        p = f"aggregations[{i}]"
        op = a.get("op") if isinstance(a, dict) else None
        if op not in OPS:
            fail(f"{p}.op", f"one of {OPS}")
        if op == "count":
            expect_keys(a, p, ("name", "entity", "op", "window"))
        elif op == "time_since_last":
            expect_keys(a, p, ("name", "entity", "op"))
        elif op == "last":
            expect_keys(a, p, ("name", "entity", "op", "field"))
            field_of(a["field"], f"{p}.field", ("number", "category"))
        elif op == "distinct_count":
            expect_keys(a, p, ("name", "entity", "op", "field", "window"))
            field_of(a["field"], f"{p}.field", ("key", "category"))
        else:
            expect_keys(a, p, ("name", "entity", "op", "field", "window"))
            field_of(a["field"], f"{p}.field", ("number",))
        if a["entity"] not in entities:
            fail(f"{p}.entity", f"entity {a['entity']!r} is not declared in entities")
        a["window_s"] = parse_window(a["window"], f"{p}.window") if op not in WINDOWLESS_OPS else None
        new_name(a, p)
    numeric = {r["name"] for r in d["row_features"] if r["kind"] != "value" or fields[r["field"]] == "number"}
    numeric |= {a["name"] for a in d["aggregations"] if not (a["op"] == "last" and fields[a["field"]] != "number")}
    for i, r in enumerate(d.setdefault("ratios", []) or []):
        p = f"ratios[{i}]"
        expect_keys(r, p, ("name", "numerator", "denominator"))
        for side in ("numerator", "denominator"):
            if r[side] not in numeric:
                fail(f"{p}.{side}", f"{r[side]!r} is not an earlier numeric feature")
        new_name(r, p)
        numeric.add(r["name"])
    return d


def read_events(path, d, keep):
    """Raw CSV -> DataFrame sorted by time (stable), with `_t` = int64 nanoseconds since the epoch."""
    ev = d["event"]
    tf = ev["time"]
    fields = d["fields"]
    dtypes = {name: (np.float64 if kind == "number" else str) for name, kind in fields.items()}
    dtypes[ev["id"]] = str
    dtypes[tf["field"]] = str
    for k in keep:
        dtypes.setdefault(k, str)
    df = pd.read_csv(path, usecols=list(dtypes), dtype=dtypes, keep_default_na=False, na_values={k: [""] for k in dtypes})
    raw = df[tf["field"]]
    if raw.isna().any():
        raise SystemExit(f"event time {tf['field']!r} missing in {int(raw.isna().sum())} rows")
    fmt = tf["format"]
    if fmt in ("unix_seconds", "unix_millis"):
        unit = NS_PER_S if fmt == "unix_seconds" else NS_PER_S // 1000
        x = pd.to_numeric(raw)
        t = (x.to_numpy(np.int64) * unit) if x.dtype.kind == "i" else np.rint(x.to_numpy(np.float64) * unit).astype(np.int64)
    elif fmt == "iso8601":
        t = pd.to_datetime(raw, utc=True).dt.tz_localize(None).to_numpy("datetime64[ns]").view(np.int64)
    else:
        local = pd.to_datetime(raw)  # YYYY-MM-DD HH:MM:SS[.fff], wall-clock time in `timezone`
        t = local.dt.tz_localize(ev["timezone"]).dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[ns]").view(np.int64)
    df["_t"] = t
    order = np.argsort(t, kind="stable")
    if not np.array_equal(order, np.arange(len(order))):
        df = df.iloc[order]
    return df.reset_index(drop=True)


def row_features(df, d):
    out = {}
    tz = d["event"]["timezone"]
    t_ns = df["_t"].to_numpy()
    local = None
    for r in d["row_features"]:
        k = r["kind"]
        if k == "value":
            out[r["name"]] = df[r["field"]]
        elif k in ("hour_of_day", "day_of_week"):
            if local is None:
                local = pd.Series(pd.to_datetime(t_ns, unit="ns")).dt.tz_localize("UTC").dt.tz_convert(tz)
            out[r["name"]] = (local.dt.hour if k == "hour_of_day" else local.dt.dayofweek).astype(np.int64)
        elif k == "age_years":
            born = pd.to_datetime(df[r["birth_date"]], format="%Y-%m-%d").dt.tz_localize(tz).dt.tz_convert("UTC").dt.tz_localize(None)
            born_ns = born.to_numpy("datetime64[ns]").view(np.int64).astype(np.float64)
            born_ns[born.isna().to_numpy()] = np.nan
            out[r["name"]] = pd.Series((t_ns - born_ns) / (DAYS_PER_YEAR * 86400 * NS_PER_S))
        else:
            rad = np.pi / 180
            lat1, lon1 = (df[f].to_numpy() * rad for f in r["from"])
            lat2, lon2 = (df[f].to_numpy() * rad for f in r["to"])
            a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
            out[r["name"]] = pd.Series(2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a))))
    return out


class Bounds(BaseIndexer):
    """Window bounds computed beforehand: row i aggregates rows start[i] .. end[i]-1."""

    def get_window_bounds(self, num_values=0, min_periods=None, center=None, closed=None, step=None):
        return self.start, self.end


class EntityEvents:
    """One entity's events (those with a key), sorted by (entity, time), file order within ties."""

    def __init__(self, df, keys, all_times):
        present = np.ones(len(df), dtype=bool)
        codes = None
        for k in keys:
            col = df[k]
            present &= col.notna().to_numpy()
            c, uniques = pd.factorize(col)
            codes = c.astype(np.int64) if codes is None else codes * (len(uniques) + 1) + c
        rows = np.flatnonzero(present)
        codes, _ = pd.factorize(codes[rows])
        order = np.lexsort((df["_t"].to_numpy()[rows], codes))  # stable: rows are in time order
        self.rows = rows[order]  # position in df of each sorted event
        self.code = codes[order].astype(np.int64)
        self.t = df["_t"].to_numpy()[self.rows]
        n = len(self.rows)
        idx = np.arange(n)
        new_entity = np.r_[True, self.code[1:] != self.code[:-1]]
        new_time = new_entity | np.r_[True, self.t[1:] != self.t[:-1]]
        self.entity_start = np.maximum.accumulate(np.where(new_entity, idx, 0))
        # Exclusive end of every window: the first event of this entity at the same time.
        self.tie_start = np.maximum.accumulate(np.where(new_time, idx, 0))
        # Times as ranks among all event times, so (entity, time) fits one sortable int64.
        self.all_times = all_times
        self.stride = len(all_times) + 1
        self.key = self.code * self.stride + np.searchsorted(all_times, self.t)

    def first_at_or_after(self, times):
        """Per sorted event: index of its entity's first event with time >= times (same entity)."""
        return np.searchsorted(self.key, self.code * self.stride + np.searchsorted(self.all_times, times, "left"), "left")

    def start(self, window_s):
        if window_s is None:
            return self.entity_start
        return self.first_at_or_after(self.t - window_s * NS_PER_S)

    def scatter(self, n, values, dtype=np.float64):
        out = np.full(n, np.nan, dtype=dtype)
        out[self.rows] = values
        return out


def window_op(ent, values, op, window_s):
    start = ent.start(window_s).astype(np.int64)
    end = ent.tie_start.astype(np.int64)
    if op == "count":
        return (end - start).astype(np.float64)
    r = pd.Series(values).rolling(Bounds(start=start, end=end), min_periods=0 if op == "sum" else (2 if op == "std" else 1))
    return getattr(r, op)().to_numpy() if op != "std" else r.std(ddof=1).to_numpy()


def window_op_groupby(ent, values, op, window_s):
    """The textbook form: groupby(entity).rolling(offset, on=time, closed='left')."""
    frame = pd.DataFrame({"e": ent.code, "t": pd.to_datetime(ent.t, unit="ns"), "v": values if values is not None else 1.0})
    window = ALL_TIME_OFFSET if window_s is None else f"{window_s}s"
    r = frame.groupby("e", sort=False).rolling(window, on="t", closed="left")["v"]
    if op == "count":
        got = r.count().fillna(0).to_numpy()  # the column of ones: every event counts
    elif op == "sum":
        got = r.sum().fillna(0).to_numpy()
    else:
        got = (r.std(ddof=1) if op == "std" else getattr(r, op)()).to_numpy()
    # pandas 1.5's closed='left' lets the 2nd, 3rd... of equal-time events see the ones before
    # them; the first of each tie sees exactly the strictly earlier events, so all ties take its value.
    return got[ent.tie_start]


def distinct_count(ent, values, window_s):
    """Distinct non-missing values among the entity's events in [t - W, t)."""
    vals = pd.Series(values)
    has = vals.notna().to_numpy()
    vcode, _ = pd.factorize(vals)
    # Occurrences (entity, value, time), deduplicated, sorted; n_j = next time of the same pair.
    occ = pd.DataFrame({"e": ent.code[has], "v": vcode[has], "t": ent.t[has]}).drop_duplicates()
    occ = occ.sort_values(["e", "v", "t"], kind="stable")
    e, v, t = (occ[c].to_numpy() for c in ("e", "v", "t"))
    same_next = np.r_[(e[1:] == e[:-1]) & (v[1:] == v[:-1]), False]
    nxt = np.where(same_next, np.r_[t[1:], 0], np.iinfo(np.int64).max)
    end = nxt if window_s is None else np.minimum(t + window_s * NS_PER_S, nxt)
    # Value j counts for t in (t_j, end_j]: #{t_j < t} - #{end_j < t}, within the entity.
    times = np.unique(np.r_[ent.all_times, end])
    stride = len(times) + 1
    start_keys = np.sort(e * stride + np.searchsorted(times, t))
    end_keys = np.sort(e * stride + np.searchsorted(times, end))
    q = ent.code * stride + np.searchsorted(times, ent.t)
    return (np.searchsorted(start_keys, q, "left") - np.searchsorted(end_keys, q, "left")).astype(np.float64)


def time_since_last(ent):
    """Seconds since the entity's latest strictly earlier event."""
    prev = ent.tie_start - 1
    has = (ent.tie_start > ent.entity_start)
    out = np.full(len(ent.t), np.nan)
    out[has] = (ent.t[has] - ent.t[prev[has]]) / NS_PER_S
    return out


def last_value(ent, values):
    """The value at the entity's latest strictly earlier event that has one (later in file order among ties)."""
    s = pd.Series(values)
    filled = s.groupby(ent.code).ffill().to_numpy()
    prev = ent.tie_start - 1
    has = ent.tie_start > ent.entity_start
    out = np.full(len(s), np.nan, dtype=filled.dtype)
    out[has] = filled[prev[has]]
    return out


def aggregations(df, d, method):
    n = len(df)
    all_times = np.unique(df["_t"].to_numpy())
    entities = {}
    out = {}
    for a in d["aggregations"]:
        name, op = a["name"], a["op"]
        if a["entity"] not in entities:
            entities[a["entity"]] = EntityEvents(df, d["entities"][a["entity"]], all_times)
        ent = entities[a["entity"]]
        values = df[a["field"]].to_numpy()[ent.rows] if "field" in a else None
        if op == "distinct_count":
            out[name] = ent.scatter(n, distinct_count(ent, values, a["window_s"]))
        elif op == "time_since_last":
            out[name] = ent.scatter(n, time_since_last(ent))
        elif op == "last":
            v = last_value(ent, values)
            out[name] = ent.scatter(n, v, dtype=v.dtype)
        elif method == "groupby":
            out[name] = ent.scatter(n, window_op_groupby(ent, values, op, a["window_s"]))
        else:
            out[name] = ent.scatter(n, window_op(ent, values, op, a["window_s"]))
    return out, entities


def ratios(features, d):
    out = {}
    for r in d["ratios"]:
        num = np.asarray(features.get(r["numerator"], out.get(r["numerator"])), dtype=np.float64)
        den = np.asarray(features.get(r["denominator"], out.get(r["denominator"])), dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[r["name"]] = np.where(den == 0, np.nan, num / den)
    return out


def verify(df, d, aggs, entities):
    """Brute force per event (exact sums with math.fsum); returns the worst relative difference."""
    worst = 0.0
    for a in d["aggregations"]:
        ent = entities[a["entity"]]
        got = aggs[a["name"]][ent.rows]
        values = df[a["field"]].to_numpy()[ent.rows] if "field" in a else None
        for i in range(len(ent.rows)):
            lo = ent.entity_start[i]
            j = lo
            while j < len(ent.t) and ent.code[j] == ent.code[i] and ent.t[j] < ent.t[i]:
                j += 1
            idx = [k for k in range(lo, j) if a["window_s"] is None or ent.t[k] >= ent.t[i] - a["window_s"] * NS_PER_S]
            vals = [values[k] for k in idx if not pd.isna(values[k])] if values is not None else []
            op = a["op"]
            if op == "count":
                want = float(len(idx))
            elif op == "sum":
                want = math.fsum(vals)
            elif op == "mean":
                want = math.fsum(vals) / len(vals) if vals else np.nan
            elif op == "min":
                want = min(vals) if vals else np.nan
            elif op == "max":
                want = max(vals) if vals else np.nan
            elif op == "std":
                if len(vals) < 2:
                    want = np.nan
                else:
                    m = math.fsum(vals) / len(vals)
                    want = math.sqrt(math.fsum((x - m) ** 2 for x in vals) / (len(vals) - 1))
            elif op == "distinct_count":
                want = float(len(set(vals)))
            elif op == "time_since_last":
                want = (ent.t[i] - ent.t[j - 1]) / NS_PER_S if j > lo else np.nan
            else:
                earlier = [values[k] for k in range(lo, j) if not pd.isna(values[k])]
                want = earlier[-1] if earlier else np.nan
            g = got[i]
            if pd.isna(want) or pd.isna(g):
                if not (pd.isna(want) and pd.isna(g)):
                    raise SystemExit(f"verify: {a['name']} row {ent.rows[i]}: got {g!r}, brute force {want!r}")
                continue
            if isinstance(want, str) or op in ("count", "distinct_count"):
                if g != want:
                    raise SystemExit(f"verify: {a['name']} row {ent.rows[i]}: got {g!r}, brute force {want!r}")
                continue
            rel = abs(g - want) / max(abs(want), 1e-300) if want != 0 else abs(g)
            if rel > RELATIVE_TOLERANCE:
                raise SystemExit(f"verify: {a['name']} row {ent.rows[i]}: got {g!r}, brute force {want!r} (relative {rel:.3g})")
            worst = max(worst, rel)
    return worst


def integral(d):
    """Output columns that are whole numbers (written without a decimal point)."""
    names = {r["name"] for r in d["row_features"] if r["kind"] in ("hour_of_day", "day_of_week")}
    return names | {a["name"] for a in d["aggregations"] if a["op"] in ("count", "distinct_count")}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--defs", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--keep", default="")
    ap.add_argument("--method", choices=("indexer", "groupby"), default="indexer")
    ap.add_argument("--verify", action="store_true", help="brute-force check of every aggregation (small files)")
    a = ap.parse_args()
    t0 = time.perf_counter()
    d = load_definitions(a.defs)
    keep = [k for k in a.keep.split(",") if k]
    df = read_events(a.data, d, keep)
    t1 = time.perf_counter()
    feats = row_features(df, d)
    aggs, entities = aggregations(df, d, a.method)
    rats = ratios({**feats, **aggs}, d)
    t2 = time.perf_counter()
    ev = d["event"]
    cols = {ev["id"]: df[ev["id"]], ev["time"]["field"]: df[ev["time"]["field"]]}
    for k in keep:
        cols[k] = df[k]
    whole = integral(d)
    for name, v in {**feats, **aggs, **rats}.items():
        s = pd.Series(v) if not isinstance(v, pd.Series) else v.reset_index(drop=True)
        cols[name] = s.astype("Int64") if name in whole else s
    out = pd.DataFrame(cols)
    out.to_csv(a.out, index=False, compression={"method": "gzip", "compresslevel": 1} if a.out.endswith(".gz") else None)
    t3 = time.perf_counter()
    report = {
        "rows": len(df), "columns": len(out.columns), "method": a.method, "pandas": pd.__version__,
        "read_s": round(t1 - t0, 3), "features_s": round(t2 - t1, 3), "write_s": round(t3 - t2, 3), "total_s": round(t3 - t0, 3),
        "rows_per_s": round(len(df) / (t3 - t0)), "features_rows_per_s": round(len(df) / (t2 - t1)),
        "cpu_s": round(sum(os.times()[:2]), 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if a.verify:
        report["verify_worst_relative"] = verify(df, d, aggs, entities)
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    sys.exit(main())
