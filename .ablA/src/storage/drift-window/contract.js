/**
 * The drift-window contract. Every scored transaction is handed to a `DriftWindowStore`, which
 * keeps what the drift report needs about recent traffic: counts on the baseline's bins per time
 * bucket, a bounded uniform sample of rows per bucket, and the newest rows for count-based
 * windows. The backends (memory, redis) differ only in where that state lives; one conformance
 * suite holds them to the same behaviour.
 *
 * As with the prediction log, recording can never hurt the request path: `update` is
 * synchronous, never throws and never waits on I/O; rows that cannot be recorded are counted.
 * What a window is (by time or by count) and how time is cut into buckets: windows.ts.
 */
import { randomInt } from 'node:crypto';
import { FraudlensError } from '../../core/errors.js';
import { TIME_WINDOWS } from './windows.js';
export const DEFAULT_BUCKET_MS = 5 * 60_000;
export const DEFAULT_RETENTION_MS = TIME_WINDOWS['24h'];
export const DEFAULT_BUCKET_SAMPLE_SIZE = 250;
export const DEFAULT_RECENT_SIZE = 5000;
/** Upper bounds that keep one store's memory bounded whatever the configuration says. */
const MAX_BUCKETS = 10_000;
const MAX_SAMPLE = 100_000;
function integerOption(name, value, fallback, min, max) {
    if (value === undefined)
        return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
        throw new FraudlensError('CONFIG_INVALID', `Drift window option ${name} must be an integer from ${min} to ${max}, got ${String(value)}.`, { field: name });
    }
    return value;
}
/**
 * Validates the options once, when a store is created (CONFIG_INVALID naming the option).
 * @param options the options given
 * @param baseline the baseline, whose reservoir size is the default window sample size
 */
export function resolveDriftWindowOptions(options, baseline) {
    const bucketMs = integerOption('bucketMs', options.bucketMs, DEFAULT_BUCKET_MS, 1, DEFAULT_RETENTION_MS * 7);
    const retentionMs = integerOption('retentionMs', options.retentionMs, DEFAULT_RETENTION_MS, bucketMs, bucketMs * MAX_BUCKETS);
    return {
        bucketMs,
        retentionMs,
        bucketSampleSize: integerOption('bucketSampleSize', options.bucketSampleSize, DEFAULT_BUCKET_SAMPLE_SIZE, 0, MAX_SAMPLE),
        recentSize: integerOption('recentSize', options.recentSize, DEFAULT_RECENT_SIZE, 1, MAX_SAMPLE),
        sampleSize: integerOption('sampleSize', options.sampleSize, baseline.options.reservoir_size, 0, MAX_SAMPLE),
        seed: integerOption('seed', options.seed, randomInt(0, 2 ** 47), Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
        maskedColumns: maskedColumns(options.maskedFeatures, baseline),
    };
}
function maskedColumns(names, baseline) {
    if (names === undefined)
        return [];
    const columns = new Set();
    for (const name of names) {
        const j = baseline.features.findIndex((f) => f.name === name);
        if (j < 0)
            throw new FraudlensError('CONFIG_INVALID', `Drift window option maskedFeatures names "${name}", which is not a feature of the baseline.`, { field: 'maskedFeatures' });
        columns.add(j);
    }
    return [...columns].sort((a, b) => a - b);
}
/** A row the stores accept: an array or typed array of the right length, a probability as score. */
export function isValidUpdate(row, score, timeMs, numFeatures) {
    return ((Array.isArray(row) || ArrayBuffer.isView(row)) &&
        row.length === numFeatures &&
        score >= 0 &&
        score <= 1 &&
        Number.isFinite(timeMs));
}
//# sourceMappingURL=contract.js.map