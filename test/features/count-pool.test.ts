/**
 * Count-only entities (all-time counts and time since last, no values) live in the memory store's
 * flat pool instead of an EntityState each. The pool must give what EntityState gives for the same
 * events: the same aggregations, including timestamp ties, late events and reads without adding,
 * and the same JSON, which EntityState can continue from (export, `state load`).
 */

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { validateDefinitions } from '../../src/core/features/definitions.js';
import { compilePlan, newEventRecord, type EventRecord } from '../../src/core/features/plan.js';
import { EntityState } from '../../src/core/features/entity-state.js';
import { MemoryStateStore, isCountOnly } from '../../src/core/features/state-store.js';

function plan() {
  return compilePlan(
    validateDefinitions({
      version: 1,
      event: { time: { field: 't', format: 'unix_seconds' }, id: 'id' },
      fields: { card: 'key', merchant: 'key' },
      entities: { card_merchant: ['card', 'merchant'] },
      aggregations: [
        { name: 'pair_count', entity: 'card_merchant', op: 'count', window: 'all' },
        { name: 'pair_since_last', entity: 'card_merchant', op: 'time_since_last' },
      ],
    }),
  );
}

it('the pool gives EntityState results and JSON for count-only entities, with ties, late events and reads', () => {
  const p = plan();
  const group = p.groups[0];
  assert.ok(isCountOnly(group));
  const store = new MemoryStateStore(p);
  const reference = new Map<string, EntityState>();
  const record: EventRecord = newEventRecord(p);
  const cardSlot = p.stringFields.indexOf('card');
  const merchantSlot = p.stringFields.indexOf('merchant');
  const got = new Float64Array(p.names.length);
  const want = new Float64Array(p.names.length);
  let seed = 7;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let t = 1_000;
  let late = 0;
  for (let i = 0; i < 5000; i++) {
    const r = rand();
    t += r < 0.3 ? 0 : Math.floor(rand() * 50);
    const lateBy = rand() < 0.1 ? Math.floor(rand() * 200) : 0; // an online late event
    if (lateBy > 0) late++;
    record.time = t - lateBy;
    record.id = `e${i}`;
    const card = `c${Math.floor(rand() * 3)}`;
    const merchant = `m${Math.floor(rand() * 4)}`;
    record.strings[cardSlot] = card;
    record.strings[merchantSlot] = merchant;
    const key = `${card}/${merchant}`;
    const peek = rand() < 0.1;
    let state = reference.get(key);
    if (state === undefined && !peek) reference.set(key, (state = new EntityState(group)));
    const view = state === undefined ? new EntityState(group) : peek ? new EntityState(group, state.toJSON()) : state;
    view.advance(record.time);
    view.read(record.time, want);
    if (peek) store.read(record, got);
    else {
      view.add(record);
      assert.equal(store.readThenAdd(record, got), 'added');
    }
    assert.deepEqual([...got], [...want], `event ${i}`);
    if (!peek) assert.deepEqual(store.exportEntity('card_merchant', [card, merchant]), state!.toJSON(), `state after event ${i}`);
  }
  assert.ok(late > 100);
  assert.deepEqual(store.entityCounts(), [reference.size]);
  // EntityState continues from the pool's JSON as from its own.
  const json = store.exportEntity('card_merchant', ['c0', 'm0'])!;
  const continued = EntityState.fromJSON(group, json);
  const own = EntityState.fromJSON(group, reference.get('c0/m0')!.toJSON());
  for (const at of [t, t + 1, t + 1000]) {
    continued.advance(at);
    own.advance(at);
    continued.read(at, got);
    own.read(at, want);
    assert.deepEqual([...got], [...want]);
  }
});
