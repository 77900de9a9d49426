/**
 * The history of one entity (one card, one card-merchant pair) as the aggregations need it, with
 * exact sliding windows: an event at time t sees the entity's events with time in [t - W, t).
 *
 * Layout: a ring of the entity's recent events (time, value fields, distinct fields) reaching back
 * to the largest finite window, plus per window the running statistics of the events inside it.
 * Events are "admitted" into the windows only when an event with a strictly later time arrives,
 * so events with equal times never see each other (the tie rule) and the result does not depend
 * on their order. Per window and value field: count, compensated sum (Neumaier), and shifted
 * compensated sums of (x - K) and (x - K)^2 for the variance (K = the first value since the window
 * was last empty, so the subtraction does not cancel); min/max by monotonic deques; distinct
 * counts by a counts map. Memory is bounded by the events within the largest finite window.
 *
 * The whole state is plain numbers, arrays and maps, and `toJSON`/`fromJSON` turn it into JSON,
 * so another store (Redis) can keep it between events.
 */

import { NEED_LAST, NEED_MAX, NEED_MIN, NEED_MOMENTS, OP, type EntityGroupPlan, type EventRecord } from './plan.js';

/** Running statistics kept per (window, value field). */
export const M_N = 0; // non-missing values
export const M_SUM = 1;
export const M_SUM_C = 2; // Neumaier compensation of M_SUM
export const M_D1 = 3; // Σ (x - K)
export const M_D1_C = 4;
export const M_D2 = 5; // Σ (x - K)^2
export const M_D2_C = 6;
export const M_SHIFT = 7; // K
export const M_LAST = 8; // latest non-missing value admitted
export const M_LAST_T = 9; // its time
export const M_STRIDE = 10;

export const INITIAL_CAPACITY = 2;

/** Shared empties: most entities (a card-merchant pair counted all-time) need no per-field arrays, and each array costs ~100 bytes. */
const NO_NUMBERS = new Float64Array(0);
const NO_ENTRIES: never[] = [];
const zeros = (n: number): Float64Array => (n === 0 ? NO_NUMBERS : new Float64Array(n));

/** Adds x to the compensated sum held at a[i] (sum) and a[i + 1] (compensation). */
export function addCompensated(a: Float64Array, i: number, x: number): void {
  const s = a[i];
  const t = s + x;
  a[i + 1] += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
  a[i] = t;
}

/** A deque of (seq, value) whose values are monotonic: the front is the window's min (or max). */
class MonotonicDeque {
  seqs: Float64Array;
  values: Float64Array;
  head = 0;
  size = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.seqs = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  /** Appends, first dropping from the back every value the new one dominates (`max`: ≤ x; min: ≥ x). */
  push(seq: number, x: number, max: boolean): void {
    const mask = this.seqs.length - 1;
    while (this.size > 0) {
      const back = this.values[(this.head + this.size - 1) & mask];
      if (max ? back <= x : back >= x) this.size--;
      else break;
    }
    if (this.size === this.seqs.length) this.grow();
    const at = (this.head + this.size) & (this.seqs.length - 1);
    this.seqs[at] = seq;
    this.values[at] = x;
    this.size++;
  }

  /** Drops front entries older than `start` (they left the window). */
  evictBefore(start: number): void {
    const mask = this.seqs.length - 1;
    while (this.size > 0 && this.seqs[this.head] < start) {
      this.head = (this.head + 1) & mask;
      this.size--;
    }
  }

  front(): number {
    return this.size > 0 ? this.values[this.head] : NaN;
  }

  private grow(): void {
    const cap = this.seqs.length;
    const seqs = new Float64Array(cap * 2);
    const values = new Float64Array(cap * 2);
    for (let i = 0; i < this.size; i++) {
      seqs[i] = this.seqs[(this.head + i) & (cap - 1)];
      values[i] = this.values[(this.head + i) & (cap - 1)];
    }
    this.seqs = seqs;
    this.values = values;
    this.head = 0;
  }

  toJSON(): [number[], number[]] {
    const s: number[] = [];
    const v: number[] = [];
    for (let i = 0; i < this.size; i++) {
      s.push(this.seqs[(this.head + i) & (this.seqs.length - 1)]);
      v.push(this.values[(this.head + i) & (this.seqs.length - 1)]);
    }
    return [s, v];
  }

  static fromJSON([s, v]: [number[], number[]]): MonotonicDeque {
    let cap = INITIAL_CAPACITY;
    while (cap < s.length) cap *= 2;
    const d = new MonotonicDeque(cap);
    d.seqs.set(s);
    d.values.set(v);
    d.size = s.length;
    return d;
  }
}

