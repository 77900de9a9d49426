/**
 * Redis entity state against real, private redis-server processes: the shared conformance suite
 * (including two stores on one Redis), what lands on the wire (one script call per event, lists
 * folded into heads, expiries), a warm start, and the faults: Redis absent at start, killed and
 * restarted, frozen (no answer within the timeout).
 */

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';

import { Redis } from 'ioredis';

import { validateDefinitions } from '../../../src/core/features/definitions.js';
import { compilePlan, newEventRecord, type EventRecord, type FeaturePlan } from '../../../src/core/features/plan.js';
import { MemoryStateStore } from '../../../src/core/features/state-store.js';
import { RedisEntityStateStore, type RedisEntityStateOptions } from '../../../src/storage/index.js';
import { createRedisServer, startRedisServer, waitUntil, type RedisTestServer } from '../../helpers/redis-server.js';
import { runStateStoreConformance } from './conformance.js';

let server: RedisTestServer;

before(async () => {
  server = await startRedisServer();
});

after(async () => {
  await server.dispose();
});

// Small folds, so the long sequences cross many of them; a generous timeout, since the concurrent
// case sends a thousand scripts at once and a late answer would count as not applied.
runStateStoreConformance(
  'redis',
  (plan, spec) =>
    new RedisEntityStateStore(plan, {
      url: server.url,
      keyPrefix: `${spec.namespace}:`,
      compactAfter: 4,
      commandTimeoutMs: 10_000,
    }),
  { sharedStorage: true },
);

const DEFINITIONS = validateDefinitions({
  version: 1,
  event: { time: { field: 't', format: 'unix_seconds' }, id: 'id' },
  fields: { card: 'key', merchant: 'key', amt: 'number' },
  entities: { card: 'card', card_merchant: ['card', 'merchant'] },
  aggregations: [
    { name: 'count_1h', entity: 'card', op: 'count', window: '1h' },
    { name: 'amt_sum_2d', entity: 'card', op: 'sum', field: 'amt', window: '2d' },
    { name: 'count_all', entity: 'card', op: 'count' },
    { name: 'pair_count', entity: 'card_merchant', op: 'count' },
  ],
});
const plan = compilePlan(DEFINITIONS);
const COUNT_ALL = plan.names.indexOf('count_all');
const PAIR_COUNT = plan.names.indexOf('pair_count');
const TWO_DAYS_MS = 2 * 86_400_000;
const MARGIN_MS = 86_400_000;

const opened: RedisEntityStateStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

function open(url: string, keyPrefix: string, extra: RedisEntityStateOptions = {}, p: FeaturePlan = plan): RedisEntityStateStore {
  const store = new RedisEntityStateStore(p, { url, keyPrefix, reconnectMaxDelayMs: 100, ...extra });
  opened.push(store);
  return store;
}

function event(record: EventRecord, id: string, time: number, card: string, merchant: string, amt: number): EventRecord {
  record.id = id;
  record.time = time;
  record.strings[plan.stringFields.indexOf('card')] = card;
  record.strings[plan.stringFields.indexOf('merchant')] = merchant;
  record.numbers[plan.numberFields.indexOf('amt')] = amt;
  return record;
}

async function withRaw<T>(url: string, fn: (raw: Redis) => Promise<T>): Promise<T> {
  const raw = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await fn(raw);
  } finally {
    await raw.quit();
  }
}

