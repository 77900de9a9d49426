/**
 * The offline store (FlatStateStore: flat pools, interned key ids) must give exactly what the
 * in-process store (MemoryStateStore: an EntityState per entity) gives: every aggregation op over
 * finite and all-time windows, for one key and a key pair, with timestamp ties, late events,
 * duplicate ids, missing keys and values, and reads without adding; and the same entity JSON, which
 * EntityState continues from. PairTable, its hash table, is checked against a Map under churn.
 */

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { validateDefinitions, type AggregationOp } from '../../src/core/features/definitions.js';
import { compilePlan, newEventRecord } from '../../src/core/features/plan.js';
import { CellEventReader, arrayCells } from '../../src/core/features/event-reader.js';
import { EntityState, type EntityStateJson } from '../../src/core/features/entity-state.js';
import { FlatStateStore } from '../../src/core/features/flat-store.js';
import { KeyInterner } from '../../src/core/features/key-interner.js';
import { PairTable } from '../../src/core/features/pair-table.js';
import { MemoryStateStore } from '../../src/core/features/state-store.js';
import { ZoneClock } from '../../src/core/features/time.js';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPS: AggregationOp[] = ['count', 'sum', 'mean', 'min', 'max', 'std', 'distinct_count', 'time_since_last', 'last'];
const WINDOWS = ['1m', '10m', '1h', 'all'];

function plan() {
  const aggregations: Record<string, unknown>[] = [];
  for (const entity of ['card', 'card_merchant']) {
    for (const window of WINDOWS) {
      for (const op of OPS) {
        const field = op === 'distinct_count' ? 'category' : op === 'count' || op === 'time_since_last' ? undefined : 'amt';
        aggregations.push({ name: `${entity}_${op}_${window}`, entity, op, window, ...(field ? { field } : {}) });
      }
    }
  }
  // A count-only pair (the CountPool path) and a distinct count of a second field.
  aggregations.push({ name: 'pair_count', entity: 'card_category', op: 'count', window: 'all' });
  aggregations.push({ name: 'pair_since', entity: 'card_category', op: 'time_since_last' });
  aggregations.push({ name: 'card_merchants_10m', entity: 'card', op: 'distinct_count', field: 'merchant', window: '10m' });
  return compilePlan(
    validateDefinitions({
      version: 1,
      event: { time: { field: 't', format: 'unix_seconds' }, id: 'id' },
      fields: { card: 'key', merchant: 'key', category: 'category', amt: 'number' },
      entities: { card: 'card', card_merchant: ['card', 'merchant'], card_category: ['card', 'category'] },
      aggregations,
    }),
  );
}

/** EntityState JSON with each distinct map's entries by key (the flat store lists them in first-seen order). */
function canonical(json: EntityStateJson | undefined): EntityStateJson | undefined {
  if (json === undefined) return undefined;
  return { ...json, distinct: json.distinct.map((m) => (m === null ? null : [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1)))) };
}

