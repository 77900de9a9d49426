/**
 * In-process prediction log: a ring holding the newest `maxSize` records. Meant for development,
 * tests and single-process deployments that only need the recent window; nothing survives a
 * restart. Writes are "confirmed" as soon as they are in the ring. As a decision store it answers
 * queries over the ring and knows the current decision of every transaction id still in it, which
 * is also how it flags a repeated id as a duplicate.
 *
 * Records are kept compactly, because every one of them outlives a few young-generation
 * collections and so gets promoted: one object per record (id, score, decision… as
 * `prepareRecord` makes them, with an empty `features`), and the features packed into flat typed
 * arrays (one row per ring slot, one column per feature) under names shared by every record that
 * sends the same features in the same order. Kept as parsed objects, the 30 numbers of the ULB
 * model's features were ~35 heap objects per record, and the collector's work on them a large part
 * of a /predict request's cost. Reads rebuild each record whole, in the shape and key order
 * `prepareRecord` gives.
 */

import type {
  DecisionPage,
  DecisionQuery,
  FeatureValue,
  PredictionLog,
  PredictionLogOptions,
  PredictionLogStats,
  PredictionRecord,
} from './contract.js';
import { MASKED_VALUE, MAX_PAGE_SIZE } from './contract.js';
import { checkQuery, pageOf } from './decision-query.js';
import { checkLimit, prepareHead, resolveCommonOptions } from './records.js';

export type MemoryPredictionLogOptions = PredictionLogOptions;

/** What a packed cell holds. */
const NUMBER = 0;
const NULL = 1;
const TEXT = 2;
const MASKED = 3;

/** Rows allocated at first, then doubled up to the ring's capacity. */
const FIRST_ROWS = 64;

/** The feature names of a record, in its key order, and which of them are masked. */
interface FeatureLayout {
  readonly names: readonly string[];
  readonly masked: Uint8Array;
}

/** Sets an own data property, even one named `__proto__` (which assignment would not create). */
function put(target: Record<string, FeatureValue>, name: string, value: FeatureValue): void {
  if (name === '__proto__') Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
  else target[name] = value;
}

/**
 * The features of every ring slot: numbers in a Float64Array and a kind per cell in a Uint8Array
 * (row = slot, `stride` columns), strings (rare among a model's features) in a per-slot array,
 * masked values as a kind only. The rules are `prepareRecord`'s: a masked feature is stored as
 * "***", a non-finite number as null, and anything but null, a string or a number refuses the record.
 */
class PackedFeatures {
  private values = new Float64Array(0);
  private kinds = new Uint8Array(0);
  private stride = 0;
  private rows = 0;
  private readonly layouts: (FeatureLayout | undefined)[];
  private readonly texts: (string[] | undefined)[];
  /** The layout of the last record written: consecutive records almost always share it. */
  private last: FeatureLayout | undefined;

  constructor(
    private readonly capacity: number,
    private readonly maskFields: ReadonlySet<string>,
  ) {
    this.layouts = new Array<FeatureLayout | undefined>(capacity);
    this.texts = new Array<string[] | undefined>(capacity);
  }

  /** Packs `features` into `slot`; false, leaving every slot as it was, when a value is not a feature value. */
  write(slot: number, features: Record<string, unknown>): boolean {
    const masked = this.maskFields;
    let layout = this.last;
    let n = 0;
    let hasText = false;
    // Checked whole before anything is written. for-in: nothing allocated per feature.
    for (const name in features) {
      if (!Object.hasOwn(features, name)) continue;
      if (layout !== undefined && layout.names[n] !== name) layout = undefined;
      const value = features[name];
      if (typeof value === 'string') hasText = true;
      else if (typeof value !== 'number' && value !== null && !(masked.size > 0 && masked.has(name))) return false;
      n += 1;
    }
    if (layout === undefined || layout.names.length !== n) layout = this.layoutOf(features, n);
    this.last = layout;
    this.reserve(slot, n);

    const values = this.values;
    const kinds = this.kinds;
    const base = slot * this.stride;
    const texts = hasText ? new Array<string>(n) : undefined;
    let j = 0;
    for (const name in features) {
      if (!Object.hasOwn(features, name)) continue;
      const value = features[name];
      const at = base + j;
      if (layout.masked[j] === 1) kinds[at] = MASKED;
      else if (typeof value === 'number' && Number.isFinite(value)) {
        kinds[at] = NUMBER;
        values[at] = value;
      } else if (typeof value === 'string') {
        kinds[at] = TEXT;
        texts![j] = value;
      } else kinds[at] = NULL;
      j += 1;
    }
    this.layouts[slot] = layout;
    this.texts[slot] = texts;
    return true;
  }

  /** The features of `slot` as a frozen object, keys in the order they were written. */
  read(slot: number): Record<string, FeatureValue> {
    const layout = this.layouts[slot]!;
    const texts = this.texts[slot];
    const base = slot * this.stride;
    const out: Record<string, FeatureValue> = {};
    for (let j = 0; j < layout.names.length; j++) {
      const kind = this.kinds[base + j];
      const value = kind === NUMBER ? this.values[base + j] : kind === NULL ? null : kind === MASKED ? MASKED_VALUE : texts![j];
      put(out, layout.names[j], value);
    }
    return Object.freeze(out);
  }

  private layoutOf(features: Record<string, unknown>, n: number): FeatureLayout {
    const names: string[] = new Array<string>(n);
    const masked = new Uint8Array(n);
    let j = 0;
    for (const name in features) {
      if (!Object.hasOwn(features, name)) continue;
      names[j] = name;
      if (this.maskFields.has(name)) masked[j] = 1;
      j += 1;
    }
    return { names, masked };
  }