/** The JSON form of an entity state (see EntityState.toJSON). */
export interface EntityStateJson {
  v: 1;
  head: number;
  end: number;
  admitted: number;
  newest: number;
  lastTime: number | null;
  times: number[];
  values: (number | null)[];
  keys: string[];
  starts: number[];
  counts: number[];
  moments: (number | null)[];
  mins: ([number[], number[]] | null)[];
  maxes: ([number[], number[]] | null)[];
  distinct: ([string, number][] | null)[];
}

export const nullable = (x: number): number | null => (Number.isNaN(x) ? null : x);
const fromNullable = (x: number | null): number => (x === null ? NaN : x);

export class EntityState {
  /** Ring of events: seq s lives at index s & (capacity - 1); seqs [head, end) are stored. */
  private times: Float64Array;
  private values: Float64Array;
  private keys: string[];
  private head = 0;
  private end = 0;
  /** Seqs below this are admitted into the windows (their time is earlier than the latest read). */
  private admitted = 0;
  /** Time of the newest event added (a late event is added at this time; see add). */
  private newest = -Infinity;
  /** Time of the latest admitted event (NaN: none). */
  private lastTime = NaN;
  /**
   * Per window: the first seq inside it, and the number of events inside it. Plain arrays: a
   * typed array costs ~150 bytes of headers, which dominates for the many entities with one window.
   */
  private readonly starts: number[];
  private readonly counts: number[];
  private readonly moments: Float64Array;
  private readonly mins: (MonotonicDeque | null)[];
  private readonly maxes: (MonotonicDeque | null)[];
  private readonly distinct: (Map<string, number> | null)[];

  constructor(
    private readonly plan: EntityGroupPlan,
    json?: EntityStateJson,
  ) {
    const nw = plan.windows.length;
    const nv = plan.valueSlots.length;
    const nd = plan.distinctSlots.length;
    if (json !== undefined) {
      let cap = INITIAL_CAPACITY;
      while (cap < json.times.length) cap *= 2;
      this.times = new Float64Array(cap);
      this.values = new Float64Array(cap * nv);
      this.keys = new Array<string>(cap * nd).fill('');
      this.head = json.head;
      this.end = json.end;
      this.admitted = json.admitted;
      this.newest = json.newest;
      this.lastTime = fromNullable(json.lastTime);
      for (let s = this.head, i = 0; s < this.end; s++, i++) {
        const at = s & (cap - 1);
        this.times[at] = json.times[i];
        for (let v = 0; v < nv; v++) this.values[at * nv + v] = fromNullable(json.values[i * nv + v]);
        for (let d = 0; d < nd; d++) this.keys[at * nd + d] = json.keys[i * nd + d];
      }
      this.starts = [...json.starts];
      this.counts = [...json.counts];
      this.moments = Float64Array.from(json.moments.map(fromNullable));
      this.mins = json.mins.map((m) => (m === null ? null : MonotonicDeque.fromJSON(m)));
      this.maxes = json.maxes.map((m) => (m === null ? null : MonotonicDeque.fromJSON(m)));
      this.distinct = json.distinct.map((m) => (m === null ? null : new Map(m)));
      return;
    }
    this.times = new Float64Array(INITIAL_CAPACITY);
    this.values = zeros(INITIAL_CAPACITY * nv);
    this.keys = nd === 0 ? NO_ENTRIES : new Array<string>(INITIAL_CAPACITY * nd).fill('');
    this.starts = new Array<number>(nw).fill(0);
    this.counts = new Array<number>(nw).fill(0);
    this.moments = zeros(nw * nv * M_STRIDE);
    for (let i = 0; i < nw * nv; i++) {
      this.moments[i * M_STRIDE + M_LAST] = NaN;
      this.moments[i * M_STRIDE + M_LAST_T] = NaN;
    }
    this.mins = nv === 0 ? NO_ENTRIES : Array.from(plan.valueNeeds, (need) => (need & NEED_MIN ? new MonotonicDeque() : null));
    this.maxes = nv === 0 ? NO_ENTRIES : Array.from(plan.valueNeeds, (need) => (need & NEED_MAX ? new MonotonicDeque() : null));
    this.distinct = nd === 0 ? NO_ENTRIES : Array.from(plan.distinctNeeds, (need) => (need ? new Map<string, number>() : null));
  }

