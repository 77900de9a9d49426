/**
 * The precomputed side of TreeSHAP: per-model flat arrays that let a row be explained with one
 * pass over the split nodes and a few table reads per tree (treeshap.ts runs them).
 *
 * Each leaf's share of the explanation depends on the row only through which of its path
 * features the row satisfies (leaf-shapley.ts). Near the bottom of a tree, a small subtree (at
 * most GROUP_SPLITS_MAX splits) forms a group: the summed shares of all its leaves are a
 * function of a key made of the satisfied bits of the path above the group plus the direction
 * the row takes at each split inside it. For every key the group's contributions are stored as
 * one short vector, so a row costs one read and W additions per group (W the features the group
 * touches) instead of D additions per leaf. Above the groups, the satisfied bits propagate from
 * parent to children ("upper" splits).
 *
 * A key has at most `keyBits` bits, the largest value (≤ KEY_BITS_MAX) whose tables fit
 * TABLE_BUDGET_BYTES. A leaf whose path is too long for that ("deep") keeps its zero fractions
 * and is computed per row (O(D²), no table), so any depth up to MAX_PATH_FEATURES distinct
 * features works, at a cost that grows only where the trees are deep.
 */
import { FraudlensError } from '../errors.js';
import { LeafShapley } from './leaf-shapley.js';
/** Distinct features on one path: the satisfied bits live in an int32. */
export const MAX_PATH_FEATURES = 30;
/** Largest key (path bits above a group + its splits): a group's table holds 2^keyBits vectors. */
export const KEY_BITS_MAX = 8;
/**
 * Splits in one group. Larger groups mean fewer reads per row but wider keys; 5 measured best on
 * depth-6 models (a depth-2 subtree plus one more level on one side).
 */
export const GROUP_SPLITS_MAX = 5;
/** Memory the tables may take per model; beyond it the key narrows and more leaves are computed per row. */
export const TABLE_BUDGET_BYTES = 32 * 1024 * 1024;
/** Role of a node in the explanation layout. */
const UPPER = 1;
const IN_GROUP = 2;
const DEEP_LEAF = 3;
/**
 * A branch's weight is its cover over its parent's: a split with cover 0 (a model saved without
 * covers) makes that 0/0 and every explanation through it NaN. Refused here, so a server can
 * keep scoring with such a model and say why explanations are off.
 */
