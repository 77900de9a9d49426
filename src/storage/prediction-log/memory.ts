/**
 * In-process prediction log: a ring holding the newest `maxSize` records. Meant for development,
 * tests and single-process deployments that only need the recent window; nothing survives a
 * restart. Writes are "confirmed" as soon as they are in the ring.
 *
 * Records are kept compactly, because every one of them outlives a few young-generation
 * collections and so gets promoted: as one object per record (id, scores, decision… exactly as
 * `prepareRecord` makes them, with an empty `features`) and the features packed into flat typed
 * arrays (one row per ring slot, one column per feature), with the names shared by every record
 * sending the same features in the same order. Kept as parsed objects, the features of the ULB
 * model's 30 numbers were ~35 heap objects per record, and the garbage collector's work on them
 * measured ~3 µs per /predict request. `latest()` rebuilds the records in the same shape and key
 * order `prepareRecord` gives.
 */

import type { FeatureValue, PredictionLog, PredictionLogOptions, PredictionLogStats, PredictionRecord } from './contract.js';
import { MASKED_VALUE } from './contract.js';
import { checkLimit, prepareRecord, resolveCommonOptions } from './records.js';

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

/** Stands in for the features in the stored record object; they live in `PackedFeatures`. */
const NO_FEATURES: Readonly<Record<string, FeatureValue>> = Object.freeze({});

/** Sets an own data property, even one named `__proto__` (which assignment would not create). */
function put(target: Record<string, FeatureValue>, name: string, value: FeatureValue): void {
  if (name === '__proto__') Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
  else target[name] = value;
}

/**
 * The features of every ring slot: numbers in a Float64Array and a kind per cell in a
 * Uint8Array (row = slot, `stride` columns), strings (rare in a model's features) in a per-slot
 * array, masked values as a kind only. Same rules as `prepareRecord`: a masked feature is stored
 * as "***", a non-finite number as null, anything but null, a string or a number refuses the record.
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

  /**
   * Packs `features` into `slot`. Returns false, leaving the slot as it was, when a value is not a
   * feature value.
   */
  write(slot: number, features: Record<string, unknown>): boolean {
    // Object.keys and Object.values: both copy from V8's caches, several times faster than a
    // for-in loop with own-property checks and keyed loads.
    const names = Object.keys(features);
    const values = Object.values(features);
    const n = names.length;
    const masked = this.maskFields;
    let layout = this.last;
    if (layout !== undefined && layout.names.length !== n) layout = undefined;
    let hasText = false;
    for (let j = 0; j < n; j++) {
      if (layout !== undefined && layout.names[j] !== names[j]) layout = undefined;
      const value = values[j];
      if (typeof value === 'string') hasText = true;
      else if (typeof value !== 'number' && value !== null && !(masked.size > 0 && masked.has(names[j]))) return false;
    }
    if (layout === undefined) layout = this.layoutOf(names);
    this.last = layout;
    this.reserve(slot, n);

    const numbers = this.values;
    const kinds = this.kinds;
    const base = slot * this.stride;
    const texts = hasText ? new Array<string>(n) : undefined;
    for (let j = 0; j < n; j++) {
      const value = values[j];
      const at = base + j;
      if (layout.masked[j] === 1) kinds[at] = MASKED;
      else if (typeof value === 'number') {
        if (Number.isFinite(value)) {
          kinds[at] = NUMBER;
          numbers[at] = value;
        } else kinds[at] = NULL;
      } else if (typeof value === 'string') {
        kinds[at] = TEXT;
        texts![j] = value;
      } else kinds[at] = NULL;
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

  private layoutOf(names: string[]): FeatureLayout {
    const masked = new Uint8Array(names.length);
    for (let j = 0; j < names.length; j++) if (this.maskFields.has(names[j])) masked[j] = 1;
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
  private readonly capacity: number;
  private readonly maskFields: ReadonlySet<string>;
  /** The stored records without their features (`NO_FEATURES`), by slot. */
  private readonly heads: (PredictionRecord | undefined)[];
  private readonly features: PackedFeatures;
  /** Slot of the oldest record, and how many are held. */
  private first = 0;
  private count = 0;
  private written = 0;
  private dropped = 0;
  private closed = false;

  constructor(options: MemoryPredictionLogOptions = {}) {
    const { maxSize, maskFields } = resolveCommonOptions(options);
    this.capacity = maxSize;
    this.maskFields = maskFields;
    this.heads = new Array<PredictionRecord | undefined>(maxSize);
    this.features = new PackedFeatures(maxSize, maskFields);
  }

  append(record: PredictionRecord): void {
    if (this.closed || !this.store(record)) {
      this.dropped += 1;
      return;
    }
    this.written += 1;
  }

  /** Validates and stores one record in the next slot; false (nothing changed) if it is refused. */
  private store(record: PredictionRecord): boolean {
    try {
      const features = (record as { features?: unknown }).features;
      if (typeof features !== 'object' || features === null || Array.isArray(features)) return false;
      // Everything but the features goes through the shared preparation (validation, masking of
      // the explanation), so this backend stores what the others do.
      const head = prepareRecord({ ...record, features: NO_FEATURES }, this.maskFields);
      if (head === undefined) return false;
      const slot = this.count < this.capacity ? (this.first + this.count) % this.capacity : this.first;
      if (!this.features.write(slot, features as Record<string, unknown>)) return false;
      this.heads[slot] = head;
      if (this.count < this.capacity) this.count += 1;
      else this.first = (this.first + 1) % this.capacity;
      return true;
    } catch {
      // Exotic input (throwing getters, a proxy) is refused, never thrown.
      return false;
    }
  }

  async latest(limit: number): Promise<PredictionRecord[]> {
    const n = Math.min(checkLimit(limit, this.capacity), this.count);
    const out = new Array<PredictionRecord>(n);
    for (let i = 0; i < n; i++) {
      const slot = (this.first + this.count - 1 - i) % this.capacity;
      out[i] = Object.freeze({ ...this.heads[slot]!, features: this.features.read(slot) });
    }
    return out;
  }

  stats(): PredictionLogStats {
    // Nothing waits, so nothing is lost for lack of room.
    return { buffered: 0, dropped: this.dropped, written: this.written, connected: !this.closed, dropping: false };
  }

  async flush(): Promise<void> {
    // Nothing is ever pending: append stores synchronously.
  }

  async close(): Promise<void> {
    // The retained records stay readable after close; only new appends are refused.
    this.closed = true;
  }
}
