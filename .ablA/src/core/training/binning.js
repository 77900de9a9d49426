/**
 * Feature binning: every feature value becomes a small integer bin before boosting, so that
 * split search works on per-bin gradient sums (histograms) instead of sorted raw values.
 *
 * Numeric features get quantile bins. The bin edges are float32 data values and a value's bin is
 * the number of edges ≤ it, so "bin < k" is exactly "x < edges[k-1]" for the float32 input the
 * predictor sees: a split found on bins routes every row the same way at inference. A feature
 * with few distinct values gets one bin per value.
 *
 * Categorical features get one bin per frequent category; rare categories (fewer than
 * `minCategoryCount` training rows, or beyond the `maxCategoryBins` cap) share one "other" bin.
 *
 * Every feature has one extra bin for missing values, with index `numValueBins`. `maxBins`
 * counts that missing bin, so with the default 256 a bin index always fits in a byte.
 */
import { sampleSorted } from './random.js';
export const DEFAULT_MAX_BINS = 256;
/** Above this many rows, numeric edges come from a random sample of this size. */
export const DEFAULT_BIN_SAMPLE_ROWS = 200_000;
/** Categories seen on fewer training rows than this go to the shared "other" bin. */
export const DEFAULT_MIN_CATEGORY_COUNT = 10;
/**
 * Bins of a categorical feature, missing and "other" bins included. Larger than the numeric
 * default because merging real categories loses information that no split can recover
 * (merchants, jobs, regions run to hundreds); a feature past 254 categories makes the binned
 * matrix 16-bit.
 */
export const DEFAULT_MAX_CATEGORY_BINS = 1024;
/** Bins per feature, missing-value bin included. */
export function binsOf(b) {
    return b.numValueBins + 1;
}
// ---------------------------------------------------------------------------------------------
// Float32 values as order-preserving int32 keys: integer compares and a radix sort replace float
// compares and a comparison sort (several times faster in V8 on large columns).
const F32 = new Float32Array(1);
const F32_BITS = new Int32Array(F32.buffer);
/** Order-preserving int32 key of float32 bits (-0 is folded onto +0 because -0 === +0). */
function keyOfBits(bits) {
    const b = bits === -2147483648 ? 0 : bits;
    return b ^ ((b >> 31) & 0x7fffffff);
}
function floatOfKey(key) {
    F32_BITS[0] = key ^ ((key >> 31) & 0x7fffffff);
    return F32[0];
}
function isNaNBits(bits) {
    return (bits & 0x7fffffff) > 0x7f800000;
}
/** Sorts keys[0..n) ascending: LSD radix sort, 11 + 11 + 10 bits; `tmp` holds at least n. */
function radixSortInt32(keys, n, tmp) {
    const counts = new Int32Array(3 * 2048);
    for (let i = 0; i < n; i++) {
        const u = keys[i] ^ -2147483648;
        counts[u & 2047]++;
        counts[2048 + ((u >>> 11) & 2047)]++;
        counts[4096 + (u >>> 22)]++;
    }
    let src = keys;
    let dst = tmp;
    for (let pass = 0; pass < 3; pass++) {
        const base = pass * 2048;
        const shift = pass * 11;
        // A pass where every key has the same digit would only copy: skip it.
        let skip = false;
        for (let d = 0; d < 2048; d++) {
            const c = counts[base + d];
            if (c === n)
                skip = true;
            if (c !== 0)
                break;
        }
        if (skip)
            continue;
        let sum = 0;
        for (let d = 0; d < 2048; d++) {
            const c = counts[base + d];
            counts[base + d] = sum;
            sum += c;
        }
        for (let i = 0; i < n; i++) {
            const k = src[i];
            const d = ((k ^ -2147483648) >>> shift) & 2047;
            dst[counts[base + d]++] = k;
        }
        const t = src;
        src = dst;
        dst = t;
    }
    if (src !== keys)
        keys.set(src.subarray(0, n));
}
/**
 * Positions in an ascending array of the values chosen as edges (see {@link quantileEdges}).
 * Works on anything ordered like the values (the int32 keys too).
 */
function quantilePositions(sorted, maxValueBins) {
    const n = sorted.length;
    const out = [];
    if (n === 0 || maxValueBins < 2)
        return out;
    let distinct = 1;
    for (let i = 1; i < n; i++)
        if (sorted[i] !== sorted[i - 1])
            distinct++;
    if (distinct <= maxValueBins) {
        for (let i = 1; i < n; i++)
            if (sorted[i] !== sorted[i - 1])
                out.push(i);
    }
    else {
        let last = sorted[0];
        for (let k = 1; k < maxValueBins; k++) {
            const i = Math.floor((k * n) / maxValueBins);
            if (sorted[i] > last) {
                out.push(i);
                last = sorted[i];
            }
        }
    }
    return out;
}
/**
 * Quantile cut values of an ascending array of (float32, non-missing) values: one bin per
 * distinct value when there are at most `maxValueBins` of them, otherwise the values at ranks
 * ⌊k·n/maxValueBins⌋ for k = 1 … maxValueBins−1, without repeats and without the minimum (which
 * would leave an empty first bin). Every edge is a data value, so each bin starts at a value
 * that occurs.
 *
 * @param sorted ascending values, no NaN
 * @param maxValueBins how many bins the edges may create at most (edges ≤ maxValueBins − 1)
 * @example quantileEdges(Float32Array.of(1, 2, 2, 3), 8) // Float32Array [2, 3]
 */