  /** Room for row `slot` with `width` columns: grows the rows (doubling) or the columns (copying rows). */
  private reserve(slot: number, width: number): void {
    if (slot < this.rows && width <= this.stride) return;
    const stride = Math.max(width, this.stride);
    const rows = slot < this.rows ? this.rows : Math.min(this.capacity, Math.max(slot + 1, this.rows * 2, FIRST_ROWS));
    const values = new Float64Array(rows * stride);
    const kinds = new Uint8Array(rows * stride);
    if (stride === this.stride) {
      values.set(this.values);
      kinds.set(this.kinds);
    } else {
      for (let r = 0; r < this.rows; r++) {
        values.set(this.values.subarray(r * this.stride, (r + 1) * this.stride), r * stride);
        kinds.set(this.kinds.subarray(r * this.stride, (r + 1) * this.stride), r * stride);
      }
    }
    this.values = values;
    this.kinds = kinds;
    this.stride = stride;
    this.rows = rows;
  }
}

export class MemoryPredictionLog implements PredictionLog {
  readonly backend = 'memory';
  readonly queryable = true;
  private readonly capacity: number;
  private readonly maskFields: ReadonlySet<string>;
  /** The stored records without their features (`prepareHead`'s), by slot. */
  private readonly heads: (PredictionRecord | undefined)[];
  private readonly features: PackedFeatures;
  /**
   * Transaction id → the sequence number of its current decision (first, or latest rescore),
   * while that record is in the ring. Record number `s` (counted from 0) lives in slot `s % capacity`.
   */
  private readonly current = new Map<string, number>();
  /** Records stored, which is also the sequence number of the next one. */
  private written = 0;
  private dropped = 0;
  private duplicates = 0;
  private closed = false;

  constructor(options: MemoryPredictionLogOptions = {}) {
    const { maxSize, maskFields } = resolveCommonOptions(options);
    this.capacity = maxSize;
    this.maskFields = maskFields;
    this.heads = new Array<PredictionRecord | undefined>(maxSize);
    this.features = new PackedFeatures(maxSize, maskFields);
  }

  append(record: PredictionRecord): void {
    if (this.closed || !this.store(record)) this.dropped += 1;
  }

  /** Validates and stores one record in the next slot; false (nothing changed) if it is refused. */
  private store(record: PredictionRecord): boolean {
    try {
      // Everything but the features goes through the shared preparation (validation, masking of
      // the explanation and reasons), so this backend stores what the others do.
      let head = prepareHead(record, this.maskFields);
      if (head === undefined) return false;
      const seq = this.written;
      const slot = seq % this.capacity;
      if (!this.features.write(slot, record.features)) return false;
      // Identified before the eviction below, as the ring of whole records did.
      const id = head.transaction_id;
      if (id !== undefined) head = this.identify(head, id, seq);
      const evictedId = this.heads[slot]?.transaction_id;
      if (evictedId !== undefined && this.current.get(evictedId) === seq - this.capacity) this.current.delete(evictedId);
      this.heads[slot] = head;
      this.written += 1;
      return true;
    } catch {
      // Exotic input (throwing getters, a proxy) is refused, never thrown.
      return false;
    }
  }

  /** Flags a repeated transaction id as a duplicate, or makes record `seq` its id's current decision. */
  private identify(head: PredictionRecord, id: string, seq: number): PredictionRecord {
    if (head.repeat === undefined && this.current.has(id)) {
      this.duplicates += 1;
      return Object.freeze({ ...head, repeat: 'duplicate' as const });
    }
    if (head.repeat !== 'duplicate') this.current.set(id, seq);
    return head;
  }

  /** The whole stored record of a slot that holds one. */
  private record(slot: number): PredictionRecord {
    return Object.freeze({ ...this.heads[slot]!, features: this.features.read(slot) });
  }

  /** The slots of the newest `limit` records, newest first. */
  private newestSlots(limit: number): number[] {
    const n = Math.min(limit, this.written, this.capacity);
    const slots = new Array<number>(n);
    for (let i = 0; i < n; i++) slots[i] = (this.written - 1 - i) % this.capacity;
    return slots;
  }

  async latest(limit: number): Promise<PredictionRecord[]> {
    return this.newestSlots(checkLimit(limit, this.capacity)).map((slot) => this.record(slot));
  }

  async query(query: DecisionQuery): Promise<DecisionPage> {
    const checked = checkQuery(query, MAX_PAGE_SIZE);
    // The filters read no feature: the page is chosen among the heads, and only its records are rebuilt.
    const slotOf = new Map<PredictionRecord, number>();
    for (const slot of this.newestSlots(this.capacity)) slotOf.set(this.heads[slot]!, slot);
    const page = pageOf([...slotOf.keys()], checked);
    return { records: page.records.map((head) => this.record(slotOf.get(head)!)), next_cursor: page.next_cursor };
  }

  async get(transactionId: string): Promise<PredictionRecord | undefined> {
    const seq = this.current.get(transactionId);
    return seq === undefined ? undefined : this.record(seq % this.capacity);
  }

  stats(): PredictionLogStats {
    // Nothing waits, so nothing is lost for lack of room.
    return {
      buffered: 0,
      dropped: this.dropped,
      written: this.written,
      connected: !this.closed,
      dropping: false,
      duplicates: this.duplicates,
    };
  }

  async flush(): Promise<void> {
    // Nothing is ever pending: append stores synchronously.
  }

  async close(): Promise<void> {
    // The retained records stay readable after close; only new appends are refused.
    this.closed = true;
  }
}
