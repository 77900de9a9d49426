/**
 * Every aggregation op against a brute-force reference written here independently: for each event,
 * filter the entity's events by time ([t - W, t), strictly earlier) and compute directly. Random
 * data with timestamp ties, missing values, empty keys and a key pair.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateDefinitions, parseWindow, type AggregationOp } from '../../src/core/features/definitions.js';
import { compilePlan, newEventRecord } from '../../src/core/features/plan.js';
import { FeatureEngine, newFeatureRow } from '../../src/core/features/engine.js';
import { MemoryStateStore, type AddOutcome } from '../../src/core/features/state-store.js';
import { EntityState } from '../../src/core/features/entity-state.js';

/** Sums, means and std against a direct computation: relative tolerance of the parity rule. */
const FEATURE_REL_TOLERANCE = 1e-9;
/** Below this magnitude values are compared absolutely (a std of equal values is 0). */
const FEATURE_ABS_FLOOR = 1e-9;

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

interface RawEvent {
  id: string;
  time: number;
  card: string;
  merchant: string;
  amt: number;
}

const OPS: AggregationOp[] = ['count', 'sum', 'mean', 'min', 'max', 'std', 'distinct_count', 'time_since_last', 'last'];
const WINDOWS = ['1m', '10m', '1h', 'all'];

function definitions() {
  const aggregations: Record<string, unknown>[] = [];
  for (const entity of ['card', 'card_merchant']) {
    for (const window of WINDOWS) {
      for (const op of OPS) {
        const field = op === 'distinct_count' ? 'merchant' : op === 'count' || op === 'time_since_last' ? undefined : 'amt';
        aggregations.push({ name: `${entity}_${op}_${window}`, entity, op, window, ...(field ? { field } : {}) });
      }
    }
  }
  return validateDefinitions({
    version: 1,
    event: { time: { field: 't', format: 'unix_seconds' }, id: 'id' },
    fields: { card: 'key', merchant: 'key', amt: 'number' },
    entities: { card: 'card', card_merchant: ['card', 'merchant'] },
    row_features: [{ name: 'amt_value', kind: 'value', field: 'amt' }],
    aggregations,
    ratios: [{ name: 'amt_over_mean', numerator: 'amt_value', denominator: 'card_mean_all' }],
  });
}

function randomEvents(n: number, seed: number): RawEvent[] {
  const rand = mulberry32(seed);
  const events: RawEvent[] = [];
  let t = 1_600_000_000;
  for (let i = 0; i < n; i++) {
    // Steps of 0 (ties), a few seconds, or minutes, so every window both fills and empties.
    const r = rand();
    t += r < 0.25 ? 0 : r < 0.7 ? Math.floor(rand() * 30) : Math.floor(rand() * 1800);
    events.push({
      id: `e${i}`,
      time: t,
      card: rand() < 0.05 ? '' : `c${Math.floor(rand() * 6)}`,
      merchant: rand() < 0.05 ? '' : `m${Math.floor(rand() * 5)}`,
      amt: rand() < 0.1 ? NaN : Math.round(rand() * 100_000) / 100 - 50,
    });
  }
  return events;
}

function reference(events: RawEvent[], i: number, entity: string, op: AggregationOp, window: string): number {
  const e = events[i];
  const keyOf = (x: RawEvent) =>
    entity === 'card' ? (x.card === '' ? '' : x.card) : x.card === '' || x.merchant === '' ? '' : `${x.card}|${x.merchant}`;
  const key = keyOf(e);
  if (key === '') return NaN;
  const w = parseWindow(window);
  const seen = events.filter((x) => keyOf(x) === key && x.time < e.time && x.time >= e.time - w);
  const values = seen.map((x) => x.amt).filter((v) => !Number.isNaN(v));
  const sum = values.reduce((a, b) => a + b, 0);
  switch (op) {
    case 'count':
      return seen.length;
    case 'sum':
      return sum;
    case 'mean':
      return values.length > 0 ? sum / values.length : NaN;
    case 'min':
      return values.length > 0 ? Math.min(...values) : NaN;
    case 'max':
      return values.length > 0 ? Math.max(...values) : NaN;
    case 'std': {
      if (values.length < 2) return NaN;
      const mean = sum / values.length;
      return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
    }
    case 'distinct_count':
      return new Set(seen.map((x) => x.merchant).filter((m) => m !== '')).size;
    case 'time_since_last':
      return seen.length > 0 ? e.time - Math.max(...seen.map((x) => x.time)) : NaN;
    case 'last': {
      // The latest earlier event with a value; among equal times the later one in the file.
      const withValue = seen.filter((x) => !Number.isNaN(x.amt));
      return withValue.length > 0 ? withValue[withValue.length - 1].amt : NaN;
    }
  }
}

