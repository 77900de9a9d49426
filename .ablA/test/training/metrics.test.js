/**
 * Metrics against scikit-learn: fixtures/training/metrics_reference.json is written by
 * scripts/metrics_reference.py (scikit-learn 1.2) and holds score/label cases with ties,
 * imbalance, scores on calibration edges and saturated probabilities.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { averagePrecision, brierScore, calibrationTable, confusionAt, evaluateScores, logLoss, rocAuc, } from '../../src/core/training/metrics.js';
import { fixturePath } from '../helpers/paths.js';
/** Same formulas in float64, summed in another order: agreement to a few ulps of the result. */
const METRIC_TOLERANCE = 1e-12;
const reference = JSON.parse(readFileSync(fixturePath('training', 'metrics_reference.json'), 'utf8'));
function close(actual, expected, what) {
    assert.ok(Math.abs(actual - expected) <= METRIC_TOLERANCE * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs scikit-learn ${expected}`);
}
for (const c of reference.cases) {
    test(`metrics match scikit-learn: ${c.name}`, () => {
        const s = Float64Array.from(c.scores);
        const y = Uint8Array.from(c.labels);
        close(rocAuc(s, y), c.roc_auc, 'roc_auc');
        close(averagePrecision(s, y), c.average_precision, 'average_precision');
        close(logLoss(s, y), c.log_loss, 'log_loss');
        close(brierScore(s, y), c.brier, 'brier');
        const at = confusionAt(s, y, reference.threshold);
        close(at.precision, c.precision_at_threshold, 'precision');
        close(at.recall, c.recall_at_threshold, 'recall');
        close(at.f1, c.f1_at_threshold, 'f1');
        // calibration_curve lists only non-empty bins.
        const bins = calibrationTable(s, y).filter((b) => b.count > 0);
        assert.equal(bins.length, c.calibration_prob_true.length);
        bins.forEach((b, i) => {
            close(b.observedRate, c.calibration_prob_true[i], `calibration observed ${i}`);
            close(b.meanPredicted, c.calibration_prob_pred[i], `calibration predicted ${i}`);
        });
    });
}
test('metrics without both classes are NaN; empty inputs too', () => {
    const s = Float64Array.of(0.2, 0.7);
    assert.ok(Number.isNaN(rocAuc(s, Uint8Array.of(0, 0))));
    assert.ok(Number.isNaN(rocAuc(s, Uint8Array.of(1, 1))));
    assert.ok(Number.isNaN(averagePrecision(s, Uint8Array.of(0, 0))));
    assert.equal(averagePrecision(s, Uint8Array.of(1, 1)), 1);
    assert.ok(Number.isNaN(logLoss(new Float64Array(0), new Uint8Array(0))));
    assert.throws(() => rocAuc(s, Uint8Array.of(1)), RangeError);
});
test('calibration table covers [0, 1] in ten bins, a score on an edge in the lower bin', () => {
    const t = calibrationTable(Float64Array.of(0, 0.1, 0.15, 1), Uint8Array.of(0, 1, 0, 1));
    assert.equal(t.length, 10);
    assert.equal(t[0].count, 2);
    assert.equal(t[1].count, 1);
    assert.equal(t[9].count, 1);
    assert.equal(t[5].meanPredicted, null);
    assert.equal(t[9].upper, 1);
});
test('evaluateScores bundles the headline numbers', () => {
    const m = evaluateScores(Float64Array.of(0.1, 0.4, 0.35, 0.8), Uint8Array.of(0, 0, 1, 1));
    assert.equal(m.rows, 4);
    assert.equal(m.positives, 2);
    assert.equal(m.roc_auc, 0.75);
    close(m.pr_auc, 5 / 6, 'pr_auc');
});
//# sourceMappingURL=metrics.test.js.map