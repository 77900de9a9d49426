/**
 * Memory backend: the shared conformance suite, plus the ring buffer it is built on.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FraudlensError } from '../../src/core/errors.js';
import { MemoryPredictionLog } from '../../src/storage/index.js';
import { RingBuffer } from '../../src/storage/ring.js';
import { makeRecord, runPredictionLogConformance } from './conformance.js';

runPredictionLogConformance('memory', (spec) => new MemoryPredictionLog({ maxSize: spec.maxSize, maskFields: spec.maskFields }));

describe('RingBuffer', () => {
  it('overwrites the oldest entry once full and reads newest or oldest first', () => {
    const ring = new RingBuffer<number>(3);
    assert.equal(ring.push(1), undefined);
    ring.push(2);
    ring.push(3);
    assert.equal(ring.isFull, true);
    assert.equal(ring.push(4), 1);
    assert.deepEqual(ring.newest(10), [4, 3, 2]);
    assert.deepEqual(ring.oldest(2), [2, 3]);
    assert.deepEqual(ring.newest(0), []);
  });

  it('stays consistent across many wrap-arounds', () => {
    const ring = new RingBuffer<number>(7);
    for (let i = 0; i < 1000; i += 1) {
      ring.push(i);
      const expected = Array.from({ length: Math.min(i + 1, 7) }, (_, k) => i - k);
      assert.deepEqual(ring.newest(7), expected);
    }
  });

  it('discards from the oldest end, then keeps appending in order', () => {
    const ring = new RingBuffer<string>(4);
    for (const v of ['a', 'b', 'c', 'd']) ring.push(v);
    ring.discardOldest(3);
    assert.deepEqual(ring.oldest(10), ['d']);
    ring.push('e');
    ring.push('f');
    assert.deepEqual(ring.oldest(10), ['d', 'e', 'f']);
    ring.discardOldest(99);
    assert.equal(ring.size, 0);
    ring.push('g');
    assert.deepEqual(ring.newest(10), ['g']);
  });

  it('refuses a capacity that is not a positive integer', () => {
    for (const bad of [0, -1, 2.5, Number.NaN]) assert.throws(() => new RingBuffer(bad), RangeError);
  });
});

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
    assert.deepEqual((await store.latest(5)).map((r) => r.id), ['p-1']);
  });

  it('rejects invalid options with CONFIG_INVALID', () => {
    const isConfigError = (err: unknown): boolean => err instanceof FraudlensError && err.code === 'CONFIG_INVALID';
    assert.throws(() => new MemoryPredictionLog({ maxSize: 0 }), isConfigError);
    assert.throws(() => new MemoryPredictionLog({ maxSize: 1.5 }), isConfigError);
    assert.throws(() => new MemoryPredictionLog({ maskFields: [''] }), isConfigError);
    assert.throws(() => new MemoryPredictionLog({ maskFields: 'email' as unknown as string[] }), isConfigError);
  });
});