  /** Number of events held in the ring (for memory accounting and tests). */
  get ringSize(): number {
    return this.end - this.head;
  }

  /**
   * Brings the windows to time t: admits every stored event earlier than t, evicts those before
   * t - W, and drops from the ring what no window can need again.
   */
  advance(t: number): void {
    const plan = this.plan;
    const nw = plan.windows.length;
    const nv = plan.valueSlots.length;
    const nd = plan.distinctSlots.length;
    const mask = this.times.length - 1;
    while (this.admitted < this.end && this.times[this.admitted & mask] < t) {
      const s = this.admitted++;
      const at = s & mask;
      this.lastTime = this.times[at];
      for (let w = 0; w < nw; w++) {
        this.counts[w]++;
        for (let v = 0; v < nv; v++) {
          const x = this.values[at * nv + v];
          if (x !== x) continue; // missing: counted by count, skipped by value ops
          const k = w * nv + v;
          const need = plan.valueNeeds[k];
          const m = k * M_STRIDE;
          if (need & NEED_MOMENTS) {
            if (this.moments[m + M_N] === 0) this.moments[m + M_SHIFT] = x;
            this.moments[m + M_N]++;
            addCompensated(this.moments, m + M_SUM, x);
            const d = x - this.moments[m + M_SHIFT];
            addCompensated(this.moments, m + M_D1, d);
            addCompensated(this.moments, m + M_D2, d * d);
          }
          if (need & NEED_MIN) this.mins[k]!.push(s, x, false);
          if (need & NEED_MAX) this.maxes[k]!.push(s, x, true);
          if (need & NEED_LAST) {
            this.moments[m + M_LAST] = x;
            this.moments[m + M_LAST_T] = this.times[at];
          }
        }
        for (let d = 0; d < nd; d++) {
          const map = this.distinct[w * nd + d];
          const key = this.keys[at * nd + d];
          if (map !== null && key !== '') map.set(key, (map.get(key) ?? 0) + 1);
        }
      }
    }
    let keepFrom = this.admitted;
    for (let w = 0; w < nw; w++) {
      const width = plan.windows[w];
      if (width === Infinity) continue;
      const from = t - width;
      let s = this.starts[w];
      while (s < this.admitted && this.times[s & mask] < from) {
        this.evict(w, s);
        s++;
      }
      this.starts[w] = s;
      for (let v = 0; v < nv; v++) {
        this.mins[w * nv + v]?.evictBefore(s);
        this.maxes[w * nv + v]?.evictBefore(s);
      }
      if (s < keepFrom) keepFrom = s;
    }
    this.head = Math.max(this.head, keepFrom);
  }

  private evict(w: number, s: number): void {
    const plan = this.plan;
    const nv = plan.valueSlots.length;
    const nd = plan.distinctSlots.length;
    const at = s & (this.times.length - 1);
    this.counts[w]--;
    for (let v = 0; v < nv; v++) {
      const x = this.values[at * nv + v];
      const k = w * nv + v;
      if (x !== x || !(plan.valueNeeds[k] & NEED_MOMENTS)) continue;
      const m = k * M_STRIDE;
      if (--this.moments[m + M_N] === 0) {
        // Empty again: start from exact zeros so rounding never accumulates across quiet spells.
        for (const i of [M_SUM, M_SUM_C, M_D1, M_D1_C, M_D2, M_D2_C]) this.moments[m + i] = 0;
        continue;
      }
      addCompensated(this.moments, m + M_SUM, -x);
      const d = x - this.moments[m + M_SHIFT];
      addCompensated(this.moments, m + M_D1, -d);
      addCompensated(this.moments, m + M_D2, -d * d);
    }
    for (let d = 0; d < nd; d++) {
      const map = this.distinct[w * nd + d];
      const key = this.keys[at * nd + d];
      if (map === null || key === '') continue;
      const c = map.get(key)! - 1;
      if (c === 0) map.delete(key);
      else map.set(key, c);
    }
  }