function checkSplitCovers(ensemble, L, cover) {
    for (let t = 0; t < L.roots.length - 1; t++) {
        for (let i = L.roots[t]; i < L.roots[t + 1]; i++) {
            if (L.feat[i] >= 0 && !(cover[i] > 0)) {
                const node = L.sourceGlobal[i] - ensemble.treeStart[t];
                throw new FraudlensError('MODEL_UNSUPPORTED', `tree ${t}, node ${node}: a split with cover (sum_hessian) 0; TreeSHAP weighs each branch by its share of its parent's cover, so explanations need a positive cover at every split (re-export the model with its covers)`, { field: 'cover' });
            }
        }
    }
}
function tracePaths(L, cover, maxDepth) {
    const n = L.feat.length;
    const width = Math.max(1, maxDepth);
    const feature = new Int32Array(n * width);
    const zero = new Float64Array(n * width);
    const length = new Int32Array(n);
    const parent = new Int32Array(n).fill(-1);
    const splitsBelow = new Int32Array(n);
    for (let t = 0; t < L.roots.length - 1; t++) {
        for (let i = L.roots[t]; i < L.roots[t + 1]; i++) {
            const f = L.feat[i];
            if (f < 0)
                continue;
            const len = length[i];
            let bit = -1;
            for (let k = 0; k < len; k++)
                if (feature[i * width + k] === f)
                    bit = k;
            for (let c = L.left[i]; c <= L.left[i] + 1; c++) {
                parent[c] = i;
                length[c] = bit < 0 ? len + 1 : len;
                for (let k = 0; k < len; k++) {
                    feature[c * width + k] = feature[i * width + k];
                    zero[c * width + k] = zero[i * width + k];
                }
                const ratio = cover[c] / cover[i];
                if (bit < 0) {
                    feature[c * width + len] = f;
                    zero[c * width + len] = ratio;
                }
                else {
                    zero[c * width + bit] *= ratio;
                }
                if (length[c] > MAX_PATH_FEATURES) {
                    throw new FraudlensError('MODEL_UNSUPPORTED', `a path splits on ${length[c]} distinct features; TreeSHAP supports at most ${MAX_PATH_FEATURES}`);
                }
            }
        }
        // Children follow parents, so a backward sweep sees both children first.
        for (let i = L.roots[t + 1] - 1; i >= L.roots[t]; i--) {
            if (L.feat[i] >= 0)
                splitsBelow[i] = 1 + splitsBelow[L.left[i]] + splitsBelow[L.left[i] + 1];
        }
    }
    return { width, feature, zero, length, parent, splitsBelow };
}
function planGroups(L, P, keyBits) {
    const n = L.feat.length;
    const role = new Uint8Array(n);
    const group = new Int32Array(n).fill(-1);
    const groupRoots = [];
    let entries = 0;
    const seen = new Set();
    for (let t = 0; t < L.roots.length - 1; t++) {
        for (let i = L.roots[t]; i < L.roots[t + 1]; i++) {
            const p = P.parent[i];
            if (p >= 0 && role[p] === IN_GROUP) {
                role[i] = IN_GROUP;
                group[i] = group[p];
                continue;
            }
            if (p >= 0 && role[p] !== UPPER)
                continue;
            // i is the root of its tree or the child of an upper split: decide its role.
            const leaf = L.feat[i] < 0;
            const splits = leaf ? 0 : P.splitsBelow[i];
            const bits = P.length[i] + splits;
            if (bits <= keyBits && splits <= GROUP_SPLITS_MAX) {
                role[i] = IN_GROUP;
                group[i] = groupRoots.length;
                groupRoots.push(i);
                // The features the group touches: its path's, then any new one split on inside it.
                seen.clear();
                for (let k = 0; k < P.length[i]; k++)
                    seen.add(P.feature[i * P.width + k]);
                forSubtree(L, i, (s) => {
                    if (L.feat[s] >= 0)
                        seen.add(L.feat[s]);
                });
                entries += seen.size << bits;
            }
            else {
                role[i] = leaf ? DEEP_LEAF : UPPER;
            }
        }
    }
    return { role, group, groupRoots, entries };
}
/** Calls visit on every node of the subtree rooted at `root`, breadth-first. */
function forSubtree(L, root, visit) {
    const queue = [root];
    for (let h = 0; h < queue.length; h++) {
        const i = queue[h];
        visit(i);
        if (L.feat[i] >= 0)
            queue.push(L.left[i], L.left[i] + 1);
    }
}
export function buildShapTables(ensemble, L, limits = { keyBitsMax: KEY_BITS_MAX, tableBudgetBytes: TABLE_BUDGET_BYTES }) {
    const n = L.feat.length;
    const T = L.roots.length - 1;
    const cover = new Float64Array(n);
    for (let i = 0; i < n; i++)
        cover[i] = ensemble.cover[L.sourceGlobal[i]];
    checkSplitCovers(ensemble, L, cover);
    const P = tracePaths(L, cover, ensemble.maxDepth);
    let maxPathFeatures = 0;
    for (let i = 0; i < n; i++)
        maxPathFeatures = Math.max(maxPathFeatures, P.length[i]);
    // The widest key whose tables fit the budget.
    let keyBits = Math.min(KEY_BITS_MAX, limits.keyBitsMax);
    let plan = planGroups(L, P, keyBits);
    while (keyBits > 0 && plan.entries * 8 > limits.tableBudgetBytes)
        plan = planGroups(L, P, --keyBits);
    const { role, group } = plan;
    const G = plan.groupRoots.length;
    // Slots: every tree root, and both children of every upper split.
    const slot = new Int32Array(n).fill(-1);
    let slots = 0;
    let upperCount = 0;
    let groupSplitCount = 0;
    let deepCount = 0;
    let deepPathSize = 0;
    for (let t = 0; t < T; t++)
        slot[L.roots[t]] = slots++;
    for (let i = 0; i < n; i++) {
        if (role[i] === UPPER) {
            upperCount++;
            slot[L.left[i]] = slots;
            slot[L.left[i] + 1] = slots + 1;
            slots += 2;
        }
        else if (role[i] === DEEP_LEAF) {
            deepCount++;
            deepPathSize += P.length[i];
        }
        else if (role[i] === IN_GROUP && L.feat[i] >= 0)
            groupSplitCount++;
    }
    const tables = {
        numTrees: T,
        bias: ensemble.baseMargin + expectedTreeValues(L, cover),
        keyBits,
        treeRootSlot: new Int32Array(T),
        satisfied: new Int32Array(slots),
        upperStart: new Int32Array(T + 1),
        upperNode: new Int32Array(upperCount),
        upperFeature: new Int32Array(upperCount),
        upperThreshold: new Float32Array(upperCount),
        upperBit: new Int32Array(upperCount),
        upperSlot: new Int32Array(upperCount),
        upperChildSlot: new Int32Array(upperCount),
        groupSplitStart: new Int32Array(T + 1),
        groupSplitNode: new Int32Array(groupSplitCount),
        groupSplitFeature: new Int32Array(groupSplitCount),
        groupSplitThreshold: new Float32Array(groupSplitCount),
        groupSplitGroup: new Int32Array(groupSplitCount),
        groupSplitBit: new Int32Array(groupSplitCount),
        groupStart: new Int32Array(T + 1),
        groupRootSlot: new Int32Array(G),
        groupPathMask: new Int32Array(G),
        groupWidth: new Int32Array(G),
        groupOffset: new Int32Array(G),
        groupFeatureOffset: new Int32Array(G + 1),
        groupFeatures: new Int32Array(0),
        // One spare slot: a group with no features still has a (never used) offset the row pass reads.
        table: new Float64Array(plan.entries + 1),
        groupKey: new Int32Array(G),
        deepStart: new Int32Array(T + 1),
        deepSlot: new Int32Array(deepCount),
        deepLength: new Int32Array(deepCount),
        deepPathOffset: new Int32Array(deepCount),
        deepValue: new Float64Array(deepCount),
        deepFeatures: new Int32Array(deepPathSize),
        deepZero: new Float64Array(deepPathSize),
        maxPathFeatures,
    };
    const S = tables;
    let u = 0;
    let s = 0;
    let d = 0;
    let deepPath = 0;
    for (let t = 0; t < T; t++) {
        S.treeRootSlot[t] = slot[L.roots[t]];
        S.upperStart[t] = u;
        S.groupSplitStart[t] = s;
        S.deepStart[t] = d;
        for (let i = L.roots[t]; i < L.roots[t + 1]; i++) {
            if (role[i] === UPPER) {
                S.upperNode[u] = i;
                S.upperFeature[u] = L.feat[i];
                S.upperThreshold[u] = L.thr[i];
                S.upperBit[u] = 1 << pathIndex(P, L.left[i], L.feat[i]);
                S.upperSlot[u] = slot[i];
                S.upperChildSlot[u] = slot[L.left[i]];
                u++;
            }
            else if (role[i] === DEEP_LEAF) {
                const len = P.length[i];
                S.deepSlot[d] = slot[i];
                S.deepLength[d] = len;
                S.deepPathOffset[d] = deepPath;
                S.deepValue[d] = L.thr[i];
                for (let k = 0; k < len; k++) {
                    S.deepFeatures[deepPath + k] = P.feature[i * P.width + k];
                    S.deepZero[deepPath + k] = P.zero[i * P.width + k];
                }
                deepPath += len;
                d++;
            }
            else if (role[i] === IN_GROUP && L.feat[i] >= 0) {
                S.groupSplitNode[s] = i;
                S.groupSplitFeature[s] = L.feat[i];
                S.groupSplitThreshold[s] = L.thr[i];
                S.groupSplitGroup[s] = group[i];
                s++;
            }
        }
    }
    S.upperStart[T] = u;
    S.groupSplitStart[T] = s;
    S.deepStart[T] = d;
    // Groups were numbered in node order, so each tree's are contiguous.
    for (let t = 0, g = 0; t <= T; t++) {
        while (g < G && plan.groupRoots[g] < L.roots[t])
            g++;
        S.groupStart[t] = g;
    }
    const builder = new GroupTableBuilder(L, P, new LeafShapley(Math.max(1, maxPathFeatures)));
    const groupFeatures = [];
    let offset = 0;
    for (let t = 0; t < T; t++) {
        for (let g = S.groupStart[t]; g < S.groupStart[t + 1]; g++) {
            const root = plan.groupRoots[g];
            const built = builder.build(root, S.table, offset);
            S.groupRootSlot[g] = slot[root];
            S.groupPathMask[g] = (1 << P.length[root]) - 1;
            S.groupWidth[g] = built.features.length;
            S.groupOffset[g] = offset;
            S.groupFeatureOffset[g] = groupFeatures.length;
            groupFeatures.push(...built.features);
            for (let j = 0; j < built.splits.length; j++) {
                let at = S.groupSplitStart[t];
                while (S.groupSplitNode[at] !== built.splits[j])
                    at++;
                S.groupSplitBit[at] = 1 << (P.length[root] + j);
            }
            offset += built.features.length << built.keyBits;
        }
    }
    S.groupFeatureOffset[G] = groupFeatures.length;
    S.groupFeatures = Int32Array.from(groupFeatures);
    return S;
}
/**
 * Builds one group's table: for every key, the sum over the group's leaves of their Shapley
 * values, as one vector over the features the group touches.
 */