export function quantileEdges(sorted, maxValueBins) {
    return Float32Array.from(quantilePositions(sorted, maxValueBins), (i) => sorted[i]);
}
function resolvedMaxBins(maxBins, name) {
    if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > 65536)
        throw new RangeError(`${name} must be an integer in [2, 65536], got ${maxBins}`);
    return maxBins;
}
/**
 * Numeric edges of a column (float32-rounded), from the rows in `sample` or all rows.
 *
 * @param values the column, NaN = missing
 * @param sample ascending row indices to use, or null for all rows
 * @param maxValueBins bins for non-missing values
 */
export function numericBinning(values, sample, maxValueBins) {
    const n = sample === null ? values.length : sample.length;
    const f32 = new Float32Array(n);
    if (sample === null)
        f32.set(values);
    else
        for (let k = 0; k < n; k++)
            f32[k] = values[sample[k]];
    const bits = new Int32Array(f32.buffer);
    const keys = new Int32Array(n);
    let m = 0;
    for (let k = 0; k < n; k++) {
        const b = bits[k];
        if (!isNaNBits(b))
            keys[m++] = keyOfBits(b);
    }
    if (m === 0 && sample !== null)
        return numericBinning(values, null, maxValueBins);
    const sorted = keys.subarray(0, m);
    radixSortInt32(sorted, m, new Int32Array(m));
    const edges = Float32Array.from(quantilePositions(sorted, maxValueBins), (i) => floatOfKey(sorted[i]));
    return { kind: 'numeric', edges, numValueBins: edges.length + 1 };
}
/**
 * Category bins: own bins for the most frequent categories having at least `minCount` rows, one
 * shared "other" bin for the rest (rare, beyond the cap, or absent from training).
 *
 * @param codes category code per row, -1 = missing
 * @param numCategories number of known categories (codes are below it)
 * @param maxValueBins bins for non-missing values
 * @param minCount rows a category needs for its own bin
 * @example categoricalBinning(Int32Array.of(0, 0, 1, 2, 2, 2), 3, 8, 2).codeToBin // [0, 2, 1]
 */
export function categoricalBinning(codes, numCategories, maxValueBins, minCount) {
    const counts = new Float64Array(numCategories);
    for (let i = 0; i < codes.length; i++) {
        const c = codes[i];
        if (c >= 0)
            counts[c]++;
    }
    const frequent = [];
    for (let c = 0; c < numCategories; c++)
        if (counts[c] >= Math.max(1, minCount))
            frequent.push(c);
    const needOther = frequent.length < numCategories;
    const capacity = Math.max(0, needOther || frequent.length > maxValueBins ? maxValueBins - 1 : maxValueBins);
    // Most frequent first (ties: lower code), then keep the kept ones in code order so bins read naturally.
    frequent.sort((a, b) => counts[b] - counts[a] || a - b);
    const own = frequent.slice(0, capacity).sort((a, b) => a - b);
    const hasOther = own.length < numCategories;
    const otherBin = hasOther ? own.length : -1;
    const numValueBins = Math.max(1, own.length + (hasOther ? 1 : 0));
    const codeToBin = new Int32Array(numCategories).fill(otherBin);
    own.forEach((c, bin) => {
        codeToBin[c] = bin;
    });
    const lists = Array.from({ length: numValueBins }, () => []);
    for (let c = 0; c < numCategories; c++)
        lists[codeToBin[c]].push(c);
    return { kind: 'categorical', numValueBins, codeToBin, binCodes: lists.map((l) => Int32Array.from(l)), otherBin };
}
/**
 * Learns the binning of every feature from training data.
 *
 * @param columns feature values of the training rows
 * @param options bin count, sample size, rare-category threshold
 * @param rng draws the row sample for numeric edges when there are more rows than `sampleRows`
 */
