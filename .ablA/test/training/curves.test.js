/** ROC and precision-recall curves against a small case worked out by hand (scikit-learn agrees). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validationCurves } from '../../src/core/training/index.js';
test('one point per distinct score, ties grouped', () => {
    const c = validationCurves(Float64Array.of(0.9, 0.8, 0.8, 0.3), Uint8Array.of(1, 0, 1, 0));
    assert.deepEqual(c.roc.fpr, [0, 0, 0.5, 1]);
    assert.deepEqual(c.roc.tpr, [0, 0.5, 1, 1]);
    assert.deepEqual(c.roc.thresholds, [1, 0.9, 0.8, 0.3]);
    assert.deepEqual(c.pr.thresholds, [0.9, 0.8, 0.3]);
    assert.deepEqual(c.pr.precision, [1, 2 / 3, 0.5]);
    assert.deepEqual(c.pr.recall, [0.5, 1, 1]);
});
test('long curves are thinned but keep both ends', () => {
    const n = 5000;
    const scores = Float64Array.from({ length: n }, (_, i) => i / n);
    const labels = Uint8Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 1 : 0));
    const c = validationCurves(scores, labels, 100);
    assert.ok(c.roc.fpr.length <= 102 && c.roc.fpr.length >= 100);
    assert.equal(c.roc.fpr[0], 0);
    assert.equal(c.roc.fpr[c.roc.fpr.length - 1], 1);
    assert.equal(c.roc.tpr[c.roc.tpr.length - 1], 1);
    for (let i = 1; i < c.roc.fpr.length; i++)
        assert.ok(c.roc.fpr[i] >= c.roc.fpr[i - 1]);
});
//# sourceMappingURL=curves.test.js.map