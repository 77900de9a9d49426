/**
 * The behaviour every entity-state backend must have, written once: each backend's test file
 * calls runStateStoreConformance with a factory. The first cases are small and exact, so a failure
 * names the rule that broke; then the same long event sequence (the Sparkov definitions, 16
 * aggregations over three entities, with duplicates, missing keys and values, equal times and
 * late events) must give the aggregates of core's in-process store, and two store instances on
 * one storage (two replicas) must keep the counts exact.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';

import { parse as parseYaml } from 'yaml';

import { validateDefinitions } from '../../../src/core/features/definitions.js';
import { OP, compilePlan, newEventRecord, type EventRecord, type FeaturePlan } from '../../../src/core/features/plan.js';
import { MemoryStateStore, type EntityStateStore } from '../../../src/core/features/state-store.js';
import type { EntityStateBackendStore } from '../../../src/storage/index.js';
import { REPO_ROOT } from '../../helpers/paths.js';
import { waitUntil } from '../../helpers/redis-server.js';

/** Sums, means and std of two backends agree within this relative difference; counts are identical. */
export const AGGREGATE_RELATIVE_TOLERANCE = 1e-9;

const DEFINITIONS = validateDefinitions({
  version: 1,
  event: { time: { field: 't', format: 'unix_seconds' }, id: 'id' },
  fields: { card: 'key', merchant: 'key', amt: 'number' },
  entities: { card: 'card', card_merchant: ['card', 'merchant'] },
  aggregations: [
    { name: 'count_1m', entity: 'card', op: 'count', window: '1m' },
    { name: 'sum_1m', entity: 'card', op: 'sum', field: 'amt', window: '1m' },
    { name: 'max_all', entity: 'card', op: 'max', field: 'amt' },
    { name: 'merchants_1m', entity: 'card', op: 'distinct_count', field: 'merchant', window: '1m' },
    { name: 'since_last', entity: 'card', op: 'time_since_last' },
    { name: 'pair_count', entity: 'card_merchant', op: 'count' },
  ],
});

/** The shipped Sparkov definitions (defs/sparkov.yaml). */
const SPARKOV = validateDefinitions(parseYaml(readFileSync(join(REPO_ROOT, 'defs', 'sparkov.yaml'), 'utf8')));

export interface StateStoreSpec {
  /**
   * Names the storage a store writes to: every test gets a fresh one; the two-instance test gives
   * both stores the same. Backends without shared storage ignore it.
   */
  namespace: string;
}

export type MakeStateStore = (plan: FeaturePlan, spec: StateStoreSpec) => EntityStateStore | Promise<EntityStateStore>;

export interface StateStoreConformanceOptions {
  /** True when two stores on one namespace share their states (Redis). */
  sharedStorage?: boolean;
}

/** A deterministic generator (LCG), so a failure can be replayed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface RawEvent {
  id: string;
  time: number;
  card: string;
  merchant: string;
  category: string;
  amt: number;
}

/**
 * Card events over ten days: gaps from 0 (equal times) to an hour, a few late events, repeated
 * ids (duplicates), missing cards, merchants and amounts.
 */
function sparkovEvents(n: number, seed: number, cards = 12): RawEvent[] {
  const random = lcg(seed);
  const events: RawEvent[] = [];
  let t = 1_600_000_000;
  for (let i = 0; i < n; i++) {
    const r = random();
    t += r < 0.1 ? 0 : Math.floor(random() * 600);
    const late = random() < 0.03 ? Math.floor(random() * 900) : 0;
    if (i > 10 && random() < 0.03) {
      const again = events[Math.floor(random() * events.length)];
      events.push({ ...again, time: t });
      continue;
    }
    events.push({
      id: `tx-${seed}-${i}`,
      time: t - late,
      card: random() < 0.02 ? '' : `card-${Math.floor(random() * cards)}`,
      merchant: random() < 0.02 ? '' : `merchant-${Math.floor(random() * 9)}`,
      category: `category-${Math.floor(random() * 4)}`,
      amt: random() < 0.03 ? NaN : Math.round(random() * 50_000) / 100 + (random() < 0.01 ? 1e6 : 0),
    });
  }
  return events;
}

