/**
 * In-process prediction log: a ring holding the newest `maxSize` records. Meant for development,
 * tests and single-process deployments that only need the recent window; nothing survives a
 * restart. Writes are "confirmed" as soon as they are in the ring. As a decision store it answers
 * queries over the ring and knows the current decision of every transaction id still in it, which
 * is also how it flags a repeated id as a duplicate.
 *
 * Records are kept in columns, with no object per record, because every record outlives a few
 * young-generation collections and so gets promoted: what gets promoted and later traced is what
 * a /predict request costs the collector. Numbers (timestamp as epoch ms, score, latency, amount)
 * sit in Float64Arrays, the decision and repeat flag in byte codes, the strings that repeat
 * (model version, risk level, rules version, model alias) as codes into small interned tables, a
 * UUID id as its 16 bytes; features are packed into rows of flat typed arrays under names shared
 * by every record that sends the same features in the same order. Only what is rare or shared is
 * kept by reference: transaction ids, the reasons (one shared reason object, or a copied list),
 * explanations, shadow verdicts, and ids or timestamps whose text the columns would not give back.
 * Reads rebuild each record whole, in the shape and key order `prepareRecord` gives.
 */

import type {
  Decision,
  DecisionPage,
  DecisionQuery,
  FeatureValue,
  PredictionExplanation,
  PredictionLog,
  PredictionLogOptions,
  PredictionLogStats,
  PredictionRecord,
  Reason,
} from './contract.js';
import { MASKED_VALUE, MAX_PAGE_SIZE } from './contract.js';
import { checkQuery, pageOf, type CheckedQuery } from './decision-query.js';
import { instantMs, isCanonicalInstant, isoInstant } from './instant.js';
import {
  checkLimit,
  isSharedReason,
  isValidHead,
  resolveCommonOptions,
  storedExplanation,
  storedReasons,
  storedShadow,
} from './records.js';

export type MemoryPredictionLogOptions = PredictionLogOptions;

/** What a packed cell holds. */
const NUMBER = 0;
const NULL = 1;
const TEXT = 2;
const MASKED = 3;

/** Rows allocated at first (features and heads), then doubled up to the ring's capacity. */
const FIRST_ROWS = 64;

/** The feature names of a record, in its key order, and which of them are masked. */
interface FeatureLayout {
  readonly names: readonly string[];
  readonly masked: Uint8Array;
}

/**
 * Own-property test of the for-in loops over features: V8 compiles `hasOwnProperty.call` inside
 * for-in to a check of the object's shape, where `Object.hasOwn` stays a call (a third of the
 * cost of packing the 30 features of the ULB model).
 */
const hasOwn = Object.prototype.hasOwnProperty;

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
      if (!hasOwn.call(features, name)) continue;
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
      if (!hasOwn.call(features, name)) continue;
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
      if (!hasOwn.call(features, name)) continue;
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

type ShadowVerdicts = NonNullable<PredictionRecord['shadow']>;

/** Stands in for the features of a record read for filtering only. */
const NO_FEATURES: Readonly<Record<string, FeatureValue>> = Object.freeze({});

const DECISION_NAMES: readonly Decision[] = ['approve', 'review', 'decline'];
const DECISION_CODES: Readonly<Record<Decision, number>> = { approve: 0, review: 1, decline: 2 };
/** `repeat` as the record gave it, by code; a duplicate this store flagged has its own code. */
const REPEAT_NAMES = [undefined, 'duplicate', 'rescore', undefined] as const;
const NO_REPEAT = 0;
const DUPLICATE = 1;
const RESCORE = 2;
/** A repeated transaction id this store flagged: `repeat` comes last, as the Redis store appends it. */
const FLAGGED_DUPLICATE = 3;