describe('RedisEntityStateStore wire format', () => {
  it('costs one script call per event for all its entities', async () => {
    const store = open(server.url, 'trips:', { compactAfter: 1000 });
    await waitUntil(() => store.stats().connected, { message: 'store did not connect' });
    const monitor = new Redis(server.url);
    const seen: string[][] = [];
    const feed = await monitor.monitor();
    feed.on('monitor', (_time: string, args: string[]) => {
      if (args.some((a) => typeof a === 'string' && a.startsWith('trips:'))) seen.push(args);
    });
    const record = newEventRecord(plan);
    const out = new Float64Array(plan.names.length);
    for (let i = 0; i < 20; i++) await store.readThenAdd(event(record, `t${i}`, 1000 + i, 'c', `m${i % 3}`, i), out);
    await waitUntil(() => seen.length >= 20, { message: 'MONITOR saw too few commands' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    feed.disconnect();
    monitor.disconnect();
    // Top-level commands only (a script's inner calls are reported as issued by Lua).
    const topLevel = seen.filter((args) => args[0].toLowerCase() === 'evalsha' || args[0].toLowerCase() === 'eval');
    assert.equal(topLevel.length, 20, `one script call per event, got ${topLevel.length}`);
    for (const args of topLevel) assert.equal(args[2], '3', 'keys: the id key and both entities');
  });

  it('folds long lists into a head, and renews the expiry of every key it writes', async () => {
    const store = open(server.url, 'fold:', { compactAfter: 5 });
    await waitUntil(() => store.stats().connected, { message: 'store did not connect' });
    const record = newEventRecord(plan);
    const out = new Float64Array(plan.names.length);
    for (let i = 0; i < 23; i++) await store.readThenAdd(event(record, `f${i}`, 1000 + 60 * i, 'c', 'm', i), out);
    await new Promise((resolve) => setTimeout(resolve, 50)); // folds are not awaited
    await withRaw(server.url, async (raw) => {
      const list = `${store.namespace}e:card:c`;
      const items = await raw.lrange(list, 0, -1);
      assert.match(items[0], /^B\d+$/, 'the marker gives the base');
      assert.match(items[1], /^\{/, 'the head holds a folded state');
      const base = Number(items[0].slice(1));
      assert.equal(base + items.length - 2, 23, 'head plus tail hold every event once');
      // Folds happen once the tail is compactAfter (5) and as long as the rest of the ring (all
      // 23 events lie within the windows): after events 6, 11 and 21, so 20 are folded, 3 follow.
      assert.deepEqual([base, items.length - 2], [20, 3], 'folded at the expected events');
      const ttl = await raw.pttl(list);
      assert.ok(ttl > TWO_DAYS_MS && ttl <= TWO_DAYS_MS + MARGIN_MS, `entity lists live the horizon plus a margin (pttl ${ttl})`);
      const pairTtl = await raw.pttl(`${store.namespace}e:card_merchant:c\u001fm`);
      assert.ok(pairTtl > TWO_DAYS_MS, `pair lists expire too (pttl ${pairTtl})`);
      const idTtl = await raw.pttl(`${store.namespace}id:f7`);
      assert.ok(idTtl > 0 && idTtl <= TWO_DAYS_MS, `event ids expire after the dedupe horizon (pttl ${idTtl})`);
    });
    await store.readThenAdd(event(record, 'last', 5000, 'c', 'm', 1), out);
    assert.equal(out[COUNT_ALL], 23);
    const exported = await store.exportEntity('card', ['c']);
    const reference = new MemoryStateStore(plan);
    for (let i = 0; i < 23; i++) reference.readThenAdd(event(record, `f${i}`, 1000 + 60 * i, 'c', 'm', i), out);
    reference.readThenAdd(event(record, 'last', 5000, 'c', 'm', 1), out);
    assert.deepEqual(exported?.counts, reference.exportEntity('card', ['c'])?.counts);
  });

  it('sends a process only the events after the state it holds: the head is read once', async () => {
    const a = open(server.url, 'delta:', { compactAfter: 1000 });
    const b = open(server.url, 'delta:', { compactAfter: 1000 });
    await waitUntil(() => a.stats().connected && b.stats().connected, { message: 'stores did not connect' });
    const record = newEventRecord(plan);
    const out = new Float64Array(plan.names.length);
    for (let i = 0; i < 5; i++) await a.readThenAdd(event(record, `d${i}`, 100 + i, 'c', 'm', 1), out);
    // Spoil the head's state: only a process that reads the whole list can notice.
    await withRaw(server.url, (raw) => raw.lset(`${a.namespace}e:card:c`, 1, '{not json'));
    assert.equal(await a.readThenAdd(event(record, 'd5', 105, 'c', 'm', 1), out), 'added');
    assert.equal(out[COUNT_ALL], 5, 'a brought its own state up to date without the head');
    assert.equal(await b.readThenAdd(event(record, 'd6', 106, 'c', 'm', 1), out), 'unapplied', 'b must read the whole list');
    assert.equal(await a.readThenAdd(event(record, 'd7', 107, 'c', 'm', 1), out), 'added');
    assert.equal(out[COUNT_ALL], 7, "b's event (added in Redis though b could not read) reached a as a delta");
  });

  it('keeps states of different definitions apart', async () => {
    const other = compilePlan(validateDefinitions({ ...DEFINITIONS, aggregations: DEFINITIONS.aggregations.slice(0, 3) }));
    const a = open(server.url, 'apart:');
    const b = open(server.url, 'apart:', {}, other);
    assert.notEqual(a.namespace, b.namespace);
  });

  it('imports whole states (a warm start) that later events continue', async () => {
    const reference = new MemoryStateStore(plan);
    const record = newEventRecord(plan);
    const out = new Float64Array(plan.names.length);
    for (let i = 0; i < 40; i++) reference.readThenAdd(event(record, `h${i}`, 100 * i, `c${i % 4}`, `m${i % 2}`, i), out);
    const store = open(server.url, 'import:');
    await waitUntil(() => store.stats().connected, { message: 'store did not connect' });
    const states = [0, 1, 2, 3].flatMap((c) => [
      { entity: 'card', key: [`c${c}`], state: reference.exportEntity('card', [`c${c}`])! },
      ...[0, 1].map((m) => ({
        entity: 'card_merchant',
        key: [`c${c}`, `m${m}`],
        state: reference.exportEntity('card_merchant', [`c${c}`, `m${m}`])!,
      })),
    ]);
    assert.equal(await store.importStates(states.filter((s) => s.state !== undefined)), 8);
    assert.deepEqual(await store.entityCounts(), [4, 4]);
    const expected = new Float64Array(plan.names.length);
    reference.readThenAdd(event(record, 'next', 5000, 'c1', 'm1', 7), expected);
    assert.equal(await store.readThenAdd(event(record, 'next', 5000, 'c1', 'm1', 7), out), 'added');
    assert.deepEqual(out, expected);
  });
});

describe('RedisEntityStateStore faults', () => {
  it('Redis down at start: predictions get features from an empty state, flagged unapplied and counted', async () => {
    const idle = await createRedisServer();
    try {
      const store = open(idle.url, 'down:');
      const record = newEventRecord(plan);
      const out = new Float64Array(plan.names.length);
      assert.equal(await store.readThenAdd(event(record, 'a', 10, 'c', 'm', 5), out), 'unapplied');
      assert.equal(out[COUNT_ALL], 0);
      assert.deepEqual(store.stats(), {
        updates: 1,
        written: 0,
        duplicates: 0,
        pending: 0,
        dropped: 1,
        connected: false,
        dropping: true,
      });
      await idle.start();
      await waitUntil(() => store.stats().connected, { message: 'store did not reconnect' });
      assert.equal(await store.readThenAdd(event(record, 'b', 11, 'c', 'm', 5), out), 'added');
      assert.equal(out[COUNT_ALL], 0, 'the unapplied event was not added');
      assert.deepEqual(store.stats(), {
        updates: 2,
        written: 1,
        duplicates: 0,
        pending: 0,
        dropped: 1,
        connected: true,
        dropping: false,
      });
    } finally {
      await idle.dispose();
    }
  });

  it('Redis killed and restarted: answers from the last known state meanwhile, then writes again', async () => {
    const victim = await startRedisServer();
    try {
      const store = open(victim.url, 'killed:');
      await waitUntil(() => store.stats().connected, { message: 'store did not connect' });
      const record = newEventRecord(plan);
      const out = new Float64Array(plan.names.length);
      for (let i = 0; i < 10; i++) assert.equal(await store.readThenAdd(event(record, `k${i}`, i, 'c', 'm', 1), out), 'added');
      await victim.kill();
      await waitUntil(() => !store.stats().connected, { message: 'store did not notice the kill' });
      for (let i = 10; i < 15; i++) {
        assert.equal(await store.readThenAdd(event(record, `k${i}`, i, 'c', 'm', 1), out), 'unapplied');
        assert.equal(out[COUNT_ALL], 10, 'the last state this process knew: ten events');
        assert.equal(out[PAIR_COUNT], 10);
      }
      // An entity this process never saw: an empty state.
      assert.equal(await store.readThenAdd(event(record, 'new', 20, 'other', 'm', 1), out), 'unapplied');
      assert.equal(out[COUNT_ALL], 0);
      const down = store.stats();
      assert.deepEqual(down, {
        updates: 16,
        written: 10,
        duplicates: 0,
        pending: 0,
        dropped: 6,
        connected: false,
        dropping: true,
      });
      await victim.start();
      await waitUntil(() => store.stats().connected, { message: 'store did not reconnect' });
      // The restarted server lost its data (no persistence): the card starts over there.
      assert.equal(await store.readThenAdd(event(record, 'after', 30, 'c', 'm', 1), out), 'added');
      assert.equal(out[COUNT_ALL], 0);
      const s = store.stats();
      assert.equal(s.updates, s.written + s.duplicates + s.pending + s.dropped);
      assert.equal(s.dropping, false);
    } finally {
      await victim.dispose();
    }
  });

  it('Redis frozen: a prediction waits at most the timeout, then answers from the fallback', async () => {
    const frozen = await startRedisServer();
    try {
      const store = open(frozen.url, 'frozen:', { commandTimeoutMs: 100 });
      await waitUntil(() => store.stats().connected, { message: 'store did not connect' });
      const record = newEventRecord(plan);
      const out = new Float64Array(plan.names.length);
      await store.readThenAdd(event(record, 'z0', 0, 'c', 'm', 1), out);
      frozen.pause();
      try {
        const started = Date.now();
        assert.equal(await store.readThenAdd(event(record, 'z1', 1, 'c', 'm', 1), out), 'unapplied');
        const waited = Date.now() - started;
        assert.ok(waited < 1000, `answered after ${waited} ms`);
        assert.equal(out[COUNT_ALL], 1);
        assert.equal(store.stats().dropped, 1);
      } finally {
        frozen.resume();
      }
    } finally {
      await frozen.dispose();
    }
  });

  it('after close(), events are read from the fallback and counted as dropped', async () => {
    const store = open(server.url, 'closed:');
    await waitUntil(() => store.stats().connected, { message: 'store did not connect' });
    await store.close();
    const out = new Float64Array(plan.names.length);
    assert.equal(await store.readThenAdd(event(newEventRecord(plan), 'q', 1, 'c', 'm', 1), out), 'unapplied');
    assert.equal(store.stats().dropped, 1);
    assert.equal(store.stats().connected, false);
  });
});
