/**
 * The tree grower: one depth-wise tree on gradient histograms, its leaves applied to the margins
 * of every row they hold.
 *
 * - Depth-wise growth: every node above `maxDepth` whose hessian allows two children of
 *   `minChildWeight` is split if the best split gains more than `gamma`. Nodes are expanded in
 *   breadth-first order, so node numbers follow XGBoost's layout.
 * - Leaf value = −G / (H + λ) × learningRate from the exact (unquantised) sums, stored as float32;
 *   cover = H (what TreeSHAP needs).
 *
 * Rows live in Int32Arrays partitioned in place: every node is a contiguous range, children split
 * their parent's range stably (rows stay ascending, which keeps histogram reads local). Three
 * lists are partitioned by every split: the rows the tree learns from, the training rows left out
 * of this round's sample, and the validation rows; a leaf adds its value to all three at once.
 */
import { buildHistogram, HistogramPool, subtractHistogram, unpackHess } from './histogram.js';
import { SplitFinder } from './split.js';
/** Threshold of a numeric split that sends every non-missing value left (largest finite float32). */
export const ALL_VALUES_LEFT = 3.4028234663852886e38;
/**
 * Stable partition of rows[start … end) by a split's per-bin table; returns where the right
 * part starts. Branch-free: both destinations are written every time and only the counters
 * move, because which side a row takes is a coin flip the CPU cannot predict.
 */
function partitionRange(rows, scratch, data, col, goLeft, start, end) {
    let nl = start;
    let nr = 0;
    for (let k = start; k < end; k++) {
        const r = rows[k];
        const g = goLeft[data[col + r]];
        rows[nl] = r;
        scratch[nr] = r;
        nl += g;
        nr += g ^ 1;
    }
    rows.set(scratch.subarray(0, nr), nl);
    return nl;
}
/**
 * {@link partitionRange} of two row lists by the same split in one loop: the two independent
 * streams overlap in the CPU, about 1.5 times faster than two passes. Writes both split points
 * to `mids`.
 */
function partitionPair(a, scratchA, startA, endA, b, scratchB, startB, endB, data, col, goLeft, mids) {
    let la = startA;
    let ra = 0;
    let lb = startB;
    let rb = 0;
    const m = Math.min(endA - startA, endB - startB);
    for (let i = 0; i < m; i++) {
        const x = a[startA + i];
        const y = b[startB + i];
        const gx = goLeft[data[col + x]];
        const gy = goLeft[data[col + y]];
        a[la] = x;
        scratchA[ra] = x;
        la += gx;
        ra += gx ^ 1;
        b[lb] = y;
        scratchB[rb] = y;
        lb += gy;
        rb += gy ^ 1;
    }
    for (let k = startA + m; k < endA; k++) {
        const x = a[k];
        const g = goLeft[data[col + x]];
        a[la] = x;
        scratchA[ra] = x;
        la += g;
        ra += g ^ 1;
    }
    for (let k = startB + m; k < endB; k++) {
        const y = b[k];
        const g = goLeft[data[col + y]];
        b[lb] = y;
        scratchB[rb] = y;
        lb += g;
        rb += g ^ 1;
    }
    a.set(scratchA.subarray(0, ra), la);
    b.set(scratchB.subarray(0, rb), lb);
    mids[0] = la;
    mids[1] = lb;
}
// Every loop over rows lives in a small function of its own: V8 compiles a long loop inside a
// big function "on stack" and throws that code away when it reaches code it has not seen run,
// which for a function called once per tree would mean recompiling it every tree.
function sumPacked(rows, count, packed) {
    let total = 0;
    for (let k = 0; k < count; k++)
        total += packed[rows[k]];
    return total;
}
/**
 * Sums of gradient and hessian of rows[start … end) by side of a split, into
 * out = [G left, H left, G right, H right] (each side summed directly: a difference of totals
 * could leave a tiny right hessian at zero or below).
 */
