/**
 * Fast inference: margins and probabilities of rows, one at a time or in batch, walking the
 * layouts of tree-layout.ts (the flat one for the general rule, the padded one for the
 * branch-free descents). The Predictor is also the Layout TreeSHAP walks.
 */
import { buildCompleteTrees, buildLayout, childOf, MAX_PADDED_DEPTH } from './tree-layout.js';
export function sigmoid(margin) {
    return 1 / (1 + Math.exp(-margin));
}
export class Predictor {
    numFeatures;
    numTrees;
    baseMargin;
    feat;
    thr;
    left;
    defaultLeft;
    sourceNode;
    sourceGlobal;
    catStart;
    catWords;
    catBits;
    roots;
    /** Scratch row for the single-row path, so it allocates nothing per call. */
    scratch;
    /**
     * Batch layout: every tree padded to a complete binary tree of its own depth (a leaf above the
     * bottom becomes splits whose every descendant leaf holds its value), so a block of rows
     * descends level by level with no data-dependent loop exit, and the rows of a block are
     * independent work the CPU overlaps. Null when a tree is too deep to pad.
     */
    complete;
    constructor(e) {
        const L = buildLayout(e);
        this.numFeatures = e.numFeatures;
        this.numTrees = e.numTrees;
        this.baseMargin = e.baseMargin;
        this.feat = L.feat;
        this.thr = L.thr;
        this.left = L.left;
        this.defaultLeft = L.defaultLeft;
        this.sourceNode = L.sourceNode;
        this.sourceGlobal = L.sourceGlobal;
        this.catStart = L.catStart;
        this.catWords = L.catWords;
        this.catBits = L.catBits;
        this.roots = L.roots;
        this.scratch = new Float32Array(e.numFeatures);
        this.complete = e.maxDepth <= MAX_PADDED_DEPTH ? buildCompleteTrees(L, e.numFeatures, !e.hasCategorical, BLOCK_ROWS) : null;
    }
    /** The leaf (compiled index) that `x[offset .. offset+numFeatures)` reaches in tree t. */
    leafOf(t, x, offset) {
        const feat = this.feat;
        let n = this.roots[t];
        let f = feat[n];
        while (f >= 0) {
            n = childOf(this, n, x, offset + f);
            f = feat[n];
        }
        return n;
    }
    /**
     * Margins of a row-major float32 matrix (NaN = missing) into `out`.
     * @param x rows × numFeatures values
     * @param out one margin per row (allocated when not given)
     */
    predictMargins(x, rows, out = new Float64Array(rows)) {
        const m = this.numFeatures;
        const base = +this.baseMargin;
        const trees = this.numTrees;
        const c = this.complete;
        for (let r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
            const r1 = Math.min(rows, r0 + BLOCK_ROWS);
            for (let r = r0; r < r1; r++)
                out[r] = base;
            if (c === null) {
                const thr = this.thr;
                for (let t = 0; t < trees; t++) {
                    for (let r = r0; r < r1; r++)
                        out[r] += thr[this.leafOf(t, x, r * m)];
                }
                continue;
            }
            const cfeat = c.feat;
            const cthr = c.thr;
            const count = r1 - r0;
            if (c.mirrored) {
                // Numeric model: every step is one comparison on the mirrored block (see CompleteTrees).
                const xx = c.block;
                const w = 2 * m;
                for (let k = 0; k < count; k++) {
                    const src = (r0 + k) * m;
                    for (let j = 0; j < m; j++) {
                        const v = x[src + j];
                        // Branches, not selects with the Infinity constant, which box v (see predictRowMargin).
                        if (v !== v) {
                            xx[k * w + j] = Infinity;
                            xx[k * w + m + j] = Infinity;
                        }
                        else {
                            xx[k * w + j] = v;
                            xx[k * w + m + j] = -v;
                        }
                    }
                }
                const leaf = c.leaf;
                for (let t = 0; t < trees; t++) {
                    const nodeBase = c.nodeStart[t];
                    const depth = c.depth[t];
                    const leafBase = c.leafStart[t] - ((1 << depth) - 1);
                    // Four rows descend together, their positions in registers: four independent chains
                    // the CPU overlaps. `+(a < b)` compiles to a flag read, not a branch the data would
                    // mispredict.
                    let k = 0;
                    for (; k + 4 <= count; k += 4) {
                        const o0 = k * w;
                        const o1 = o0 + w;
                        const o2 = o1 + w;
                        const o3 = o2 + w;
                        let p0 = 0;
                        let p1 = 0;
                        let p2 = 0;
                        let p3 = 0;
                        for (let d = 0; d < depth; d++) {
                            p0 = 2 * p0 + 2 - +(xx[o0 + cfeat[nodeBase + p0]] < cthr[nodeBase + p0]);
                            p1 = 2 * p1 + 2 - +(xx[o1 + cfeat[nodeBase + p1]] < cthr[nodeBase + p1]);
                            p2 = 2 * p2 + 2 - +(xx[o2 + cfeat[nodeBase + p2]] < cthr[nodeBase + p2]);
                            p3 = 2 * p3 + 2 - +(xx[o3 + cfeat[nodeBase + p3]] < cthr[nodeBase + p3]);
                        }
                        out[r0 + k] += leaf[leafBase + p0];
                        out[r0 + k + 1] += leaf[leafBase + p1];
                        out[r0 + k + 2] += leaf[leafBase + p2];
                        out[r0 + k + 3] += leaf[leafBase + p3];
                    }
                    for (; k < count; k++) {
                        const o = k * w;
                        let q = 0;
                        for (let d = 0; d < depth; d++)
                            q = 2 * q + 2 - +(xx[o + cfeat[nodeBase + q]] < cthr[nodeBase + q]);
                        out[r0 + k] += leaf[leafBase + q];
                    }
                }
                continue;
            }
            const leaf = c.leaf;
            for (let t = 0; t < trees; t++) {
                const nodeBase = c.nodeStart[t];
                const depth = c.depth[t];
                const leafBase = c.leafStart[t] - ((1 << depth) - 1);
                let k = 0;
                for (; k + 4 <= count; k += 4) {
                    const o0 = (r0 + k) * m;
                    const o1 = o0 + m;
                    const o2 = o1 + m;
                    const o3 = o2 + m;
                    let p0 = 0;
                    let p1 = 0;
                    let p2 = 0;
                    let p3 = 0;
                    for (let d = 0; d < depth; d++) {
                        p0 = this.completeStep(c, nodeBase, p0, x, o0 + cfeat[nodeBase + p0]);
                        p1 = this.completeStep(c, nodeBase, p1, x, o1 + cfeat[nodeBase + p1]);
                        p2 = this.completeStep(c, nodeBase, p2, x, o2 + cfeat[nodeBase + p2]);
                        p3 = this.completeStep(c, nodeBase, p3, x, o3 + cfeat[nodeBase + p3]);
                    }
                    out[r0 + k] += leaf[leafBase + p0];
                    out[r0 + k + 1] += leaf[leafBase + p1];
                    out[r0 + k + 2] += leaf[leafBase + p2];
                    out[r0 + k + 3] += leaf[leafBase + p3];
                }
                for (; k < count; k++) {
                    const o = (r0 + k) * m;
                    let q = 0;
                    for (let d = 0; d < depth; d++)
                        q = this.completeStep(c, nodeBase, q, x, o + cfeat[nodeBase + q]);
                    out[r0 + k] += leaf[leafBase + q];
                }
            }
        }
        return out;
    }
    /**
     * One step down a padded tree (slot p of the tree at nodeBase) for value v: one comparison,
     * or the general rule for a missing value or a categorical split (NaN threshold).
     */
    completeStep(c, nodeBase, p, x, at) {
        const cut = c.thr[nodeBase + p];
        const v = x[at];
        if (v !== v || cut !== cut) {
            const src = c.source[nodeBase + p];
            return 2 * p + (childOf(this, src, x, at) === this.left[src] ? 1 : 2);
        }
        return 2 * p + 2 - +(v < cut);
    }
    /** Probabilities of a row-major matrix. */
    predictProba(x, rows, out = new Float64Array(rows)) {
        this.predictMargins(x, rows, out);
        for (let r = 0; r < rows; r++)
            out[r] = sigmoid(out[r]);
        return out;
    }
    /**
     * Margin of one row given as any array of numbers (rounded to float32 here, as XGBoost does).
     * Allocates nothing.
     */
    predictRowMargin(row) {
        const s = this.scratch;
        const m = this.numFeatures;
        for (let j = 0; j < m; j++)
            s[j] = row[j];
        // Unary plus: without it V8 keeps `sum` tagged through the loops and boxes every addition
        // (a heap number per tree, 1.6 KB per call on a 200-tree model).
        let sum = +this.baseMargin;
        const c = this.complete;
        if (c !== null && c.mirrored) {
            // Numeric models take the padded trees as in batch: no data-dependent branch to
            // mispredict. Same leaves, same order: the same sum. (A categorical split needs its
            // branch either way.)
            const cfeat = c.feat;
            const cthr = c.thr;
            const leaf = c.leaf;
            const xx = c.block;
            for (let j = 0; j < m; j++) {
                const v = s[j];
                // Branches, not `missing ? Infinity : v`: that select boxes v (two heap numbers a feature).
                if (v !== v) {
                    xx[j] = Infinity;
                    xx[m + j] = Infinity;
                }
                else {
                    xx[j] = v;
                    xx[m + j] = -v;
                }
            }
            const nodeStart = c.nodeStart;
            const depth = c.depth;
            const leafStart = c.leafStart;
            const trees = this.numTrees;
            let t = 0;
            // Eight trees descend together (eight independent chains of loads for the CPU to overlap;
            // a step is a few dependent loads, so one chain alone leaves the core waiting) for the
            // levels they all have, then each finishes alone; leaves are added in tree order. The
            // remaining (at most seven) trees go one at a time.
            for (; t + 8 <= trees; t += 8) {
                const b0 = nodeStart[t];
                const b1 = nodeStart[t + 1];
                const b2 = nodeStart[t + 2];
                const b3 = nodeStart[t + 3];
                const b4 = nodeStart[t + 4];
                const b5 = nodeStart[t + 5];
                const b6 = nodeStart[t + 6];
                const b7 = nodeStart[t + 7];
                const d0 = depth[t];
                const d1 = depth[t + 1];
                const d2 = depth[t + 2];
                const d3 = depth[t + 3];
                const d4 = depth[t + 4];
                const d5 = depth[t + 5];
                const d6 = depth[t + 6];
                const d7 = depth[t + 7];
                const common = Math.min(d0, d1, d2, d3, d4, d5, d6, d7);
                let q0 = 0;
                let q1 = 0;
                let q2 = 0;
                let q3 = 0;
                let q4 = 0;
                let q5 = 0;
                let q6 = 0;
                let q7 = 0;
                for (let d = 0; d < common; d++) {
                    q0 = 2 * q0 + 2 - +(xx[cfeat[b0 + q0]] < cthr[b0 + q0]);
                    q1 = 2 * q1 + 2 - +(xx[cfeat[b1 + q1]] < cthr[b1 + q1]);
                    q2 = 2 * q2 + 2 - +(xx[cfeat[b2 + q2]] < cthr[b2 + q2]);
                    q3 = 2 * q3 + 2 - +(xx[cfeat[b3 + q3]] < cthr[b3 + q3]);
                    q4 = 2 * q4 + 2 - +(xx[cfeat[b4 + q4]] < cthr[b4 + q4]);
                    q5 = 2 * q5 + 2 - +(xx[cfeat[b5 + q5]] < cthr[b5 + q5]);
                    q6 = 2 * q6 + 2 - +(xx[cfeat[b6 + q6]] < cthr[b6 + q6]);
                    q7 = 2 * q7 + 2 - +(xx[cfeat[b7 + q7]] < cthr[b7 + q7]);
                }
                for (let d = common; d < d0; d++)
                    q0 = 2 * q0 + 2 - +(xx[cfeat[b0 + q0]] < cthr[b0 + q0]);
                for (let d = common; d < d1; d++)
                    q1 = 2 * q1 + 2 - +(xx[cfeat[b1 + q1]] < cthr[b1 + q1]);
                for (let d = common; d < d2; d++)
                    q2 = 2 * q2 + 2 - +(xx[cfeat[b2 + q2]] < cthr[b2 + q2]);
                for (let d = common; d < d3; d++)
                    q3 = 2 * q3 + 2 - +(xx[cfeat[b3 + q3]] < cthr[b3 + q3]);
                for (let d = common; d < d4; d++)
                    q4 = 2 * q4 + 2 - +(xx[cfeat[b4 + q4]] < cthr[b4 + q4]);
                for (let d = common; d < d5; d++)
                    q5 = 2 * q5 + 2 - +(xx[cfeat[b5 + q5]] < cthr[b5 + q5]);
                for (let d = common; d < d6; d++)
                    q6 = 2 * q6 + 2 - +(xx[cfeat[b6 + q6]] < cthr[b6 + q6]);
                for (let d = common; d < d7; d++)
                    q7 = 2 * q7 + 2 - +(xx[cfeat[b7 + q7]] < cthr[b7 + q7]);
                sum += leaf[leafStart[t] + q0 - ((1 << d0) - 1)];
                sum += leaf[leafStart[t + 1] + q1 - ((1 << d1) - 1)];
                sum += leaf[leafStart[t + 2] + q2 - ((1 << d2) - 1)];
                sum += leaf[leafStart[t + 3] + q3 - ((1 << d3) - 1)];
                sum += leaf[leafStart[t + 4] + q4 - ((1 << d4) - 1)];
                sum += leaf[leafStart[t + 5] + q5 - ((1 << d5) - 1)];
                sum += leaf[leafStart[t + 6] + q6 - ((1 << d6) - 1)];
                sum += leaf[leafStart[t + 7] + q7 - ((1 << d7) - 1)];
            }
            for (; t < trees; t++) {
                const base = nodeStart[t];
                let q = 0;
                for (let d = 0; d < depth[t]; d++)
                    q = 2 * q + 2 - +(xx[cfeat[base + q]] < cthr[base + q]);
                sum += leaf[leafStart[t] + q - ((1 << depth[t]) - 1)];
            }
            return sum;
        }
        if (c !== null) {
            // Models with categorical splits: the padded trees too, two at a time; only a categorical
            // split or a missing value takes the general rule.
            const cfeat = c.feat;
            const leaf = c.leaf;
            const trees = this.numTrees;
            let t = 0;
            for (; t + 2 <= trees; t += 2) {
                const b0 = c.nodeStart[t];
                const b1 = c.nodeStart[t + 1];
                const d0 = c.depth[t];
                const d1 = c.depth[t + 1];
                const common = Math.min(d0, d1);
                let q0 = 0;
                let q1 = 0;
                for (let d = 0; d < common; d++) {
                    q0 = this.completeStep(c, b0, q0, s, cfeat[b0 + q0]);
                    q1 = this.completeStep(c, b1, q1, s, cfeat[b1 + q1]);
                }
                for (let d = common; d < d0; d++)
                    q0 = this.completeStep(c, b0, q0, s, cfeat[b0 + q0]);
                for (let d = common; d < d1; d++)
                    q1 = this.completeStep(c, b1, q1, s, cfeat[b1 + q1]);
                sum += leaf[c.leafStart[t] + q0 - ((1 << d0) - 1)];
                sum += leaf[c.leafStart[t + 1] + q1 - ((1 << d1) - 1)];
            }
            for (; t < trees; t++) {
                const b = c.nodeStart[t];
                let q = 0;
                for (let d = 0; d < c.depth[t]; d++)
                    q = this.completeStep(c, b, q, s, cfeat[b + q]);
                sum += leaf[c.leafStart[t] + q - ((1 << c.depth[t]) - 1)];
            }
            return sum;
        }
        for (let t = 0; t < this.numTrees; t++)
            sum += this.thr[this.leafOf(t, s, 0)];
        return sum;
    }
    /** Leaf node indices (in the source trees' numbering, as XGBoost's pred_leaf) of one row. */
    predictLeaves(row, out = new Int32Array(this.numTrees)) {
        const s = this.scratch;
        for (let j = 0; j < this.numFeatures; j++)
            s[j] = row[j];
        for (let t = 0; t < this.numTrees; t++)
            out[t] = this.sourceNode[this.leafOf(t, s, 0)];
        return out;
    }
}
/** Rows that descend the trees together in batch prediction. */
const BLOCK_ROWS = 64;
//# sourceMappingURL=predict.js.map