export function fitBinnings(columns, options, rng) {
    const maxValueBins = resolvedMaxBins(options.maxBins ?? DEFAULT_MAX_BINS, 'maxBins') - 1;
    const maxCategoryValueBins = resolvedMaxBins(options.maxCategoryBins ?? DEFAULT_MAX_CATEGORY_BINS, 'maxCategoryBins') - 1;
    const sampleRows = options.sampleRows ?? DEFAULT_BIN_SAMPLE_ROWS;
    const minCount = options.minCategoryCount ?? DEFAULT_MIN_CATEGORY_COUNT;
    const numRows = columns.length > 0 ? (columns[0].kind === 'numeric' ? columns[0].values.length : columns[0].codes.length) : 0;
    // One sample shared by all features: the edges then describe the same rows.
    const sample = numRows > sampleRows ? sampleSorted(numRows, sampleRows, rng) : null;
    return columns.map((col) => col.kind === 'numeric'
        ? numericBinning(col.values, sample, maxValueBins)
        : categoricalBinning(col.codes, col.numCategories, maxCategoryValueBins, minCount));
}
/** Bin of one float32-representable value for a numeric binning (used by tests and small inputs). */
export function numericBin(binning, x) {
    if (Number.isNaN(x))
        return binning.numValueBins;
    const v = Math.fround(x);
    const e = binning.edges;
    let lo = 0;
    let hi = e.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (e[mid] <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
/**
 * Writes the bins of a numeric column into `out[offset … offset + n)`. A lookup table on the top
 * 16 bits of each value's key narrows the edge search to the few edges sharing them, so most
 * values need no search step at all.
 */
function binNumericInto(values, binning, out, offset, f32, bucket) {
    const n = values.length;
    const numEdges = binning.edges.length;
    const edgeKeys = new Int32Array(numEdges);
    const eb = new Int32Array(binning.edges.buffer, binning.edges.byteOffset, numEdges);
    for (let k = 0; k < numEdges; k++)
        edgeKeys[k] = keyOfBits(eb[k]);
    // bucket[b] = number of edges whose key is below the first key of bucket b.
    let p = 0;
    for (let b = 0; b < 65536; b++) {
        const first = (b - 32768) * 65536;
        while (p < numEdges && edgeKeys[p] < first)
            p++;
        bucket[b] = p;
    }
    bucket[65536] = numEdges;
    const cur = f32.subarray(0, n);
    cur.set(values);
    const bits = new Int32Array(cur.buffer, cur.byteOffset, n);
    const missing = binning.numValueBins;
    for (let i = 0; i < n; i++) {
        const b = bits[i];
        if ((b & 0x7fffffff) > 0x7f800000) {
            out[offset + i] = missing;
            continue;
        }
        const key = b === -2147483648 ? 0 : b ^ ((b >> 31) & 0x7fffffff);
        const slot = (key >> 16) + 32768;
        let lo = bucket[slot];
        let hi = bucket[slot + 1];
        while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (edgeKeys[mid] <= key)
                lo = mid + 1;
            else
                hi = mid;
        }
        out[offset + i] = lo;
    }
}
function binCategoricalInto(codes, binning, out, offset) {
    const missing = binning.numValueBins;
    const map = binning.codeToBin;
    const known = map.length;
    for (let i = 0; i < codes.length; i++) {
        const c = codes[i];
        // Codes the binning does not know behave like missing values (as unknown categories do at inference).
        out[offset + i] = c >= 0 && c < known ? map[c] : missing;
    }
}
/**
 * Applies learned binnings to feature columns (training or validation rows).
 *
 * @param columns one entry per feature, all of the same length
 * @param binnings from {@link fitBinnings}, same feature order
 * @example const binned = binColumns(cols, fitBinnings(cols, {}, new Rng(0)));
 */
export function binColumns(columns, binnings) {
    const numFeatures = columns.length;
    const numRows = numFeatures > 0 ? (columns[0].kind === 'numeric' ? columns[0].values.length : columns[0].codes.length) : 0;
    const offsets = new Int32Array(numFeatures + 1);
    let widest = 0;
    for (let f = 0; f < numFeatures; f++) {
        offsets[f + 1] = offsets[f] + binsOf(binnings[f]);
        widest = Math.max(widest, binsOf(binnings[f]));
    }
    const data = widest <= 256 ? new Uint8Array(numFeatures * numRows) : new Uint16Array(numFeatures * numRows);
    const f32 = new Float32Array(numRows);
    const bucket = new Int32Array(65537);
    for (let f = 0; f < numFeatures; f++) {
        const col = columns[f];
        const b = binnings[f];
        if (col.kind === 'numeric' && b.kind === 'numeric')
            binNumericInto(col.values, b, data, f * numRows, f32, bucket);
        else if (col.kind === 'categorical' && b.kind === 'categorical')
            binCategoricalInto(col.codes, b, data, f * numRows);
        else
            throw new TypeError(`feature ${f}: a ${col.kind} column cannot use a ${b.kind} binning`);
    }
    return { numRows, numFeatures, data, binnings: [...binnings], offsets, totalBins: offsets[numFeatures] };
}
//# sourceMappingURL=binning.js.map