function sumBySide(rows, start, end, data, col, goLeft, grad, hess, out) {
    let gl = 0;
    let hl = 0;
    let gr = 0;
    let hr = 0;
    for (let k = start; k < end; k++) {
        const r = rows[k];
        const side = goLeft[data[col + r]];
        const other = side ^ 1;
        const g = grad[r];
        const h = hess[r];
        gl += side * g;
        hl += side * h;
        gr += other * g;
        hr += other * h;
    }
    out[0] = gl;
    out[1] = hl;
    out[2] = gr;
    out[3] = hr;
}
/** Multiplies e^(−margin) of rows[start … end) by factor[1] if the split sends them left, else factor[0]. */
function scaleBySide(rows, start, end, data, col, goLeft, factor, expNeg) {
    for (let k = start; k < end; k++) {
        const r = rows[k];
        expNeg[r] *= factor[goLeft[data[col + r]]];
    }
}
/** Adds value[1] to the margins of rows the split sends left, value[0] to the others. */
function addBySide(rows, start, end, data, col, goLeft, value, margin) {
    for (let k = start; k < end; k++) {
        const r = rows[k];
        margin[r] += value[goLeft[data[col + r]]];
    }
}
/** Multiplies e^(−margin) of rows[start … end) by e^(−value), i.e. adds a leaf to their margins. */
function scaleExpNeg(rows, start, end, factor, expNeg) {
    for (let k = start; k < end; k++)
        expNeg[rows[k]] *= factor;
}
function addToMargins(rows, start, end, value, margin) {
    for (let k = start; k < end; k++)
        margin[rows[k]] += value;
}
/**
 * Grows trees on one binned training matrix; owns every buffer so a round allocates only the
 * small per-tree node lists.
 */