/** Bits of a slot's `shape`: which optional fields it has, and where its values are kept. */
const HAS_AMOUNT = 1;
/** `reasons[slot]` is one shared reason, given back as a one-reason list. */
const ONE_SHARED_REASON = 2;
/** `reasons[slot]` is the stored list of reasons. */
const REASON_LIST = 4;
const HAS_EXPLANATION = 8;
const HAS_SHADOW = 16;
/** The timestamp is not the ISO text of its epoch ms (another format, or finer than ms): its text is kept. */
const TIMESTAMP_TEXT = 32;
/** The id is not a lowercase UUID: its text is kept. */
const ID_TEXT = 64;

/** Interned-column codes below the table's. */
const ABSENT = 0;
const OVERFLOW = 1;
const FIRST_CODE = 2;
/** The most distinct strings one column interns; further ones are kept per slot (a bound, not an expectation). */
const MAX_INTERNED = 1024;

/**
 * A string field whose values repeat (model version, rules version…): a Uint16 code per slot into
 * a table of the distinct strings seen. Past `MAX_INTERNED` distinct strings, new ones are kept
 * per slot instead, so a caller sending a new string every time cannot grow the table forever.
 */
class InternedColumn {
  private codes = new Uint16Array(0);
  private readonly table: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly overflow = new Map<number, string>();

  grow(rows: number): void {
    const codes = new Uint16Array(rows);
    codes.set(this.codes);
    this.codes = codes;
  }

  write(slot: number, value: string | undefined): void {
    if (this.codes[slot] === OVERFLOW) this.overflow.delete(slot);
    if (value === undefined) {
      this.codes[slot] = ABSENT;
      return;
    }
    let code = this.index.get(value);
    if (code === undefined) {
      if (this.table.length === MAX_INTERNED) {
        this.codes[slot] = OVERFLOW;
        this.overflow.set(slot, value);
        return;
      }
      code = FIRST_CODE + this.table.length;
      this.table.push(value);
      this.index.set(value, code);
    }
    this.codes[slot] = code;
  }

  read(slot: number): string | undefined {
    const code = this.codes[slot];
    return code === ABSENT ? undefined : code === OVERFLOW ? this.overflow.get(slot) : this.table[code - FIRST_CODE];
  }
}

/** Hex digit value by character code (-1: not a lowercase hex digit). */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let c = 0; c < 10; c++) HEX_VALUE[48 + c] = c;
for (let c = 0; c < 6; c++) HEX_VALUE[97 + c] = 10 + c;

const UUID_BYTES = 16;
const UUID_LENGTH = 36;
const DASH = 45;

/**
 * Writes the 16 bytes of `id` at `at` if it is a UUID as randomUUID writes it (lowercase, dashed),
 * which they then give back exactly; false otherwise (the bytes written are then meaningless).
 */
function packUuid(id: string, bytes: Uint8Array, at: number): boolean {
  if (id.length !== UUID_LENGTH) return false;
  let j = at;
  for (let i = 0; i < UUID_LENGTH; i += 2) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (id.charCodeAt(i) !== DASH) return false;
      i += 1;
    }
    const high = id.charCodeAt(i);
    const low = id.charCodeAt(i + 1);
    if (high >= 128 || low >= 128) return false;
    const byte = (HEX_VALUE[high] << 4) | HEX_VALUE[low];
    if (byte < 0) return false;
    bytes[j++] = byte;
  }
  return true;
}

