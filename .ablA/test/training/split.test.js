/**
 * Split search on tiny hand-computed examples: gain and leaf weights, min_child_weight and gamma,
 * the learned direction of missing values, the "missing vs everything" split, and a categorical
 * split that no threshold on the category codes could make.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binColumns, fitBinnings } from '../../src/core/training/binning.js';
import { buildHistogram, packGradients } from '../../src/core/training/histogram.js';
import { Rng } from '../../src/core/training/random.js';
import { leafWeight, splitGain, SplitFinder } from '../../src/core/training/split.js';
/** Gains come from quantised sums: about 2^-25 relative error per sum. */
const GAIN_TOLERANCE = 1e-5;
const PARAMS = { lambda: 1, gamma: 0, minChildWeight: 0, maxCatThreshold: 64 };
function node(col, grad, hess) {
    const binned = binColumns([col], fitBinnings([col], { minCategoryCount: 1 }, new Rng(0)));
    const n = grad.length;
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const packed = new Float64Array(n);
    const scales = packGradients(Float64Array.from(grad), Float64Array.from(hess), rows, n, packed);
    const hist = new Float64Array(binned.totalBins);
    buildHistogram(hist, binned, Int32Array.of(0), 1, rows, 0, n, packed);
    let total = 0;
    for (const p of packed)
        total += p;
    return { binned, hist, total, scales };
}
function best(nd, params = PARAMS) {
    const finder = new SplitFinder(nd.binned, params);
    const out = finder.newResult();
    return finder.find(nd.hist, Int32Array.of(0), 1, nd.total, nd.scales, out) ? out : null;
}
test('leaf weight and gain by hand', () => {
    assert.equal(leafWeight(-4, 3, 1), 1);
    assert.equal(leafWeight(2, 2, 1), -2 / 3);
    // 16/4 + 4/3 − 4/6
    assert.ok(Math.abs(splitGain(-4, 3, 2, 2, 1) - (4 + 4 / 3 - 2 / 3)) < 1e-12);
});
test('the best threshold separates negative from positive gradients', () => {
    // x = 1, 2, 3, 4 with g = −1, −1, +1, +1 and h = 1: split between 2 and 3 (bin 2, threshold 3).
    const nd = node({ kind: 'numeric', values: Float64Array.of(1, 2, 3, 4) }, [-1, -1, 1, 1], [1, 1, 1, 1]);
    const s = best(nd);
    assert.equal(s.feature, 0);
    assert.equal(s.bin, 2);
    // GL = −2, HL = 2; GR = 2, HR = 2: 4/3 + 4/3 − 0.
    assert.ok(Math.abs(s.gain - 8 / 3) < GAIN_TOLERANCE);
    assert.ok(Math.abs(leafWeight(-2, 2, 1) - 2 / 3) < 1e-12);
});
test('min_child_weight and gamma veto splits', () => {
    const nd = node({ kind: 'numeric', values: Float64Array.of(1, 2, 3, 4) }, [-1, -1, 1, 1], [1, 1, 1, 1]);
    assert.equal(best(nd, { ...PARAMS, minChildWeight: 2.5 }), null);
    assert.equal(best(nd, { ...PARAMS, gamma: 3 }), null);
    assert.notEqual(best(nd, { ...PARAMS, gamma: 2.5 }), null);
});
test('missing values go to the side they resemble', () => {
    const x = Float64Array.of(1, 2, 3, 4, NaN, NaN);
    // Missing rows have positive gradients like x ≥ 3: default right.
    const right = best(node({ kind: 'numeric', values: x }, [-1, -1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]));
    assert.equal(right.bin, 2);
    assert.equal(right.defaultLeft, false);
    // left {1,2}: G −2, H 2; right {3,4,NaN,NaN}: G 4, H 4; parent G 2, H 6.
    assert.ok(Math.abs(right.gain - (4 / 3 + 16 / 5 - 4 / 7)) < GAIN_TOLERANCE);
    // Missing rows like x ≤ 2: default left.
    const left = best(node({ kind: 'numeric', values: x }, [-1, -1, 1, 1, -1, -1], [1, 1, 1, 1, 1, 1]));
    assert.equal(left.bin, 2);
    assert.equal(left.defaultLeft, true);
});
test('missing against every value is a split of its own', () => {
    // All values alike, missing rows opposite: every value left, missing right (bin = 4 value bins).
    const nd = node({ kind: 'numeric', values: Float64Array.of(1, 2, 3, 4, NaN, NaN) }, [1, 1, 1, 1, -1, -1], [1, 1, 1, 1, 1, 1]);
    const s = best(nd);
    assert.equal(s.bin, 4);
    assert.equal(s.defaultLeft, false);
    assert.ok(Math.abs(s.gain - (16 / 5 + 4 / 3 - 4 / 7)) < GAIN_TOLERANCE);
});
test('without missing rows in the node, missing values follow the heavier child', () => {
    const s = best(node({ kind: 'numeric', values: Float64Array.of(1, 2, 3, 4, 5) }, [-1, -1, 1, 1, 1], [1, 1, 1, 1, 1]));
    assert.equal(s.bin, 2);
    assert.equal(s.defaultLeft, false);
});
test('a categorical split groups categories that interleave in code order', () => {
    // Codes 0 and 2 are "good" (g = +1), 1 and 3 are "bad" (g = −1): no threshold on codes separates them.
    const codes = Int32Array.of(0, 0, 1, 1, 2, 2, 3, 3);
    const g = [1, 1, -1, -1, 1, 1, -1, -1];
    const h = [1, 1, 1, 1, 1, 1, 1, 1];
    const s = best(node({ kind: 'categorical', codes, numCategories: 4 }, g, h));
    assert.equal(s.categorical, true);
    // Sorted by G/(H+λ): bad (−2/3) before good (+2/3); two against two, the first cut goes right.
    assert.deepEqual(Array.from(s.rightBins.subarray(0, 4)), [0, 1, 0, 1]);
    // Perfect separation: 16/5 + 16/5 − 0.
    assert.ok(Math.abs(s.gain - 32 / 5) < GAIN_TOLERANCE);
    // The same data as a numeric feature: the best threshold separates much less.
    const numeric = best(node({ kind: 'numeric', values: Float64Array.from(codes) }, g, h));
    assert.ok(numeric.gain < s.gain / 2);
});
test('the smaller side of a categorical split is the stored (right) set', () => {
    // One bad category among four: the set going right is just that one.
    const codes = Int32Array.of(0, 0, 1, 1, 2, 2, 3, 3);
    const s = best(node({ kind: 'categorical', codes, numCategories: 4 }, [1, 1, 1, 1, -1, -1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1]));
    assert.deepEqual(Array.from(s.rightBins.subarray(0, 4)), [0, 0, 1, 0]);
});
test('many categories (the library sort path) split as cleanly as a few', () => {
    // 40 categories, the odd ones bad: the 20 bad ones go right together.
    const codes = [];
    const g = [];
    for (let c = 0; c < 40; c++) {
        for (let i = 0; i < 3; i++) {
            codes.push(c);
            g.push(c % 2 === 1 ? -1 : 1);
        }
    }
    const s = best(node({ kind: 'categorical', codes: Int32Array.from(codes), numCategories: 40 }, g, g.map(() => 1)));
    assert.equal(s.categorical, true);
    assert.deepEqual(Array.from(s.rightBins.subarray(0, 40)), Array.from({ length: 40 }, (_, c) => c % 2));
});
//# sourceMappingURL=split.test.js.map