/**
 * What a window keeps of its rows' raw values: a bounded uniform sample, for the tests that run
 * on values rather than on bins (KS, Wasserstein). Time buckets keep bottom-k samples
 * (BottomKSample), which merge exactly across buckets and processes (mergeSamples); a block of
 * rows is sampled without replacement when read (sampleRows).
 */
import { FraudlensError } from '../errors.js';
/** A sample with no rows. */
export function emptySample(numFeatures) {
    return { size: 0, numFeatures, values: new Float32Array(0), scores: new Float64Array(0) };
}
/**
 * A bounded uniform sample of a stream of rows by bottom-k sampling: every row gets a uniform
 * random key and the `capacity` rows with the smallest keys are kept (a max-heap on keys finds
 * the one to evict). Unlike a classic reservoir it merges exactly: the k smallest keys of a
 * union of streams are among the k smallest of each, which is what lets time buckets, and
 * several processes writing to Redis, be combined into one uniform sample (mergeSamples).
 * Cost per row: one comparison when the key is rejected, O(log capacity) when it is kept.
 */
export class BottomKSample {
    capacity;
    numFeatures;
    /** Rows kept. */
    size = 0;
    /** Rows offered since creation (or the last clear). */
    seen = 0;
    /** Key, values and score of each storage slot. */
    keys;
    values;
    scores;
    /** heap[p] = storage slot at heap position p; the largest key sits at position 0. */
    heap;
    /**
     * @param capacity rows kept at most (0 keeps none)
     * @param numFeatures values per row
     */
    constructor(capacity, numFeatures) {
        if (!Number.isSafeInteger(capacity) || capacity < 0)
            throw new FraudlensError('INPUT_INVALID', `Sample capacity must be a non-negative integer, got ${capacity}.`);
        this.capacity = capacity;
        this.numFeatures = numFeatures;
        this.keys = new Float64Array(capacity);
        this.values = new Float32Array(capacity * numFeatures);
        this.scores = new Float64Array(capacity);
        this.heap = new Int32Array(capacity);
    }
    /** The key a new row must be below to be kept: Infinity until the sample is full. */
    threshold() {
        return this.size < this.capacity ? Infinity : this.capacity === 0 ? -Infinity : this.keys[this.heap[0]];
    }
    /**
     * Offers one row with its random key; returns whether it was kept.
     * @param key uniform in [0, 1), drawn independently for each row
     * @param row numFeatures values (copied)
     * @param score the row's score
     */
    offer(key, row, score) {
        this.seen++;
        let slot;
        if (this.size < this.capacity) {
            slot = this.size;
            this.heap[this.size] = slot;
            this.keys[slot] = key;
            this.siftUp(this.size);
            this.size++;
        }
        else {
            if (this.capacity === 0)
                return false;
            slot = this.heap[0];
            if (!(key < this.keys[slot]))
                return false;
            this.keys[slot] = key;
            this.siftDown(0);
        }
        const m = this.numFeatures;
        const base = slot * m;
        for (let k = 0; k < m; k++)
            this.values[base + k] = row[k];
        this.scores[slot] = score;
        return true;
    }
    /** Forgets every row. */
    clear() {
        this.size = 0;
        this.seen = 0;
    }
    siftUp(p) {
        const heap = this.heap;
        const keys = this.keys;
        const slot = heap[p];
        const key = keys[slot];
        while (p > 0) {
            const parent = (p - 1) >> 1;
            if (keys[heap[parent]] >= key)
                break;
            heap[p] = heap[parent];
            p = parent;
        }
        heap[p] = slot;
    }
    siftDown(p) {
        const heap = this.heap;
        const keys = this.keys;
        const n = this.size;
        const slot = heap[p];
        const key = keys[slot];
        for (;;) {
            let child = 2 * p + 1;
            if (child >= n)
                break;
            if (child + 1 < n && keys[heap[child + 1]] > keys[heap[child]])
                child++;
            if (keys[heap[child]] <= key)
                break;
            heap[p] = heap[child];
            p = child;
        }
        heap[p] = slot;
    }
}
/**
 * Merges bottom-k samples of disjoint row sets into one sample of at most `maxSize` rows.
 * Every row of a part with key <= tau is available, where tau is the smallest "largest kept key"
 * of the saturated parts (or unbounded when none is); the result is the `maxSize` smallest keys
 * among those rows. When `maxSize` does not exceed any part's capacity this is exactly the
 * bottom-k sample of the union; otherwise it is the bottom-j sample for the largest j the parts
 * can vouch for (all rows below tau), so possibly fewer than `maxSize` rows.
 * @param parts samples of disjoint sets of rows (e.g. time buckets)
 * @param numFeatures values per row
 * @param maxSize rows wanted
 */
export function mergeSamples(parts, numFeatures, maxSize) {
    let tau = Infinity;
    let total = 0;
    for (const p of parts) {
        total += p.size;
        if (!p.saturated)
            continue;
        let largest = -Infinity;
        for (let i = 0; i < p.size; i++)
            if (p.keys[i] > largest)
                largest = p.keys[i];
        if (largest < tau)
            tau = largest;
    }
    const partOf = new Int32Array(total);
    const indexIn = new Int32Array(total);
    const keyOf = new Float64Array(total);
    let n = 0;
    parts.forEach((p, pi) => {
        for (let i = 0; i < p.size; i++) {
            if (p.keys[i] <= tau) {
                partOf[n] = pi;
                indexIn[n] = i;
                keyOf[n] = p.keys[i];
                n++;
            }
        }
    });
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++)
        order[i] = i;
    order.sort((a, b) => keyOf[a] - keyOf[b]);
    const size = Math.min(n, Math.max(0, maxSize));
    const m = numFeatures;
    const values = new Float32Array(size * m);
    const scores = new Float64Array(size);
    for (let r = 0; r < size; r++) {
        const c = order[r];
        const p = parts[partOf[c]];
        const i = indexIn[c];
        for (let k = 0; k < m; k++)
            values[r * m + k] = p.values[i * m + k];
        scores[r] = p.scores[i];
    }
    return { size, numFeatures: m, values, scores };
}
/** A bottom-k sample as a merge part. */
export function sampleAsPart(s) {
    return { size: s.size, keys: s.keys, values: s.values, scores: s.scores, saturated: s.seen > s.size };
}
/**
 * A uniform sample without replacement of `size` rows out of `rows` (all of them when there are
 * no more than `size`), by a partial Fisher-Yates shuffle of row indices.
 * @param values rows * numFeatures values, row-major
 * @param scores one score per row
 * @param rows rows available
 * @param numFeatures values per row
 * @param size rows wanted
 * @param rng the seeded generator
 */
export function sampleRows(values, scores, rows, numFeatures, size, rng) {
    const m = numFeatures;
    const take = Math.max(0, Math.min(rows, size));
    const index = new Int32Array(rows);
    for (let i = 0; i < rows; i++)
        index[i] = i;
    if (take < rows) {
        for (let i = 0; i < take; i++) {
            const j = i + rng.below(rows - i);
            const t = index[i];
            index[i] = index[j];
            index[j] = t;
        }
    }
    const out = new Float32Array(take * m);
    const outScores = new Float64Array(take);
    for (let r = 0; r < take; r++) {
        const i = index[r];
        for (let k = 0; k < m; k++)
            out[r * m + k] = values[i * m + k];
        outScores[r] = scores[i];
    }
    return { size: take, numFeatures: m, values: out, scores: outScores };
}
//# sourceMappingURL=window-sample.js.map