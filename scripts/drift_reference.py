#!/usr/bin/python3
"""Reference values for the drift statistics, computed with scipy and numpy.

Writes fixtures/drift/scipy_reference.json: deterministic inputs (seeded numpy RNG) and what
scipy returns for them. The TypeScript tests in test/drift/ read the file and compare.

Run with Debian's interpreter (scipy 1.10, numpy 1.24):  /usr/bin/python3 scripts/drift_reference.py

Large samples live once in a "pool" as base64 of little-endian float32 (exact when widened to
float64 on both sides) and cases refer to slices of them, which keeps the file small; small
samples are plain JSON lists (Python's float repr round-trips exactly through JSON.parse).
"""

import base64
import json
import math
import os
import sys
import warnings

import numpy as np
import scipy
from scipy import special, stats
from scipy.spatial import distance
from scipy.stats import _stats_py

SEED = 20240611
# Same constants as src/core/drift (psi.ts, chisquare.ts, wasserstein.ts).
PSI_EMPTY_BIN_EPSILON = 1e-4
CHI_SQUARE_UNSEEN_PSEUDOCOUNT = 0.5
WASSERSTEIN_MIN_SCALE = 1e-3

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'drift', 'scipy_reference.json')


def f32_b64(values):
    return base64.b64encode(np.asarray(values, dtype='<f4').tobytes()).decode('ascii')


def rounded(values, digits=6):
    """Small samples: rounded so the JSON stays short; the rounded values are the inputs."""
    return [float(v) for v in np.round(np.asarray(values, dtype=float), digits)]


