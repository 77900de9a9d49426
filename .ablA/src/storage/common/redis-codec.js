/**
 * The Redis wire format of both wings, encoded and decoded here only, so that what a writer
 * stores and what a reader (this process, another replica, a dashboard reading the list) expects
 * cannot drift apart.
 *
 * Prediction log:
 *   <key>                list: one JSON record per entry, newest at the head
 * Drift window (keys under a namespace: prefix, model version, fingerprint of the bins):
 *   <ns>c:<bucketStart>  hash: field <slot> = rows in that bin, field `rows` = rows in the bucket
 *   <ns>s:<bucketStart>  sorted set: the bucket's row sample, score = the row's random key,
 *                        member = base64 of [key float64][score float64][m values float32]
 *   <ns>recent           list: base64 of [score float64][m values float32], newest first
 * Numbers are little-endian. Rows travel as float32 (what the predictor reads) so a stored row
 * decodes to the very values it was binned from; NaN (missing, or a masked PII value) survives.
 */
// ----- prediction log -----
/** A prepared (validated, masked, JSON-safe) record as stored in the list. */
export function encodeRecord(record) {
    return JSON.stringify(record);
}
/**
 * A list entry back as a record; undefined for an entry that is not a JSON object (another
 * writer's), which readers skip rather than fail on.
 */
export function decodeRecord(raw) {
    try {
        const value = JSON.parse(raw);
        return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
    }
    catch {
        return undefined;
    }
}
// ----- drift window: keys -----
export function countsKey(namespace, bucketStart) {
    return `${namespace}c:${bucketStart}`;
}
export function sampleKey(namespace, bucketStart) {
    return `${namespace}s:${bucketStart}`;
}
export function recentKey(namespace) {
    return `${namespace}recent`;
}
// ----- drift window: counts hash -----
/** The hash field holding a bucket's number of rows (the other fields are slot numbers). */
export const ROWS_FIELD = 'rows';
/** The hash field of one slot of the baseline's layout. */
export function slotField(slot) {
    return String(slot);
}
/**
 * Adds a bucket's counts hash into `counts` (fields that are not slots of it are ignored, as
 * are values that are not numbers) and returns the bucket's rows.
 * @param hash the HGETALL reply
 * @param counts the window's count vector, one entry per slot
 */
export function addCounts(hash, counts) {
    let rows = 0;
    for (const field of Object.keys(hash)) {
        const value = Number(hash[field]);
        if (!Number.isFinite(value))
            continue;
        if (field === ROWS_FIELD) {
            rows = value;
            continue;
        }
        const slot = Number(field);
        if (Number.isInteger(slot) && slot >= 0 && slot < counts.length)
            counts[slot] += value;
    }
    return rows;
}
// ----- drift window: rows -----
const SAMPLE_HEADER = 16;
const RECENT_HEADER = 8;
/**
 * A sample-set member: the row's sampling key, its score and its values.
 * @param values flat row-major values; the row is values[offset .. offset + m)
 */
export function encodeSampleRow(key, score, values, offset, m) {
    const buf = Buffer.allocUnsafe(SAMPLE_HEADER + 4 * m);
    buf.writeDoubleLE(key, 0);
    buf.writeDoubleLE(score, 8);
    for (let k = 0; k < m; k++)
        buf.writeFloatLE(values[offset + k], SAMPLE_HEADER + 4 * k);
    return buf.toString('base64');
}
/**
 * Decodes a sample-set member into row `at` of the given arrays; false (nothing written) for a
 * member of another shape. The key inside equals the member's score in the set (the same double).
 */
export function decodeSampleRow(raw, m, keys, scores, values, at) {
    const buf = Buffer.from(raw, 'base64');
    if (buf.length !== SAMPLE_HEADER + 4 * m)
        return false;
    keys[at] = buf.readDoubleLE(0);
    scores[at] = buf.readDoubleLE(8);
    for (let k = 0; k < m; k++)
        values[at * m + k] = buf.readFloatLE(SAMPLE_HEADER + 4 * k);
    return true;
}
/** A recent-list item: the row's score and values (values[offset .. offset + m)). */
export function encodeRecentRow(score, values, offset, m) {
    const buf = Buffer.allocUnsafe(RECENT_HEADER + 4 * m);
    buf.writeDoubleLE(score, 0);
    for (let k = 0; k < m; k++)
        buf.writeFloatLE(values[offset + k], RECENT_HEADER + 4 * k);
    return buf.toString('base64');
}
/** Decodes a recent-list item into row `at`; false (nothing written) for an item of another shape. */
export function decodeRecentRow(raw, m, scores, values, at) {
    const buf = Buffer.from(raw, 'base64');
    if (buf.length !== RECENT_HEADER + 4 * m)
        return false;
    scores[at] = buf.readDoubleLE(0);
    for (let k = 0; k < m; k++)
        values[at * m + k] = buf.readFloatLE(RECENT_HEADER + 4 * k);
    return true;
}
//# sourceMappingURL=redis-codec.js.map