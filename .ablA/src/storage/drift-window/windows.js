/**
 * The windows a drift report can cover, as the CLI and the HTTP API name them, and how time is
 * cut into buckets:
 *   - by time ('15m', '1h', '24h', or any duration up to the retention): the buckets overlapping
 *     [now - duration, now]; buckets are aligned on multiples of `bucketMs` since the epoch, so a
 *     window covers between `duration` and `duration + bucketMs` of traffic;
 *   - by count ('500'): the newest rows, at most `recentSize` of them.
 */
import { FraudlensError } from '../../core/errors.js';
/** The named time windows. */
export const TIME_WINDOWS = Object.freeze({ '15m': 15 * 60_000, '1h': 60 * 60_000, '24h': 24 * 60 * 60_000 });
/** Largest count window a request may ask for (the stores hold at most `recentSize` rows anyway). */
export const MAX_COUNT_WINDOW = 1_000_000;
/**
 * Parses a window as the CLI and the HTTP API spell it: '15m', '1h' or '24h' for time windows,
 * a positive integer (e.g. '500') for the newest rows.
 * @param text the window's name
 * @example parseWindowSpec('1h') // { type: 'time', durationMs: 3_600_000 }
 */
export function parseWindowSpec(text) {
    if (Object.prototype.hasOwnProperty.call(TIME_WINDOWS, text))
        return { type: 'time', durationMs: TIME_WINDOWS[text] };
    if (/^[1-9][0-9]{0,6}$/.test(text)) {
        const rows = Number(text);
        if (rows <= MAX_COUNT_WINDOW)
            return { type: 'count', rows };
    }
    throw new FraudlensError('INPUT_INVALID', `Unknown drift window "${text}"; use 15m, 1h, 24h or a number of recent predictions (1 to ${MAX_COUNT_WINDOW}).`, { field: 'window' });
}
/** Start of the bucket holding time t (buckets aligned on multiples of bucketMs since the epoch). */
export function bucketStart(t, bucketMs) {
    return t - (((t % bucketMs) + bucketMs) % bucketMs);
}
/** The bucket starts a time window covers, oldest first: the buckets overlapping [now - duration, now]. */
export function bucketsInWindow(durationMs, nowMs, bucketMs) {
    const first = bucketStart(nowMs - durationMs, bucketMs);
    const last = bucketStart(nowMs, bucketMs);
    const out = [];
    for (let s = first; s <= last; s += bucketMs)
        out.push(s);
    return out;
}
/**
 * Checks a window against a store's limits (INPUT_INVALID, so the HTTP layer answers 400).
 * @param spec the requested window
 * @param retentionMs the store's retention
 */
export function checkWindowSpec(spec, retentionMs) {
    if (spec === null || typeof spec !== 'object')
        throw new FraudlensError('INPUT_INVALID', 'A drift window must be a time or count window.', { field: 'window' });
    if (spec.type === 'time') {
        if (!Number.isSafeInteger(spec.durationMs) || spec.durationMs < 1 || spec.durationMs > retentionMs) {
            throw new FraudlensError('INPUT_INVALID', `A time window must last from 1 ms to the retention (${retentionMs} ms), got ${String(spec.durationMs)}.`, { field: 'window' });
        }
    }
    else if (spec.type === 'count') {
        if (!Number.isSafeInteger(spec.rows) || spec.rows < 1 || spec.rows > MAX_COUNT_WINDOW) {
            throw new FraudlensError('INPUT_INVALID', `A count window must hold from 1 to ${MAX_COUNT_WINDOW} rows, got ${String(spec.rows)}.`, { field: 'window' });
        }
    }
    else {
        throw new FraudlensError('INPUT_INVALID', `Unknown drift window type "${String(spec.type)}".`, {
            field: 'window',
        });
    }
}
//# sourceMappingURL=windows.js.map