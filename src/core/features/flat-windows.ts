/**
 * The sliding windows of every entity of one group (every card, say) in flat typed arrays: what
 * EntityState keeps per object, here kept per entity slot in pools, so the offline replay of
 * hundreds of thousands of entities touches a few arrays instead of scattered objects, and the
 * distinct counts are integer pairs in one PairTable instead of a Map of strings per entity.
 *
 * The arithmetic is EntityState's, step for step in the same order (admission, eviction, the
 * compensated sums, the monotonic deques, the tie rule, late events), so every result is the same
 * number; `toJSON` gives the EntityState JSON of the same history (distinct entries in the order
 * the values were first seen, where EntityState keeps its Map's insertion order).
 *
 * Each entity's event ring and each min/max deque is a power-of-two block of an arena; a block
 * that grows moves to a block twice its size and its old block is reused by the next ring of that
 * size. Memory is bounded by the entities and the events within their largest finite window.
 * Keys are KeyInterner ids (0 = missing).
 */

import {
  addCompensated,
  INITIAL_CAPACITY,
  M_D1,
  M_D1_C,
  M_D2,
  M_D2_C,
  M_LAST,
  M_LAST_T,
  M_N,
  M_SHIFT,
  M_STRIDE,
  M_SUM,
  M_SUM_C,
  nullable,
  type EntityStateJson,
} from './entity-state.js';
import { PairTable } from './pair-table.js';
import { NEED_LAST, NEED_MAX, NEED_MIN, NEED_MOMENTS, OP, type EntityGroupPlan } from './plan.js';

/** Power-of-two blocks handed out from the end of an arena, freed blocks kept per size for reuse. */
class BlockAllocator {
  top = 0;
  private readonly free: number[][] = [];

  alloc(size: number): number {
    const list = this.free[Math.log2(size)];
    if (list !== undefined && list.length > 0) return list.pop()!;
    const at = this.top;
    this.top += size;
    return at;
  }

  release(at: number, size: number): void {
    (this.free[Math.log2(size)] ??= []).push(at);
  }
}

