/**
 * Derived features of one event: row features from the event alone, aggregations from the entity
 * state store (read before the event is added), then ratios. The same code serves the offline
 * replay and the online path; only the way an EventRecord is filled differs.
 */
import { ROW_KIND } from './plan.js';
import { ZoneClock, parseDateWall } from './time.js';
/** Mean Earth radius (IUGG), km: the haversine distance's R. */
export const EARTH_RADIUS_KM = 6371.0088;
/** age_years divides by this many seconds (365.25 days). */
export const SECONDS_PER_YEAR = 365.25 * 86_400;
const RADIANS = Math.PI / 180;
/**
 * Great-circle distance in km between two points given in degrees.
 * @example haversineKm(0, 0, 0, 1) // 111.195…
 */
export function haversineKm(lat1, lon1, lat2, lon2) {
    const dLat = (lat2 - lat1) * RADIANS;
    const dLon = (lon2 - lon1) * RADIANS;
    const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RADIANS) * Math.cos(lat2 * RADIANS) * Math.sin(dLon / 2) ** 2;
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}
export function newFeatureRow(plan) {
    return { numbers: new Float64Array(plan.names.length), texts: new Array(plan.names.length).fill('') };
}
export class FeatureEngine {
    plan;
    store;
    clock;
    /** Cache of the last birth date read (many events in a row share a card and so a birth date). */
    lastBirthText = '';
    lastBirthTime = NaN;
    constructor(plan, store) {
        this.plan = plan;
        this.store = store;
        this.clock = new ZoneClock(plan.definitions.event.timezone);
    }
    /**
     * Fills `row` with the features of `event` as they stood just before it, and adds the event
     * to the entity state. Returns a promise only when the store is remote.
     */
    compute(event, row) {
        this.rowFeatures(event, row);
        const outcome = this.store.readThenAdd(event, row.numbers);
        if (typeof outcome === 'string') {
            this.ratios(row.numbers);
            return outcome;
        }
        return outcome.then((o) => {
            this.ratios(row.numbers);
            return o;
        });
    }
    /** Birth date (YYYY-MM-DD, midnight in the event time zone) → seconds, or NaN. */
    birthTime(text) {
        if (text !== this.lastBirthText) {
            this.lastBirthText = text;
            const wall = parseDateWall(text);
            this.lastBirthTime = Number.isNaN(wall) ? NaN : this.clock.fromWall(wall);
        }
        return this.lastBirthTime;
    }
    rowFeatures(event, row) {
        const p = this.plan;
        const out = row.numbers;
        const t = event.time;
        for (let i = 0; i < p.rowKind.length; i++) {
            const a = i * 4;
            const o = p.rowOut[i];
            switch (p.rowKind[i]) {
                case ROW_KIND.value_number:
                    out[o] = event.numbers[p.rowArgs[a]];
                    break;
                case ROW_KIND.value_string:
                    row.texts[o] = event.strings[p.rowArgs[a]];
                    out[o] = NaN;
                    break;
                case ROW_KIND.hour_of_day:
                    out[o] = this.clock.hourOfDay(t);
                    break;
                case ROW_KIND.day_of_week:
                    out[o] = this.clock.dayOfWeek(t);
                    break;
                case ROW_KIND.age_years: {
                    const text = event.strings[p.rowArgs[a]];
                    out[o] = text === '' ? NaN : (t - this.birthTime(text)) / SECONDS_PER_YEAR;
                    break;
                }
                case ROW_KIND.distance_km: {
                    const n = event.numbers;
                    out[o] = haversineKm(n[p.rowArgs[a]], n[p.rowArgs[a + 1]], n[p.rowArgs[a + 2]], n[p.rowArgs[a + 3]]);
                    break;
                }
            }
        }
    }
    ratios(out) {
        const p = this.plan;
        for (let i = 0; i < p.ratioOut.length; i++) {
            const den = out[p.ratioDen[i]];
            // NaN on either side stays NaN; a zero denominator is missing, not ±Infinity.
            out[p.ratioOut[i]] = den === 0 ? NaN : out[p.ratioNum[i]] / den;
        }
    }
}
//# sourceMappingURL=engine.js.map