/**
 * Memory backend: the shared conformance suite, plus its defaults and option checks (the ring
 * buffer it is built on: test/storage/common/ring-buffer.test.ts).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FraudlensError } from '../../../src/core/errors.js';
import { checkQuery, pageOf } from '../../../src/storage/prediction-log/decision-query.js';
import { prepareRecord } from '../../../src/storage/prediction-log/records.js';
import {
  MemoryPredictionLog,
  type DecisionQuery,
  type FeatureValue,
  type PredictionRecord,
  type Reason,
} from '../../../src/storage/index.js';
import { makeRecord, runPredictionLogConformance } from './conformance.js';

runPredictionLogConformance('memory', (spec) => new MemoryPredictionLog({ maxSize: spec.maxSize, maskFields: spec.maskFields }));

describe('MemoryPredictionLog', () => {
  it('defaults to a 5000-record window', async () => {
    const store = new MemoryPredictionLog();
    for (let i = 0; i < 5003; i += 1) store.append(makeRecord(i));
    const all = await store.latest(10_000);
    assert.equal(all.length, 5000);
    assert.equal(all[0].id, 'p-5002');
    assert.equal(all[4999].id, 'p-3');
  });

  it('with capacity 1 keeps exactly the newest record', async () => {
    const store = new MemoryPredictionLog({ maxSize: 1 });
    store.append(makeRecord(0));
    store.append(makeRecord(1));
    assert.deepEqual(
      (await store.latest(5)).map((r) => r.id),
      ['p-1'],
    );
  });

  it('keeps features of changing names, order and width, through growth and wrap-around', async () => {
    // The store packs features into rows of typed arrays, one layout per run of records sending
    // the same names in the same order; what it returns must not depend on that.
    const capacity = 150;
    const store = new MemoryPredictionLog({ maxSize: capacity, maskFields: ['secret'] });
    const expected: PredictionRecord[] = [];
    for (let i = 0; i < 400; i++) {
      const features: Record<string, FeatureValue> =
        i % 3 === 0
          ? { a: i, b: `x${i}` }
          : i % 3 === 1
            ? { b: null, a: i + 0.5, c: Infinity, secret: 'pan' }
            : { z: i, y: -0, x: Number.MIN_VALUE, w: 'long', v: null, u: 1e300, secret: 7 };
      // Wider layouts appear only after the first rows were allocated, and again after a wrap.
      if (i > 100 && i % 7 === 0) features[`extra_${i % 5}`] = i;
      const record = { ...makeRecord(i), features };
      store.append(record);
      const want: Record<string, FeatureValue> = {};
      for (const [k, v] of Object.entries(features))
        want[k] = k === 'secret' ? '***' : typeof v === 'number' && !Number.isFinite(v) ? null : v;
      expected.push({ ...record, features: want });
    }
    const got = await store.latest(capacity);
    assert.equal(got.length, capacity);
    assert.deepEqual(got, expected.slice(-capacity).reverse());
    assert.ok(got.every((r) => Object.isFrozen(r) && Object.isFrozen(r.features)));
    assert.deepEqual(Object.keys(got[0].features), Object.keys(expected[399].features), 'key order is kept');
    assert.equal(Object.is(got[1].features.y, -0), true, 'numbers come back bit for bit');
  });

  it('refuses a record with a non-feature value without disturbing the slot it would have taken', async () => {
    const store = new MemoryPredictionLog({ maxSize: 2 });
    store.append(makeRecord(0));
    store.append(makeRecord(1));
    store.append({ ...makeRecord(2), features: { amount: 1, nested: { no: 1 } as unknown as FeatureValue } });
    assert.deepEqual(
      (await store.latest(5)).map((r) => [r.id, r.features]),
      [
        ['p-1', makeRecord(1).features],
        ['p-0', makeRecord(0).features],
      ],
    );
    assert.equal(store.stats().dropped, 1);
  });

  it('knows the current decision of an id only while its record is in the ring, features and all', async () => {
    const store = new MemoryPredictionLog({ maxSize: 3 });
    store.append({ ...makeRecord(0), transaction_id: 'tx-old' });
    store.append({ ...makeRecord(1), transaction_id: 'tx-kept' });
    store.append({ ...makeRecord(2), transaction_id: 'tx-kept' });
    // Record 3 takes record 0's slot: tx-old is forgotten, and its id is new again.
    store.append({ ...makeRecord(3), transaction_id: 'tx-new' });
    assert.equal(await store.get('tx-old'), undefined);
    assert.deepEqual(await store.get('tx-kept'), { ...makeRecord(1), transaction_id: 'tx-kept' });
    assert.deepEqual(await store.get('tx-new'), { ...makeRecord(3), transaction_id: 'tx-new' });
    // Record 4 takes record 1's slot, tx-kept's current decision: its duplicate (record 2) is still
    // in the ring but never becomes current.
    store.append({ ...makeRecord(4), transaction_id: 'tx-old' });
    assert.equal((await store.latest(1))[0].repeat, undefined, 'an id whose decision left the ring is not a duplicate');
    assert.equal(await store.get('tx-kept'), undefined);
    assert.equal((await store.query({ limit: 10, transaction_id: 'tx-kept' })).records[0].repeat, 'duplicate');
    assert.deepEqual(await store.get('tx-old'), { ...makeRecord(4), transaction_id: 'tx-old' });
    assert.equal(store.stats().duplicates, 1);
  });

  /**
   * Records covering every way the columns keep a field: present or absent, shared or copied,
   * masked, and texts the typed columns cannot give back (ids that are not lowercase UUIDs,
   * timestamps that are not the ISO text of their millisecond).
   */
  const sharedReason: Reason = Object.freeze({ kind: 'threshold', code: 'threshold_approve', text: 'score below 0.5' });
  const maskedReason: Reason = Object.freeze({
    kind: 'feature',
    code: 'secret',
    text: 'secret: pan',
    feature: 'secret',
    value: 'pan',
  });
  const timestamps = [
    '2024-01-01T12:00:00.000Z',
    '2024-01-01T12:00:00Z',
    '2024-01-01T13:00:00.250+01:00',
    '2024-01-01T12:00:00.123456Z',
    '2024-01-01',
    '+010000-01-01T00:00:00.000Z',
  ];
  function variedRecord(i: number): PredictionRecord {
    const base = makeRecord(i);
    const record: PredictionRecord = {
      ...base,
      // A UUID in randomUUID's form, or one the 16 bytes would not give back (upper case), or no UUID.
      id:
        i % 4 === 0
          ? `9b2e41c0-55aa-4f0e-8d3c-${i.toString(16).padStart(12, '0')}`
          : i % 4 === 1
            ? `9B2E41C0-55AA-4F0E-8D3C-${String(i).padStart(12, '0')}`
            : base.id,
      timestamp: i % 5 === 0 ? timestamps[(i / 5) % timestamps.length] : base.timestamp,
      model_version: `gbt-${i % 3}`,
      risk_level: (['low', 'medium', 'high'] as const)[i % 3],
      features: { amount: 10 + i, secret: 'pan', note: i % 2 === 0 ? null : `n${i}` },
    };
    if (i % 3 !== 0) record.transaction_id = `tx-${i % 7}`;
    if (i % 4 !== 1) record.rules_version = `rules-${i % 2}`;
    if (i % 5 !== 2) record.amount = i % 5 === 3 ? -0 : 10 + i / 8;
    if (i % 6 === 0) record.reasons = [sharedReason];
    else if (i % 6 === 1) record.reasons = [sharedReason, { kind: 'feature', code: 'amount', text: 'amount: 10' }];
    else if (i % 6 === 2) record.reasons = [maskedReason];
    else if (i % 6 === 3) record.reasons = [];
    else if (i % 6 === 4) record.reasons = [{ kind: 'rule', code: 'mutable', text: 'not frozen' }];
    if (i % 11 === 0) record.repeat = 'rescore';
    if (i % 2 === 0) record.model_alias = i % 4 === 0 ? 'champion' : 'deep';
    if (i % 8 === 0) record.shadow = [{ alias: 'shallow', model_version: 's1', score: i / 1000, decision: 'approve' }];
    if (i % 9 === 0)
      record.explanation = {
        base_value: -1,
        top: [
          { feature: 'secret', value: 'pan', contribution: 0.5 },
          { feature: 'amount', value: i },
        ],
      };
    return record;
  }

  /** Equal to what `prepareRecord` stores (the other backends' form), key order included. */
  function assertStoredAs(got: PredictionRecord, record: PredictionRecord, masked: ReadonlySet<string>, message: string): void {
    const want = prepareRecord(record, masked);
    assert.ok(want !== undefined, message);
    assert.deepEqual(got, want, message);
    assert.deepEqual(Object.keys(got), Object.keys(want), `${message}: key order`);
    assert.ok(Object.isFrozen(got), message);
  }

  it('rebuilds every field as prepareRecord stores it: present or absent, shared or copied, masked, odd ids and timestamps', async () => {
    const masked = new Set(['secret']);
    const store = new MemoryPredictionLog({ maxSize: 1000, maskFields: [...masked] });
    const records = Array.from({ length: 132 }, (_, i) => variedRecord(i));
    for (const record of records) store.append(record);
    assert.equal(store.stats().dropped, 0);
    const got = await store.latest(1000);
    assert.equal(got.length, records.length);
    let flagged = 0;
    for (let i = 0; i < records.length; i++) {
      const record = got[records.length - 1 - i];
      if (records[i].repeat === undefined && record.repeat === 'duplicate') {
        // The one field the store decides: a repeated transaction id, flagged last (as Redis appends it).
        flagged += 1;
        const want = { ...prepareRecord(records[i], masked)!, repeat: 'duplicate' };
        assert.deepEqual(record, want, `record ${i}`);
        assert.deepEqual(Object.keys(record), Object.keys(want), `record ${i}: key order`);
      } else assertStoredAs(record, records[i], masked, `record ${i}`);
    }
    assert.ok(flagged > 0);
    assert.equal(flagged, store.stats().duplicates);
    const byIndex = (i: number): PredictionRecord => got[records.length - 1 - i];
    assert.equal(byIndex(5).timestamp, '2024-01-01T12:00:00Z', 'a timestamp without milliseconds comes back as given');
    assert.equal(byIndex(0).timestamp, '2024-01-01T12:00:00.000Z');
    assert.equal(byIndex(15).timestamp, '2024-01-01T12:00:00.123456Z', 'finer than a millisecond: kept as given');
    assert.equal(byIndex(1).id, records[1].id, 'an upper-case UUID is not lowered');
    assert.equal(Object.is(byIndex(3).amount, -0), true, 'amounts come back bit for bit');
    assert.equal('amount' in byIndex(2), false, 'an absent amount stays absent');
    assert.equal('reasons' in byIndex(5), false, 'absent reasons stay absent');
    assert.deepEqual(byIndex(3).reasons, [], 'an empty list of reasons is kept');
    assert.equal(byIndex(0).reasons![0], sharedReason, 'a frozen reason is shared, not copied');
    assert.deepEqual(byIndex(2).reasons, [{ ...maskedReason, value: '***' }], 'a reason about a masked feature is masked');
    assert.deepEqual(byIndex(9).explanation, {
      base_value: -1,
      top: [
        { feature: 'secret', value: '***', contribution: 0.5 },
        { feature: 'amount', value: 9 },
      ],
    });
    // A reader changing the list of reasons it got does not change the stored one.
    for (const i of [0, 1]) {
      const read = (await store.latest(1000))[records.length - 1 - i];
      const before = structuredClone(read.reasons);
      (read.reasons as Reason[]).push({ kind: 'rule', code: 'x', text: 'added by a reader' });
      assert.deepEqual((await store.latest(1000))[records.length - 1 - i].reasons, before);
    }
  });

  it('wraps and grows without leaking one record’s optional fields into the next record of its slot', async () => {
    const masked = new Set(['secret']);
    // 150 slots grow from the first rows (64) by doubling, then wrap about two and a half times.
    const capacity = 150;
    const store = new MemoryPredictionLog({ maxSize: capacity, maskFields: [...masked] });
    const records: PredictionRecord[] = [];
    for (let i = 0; i < 400; i++) {
      // The offset gives each slot a record of another shape on every pass.
      const record = variedRecord(i * 7 + Math.floor(i / capacity));
      delete record.transaction_id; // the duplicates of the first test are not this one's subject
      records.push(record);
      store.append(record);
    }
    const got = await store.latest(capacity);
    assert.equal(got.length, capacity);
    for (let k = 0; k < capacity; k++) assertStoredAs(got[k], records[records.length - 1 - k], masked, `newest ${k}`);
  });

  it('answers queries and lookups by transaction id from the columns, after the ring wrapped', async () => {
    const store = new MemoryPredictionLog({ maxSize: 64 });
    const records: PredictionRecord[] = [];
    for (let i = 0; i < 200; i++) {
      const record: PredictionRecord = { ...variedRecord(i), features: { amount: i }, transaction_id: `tx-${i}` };
      delete record.repeat;
      records.push(record);
      store.append(record);
    }
    const none = new Set<string>();
    assert.equal(await store.get('tx-100'), undefined, 'evicted');
    assertStoredAs((await store.get('tx-150'))!, records[150], none, 'get');
    const page = await store.query({ limit: 3, transaction_id: 'tx-199' });
    assert.equal(page.records.length, 1);
    assertStoredAs(page.records[0], records[199], none, 'query by transaction id');
    const amounts = await store.query({ limit: 100, amount_min: 0 });
    assert.deepEqual(
      amounts.records.map((r) => r.transaction_id).sort(),
      records
        .slice(-64)
        .filter((r) => r.amount !== undefined)
        .map((r) => r.transaction_id)
        .sort(),
      'a record without an amount never passes an amount filter',
    );
  });

  it('answers every filter as the shared filtering of all its records does, the columns’ shortcut aside', async () => {
    const store = new MemoryPredictionLog({ maxSize: 100, maskFields: ['secret'] });
    for (let i = 0; i < 130; i++) store.append(variedRecord(i));
    const all = await store.latest(100);
    const queries: DecisionQuery[] = [
      { limit: 500 },
      { limit: 7, decision: 'review' },
      { limit: 500, transaction_id: 'tx-3' },
      { limit: 500, score_min: 0.2, score_max: 0.6 },
      { limit: 500, model_version: 'gbt-1', order: 'asc' },
      { limit: 500, from: '2024-01-01T12:00:40Z', to: '2024-01-01T12:01:50.500Z' },
      { limit: 500, from: '2024-01-01T12:00:00Z', to: '2024-01-01T12:00:00.001Z' },
      { limit: 500, amount_min: 0 },
      { limit: 500, amount_max: 20, decision: 'approve' },
      { limit: 500, amount_min: 25, amount_max: 24 },
      { limit: 500, rule: 'threshold_approve', score_max: 0.5 },
    ];
    let answered = 0;
    for (const query of queries) {
      const want = pageOf(all, checkQuery(query, 500));
      assert.deepEqual(await store.query(query), want, JSON.stringify(query));
      if (want.records.length > 0) answered += 1;
      if (want.next_cursor !== null) {
        const next = { ...query, cursor: want.next_cursor };
        assert.deepEqual(await store.query(next), pageOf(all, checkQuery(next, 500)), `${JSON.stringify(query)}, next page`);
      }
    }
    assert.ok(answered >= queries.length - 2, 'the filters select records, not nothing');
  });

  it('keeps every distinct string exactly past the bound of its interned table', async () => {
    const store = new MemoryPredictionLog({ maxSize: 3000 });
    for (let i = 0; i < 2500; i++) store.append({ ...makeRecord(i), model_version: `m-${i}`, rules_version: `r-${i % 3}` });
    // Wrapped over slots that held table strings and slots that held strings kept per slot.
    for (let i = 2500; i < 4000; i++) store.append({ ...makeRecord(i), model_version: i % 2 === 0 ? 'm-7' : `late-${i}` });
    const got = await store.latest(3000);
    for (let k = 0; k < 3000; k++) {
      const i = 3999 - k;
      assert.equal(got[k].model_version, i >= 2500 ? (i % 2 === 0 ? 'm-7' : `late-${i}`) : `m-${i}`);
      assert.equal(got[k].rules_version, i >= 2500 ? undefined : `r-${i % 3}`);
    }
  });

  it('rejects invalid options with CONFIG_INVALID', () => {
    const isConfigError = (err: unknown): boolean => err instanceof FraudlensError && err.code === 'CONFIG_INVALID';
    assert.throws(() => new MemoryPredictionLog({ maxSize: 0 }), isConfigError);
    assert.throws(() => new MemoryPredictionLog({ maxSize: 1.5 }), isConfigError);
    assert.throws(() => new MemoryPredictionLog({ maskFields: [''] }), isConfigError);
    assert.throws(() => new MemoryPredictionLog({ maskFields: 'email' as unknown as string[] }), isConfigError);
  });
});
