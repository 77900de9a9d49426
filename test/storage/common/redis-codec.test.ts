/**
 * The Redis wire format round-trips: what a writer encodes is what every reader decodes, bit for
 * bit on float32 rows (NaN for missing or masked values included), and entries of another shape
 * are refused rather than misread.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  addCounts,
  copyEntityEvent,
  countsKey,
  decodeEntityEvent,
  decodeRecentRow,
  decodeRecord,
  decodeSampleRow,
  encodeEntityEvent,
  encodeRecentRow,
  encodeRecord,
  encodeSampleRow,
  recentKey,
  ROWS_FIELD,
  sampleKey,
  slotField,
} from '../../../src/storage/common/redis-codec.js';
import { MemoryPredictionLog, type PredictionRecord } from '../../../src/storage/index.js';
import { makeRecord } from '../prediction-log/conformance.js';

/** Values a stored row must keep exactly as float32: ordinary, tiny, huge, negative zero, missing. */
const ROW = Float32Array.from([12.5, -0, 1e-38, 3.4e38, Number.NaN, 0.1, -7, Number.POSITIVE_INFINITY]);
const M = ROW.length;

function sameFloat32(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let k = 0; k < expected.length; k++) {
    assert.ok(Object.is(actual[k], expected[k]), `${what}[${k}]: ${actual[k]} instead of ${expected[k]}`);
  }
}

describe('Redis codec: prediction-log records', () => {
  it('round-trips a stored record, explanation included', async () => {
    // What a store keeps is the prepared (masked, JSON-safe, frozen) record: take it from one.
    const log = new MemoryPredictionLog({ maskFields: ['merchant_category'] });
    log.append({
      ...makeRecord(3),
      explanation: { base_value: -2.5, contributions: [{ feature: 'amount', value: 13.5, shap: 0.25 }] },
    });
    const [prepared] = await log.latest(1);
    const raw = encodeRecord(prepared);
    assert.equal(typeof raw, 'string');
    assert.deepEqual(decodeRecord(raw), prepared);
    assert.equal((decodeRecord(raw) as PredictionRecord).features.merchant_category, '***');
  });

  it('refuses entries that are not JSON objects', () => {
    for (const raw of ['not json', '[1,2]', 'null', '42', '"text"', '']) assert.equal(decodeRecord(raw), undefined, raw);
  });
});

describe('Redis codec: drift-window keys and counts', () => {
  it('names the keys of a namespace', () => {
    assert.equal(countsKey('fraudlens:drift:v1:abc:', 1_700_000_100_000), 'fraudlens:drift:v1:abc:c:1700000100000');
    assert.equal(sampleKey('ns:', 60_000), 'ns:s:60000');
    assert.equal(recentKey('ns:'), 'ns:recent');
  });

  it('round-trips a count vector through the hash fields HINCRBY writes', () => {
    const counts = Float64Array.from([0, 3, 0, 17, 1, 0, 250]);
    // The hash as Redis holds it after the writer's HINCRBYs: non-zero slots and the row total.
    const hash: Record<string, string> = { [ROWS_FIELD]: '271' };
    for (let s = 0; s < counts.length; s++) if (counts[s] !== 0) hash[slotField(s)] = String(counts[s]);
    const back = new Float64Array(counts.length);
    assert.equal(addCounts(hash, back), 271);
    assert.deepEqual(back, counts);
    // Buckets add up; fields that are not slots of this layout, or not numbers, are ignored.
    assert.equal(addCounts({ ...hash, [slotField(99)]: '5', '-1': '5', x: '5', [slotField(1)]: 'many' }, back), 271);
    assert.deepEqual(Array.from(back), [0, 3, 0, 34, 2, 0, 500]);
  });
});

