/**
 * How the trees are laid out for walking them, shared by the predictor and TreeSHAP, built once
 * per model:
 * - the flat layout: every tree renumbered breadth-first so the two children of a node sit next
 *   to each other (right = left + 1), a leaf's value in the threshold slot and a categorical
 *   split marked by a NaN threshold, so the common numeric step reads three arrays and takes one
 *   comparison; {@link childOf} is the one routing rule on it;
 * - the padded layout of batch prediction: each tree as a complete binary tree of its own depth.
 */
/** Codes at or above 2^32 would wrap in the bitset word index; no split lists them. */
const MAX_CODE_EXCLUSIVE = 2 ** 32;
/**
 * The child of split node n that the value v = x[at] goes to. Numeric: v < threshold → left;
 * missing → the default side; categorical (NaN threshold): the code's bit set → right, anything
 * else → left (unseen, negative, fractional or huge codes, as XGBoost does). Takes the array and
 * index, not the value: a double passed to a call that is not inlined is boxed, an allocation
 * per missing value or categorical split.
 */
export function childOf(L, n, x, at) {
    const v = x[at];
    const c = L.thr[n];
    if (v < c)
        return L.left[n];
    if (v !== v)
        return L.left[n] + 1 - L.defaultLeft[n];
    if (c !== c) {
        if (!(v >= 0 && v < MAX_CODE_EXCLUSIVE) || v !== Math.floor(v))
            return L.left[n];
        const word = v >>> 5;
        if (word >= L.catWords[n])
            return L.left[n];
        return L.left[n] + ((L.catBits[L.catStart[n] + word] >>> (v & 31)) & 1);
    }
    return L.left[n] + 1;
}
/**
 * The flat layout of an ensemble (breadth-first per tree, siblings side by side).
 *
 * @example const L = buildLayout(ensemble); childOf(L, L.roots[0], row, L.feat[L.roots[0]]);
 */
export function buildLayout(e) {
    const n = e.numNodes;
    const L = {
        feat: new Int32Array(n),
        thr: new Float32Array(n),
        left: new Int32Array(n),
        defaultLeft: new Uint8Array(n),
        sourceNode: new Int32Array(n),
        sourceGlobal: new Int32Array(n),
        catStart: new Int32Array(n).fill(-1),
        catWords: new Int32Array(n),
        catBits: e.catBits,
        roots: new Int32Array(e.numTrees + 1),
    };
    // Breadth-first renumbering per tree puts siblings side by side.
    let next = 0;
    const queue = new Int32Array(n);
    const placed = new Int32Array(n);
    for (let t = 0; t < e.numTrees; t++) {
        const root = e.treeStart[t];
        let head = 0;
        let tail = 0;
        queue[tail++] = root;
        placed[root] = next++;
        L.roots[t] = placed[root];
        while (head < tail) {
            const src = queue[head++];
            const dst = placed[src];
            L.sourceNode[dst] = src - root;
            L.sourceGlobal[dst] = src;
            L.defaultLeft[dst] = e.defaultLeft[src];
            if (e.feature[src] < 0) {
                L.feat[dst] = -1;
                L.thr[dst] = e.value[src];
                continue;
            }
            L.feat[dst] = e.feature[src];
            if (e.catStart[src] >= 0) {
                L.thr[dst] = NaN;
                L.catStart[dst] = e.catStart[src];
                L.catWords[dst] = e.catWords[src];
            }
            else {
                L.thr[dst] = e.threshold[src];
            }
            const l = e.left[src];
            const r = e.right[src];
            placed[l] = next;
            placed[r] = next + 1;
            L.left[dst] = next;
            next += 2;
            queue[tail++] = l;
            queue[tail++] = r;
        }
    }
    L.roots[e.numTrees] = next;
    return L;
}
/** Deepest tree padded to a complete tree (2^depth leaves each). */
export const MAX_PADDED_DEPTH = 12;
/**
 * The padded layout of every tree of `L` (see {@link CompleteTrees}).
 *
 * @param mirrored numeric models only: compare on mirrored rows
 * @param blockRows rows the predictor descends together (sizes the mirrored scratch)
 */
export function buildCompleteTrees(L, numFeatures, mirrored, blockRows) {
    const trees = L.roots.length - 1;
    const m = numFeatures;
    const depth = new Int32Array(trees);
    const nodeStart = new Int32Array(trees);
    const leafStart = new Int32Array(trees);
    let nodes = 0;
    let leaves = 0;
    for (let t = 0; t < trees; t++) {
        depth[t] = layoutDepth(L, t);
        nodeStart[t] = nodes;
        leafStart[t] = leaves;
        nodes += (1 << depth[t]) - 1;
        leaves += 1 << depth[t];
    }
    const feat = new Int32Array(nodes);
    const thr = new Float64Array(nodes);
    const source = new Int32Array(nodes);
    const leaf = new Float32Array(leaves);
    for (let t = 0; t < trees; t++) {
        const D = depth[t];
        const internal = (1 << D) - 1;
        // Walk slots in order; slotNode holds the layout node each slot stands for (a leaf repeats
        // itself down to the bottom level).
        const slotNode = new Int32Array(internal + (1 << D));
        slotNode[0] = L.roots[t];
        for (let p = 0; p < internal + (1 << D); p++) {
            const n = slotNode[p];
            const isLeaf = L.feat[n] < 0;
            if (p < internal) {
                const g = nodeStart[t] + p;
                source[g] = n;
                if (isLeaf) {
                    feat[g] = 0;
                    thr[g] = Infinity;
                    slotNode[2 * p + 1] = n;
                    slotNode[2 * p + 2] = n;
                }
                else if (mirrored && L.defaultLeft[n]) {
                    feat[g] = m + L.feat[n];
                    thr[g] = nextUpFloat32(-L.thr[n]);
                    slotNode[2 * p + 1] = L.left[n] + 1;
                    slotNode[2 * p + 2] = L.left[n];
                }
                else {
                    feat[g] = L.feat[n];
                    thr[g] = L.thr[n];
                    slotNode[2 * p + 1] = L.left[n];
                    slotNode[2 * p + 2] = L.left[n] + 1;
                }
            }
            else {
                leaf[leafStart[t] + p - internal] = L.thr[n];
            }
        }
    }
    return {
        depth,
        nodeStart,
        leafStart,
        feat,
        thr,
        source,
        leaf,
        mirrored,
        block: new Float64Array(mirrored ? blockRows * 2 * m : 0),
    };
}
const NEXT_UP_F32 = new Float32Array(1);
const NEXT_UP_I32 = new Int32Array(NEXT_UP_F32.buffer);
/** The smallest float32 above y (y a finite float32 or +∞, which stays). */
export function nextUpFloat32(y) {
    if (y === Infinity)
        return y;
    if (y === 0)
        return 2 ** -149;
    NEXT_UP_F32[0] = y;
    NEXT_UP_I32[0] += y > 0 ? 1 : -1;
    return NEXT_UP_F32[0];
}
function layoutDepth(L, t) {
    // Breadth-first numbering: a node's depth is its parent's plus one, parents come first.
    const lo = L.roots[t];
    const hi = L.roots[t + 1];
    const d = new Int32Array(hi - lo);
    let best = 0;
    for (let i = lo; i < hi; i++) {
        if (L.feat[i] < 0)
            continue;
        const c = L.left[i] - lo;
        d[c] = d[c + 1] = d[i - lo] + 1;
        if (d[c] > best)
            best = d[c];
    }
    return best;
}
//# sourceMappingURL=tree-layout.js.map