function fill(plan: FeaturePlan, record: EventRecord, e: RawEvent): void {
  record.id = e.id;
  record.time = e.time;
  record.strings[plan.stringFields.indexOf('cc_num')] = e.card;
  record.strings[plan.stringFields.indexOf('merchant')] = e.merchant;
  record.strings[plan.stringFields.indexOf('category')] = e.category;
  record.numbers[plan.numberFields.indexOf('amt')] = e.amt;
}

/** Per aggregation output index: whether it must be identical (counts, min/max, last, times) or within the tolerance. */
function exactOutputs(plan: FeaturePlan): Map<number, boolean> {
  const exact = new Map<number, boolean>();
  for (const g of plan.groups)
    for (let i = 0; i < g.aggOp.length; i++)
      exact.set(g.aggOut[i], g.aggOp[i] !== OP.sum && g.aggOp[i] !== OP.mean && g.aggOp[i] !== OP.std);
  return exact;
}

function assertSameAggregates(plan: FeaturePlan, expected: Float64Array, actual: Float64Array, where: string): void {
  for (const [o, exact] of exactOutputs(plan)) {
    const e = expected[o];
    const a = actual[o];
    const name = plan.names[o];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      assert.ok(Number.isNaN(e) && Number.isNaN(a), `${where}: ${name} is ${a}, expected ${e}`);
    } else if (exact) {
      assert.equal(a, e, `${where}: ${name}`);
    } else {
      const scale = Math.max(Math.abs(e), Math.abs(a), 1e-300);
      assert.ok(Math.abs(a - e) / scale <= AGGREGATE_RELATIVE_TOLERANCE, `${where}: ${name} is ${a}, expected ${e}`);
    }
  }
}