/** Where the two hex digits of each of a UUID's 16 bytes go in its text. */
const UUID_DIGIT_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
/** The two lowercase hex digits of every byte, as character codes. */
const HEX_DIGITS = Buffer.from(Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0')).join(''), 'latin1');
/** The text of the UUID being unpacked; its dashes never change. */
const uuidText = Buffer.alloc(UUID_LENGTH, DASH);

/** The UUID text of 16 bytes at `at`: digits into a scratch buffer, then one string (a whole-ring read unpacks thousands). */
function unpackUuid(bytes: Uint8Array, at: number): string {
  for (let k = 0; k < UUID_BYTES; k++) {
    const b = bytes[at + k];
    uuidText[UUID_DIGIT_AT[k]] = HEX_DIGITS[2 * b];
    uuidText[UUID_DIGIT_AT[k] + 1] = HEX_DIGITS[2 * b + 1];
  }
  return uuidText.toString('latin1');
}

export class MemoryPredictionLog implements PredictionLog {
  readonly backend = 'memory';
  readonly queryable = true;
  private readonly capacity: number;
  private readonly maskFields: ReadonlySet<string>;
  private readonly features: PackedFeatures;

  // The head of every slot (everything but the features), one column per field.
  /** Slots the head columns have room for. */
  private rows = 0;
  private shape = new Uint8Array(0);
  private uuids = new Uint8Array(0);
  private timestamps = new Float64Array(0);
  private scores = new Float64Array(0);
  private latencies = new Float64Array(0);
  private amounts = new Float64Array(0);
  private decisions = new Uint8Array(0);
  private repeats = new Uint8Array(0);
  private readonly modelVersions = new InternedColumn();
  private readonly riskLevels = new InternedColumn();
  private readonly rulesVersions = new InternedColumn();
  private readonly modelAliases = new InternedColumn();
  private readonly transactionIds: (string | undefined)[] = [];
  /** A shared reason (`ONE_SHARED_REASON`) or a stored list (`REASON_LIST`), by slot. */
  private readonly reasons: (Reason | Reason[] | undefined)[] = [];
  // Rare values, by slot: present only while their slot's shape says so.
  private readonly idTexts = new Map<number, string>();
  private readonly timestampTexts = new Map<number, string>();
  private readonly explanations = new Map<number, PredictionExplanation>();
  private readonly shadows = new Map<number, ShadowVerdicts>();
  /** Reasons `isShared` found shareable for good. */
  private readonly sharedReasons = new WeakSet<Reason>();
  private lastShared: Reason | undefined;

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
    this.features = new PackedFeatures(maxSize, maskFields);
  }

  append(record: PredictionRecord): void {
    if (this.closed || !this.store(record)) this.dropped += 1;
  }

  /** Validates and stores one record in the next slot; false (nothing changed) if it is refused. */
  private store(record: PredictionRecord): boolean {
    try {
      // The checks and copies are the other backends' (`prepareRecord`'s), so this one stores
      // what they do; everything that can refuse the record runs before any column is written.
      if (!isValidHead(record)) return false;
      const { id, timestamp, model_version, score, decision, risk_level, latency_ms, transaction_id, features, explanation } =
        record;
      const { rules_version, reasons, repeat, amount, model_alias, shadow } = record;
      const masked = this.maskFields;
      let reasonShape = 0;
      let storedReason: Reason | Reason[] | undefined;
      if (reasons !== undefined) {
        // Most decisions give one shared reason (the threshold's or the rule's): kept by reference.
        if (reasons.length === 1 && this.isShared(reasons[0])) {
          reasonShape = ONE_SHARED_REASON;
          storedReason = reasons[0];
        } else {
          reasonShape = REASON_LIST;
          storedReason = storedReasons(reasons, masked);
        }
      }
      const keptExplanation = explanation === undefined ? undefined : storedExplanation(explanation, masked);
      const keptShadow = shadow === undefined ? undefined : storedShadow(shadow);
      const seq = this.written;
      const slot = seq % this.capacity;
      if (!this.features.write(slot, features)) return false;

      // Identified before the eviction below, as the ring of whole records did.
      let repeatCode = repeat === 'rescore' ? RESCORE : repeat === 'duplicate' ? DUPLICATE : NO_REPEAT;
      if (transaction_id !== undefined) {
        if (repeatCode === NO_REPEAT && this.current.has(transaction_id)) {
          this.duplicates += 1;
          repeatCode = FLAGGED_DUPLICATE;
        } else if (repeatCode !== DUPLICATE) this.current.set(transaction_id, seq);
      }
      if (slot >= this.rows) this.growHeads(slot);
      const evictedId = this.transactionIds[slot];
      if (evictedId !== undefined && this.current.get(evictedId) === seq - this.capacity) this.current.delete(evictedId);

      const before = this.shape[slot];
      let shape = reasonShape;
      if ((before & ID_TEXT) !== 0) this.idTexts.delete(slot);
      if (!packUuid(id, this.uuids, slot * UUID_BYTES)) {
        shape |= ID_TEXT;
        this.idTexts.set(slot, id);
      }
      this.timestamps[slot] = instantMs(timestamp);
      if ((before & TIMESTAMP_TEXT) !== 0) this.timestampTexts.delete(slot);
      if (!isCanonicalInstant(timestamp)) {
        shape |= TIMESTAMP_TEXT;
        this.timestampTexts.set(slot, timestamp);
      }
      this.modelVersions.write(slot, model_version);
      this.scores[slot] = score;
      this.decisions[slot] = DECISION_CODES[decision];
      this.riskLevels.write(slot, risk_level);
      this.latencies[slot] = latency_ms;
      this.transactionIds[slot] = transaction_id;
      this.rulesVersions.write(slot, rules_version);
      if (amount !== undefined) {
        shape |= HAS_AMOUNT;
        this.amounts[slot] = amount;
      }
      this.reasons[slot] = storedReason;
      this.repeats[slot] = repeatCode;
      this.modelAliases.write(slot, model_alias);
      if ((before & HAS_SHADOW) !== 0) this.shadows.delete(slot);
      if (keptShadow !== undefined) {
        shape |= HAS_SHADOW;
        this.shadows.set(slot, keptShadow);
      }
      if ((before & HAS_EXPLANATION) !== 0) this.explanations.delete(slot);
      if (keptExplanation !== undefined) {
        shape |= HAS_EXPLANATION;
        this.explanations.set(slot, keptExplanation);
      }
      this.shape[slot] = shape;
      this.written += 1;
      return true;
    } catch {
      // Exotic input (throwing getters, a proxy, data JSON cannot hold) is refused, never thrown.
      return false;
    }
  }

  /**
   * Whether a reason is kept by reference (`isSharedReason`). A frozen object of data properties
   * cannot change, so the answer is remembered: the few reasons most decisions share are checked once.
   */
  private isShared(reason: Reason): boolean {
    // Consecutive decisions mostly give the same reason (the approval's): a compare, not a lookup.
    if (reason === this.lastShared || this.sharedReasons.has(reason)) {
      this.lastShared = reason;
      return true;
    }
    if (!isSharedReason(reason, this.maskFields)) return false;
    // A getter could answer differently next time: such a reason is checked every time.
    if (Object.values(Object.getOwnPropertyDescriptors(reason)).every((d) => 'value' in d)) {
      this.sharedReasons.add(reason);
      this.lastShared = reason;
    }
    return true;
  }

  /** Room in the head columns for `slot`: rows doubled, up to the capacity. */
  private growHeads(slot: number): void {
    const rows = Math.min(this.capacity, Math.max(slot + 1, this.rows * 2, FIRST_ROWS));
    const grown = <T extends Float64Array | Uint8Array>(old: T, make: (n: number) => T, width = 1): T => {
      const column = make(rows * width);
      column.set(old);
      return column;
    };
    this.shape = grown(this.shape, (n) => new Uint8Array(n));
    this.uuids = grown(this.uuids, (n) => new Uint8Array(n), UUID_BYTES);
    this.timestamps = grown(this.timestamps, (n) => new Float64Array(n));
    this.scores = grown(this.scores, (n) => new Float64Array(n));
    this.latencies = grown(this.latencies, (n) => new Float64Array(n));
    this.amounts = grown(this.amounts, (n) => new Float64Array(n));
    this.decisions = grown(this.decisions, (n) => new Uint8Array(n));
    this.repeats = grown(this.repeats, (n) => new Uint8Array(n));
    for (const column of [this.modelVersions, this.riskLevels, this.rulesVersions, this.modelAliases]) column.grow(rows);
    this.rows = rows;
  }

  /** The stored record of a slot that holds one, rebuilt in `prepareRecord`'s key order. */
  private record(slot: number): PredictionRecord {
    return Object.freeze(this.head(slot, this.features.read(slot)));
  }

  /** The record of a slot with the given features, not frozen: `query` filters such records without their own features. */
  private head(slot: number, features: Record<string, FeatureValue>): PredictionRecord {
    const shape = this.shape[slot];
    const out: PredictionRecord = {
      id: (shape & ID_TEXT) !== 0 ? this.idTexts.get(slot)! : unpackUuid(this.uuids, slot * UUID_BYTES),
      timestamp: (shape & TIMESTAMP_TEXT) !== 0 ? this.timestampTexts.get(slot)! : isoInstant(this.timestamps[slot]),
      model_version: this.modelVersions.read(slot)!,
      score: this.scores[slot],
      decision: DECISION_NAMES[this.decisions[slot]],
      risk_level: this.riskLevels.read(slot) as PredictionRecord['risk_level'],
      latency_ms: this.latencies[slot],
      features,
    };
    const transactionId = this.transactionIds[slot];
    if (transactionId !== undefined) out.transaction_id = transactionId;
    const rulesVersion = this.rulesVersions.read(slot);
    if (rulesVersion !== undefined) out.rules_version = rulesVersion;
    if ((shape & HAS_AMOUNT) !== 0) out.amount = this.amounts[slot];
    if ((shape & ONE_SHARED_REASON) !== 0) out.reasons = [this.reasons[slot] as Reason];
    // A list of its own for each reader: one changing it must not change what is stored.
    else if ((shape & REASON_LIST) !== 0) out.reasons = (this.reasons[slot] as Reason[]).slice();
    const repeat = REPEAT_NAMES[this.repeats[slot]];
    if (repeat !== undefined) out.repeat = repeat;
    const modelAlias = this.modelAliases.read(slot);
    if (modelAlias !== undefined) out.model_alias = modelAlias;
    if ((shape & HAS_SHADOW) !== 0) out.shadow = this.shadows.get(slot);
    if ((shape & HAS_EXPLANATION) !== 0) out.explanation = this.explanations.get(slot);
    if (this.repeats[slot] === FLAGGED_DUPLICATE) out.repeat = 'duplicate';
    return out;
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
    // The filters read no feature: the page is chosen among the heads, and only its records get
    // theirs. Slots the columns already rule out are not rebuilt at all.
    const slotOf = new Map<PredictionRecord, number>();
    for (const slot of this.newestSlots(this.capacity)) {
      if (this.mayMatch(slot, checked)) slotOf.set(this.head(slot, NO_FEATURES), slot);
    }
    const page = pageOf([...slotOf.keys()], checked);
    return { records: page.records.map((head) => this.record(slotOf.get(head)!)), next_cursor: page.next_cursor };
  }

  /**
   * False when the columns show that a slot fails one of the query's filters on a single field.
   * Only a shortcut: `pageOf` still applies every filter to the rebuilt records.
   */
  private mayMatch(slot: number, q: CheckedQuery): boolean {
    if (q.decision !== undefined && DECISION_NAMES[this.decisions[slot]] !== q.decision) return false;
    if (q.transactionId !== undefined && this.transactionIds[slot] !== q.transactionId) return false;
    const score = this.scores[slot];
    if (q.scoreMin !== undefined && !(score >= q.scoreMin)) return false;
    if (q.scoreMax !== undefined && !(score <= q.scoreMax)) return false;
    if (q.modelVersion !== undefined && this.modelVersions.read(slot) !== q.modelVersion) return false;
    // The ms Date.parse reads from the timestamp, as the filter does.
    const ms = this.timestamps[slot];
    if (q.fromMs !== undefined && ms < q.fromMs) return false;
    if (q.toMs !== undefined && ms >= q.toMs) return false;
    if (q.amountMin !== undefined || q.amountMax !== undefined) {
      if ((this.shape[slot] & HAS_AMOUNT) === 0) return false;
      const amount = this.amounts[slot];
      if (q.amountMin !== undefined && !(amount >= q.amountMin)) return false;
      if (q.amountMax !== undefined && !(amount <= q.amountMax)) return false;
    }
    return true;
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
