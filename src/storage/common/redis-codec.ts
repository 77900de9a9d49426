/**
 * The Redis wire format of every wing, encoded and decoded here only, so that what a writer
 * stores and what a reader (this process, another replica, a dashboard reading the list) expects
 * cannot drift apart.
 *
 * Prediction log:
 *   <key>                list: one JSON record per entry, newest at the head
 * Drift window (keys under a namespace: prefix, model version, fingerprint of the bins):
 *   <ns>c:<bucketStart>  hash: field <slot> = rows in that bin, field `rows` = rows in the bucket
 *   <ns>s:<bucketStart>  sorted set: the bucket's row sample, score = the row's random key,
 *                        member = base64 of [key float64][score float64][m values float32]
 *   <ns>recent           list: base64 of [score float64][m values float32], newest first
 * Entity state: see the section at the end of this file.
 * Numbers are little-endian. Rows travel as float32 (what the predictor reads) so a stored row
 * decodes to the very values it was binned from; NaN (missing, or a masked PII value) survives.
 */

import type { PredictionRecord } from '../prediction-log/contract.js';

// ----- prediction log -----

/** A prepared (validated, masked, JSON-safe) record as stored in the list. */
export function encodeRecord(record: PredictionRecord): string {
  return JSON.stringify(record);
}

/**
 * A list entry back as a record; undefined for an entry that is not a JSON object (another
 * writer's), which readers skip rather than fail on.
 */
export function decodeRecord(raw: string): PredictionRecord | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as PredictionRecord) : undefined;
  } catch {
    return undefined;
  }
}

// ----- drift window: keys -----

export function countsKey(namespace: string, bucketStart: number): string {
  return `${namespace}c:${bucketStart}`;
}

export function sampleKey(namespace: string, bucketStart: number): string {
  return `${namespace}s:${bucketStart}`;
}

export function recentKey(namespace: string): string {
  return `${namespace}recent`;
}

// ----- drift window: counts hash -----

/** The hash field holding a bucket's number of rows (the other fields are slot numbers). */
export const ROWS_FIELD = 'rows';

/** The hash field of one slot of the baseline's layout. */
export function slotField(slot: number): string {
  return String(slot);
}

/**
 * Adds a bucket's counts hash into `counts` (fields that are not slots of it are ignored, as
 * are values that are not numbers) and returns the bucket's rows.
 * @param hash the HGETALL reply
 * @param counts the window's count vector, one entry per slot
 */
export function addCounts(hash: Readonly<Record<string, string>>, counts: Float64Array): number {
  let rows = 0;
  for (const field of Object.keys(hash)) {
    const value = Number(hash[field]);
    if (!Number.isFinite(value)) continue;
    if (field === ROWS_FIELD) {
      rows = value;
      continue;
    }
    const slot = Number(field);
    if (Number.isInteger(slot) && slot >= 0 && slot < counts.length) counts[slot] += value;
  }
  return rows;
}

// ----- drift window: rows -----

const SAMPLE_HEADER = 16;
const RECENT_HEADER = 8;

/**
 * A sample-set member: the row's sampling key, its score and its values.
 * @param values flat row-major values; the row is values[offset .. offset + m)
 */
export function encodeSampleRow(key: number, score: number, values: ArrayLike<number>, offset: number, m: number): string {
  const buf = Buffer.allocUnsafe(SAMPLE_HEADER + 4 * m);
  buf.writeDoubleLE(key, 0);
  buf.writeDoubleLE(score, 8);
  for (let k = 0; k < m; k++) buf.writeFloatLE(values[offset + k], SAMPLE_HEADER + 4 * k);
  return buf.toString('base64');
}

/**
 * Decodes a sample-set member into row `at` of the given arrays; false (nothing written) for a
 * member of another shape. The key inside equals the member's score in the set (the same double).
 */
export function decodeSampleRow(
  raw: string,
  m: number,
  keys: Float64Array,
  scores: Float64Array,
  values: Float32Array,
  at: number,
): boolean {
  const buf = Buffer.from(raw, 'base64');
  if (buf.length !== SAMPLE_HEADER + 4 * m) return false;
  keys[at] = buf.readDoubleLE(0);
  scores[at] = buf.readDoubleLE(8);
  for (let k = 0; k < m; k++) values[at * m + k] = buf.readFloatLE(SAMPLE_HEADER + 4 * k);
  return true;
}

/** A recent-list item: the row's score and values (values[offset .. offset + m)). */
export function encodeRecentRow(score: number, values: ArrayLike<number>, offset: number, m: number): string {
  const buf = Buffer.allocUnsafe(RECENT_HEADER + 4 * m);
  buf.writeDoubleLE(score, 0);
  for (let k = 0; k < m; k++) buf.writeFloatLE(values[offset + k], RECENT_HEADER + 4 * k);
  return buf.toString('base64');
}

/** Decodes a recent-list item into row `at`; false (nothing written) for an item of another shape. */
export function decodeRecentRow(raw: string, m: number, scores: Float64Array, values: Float32Array, at: number): boolean {
  const buf = Buffer.from(raw, 'base64');
  if (buf.length !== RECENT_HEADER + 4 * m) return false;
  scores[at] = buf.readDoubleLE(0);
  for (let k = 0; k < m; k++) values[at * m + k] = buf.readFloatLE(RECENT_HEADER + 4 * k);
  return true;
}