export function runStateStoreConformance(
  backend: string,
  make: MakeStateStore,
  options: StateStoreConformanceOptions = {},
): void {
  const plan = compilePlan(DEFINITIONS);
  const sparkov = compilePlan(SPARKOV);
  const opened: EntityStateStore[] = [];
  let counter = 0;
  const freshNamespace = (): string => `state-conformance-${backend}-${process.pid}-${(counter += 1)}`;
  async function makeStore(p: FeaturePlan, namespace = freshNamespace()): Promise<EntityStateStore> {
    const store = await make(p, { namespace });
    opened.push(store);
    const stats = (store as Partial<EntityStateBackendStore>).stats?.bind(store);
    if (stats !== undefined) await waitUntil(() => stats().connected, { message: `${backend} store did not connect` });
    return store;
  }

  const at = (name: string) => plan.names.indexOf(name);

  /** Sends events [id, time, card, merchant, amt] in order; returns each outcome and its aggregations by name. */
  async function send(store: EntityStateStore, events: [string, number, string, string, number][]) {
    const record = newEventRecord(plan);
    const out = new Float64Array(plan.names.length);
    const results: { outcome: string; values: Record<string, number> }[] = [];
    for (const [id, time, card, merchant, amt] of events) {
      record.id = id;
      record.time = time;
      record.strings[plan.stringFields.indexOf('card')] = card;
      record.strings[plan.stringFields.indexOf('merchant')] = merchant;
      record.numbers[plan.numberFields.indexOf('amt')] = amt;
      const outcome = await store.readThenAdd(record, out);
      results.push({ outcome, values: Object.fromEntries(plan.names.map((n) => [n, out[at(n)]])) });
    }
    return results;
  }

  describe(`EntityStateStore conformance: ${backend}`, () => {
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => (s as Partial<EntityStateBackendStore>).close?.()));
    });

    it('reads strictly earlier events in [t - W, t), then adds', async () => {
      const r = await send(await makeStore(plan), [
        ['a', 0, 'c', 'm1', 10],
        ['b', 30, 'c', 'm2', 20],
        ['c', 60, 'c', 'm1', 5], // sees a (exactly 60 s before: inside) and b
        ['d', 61, 'c', 'm1', 1], // a left the window
      ]);
      assert.deepEqual(
        r.map((x) => x.values.count_1m),
        [0, 1, 2, 2],
      );
      assert.deepEqual(
        r.map((x) => x.values.sum_1m),
        [0, 10, 30, 25],
      );
      assert.deepEqual(
        r.map((x) => x.values.merchants_1m),
        [0, 1, 2, 2],
      );
      assert.deepEqual(
        r.map((x) => x.values.max_all),
        [NaN, 10, 20, 20],
      );
      assert.deepEqual(
        r.map((x) => x.values.since_last),
        [NaN, 30, 30, 1],
      );
      assert.deepEqual(
        r.map((x) => x.values.pair_count),
        [0, 0, 1, 2],
      );
    });

    it('equal times do not see each other', async () => {
      const r = await send(await makeStore(plan), [
        ['a', 100, 'c', 'm', 1],
        ['b', 100, 'c', 'm', 2],
        ['c', 101, 'c', 'm', 3],
      ]);
      assert.deepEqual(
        r.map((x) => x.values.count_1m),
        [0, 0, 2],
      );
      assert.deepEqual(
        r.map((x) => x.values.pair_count),
        [0, 0, 2],
      );
    });

    it('a missing key gives missing aggregations and is not added', async () => {
      const r = await send(await makeStore(plan), [
        ['a', 0, 'c', '', 1],
        ['b', 1, '', 'm', 2],
        ['c', 2, 'c', 'm', 3],
      ]);
      assert.ok(Number.isNaN(r[0].values.pair_count));
      assert.equal(r[0].values.count_1m, 0);
      assert.ok(Number.isNaN(r[1].values.count_1m));
      assert.equal(r[2].values.count_1m, 1, 'only event a of card c');
      assert.equal(r[2].values.merchants_1m, 0, 'an empty merchant is not a distinct value');
      assert.equal(r[2].values.pair_count, 0);
    });

    it('a duplicate id is read but counted once', async () => {
      const store = await makeStore(plan);
      const r = await send(store, [
        ['a', 0, 'c', 'm', 1],
        ['a', 5, 'c', 'm', 1],
        ['b', 10, 'c', 'm', 1],
      ]);
      assert.deepEqual(
        r.map((x) => x.outcome),
        ['added', 'duplicate', 'added'],
      );
      assert.equal(r[1].values.count_1m, 1);
      assert.equal(r[2].values.count_1m, 1);
      assert.deepEqual(await store.entityCounts(), [1, 1]);
    });

    it('read writes the aggregations and changes nothing, even at a later time', async () => {
      const store = await makeStore(plan);
      await send(store, [['a', 0, 'c', 'm', 7]]);
      const record = newEventRecord(plan);
      const out = new Float64Array(plan.names.length);
      record.id = 'probe';
      record.time = 30;
      record.strings[plan.stringFields.indexOf('card')] = 'c';
      record.strings[plan.stringFields.indexOf('merchant')] = 'new';
      record.numbers[plan.numberFields.indexOf('amt')] = 1;
      await store.read(record, out);
      assert.equal(out[at('count_1m')], 1);
      assert.equal(out[at('pair_count')], 0);
      record.time = 500; // past every finite window of event a
      await store.read(record, out);
      assert.equal(out[at('count_1m')], 0);
      assert.deepEqual(await store.entityCounts(), [1, 1], 'no entity created by a read');
      const r = await send(store, [
        ['probe', 40, 'c', 'm', 2], // the probe's id was not remembered: added
        ['b', 45, 'c', 'm', 3],
      ]);
      assert.equal(r[0].outcome, 'added');
      assert.equal(r[1].values.count_1m, 2, 'a (45 s earlier) still in the window after the read at 500');
      assert.equal(r[1].values.pair_count, 2);
    });

    it('exports an entity state as JSON, and nothing for an unknown entity', async () => {
      const store = await makeStore(plan);
      await send(store, [['a', 0, 'c', 'm', 7]]);
      const state = await store.exportEntity('card', ['c']);
      assert.ok(state !== undefined);
      assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
      assert.equal(await store.exportEntity('card', ['unknown']), undefined);
      assert.ok((await store.exportEntity('card_merchant', ['c', 'm'])) !== undefined);
    });

    it('gives the aggregates of the in-process store for the same long event sequence (Sparkov definitions)', async () => {
      const events = sparkovEvents(1500, 7);
      const reference = new MemoryStateStore(sparkov);
      const store = await makeStore(sparkov);
      const record = newEventRecord(sparkov);
      const expected = new Float64Array(sparkov.names.length);
      const actual = new Float64Array(sparkov.names.length);
      let duplicates = 0;
      for (let i = 0; i < events.length; i++) {
        fill(sparkov, record, events[i]);
        const want = reference.readThenAdd(record, expected);
        const got = await store.readThenAdd(record, actual);
        assert.equal(got, want, `event ${i} (${events[i].id})`);
        if (want === 'duplicate') duplicates++;
        assertSameAggregates(sparkov, expected, actual, `event ${i} (${events[i].id})`);
      }
      assert.ok(duplicates > 10, `the sequence holds duplicates (${duplicates})`);
      assert.deepEqual(await store.entityCounts(), reference.entityCounts());
      const state = await store.exportEntity('card', ['card-3']);
      assert.ok(state !== undefined);
      assert.equal(state.counts.length, reference.exportEntity('card', ['card-3'])!.counts.length);
    });

    it('counts every event once: stats add up, a repeated id is a duplicate', async () => {
      const store = (await makeStore(plan)) as Partial<EntityStateBackendStore> & EntityStateStore;
      const r = await send(store, [
        ['x', 0, 'c', 'm', 1],
        ['x', 1, 'c', 'm', 1],
        ['x', 2, 'c', 'm', 1],
        ['y', 3, 'c', 'm', 1],
      ]);
      assert.deepEqual(
        r.map((x) => x.outcome),
        ['added', 'duplicate', 'duplicate', 'added'],
      );
      assert.equal(r[3].values.pair_count, 1);
      if (store.stats !== undefined) {
        const s = store.stats();
        assert.deepEqual(s, { updates: 4, written: 2, duplicates: 2, pending: 0, dropped: 0, connected: true, dropping: false });
      }
    });

    it('keeps counts exact with two stores writing at once to one storage (two replicas)', async () => {
      const namespace = freshNamespace();
      const a = await makeStore(sparkov, namespace);
      const b = options.sharedStorage ? await makeStore(sparkov, namespace) : a;
      const events = sparkovEvents(600, 11, 4).filter((e) => e.card !== '');
      const unique = new Map(events.map((e) => [e.id, e]));
      const maxTime = Math.max(...events.map((e) => e.time));
      // Every event offered by both stores at once, in two interleaved streams of concurrent calls.
      const offer = async (store: EntityStateStore, list: RawEvent[]): Promise<string[]> => {
        const outcomes: Promise<string>[] = [];
        for (const e of list) {
          const record = newEventRecord(sparkov);
          fill(sparkov, record, e);
          outcomes.push(Promise.resolve(store.readThenAdd(record, new Float64Array(sparkov.names.length))));
        }
        return Promise.all(outcomes);
      };
      const [fromA, fromB] = await Promise.all([offer(a, events), offer(b, [...events].reverse())]);
      const added = [...fromA, ...fromB].filter((o) => o === 'added').length;
      assert.equal(added, unique.size, 'each distinct id added exactly once across both stores');
      // A probe after everything (the events span about two days, so all are within 7 days whatever
      // the arrival order): per card, the pair and 7-day counts, and the all-time mean.
      const record = newEventRecord(sparkov);
      const out = new Float64Array(sparkov.names.length);
      const reference = new MemoryStateStore(sparkov);
      const expected = new Float64Array(sparkov.names.length);
      for (const e of [...unique.values()].sort((x, y) => x.time - y.time)) {
        fill(sparkov, record, e);
        reference.readThenAdd(record, expected);
      }
      for (const card of new Set(events.map((e) => e.card))) {
        for (const merchant of ['merchant-1', 'merchant-2']) {
          const probe = { id: `probe-${card}-${merchant}`, time: maxTime + 100, card, merchant, category: 'category-0', amt: 1 };
          fill(sparkov, record, probe);
          await a.readThenAdd(record, out);
          fill(sparkov, record, { ...probe, id: `reference-${probe.id}` });
          reference.readThenAdd(record, expected);
          for (const name of ['card_merchant_count', 'card_count_7d']) {
            const o = sparkov.names.indexOf(name);
            assert.equal(out[o], expected[o], `${name} of ${card} at ${merchant}`);
          }
          const mean = sparkov.names.indexOf('card_amt_mean');
          assert.ok(Math.abs(out[mean] - expected[mean]) <= AGGREGATE_RELATIVE_TOLERANCE * Math.abs(expected[mean]));
        }
      }
    });
  });
}
