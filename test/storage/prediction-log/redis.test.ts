/**
 * Redis backend against real redis-server processes (private, on free ports): the shared
 * conformance suite, what lands on the wire, and the faults the backend is built for — Redis
 * absent at start, killed mid-stream and restarted, a full buffer, a failing command.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Redis } from 'ioredis';

import { RedisPredictionLog, type PredictionRecord, type RedisPredictionLogOptions } from '../../../src/storage/index.js';
import { createRedisServer, startRedisServer, waitUntil, type RedisTestServer } from '../../helpers/redis-server.js';
import { makeRecord, runPredictionLogConformance } from './conformance.js';

let server: RedisTestServer;

before(async () => {
  server = await startRedisServer();
});

after(async () => {
  await server.dispose();
});

runPredictionLogConformance(
  'redis',
  (spec) => new RedisPredictionLog({ url: server.url, key: spec.namespace, maxSize: spec.maxSize, maskFields: spec.maskFields }),
  { sharedStorage: true },
);

/** Runs `fn` with a plain client on `url`, for looking at what the store wrote. */
async function withRaw<T>(url: string, fn: (raw: Redis) => Promise<T>): Promise<T> {
  const raw = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await fn(raw);
  } finally {
    await raw.quit();
  }
}

/** The ids stored on `key`, newest first. */
function storedIds(url: string, key: string): Promise<string[]> {
  return withRaw(url, async (raw) => (await raw.lrange(key, 0, -1)).map((s) => (JSON.parse(s) as PredictionRecord).id));
}

const range = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, k) => `p-${from + k}`);

/** Options for fault tests: reconnect quickly so waits stay short. */
function faultOptions(url: string, key: string, extra: RedisPredictionLogOptions = {}): RedisPredictionLogOptions {
  return { url, key, reconnectMaxDelayMs: 100, ...extra };
}