  /** Writes this entity's aggregations for an event at time t (after advance(t)) into out. */
  read(t: number, out: Float64Array): void {
    const plan = this.plan;
    const nv = plan.valueSlots.length;
    const nd = plan.distinctSlots.length;
    for (let i = 0; i < plan.aggOp.length; i++) {
      const w = plan.aggWindow[i];
      const f = plan.aggField[i];
      const m = (w * nv + f) * M_STRIDE;
      let r: number;
      switch (plan.aggOp[i]) {
        case OP.count:
          r = this.counts[w];
          break;
        case OP.sum:
          r = this.moments[m + M_SUM] + this.moments[m + M_SUM_C];
          break;
        case OP.mean: {
          const n = this.moments[m + M_N];
          r = n > 0 ? (this.moments[m + M_SUM] + this.moments[m + M_SUM_C]) / n : NaN;
          break;
        }
        case OP.std: {
          const n = this.moments[m + M_N];
          if (n < 2) {
            r = NaN;
            break;
          }
          const d1 = this.moments[m + M_D1] + this.moments[m + M_D1_C];
          const d2 = this.moments[m + M_D2] + this.moments[m + M_D2_C];
          r = Math.sqrt(Math.max(0, (d2 - (d1 * d1) / n) / (n - 1)));
          break;
        }
        case OP.min:
          r = this.mins[w * nv + f]!.front();
          break;
        case OP.max:
          r = this.maxes[w * nv + f]!.front();
          break;
        case OP.distinct_count:
          r = this.distinct[w * nd + f]!.size;
          break;
        case OP.time_since_last:
          // A late event (online) can be older than the entity's latest: 0, never a negative gap.
          r = this.counts[w] > 0 ? Math.max(0, t - this.lastTime) : NaN;
          break;
        case OP.last: {
          const lastT = this.moments[m + M_LAST_T];
          r = lastT >= t - plan.windows[w] ? this.moments[m + M_LAST] : NaN;
          break;
        }
        default:
          r = NaN;
      }
      out[plan.aggOut[i]] = r;
    }
  }

  /**
   * Adds an event (after read). An event earlier than the entity's newest one (late, online only:
   * offline input is in time order) is added at the newest time, so the ring stays ordered.
   */
  add(event: EventRecord): void {
    const plan = this.plan;
    const nv = plan.valueSlots.length;
    const nd = plan.distinctSlots.length;
    if (this.end - this.head === this.times.length) this.grow();
    const at = this.end & (this.times.length - 1);
    const t = event.time > this.newest ? event.time : this.newest;
    this.newest = t;
    this.times[at] = t;
    for (let v = 0; v < nv; v++) this.values[at * nv + v] = event.numbers[plan.valueSlots[v]];
    for (let d = 0; d < nd; d++) this.keys[at * nd + d] = event.strings[plan.distinctSlots[d]];
    this.end++;
  }

  private grow(): void {
    const nv = this.plan.valueSlots.length;
    const nd = this.plan.distinctSlots.length;
    const cap = this.times.length;
    const times = new Float64Array(cap * 2);
    const values = zeros(cap * 2 * nv);
    const keys = nd === 0 ? NO_ENTRIES : new Array<string>(cap * 2 * nd).fill('');
    for (let s = this.head; s < this.end; s++) {
      const from = s & (cap - 1);
      const to = s & (cap * 2 - 1);
      times[to] = this.times[from];
      for (let v = 0; v < nv; v++) values[to * nv + v] = this.values[from * nv + v];
      for (let d = 0; d < nd; d++) keys[to * nd + d] = this.keys[from * nd + d];
    }
    this.times = times;
    this.values = values;
    this.keys = keys;
  }

  /** The whole state as JSON-safe values (missing numbers as null). */
  toJSON(): EntityStateJson {
    const nv = this.plan.valueSlots.length;
    const nd = this.plan.distinctSlots.length;
    const mask = this.times.length - 1;
    const times: number[] = [];
    const values: (number | null)[] = [];
    const keys: string[] = [];
    for (let s = this.head; s < this.end; s++) {
      const at = s & mask;
      times.push(this.times[at]);
      for (let v = 0; v < nv; v++) values.push(nullable(this.values[at * nv + v]));
      for (let d = 0; d < nd; d++) keys.push(this.keys[at * nd + d]);
    }
    return {
      v: 1,
      head: this.head,
      end: this.end,
      admitted: this.admitted,
      newest: this.newest === -Infinity ? -1e308 : this.newest,
      lastTime: nullable(this.lastTime),
      times,
      values,
      keys,
      starts: [...this.starts],
      counts: [...this.counts],
      moments: [...this.moments].map(nullable),
      mins: this.mins.map((d) => d?.toJSON() ?? null),
      maxes: this.maxes.map((d) => d?.toJSON() ?? null),
      distinct: this.distinct.map((m) => (m === null ? null : [...m])),
    };
  }

  static fromJSON(plan: EntityGroupPlan, json: EntityStateJson): EntityState {
    return new EntityState(plan, json);
  }
}
