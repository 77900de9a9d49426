/**
 * Where entity state lives between events. One interface for every backend: the in-process store
 * here (the embedded default and the offline replay) and a shared one (Redis) that keeps the same
 * EntityState JSON per entity key. Each backend runs the same conformance suite
 * (test/features/state-store-conformance.ts).
 */
import { EntityState } from './entity-state.js';
/** Separates the two keys of a key-pair entity (a control character no sane key holds). */
export const KEY_SEPARATOR = '\u001f';
/**
 * Event ids seen within a time horizon: the duplicate rule's memory, bounded by the events within
 * the horizon rather than by the history's length.
 */
export class RecentIds {
    horizon;
    ids = new Set();
    times = new Float64Array(16);
    order = new Array(16);
    head = 0;
    size = 0;
    constructor(horizon) {
        this.horizon = horizon;
    }
    /** True when `id` was seen in [t - horizon, t]; otherwise remembers it and returns false. */
    seen(id, t) {
        const cap = this.times.length;
        while (this.size > 0 && this.times[this.head] < t - this.horizon) {
            this.ids.delete(this.order[this.head]);
            this.order[this.head] = '';
            this.head = (this.head + 1) % cap;
            this.size--;
        }
        if (this.ids.has(id))
            return true;
        if (this.size === cap)
            this.grow();
        const at = (this.head + this.size) % this.times.length;
        this.times[at] = t;
        this.order[at] = id;
        this.size++;
        this.ids.add(id);
        return false;
    }
    grow() {
        const cap = this.times.length;
        const times = new Float64Array(cap * 2);
        const order = new Array(cap * 2);
        for (let i = 0; i < this.size; i++) {
            times[i] = this.times[(this.head + i) % cap];
            order[i] = this.order[(this.head + i) % cap];
        }
        this.times = times;
        this.order = order;
        this.head = 0;
    }
}
/**
 * The in-process store: per entity a map of EntityState by key; a key pair is a map of maps
 * (first key, then second), so no per-event string is built to look a pair up.
 */
export class MemoryStateStore {
    plan;
    maps;
    counts;
    recent;
    constructor(plan) {
        this.plan = plan;
        this.maps = plan.groups.map(() => new Map());
        this.counts = plan.groups.map(() => 0);
        this.recent = new RecentIds(plan.dedupeHorizon);
    }
    readThenAdd(event, out) {
        const duplicate = event.id !== '' && this.recent.seen(event.id, event.time);
        const groups = this.plan.groups;
        const strings = event.strings;
        for (let g = 0; g < groups.length; g++) {
            const group = groups[g];
            const first = strings[group.keySlots[0]];
            const second = group.keySlots.length === 2 ? strings[group.keySlots[1]] : undefined;
            if (first === '' || second === '') {
                for (let i = 0; i < group.aggOut.length; i++)
                    out[group.aggOut[i]] = NaN;
                continue;
            }
            let map = this.maps[g];
            let key = first;
            if (second !== undefined) {
                let inner = this.maps[g].get(first);
                if (inner === undefined) {
                    inner = new Map();
                    if (!duplicate)
                        this.maps[g].set(first, inner);
                }
                map = inner;
                key = second;
            }
            let state = map.get(key);
            if (state === undefined) {
                state = new EntityState(group);
                if (!duplicate) {
                    map.set(key, state);
                    this.counts[g]++;
                }
            }
            state.advance(event.time);
            state.read(event.time, out);
            if (!duplicate)
                state.add(event);
        }
        return duplicate ? 'duplicate' : 'added';
    }
    entityCounts() {
        return [...this.counts];
    }
    exportEntity(entity, key) {
        const g = this.plan.groups.findIndex((p) => p.name === entity);
        if (g < 0 || key.length !== this.plan.groups[g].keySlots.length)
            return undefined;
        const top = this.maps[g].get(key[0]);
        const state = key.length === 2 ? top?.get(key[1]) : top;
        return state?.toJSON();
    }
}
/** The map key of an entity for one event, or undefined when a key field is missing. */
export function entityKey(keySlots, strings) {
    const first = strings[keySlots[0]];
    if (first === '')
        return undefined;
    if (keySlots.length === 1)
        return first;
    const second = strings[keySlots[1]];
    return second === '' ? undefined : first + KEY_SEPARATOR + second;
}
//# sourceMappingURL=state-store.js.map