describe('Redis codec: drift-window rows', () => {
  it('round-trips a sample-set member: key, score and float32 values', () => {
    const values = new Float32Array(3 * M);
    values.set(ROW, M); // row 1 of a flat block
    const key = 0.123456789012345;
    const score = 0.987654321;
    const raw = encodeSampleRow(key, score, values, M, M);
    const keys = new Float64Array(2);
    const scores = new Float64Array(2);
    const out = new Float32Array(2 * M);
    assert.equal(decodeSampleRow(raw, M, keys, scores, out, 1), true);
    assert.equal(keys[1], key);
    assert.equal(scores[1], score);
    sameFloat32(out.subarray(M, 2 * M), ROW, 'sample row');
    assert.deepEqual(Array.from(out.subarray(0, M)), new Array<number>(M).fill(0), 'other rows untouched');
  });

  it('round-trips a recent-list item: score and float32 values', () => {
    const raw = encodeRecentRow(0.5, ROW, 0, M);
    const scores = new Float64Array(1);
    const out = new Float32Array(M);
    assert.equal(decodeRecentRow(raw, M, scores, out, 0), true);
    assert.equal(scores[0], 0.5);
    sameFloat32(out, ROW, 'recent row');
  });

  it('refuses rows of another shape (another layout, or not base64 of a row), writing nothing', () => {
    const scores = new Float64Array(1);
    const keys = new Float64Array(1);
    const out = new Float32Array(M);
    const otherWidth = encodeRecentRow(0.5, ROW, 0, M - 1);
    assert.equal(decodeRecentRow(otherWidth, M, scores, out, 0), false);
    assert.equal(
      decodeSampleRow(encodeRecentRow(0.5, ROW, 0, M), M, keys, scores, out, 0),
      false,
      'a recent item is not a sample member',
    );
    assert.equal(decodeSampleRow('not a row', M, keys, scores, out, 0), false);
    assert.deepEqual([scores[0], keys[0], ...out], new Array<number>(M + 2).fill(0));
  });
});

describe('Redis codec: entity list events', () => {
  // An entity keeping number slots 0 and 2 and string slots 1 and 0 (in that order).
  const fields = { valueSlots: Int32Array.of(0, 2), distinctSlots: Int32Array.of(1, 0) };
  const event = (time: number, numbers: number[], strings: string[]) => ({
    time,
    id: 'tx "1"',
    numbers: Float64Array.from(numbers),
    strings,
  });
  const blank = () => ({ time: -1, id: 'x', numbers: new Float64Array(3).fill(7), strings: ['x', 'x'] });

  it('writes the item as JSON: time, id, the numbers (a missing one null), the strings', () => {
    assert.equal(
      encodeEntityEvent(fields, event(1.5, [2, 99, NaN], ['a\u00e9', 'b"\\'])),
      `[1.5,"tx \\"1\\"",2,null,"b\\"\\\\","a\u00e9"]`,
    );
    // One encoding does not leak into the next (the parts are reused).
    assert.equal(
      encodeEntityEvent({ valueSlots: new Int32Array(0), distinctSlots: new Int32Array(0) }, event(3, [], [])),
      '[3,"tx \\"1\\""]',
    );
  });

  it('copies an event exactly as its item decodes, and refuses what the item cannot carry', () => {
    const cases = [
      event(1_700_000_000, [12.34, 5, -0], ['card', '']),
      event(0.1 + 0.2, [NaN, 0, 1e-320], ['\ud800 lone', 'm']),
      event(-0, [Number.MAX_VALUE, 0, -5], ['', 'é']),
      event(5, [Infinity, 0, 1], ['a', 'b']),
      event(5, [1, 0, -Infinity], ['a', 'b']),
      event(NaN, [1, 0, 1], ['a', 'b']),
      event(Infinity, [1, 0, 1], ['a', 'b']),
    ];
    for (const e of cases) {
      const decoded = blank();
      const copied = blank();
      const ok = decodeEntityEvent(fields, encodeEntityEvent(fields, e), decoded);
      assert.equal(copyEntityEvent(fields, e, copied), ok, `${e.time} ${[...e.numbers].join(' ')}`);
      if (!ok) {
        assert.deepEqual(copied, blank(), 'nothing written on a refusal');
        continue;
      }
      assert.ok(Object.is(copied.time, decoded.time));
      assert.equal(copied.id, decoded.id);
      assert.deepEqual(
        [...copied.numbers].map((x) => (Object.is(x, -0) ? '-0' : x)),
        [...decoded.numbers].map((x) => (Object.is(x, -0) ? '-0' : x)),
      );
      assert.deepEqual(copied.strings, decoded.strings);
    }
  });
});
