/**
 * Where entity state lives between events. One interface for every backend: the in-process store
 * here (the embedded default and the offline replay) and a shared one (Redis) that keeps the same
 * EntityState JSON per entity key. Each backend runs the same conformance suite
 * (test/storage/entity-state/conformance.ts; the storage wing src/storage/entity-state/ holds the backends).
 */

import { EntityState, type EntityStateJson } from './entity-state.js';
import { OP, type EntityGroupPlan, type EventRecord, type FeaturePlan } from './plan.js';

/**
 * What happened to an event offered to a store: added; a duplicate (read, not added again); or
 * unapplied: a remote store could not reach its backend, so the aggregations were read from the
 * last state this process knew (or an empty one) and the event was not added (the store counts it).
 */
export type AddOutcome = 'added' | 'duplicate' | 'unapplied';

export interface EntityStateStore {
  /**
   * Writes into `out` (indexed by output feature) every aggregation of the event as it stood just
   * before it, then adds the event to each of its entities. An event whose id was seen within the
   * plan's dedupe horizon is read the same way but not added again ('duplicate'). An entity whose
   * key is missing gives missing (NaN) aggregations and is not updated.
   * Synchronous for the in-process store; a remote store returns a promise.
   */
  readThenAdd(event: EventRecord, out: Float64Array): AddOutcome | Promise<AddOutcome>;
  /**
   * Writes the aggregations of `event` as readThenAdd would, and changes nothing: the event is not
   * added and its id not remembered (POST /explain looks without recording).
   */
  read(event: EventRecord, out: Float64Array): void | Promise<void>;
  /** Number of entities held, per entity name in plan order. */
  entityCounts(): number[] | Promise<number[]>;
  /** The JSON state of one entity (undefined when unknown), for export, tests and warm starts. */
  exportEntity(entity: string, key: readonly string[]): EntityStateJson | undefined | Promise<EntityStateJson | undefined>;
}

/** Separates the two keys of a key-pair entity (a control character no sane key holds). */
export const KEY_SEPARATOR = '\u001f';

/**
 * Event ids seen within a time horizon: the duplicate rule's memory, bounded by the events within
 * the horizon rather than by the history's length.
 */
export class RecentIds {
  private readonly ids = new Set<string>();
  private times = new Float64Array(16);
  private order: string[] = new Array<string>(16);
  private head = 0;
  private size = 0;

  constructor(private readonly horizon: number) {}

  /** True when `id` was seen in [t - horizon, t]; otherwise remembers it and returns false. */
  seen(id: string, t: number): boolean {
    const cap = this.times.length;
    while (this.size > 0 && this.times[this.head] < t - this.horizon) {
      this.ids.delete(this.order[this.head]);
      this.order[this.head] = '';
      this.head = (this.head + 1) % cap;
      this.size--;
    }
    const before = this.ids.size;
    this.ids.add(id); // one hash lookup: the set grows only when the id is new
    if (this.ids.size === before) return true;
    if (this.size === cap) this.grow();
    const at = (this.head + this.size) % this.times.length;
    this.times[at] = t;
    this.order[at] = id;
    this.size++;
    return false;
  }

