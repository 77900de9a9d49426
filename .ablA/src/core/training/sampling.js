/**
 * Which rows and columns one boosting round learns from. Rows: all of them, a Bernoulli share
 * (`subsample`), or gradient-based one-side sampling (GOSS, LightGBM): rows with the largest |g|
 * are kept, a random share of the others is kept with g and h scaled up to stay unbiased.
 * Columns: all features, or a uniform draw of `colsample` of them per tree. Every draw comes from
 * the generator passed in, so a seed gives the same rows and columns every time.
 */
import { sampleSorted } from './random.js';
/** Entries of the GOSS cut histogram: the 16 high bits of a non-negative float32. */
export const GOSS_PREFIX_COUNT = 32768;
/** Non-top rows to pass over before the next one is drawn: geometric with success rate q. */
function geometricSkip(rng, logMiss) {
    return logMiss === -Infinity ? 0 : Math.floor(Math.log(1 - rng.float()) / logMiss);
}
/**
 * Splits rows into the GOSS sample (|g| ≥ cut, or drawn with probability q, the latter with g
 * and h multiplied by `amplify`) and the rest; returns the sample size. Drawing the gap to the
 * next drawn row (geometric) costs one random number per drawn row, not per row.
 */
function gossRows(grad, hess, cut, q, amplify, rng, rows, others) {
    const logMiss = Math.log(1 - q);
    let skip = geometricSkip(rng, logMiss);
    let count = 0;
    let other = 0;
    for (let r = 0; r < grad.length; r++) {
        const g = grad[r];
        if (g >= cut || -g >= cut) {
            rows[count++] = r;
        }
        else if (skip === 0) {
            rows[count++] = r;
            grad[r] = g * amplify;
            hess[r] *= amplify;
            skip = geometricSkip(rng, logMiss);
        }
        else {
            skip--;
            others[other++] = r;
        }
    }
    return count;
}
/** Rows looked at to place the GOSS cut (every k-th row, k = ⌈n / this⌉). */
const GOSS_CUT_SAMPLE = 32768;
const CUT_F32 = new Float32Array(1);
const CUT_BITS = new Int32Array(CUT_F32.buffer);
/** Counts every stride-th row's |g| by the 16 high bits of its float32 pattern (order-preserving for |g| ≥ 0). */
function countAbsPrefixes(grad, stride, counts) {
    counts.fill(0);
    let m = 0;
    for (let r = 0; r < grad.length; r += stride) {
        CUT_F32[0] = Math.abs(grad[r]);
        counts[CUT_BITS[0] >>> 16]++;
        m++;
    }
    return m;
}
/**
 * Picks the rows of one GOSS round: rows whose |g| is in (about) the top `topRate` share, and
 * each other row with probability otherRate / (1 − topRate), its g and h then multiplied by
 * (1 − topRate) / otherRate so that sums stay unbiased. The |g| cut is placed on an evenly
 * spaced sample of rows (a histogram of their float32 bit patterns), so the top share is
 * `topRate` give or take a few tenths of a percent. Returns how many rows were taken (the rest
 * go to `others`).
 */
export function gossSelect(grad, hess, counts, goss, rng, rows, others) {
    const m = countAbsPrefixes(grad, Math.max(1, Math.ceil(grad.length / GOSS_CUT_SAMPLE)), counts);
    const wantTop = Math.ceil(goss.topRate * m);
    let prefix = counts.length - 1;
    let acc = 0;
    for (; prefix > 0; prefix--) {
        acc += counts[prefix];
        if (acc >= wantTop)
            break;
    }
    CUT_BITS[0] = prefix << 16;
    return gossRows(grad, hess, CUT_F32[0], goss.otherRate / (1 - goss.topRate), (1 - goss.topRate) / goss.otherRate, rng, rows, others);
}
/** Bernoulli row sample; returns how many rows were taken (the rest go to `others`). */
export function subsampleRows(n, rate, rng, rows, others) {
    const bound = Math.floor(rate * 4294967296);
    let count = 0;
    let other = 0;
    for (let r = 0; r < n; r++) {
        if (rng.uint32() < bound)
            rows[count++] = r;
        else
            others[other++] = r;
    }
    return count;
}
/** Features drawn per tree for a `colsample` share of `numFeatures`: at least one, at most all. */
export function columnsPerTree(numFeatures, colsample) {
    return Math.max(1, Math.min(numFeatures, Math.floor(colsample * numFeatures + 1e-9)));
}
/** This tree's features, ascending: `all` when `count` covers them, else a uniform draw of `count`. */
export function sampleColumns(all, count, rng) {
    return count < all.length ? sampleSorted(all.length, count, rng) : all;
}
//# sourceMappingURL=sampling.js.map