function close(actual: number, expected: number, what: string): void {
  if (Number.isNaN(expected)) {
    assert.ok(Number.isNaN(actual), `${what}: expected missing, got ${actual}`);
    return;
  }
  const tol = Math.max(FEATURE_ABS_FLOOR, FEATURE_REL_TOLERANCE * Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected}, got ${actual}`);
}

function replay(
  events: RawEvent[],
  onRow: (i: number, numbers: Float64Array, names: readonly string[]) => void,
): MemoryStateStore {
  const plan = compilePlan(definitions());
  const store = new MemoryStateStore(plan);
  const engine = new FeatureEngine(plan, store);
  const event = newEventRecord(plan);
  const row = newFeatureRow(plan);
  const slot = (f: string) => plan.stringFields.indexOf(f);
  events.forEach((e, i) => {
    event.time = e.time;
    event.id = e.id;
    event.numbers[plan.numberFields.indexOf('amt')] = e.amt;
    event.strings[slot('card')] = e.card;
    event.strings[slot('merchant')] = e.merchant;
    assert.equal(engine.compute(event, row), 'added');
    onRow(i, row.numbers, plan.names);
  });
  return store;
}

describe('aggregations against a brute-force reference', () => {
  for (const seed of [1, 2, 3]) {
    it(`every op and window matches on random events (seed ${seed})`, () => {
      const events = randomEvents(1200, seed);
      let checked = 0;
      replay(events, (i, numbers, names) => {
        names.forEach((name, f) => {
          const m = /^(card_merchant|card)_(.+)_(1m|10m|1h|all)$/.exec(name);
          if (m === null) return;
          const expected = reference(events, i, m[1], m[2] as AggregationOp, m[3]);
          if (m[2] === 'count' || m[2] === 'distinct_count') assert.equal(numbers[f], expected, `${name} at event ${i}`);
          else close(numbers[f], expected, `${name} at event ${i}`);
          checked++;
        });
        const mean = reference(events, i, 'card', 'mean', 'all');
        close(numbers[names.indexOf('amt_over_mean')], mean === 0 ? NaN : events[i].amt / mean, `ratio at event ${i}`);
      });
      assert.equal(checked, 1200 * OPS.length * WINDOWS.length * 2);
    });
  }

  it('equal-time events do not see each other, whatever their order', () => {
    const base = randomEvents(400, 9);
    const shuffled = [...base];
    // Reverse every run of equal times: the features of each event must not change.
    for (let i = 0; i < shuffled.length;) {
      let j = i;
      while (j < shuffled.length && shuffled[j].time === shuffled[i].time) j++;
      shuffled.splice(i, j - i, ...shuffled.slice(i, j).reverse());
      i = j;
    }
    const byId = new Map<string, number[]>();
    replay(base, (i, numbers, names) =>
      byId.set(
        base[i].id,
        names.map((n, f) => (n.includes('_last_') ? NaN : numbers[f])),
      ),
    );
    replay(shuffled, (i, numbers, names) => {
      const first = byId.get(shuffled[i].id)!;
      names.forEach((n, f) => {
        if (!n.includes('_last_')) close(numbers[f], first[f], `${n} of ${shuffled[i].id}`);
      });
    });
  });

  it('a duplicate event id is read but counted once', () => {
    const plan = compilePlan(definitions());
    const store = new MemoryStateStore(plan);
    const engine = new FeatureEngine(plan, store);
    const event = newEventRecord(plan);
    const row = newFeatureRow(plan);
    const count = plan.names.indexOf('card_count_all');
    event.strings[plan.stringFields.indexOf('card')] = 'c1';
    event.strings[plan.stringFields.indexOf('merchant')] = 'm1';
    const send = (id: string, time: number) => {
      event.id = id;
      event.time = time;
      return engine.compute(event, row);
    };
    assert.equal(send('a', 100), 'added');
    assert.equal(send('b', 200), 'added');
    assert.equal(row.numbers[count], 1);
    assert.equal(send('a', 300), 'duplicate');
    assert.equal(row.numbers[count], 2);
    assert.equal(send('c', 400), 'added');
    assert.equal(row.numbers[count], 2, 'the duplicate was not added');
    // Past the dedupe horizon the same id is a new event.
    assert.equal(send('a', 400 + plan.dedupeHorizon + 1), 'added');
  });

  it("a late event (older than its entity's latest) reads the state as it stands: time since last is 0, never negative", () => {
    const plan = compilePlan(definitions());
    const engine = new FeatureEngine(plan, new MemoryStateStore(plan));
    const event = newEventRecord(plan);
    const row = newFeatureRow(plan);
    const at = (name: string) => row.numbers[plan.names.indexOf(name)];
    event.strings[plan.stringFields.indexOf('card')] = 'c1';
    event.strings[plan.stringFields.indexOf('merchant')] = 'm1';
    const send = (id: string, time: number) => {
      event.id = id;
      event.time = time;
      // The in-process store answers synchronously.
      return engine.compute(event, row) as AddOutcome;
    };
    send('a', 1000);
    send('b', 5000);
    send('c', 6000);
    assert.equal(at('card_time_since_last_all'), 1000);
    assert.equal(send('late', 2000), 'added');
    assert.equal(at('card_time_since_last_all'), 0, 'b, at 5000, is already in the windows');
    assert.equal(at('card_count_all'), 2, 'the state as it stood at its latest read');
    // It was added at the newest time (6000): the next event sees all four, the latest at 6000.
    send('d', 6600);
    assert.equal(at('card_count_all'), 4);
    assert.equal(at('card_time_since_last_all'), 600);
  });

  it('memory: the ring holds only events within the largest finite window', () => {
    const events = randomEvents(3000, 5).map((e) => ({ ...e, card: 'c0' }));
    const store = replay(events, () => undefined);
    const state = store.exportEntity('card', ['c0'])!;
    const last = events[events.length - 1].time;
    const inWindow = events.filter((e) => e.time >= last - 3600).length;
    assert.ok(state.times.length <= inWindow + 1, `${state.times.length} events kept, ${inWindow} in the last hour`);
  });

  it('an entity state survives a JSON round trip mid-stream', () => {
    const plan = compilePlan(definitions());
    const group = plan.groups[0];
    const events = randomEvents(600, 11).map((e) => ({ ...e, card: 'c0' }));
    const record = newEventRecord(plan);
    const a = new EntityState(group);
    let b: EntityState | undefined;
    const outA = new Float64Array(plan.names.length);
    const outB = new Float64Array(plan.names.length);
    events.forEach((e, i) => {
      record.time = e.time;
      record.numbers[plan.numberFields.indexOf('amt')] = e.amt;
      record.strings[plan.stringFields.indexOf('merchant')] = e.merchant;
      if (i === 300) b = EntityState.fromJSON(group, JSON.parse(JSON.stringify(a.toJSON())));
      for (const s of b === undefined ? [a] : [a, b]) s.advance(e.time);
      a.read(e.time, outA);
      if (b !== undefined) {
        b.read(e.time, outB);
        assert.deepEqual([...outB].map(String), [...outA].map(String), `event ${i}`);
        b.add(record);
      }
      a.add(record);
    });
  });

  it('a long-lived entity keeps its running sums within tolerance of direct sums', () => {
    const defs = validateDefinitions({
      version: 1,
      event: { time: { field: 't', format: 'unix_seconds' }, id: 'id' },
      fields: { card: 'key', amt: 'number' },
      entities: { card: 'card' },
      aggregations: [
        { name: 'sum_1h', entity: 'card', op: 'sum', field: 'amt', window: '1h' },
        { name: 'std_1h', entity: 'card', op: 'std', field: 'amt', window: '1h' },
        { name: 'sum_all', entity: 'card', op: 'sum', field: 'amt' },
      ],
    });
    const plan = compilePlan(defs);
    const engine = new FeatureEngine(plan, new MemoryStateStore(plan));
    const event = newEventRecord(plan);
    const row = newFeatureRow(plan);
    event.strings[0] = 'c';
    const rand = mulberry32(7);
    const n = 200_000;
    const times = new Float64Array(n);
    const amts = new Float64Array(n);
    let allSum = 0;
    let lo = 0;
    for (let i = 0; i < n; i++) {
      times[i] = i * 7;
      // Large amounts with cents: the case where naive running sums drift.
      amts[i] = 1e6 + Math.round(rand() * 1e6) / 100;
      event.time = times[i];
      event.id = String(i);
      event.numbers[0] = amts[i];
      assert.equal(typeof engine.compute(event, row), 'string', 'the in-process store answers synchronously');
      if (i % 10_007 === 0 && i > 0) {
        while (times[lo] < times[i] - 3600) lo++;
        let s = 0;
        for (let j = lo; j < i; j++) s += amts[j];
        const mean = s / (i - lo);
        let ss = 0;
        for (let j = lo; j < i; j++) ss += (amts[j] - mean) ** 2;
        close(row.numbers[0], s, `sum_1h at ${i}`);
        close(row.numbers[1], Math.sqrt(ss / (i - lo - 1)), `std_1h at ${i}`);
        close(row.numbers[2], allSum, `sum_all at ${i}`);
      }
      allSum += amts[i];
    }
  });
});