export class TreeGrower {
    binned;
    valid;
    params;
    finder;
    pool;
    scratch;
    scratch2;
    mids = new Int32Array(2);
    // Int32 rather than Uint8: V8 emits tighter code for the per-row lookups (about 10 %).
    goLeft;
    sums = new Float64Array(4);
    side = new Float64Array(2);
    /** This round's sampled rows, ascending. */
    rows;
    /** This round's left-out rows. */
    others;
    validRows;
    constructor(binned, valid, params) {
        this.binned = binned;
        this.valid = valid;
        this.params = params;
        this.finder = new SplitFinder(binned, params);
        this.pool = new HistogramPool(binned.totalBins);
        this.rows = new Int32Array(binned.numRows);
        this.others = new Int32Array(binned.numRows);
        this.validRows = new Int32Array(valid?.numRows ?? 0);
        this.scratch = new Int32Array(Math.max(binned.numRows, valid?.numRows ?? 0));
        this.scratch2 = new Int32Array(binned.numRows);
        let widest = 1;
        for (let f = 0; f < binned.numFeatures; f++)
            widest = Math.max(widest, binned.offsets[f + 1] - binned.offsets[f]);
        this.goLeft = new Int32Array(widest);
    }
    /**
     * Grows one tree and applies each leaf to the margins of the rows reaching it.
     *
     * @param lists how many rows each row list holds this round
     * @param packed per-row packed gradients of the sampled rows
     * @param expNeg per training row e^(−margin), updated
     * @param validMargin per validation row margin, updated
     */
    grow(lists, packed, scales, grad, hess, features, numActive, expNeg, validMargin) {
        const p = this.params;
        const binned = this.binned;
        const n = binned.numRows;
        const rows = this.rows;
        const mcwQ = p.minChildWeight * scales.hess;
        const tree = {
            feature: [],
            left: [],
            right: [],
            defaultLeft: [],
            bin: [],
            value: [],
            cover: [],
            gain: [],
            rightBins: [],
        };
        // Per node: ranges in the three row lists, depth, packed gradient total, histogram.
        const start = [];
        const end = [];
        const ostart = [];
        const oend = [];
        const vstart = [];
        const vend = [];
        const depth = [];
        const total = [];
        const hist = [];
        // Split found while the node's histogram was at hand: [feature, bin, defaultLeft, gain, leftPacked].
        const found = [];
        // 1 for leaves already valued and applied together with their sibling.
        const done = [];
        const result = this.finder.newResult();
        const addNode = (s, e, os, oe, vs, ve, d, t) => {
            const id = start.length;
            start.push(s);
            end.push(e);
            ostart.push(os);
            oend.push(oe);
            vstart.push(vs);
            vend.push(ve);
            depth.push(d);
            total.push(t);
            hist.push(null);
            found.push(null);
            done.push(0);
            tree.feature.push(-1);
            tree.left.push(-1);
            tree.right.push(-1);
            tree.defaultLeft.push(1);
            tree.bin.push(0);
            tree.value.push(0);
            tree.cover.push(0);
            tree.gain.push(0);
            tree.rightBins.push(null);
            return id;
        };
        const splittable = (id) => depth[id] < p.maxDepth && end[id] - start[id] >= 2 && unpackHess(total[id]) >= 2 * mcwQ;
        const search = (id) => {
            const h = hist[id];
            if (this.finder.find(h, features, numActive, total[id], scales, result)) {
                found[id] = [result.feature, result.bin, result.defaultLeft ? 1 : 0, result.gain, result.leftPacked];
                tree.rightBins[id] = result.categorical ? result.rightBins.slice(0, binned.binnings[result.feature].numValueBins) : null;
            }
            else {
                this.pool.release(h);
                hist[id] = null;
            }
        };
        addNode(0, lists.count, 0, lists.otherCount, 0, lists.validCount, 0, sumPacked(rows, lists.count, packed));
        if (splittable(0)) {
            const h = this.pool.acquire();
            buildHistogram(h, binned, features, numActive, rows, 0, lists.count, packed);
            hist[0] = h;
            search(0);
        }
        for (let id = 0; id < start.length; id++) {
            if (done[id] === 1)
                continue;
            const split = found[id];
            if (split === null) {
                const v = this.leafValue(tree, id, start[id], end[id], grad, hess);
                const ev = Math.exp(-v);
                scaleExpNeg(rows, start[id], end[id], ev, expNeg);
                scaleExpNeg(this.others, ostart[id], oend[id], ev, expNeg);
                if (validMargin !== null)
                    addToMargins(this.validRows, vstart[id], vend[id], v, validMargin);
                continue;
            }
            const [f, bin, defaultLeft, gain, leftPacked] = split;
            const goLeft = this.routingTable(f, bin, defaultLeft === 1, tree.rightBins[id]);
            tree.feature[id] = f;
            tree.bin[id] = bin;
            tree.defaultLeft[id] = defaultLeft;
            tree.gain[id] = gain;
            const childDepth = depth[id] + 1;
            if (childDepth >= p.maxDepth || (unpackHess(leftPacked) < 2 * mcwQ && unpackHess(total[id] - leftPacked) < 2 * mcwQ)) {
                // Both children are leaves: no partition, each row list gets its leaf values in one pass.
                this.pool.release(hist[id]);
                hist[id] = null;
                const l = addNode(0, 0, 0, 0, 0, 0, childDepth, leftPacked);
                const r = addNode(0, 0, 0, 0, 0, 0, childDepth, total[id] - leftPacked);
                done[l] = 1;
                done[r] = 1;
                tree.left[id] = l;
                tree.right[id] = r;
                this.leafPair(tree, l, r, f, goLeft, start[id], end[id], ostart[id], oend[id], vstart[id], vend[id], grad, hess, expNeg, validMargin);
                continue;
            }
            partitionPair(rows, this.scratch, start[id], end[id], this.others, this.scratch2, ostart[id], oend[id], binned.data, f * n, goLeft, this.mids);
            const mid = this.mids[0];
            const omid = this.mids[1];
            const vmid = this.valid !== null
                ? partitionRange(this.validRows, this.scratch, this.valid.data, f * this.valid.numRows, goLeft, vstart[id], vend[id])
                : 0;
            const l = addNode(start[id], mid, ostart[id], omid, vstart[id], vmid, childDepth, leftPacked);
            const r = addNode(mid, end[id], omid, oend[id], vmid, vend[id], childDepth, total[id] - leftPacked);
            tree.left[id] = l;
            tree.right[id] = r;
            this.childHistograms(id, l, r, hist, start, end, splittable, features, numActive, packed);
            if (hist[l] !== null)
                search(l);
            if (hist[r] !== null)
                search(r);
        }
        // Covers of split nodes: children come after their parent, so a reverse sweep sums them.
        for (let id = start.length - 1; id >= 0; id--) {
            if (tree.feature[id] >= 0)
                tree.cover[id] = tree.cover[tree.left[id]] + tree.cover[tree.right[id]];
        }
        return tree;
    }
    /** Builds the children's histograms: the smaller one from its rows, the other by subtraction. */
    childHistograms(parent, l, r, hist, start, end, splittable, features, numActive, packed) {
        const parentHist = hist[parent];
        hist[parent] = null;
        const small = end[l] - start[l] <= end[r] - start[r] ? l : r;
        const large = small === l ? r : l;
        const needSmall = splittable(small);
        const needLarge = splittable(large);
        if (needLarge) {
            const h = this.pool.acquire();
            buildHistogram(h, this.binned, features, numActive, this.rows, start[small], end[small], packed);
            subtractHistogram(parentHist, h, this.binned, features, numActive);
            hist[large] = parentHist;
            if (needSmall)
                hist[small] = h;
            else
                this.pool.release(h);
        }
        else if (needSmall) {
            buildHistogram(parentHist, this.binned, features, numActive, this.rows, start[small], end[small], packed);
            hist[small] = parentHist;
        }
        else {
            this.pool.release(parentHist);
        }
    }
    /** Per-bin left (1) / right (0) decision of a split, missing bin included. */
    routingTable(f, bin, defaultLeft, rightBins) {
        const nv = this.binned.binnings[f].numValueBins;
        const t = this.goLeft;
        for (let b = 0; b < nv; b++)
            t[b] = rightBins === null ? (b < bin ? 1 : 0) : rightBins[b] === 1 ? 0 : 1;
        t[nv] = defaultLeft ? 1 : 0;
        return t;
    }
    /**
     * Values two sibling leaves from one pass over their parent's sampled rows and applies them to
     * all three row lists without partitioning them.
     */
    leafPair(tree, l, r, f, goLeft, s, e, os, oe, vs, ve, grad, hess, expNeg, validMargin) {
        const data = this.binned.data;
        const col = f * this.binned.numRows;
        const sums = this.sums;
        sumBySide(this.rows, s, e, data, col, goLeft, grad, hess, sums);
        const { lambda, learningRate } = this.params;
        const vl = Math.fround((-sums[0] / (sums[1] + lambda)) * learningRate);
        const vr = Math.fround((-sums[2] / (sums[3] + lambda)) * learningRate);
        tree.value[l] = vl;
        tree.value[r] = vr;
        tree.cover[l] = sums[1];
        tree.cover[r] = sums[3];
        const side = this.side;
        side[1] = Math.exp(-vl);
        side[0] = Math.exp(-vr);
        scaleBySide(this.rows, s, e, data, col, goLeft, side, expNeg);
        scaleBySide(this.others, os, oe, data, col, goLeft, side, expNeg);
        if (this.valid !== null && validMargin !== null) {
            side[1] = vl;
            side[0] = vr;
            addBySide(this.validRows, vs, ve, this.valid.data, f * this.valid.numRows, goLeft, side, validMargin);
        }
    }
    /** Leaf value and cover from the exact (unquantised) sums of the leaf's sampled rows. */
    leafValue(tree, id, s, e, grad, hess) {
        const rows = this.rows;
        let G = 0;
        let H = 0;
        for (let k = s; k < e; k++) {
            const r = rows[k];
            G += grad[r];
            H += hess[r];
        }
        const v = Math.fround((-G / (H + this.params.lambda)) * this.params.learningRate);
        tree.value[id] = v;
        tree.cover[id] = H;
        return v;
    }
}
/** Converts a grown tree into the engine's node arrays (float32 thresholds, category sets). */
export function toTreeNodes(tree, binned) {
    const n = tree.feature.length;
    const threshold = new Float32Array(n);
    const categories = new Map();
    for (let id = 0; id < n; id++) {
        const f = tree.feature[id];
        if (f < 0)
            continue;
        const b = binned.binnings[f];
        if (b.kind === 'numeric') {
            const k = tree.bin[id];
            threshold[id] = k <= b.edges.length ? b.edges[k - 1] : ALL_VALUES_LEFT;
        }
        else {
            const mask = tree.rightBins[id];
            const codes = [];
            for (let bin = 0; bin < b.numValueBins; bin++)
                if (mask[bin] === 1)
                    for (const c of b.binCodes[bin])
                        codes.push(c);
            codes.sort((x, y) => x - y);
            categories.set(id, codes);
        }
    }
    const nodes = {
        feature: Int32Array.from(tree.feature),
        threshold,
        left: Int32Array.from(tree.left),
        right: Int32Array.from(tree.right),
        defaultLeft: Uint8Array.from(tree.defaultLeft),
        value: Float32Array.from(tree.value),
        cover: Float32Array.from(tree.cover),
    };
    if (categories.size > 0)
        nodes.categories = categories;
    return nodes;
}
//# sourceMappingURL=tree-grower.js.map