/**
 * Best-split search over one node's histogram, with XGBoost's second-order objective:
 *
 *   score(G, H) = G² / (H + λ)          leaf weight w = −G / (H + λ)
 *   gain = score(left) + score(right) − score(parent)
 *
 * (no ½ factor, as in XGBoost, so `gamma` means the same here as XGBoost's `min_split_loss`).
 * A split is kept when its gain exceeds both `gamma` and a tiny epsilon, and both children carry
 * at least `minChildWeight` hessian.
 *
 * Missing values: every numeric threshold is tried with the missing-value rows on the left and
 * on the right, and the better side becomes the node's default direction (XGBoost's "sparsity
 * aware" search). When the node has no missing rows the default follows the heavier child.
 *
 * Categorical features: the categories present in the node are sorted by G / (H + λ) (0 for a
 * category lighter than `minChildWeight`) and every cut of that order is tried (the optimal
 * binary partition for this objective is one of those cuts, as used by LightGBM and XGBoost).
 * The smaller side becomes the set stored in the model, the set of categories that go right.
 */
import { HESS_BITS } from './histogram.js';
/** Below this a gain is rounding noise, not a split (XGBoost uses the same 1e-6). */
export const MIN_SPLIT_GAIN = 1e-6;
/** Default cap on the number of categories on the smaller side of a categorical split. */
export const DEFAULT_MAX_CAT_THRESHOLD = 64;
const SHIFT = 2 ** HESS_BITS;
const INV_SHIFT = 1 / SHIFT;
/**
 * Optimal leaf weight for gradient sum G and hessian sum H.
 *
 * @example leafWeight(-4, 3, 1) // 1
 */
export function leafWeight(G, H, lambda) {
    return -G / (H + lambda);
}
/**
 * Loss reduction of splitting a node into (GL, HL) and (GR, HR).
 *
 * @example splitGain(-4, 3, 2, 2, 1) // 16/4 + 4/3 − 4/6 = 4.6667
 */