it('the flat store gives the memory store’s aggregations and JSON, with ties, late events, duplicates and reads', () => {
  const p = plan();
  const interner = new KeyInterner();
  const flat = new FlatStateStore(p, interner);
  const memory = new MemoryStateStore(p);
  const columns = ['id', 't', 'card', 'merchant', 'category', 'amt'];
  const reader = new CellEventReader(p, columns, new ZoneClock('UTC'), undefined, interner);
  const event = newEventRecord(p);
  const got = new Float64Array(p.names.length);
  const want = new Float64Array(p.names.length);
  const rand = mulberry32(14);
  let t = 1_600_000_000;
  const counts = { late: 0, duplicate: 0, peek: 0, tie: 0 };
  for (let i = 0; i < 6000; i++) {
    const r = rand();
    if (r < 0.25) counts.tie++;
    t += r < 0.25 ? 0 : r < 0.7 ? Math.floor(rand() * 30) : Math.floor(rand() * 1800);
    const lateBy = rand() < 0.05 ? Math.floor(rand() * 600) : 0;
    if (lateBy > 0) counts.late++;
    const duplicate = i > 10 && rand() < 0.03;
    if (duplicate) counts.duplicate++;
    const cells = [
      duplicate ? `e${i - 1 - Math.floor(rand() * 10)}` : `e${i}`,
      String(t - lateBy),
      rand() < 0.04 ? '' : `c${Math.floor(rand() * 5)}`,
      rand() < 0.04 ? '' : `m${Math.floor(rand() * 7)}`,
      rand() < 0.04 ? '' : `k${Math.floor(rand() * 4)}`,
      rand() < 0.08 ? '' : String(Math.round(rand() * 100_000) / 100 - 50),
    ];
    reader.read(arrayCells(cells), i + 1, event);
    if (rand() < 0.05) {
      counts.peek++;
      flat.read(event, got);
      memory.read(event, want);
    } else {
      assert.equal(flat.readThenAdd(event, got), memory.readThenAdd(event, want), `outcome of event ${i}`);
    }
    for (let f = 0; f < p.names.length; f++) {
      assert.ok(Object.is(got[f], want[f]), `event ${i}, ${p.names[f]}: flat ${got[f]}, memory ${want[f]}`);
    }
    if (i % 97 === 0) {
      for (const c of ['c0', 'c3'])
        assert.deepEqual(canonical(flat.exportEntity('card', [c])), canonical(memory.exportEntity('card', [c])));
      assert.deepEqual(
        canonical(flat.exportEntity('card_merchant', ['c1', 'm2'])),
        canonical(memory.exportEntity('card_merchant', ['c1', 'm2'])),
      );
      assert.deepEqual(flat.exportEntity('card_category', ['c2', 'k1']), memory.exportEntity('card_category', ['c2', 'k1']));
    }
  }
  assert.ok(counts.late > 100 && counts.duplicate > 100 && counts.peek > 100 && counts.tie > 1000, JSON.stringify(counts));
  assert.deepEqual(flat.entityCounts(), memory.entityCounts());
  assert.equal(flat.exportEntity('card', ['nobody']), undefined);
  // EntityState continues from the flat store's JSON as from the memory store's.
  const group = p.groups[0];
  const fromFlat = EntityState.fromJSON(group, flat.exportEntity('card', ['c0'])!);
  const fromMemory = EntityState.fromJSON(group, memory.exportEntity('card', ['c0'])!);
  for (const at of [t, t + 30, t + 700, t + 5000]) {
    fromFlat.advance(at);
    fromMemory.advance(at);
    fromFlat.read(at, got);
    fromMemory.read(at, want);
    assert.deepEqual([...got], [...want]);
  }
});

it('PairTable holds what a Map holds through inserts, increments and removals', () => {
  const table = new PairTable(4);
  const reference = new Map<string, number>();
  const rand = mulberry32(3);
  for (let i = 0; i < 50_000; i++) {
    const a = Math.floor(rand() * 40);
    const b = Math.floor(rand() * 40);
    const key = `${a},${b}`;
    const r = rand();
    if (r < 0.45) {
      reference.set(key, (reference.get(key) ?? 0) + 1);
      assert.equal(table.increment(a, b), reference.get(key));
    } else if (r < 0.9 && reference.has(key)) {
      const n = reference.get(key)! - 1;
      if (n === 0) reference.delete(key);
      else reference.set(key, n);
      assert.equal(table.decrement(a, b), n);
    } else {
      assert.equal(table.get(a, b), reference.get(key) ?? -1);
    }
    assert.equal(table.size, reference.size);
  }
  for (let a = 0; a < 40; a++) {
    for (let b = 0; b < 40; b++) assert.equal(table.get(a, b), reference.get(`${a},${b}`) ?? -1, `${a},${b}`);
  }
  assert.throws(() => table.decrement(99, 99), /absent/);
});