describe('RedisPredictionLog transaction identity, decided at write time', () => {
  const withId = (i: number, prefix: string, transactionId: string): PredictionRecord => ({
    ...makeRecord(i, prefix),
    transaction_id: transactionId,
  });

  it('a replica repeating an id another replica decided stores it flagged and counts it', async () => {
    const a = new RedisPredictionLog({ url: server.url, key: 'identity-replicas' });
    const b = new RedisPredictionLog({ url: server.url, key: 'identity-replicas' });
    try {
      a.append(withId(1, 'a', 'tx-R'));
      await a.flush();
      b.append(withId(2, 'b', 'tx-R'));
      b.append(withId(3, 'b', 'tx-other'));
      await b.flush();
      assert.equal(a.stats().duplicates, 0);
      assert.equal(b.stats().duplicates, 1, 'counted when written, by the replica that wrote it');
      const raw = await withRaw(server.url, (c) => c.lrange('identity-replicas', 0, -1));
      assert.deepEqual(
        raw.map((x) => JSON.parse(x) as PredictionRecord).map((r) => [r.id, r.repeat]),
        [
          ['b-3', undefined],
          ['b-2', 'duplicate'],
          ['a-1', undefined],
        ],
        'the flag is in the stored record itself',
      );
      assert.equal((await b.get('tx-R'))?.id, 'a-1');
      assert.equal((await a.get('tx-R'))?.id, 'a-1');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a batch sent again (same record ids) is not stored twice nor counted', async () => {
    const a = new RedisPredictionLog({ url: server.url, key: 'identity-resend' });
    const again = new RedisPredictionLog({ url: server.url, key: 'identity-resend' });
    try {
      const records = [withId(1, 'r', 'tx-1'), withId(2, 'r', 'tx-2')];
      for (const r of records) a.append(r);
      await a.flush();
      // What a retry after a lost reply sends: the very same records.
      for (const r of records) again.append(r);
      await again.flush();
      assert.deepEqual(await storedIds(server.url, 'identity-resend'), ['r-2', 'r-1']);
      assert.equal(again.stats().duplicates, 0);
    } finally {
      await a.close();
      await again.close();
    }
  });

  it('a first decision leaving the list leaves the identity hash: a later repeat is a new first, as in memory', async () => {
    const store = new RedisPredictionLog({ url: server.url, keyPrefix: 'fl:', key: 'identity-trim', maxSize: 3 });
    try {
      store.append(withId(0, 'f', 'tx-F'));
      for (let i = 1; i <= 3; i++) store.append(makeRecord(i, 'n'));
      await store.flush();
      assert.deepEqual(await storedIds(server.url, 'fl:identity-trim'), ['n-3', 'n-2', 'n-1']);
      assert.equal(await withRaw(server.url, (c) => c.hexists('fl:identity-trim:first', 'tx-F')), 0, 'forgotten with its record');
      store.append(withId(4, 'f', 'tx-F'));
      await store.flush();
      assert.equal(store.stats().duplicates, 0);
      assert.equal((await store.get('tx-F'))?.id, 'f-4');
      // Many ids through a list of 3: the hash stays as small as the list.
      for (let i = 10; i < 40; i++) store.append(withId(i, 'm', `tx-${i}`));
      await store.flush();
      assert.equal(await withRaw(server.url, (c) => c.hlen('fl:identity-trim:first')), 3);
      assert.equal(await withRaw(server.url, (c) => c.llen('fl:identity-trim:marks')), 3);
    } finally {
      await store.close();
    }
  });
});

describe('RedisPredictionLog wire format', () => {
  it('LPUSHes JSON records on api_logs by default, newest at the head', async () => {
    const store = new RedisPredictionLog({ url: server.url });
    assert.equal(store.storageKey, 'api_logs');
    const records = [0, 1, 2].map((i) => makeRecord(i));
    for (const r of records) store.append(r);
    await store.flush();
    const raw = await withRaw(server.url, (c) => c.lrange('api_logs', 0, -1));
    assert.deepEqual(
      raw.map((s) => JSON.parse(s) as PredictionRecord),
      [...records].reverse(),
    );
    await store.close();
  });

  it('honours key and prefix, and trims the list to maxSize', async () => {
    const store = new RedisPredictionLog({ url: server.url, keyPrefix: 'fraudlens:', key: 'trimmed', maxSize: 4, batchSize: 3 });
    assert.equal(store.storageKey, 'fraudlens:trimmed');
    for (let i = 0; i < 10; i += 1) store.append(makeRecord(i));
    await store.flush();
    assert.deepEqual(await storedIds(server.url, 'fraudlens:trimmed'), ['p-9', 'p-8', 'p-7', 'p-6']);
    await store.close();
  });

  it('skips entries other writers left that are not JSON records', async () => {
    const store = new RedisPredictionLog({ url: server.url, key: 'mixed' });
    store.append(makeRecord(0));
    await store.flush();
    await withRaw(server.url, (c) => c.lpush('mixed', 'not json', '[1,2]'));
    store.append(makeRecord(1));
    assert.deepEqual(
      (await store.latest(10)).map((r) => r.id),
      ['p-1', 'p-0'],
    );
    await store.close();
  });
});

describe('RedisPredictionLog faults', () => {
  it('Redis down at start: appends return, records wait, then arrive in order once it is up', async () => {
    const idle = await createRedisServer(); // port reserved, nothing listening
    try {
      const store = new RedisPredictionLog(faultOptions(idle.url, 'down-at-start'));
      for (let i = 0; i < 20; i += 1) store.append(makeRecord(i));
      assert.deepEqual(store.stats(), { buffered: 20, dropped: 0, written: 0, connected: false, dropping: false, duplicates: 0 });
      // Reads fall back to what the process holds instead of failing.
      assert.deepEqual(
        (await store.latest(5)).map((r) => r.id),
        ['p-19', 'p-18', 'p-17', 'p-16', 'p-15'],
      );

      await idle.start();
      await waitUntil(() => store.stats().written === 20, { message: 'buffered records were not written after Redis came up' });
      assert.deepEqual(store.stats(), { buffered: 0, dropped: 0, written: 20, connected: true, dropping: false, duplicates: 0 });
      assert.deepEqual(await storedIds(idle.url, 'down-at-start'), range(0, 20).reverse());
      await store.close();
    } finally {
      await idle.dispose();
    }
  });

  it('Redis killed (SIGKILL) mid-stream: nothing thrown, everything written after a restart on the same port', async () => {
    const victim = await startRedisServer();
    try {
      const store = new RedisPredictionLog(faultOptions(victim.url, 'killed', { batchSize: 20, bufferSize: 100_000 }));
      // A producer that keeps appending, a little at a time, through the kill and the restart.
      let next = 0;
      let producing = true;
      const producer = (async () => {
        while (producing) {
          for (let k = 0; k < 10; k += 1) {
            store.append(makeRecord(next));
            next += 1;
          }
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })();
      await waitUntil(() => store.stats().written >= 100, { message: 'nothing was written before the kill' });
      await victim.kill();
      const appendedWhenKillReturned = next;
      await waitUntil(() => !store.stats().connected, { message: 'store did not notice the kill' });
      await waitUntil(() => next >= appendedWhenKillReturned + 300, { message: 'producer stalled' });
      const s = store.stats();
      assert.equal(s.written + s.buffered + s.dropped, next);
      assert.ok(s.buffered > 0, 'records appended while Redis is down must wait in the buffer');

      await victim.start();
      await waitUntil(() => store.stats().written > s.written, { message: 'nothing was written after the restart' });
      producing = false;
      await producer;
      await waitUntil(() => store.stats().buffered === 0, { message: 'buffer was not drained after the restart' });
      await store.flush();
      assert.deepEqual(store.stats(), {
        buffered: 0,
        dropped: 0,
        written: next,
        connected: true,
        dropping: false,
        duplicates: 0,
      });

      // The killed server's data died with it (no persistence). The new server must hold an
      // unbroken, duplicate-free run of records ending with the last one, including at least
      // everything appended after the kill.
      const oldestFirst = (await storedIds(victim.url, 'killed')).reverse();
      const first = Number(oldestFirst[0].slice(2));
      assert.ok(first <= appendedWhenKillReturned, `records appended after the kill are missing (first stored: ${first})`);
      assert.deepEqual(oldestFirst, range(first, next));
      await store.close();
    } finally {
      await victim.dispose();
    }
  });

  it('a full buffer drops exactly the overflow and keeps the oldest records, in order', async () => {
    const idle = await createRedisServer();
    try {
      const store = new RedisPredictionLog(faultOptions(idle.url, 'overflow', { bufferSize: 100 }));
      for (let i = 0; i < 130; i += 1) assert.doesNotThrow(() => store.append(makeRecord(i)));
      assert.deepEqual(store.stats(), {
        buffered: 100,
        dropped: 30,
        written: 0,
        connected: false,
        dropping: true,
        duplicates: 0,
      });

      await idle.start();
      await waitUntil(() => store.stats().written === 100, { message: 'buffered records were not written' });
      assert.deepEqual(store.stats(), {
        buffered: 0,
        dropped: 30,
        written: 100,
        connected: true,
        dropping: false,
        duplicates: 0,
      });
      assert.deepEqual(await storedIds(idle.url, 'overflow'), range(0, 100).reverse());
      await store.close();
    } finally {
      await idle.dispose();
    }
  });

  it('latest() answers from the process when Redis goes away', async () => {
    const victim = await startRedisServer();
    try {
      const store = new RedisPredictionLog(faultOptions(victim.url, 'fallback', { flushTimeoutMs: 200 }));
      for (let i = 0; i < 3; i += 1) store.append(makeRecord(i));
      await store.flush();
      await victim.kill();
      await waitUntil(() => !store.stats().connected, { message: 'store did not notice the kill' });
      store.append(makeRecord(3));
      assert.deepEqual(
        (await store.latest(10)).map((r) => r.id),
        ['p-3', 'p-2', 'p-1', 'p-0'],
      );
      await store.close();
    } finally {
      await victim.dispose();
    }
  });

  it('a command failing on a live connection is retried until it succeeds', async () => {
    await withRaw(server.url, (c) => c.set('wrongtype', 'a string, not a list'));
    const store = new RedisPredictionLog(faultOptions(server.url, 'wrongtype', { flushTimeoutMs: 300 }));
    await waitUntil(() => store.stats().connected);
    for (let i = 0; i < 3; i += 1) store.append(makeRecord(i));
    await store.flush(); // gives up after 300 ms: every attempt fails with WRONGTYPE
    assert.deepEqual(store.stats(), { buffered: 3, dropped: 0, written: 0, connected: true, dropping: false, duplicates: 0 });

    await withRaw(server.url, (c) => c.del('wrongtype'));
    await waitUntil(() => store.stats().written === 3, { message: 'records were not retried' });
    assert.deepEqual(await storedIds(server.url, 'wrongtype'), ['p-2', 'p-1', 'p-0']);
    await store.close();
  });

  it('close() with Redis down gives up after the flush timeout and counts what is left as dropped', async () => {
    const idle = await createRedisServer();
    try {
      const store = new RedisPredictionLog(faultOptions(idle.url, 'closed-down', { flushTimeoutMs: 200 }));
      for (let i = 0; i < 7; i += 1) store.append(makeRecord(i));
      await store.close();
      assert.deepEqual(store.stats(), { buffered: 0, dropped: 7, written: 0, connected: false, dropping: false, duplicates: 0 });
      // Nothing is written later either: the store has stopped for good.
      await idle.start();
      assert.deepEqual(await storedIds(idle.url, 'closed-down'), []);
    } finally {
      await idle.dispose();
    }
  });
});