// ----- entity state -----
//
// Keys (a namespace: prefix, then a fingerprint of the definitions, so changed definitions never
// read states built by others):
//   <ns>e:<entity>:<key>   list: [marker, head, event, event, ...]; marker = "B<base>", head = the
//                          EntityState JSON ('' while nothing was folded), each event one JSON array
//                          [time, id, value..., distinct key...] of the fields that entity keeps
//   <ns>id:<event id>      string, set NX with an expiry: the duplicate rule across replicas
// <base> counts the events folded into the head; the state of the entity is the head's state with
// the events after it replayed, in list order, so the event at absolute position n (1-based) sits
// at index n - base + 1. The marker is apart from the head so that the script, which reads the
// marker on every event, never copies the head (tens of kilobytes for a busy card). A key pair's
// key joins its two keys with KEY_SEPARATOR.

/** Version of the list layout above; part of the namespace, so lists of another layout are never read. */
export const ENTITY_LIST_LAYOUT = 2;

export function entityStateListKey(namespace: string, entity: string, key: string): string {
  return `${namespace}e:${entity}:${key}`;
}

/** The SCAN pattern of every list of one entity (entity names hold no glob characters). */
export function entityStateListPattern(namespace: string, entity: string): string {
  return `${namespace}e:${entity}:*`;
}

export function eventIdKey(namespace: string, id: string): string {
  return `${namespace}id:${id}`;
}

/** A list's marker: `base` events folded into its head. */
export function encodeEntityMarker(base: number): string {
  return `B${base}`;
}

/** A list's marker back: the events folded into its head; undefined for another shape. */
export function decodeEntityMarker(raw: string): number | undefined {
  if (raw.charCodeAt(0) !== 66 /* B */ || raw.length < 2) return undefined;
  const base = Number(raw.slice(1));
  return Number.isSafeInteger(base) && base >= 0 ? base : undefined;
}

/** The fields of an event one entity keeps: number slots and string slots of the event record. */
export interface EntityEventFields {
  readonly valueSlots: Int32Array;
  readonly distinctSlots: Int32Array;
}

/** Plain numbers survive JSON exactly (shortest round-trip form); a missing one (NaN) is null. */
const jsonNumber = (x: number): string => (x === x ? String(x) : 'null');

/** The parts of the item being encoded, reused: one join makes a flat string, where `+=` left a rope to flatten later. */
const parts: string[] = [];

/**
 * One event as an entity list item: its time, its id and the fields that entity keeps.
 * @param event time, id, numbers and strings of the event record
 */
export function encodeEntityEvent(
  fields: EntityEventFields,
  event: { time: number; id: string; numbers: Float64Array; strings: readonly string[] },
): string {
  const nv = fields.valueSlots.length;
  const nd = fields.distinctSlots.length;
  parts.length = 2 + nv + nd;
  parts[0] = `[${jsonNumber(event.time)}`;
  parts[1] = JSON.stringify(event.id);
  for (let v = 0; v < nv; v++) parts[2 + v] = jsonNumber(event.numbers[fields.valueSlots[v]]);
  for (let d = 0; d < nd; d++) parts[2 + nv + d] = JSON.stringify(event.strings[fields.distinctSlots[d]]);
  parts[parts.length - 1] += ']';
  const text = parts.join(',');
  parts.fill('');
  return text;
}

/**
 * What decoding the item `encodeEntityEvent` makes of `event` would write into `into`, without
 * the JSON round trip: the same values (-0 becomes 0; a missing number stays NaN) and the same
 * refusal (false, nothing written) for an event that item could not carry (a time that is not
 * finite, an infinite value, whose text is no JSON).
 */
export function copyEntityEvent(
  fields: EntityEventFields,
  event: { time: number; id: string; numbers: Float64Array; strings: readonly string[] },
  into: { time: number; id: string; numbers: Float64Array; strings: string[] },
): boolean {
  if (!Number.isFinite(event.time)) return false;
  for (let v = 0; v < fields.valueSlots.length; v++) {
    const x = event.numbers[fields.valueSlots[v]];
    if (x === Infinity || x === -Infinity) return false;
  }
  into.time = event.time + 0;
  into.id = event.id;
  // x + 0 turns -0 into 0 (as its text "0" does) and leaves every other number, NaN included, as it is.
  for (let v = 0; v < fields.valueSlots.length; v++) into.numbers[fields.valueSlots[v]] = event.numbers[fields.valueSlots[v]] + 0;
  for (let d = 0; d < fields.distinctSlots.length; d++)
    into.strings[fields.distinctSlots[d]] = event.strings[fields.distinctSlots[d]];
  return true;
}

/**
 * Decodes an entity list item into `into` (only the entity's slots, the time and the id are
 * written); false (nothing usable) for an item of another shape.
 */
export function decodeEntityEvent(
  fields: EntityEventFields,
  raw: string,
  into: { time: number; id: string; numbers: Float64Array; strings: string[] },
): boolean {
  let items: unknown;
  try {
    items = JSON.parse(raw);
  } catch {
    return false;
  }
  const nv = fields.valueSlots.length;
  const nd = fields.distinctSlots.length;
  if (!Array.isArray(items) || items.length !== 2 + nv + nd || typeof items[0] !== 'number' || typeof items[1] !== 'string')
    return false;
  into.time = items[0];
  into.id = items[1];
  for (let v = 0; v < nv; v++) {
    const x: unknown = items[2 + v];
    into.numbers[fields.valueSlots[v]] = typeof x === 'number' ? x : NaN;
  }
  for (let d = 0; d < nd; d++) {
    const k: unknown = items[2 + nv + d];
    into.strings[fields.distinctSlots[d]] = typeof k === 'string' ? k : '';
  }
  return true;
}
