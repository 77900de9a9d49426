/**
 * Every drift statistic against scipy/numpy outputs recorded in fixtures/drift/scipy_reference.json
 * (regenerate with `/usr/bin/python3 scripts/drift_reference.py`). Tolerance: SCIPY_TOLERANCE,
 * relative (see helpers.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHI_SQUARE_UNSEEN_PSEUDOCOUNT, PSI_EMPTY_BIN_EPSILON, WASSERSTEIN_MIN_SCALE, chiSquareAgainstBaseline, jensenShannonDistance, kolmogorovSmirnovSf, ksPValue, ksTwoSample, normalizedWasserstein, normalizedWassersteinOfHistograms, populationStabilityIndex, regularizedGammaQ, smirnovSf, wassersteinDistance, wassersteinDistanceWeighted, } from '../../src/core/drift/index.js';
import { assertScipyClose, loadReference, sample } from './helpers.js';
const ref = loadReference();
const f64 = (xs) => Float64Array.from(xs);
describe('fixture', () => {
    it('was generated with the constants the code uses', () => {
        assert.equal(ref.constants.PSI_EMPTY_BIN_EPSILON, PSI_EMPTY_BIN_EPSILON);
        assert.equal(ref.constants.CHI_SQUARE_UNSEEN_PSEUDOCOUNT, CHI_SQUARE_UNSEEN_PSEUDOCOUNT);
        assert.equal(ref.constants.WASSERSTEIN_MIN_SCALE, WASSERSTEIN_MIN_SCALE);
    });
});
describe('ks_2samp (method auto) on samples', () => {
    for (const c of ref.ks) {
        it(c.name, () => {
            const r = ksTwoSample(sample(c.a), sample(c.b));
            assertScipyClose(r.statistic, c.statistic, `${c.name} statistic`);
            assertScipyClose(r.pValue, c.pvalue, `${c.name} p-value`);
        });
    }
    it('exact path: statistic snapped to the lcm grid, bit-identical to scipy', () => {
        // scipy reports h / lcm(n1, n2) on the exact path, not the raw ECDF difference, which can be
        // an ulp away (e.g. 1/3 - 1/5 computed in floating point).
        for (const c of ref.ks) {
            const r = ksTwoSample(sample(c.a), sample(c.b));
            if (r.method === 'exact' || c.name.startsWith('exact_fallback_'))
                assert.equal(r.statistic, c.statistic, c.name);
        }
    });
    it('equal sizes where the exact formula leaves [0, 1] fall back to the asymptotic p-value', () => {
        const fallback = ref.ks.filter((c) => c.name.startsWith('exact_fallback_'));
        assert.ok(fallback.length > 0);
        for (const c of fallback)
            assert.equal(ksTwoSample(sample(c.a), sample(c.b)).method, 'asymptotic', c.name);
    });
    it('covers both the exact and the asymptotic paths', () => {
        const methods = new Set(ref.ks.map((c) => ksTwoSample(sample(c.a), sample(c.b)).method));
        assert.deepEqual([...methods].sort(), ['asymptotic', 'exact']);
    });
});
describe('exact two-sample distribution', () => {
    it('matches scipy on a grid of sizes and statistics', () => {
        for (const [n1, n2, d, p] of ref.ks_exact) {
            const r = ksPValue(d, n1, n2);
            assert.equal(r.method, 'exact', `${n1}x${n2} d=${d}`);
            assertScipyClose(r.pValue, p, `exact p n1=${n1} n2=${n2} d=${d}`);
        }
    });
});
describe('one-sample two-sided distribution (kstwo.sf)', () => {
    it('matches scipy on every branch of the method choice', () => {
        for (const [n, d, sf] of ref.kstwo_sf)
            assertScipyClose(kolmogorovSmirnovSf(n, d), sf, `kstwo.sf(${d}, ${n})`);
    });
    it('Smirnov one-sided tail matches scipy.special.smirnov', () => {
        for (const [n, d, sf] of ref.smirnov_sf)
            assertScipyClose(smirnovSf(n, d), sf, `smirnov(${n}, ${d})`);
    });
});
describe('chi-squared', () => {
    for (const c of ref.chisquare) {
        it(c.name, () => {
            const r = chiSquareAgainstBaseline(f64(c.baseline), f64(c.current));
            assert.equal(r.degreesOfFreedom, c.df);
            assertScipyClose(r.statistic, c.statistic, `${c.name} statistic`);
            assertScipyClose(r.pValue, c.pvalue, `${c.name} p-value`);
        });
    }
    it('upper regularized incomplete gamma matches scipy.special.gammaincc', () => {
        for (const [a, x, q] of ref.gammaincc)
            assertScipyClose(regularizedGammaQ(a, x), q, `Q(${a}, ${x})`);
    });
});
describe('Jensen-Shannon distance', () => {
    for (const c of ref.jensenshannon) {
        it(c.name, () => {
            assertScipyClose(jensenShannonDistance(f64(c.p), f64(c.q)), c.base_e, `${c.name} base e`);
            assertScipyClose(jensenShannonDistance(f64(c.p), f64(c.q), 2), c.base_2, `${c.name} base 2`);
        });
    }
});
describe('Wasserstein distance', () => {
    for (const c of ref.wasserstein) {
        it(c.name, () => {
            const u = sample(c.u);
            const v = sample(c.v);
            assertScipyClose(wassersteinDistance(u, v), c.distance, `${c.name} distance`);
            assertScipyClose(normalizedWasserstein(u, v), c.normalized, `${c.name} normalised`);
        });
    }
    for (const c of ref.wasserstein_weighted) {
        it(`weighted: ${c.name}`, () => {
            if (c.edges !== undefined && c.baseline !== undefined && c.current !== undefined) {
                const edges = f64(c.edges);
                const centres = new Float64Array(edges.length - 1);
                for (let i = 0; i < centres.length; i++)
                    centres[i] = edges[i] + (edges[i + 1] - edges[i]) / 2;
                assertScipyClose(wassersteinDistanceWeighted(centres, centres, f64(c.baseline), f64(c.current)), c.distance, `${c.name} distance`);
                assert.ok(c.normalized !== undefined);
                assertScipyClose(normalizedWassersteinOfHistograms(edges, f64(c.baseline), f64(c.current)), c.normalized, `${c.name} normalised`);
            }
            else {
                assert.ok(c.u && c.v && c.uw && c.vw);
                assertScipyClose(wassersteinDistanceWeighted(f64(c.u), f64(c.v), f64(c.uw), f64(c.vw)), c.distance, c.name);
            }
        });
    }
});
describe('PSI (numpy reference)', () => {
    for (const c of ref.psi) {
        it(c.name, () => {
            assertScipyClose(populationStabilityIndex(f64(c.baseline), f64(c.current)), c.psi, c.name);
        });
    }
});
//# sourceMappingURL=scipy-parity.test.js.map