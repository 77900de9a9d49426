/**
 * The one internal shape of a binary-classification tree ensemble: every node of every tree in
 * parallel flat typed arrays (no object per node). Trainers and importers produce it, the
 * predictor and TreeSHAP read it, the model file stores it.
 *
 * Conventions (the same as XGBoost, so imported models route exactly like XGBoost):
 * - inputs are float32 (a row-major Float32Array, NaN = missing);
 * - numeric split: go left iff x < threshold (both float32);
 * - categorical split: the input is the category's integer code; codes in the node's set go
 *   right, all others left;
 * - missing value: go to the default side;
 * - margin = baseMargin + sum of the leaves reached; probability = sigmoid(margin).
 */
import { FraudlensError } from '../errors.js';
/** A validated ensemble with derived facts the hot paths need. */
export class TreeEnsemble {
    numFeatures;
    baseMargin;
    treeStart;
    feature;
    threshold;
    left;
    right;
    defaultLeft;
    value;
    cover;
    catStart;
    catWords;
    catBits;
    numTrees;
    numNodes;
    /** Depth of the deepest leaf over all trees (a root-only tree has depth 0). */
    maxDepth;
    hasCategorical;
    constructor(a) {
        this.numFeatures = a.numFeatures;
        this.baseMargin = a.baseMargin;
        this.treeStart = a.treeStart;
        this.feature = a.feature;
        this.threshold = a.threshold;
        this.left = a.left;
        this.right = a.right;
        this.defaultLeft = a.defaultLeft;
        this.value = a.value;
        this.cover = a.cover;
        this.catStart = a.catStart;
        this.catWords = a.catWords;
        this.catBits = a.catBits;
        this.numTrees = a.treeStart.length - 1;
        this.numNodes = a.feature.length;
        this.maxDepth = validateEnsemble(this);
        let hasCat = false;
        for (let i = 0; i < this.numNodes; i++)
            if (this.catStart[i] >= 0)
                hasCat = true;
        this.hasCategorical = hasCat;
    }
    /** Depth of one tree. */
    treeDepth(t) {
        return subtreeDepth(this, this.treeStart[t]);
    }
    isLeaf(node) {
        return this.feature[node] < 0;
    }
}
function subtreeDepth(e, root) {
    // Iterative walk: trees from hostile files may be deep, so no recursion.
    let best = 0;
    const stackNode = [root];
    const stackDepth = [0];
    while (stackNode.length > 0) {
        const n = stackNode.pop();
        const d = stackDepth.pop();
        if (e.feature[n] < 0) {
            if (d > best)
                best = d;
        }
        else {
            stackNode.push(e.left[n], e.right[n]);
            stackDepth.push(d + 1, d + 1);
        }
    }
    return best;
}
function invalid(message) {
    throw new FraudlensError('MODEL_INVALID', message);
}
/**
 * Checks that the arrays describe proper binary trees (every node reached once from its root,
 * children inside their own tree, features in range) and returns the maximum depth.
 */