class GroupTableBuilder {
    L;
    P;
    shapley;
    /** One leaf's values for every satisfied set: 2^D × D. */
    leafTable = new Float64Array(0);
    constructor(L, P, shapley) {
        this.L = L;
        this.P = P;
        this.shapley = shapley;
    }
    /**
     * Writes the table of the group rooted at `root` into table[offset..].
     * @returns the group's features (vector order), its splits (key bits above the path bits, in
     * this order) and its key width
     */
    build(root, table, offset) {
        const { L, P } = this;
        const above = P.length[root];
        const features = [];
        for (let k = 0; k < above; k++)
            features.push(P.feature[root * P.width + k]);
        const splits = [];
        const leaves = [];
        forSubtree(L, root, (i) => {
            if (L.feat[i] < 0) {
                leaves.push(i);
                return;
            }
            splits.push(i);
            if (!features.includes(L.feat[i]))
                features.push(L.feat[i]);
        });
        splits.sort((a, b) => a - b);
        const keyBits = above + splits.length;
        const W = features.length;
        for (const leaf of leaves) {
            const D = P.length[leaf];
            if (D === 0)
                continue;
            // Path feature k is satisfied for a key when the key has every bit in mustSet[k] and none
            // in mustClear[k]: its bit above the group, and the row's direction at each split on k
            // inside the group agreeing with the leaf's side.
            const mustSet = new Int32Array(D);
            const mustClear = new Int32Array(D);
            const position = new Int32Array(D);
            for (let k = 0; k < D; k++) {
                const f = P.feature[leaf * P.width + k];
                position[k] = features.indexOf(f);
                if (k < above)
                    mustSet[k] = 1 << k;
            }
            for (let c = leaf; c !== root; c = P.parent[c]) {
                const p = P.parent[c];
                const bit = 1 << (above + splits.indexOf(p));
                const k = pathIndex(P, leaf, L.feat[p]);
                if (c === L.left[p])
                    mustSet[k] |= bit;
                else
                    mustClear[k] |= bit;
            }
            if (this.leafTable.length < D << D)
                this.leafTable = new Float64Array(D << D);
            const values = this.leafTable;
            for (let U = 0; U < 1 << D; U++)
                this.shapley.values(L.thr[leaf], P.zero, leaf * P.width, D, U, values, U * D);
            for (let key = 0; key < 1 << keyBits; key++) {
                let U = 0;
                for (let k = 0; k < D; k++)
                    if ((key & mustSet[k]) === mustSet[k] && (key & mustClear[k]) === 0)
                        U |= 1 << k;
                const at = offset + key * W;
                for (let k = 0; k < D; k++)
                    table[at + position[k]] += values[U * D + k];
            }
        }
        return { features, splits, keyBits };
    }
}
function pathIndex(P, node, feature) {
    for (let k = 0; k < P.length[node]; k++)
        if (P.feature[node * P.width + k] === feature)
            return k;
    throw new Error(`internal: feature ${feature} is not on the path of node ${node}`);
}
/** Σ over trees of the cover-weighted mean leaf value (each tree's expected output). */
function expectedTreeValues(L, cover) {
    const mean = new Float64Array(L.feat.length);
    let sum = 0;
    for (let t = 0; t < L.roots.length - 1; t++) {
        const lo = L.roots[t];
        for (let i = L.roots[t + 1] - 1; i >= lo; i--) {
            if (L.feat[i] < 0)
                mean[i] = L.thr[i];
            else {
                const l = L.left[i];
                mean[i] = (mean[l] * cover[l] + mean[l + 1] * cover[l + 1]) / cover[i];
            }
        }
        sum += mean[lo];
    }
    return sum;
}
//# sourceMappingURL=shap-tables.js.map