export function splitGain(GL, HL, GR, HR, lambda) {
    const G = GL + GR;
    const H = HL + HR;
    return (GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda) - (G * G) / (H + lambda);
}
/** The best split of a node, written by {@link SplitFinder.find}. */
export class SplitResult {
    gain = 0;
    feature = -1;
    /** Numeric: rows with value bin < `bin` go left. */
    bin = 0;
    defaultLeft = true;
    categorical = false;
    /** Categorical: 1 for each value bin whose rows go right (length ≥ the feature's bins). */
    rightBins;
    /** Packed quantised gradient sums of the left child (the right child's is parent − left). */
    leftPacked = 0;
    constructor(maxBins) {
        this.rightBins = new Uint8Array(maxBins);
    }
}
export class SplitFinder {
    binned;
    params;
    order;
    keyOfBin;
    byKey;
    widest;
    /**
     * @param binned the training matrix (for bin counts and offsets)
     * @param params regularisation and constraints
     */
    constructor(binned, params) {
        this.binned = binned;
        this.params = params;
        let widest = 1;
        for (let f = 0; f < binned.numFeatures; f++)
            widest = Math.max(widest, binned.offsets[f + 1] - binned.offsets[f]);
        this.widest = widest;
        this.order = new Int32Array(widest);
        this.keyOfBin = new Float64Array(widest);
        // Ties broken by bin so that the order, and the model, never depend on the sort algorithm.
        this.byKey = (a, b) => this.keyOfBin[a] - this.keyOfBin[b] || a - b;
    }
    /** Sorts order[0 … m) by key: insertion sort for the usual few categories, the library sort beyond. */
    sortByKey(m) {
        const order = this.order;
        const key = this.keyOfBin;
        if (m > 32) {
            order.subarray(0, m).sort(this.byKey);
            return;
        }
        for (let i = 1; i < m; i++) {
            const b = order[i];
            const k = key[b];
            let p = i;
            while (p > 0 && (key[order[p - 1]] > k || (key[order[p - 1]] === k && order[p - 1] > b))) {
                order[p] = order[p - 1];
                p--;
            }
            order[p] = b;
        }
    }
    /** A result object sized for this matrix. */
    newResult() {
        return new SplitResult(this.widest);
    }
    /**
     * Finds the best split of a node.
     *
     * @param hist the node's histogram (packed sums)
     * @param features candidate features
     * @param numActive how many entries of `features` to use
     * @param total the node's packed gradient total
     * @param scales the round's quantisation scales
     * @param out receives the best split
     * @returns whether a split passing every constraint exists
     */
    find(hist, features, numActive, total, scales, out) {
        out.gain = 0;
        out.feature = -1;
        const { lambda, gamma } = this.params;
        const totalGq = Math.floor(total * INV_SHIFT);
        const totalHq = total - totalGq * SHIFT;
        const G = totalGq / scales.grad;
        const H = totalHq / scales.hess;
        const parentScore = (G * G) / (H + lambda);
        const minGain = Math.max(gamma, MIN_SPLIT_GAIN);
        let best = minGain;
        for (let j = 0; j < numActive; j++) {
            const f = features[j];
            const gain = this.binned.binnings[f].kind === 'numeric'
                ? this.numeric(hist, f, total, parentScore, scales, best, out)
                : this.categorical(hist, f, total, parentScore, scales, best, out);
            if (gain > best)
                best = gain;
        }
        if (out.feature < 0)
            return false;
        out.gain = best;
        return true;
    }
    /** Scans one numeric feature; updates `out` and returns the best gain when it beats `best`. */
    numeric(hist, f, total, parentScore, scales, best, out) {
        const o = this.binned.offsets[f];
        const nv = this.binned.binnings[f].numValueBins;
        const lambda = this.params.lambda;
        const gs = 1 / scales.grad;
        const hs = 1 / scales.hess;
        const mcwQ = this.params.minChildWeight * scales.hess;
        const totalGq = Math.floor(total * INV_SHIFT);
        const totalHq = total - totalGq * SHIFT;
        const miss = hist[o + nv];
        const startBest = best;
        // Two passes: missing rows right (pass 0), then left (pass 1, only if the node has any).
        for (let pass = 0; pass < 2; pass++) {
            if (pass === 1 && miss === 0)
                break;
            const extra = pass === 1 ? miss : 0;
            // With missing rows going right, "all values left" is a real split too (k = nv).
            const lastK = pass === 0 && miss !== 0 ? nv : nv - 1;
            let acc = 0;
            for (let k = 1; k <= lastK; k++) {
                const v = hist[o + k - 1];
                acc += v;
                if (v === 0)
                    continue;
                const left = acc + extra;
                const lgq = Math.floor(left * INV_SHIFT);
                const lhq = left - lgq * SHIFT;
                const rhq = totalHq - lhq;
                // A side without hessian would get an infinite weight when λ = 0.
                if (lhq < mcwQ || rhq < mcwQ || lhq === 0 || rhq === 0)
                    continue;
                const GL = lgq * gs;
                const HL = lhq * hs;
                const GR = (totalGq - lgq) * gs;
                const HR = rhq * hs;
                const gain = (GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda) - parentScore;
                if (gain > best) {
                    best = gain;
                    out.feature = f;
                    out.categorical = false;
                    out.bin = k;
                    out.leftPacked = left;
                    // With no missing rows in the node, missing values at inference follow the heavier child.
                    out.defaultLeft = miss === 0 ? lhq >= rhq : pass === 1;
                }
            }
        }
        return best > startBest ? best : -Infinity;
    }
    /** Scans one categorical feature over cuts of its categories sorted by G / (H + λ). */
    categorical(hist, f, total, parentScore, scales, best, out) {
        const o = this.binned.offsets[f];
        const nv = this.binned.binnings[f].numValueBins;
        const { lambda, maxCatThreshold } = this.params;
        const gs = 1 / scales.grad;
        const hs = 1 / scales.hess;
        const mcwQ = this.params.minChildWeight * scales.hess;
        const totalGq = Math.floor(total * INV_SHIFT);
        const totalHq = total - totalGq * SHIFT;
        const miss = hist[o + nv];
        const order = this.order;
        const keyOfBin = this.keyOfBin;
        let m = 0;
        for (let b = 0; b < nv; b++) {
            const v = hist[o + b];
            if (v === 0)
                continue;
            const gq = Math.floor(v * INV_SHIFT);
            const hq = v - gq * SHIFT;
            // A category too light to be a child on its own gets the neutral key 0, as in XGBoost:
            // otherwise a category holding one fraud would sort to the end and be split off alone.
            keyOfBin[b] = hq < mcwQ ? 0 : (gq * gs) / (hq * hs + lambda);
            order[m++] = b;
        }
        this.sortByKey(m);
        if (m === 0 || (m === 1 && miss === 0))
            return -Infinity;
        const startBest = best;
        let bestK = -1;
        let bestMissWithPrefix = false;
        let bestLeft = 0;
        // Prefix order[0 … k) against the rest; missing rows tried with either side.
        let acc = 0;
        for (let k = 1; k <= m; k++) {
            acc += hist[o + order[k - 1]];
            const smaller = Math.min(k, m - k);
            if (k < m && smaller > maxCatThreshold)
                continue;
            for (let withPrefix = 0; withPrefix < 2; withPrefix++) {
                if (withPrefix === 1 && miss === 0)
                    break;
                // k = m puts every category on one side: only a split when missing rows are on the other.
                if (k === m && (withPrefix === 1 || miss === 0))
                    continue;
                const left = withPrefix === 1 ? acc + miss : acc;
                const lgq = Math.floor(left * INV_SHIFT);
                const lhq = left - lgq * SHIFT;
                const rhq = totalHq - lhq;
                // A side without hessian would get an infinite weight when λ = 0.
                if (lhq < mcwQ || rhq < mcwQ || lhq === 0 || rhq === 0)
                    continue;
                const GL = lgq * gs;
                const HL = lhq * hs;
                const GR = (totalGq - lgq) * gs;
                const HR = rhq * hs;
                const gain = (GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda) - parentScore;
                if (gain > best) {
                    best = gain;
                    bestK = k;
                    bestMissWithPrefix = withPrefix === 1;
                    bestLeft = left;
                }
            }
        }
        if (bestK < 0)
            return -Infinity;
        // Store the smaller side as the set that goes right.
        const rightIsPrefix = bestK <= m - bestK;
        const mask = out.rightBins;
        mask.fill(0, 0, nv + 1);
        if (rightIsPrefix)
            for (let i = 0; i < bestK; i++)
                mask[order[i]] = 1;
        else
            for (let i = bestK; i < m; i++)
                mask[order[i]] = 1;
        const prefixHq = bestLeft - Math.floor(bestLeft * INV_SHIFT) * SHIFT;
        const prefixIsHeavier = prefixHq >= totalHq - prefixHq;
        out.feature = f;
        out.categorical = true;
        out.bin = 0;
        if (rightIsPrefix) {
            out.leftPacked = total - bestLeft;
            out.defaultLeft = miss === 0 ? !prefixIsHeavier : !bestMissWithPrefix;
        }
        else {
            out.leftPacked = bestLeft;
            out.defaultLeft = miss === 0 ? prefixIsHeavier : bestMissWithPrefix;
        }
        return best > startBest ? best : -Infinity;
    }
}
//# sourceMappingURL=split.js.map