function validateEnsemble(e) {
    const n = e.feature.length;
    const lengths = [
        ['threshold', e.threshold.length],
        ['left', e.left.length],
        ['right', e.right.length],
        ['defaultLeft', e.defaultLeft.length],
        ['value', e.value.length],
        ['cover', e.cover.length],
        ['catStart', e.catStart.length],
        ['catWords', e.catWords.length],
    ];
    for (const [name, len] of lengths) {
        if (len !== n)
            invalid(`node array "${name}" has ${len} entries, expected ${n}`);
    }
    if (!Number.isInteger(e.numFeatures) || e.numFeatures < 1)
        invalid(`numFeatures must be a positive integer, got ${e.numFeatures}`);
    if (!Number.isFinite(e.baseMargin))
        invalid(`base margin must be finite, got ${e.baseMargin}`);
    const numTrees = e.treeStart.length - 1;
    if (numTrees < 1)
        invalid('the ensemble has no trees');
    if (e.treeStart[0] !== 0 || e.treeStart[numTrees] !== n)
        invalid('tree offsets do not cover the node arrays');
    const seen = new Uint8Array(n);
    let maxDepth = 0;
    for (let t = 0; t < numTrees; t++) {
        const lo = e.treeStart[t];
        const hi = e.treeStart[t + 1];
        if (hi <= lo)
            invalid(`tree ${t} has no nodes`);
        const stack = [lo];
        const depth = [0];
        let reached = 0;
        while (stack.length > 0) {
            const node = stack.pop();
            const d = depth.pop();
            if (seen[node])
                invalid(`tree ${t}: node ${node - lo} is reached twice (not a tree)`);
            seen[node] = 1;
            reached++;
            const f = e.feature[node];
            if (f < 0) {
                if (!Number.isFinite(e.value[node]))
                    invalid(`tree ${t}: leaf ${node - lo} has a non-finite value`);
                if (d > maxDepth)
                    maxDepth = d;
                continue;
            }
            if (f >= e.numFeatures)
                invalid(`tree ${t}: node ${node - lo} splits on feature ${f}, but the model has ${e.numFeatures}`);
            const l = e.left[node];
            const r = e.right[node];
            if (l < lo || l >= hi || r < lo || r >= hi)
                invalid(`tree ${t}: node ${node - lo} has a child outside its tree`);
            const cs = e.catStart[node];
            if (cs >= 0) {
                if (cs + e.catWords[node] > e.catBits.length || e.catWords[node] < 1)
                    invalid(`tree ${t}: node ${node - lo} has a category set outside the bitset table`);
            }
            else if (Number.isNaN(e.threshold[node])) {
                invalid(`tree ${t}: node ${node - lo} has a NaN threshold`);
            }
            if (!(e.cover[node] >= 0))
                invalid(`tree ${t}: node ${node - lo} has a negative or NaN cover`);
            stack.push(l, r);
            depth.push(d + 1, d + 1);
        }
        if (reached !== hi - lo)
            invalid(`tree ${t}: ${hi - lo - reached} of its nodes are unreachable from the root`);
    }
    return maxDepth;
}
export function buildEnsemble(numFeatures, baseMargin, trees) {
    let total = 0;
    let catWordsTotal = 0;
    for (const t of trees) {
        total += t.feature.length;
        if (t.categories)
            for (const codes of t.categories.values())
                catWordsTotal += wordsFor(codes);
    }
    const treeStart = new Int32Array(trees.length + 1);
    const feature = new Int32Array(total);
    const threshold = new Float32Array(total);
    const left = new Int32Array(total);
    const right = new Int32Array(total);
    const defaultLeft = new Uint8Array(total);
    const value = new Float32Array(total);
    const cover = new Float32Array(total);
    const catStart = new Int32Array(total).fill(-1);
    const catWords = new Int32Array(total);
    const catBits = new Uint32Array(catWordsTotal);
    let base = 0;
    let catPos = 0;
    trees.forEach((t, ti) => {
        const n = t.feature.length;
        treeStart[ti] = base;
        for (const [name, arr] of Object.entries({
            threshold: t.threshold,
            left: t.left,
            right: t.right,
            defaultLeft: t.defaultLeft,
            value: t.value,
            cover: t.cover,
        })) {
            if (arr.length !== n)
                invalid(`tree ${ti}: "${name}" has ${arr.length} entries, expected ${n}`);
        }
        for (let i = 0; i < n; i++) {
            const g = base + i;
            const f = t.feature[i];
            const isLeaf = t.left[i] < 0;
            feature[g] = isLeaf ? -1 : f;
            left[g] = isLeaf ? -1 : base + t.left[i];
            right[g] = isLeaf ? -1 : base + t.right[i];
            threshold[g] = isLeaf ? 0 : t.threshold[i];
            defaultLeft[g] = t.defaultLeft[i] ? 1 : 0;
            value[g] = isLeaf ? t.value[i] : 0;
            cover[g] = t.cover[i];
        }
        if (t.categories) {
            for (const [node, codes] of t.categories) {
                if (!(node >= 0 && node < n))
                    invalid(`tree ${ti}: categorical split on missing node ${node}`);
                const words = wordsFor(codes);
                catStart[base + node] = catPos;
                catWords[base + node] = words;
                for (let k = 0; k < codes.length; k++) {
                    const c = codes[k];
                    if (!Number.isInteger(c) || c < 0)
                        invalid(`tree ${ti}: node ${node} has an invalid category code ${c}`);
                    catBits[catPos + (c >>> 5)] |= 1 << (c & 31);
                }
                catPos += words;
            }
        }
        base += n;
    });
    treeStart[trees.length] = base;
    return new TreeEnsemble({
        numFeatures,
        baseMargin,
        treeStart,
        feature,
        threshold,
        left,
        right,
        defaultLeft,
        value,
        cover,
        catStart,
        catWords,
        catBits,
    });
}
function wordsFor(codes) {
    let max = 0;
    for (let k = 0; k < codes.length; k++)
        if (codes[k] > max)
            max = codes[k];
    return Math.max(1, (max >>> 5) + 1);
}
/** Category codes in a categorical node's set, ascending. */
export function nodeCategories(e, node) {
    const out = [];
    const start = e.catStart[node];
    if (start < 0)
        return out;
    for (let w = 0; w < e.catWords[node]; w++) {
        const bits = e.catBits[start + w];
        for (let b = 0; b < 32; b++)
            if (bits & (1 << b))
                out.push(w * 32 + b);
    }
    return out;
}
//# sourceMappingURL=ensemble.js.map