def main():
    rng = np.random.default_rng(SEED)
    pool_arrays = {
        'big': rng.normal(0.0, 1.0, 12000).astype(np.float32),
        'big2': rng.normal(0.03, 1.0, 11000).astype(np.float32),
    }
    pool = {name: f32_b64(arr) for name, arr in pool_arrays.items()}

    def from_ref(ref):
        arr = pool_arrays[ref['ref']][ref['start']:ref['end']].astype(np.float64)
        return arr + ref.get('offset', 0.0)

    def resolve(x):
        return from_ref(x) if isinstance(x, dict) else np.asarray(x, dtype=np.float64)

    def ref(name, start, end, offset=0.0):
        r = {'ref': name, 'start': start, 'end': end}
        if offset:
            r['offset'] = offset
        return r

    # ---------------------------------------------------------------- KS on samples
    ks_inputs = []
    ks_inputs.append(('normal_vs_shifted_exact', rounded(rng.normal(0, 1, 300)), rounded(rng.normal(0.25, 1, 250))))
    same = rounded(rng.normal(0, 1, 80))
    ks_inputs.append(('identical_samples', same, list(same)))
    ks_inputs.append(('ties_small_integers', [float(v) for v in rng.integers(0, 6, 120)], [float(v) for v in rng.integers(0, 7, 90)]))
    for n1 in range(1, 6):
        for n2 in range(1, 6):
            ks_inputs.append((f'tiny_{n1}_{n2}', rounded(rng.normal(0, 1, n1), 3), rounded(rng.normal(0.8, 1, n2), 3)))
    ks_inputs.append(('disjoint_5_5', [1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0]))
    ks_inputs.append(('equal_sizes_100', rounded(rng.normal(0, 1, 100)), rounded(rng.normal(0.4, 1, 100))))
    ks_inputs.append(('equal_sizes_1000_ties', rounded(rng.normal(0, 1, 1000), 1), rounded(rng.normal(0.1, 1, 1000), 1)))
    ks_inputs.append(('unequal_exact_3000_2500', ref('big', 0, 3000), ref('big2', 0, 2500)))
    ks_inputs.append(('exact_10000_vs_10000', ref('big', 0, 10000), ref('big2', 0, 10000)))
    ks_inputs.append(('exact_10000_vs_9999', ref('big', 0, 10000), ref('big2', 0, 9999)))
    ks_inputs.append(('exact_10000_vs_37', ref('big', 0, 10000), ref('big2', 0, 37)))
    ks_inputs.append(('asymp_12000_vs_5', ref('big', 0, 12000), ref('big2', 100, 105)))
    ks_inputs.append(('asymp_12000_vs_20', ref('big', 0, 12000), ref('big2', 200, 220)))
    ks_inputs.append(('asymp_12000_vs_100', ref('big', 0, 12000), ref('big2', 300, 400)))
    ks_inputs.append(('asymp_12000_vs_150_same_source', ref('big', 0, 12000), ref('big', 5000, 5150)))
    ks_inputs.append(('asymp_12000_vs_1000', ref('big', 0, 12000), ref('big2', 1000, 2000)))
    ks_inputs.append(('asymp_12000_vs_3000_shifted', ref('big', 0, 12000), ref('big2', 2000, 5000, 0.5)))
    ks_inputs.append(('asymp_12000_vs_11000', ref('big', 0, 12000), ref('big2', 0, 11000)))
    ks_inputs.append(('asymp_equal_10500', ref('big', 0, 10500), ref('big2', 0, 10500)))
    # Equal sizes with D = 1/n: the exact formula rounds to just above 1 for some n, and scipy
    # then falls back (with a RuntimeWarning) to the asymptotic p-value; we mirror that.
    for n in (5, 7, 13):
        grid = [float(v) for v in range(n)]
        ks_inputs.append((f'exact_fallback_equal_{n}', grid, [v + 0.5 for v in grid]))
    ks_cases = []
    for name, a, b in ks_inputs:
        with warnings.catch_warnings():
            if name.startswith('exact_fallback_'):
                warnings.simplefilter('ignore', RuntimeWarning)
            r = stats.ks_2samp(resolve(a), resolve(b))  # method='auto', alternative='two-sided'
        ks_cases.append({'name': name, 'a': a, 'b': b, 'statistic': float(r.statistic), 'pvalue': float(r.pvalue)})

    # ------------------------------------------- exact two-sample distribution (scipy internal)
    ks_exact = []
    for n1, n2 in [(7, 13), (13, 7), (50, 50), (100, 37), (64, 96), (999, 1000), (2500, 3000), (5000, 4999), (10000, 9999)]:
        g = math.gcd(n1, n2)
        lcm = (n1 // g) * n2
        for frac in [0.02, 0.05, 0.1, 0.2, 0.35, 0.6]:
            h = max(1, int(round(frac * lcm)))
            d = h / lcm
            ok, d_used, p = _stats_py._attempt_exact_2kssamp(n1, n2, g, d, 'two-sided')
            if ok:
                ks_exact.append([n1, n2, d_used, float(p)])

    # -------------------------------------- one-sample two-sided distribution (kstwo.sf grid)
    kstwo = []
    for n in [1, 2, 3, 5, 10, 20, 50, 100, 140, 141, 200, 500, 1000, 5000, 20000, 100000, 150000, 2000000]:
        ds = [z / math.sqrt(n) for z in (0.3, 0.6, 0.8, 1.0, 1.3, 1.6, 2.0, 2.5, 3.5, 5.0, 8.0)]
        ds += [0.51, 0.7, 0.9, 0.75 / n, 1.0 / n, 1 - 0.5 / n]
        for d in ds:
            if 0 < d < 1:
                kstwo.append([n, d, float(stats.kstwo.sf(d, n))])
    smirnov = []
    for n in [2, 7, 10, 50, 141, 1000, 20000, 100000, 1500000]:
        for d in [0.5 / n, 1.5 / n, 0.3 / math.sqrt(n), 1.2 / math.sqrt(n), 2.5 / math.sqrt(n), 0.6, 1 - 0.3 / n]:
            if 0 < d < 1:
                smirnov.append([n, d, float(special.smirnov(n, d))])

    # -------------------------------------------------------------------- chi-squared
    def chi_reference(baseline, current):
        b = np.asarray(baseline, dtype=float)
        c = np.asarray(current, dtype=float)
        keep = (b > 0) | (c > 0)
        b, c = b[keep], c[keep]
        if np.any(b == 0):
            b = b + CHI_SQUARE_UNSEEN_PSEUDOCOUNT
        expected = b / b.sum() * c.sum()
        r = stats.chisquare(c, expected)
        return float(r.statistic), float(r.pvalue), int(len(c) - 1)

    chi_inputs = [
        ('three_categories', [500, 300, 200], [45, 35, 20]),
        ('no_drift_exact_match', [250, 250, 500], [25, 25, 50]),
        ('binary', [900, 100], [160, 40]),
        ('unseen_category_other_bucket', [400, 300, 300, 0], [30, 30, 30, 10]),
        ('empty_on_both_sides_dropped', [100, 0, 50, 25], [10, 0, 5, 9]),
        ('strong_drift_tiny_p', [1000, 1000], [900, 100]),
        ('twenty_categories', [int(v) for v in rng.integers(50, 500, 20)], [int(v) for v in rng.integers(5, 60, 20)]),
        ('two_hundred_categories', [int(v) for v in rng.integers(100, 1000, 200)], [int(v) for v in rng.integers(10, 100, 200)]),
        ('fractional_weights', [10.5, 20.25, 30.125], [3.5, 2.0, 9.75]),
    ]
    chi_cases = []
    for name, b, c in chi_inputs:
        s, p, df = chi_reference(b, c)
        chi_cases.append({'name': name, 'baseline': [float(v) for v in b], 'current': [float(v) for v in c], 'statistic': s, 'pvalue': p, 'df': df})

    gamma_q = []
    for a in [0.5, 1.0, 2.5, 10.0, 10.5, 50.5, 500.0, 5000.0]:
        for ratio in [0.01, 0.3, 0.8, 0.95, 1.0, 1.05, 1.2, 2.0, 5.0]:
            x = a * ratio
            gamma_q.append([a, x, float(special.gammaincc(a, x))])
    for df, x in [(1, 3.841458820694124), (2, 0.1), (4, 9.48), (9, 300.0), (99, 80.0), (1, 1e-8), (3, 700.0)]:
        gamma_q.append([df / 2, x / 2, float(stats.chi2.sf(x, df))])

    # ---------------------------------------------------------------- Jensen-Shannon
    js_inputs = [
        ('two_bins_disjoint', [1, 0], [0, 1]),
        ('shifted_histogram', [5, 10, 20, 40, 20, 5], [2, 6, 15, 35, 30, 12]),
        ('with_zero_bins', [0, 10, 30, 0, 60], [5, 0, 40, 5, 50]),
        ('identical', [3, 4, 5], [3, 4, 5]),
        ('proportional', [1, 2, 3], [10, 20, 30]),
        ('thirty_bins', [int(v) for v in rng.integers(0, 300, 30)], [int(v) for v in rng.integers(0, 50, 30)]),
    ]
    js_cases = []
    for name, p, q in js_inputs:
        js_cases.append({
            'name': name,
            'p': [float(v) for v in p],
            'q': [float(v) for v in q],
            'base_e': float(distance.jensenshannon(np.asarray(p, float), np.asarray(q, float))),
            'base_2': float(distance.jensenshannon(np.asarray(p, float), np.asarray(q, float), base=2)),
        })

    # -------------------------------------------------------------------- Wasserstein
    w_inputs = [
        ('small_disjoint', [0.0, 1.0, 3.0], [5.0, 6.0, 8.0]),
        ('normal_vs_shifted', rounded(rng.normal(0, 1, 500)), rounded(rng.normal(0.5, 1.5, 400))),
        ('ties', [float(v) for v in rng.integers(0, 4, 60)], [float(v) for v in rng.integers(1, 5, 45)]),
        ('single_values', [2.5], [-1.0]),
        ('constant_baseline', [1.0] * 50, rounded(rng.normal(1, 0.01, 40))),
        ('pool_large', ref('big', 0, 12000), ref('big2', 0, 11000)),
    ]
    w_cases = []
    for name, u, v in w_inputs:
        uu, vv = resolve(u), resolve(v)
        d = float(stats.wasserstein_distance(uu, vv))
        w_cases.append({'name': name, 'u': u, 'v': v, 'distance': d, 'normalized': d / max(float(np.std(uu)), WASSERSTEIN_MIN_SCALE)})
    w_weighted = []
    edges = np.linspace(-3.0, 3.0, 13)
    centres = edges[:-1] + (edges[1:] - edges[:-1]) / 2
    hb = [float(v) for v in rng.integers(0, 200, 12)]
    hc = [float(v) for v in rng.integers(0, 40, 12)]
    d = float(stats.wasserstein_distance(centres, centres, hb, hc))
    mean = np.average(centres, weights=hb)
    std = math.sqrt(float(np.average((centres - mean) ** 2, weights=hb)))
    w_weighted.append({'name': 'histogram_on_shared_edges', 'edges': [float(e) for e in edges], 'baseline': hb, 'current': hc,
                       'distance': d, 'normalized': d / max(std, WASSERSTEIN_MIN_SCALE)})
    uvals = rounded(rng.normal(0, 1, 15), 3)
    vvals = rounded(rng.normal(1, 1, 9), 3)
    uw = rounded(rng.uniform(0, 2, 15), 3)
    vw = rounded(rng.uniform(0, 2, 9), 3)
    w_weighted.append({'name': 'general_weighted', 'u': uvals, 'v': vvals, 'uw': uw, 'vw': vw,
                       'distance': float(stats.wasserstein_distance(uvals, vvals, uw, vw))})

    # --------------------------------------------------------------------------- PSI (numpy)
    def psi_reference(baseline, current):
        b = np.asarray(baseline, dtype=float)
        c = np.asarray(current, dtype=float)
        b = b / b.sum()
        c = c / c.sum()
        b = np.where(b == 0, PSI_EMPTY_BIN_EPSILON, b)
        c = np.where(c == 0, PSI_EMPTY_BIN_EPSILON, c)
        return float(np.sum((c - b) * np.log(c / b)))

    psi_inputs = [
        ('deciles_shift', [100] * 10, [80, 85, 90, 95, 100, 100, 105, 110, 115, 120]),
        ('identical', [10, 20, 30], [10, 20, 30]),
        ('zero_bins', [0, 50, 50, 0], [10, 40, 40, 10]),
        ('large_shift', [500, 300, 150, 50], [50, 150, 300, 500]),
    ]
    psi_cases = [{'name': n, 'baseline': [float(v) for v in b], 'current': [float(v) for v in c], 'psi': psi_reference(b, c)}
                 for n, b, c in psi_inputs]

    doc = {
        'generator': 'scripts/drift_reference.py',
        'seed': SEED,
        'versions': {'scipy': scipy.__version__, 'numpy': np.__version__, 'python': sys.version.split()[0]},
        'constants': {
            'PSI_EMPTY_BIN_EPSILON': PSI_EMPTY_BIN_EPSILON,
            'CHI_SQUARE_UNSEEN_PSEUDOCOUNT': CHI_SQUARE_UNSEEN_PSEUDOCOUNT,
            'WASSERSTEIN_MIN_SCALE': WASSERSTEIN_MIN_SCALE,
        },
        'pool': pool,
        'ks': ks_cases,
        'ks_exact': ks_exact,
        'kstwo_sf': kstwo,
        'smirnov_sf': smirnov,
        'chisquare': chi_cases,
        'gammaincc': gamma_q,
        'jensenshannon': js_cases,
        'wasserstein': w_cases,
        'wasserstein_weighted': w_weighted,
        'psi': psi_cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(doc, f, allow_nan=False, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {os.path.relpath(OUT)} ({os.path.getsize(OUT)} bytes)')


if __name__ == '__main__':
    with warnings.catch_warnings():
        warnings.simplefilter('error', RuntimeWarning)
        main()
