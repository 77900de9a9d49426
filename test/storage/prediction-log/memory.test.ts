/**
 * Memory backend: the shared conformance suite, plus its defaults and option checks (the ring
 * buffer it is built on: test/storage/common/ring-buffer.test.ts).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FraudlensError } from '../../../src/core/errors.js';
import { MemoryPredictionLog, type FeatureValue, type PredictionRecord } from '../../../src/storage/index.js';
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

  it('rejects invalid options with CONFIG_INVALID', () => {
    const isConfigError = (err: unknown): boolean => err instanceof FraudlensError && err.code === 'CONFIG_INVALID';
    assert.throws(() => new MemoryPredictionLog({ maxSize: 0 }), isConfigError);
    assert.throws(() => new MemoryPredictionLog({ maxSize: 1.5 }), isConfigError);
    assert.throws(() => new MemoryPredictionLog({ maskFields: [''] }), isConfigError);
    assert.throws(() => new MemoryPredictionLog({ maskFields: 'email' as unknown as string[] }), isConfigError);
  });
});
