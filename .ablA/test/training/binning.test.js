/**
 * Binning: quantile edges worked out by hand, float32-exact routing (bin < k ⇔ x < edge), the
 * missing-value bin, -0/+0, categorical grouping of rare categories, and the fast bucketed bin
 * lookup against a plain binary search.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binColumns, categoricalBinning, fitBinnings, numericBin, numericBinning, quantileEdges, } from '../../src/core/training/binning.js';
import { Rng } from '../../src/core/training/random.js';
test('quantile edges: one bin per distinct value when they fit', () => {
    assert.deepEqual(Array.from(quantileEdges(Float32Array.of(1, 2, 2, 3), 8)), [2, 3]);
    assert.deepEqual(Array.from(quantileEdges(Float32Array.of(5, 5, 5), 8)), []);
    assert.deepEqual(Array.from(quantileEdges(Float32Array.of(), 8)), []);
});
test('quantile edges: ranks ⌊k·n/bins⌋ when values outnumber bins', () => {
    // n = 10, 4 bins: ranks 2, 5, 7 → values 3, 6, 8.
    const v = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assert.deepEqual(Array.from(quantileEdges(v, 4)), [3, 6, 8]);
    // Ties: 60 % zeros. 3 bins: ranks 3 (0, the minimum: skipped) and 6 (1).
    assert.deepEqual(Array.from(quantileEdges(Float32Array.of(0, 0, 0, 0, 0, 0, 1, 2, 3, 4), 3)), [1]);
});
test('numeric binning rounds to float32 and folds -0 onto +0', () => {
    const b = numericBinning(Float64Array.of(0.1, -0, 0, 1, -1, NaN, 0.1), null, 255);
    // Distinct float32 values: -1, 0, 0.1f, 1 → edges 0, 0.1f, 1.
    assert.deepEqual(Array.from(b.edges), [0, Math.fround(0.1), 1]);
    assert.equal(b.numValueBins, 4);
    assert.equal(numericBin(b, -0), 1);
    assert.equal(numericBin(b, 0), 1);
    assert.equal(numericBin(b, NaN), 4);
    // 0.1 (float64) is a hair below 0.1f: at inference it is read as 0.1f, so it lands in 0.1f's bin.
    assert.equal(numericBin(b, 0.1), 2);
});
test('bin < k routes exactly like x < edges[k-1] on float32 inputs', () => {
    const rng = new Rng(3);
    const values = new Float64Array(5000);
    for (let i = 0; i < values.length; i++) {
        const u = rng.float();
        values[i] = u < 0.05 ? NaN : u < 0.1 ? 0 : u < 0.15 ? -0 : (rng.float() - 0.5) * 10 ** rng.int(6);
    }
    const binning = numericBinning(values, null, 63);
    const binned = binColumns([{ kind: 'numeric', values }], [binning]);
    for (let i = 0; i < values.length; i++) {
        const bin = binned.data[i];
        assert.equal(bin, numericBin(binning, values[i]), `row ${i}`);
        if (Number.isNaN(values[i]))
            continue;
        const x = Math.fround(values[i]);
        for (let k = 1; k <= binning.edges.length; k++)
            assert.equal(bin < k, x < binning.edges[k - 1], `row ${i}, k ${k}`);
    }
});
test('the bucketed lookup agrees with binary search on extreme values', () => {
    const values = Float64Array.of(-Infinity, -3.4e38, -1e-30, -1e-45, 0, 1e-45, 1e-30, 1, 1.0000001, 65536, 3.4e38, Infinity, NaN);
    const binning = {
        kind: 'numeric',
        edges: Float32Array.of(-1e-30, 0, 1e-45, 1, 1.0000001, 65536),
        numValueBins: 7,
    };
    const binned = binColumns([{ kind: 'numeric', values }], [binning]);
    assert.deepEqual(Array.from(binned.data), Array.from(values, (v) => numericBin(binning, v)));
    assert.deepEqual(Array.from(binned.data), [0, 0, 1, 1, 2, 3, 3, 4, 5, 6, 6, 6, 7]);
});
test('edges come from a seeded sample on large columns', () => {
    const rng = new Rng(9);
    const values = Float64Array.from({ length: 20000 }, () => rng.float() * 1000);
    const cols = [{ kind: 'numeric', values }];
    const a = fitBinnings(cols, { maxBins: 32, sampleRows: 2000 }, new Rng(1));
    const b = fitBinnings(cols, { maxBins: 32, sampleRows: 2000 }, new Rng(1));
    const c = fitBinnings(cols, { maxBins: 32, sampleRows: 2000 }, new Rng(2));
    const edges = (x) => Array.from(x[0].edges);
    assert.deepEqual(edges(a), edges(b));
    assert.notDeepEqual(edges(a), edges(c));
    assert.equal(edges(a).length, 30);
    // Every edge is a data value (float32-rounded).
    const present = new Set(Array.from(values, (v) => Math.fround(v)));
    for (const e of edges(a))
        assert.ok(present.has(e));
});
test('categorical binning: rare categories share the "other" bin', () => {
    // Counts: code 0 → 2, code 1 → 1, code 2 → 3; minCount 2 keeps 0 and 2.
    const b = categoricalBinning(Int32Array.of(0, 0, 1, 2, 2, 2, -1), 3, 8, 2);
    assert.deepEqual(Array.from(b.codeToBin), [0, 2, 1]);
    assert.equal(b.otherBin, 2);
    assert.equal(b.numValueBins, 3);
    assert.deepEqual(b.binCodes.map((c) => Array.from(c)), [[0], [2], [1]]);
});
test('categorical binning: the bin cap keeps the most frequent categories', () => {
    // Five categories with counts 5, 4, 3, 2, 1 and room for 3 value bins: two own bins + other.
    const codes = [];
    [5, 4, 3, 2, 1].forEach((count, code) => {
        for (let i = 0; i < count; i++)
            codes.push(code);
    });
    const b = categoricalBinning(Int32Array.from(codes), 5, 3, 1);
    assert.deepEqual(Array.from(b.codeToBin), [0, 1, 2, 2, 2]);
    assert.deepEqual(Array.from(b.binCodes[2]), [2, 3, 4]);
    // Every category frequent and within the cap: no other bin.
    const all = categoricalBinning(Int32Array.of(0, 1, 2, 0, 1, 2), 3, 8, 1);
    assert.equal(all.otherBin, -1);
    assert.equal(all.numValueBins, 3);
});
test('binned matrix: column-major, missing bin last, unknown codes as missing, byte or 16-bit', () => {
    const numeric = { kind: 'numeric', values: Float64Array.of(3, NaN, 1, 2) };
    const cat = { kind: 'categorical', codes: Int32Array.of(0, 1, -1, 7), numCategories: 2 };
    const binnings = fitBinnings([numeric, cat], { minCategoryCount: 1 }, new Rng(0));
    const m = binColumns([numeric, cat], binnings);
    assert.ok(m.data instanceof Uint8Array);
    assert.deepEqual(Array.from(m.data.subarray(0, 4)), [2, 3, 0, 1]);
    assert.deepEqual(Array.from(m.data.subarray(4, 8)), [0, 1, 2, 2]);
    assert.deepEqual(Array.from(m.offsets), [0, 4, 7]);
    assert.equal(m.totalBins, 7);
    const wide = { kind: 'numeric', values: Float64Array.from({ length: 600 }, (_, i) => i) };
    const w = binColumns([wide], fitBinnings([wide], { maxBins: 1024 }, new Rng(0)));
    assert.ok(w.data instanceof Uint16Array);
    assert.equal(w.data[599], 599);
});
//# sourceMappingURL=binning.test.js.map