/**
 * The registry: default test by feature type and baseline size (Evidently's rule), threshold
 * overrides, not-enough-data windows, the dataset-drift share, and the shape of the statistics.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DRIFT_STATISTICS, MIN_DRIFT_SAMPLE_SIZE, datasetDrift, getDriftStatistic, runFeatureDrift, samplesToCounts, selectDriftTest, } from '../../src/core/drift/index.js';
/** Deterministic pseudo-normal sample (sum of 12 LCG uniforms minus 6), no dependency on Math.random. */
function normalSample(n, mean, seed) {
    let state = seed >>> 0;
    const next = () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state / 2 ** 32;
    };
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < 12; k++)
            s += next();
        out[i] = mean + s - 6;
    }
    return out;
}
const samples = (baseline, current) => ({ form: 'samples', baseline, current });
const counts = (baseline, current) => ({
    form: 'counts',
    baseline: Float64Array.from(baseline),
    current: Float64Array.from(current),
});
describe('selectDriftTest (Evidently rule)', () => {
    it('numeric: KS up to 1000 baseline rows, normalised Wasserstein above', () => {
        assert.equal(selectDriftTest({ type: 'numeric', baselineRows: 1000, distinctValues: 400 }), 'ks');
        assert.equal(selectDriftTest({ type: 'numeric', baselineRows: 1001, distinctValues: 400 }), 'wasserstein');
        assert.equal(selectDriftTest({ type: 'numeric', baselineRows: 10 }), 'ks');
    });
    it('categorical: chi-squared up to 1000 rows, Jensen-Shannon above; binary too', () => {
        assert.equal(selectDriftTest({ type: 'categorical', baselineRows: 1000 }), 'chisquare');
        assert.equal(selectDriftTest({ type: 'categorical', baselineRows: 1001 }), 'jensenshannon');
        assert.equal(selectDriftTest({ type: 'categorical', baselineRows: 200, distinctValues: 2 }), 'chisquare');
    });
    it('numeric with at most 5 distinct values is tested as categorical', () => {
        assert.equal(selectDriftTest({ type: 'numeric', baselineRows: 500, distinctValues: 5 }), 'chisquare');
        assert.equal(selectDriftTest({ type: 'numeric', baselineRows: 5000, distinctValues: 5 }), 'jensenshannon');
        assert.equal(selectDriftTest({ type: 'numeric', baselineRows: 5000, distinctValues: 6 }), 'wasserstein');
    });
});
describe('runFeatureDrift', () => {
    it('small numeric baseline: KS detects a one-sd shift and not a same-source window', () => {
        const base = normalSample(800, 0, 1);
        const shifted = runFeatureDrift('numeric', samples(base, normalSample(300, 1, 2)));
        assert.equal(shifted.test, 'ks');
        assert.equal(shifted.drifted, true);
        assert.ok(shifted.pValue !== null && shifted.pValue < 1e-10);
        const same = runFeatureDrift('numeric', samples(base, normalSample(300, 0, 3)));
        assert.equal(same.test, 'ks');
        assert.equal(same.drifted, false);
    });
    it('large numeric baseline and window: normalised Wasserstein, pValue null', () => {
        const base = normalSample(5000, 0, 4);
        const r = runFeatureDrift('numeric', samples(base, normalSample(2000, 0.5, 5)));
        assert.equal(r.test, 'wasserstein');
        assert.equal(r.pValue, null);
        assert.ok(r.statistic > 0.3 && r.statistic < 0.7, `normalised distance ${r.statistic}`);
        assert.equal(r.drifted, true);
        assert.equal(r.threshold, DRIFT_STATISTICS.wasserstein.defaultThreshold);
    });
    it('categorical counts pick chi-squared or Jensen-Shannon by baseline total', () => {
        assert.equal(runFeatureDrift('categorical', counts([300, 200, 100], [50, 30, 20])).test, 'chisquare');
        const large = runFeatureDrift('categorical', counts([3000, 2000, 1000], [200, 600, 1200]));
        assert.equal(large.test, 'jensenshannon');
        assert.equal(large.drifted, true);
    });
    it('a small window keeps the p-value tests even against a large baseline', () => {
        const base = normalSample(5000, 0, 4);
        assert.equal(runFeatureDrift('numeric', samples(base, normalSample(500, 0, 5))).test, 'ks');
        assert.equal(runFeatureDrift('categorical', counts([3000, 2000, 1000], [10, 30, 60])).test, 'chisquare');
        assert.equal(selectDriftTest({ type: 'numeric', baselineRows: 100_000, currentRows: 1000 }), 'ks');
        assert.equal(selectDriftTest({ type: 'numeric', baselineRows: 100_000, currentRows: 1001 }), 'wasserstein');
        assert.equal(selectDriftTest({ type: 'numeric', baselineRows: 100_000 }), 'wasserstein');
    });
    it('low-cardinality numeric samples are counted per value', () => {
        const base = Float64Array.from({ length: 400 }, (_, i) => i % 3);
        const cur = Float64Array.from({ length: 90 }, (_, i) => (i % 9 === 0 ? 4 : i % 3));
        const r = runFeatureDrift('numeric', samples(base, cur));
        assert.equal(r.test, 'chisquare');
        assert.equal(r.drifted, true); // value 4 never occurs in the baseline
        const c = samplesToCounts(base, cur);
        assert.deepEqual([...c.values], [0, 1, 2, 4]);
        assert.deepEqual([...c.baseline], [134, 133, 133, 0]);
        assert.equal(c.current.reduce((s, v) => s + v, 0), 90);
    });
    it('threshold overrides apply to the chosen test', () => {
        const base = normalSample(800, 0, 6);
        const cur = normalSample(300, 0.2, 7);
        const def = runFeatureDrift('numeric', samples(base, cur));
        assert.ok(def.pValue !== null);
        const strict = runFeatureDrift('numeric', samples(base, cur), { thresholds: { ks: def.pValue / 2 } });
        const loose = runFeatureDrift('numeric', samples(base, cur), { thresholds: { ks: Math.min(1, def.pValue * 2) } });
        assert.equal(strict.drifted, false);
        assert.equal(loose.drifted, true);
        assert.equal(strict.threshold, def.pValue / 2);
    });
    it('a forced test is used, and must fit the feature type', () => {
        const base = normalSample(200, 0, 8);
        const r = runFeatureDrift('numeric', samples(base, normalSample(100, 0, 9)), { test: 'wasserstein' });
        assert.equal(r.test, 'wasserstein');
        assert.throws(() => runFeatureDrift('categorical', counts([10, 20], [30, 40]), { test: 'ks' }), (e) => e instanceof Error && e.code === 'INPUT_INVALID');
    });
});
describe('not enough data', () => {
    const tiny = MIN_DRIFT_SAMPLE_SIZE - 1;
    it('empty or tiny windows never alarm and never throw, for every statistic', () => {
        const base = normalSample(500, 0, 10);
        const far = normalSample(tiny, 100, 11); // would be an obvious drift with enough rows
        for (const current of [new Float64Array(0), far, Float64Array.from([Number.NaN, Number.NaN])]) {
            const r = runFeatureDrift('numeric', samples(base, current));
            assert.equal(r.notEnoughData, true);
            assert.equal(r.drifted, false);
            assert.equal(r.pValue, null);
        }
        for (const stat of Object.values(DRIFT_STATISTICS)) {
            const input = stat.accepts.includes('samples') ? samples(base, far) : counts([100, 200, 300], [tiny, 0, 0]);
            const r = stat.compute(input);
            assert.equal(r.notEnoughData, true, stat.name);
            assert.equal(r.drifted, false, stat.name);
            assert.equal(r.test, stat.name);
        }
    });
    it('a tiny baseline is also not enough data', () => {
        const r = runFeatureDrift('categorical', counts([5, 5], [400, 10]));
        assert.equal(r.notEnoughData, true);
        assert.equal(r.drifted, false);
    });
    it('NaN (missing) values do not count as observations', () => {
        const cur = new Float64Array(MIN_DRIFT_SAMPLE_SIZE + 5).fill(Number.NaN);
        cur[0] = 1;
        const r = runFeatureDrift('numeric', samples(normalSample(500, 0, 12), cur));
        assert.equal(r.notEnoughData, true);
    });
    it('minSampleSize can be lowered', () => {
        const r = runFeatureDrift('numeric', samples(Float64Array.of(1, 2, 3, 4, 5), Float64Array.of(6, 7, 8, 9, 10)), {
            minSampleSize: 5,
        });
        assert.equal(r.notEnoughData, undefined);
        assert.equal(r.drifted, true);
        assert.equal(r.pValue, 1 / 126); // exact: 2 / C(10, 5)
    });
});
describe('datasetDrift', () => {
    const res = (drifted, notEnoughData) => ({
        test: 'ks',
        statistic: 0,
        pValue: null,
        threshold: 0.05,
        drifted,
        ...(notEnoughData ? { notEnoughData } : {}),
    });
    it('drifts when the drifted share reaches the threshold (default 0.5)', () => {
        assert.equal(datasetDrift([res(true), res(false)]).drifted, true);
        assert.equal(datasetDrift([res(true), res(false), res(false)]).drifted, false);
        const r = datasetDrift([res(true), res(true), res(false), res(false)], 0.75);
        assert.equal(r.drifted, false);
        assert.equal(r.shareDrifted, 0.5);
        assert.equal(r.driftedFeatures, 2);
        assert.equal(r.evaluatedFeatures, 4);
    });
    it('features without enough data are left out of the share', () => {
        const r = datasetDrift([res(true), res(false, true), res(false, true)]);
        assert.equal(r.evaluatedFeatures, 1);
        assert.equal(r.drifted, true);
    });
    it('no evaluable feature: not enough data, no drift', () => {
        const r = datasetDrift([res(false, true)]);
        assert.equal(r.drifted, false);
        assert.equal(r.notEnoughData, true);
        assert.equal(datasetDrift([]).drifted, false);
    });
});
describe('statistic objects', () => {
    it('are small declarative objects with consistent fields', () => {
        for (const [name, stat] of Object.entries(DRIFT_STATISTICS)) {
            assert.equal(stat.name, name);
            assert.ok(stat.appliesTo.length > 0);
            assert.ok(stat.kind === 'p_value' || stat.kind === 'distance');
            assert.ok(stat.defaultThreshold > 0 && stat.defaultThreshold < 1);
            assert.equal(getDriftStatistic(name), stat);
        }
        assert.equal(DRIFT_STATISTICS.ks.kind, 'p_value');
        assert.equal(DRIFT_STATISTICS.chisquare.kind, 'p_value');
        assert.equal(DRIFT_STATISTICS.psi.kind, 'distance');
    });
    it('p-value tests drift below the threshold, distances at or above it', () => {
        const r = DRIFT_STATISTICS.psi.compute(counts([100, 100], [60, 140]), { threshold: 0.1 });
        const psi = r.statistic;
        assert.equal(DRIFT_STATISTICS.psi.compute(counts([100, 100], [60, 140]), { threshold: psi }).drifted, true);
        assert.equal(DRIFT_STATISTICS.psi.compute(counts([100, 100], [60, 140]), { threshold: psi * 1.0001 }).drifted, false);
        const chi = DRIFT_STATISTICS.chisquare.compute(counts([100, 100], [60, 140]));
        assert.ok(chi.pValue !== null);
        assert.equal(DRIFT_STATISTICS.chisquare.compute(counts([100, 100], [60, 140]), { threshold: chi.pValue }).drifted, false);
    });
    it('KS on histograms is close to KS on the raw data and never smaller in p-value', () => {
        const base = normalSample(600, 0, 13);
        const cur = normalSample(400, 0.3, 14);
        const edges = Float64Array.from({ length: 21 }, (_, i) => -5 + i * 0.5);
        const bin = (xs) => {
            const out = new Float64Array(edges.length - 1);
            for (const x of xs)
                out[Math.min(out.length - 1, Math.max(0, Math.floor((x + 5) / 0.5)))]++;
            return out;
        };
        const raw = DRIFT_STATISTICS.ks.compute(samples(base, cur));
        const binned = DRIFT_STATISTICS.ks.compute({ form: 'counts', baseline: bin(base), current: bin(cur), edges });
        assert.ok(binned.statistic <= raw.statistic + 1e-12);
        assert.ok(raw.statistic - binned.statistic < 0.05);
        assert.ok(binned.pValue !== null && raw.pValue !== null && binned.pValue >= raw.pValue);
    });
    it('sample-based tests leave their inputs untouched', () => {
        const base = normalSample(100, 0, 15);
        const cur = normalSample(100, 0.1, 16);
        const b0 = Float64Array.from(base);
        const c0 = Float64Array.from(cur);
        DRIFT_STATISTICS.ks.compute(samples(base, cur));
        DRIFT_STATISTICS.wasserstein.compute(samples(base, cur));
        assert.deepEqual(base, b0);
        assert.deepEqual(cur, c0);
    });
});
//# sourceMappingURL=registry.test.js.map