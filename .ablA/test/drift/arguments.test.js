/**
 * Invalid arguments throw FraudlensError with a code (never a bare Error, never a silent NaN),
 * and the documented edge conventions hold.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FraudlensError } from '../../src/core/errors.js';
import { DRIFT_STATISTICS, chiSquareAgainstBaseline, chiSquareGoodnessOfFit, datasetDrift, getDriftStatistic, jensenShannonDistance, ksFromHistograms, ksPValue, ksTwoSample, normalizedWassersteinOfHistograms, populationStabilityIndex, runFeatureDrift, selectDriftTest, wassersteinDistance, wassersteinDistanceWeighted, } from '../../src/core/drift/index.js';
const f64 = (...xs) => Float64Array.from(xs);
function throwsCode(fn, code) {
    assert.throws(fn, (e) => {
        assert.ok(e instanceof FraudlensError, `expected FraudlensError, got ${String(e)}`);
        assert.equal(e.code, code);
        assert.ok(e.message.length > 0);
        return true;
    });
}
describe('count vectors', () => {
    it('mismatched bin counts', () => {
        throwsCode(() => populationStabilityIndex(f64(1, 2, 3), f64(1, 2)), 'INPUT_INVALID');
        throwsCode(() => jensenShannonDistance(f64(1, 2), f64(1, 2, 3)), 'INPUT_INVALID');
        throwsCode(() => chiSquareAgainstBaseline(f64(1, 2), f64(1)), 'INPUT_INVALID');
        throwsCode(() => ksFromHistograms(f64(1, 2), f64(1)), 'INPUT_INVALID');
    });
    it('negative, NaN or infinite counts', () => {
        throwsCode(() => populationStabilityIndex(f64(1, -2), f64(1, 2)), 'INPUT_INVALID');
        throwsCode(() => jensenShannonDistance(f64(1, 2), f64(Number.NaN, 2)), 'INPUT_INVALID');
        throwsCode(() => chiSquareAgainstBaseline(f64(1, Infinity), f64(1, 2)), 'INPUT_INVALID');
        throwsCode(() => DRIFT_STATISTICS.psi.compute({ form: 'counts', baseline: f64(50, -1), current: f64(40, 40) }), 'INPUT_INVALID');
    });
    it('empty vectors and all-zero totals', () => {
        throwsCode(() => populationStabilityIndex(new Float64Array(0), new Float64Array(0)), 'INPUT_INVALID');
        throwsCode(() => jensenShannonDistance(f64(0, 0), f64(1, 2)), 'INPUT_INVALID');
        throwsCode(() => chiSquareAgainstBaseline(f64(0, 0), f64(1, 2)), 'INPUT_INVALID');
    });
    it('bad options', () => {
        throwsCode(() => populationStabilityIndex(f64(1, 2), f64(1, 2), 0), 'INPUT_INVALID');
        throwsCode(() => jensenShannonDistance(f64(1, 2), f64(1, 2), 1), 'INPUT_INVALID');
        throwsCode(() => DRIFT_STATISTICS.psi.compute({ form: 'counts', baseline: f64(50, 50), current: f64(40, 40) }, { threshold: -1 }), 'INPUT_INVALID');
        throwsCode(() => DRIFT_STATISTICS.ks.compute({ form: 'samples', baseline: f64(1), current: f64(2) }, { minSampleSize: 0 }), 'INPUT_INVALID');
        throwsCode(() => datasetDrift([], 0), 'INPUT_INVALID');
        throwsCode(() => datasetDrift([], 1.5), 'INPUT_INVALID');
    });
});
describe('tests and inputs that do not fit', () => {
    it('unknown test name and unknown feature type', () => {
        throwsCode(() => getDriftStatistic('anderson'), 'INPUT_INVALID');
        throwsCode(() => selectDriftTest({ type: 'text', baselineRows: 10 }), 'INPUT_INVALID');
        throwsCode(() => selectDriftTest({ type: 'numeric', baselineRows: Number.NaN }), 'INPUT_INVALID');
    });
    it('a counts-only test given samples, and histogram Wasserstein without edges', () => {
        const s = { form: 'samples', baseline: new Float64Array(50).fill(1), current: new Float64Array(50).fill(2) };
        throwsCode(() => DRIFT_STATISTICS.chisquare.compute(s), 'INPUT_INVALID');
        throwsCode(() => DRIFT_STATISTICS.wasserstein.compute({ form: 'counts', baseline: f64(40, 40), current: f64(40, 40) }), 'INPUT_INVALID');
        throwsCode(() => normalizedWassersteinOfHistograms(f64(0, 1), f64(40, 40), f64(40, 40)), 'INPUT_INVALID');
        throwsCode(() => normalizedWassersteinOfHistograms(f64(0, Infinity, 2), f64(40, 40), f64(40, 40)), 'INPUT_INVALID');
    });
    it('a continuous numeric sample forced onto a counts-only test', () => {
        const base = Float64Array.from({ length: 100 }, (_, i) => i * 0.37);
        throwsCode(() => runFeatureDrift('numeric', { form: 'samples', baseline: base, current: base }, { test: 'psi' }), 'INPUT_INVALID');
    });
});
describe('samples', () => {
    it('KS with an empty side (after dropping NaN) or bad sizes', () => {
        throwsCode(() => ksTwoSample(new Float64Array(0), f64(1)), 'INPUT_INVALID');
        throwsCode(() => ksTwoSample(f64(Number.NaN), f64(1)), 'INPUT_INVALID');
        throwsCode(() => ksPValue(0.5, 0, 3), 'INPUT_INVALID');
        throwsCode(() => ksPValue(1.5, 3, 3), 'INPUT_INVALID');
        throwsCode(() => ksFromHistograms(f64(1.5, 2), f64(1, 2)), 'INPUT_INVALID');
    });
    it('Wasserstein with infinite values, bad weights', () => {
        throwsCode(() => wassersteinDistance(f64(1, Infinity), f64(1, 2)), 'INPUT_NOT_A_NUMBER');
        throwsCode(() => wassersteinDistanceWeighted(f64(1, 2), f64(1, 2), f64(1), f64(1, 1)), 'INPUT_INVALID');
        throwsCode(() => wassersteinDistanceWeighted(f64(1, 2), f64(1, 2), f64(1, -1), f64(1, 1)), 'INPUT_INVALID');
        throwsCode(() => wassersteinDistanceWeighted(f64(1, 2), f64(1, 2), f64(0, 0), f64(1, 1)), 'INPUT_INVALID');
    });
    it('chi-squared goodness of fit with mismatched totals or a zero expectation', () => {
        throwsCode(() => chiSquareGoodnessOfFit(f64(10, 10), f64(5, 10)), 'INPUT_INVALID');
        throwsCode(() => chiSquareGoodnessOfFit(f64(10, 10), f64(0, 20)), 'INPUT_INVALID');
        throwsCode(() => chiSquareGoodnessOfFit(f64(10), f64(10)), 'INPUT_INVALID');
    });
});
describe('edge conventions', () => {
    it('NaN values in samples are skipped, not propagated', () => {
        const a = ksTwoSample(f64(1, 2, Number.NaN, 3), f64(4, Number.NaN, 5, 6));
        const b = ksTwoSample(f64(1, 2, 3), f64(4, 5, 6));
        assert.deepEqual(a, b);
        assert.equal(wassersteinDistance(f64(0, Number.NaN, 1), f64(2, 3)), wassersteinDistance(f64(0, 1), f64(2, 3)));
    });
    it('chi-squared with a single informative category has nothing to test', () => {
        assert.deepEqual(chiSquareAgainstBaseline(f64(10, 0), f64(5, 0)), { statistic: 0, pValue: 1, degreesOfFreedom: 0 });
    });
    it('identical histograms: zero distances and PSI', () => {
        assert.equal(jensenShannonDistance(f64(1, 2, 3), f64(2, 4, 6)), 0);
        assert.equal(populationStabilityIndex(f64(1, 2, 3), f64(2, 4, 6)), 0);
    });
});
//# sourceMappingURL=arguments.test.js.map