  private grow(): void {
    const cap = this.times.length;
    const times = new Float64Array(cap * 2);
    const order = new Array<string>(cap * 2);
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
 * Entities whose aggregations are only all-time counts and time since last (a card-merchant pair
 * counted, "is this merchant new to the card"): they are the most numerous and each is touched
 * rarely, so an object per entity costs cache misses and garbage. Here each is four numbers in one
 * pool, indexed by slot: events admitted, events pending (the tie rule: events at the newest time
 * are admitted only when a later time arrives; late events join them, see EntityState.add),
 * newest time, time of the latest admitted event. The results equal EntityState's for such a
 * plan, and toJSON gives the EntityState JSON of the same history (export, warm starts).
 */
const C_ADMITTED = 0;
const C_PENDING = 1;
const C_NEWEST = 2;
const C_LAST = 3;
const C_STRIDE = 4;

export function isCountOnly(group: EntityGroupPlan): boolean {
  if (group.horizon !== 0 || group.valueSlots.length > 0 || group.distinctSlots.length > 0) return false;
  for (let i = 0; i < group.aggOp.length; i++) {
    if (group.aggOp[i] !== OP.count && group.aggOp[i] !== OP.time_since_last) return false;
  }
  return true;
}

export class CountPool {
  private data = new Float64Array(C_STRIDE * 1024);
  size = 0;

  constructor(private readonly group: EntityGroupPlan) {}

  /** A new entity's slot. */
  create(): number {
    if ((this.size + 1) * C_STRIDE > this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    const at = this.size * C_STRIDE;
    this.data[at + C_ADMITTED] = 0;
    this.data[at + C_PENDING] = 0;
    this.data[at + C_NEWEST] = -Infinity;
    this.data[at + C_LAST] = NaN;
    return this.size++;
  }

  /** Reads the entity's aggregations at time t into out (slot -1: a new entity); with `add`, then adds an event at t. */
  visit(slot: number, t: number, out: Float64Array, add: boolean): void {
    const g = this.group;
    let admitted = 0;
    let last = NaN;
    if (slot >= 0) {
      const d = this.data;
      const at = slot * C_STRIDE;
      admitted = d[at + C_ADMITTED];
      last = d[at + C_LAST];
      let pending = d[at + C_PENDING];
      const newest = d[at + C_NEWEST];
      if (pending > 0 && newest < t) {
        admitted += pending;
        last = newest;
        pending = 0;
      }
      if (add) {
        d[at + C_ADMITTED] = admitted;
        d[at + C_LAST] = last;
        d[at + C_PENDING] = pending + 1;
        d[at + C_NEWEST] = t > newest ? t : newest;
      }
    }
    for (let i = 0; i < g.aggOp.length; i++) {
      // As EntityState: a late event's gap is 0, never negative.
      out[g.aggOut[i]] = g.aggOp[i] === OP.count ? admitted : admitted > 0 ? Math.max(0, t - last) : NaN;
    }
  }

  toJSON(slot: number): EntityStateJson {
    const at = slot * C_STRIDE;
    const d = this.data;
    const admitted = d[at + C_ADMITTED];
    const pending = d[at + C_PENDING];
    const nw = this.group.windows.length;
    return {
      v: 1,
      head: admitted,
      end: admitted + pending,
      admitted,
      newest: d[at + C_NEWEST] === -Infinity ? -1e308 : d[at + C_NEWEST],
      lastTime: Number.isNaN(d[at + C_LAST]) ? null : d[at + C_LAST],
      times: new Array<number>(pending).fill(d[at + C_NEWEST]),
      values: [],
      keys: [],
      starts: new Array<number>(nw).fill(0),
      counts: new Array<number>(nw).fill(admitted),
      moments: [],
      mins: [],
      maxes: [],
      distinct: [],
    };
  }
}

/**
 * The in-process store. Per entity a slot, found by key (a key pair is a map of maps, first key
 * then second, so no per-event string is built to look a pair up); a slot indexes the entity's
 * EntityState, or for count-only entities (isCountOnly) its place in a CountPool.
 */
export class MemoryStateStore implements EntityStateStore {
  private readonly maps: Map<string, number | Map<string, number>>[];
  private readonly states: EntityState[][];
  private readonly pools: (CountPool | null)[];
  private readonly recent: RecentIds;

  constructor(private readonly plan: FeaturePlan) {
    this.maps = plan.groups.map(() => new Map());
    this.states = plan.groups.map(() => []);
    this.pools = plan.groups.map((g) => (isCountOnly(g) ? new CountPool(g) : null));
    this.recent = new RecentIds(plan.dedupeHorizon);
  }

  readThenAdd(event: EventRecord, out: Float64Array): AddOutcome {
    const duplicate = event.id !== '' && this.recent.seen(event.id, event.time);
    this.visit(event, out, !duplicate);
    return duplicate ? 'duplicate' : 'added';
  }

  read(event: EventRecord, out: Float64Array): void {
    this.visit(event, out, false);
  }

  /**
   * Reads every entity of the event into `out`; with `add`, also adds the event (creating the
   * entities it is the first of). Without, an unknown entity is read as a new, empty one, and a
   * known one through a copy: advancing it to a later time would evict events that a late event
   * still sees. Reads without adding are rare (POST /explain), so the copy costs nothing that matters.
   */
  private visit(event: EventRecord, out: Float64Array, add: boolean): void {
    const groups = this.plan.groups;
    const strings = event.strings;
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g];
      const first = strings[group.keySlots[0]];
      const second = group.keySlots.length === 2 ? strings[group.keySlots[1]] : undefined;
      if (first === '' || second === '') {
        for (let i = 0; i < group.aggOut.length; i++) out[group.aggOut[i]] = NaN;
        continue;
      }
      let map = this.maps[g] as Map<string, number>;
      let key = first;
      if (second !== undefined) {
        let inner = this.maps[g].get(first) as Map<string, number> | undefined;
        if (inner === undefined) {
          inner = new Map();
          if (add) this.maps[g].set(first, inner);
        }
        map = inner;
        key = second;
      }
      let slot = map.get(key) ?? -1;
      const pool = this.pools[g];
      if (pool !== null) {
        if (slot < 0 && add) {
          slot = pool.create();
          map.set(key, slot);
        }
        pool.visit(slot, event.time, out, add);
        continue;
      }
      let state: EntityState;
      if (slot < 0) {
        state = new EntityState(group);
        if (add) {
          map.set(key, this.states[g].length);
          this.states[g].push(state);
        }
      } else {
        state = this.states[g][slot];
        if (!add) state = new EntityState(group, state.toJSON());
      }
      state.advance(event.time);
      state.read(event.time, out);
      if (add) state.add(event);
    }
  }

  entityCounts(): number[] {
    return this.plan.groups.map((_, g) => this.pools[g]?.size ?? this.states[g].length);
  }

  exportEntity(entity: string, key: readonly string[]): EntityStateJson | undefined {
    const g = this.plan.groups.findIndex((p) => p.name === entity);
    if (g < 0 || key.length !== this.plan.groups[g].keySlots.length) return undefined;
    const top = this.maps[g].get(key[0]);
    const slot = key.length === 2 ? (top as Map<string, number> | undefined)?.get(key[1]) : (top as number | undefined);
    if (slot === undefined) return undefined;
    return this.pools[g]?.toJSON(slot) ?? this.states[g][slot].toJSON();
  }
}

/** The map key of an entity for one event, or undefined when a key field is missing. */
export function entityKey(keySlots: Int32Array, strings: readonly string[]): string | undefined {
  const first = strings[keySlots[0]];
  if (first === '') return undefined;
  if (keySlots.length === 1) return first;
  const second = strings[keySlots[1]];
  return second === '' ? undefined : first + KEY_SEPARATOR + second;
}