function grown<T extends Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer>>(a: T, length: number): T {
  if (length <= a.length) return a;
  let n = Math.max(16, a.length * 2);
  while (n < length) n *= 2;
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

export class FlatWindows {
  private readonly nw: number;
  private readonly nv: number;
  private readonly nd: number;
  /** Per (window * nv + value): the index of its min (max) deque among the entity's deques, or -1. */
  private readonly minDeque: Int32Array;
  private readonly maxDeque: Int32Array;
  private readonly nDeques: number;
  /** Per (window * nd + distinct field): the index of its distinct count among the entity's, or -1. */
  private readonly distinctMap: Int32Array;
  private readonly nMaps: number;

  /** Number of entities. */
  size = 0;
  private capacity = 0;
  // Per entity: ring bounds (seqs), times, the ring's block.
  private head = new Int32Array(0);
  private end = new Int32Array(0);
  private admitted = new Int32Array(0);
  private newest = new Float64Array(0);
  private lastTime = new Float64Array(0);
  private ringAt = new Int32Array(0);
  private ringCap = new Int32Array(0);
  // Per entity and window.
  private starts = new Int32Array(0);
  private counts = new Int32Array(0);
  // Per entity, window and value field: M_STRIDE running statistics.
  private moments = new Float64Array(0);
  // Per entity and deque: block, capacity, front, length.
  private dqAt = new Int32Array(0);
  private dqCap = new Int32Array(0);
  private dqHead = new Int32Array(0);
  private dqSize = new Int32Array(0);
  // Per entity and distinct count: number of distinct values.
  private distinctSize = new Int32Array(0);
  /** (entity * nMaps + map, value id) → events with that value in the window. */
  private readonly distinct = new PairTable();

  // Arenas: ring events (time, values, keys) and deque entries (seq, value).
  private readonly rings = new BlockAllocator();
  private ringTimes = new Float64Array(1024);
  private ringValues: Float64Array<ArrayBuffer>;
  private ringKeys: Int32Array<ArrayBuffer>;
  private readonly dqBlocks = new BlockAllocator();
  private dqSeqs = new Int32Array(1024);
  private dqValues = new Float64Array(1024);

  constructor(private readonly plan: EntityGroupPlan) {
    this.nw = plan.windows.length;
    this.nv = plan.valueSlots.length;
    this.nd = plan.distinctSlots.length;
    this.ringValues = new Float64Array(1024 * this.nv);
    this.ringKeys = new Int32Array(1024 * this.nd);
    this.minDeque = new Int32Array(plan.valueNeeds.length).fill(-1);
    this.maxDeque = new Int32Array(plan.valueNeeds.length).fill(-1);
    let q = 0;
    plan.valueNeeds.forEach((need, k) => {
      if (need & NEED_MIN) this.minDeque[k] = q++;
      if (need & NEED_MAX) this.maxDeque[k] = q++;
    });
    this.nDeques = q;
    this.distinctMap = new Int32Array(plan.distinctNeeds.length).fill(-1);
    let m = 0;
    plan.distinctNeeds.forEach((need, k) => {
      if (need) this.distinctMap[k] = m++;
    });
    this.nMaps = m;
  }

  /** A new, empty entity's slot. */
  create(): number {
    const e = this.size++;
    if (e === this.capacity) this.reserve(Math.max(64, this.capacity * 2));
    const { nw, nv } = this;
    this.head[e] = 0;
    this.end[e] = 0;
    this.admitted[e] = 0;
    this.newest[e] = -Infinity;
    this.lastTime[e] = NaN;
    this.ringAt[e] = this.allocRing(INITIAL_CAPACITY);
    this.ringCap[e] = INITIAL_CAPACITY;
    for (let i = e * nw * nv * M_STRIDE, k = 0; k < nw * nv; k++, i += M_STRIDE) {
      this.moments[i + M_LAST] = NaN;
      this.moments[i + M_LAST_T] = NaN;
    }
    for (let q = e * this.nDeques; q < (e + 1) * this.nDeques; q++) {
      this.dqAt[q] = this.allocDeque(INITIAL_CAPACITY);
      this.dqCap[q] = INITIAL_CAPACITY;
    }
    return e;
  }

  private reserve(n: number): void {
    const { nw, nv } = this;
    const int = (a: Int32Array<ArrayBuffer>, per: number): Int32Array<ArrayBuffer> => grown(a, n * per);
    this.head = int(this.head, 1);
    this.end = int(this.end, 1);
    this.admitted = int(this.admitted, 1);
    this.newest = grown(this.newest, n);
    this.lastTime = grown(this.lastTime, n);
    this.ringAt = int(this.ringAt, 1);
    this.ringCap = int(this.ringCap, 1);
    this.starts = int(this.starts, nw);
    this.counts = int(this.counts, nw);
    this.moments = grown(this.moments, n * nw * nv * M_STRIDE);
    this.dqAt = int(this.dqAt, this.nDeques);
    this.dqCap = int(this.dqCap, this.nDeques);
    this.dqHead = int(this.dqHead, this.nDeques);
    this.dqSize = int(this.dqSize, this.nDeques);
    this.distinctSize = int(this.distinctSize, this.nMaps);
    this.capacity = n;
  }

  private allocRing(size: number): number {
    const at = this.rings.alloc(size);
    const top = this.rings.top;
    if (top > this.ringTimes.length) {
      this.ringTimes = grown(this.ringTimes, top);
      this.ringValues = grown(this.ringValues, top * this.nv);
      this.ringKeys = grown(this.ringKeys, top * this.nd);
    }
    return at;
  }

  private allocDeque(size: number): number {
    const at = this.dqBlocks.alloc(size);
    const top = this.dqBlocks.top;
    if (top > this.dqSeqs.length) {
      this.dqSeqs = grown(this.dqSeqs, top);
      this.dqValues = grown(this.dqValues, top);
    }
    return at;
  }

  /** Brings entity e's windows to time t (EntityState.advance). */
  advance(e: number, t: number): void {
    const plan = this.plan;
    const { nw, nv, nd } = this;
    const times = this.ringTimes;
    const values = this.ringValues;
    const keys = this.ringKeys;
    const moments = this.moments;
    const off = this.ringAt[e];
    const mask = this.ringCap[e] - 1;
    const end = this.end[e];
    const mBase = e * nw * nv;
    let admitted = this.admitted[e];
    while (admitted < end && times[off + (admitted & mask)] < t) {
      const s = admitted++;
      const at = off + (s & mask);
      this.lastTime[e] = times[at];
      for (let w = 0; w < nw; w++) {
        this.counts[e * nw + w]++;
        for (let v = 0; v < nv; v++) {
          const x = values[at * nv + v];
          if (x !== x) continue; // missing: counted by count, skipped by value ops
          const k = w * nv + v;
          const need = plan.valueNeeds[k];
          const m = (mBase + k) * M_STRIDE;
          if (need & NEED_MOMENTS) {
            if (moments[m + M_N] === 0) moments[m + M_SHIFT] = x;
            moments[m + M_N]++;
            addCompensated(moments, m + M_SUM, x);
            const d = x - moments[m + M_SHIFT];
            addCompensated(moments, m + M_D1, d);
            addCompensated(moments, m + M_D2, d * d);
          }
          if (need & NEED_MIN) this.push(e * this.nDeques + this.minDeque[k], s, x, false);
          if (need & NEED_MAX) this.push(e * this.nDeques + this.maxDeque[k], s, x, true);
          if (need & NEED_LAST) {
            moments[m + M_LAST] = x;
            moments[m + M_LAST_T] = times[at];
          }
        }
        for (let d = 0; d < nd; d++) {
          const map = this.distinctMap[w * nd + d];
          const key = keys[at * nd + d];
          if (map >= 0 && key !== 0 && this.distinct.increment(e * this.nMaps + map, key) === 1)
            this.distinctSize[e * this.nMaps + map]++;
        }
      }
    }
    this.admitted[e] = admitted;
    let keepFrom = admitted;
    for (let w = 0; w < nw; w++) {
      const width = plan.windows[w];
      if (width === Infinity) continue;
      const from = t - width;
      let s = this.starts[e * nw + w];
      while (s < admitted && times[off + (s & mask)] < from) {
        this.evict(e, w, s);
        s++;
      }
      this.starts[e * nw + w] = s;
      for (let v = 0; v < nv; v++) {
        const k = w * nv + v;
        if (this.minDeque[k] >= 0) this.evictBefore(e * this.nDeques + this.minDeque[k], s);
        if (this.maxDeque[k] >= 0) this.evictBefore(e * this.nDeques + this.maxDeque[k], s);
      }
      if (s < keepFrom) keepFrom = s;
    }
    if (keepFrom > this.head[e]) this.head[e] = keepFrom;
  }

  private evict(e: number, w: number, s: number): void {
    const plan = this.plan;
    const { nw, nv, nd } = this;
    const moments = this.moments;
    const at = this.ringAt[e] + (s & (this.ringCap[e] - 1));
    this.counts[e * nw + w]--;
    for (let v = 0; v < nv; v++) {
      const x = this.ringValues[at * nv + v];
      const k = w * nv + v;
      if (x !== x || !(plan.valueNeeds[k] & NEED_MOMENTS)) continue;
      const m = (e * nw * nv + k) * M_STRIDE;
      if (--moments[m + M_N] === 0) {
        // Empty again: exact zeros (as EntityState).
        moments[m + M_SUM] = 0;
        moments[m + M_SUM_C] = 0;
        moments[m + M_D1] = 0;
        moments[m + M_D1_C] = 0;
        moments[m + M_D2] = 0;
        moments[m + M_D2_C] = 0;
        continue;
      }
      addCompensated(moments, m + M_SUM, -x);
      const d = x - moments[m + M_SHIFT];
      addCompensated(moments, m + M_D1, -d);
      addCompensated(moments, m + M_D2, -d * d);
    }
    for (let d = 0; d < nd; d++) {
      const map = this.distinctMap[w * nd + d];
      const key = this.ringKeys[at * nd + d];
      if (map < 0 || key === 0) continue;
      if (this.distinct.decrement(e * this.nMaps + map, key) === 0) this.distinctSize[e * this.nMaps + map]--;
    }
  }

  /** Deque q (entity * nDeques + index): MonotonicDeque.push. */
  private push(q: number, seq: number, x: number, max: boolean): void {
    let size = this.dqSize[q];
    let mask = this.dqCap[q] - 1;
    const head = this.dqHead[q];
    let off = this.dqAt[q];
    while (size > 0) {
      const back = this.dqValues[off + ((head + size - 1) & mask)];
      if (max ? back <= x : back >= x) size--;
      else break;
    }
    if (size === mask + 1) {
      // Full: move to a block twice the size, in order from the front.
      const cap = mask + 1;
      const to = this.allocDeque(cap * 2);
      for (let i = 0; i < size; i++) {
        this.dqSeqs[to + i] = this.dqSeqs[off + ((head + i) & mask)];
        this.dqValues[to + i] = this.dqValues[off + ((head + i) & mask)];
      }
      this.dqBlocks.release(off, cap);
      off = to;
      mask = cap * 2 - 1;
      this.dqAt[q] = to;
      this.dqCap[q] = cap * 2;
      this.dqHead[q] = 0;
    }
    const at = off + ((this.dqHead[q] + size) & mask);
    this.dqSeqs[at] = seq;
    this.dqValues[at] = x;
    this.dqSize[q] = size + 1;
  }

  private evictBefore(q: number, start: number): void {
    const off = this.dqAt[q];
    const mask = this.dqCap[q] - 1;
    let head = this.dqHead[q];
    let size = this.dqSize[q];
    while (size > 0 && this.dqSeqs[off + head] < start) {
      head = (head + 1) & mask;
      size--;
    }
    this.dqHead[q] = head;
    this.dqSize[q] = size;
  }

  private front(q: number): number {
    return this.dqSize[q] > 0 ? this.dqValues[this.dqAt[q] + this.dqHead[q]] : NaN;
  }

  /** Writes entity e's aggregations for an event at time t (after advance) into out (EntityState.read). */
  read(e: number, t: number, out: Float64Array): void {
    const plan = this.plan;
    const { nw, nv, nd } = this;
    const moments = this.moments;
    for (let i = 0; i < plan.aggOp.length; i++) {
      const w = plan.aggWindow[i];
      const f = plan.aggField[i];
      const m = (e * nw * nv + w * nv + f) * M_STRIDE;
      let r: number;
      switch (plan.aggOp[i]) {
        case OP.count:
          r = this.counts[e * nw + w];
          break;
        case OP.sum:
          r = moments[m + M_SUM] + moments[m + M_SUM_C];
          break;
        case OP.mean: {
          const n = moments[m + M_N];
          r = n > 0 ? (moments[m + M_SUM] + moments[m + M_SUM_C]) / n : NaN;
          break;
        }
        case OP.std: {
          const n = moments[m + M_N];
          if (n < 2) {
            r = NaN;
            break;
          }
          const d1 = moments[m + M_D1] + moments[m + M_D1_C];
          const d2 = moments[m + M_D2] + moments[m + M_D2_C];
          r = Math.sqrt(Math.max(0, (d2 - (d1 * d1) / n) / (n - 1)));
          break;
        }
        case OP.min:
          r = this.front(e * this.nDeques + this.minDeque[w * nv + f]);
          break;
        case OP.max:
          r = this.front(e * this.nDeques + this.maxDeque[w * nv + f]);
          break;
        case OP.distinct_count:
          r = this.distinctSize[e * this.nMaps + this.distinctMap[w * nd + f]];
          break;
        case OP.time_since_last:
          r = this.counts[e * nw + w] > 0 ? Math.max(0, t - this.lastTime[e]) : NaN;
          break;
        case OP.last: {
          const lastT = moments[m + M_LAST_T];
          r = lastT >= t - plan.windows[w] ? moments[m + M_LAST] : NaN;
          break;
        }
        default:
          r = NaN;
      }
      out[plan.aggOut[i]] = r;
    }
  }

  /**
   * Adds an event to entity e (after read; EntityState.add): at time `time`, or at the entity's
   * newest time when earlier (a late event), with its value fields and distinct key ids.
   */
  add(e: number, time: number, numbers: Float64Array, ids: Int32Array): void {
    const plan = this.plan;
    const { nv, nd } = this;
    if (this.end[e] - this.head[e] === this.ringCap[e]) this.growRing(e);
    const at = this.ringAt[e] + (this.end[e] & (this.ringCap[e] - 1));
    const t = time > this.newest[e] ? time : this.newest[e];
    this.newest[e] = t;
    this.ringTimes[at] = t;
    for (let v = 0; v < nv; v++) this.ringValues[at * nv + v] = numbers[plan.valueSlots[v]];
    for (let d = 0; d < nd; d++) this.ringKeys[at * nd + d] = ids[plan.distinctSlots[d]];
    this.end[e]++;
  }

  private growRing(e: number): void {
    const { nv, nd } = this;
    const cap = this.ringCap[e];
    const from = this.ringAt[e];
    const to = this.allocRing(cap * 2);
    for (let s = this.head[e]; s < this.end[e]; s++) {
      const a = from + (s & (cap - 1));
      const b = to + (s & (cap * 2 - 1));
      this.ringTimes[b] = this.ringTimes[a];
      for (let v = 0; v < nv; v++) this.ringValues[b * nv + v] = this.ringValues[a * nv + v];
      for (let d = 0; d < nd; d++) this.ringKeys[b * nd + d] = this.ringKeys[a * nd + d];
    }
    this.rings.release(from, cap);
    this.ringAt[e] = to;
    this.ringCap[e] = cap * 2;
  }

  /** Number of events held in entity e's ring. */
  ringSize(e: number): number {
    return this.end[e] - this.head[e];
  }

  /** Entity e as EntityState JSON; `value` turns a key id back into its string. */
  toJSON(e: number, value: (id: number) => string): EntityStateJson {
    const { nw, nv, nd } = this;
    const off = this.ringAt[e];
    const mask = this.ringCap[e] - 1;
    const times: number[] = [];
    const values: (number | null)[] = [];
    const keys: string[] = [];
    for (let s = this.head[e]; s < this.end[e]; s++) {
      const at = off + (s & mask);
      times.push(this.ringTimes[at]);
      for (let v = 0; v < nv; v++) values.push(nullable(this.ringValues[at * nv + v]));
      for (let d = 0; d < nd; d++) keys.push(value(this.ringKeys[at * nd + d]));
    }
    const deque = (index: number): [number[], number[]] | null => {
      if (index < 0) return null;
      const q = e * this.nDeques + index;
      const s: number[] = [];
      const v: number[] = [];
      for (let i = 0; i < this.dqSize[q]; i++) {
        const at = this.dqAt[q] + ((this.dqHead[q] + i) & (this.dqCap[q] - 1));
        s.push(this.dqSeqs[at]);
        v.push(this.dqValues[at]);
      }
      return [s, v];
    };
    const distinctEntries = (k: number): [string, number][] | null => {
      const map = this.distinctMap[k];
      return map < 0 ? null : this.distinct.entriesOf(e * this.nMaps + map).map(([id, n]) => [value(id), n]);
    };
    const mBase = e * nw * nv * M_STRIDE;
    return {
      v: 1,
      head: this.head[e],
      end: this.end[e],
      admitted: this.admitted[e],
      newest: this.newest[e] === -Infinity ? -1e308 : this.newest[e],
      lastTime: nullable(this.lastTime[e]),
      times,
      values,
      keys,
      starts: Array.from(this.starts.subarray(e * nw, (e + 1) * nw)),
      counts: Array.from(this.counts.subarray(e * nw, (e + 1) * nw)),
      moments: Array.from(this.moments.subarray(mBase, mBase + nw * nv * M_STRIDE), nullable),
      mins: nv === 0 ? [] : Array.from(this.minDeque, deque),
      maxes: nv === 0 ? [] : Array.from(this.maxDeque, deque),
      distinct: nd === 0 ? [] : Array.from({ length: nw * nd }, (_, k) => distinctEntries(k)),
    };
  }
}
