/**
 * Gradient histograms: packed quantised gradients decode exactly, histograms equal per-bin sums
 * computed naively (every kernel width), and the sibling by subtraction equals the sibling built
 * from its rows, bit for bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binColumns, fitBinnings } from '../../src/core/training/binning.js';
import { buildHistogram, HistogramPool, packGradients, packQuantised, subtractHistogram, unpackGrad, unpackHess, } from '../../src/core/training/histogram.js';
import { Rng } from '../../src/core/training/random.js';
/** Largest error of a dequantised sum: half a quantisation step per row. */
function quantisationBound(rows, scale) {
    return (0.5 * rows) / scale;
}
function randomMatrix(rows, features, seed) {
    const rng = new Rng(seed);
    const cols = [];
    for (let f = 0; f < features; f++) {
        cols.push({
            kind: 'numeric',
            values: Float64Array.from({ length: rows }, () => (rng.float() < 0.1 ? NaN : rng.int(20 + f))),
        });
    }
    return binColumns(cols, fitBinnings(cols, {}, new Rng(0)));
}
function gradients(rows, seed) {
    const rng = new Rng(seed);
    const grad = Float64Array.from({ length: rows }, () => rng.float() - 0.8);
    const hess = Float64Array.from({ length: rows }, () => rng.float() * 0.25);
    return { grad, hess };
}
test('packed values decode to their quantised parts, sums included', () => {
    for (const [gq, hq] of [
        [0, 0],
        [5, 7],
        [-5, 7],
        [-1, 0],
        [-(2 ** 25), 2 ** 26 - 1],
        [2 ** 25, 3],
    ]) {
        const p = packQuantised(gq, hq);
        assert.equal(unpackGrad(p), gq);
        assert.equal(unpackHess(p), hq);
    }
    const sum = packQuantised(-3, 10) + packQuantised(1, 4);
    assert.equal(unpackGrad(sum), -2);
    assert.equal(unpackHess(sum), 14);
});
test('packing keeps the dequantised total within half a step per row', () => {
    const n = 1000;
    const { grad, hess } = gradients(n, 1);
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const packed = new Float64Array(n);
    const scales = packGradients(grad, hess, rows, n, packed);
    let total = 0;
    let G = 0;
    let H = 0;
    for (let i = 0; i < n; i++) {
        total += packed[i];
        G += grad[i];
        H += hess[i];
    }
    assert.ok(Math.abs(unpackGrad(total) / scales.grad - G) <= quantisationBound(n, scales.grad));
    assert.ok(Math.abs(unpackHess(total) / scales.hess - H) <= quantisationBound(n, scales.hess));
    // The scales use nearly all of the 26 bits.
    let absG = 0;
    for (let i = 0; i < n; i++)
        absG += Math.abs(grad[i]);
    assert.ok(absG * scales.grad > 2 ** 25);
});
test('histograms equal naive per-bin sums for every kernel width', () => {
    const n = 500;
    const binned = randomMatrix(n, 14, 4);
    const { grad, hess } = gradients(n, 5);
    // Every other row, in order, as a node's row range.
    const rows = Int32Array.from({ length: n >> 1 }, (_, i) => 2 * i);
    const packed = new Float64Array(n);
    packGradients(grad, hess, rows, rows.length, packed);
    for (let numActive = 1; numActive <= 14; numActive++) {
        const features = Int32Array.from({ length: numActive }, (_, j) => 13 - j);
        const hist = new Float64Array(binned.totalBins).fill(-1);
        buildHistogram(hist, binned, features, numActive, rows, 0, rows.length, packed);
        for (let j = 0; j < numActive; j++) {
            const f = features[j];
            const expected = new Float64Array(binned.offsets[f + 1] - binned.offsets[f]);
            for (const r of rows)
                expected[binned.data[f * n + r]] += packed[r];
            assert.deepEqual(Array.from(hist.subarray(binned.offsets[f], binned.offsets[f + 1])), Array.from(expected), `feature ${f} of ${numActive}`);
        }
    }
});
test('the sibling histogram by subtraction equals the one built from its rows', () => {
    const n = 800;
    const binned = randomMatrix(n, 5, 6);
    const { grad, hess } = gradients(n, 7);
    const all = Int32Array.from({ length: n }, (_, i) => i);
    const packed = new Float64Array(n);
    packGradients(grad, hess, all, n, packed);
    const features = Int32Array.of(0, 1, 2, 3, 4);
    // Left child: rows whose feature-0 bin is below 5; right child: the rest.
    const left = all.filter((r) => binned.data[r] < 5);
    const right = all.filter((r) => binned.data[r] >= 5);
    const parent = new Float64Array(binned.totalBins);
    const l = new Float64Array(binned.totalBins);
    const r = new Float64Array(binned.totalBins);
    buildHistogram(parent, binned, features, 5, all, 0, n, packed);
    buildHistogram(l, binned, features, 5, left, 0, left.length, packed);
    buildHistogram(r, binned, features, 5, right, 0, right.length, packed);
    subtractHistogram(parent, l, binned, features, 5);
    assert.deepEqual(Array.from(parent), Array.from(r));
});
test('the pool hands buffers back out instead of allocating', () => {
    const pool = new HistogramPool(16);
    const a = pool.acquire();
    pool.release(a);
    assert.equal(pool.acquire(), a);
    assert.notEqual(pool.acquire(), a);
});
//# sourceMappingURL=histogram.test.js.map