/**
 * TreeSHAP against a brute-force reference on random deep trees: every coalition of features
 * enumerated, with the path-dependent expectation (a split on a feature outside the coalition
 * averages its children by cover), exactly what XGBoost's pred_contribs defines. The trees are
 * deeper than the table keys, repeat features along paths, split on a categorical feature, meet
 * missing values and have leaves no training row reached (cover 0), so the grouped tables, the
 * per-row computation of deep leaves and their mix are all checked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEnsemble } from '../../src/core/engine/ensemble.js';
import { Predictor } from '../../src/core/engine/predict.js';
import { FraudlensError } from '../../src/core/errors.js';
import { checkAdditivity, MAX_PATH_FEATURES, TreeExplainer } from '../../src/core/explanation/treeshap.js';
import { Rng } from '../../src/core/training/random.js';
/** Both sides are float64 sums of the same terms in another order. */
const VS_BRUTE_FORCE = 1e-9;
const FEATURES = 9;
/** Feature 8 is categorical (codes 0..5); the others numeric. */
const CATEGORICAL = 8;
function randomTree(rng, maxDepth) {
    const feature = [];
    const threshold = [];
    const left = [];
    const right = [];
    const defaultLeft = [];
    const value = [];
    const cover = [];
    const categories = new Map();
    const grow = (depth) => {
        const id = feature.length;
        feature.push(-1);
        threshold.push(0);
        left.push(-1);
        right.push(-1);
        defaultLeft.push(rng.float() < 0.5);
        value.push(Math.fround(rng.float() * 2 - 1));
        cover.push(0);
        if (depth < maxDepth && (depth < 4 || rng.float() < 0.8)) {
            // Few features for many levels: paths repeat features, as real trees do.
            const f = rng.int(FEATURES);
            feature[id] = f;
            if (f === CATEGORICAL)
                categories.set(id, [0, 1, 2, 3, 4, 5].filter(() => rng.float() < 0.5));
            else
                threshold[id] = Math.fround(rng.float());
            value[id] = 0;
            const l = grow(depth + 1);
            const r = grow(depth + 1);
            left[id] = l;
            right[id] = r;
            cover[id] = cover[l] + cover[r];
        }
        else {
            // One leaf in eight was never reached in training.
            cover[id] = rng.float() < 0.125 ? 0 : 1 + rng.int(50);
        }
        return id;
    };
    grow(0);
    // A split whose two children both have cover 0 has no defined expectation; give one weight.
    for (let i = feature.length - 1; i >= 0; i--) {
        if (feature[i] < 0)
            continue;
        if (cover[left[i]] + cover[right[i]] === 0)
            cover[left[i]] = 1;
        cover[i] = cover[left[i]] + cover[right[i]];
    }
    return { feature, threshold, left, right, defaultLeft, value, cover, categories };
}
function randomRows(rng, count) {
    return Array.from({ length: count }, () => Array.from({ length: FEATURES }, (_, f) => {
        if (rng.float() < 0.15)
            return NaN;
        return f === CATEGORICAL ? rng.int(7) : Math.fround(rng.float());
    }));
}
/** The node's expected value when only the features in `known` are given (bit f = feature f). */
function expectation(e, node, row, known) {
    const f = e.feature[node];
    if (f < 0)
        return e.value[node];
    const l = e.left[node];
    const r = e.right[node];
    if ((known >>> f) & 1) {
        const v = row[f];
        let goLeft;
        if (Number.isNaN(v))
            goLeft = e.defaultLeft[node] === 1;
        else if (e.catStart[node] >= 0)
            goLeft = !(Number.isInteger(v) &&
                v < 32 * e.catWords[node] &&
                ((e.catBits[e.catStart[node] + (v >>> 5)] >>> (v & 31)) & 1) === 1);
        else
            goLeft = v < e.threshold[node];
        return expectation(e, goLeft ? l : r, row, known);
    }
    return (e.cover[l] * expectation(e, l, row, known) + e.cover[r] * expectation(e, r, row, known)) / e.cover[node];
}
/** Shapley values of the expectation game, summed over trees, bias last. */
function bruteForce(e, row) {
    const M = e.numFeatures;
    const value = new Float64Array(1 << M);
    for (let S = 0; S < 1 << M; S++) {
        for (let t = 0; t < e.numTrees; t++)
            value[S] += expectation(e, e.treeStart[t], row, S);
    }
    const fact = [1];
    for (let k = 1; k <= M; k++)
        fact.push(fact[k - 1] * k);
    const phi = new Array(M + 1).fill(0);
    for (let j = 0; j < M; j++) {
        for (let S = 0; S < 1 << M; S++) {
            if ((S >>> j) & 1)
                continue;
            let size = 0;
            for (let k = 0; k < M; k++)
                size += (S >>> k) & 1;
            phi[j] += ((fact[size] * fact[M - size - 1]) / fact[M]) * (value[S | (1 << j)] - value[S]);
        }
    }
    phi[M] = e.baseMargin + value[0];
    return phi;
}
function maxAbsDiff(a, b) {
    let worst = 0;
    for (let i = 0; i < a.length; i++)
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
    return worst;
}
const rng = new Rng(20261121);
const ensemble = buildEnsemble(FEATURES, -1.5, Array.from({ length: 4 }, () => randomTree(rng, 11)));
const rows = randomRows(rng, 12);
const predictor = new Predictor(ensemble);
const reference = rows.map((r) => bruteForce(ensemble, r));
test('the random trees are deeper than the table keys and meet the cases they should', () => {
    assert.ok(ensemble.maxDepth >= 10, `depth ${ensemble.maxDepth}`);
    const full = new TreeExplainer(ensemble, predictor);
    assert.ok(full.keyBits >= 6, `key width ${full.keyBits}`);
    assert.ok(full.directLeaves > 0, 'some leaves are beyond the key width and computed per row');
    assert.ok(full.tableBytes > 0);
    assert.ok(rows.some((r) => r.some(Number.isNaN)), 'rows with missing values');
});
for (const keyBitsMax of [8, 4, 0]) {
    test(`TreeSHAP equals the brute-force Shapley values (table keys up to ${keyBitsMax} bits)`, () => {
        const explainer = new TreeExplainer(ensemble, predictor, { keyBitsMax });
        if (keyBitsMax === 0)
            assert.equal(explainer.tableBytes, 0, 'no tables: every leaf computed per row');
        const flat = new Float32Array(rows.flat());
        const batch = explainer.explainBatch(flat, rows.length);
        rows.forEach((row, i) => {
            const phi = explainer.explainRow(row);
            assert.ok(maxAbsDiff(phi, reference[i]) <= VS_BRUTE_FORCE, `row ${i}: off by ${maxAbsDiff(phi, reference[i])}`);
            assert.deepEqual(Array.from(batch.subarray(i * (FEATURES + 1), (i + 1) * (FEATURES + 1))), Array.from(phi), `row ${i}: batch equals single row`);
            checkAdditivity(phi, predictor.predictRowMargin(row));
        });
    });
}
test('a table budget too small for the widest key narrows it without changing the values', () => {
    const wide = new TreeExplainer(ensemble, predictor);
    const narrow = new TreeExplainer(ensemble, predictor, { tableBudgetBytes: Math.floor(wide.tableBytes / 4) });
    assert.ok(narrow.keyBits < wide.keyBits, `key ${narrow.keyBits} bits under a quarter of the budget, ${wide.keyBits} with all of it`);
    assert.ok(narrow.tableBytes <= wide.tableBytes / 4);
    for (const row of rows)
        assert.ok(maxAbsDiff(narrow.explainRow(row), wide.explainRow(row)) <= VS_BRUTE_FORCE);
});
test(`a path through more than ${MAX_PATH_FEATURES} distinct features is refused with MODEL_UNSUPPORTED`, () => {
    // A chain: split k (node 2k) on feature k, its right child a leaf (2k + 1), its left child
    // the next split; the last split's left child is the final leaf (node 2·depth).
    const depth = MAX_PATH_FEATURES + 1;
    const chain = {
        feature: [],
        threshold: [],
        left: [],
        right: [],
        defaultLeft: [],
        value: [],
        cover: [],
    };
    const node = (f, l, r, cover) => {
        chain.feature.push(f);
        chain.threshold.push(0.5);
        chain.left.push(l);
        chain.right.push(r);
        chain.defaultLeft.push(true);
        chain.value.push(f < 0 ? 0.1 : 0);
        chain.cover.push(cover);
    };
    for (let k = 0; k < depth; k++) {
        node(k, 2 * k + 2, 2 * k + 1, depth + 1 - k);
        node(-1, -1, -1, 1);
    }
    node(-1, -1, -1, 1);
    const deep = buildEnsemble(depth, 0, [chain]);
    assert.throws(() => new TreeExplainer(deep), (err) => err instanceof FraudlensError && err.code === 'MODEL_UNSUPPORTED' && /at most 30/.test(err.message));
});
//# sourceMappingURL=treeshap.test.js.map