/**
 * Event times and dates as seconds since the Unix epoch (UTC), and wall-clock hour and weekday in
 * a time zone. Zone offsets come from Intl (the IANA database shipped with Node) and are cached per
 * quarter hour: every zone's offset changes only on a quarter-hour boundary, and replayed events
 * arrive in time order, so the cache almost always hits.
 */
const SECONDS_PER_DAY = 86_400;
/** Offsets are constant within a quarter hour in every IANA zone. */
const OFFSET_BUCKET_SECONDS = 900;
const OFFSET_CACHE_SIZE = 1024;
/** Seconds from UTC to wall-clock time in one zone, cached. */
export class ZoneClock {
    zone;
    utc;
    format;
    cacheKeys = new Float64Array(OFFSET_CACHE_SIZE).fill(NaN);
    cacheOffsets = new Float64Array(OFFSET_CACHE_SIZE);
    constructor(zone) {
        this.zone = zone;
        this.utc = zone === 'UTC' || zone === 'Etc/UTC';
        this.format = this.utc
            ? undefined
            : new Intl.DateTimeFormat('en-US', {
                timeZone: zone,
                hourCycle: 'h23',
                year: 'numeric',
                month: 'numeric',
                day: 'numeric',
                hour: 'numeric',
                minute: 'numeric',
                second: 'numeric',
            });
    }
    /** Wall-clock time minus UTC, in seconds, at the instant `t` (seconds since the epoch). */
    offsetAt(t) {
        if (this.utc)
            return 0;
        const bucket = Math.floor(t / OFFSET_BUCKET_SECONDS);
        const slot = ((bucket % OFFSET_CACHE_SIZE) + OFFSET_CACHE_SIZE) % OFFSET_CACHE_SIZE;
        if (this.cacheKeys[slot] === bucket)
            return this.cacheOffsets[slot];
        const at = bucket * OFFSET_BUCKET_SECONDS;
        const parts = {};
        for (const p of this.format.formatToParts(new Date(at * 1000)))
            if (p.type !== 'literal')
                parts[p.type] = Number(p.value);
        const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) / 1000;
        const offset = wall - at;
        this.cacheKeys[slot] = bucket;
        this.cacheOffsets[slot] = offset;
        return offset;
    }
    /** The UTC instant of a wall-clock time given as seconds (a wall time in a DST gap or overlap takes the offset before the change). */
    fromWall(wall) {
        if (this.utc)
            return wall;
        const first = wall - this.offsetAt(wall);
        return wall - this.offsetAt(first);
    }
    /** 0..23 in this zone. */
    hourOfDay(t) {
        const local = t + this.offsetAt(t);
        const h = Math.floor(local / 3600) % 24;
        return h < 0 ? h + 24 : h;
    }
    /** 0 = Monday .. 6 = Sunday in this zone (1970-01-01 was a Thursday). */
    dayOfWeek(t) {
        const local = t + this.offsetAt(t);
        const d = (Math.floor(local / SECONDS_PER_DAY) + 3) % 7;
        return d < 0 ? d + 7 : d;
    }
}
function digits(s, from, count) {
    let v = 0;
    for (let i = from; i < from + count; i++) {
        const c = s.charCodeAt(i) - 48;
        if (c < 0 || c > 9)
            return NaN;
        v = v * 10 + c;
    }
    return v;
}
/** Wall-clock seconds of 'YYYY-MM-DD' (at midnight), or NaN. */
export function parseDateWall(s) {
    if (s.length !== 10 || s[4] !== '-' || s[7] !== '-')
        return NaN;
    const y = digits(s, 0, 4);
    const mo = digits(s, 5, 2);
    const d = digits(s, 8, 2);
    if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31))
        return NaN;
    const ms = Date.UTC(y, mo - 1, d);
    // Date.UTC rolls 02-30 over to March: refuse dates that do not exist.
    if (new Date(ms).getUTCDate() !== d)
        return NaN;
    return ms / 1000;
}
/** Wall-clock seconds of 'YYYY-MM-DD HH:MM:SS[.fff]' (or with a T), or NaN. */
export function parseDateTimeWall(s) {
    if (s.length < 19 || (s[10] !== ' ' && s[10] !== 'T') || s[13] !== ':' || s[16] !== ':')
        return NaN;
    const day = parseDateWall(s.slice(0, 10));
    const h = digits(s, 11, 2);
    const mi = digits(s, 14, 2);
    const sec = digits(s, 17, 2);
    if (!(h <= 23 && mi <= 59 && sec <= 59))
        return NaN;
    let frac = 0;
    if (s.length > 19) {
        if (s[19] !== '.' || s.length === 20)
            return NaN;
        const f = digits(s, 20, s.length - 20);
        frac = f / 10 ** (s.length - 20);
    }
    return day + h * 3600 + mi * 60 + sec + frac;
}
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/;
/**
 * A time cell → seconds since the epoch, or NaN when it does not read in `format`.
 * @example parseEventTime('2019-01-01 00:01:35', 'datetime', utcClock) // 1546300895
 */
export function parseEventTime(cell, format, clock) {
    switch (format) {
        case 'unix_seconds':
        case 'unix_millis': {
            const s = cell.trim();
            if (s === '')
                return NaN;
            const v = Number(s);
            if (!Number.isFinite(v))
                return NaN;
            return format === 'unix_seconds' ? v : v / 1000;
        }
        case 'datetime': {
            const wall = parseDateTimeWall(cell.trim());
            return Number.isNaN(wall) ? NaN : clock.fromWall(wall);
        }
        case 'iso8601': {
            const s = cell.trim();
            if (!ISO_WITH_OFFSET.test(s))
                return NaN;
            const ms = Date.parse(s);
            return Number.isNaN(ms) ? NaN : ms / 1000;
        }
    }
}
//# sourceMappingURL=time.js.map