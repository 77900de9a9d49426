/**
 * The behaviour every prediction-log backend must have, written once. Each backend's test file
 * calls `runPredictionLogConformance` with a factory; backend-specific behaviour (wire formats,
 * faults) is tested next to it.
 */

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { FraudlensError } from '../../../src/core/errors.js';
import type { DecisionQuery, PredictionLog, PredictionRecord } from '../../../src/storage/index.js';
import { waitUntil } from '../../helpers/redis-server.js';

export interface StoreSpec {
  /**
   * Names the storage a store writes to. Every test gets a fresh namespace; the two-instance
   * tests give both stores the same one. Backends without shared storage may ignore it.
   */
  namespace: string;
  maxSize?: number;
  maskFields?: string[];
}

export type MakeStore = (spec: StoreSpec) => PredictionLog | Promise<PredictionLog>;

export interface ConformanceOptions {
  /** True when two stores on the same namespace see each other's records (Redis, PostgreSQL). */
  sharedStorage?: boolean;
  /** True when maxSize bounds what is stored, not only what `latest` reads (default true; PostgreSQL keeps by age). */
  sizeBoundStorage?: boolean;
}

const DECISIONS = ['approve', 'review', 'decline'] as const;

/** A valid record; `i` makes id, timestamp, score and features distinct. */
export function makeRecord(i: number, prefix = 'p'): PredictionRecord {
  return {
    id: `${prefix}-${i}`,
    timestamp: new Date(Date.UTC(2024, 0, 1, 12, 0, 0) + i * 1000).toISOString(),
    model_version: 'gbt-2024.01',
    score: (i % 100) / 100,
    decision: DECISIONS[i % 3],
    risk_level: i % 2 === 0 ? 'low' : 'high',
    latency_ms: 0.25 + i,
    features: { amount: 10.5 + i, merchant_category: 'grocery', device_age_days: null },
  };
}

/** What a record looks like after storage: JSON's view of it (undefined members vanish). */
function stored(record: PredictionRecord): PredictionRecord {
  return JSON.parse(JSON.stringify(record)) as PredictionRecord;
}

function ids(records: readonly PredictionRecord[]): string[] {
  return records.map((r) => r.id);
}

function assertAccounted(store: PredictionLog, appended: number): void {
  const s = store.stats();
  assert.equal(s.written + s.buffered + s.dropped, appended, `stats ${JSON.stringify(s)} do not account for ${appended} appends`);
}

export function runPredictionLogConformance(name: string, makeStore: MakeStore, options: ConformanceOptions = {}): void {
  const shared = options.sharedStorage === true;
  const sizeBound = options.sizeBoundStorage !== false;

  describe(`${name}: PredictionLog conformance`, () => {
    const opened: PredictionLog[] = [];
    let counter = 0;
    const freshNamespace = (): string => `conformance-${name}-${process.pid}-${(counter += 1)}`;

    async function open(spec: Partial<StoreSpec> = {}): Promise<PredictionLog> {
      const store = await makeStore({ namespace: freshNamespace(), ...spec });
      opened.push(store);
      await waitUntil(() => store.stats().connected, { message: `${name} store did not connect` });
      return store;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    it('starts empty and connected', async () => {
      const store = await open();
      assert.deepEqual(await store.latest(10), []);
      assert.deepEqual(store.stats(), { buffered: 0, dropped: 0, written: 0, connected: true, dropping: false, duplicates: 0 });
      assert.equal(typeof store.backend, 'string');
    });

    it('returns appended records newest first, unchanged, without an explicit flush', async () => {
      const store = await open();
      const records = [0, 1, 2, 3, 4].map((i) => makeRecord(i));
      records[2] = {
        ...records[2],
        explanation: { base_value: -2.1, contributions: [{ feature: 'amount', value: 12.5, shap: 0.4 }] },
      };
      for (const r of records) store.append(r);
      assert.deepEqual(await store.latest(10), records.map(stored).reverse());
    });

    it('honours the limit and caps it at what is stored', async () => {
      const store = await open();
      for (let i = 0; i < 7; i += 1) store.append(makeRecord(i));
      await store.flush();
      assert.deepEqual(await store.latest(0), []);
      assert.deepEqual(ids(await store.latest(1)), ['p-6']);
      assert.deepEqual(ids(await store.latest(3)), ['p-6', 'p-5', 'p-4']);
      assert.deepEqual(ids(await store.latest(7)), ['p-6', 'p-5', 'p-4', 'p-3', 'p-2', 'p-1', 'p-0']);
      assert.equal((await store.latest(1_000_000)).length, 7);
    });

    it('rejects a limit that is not a non-negative integer', async () => {
      const store = await open();
      store.append(makeRecord(0));
      for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3' as unknown as number]) {
        await assert.rejects(store.latest(bad), (err: unknown) => err instanceof FraudlensError && err.code === 'INPUT_INVALID');
      }
    });

    it('keeps only the newest maxSize records', async () => {
      const store = await open({ maxSize: 5 });
      for (let i = 0; i < 12; i += 1) store.append(makeRecord(i));
      await store.flush();
      assert.deepEqual(ids(await store.latest(100)), ['p-11', 'p-10', 'p-9', 'p-8', 'p-7']);
      // Trimming is retention, not loss: every record was written.
      assert.equal(store.stats().written, 12);
      assert.equal(store.stats().dropped, 0);
    });

    it('masks the configured feature values, in features and in explanation entries', async () => {
      const store = await open({ maskFields: ['email', 'card_number'] });
      const record: PredictionRecord = {
        ...makeRecord(1),
        features: { amount: 99.9, email: 'jane@example.com', card_number: '4111111111111111', country: 'FR' },
        explanation: {
          base_value: -1.5,
          contributions: [
            { feature: 'email', value: 'jane@example.com', shap: 0.7 },
            { feature: 'amount', value: 99.9, shap: 0.2 },
          ],
        },
      };
      const before = structuredClone(record);
      store.append(record);
      store.append(makeRecord(2)); // has none of the masked features: nothing is added
      const [plain, masked] = await store.latest(2);
      assert.deepEqual(masked.features, { amount: 99.9, email: '***', card_number: '***', country: 'FR' });
      assert.deepEqual(masked.explanation, {
        base_value: -1.5,
        contributions: [
          { feature: 'email', value: '***', shap: 0.7 },
          { feature: 'amount', value: 99.9, shap: 0.2 },
        ],
      });
      assert.deepEqual(plain.features, makeRecord(2).features);
      assert.deepEqual(record, before, 'the caller’s record must not be modified');
    });

    it('stores a snapshot: later changes to the caller’s object do not leak in', async () => {
      const store = await open();
      const contributions = [{ feature: 'amount', value: 13.5, shap: 0.3 }];
      const record: PredictionRecord = { ...makeRecord(3), explanation: { contributions } };
      store.append(record);
      record.score = 0.99;
      record.features.amount = -1;
      contributions[0].shap = -5;
      const [got] = await store.latest(1);
      assert.equal(got.score, makeRecord(3).score);
      assert.equal(got.features.amount, makeRecord(3).features.amount);
      assert.deepEqual(got.explanation, { contributions: [{ feature: 'amount', value: 13.5, shap: 0.3 }] });
    });

    it('frozen features: stored as given when JSON holds them, else normalised, masked, or refused', async () => {
      const plain = await open();
      plain.append({ ...makeRecord(1), features: Object.freeze({ amount: 12.5, country: 'FR', device: null }) });
      plain.append({ ...makeRecord(2), features: Object.freeze({ amount: Number.POSITIVE_INFINITY, country: 'DE' }) });
      plain.append({ ...makeRecord(3), features: Object.freeze({ amount: 10n }) } as unknown as PredictionRecord);
      const [second, first] = await plain.latest(10);
      assert.deepEqual(first.features, { amount: 12.5, country: 'FR', device: null });
      assert.deepEqual(second.features, { amount: null, country: 'DE' }, 'a non-finite number is stored as null, as JSON would');
      assert.equal(plain.stats().dropped, 1, 'a value that is not a feature value is refused, frozen or not');
      const masking = await open({ maskFields: ['email'] });
      masking.append({ ...makeRecord(4), features: Object.freeze({ amount: 1, email: 'jane@example.com' }) });
      const [masked] = await masking.latest(1);
      assert.deepEqual(masked.features, { amount: 1, email: '***' });
    });

    it('counts every record: invalid ones are dropped, never thrown', async () => {
      const store = await open();
      const cyclic: Record<string, unknown> = { base_value: 0 };
      cyclic.self = cyclic;
      const invalid = [
        { ...makeRecord(100), decision: 'maybe' },
        { ...makeRecord(101), score: Number.NaN },
        { ...makeRecord(102), timestamp: 'yesterday' },
        { ...makeRecord(103), features: { amount: 10n } },
        { ...makeRecord(104), features: { nested: { a: 1 } } },
        { ...makeRecord(105), explanation: { shap: [1n] } },
        { ...makeRecord(106), explanation: cyclic },
        { ...makeRecord(107), reasons: [{ code: 7, text: 'not a string code' }] },
        { ...makeRecord(108), repeat: 'sometimes' },
        { ...makeRecord(109), rules_version: 3 },
        { ...makeRecord(110), shadow: [{ alias: 'deep', model_version: 'd1', score: 0.2, decision: 'maybe' }] },
        {
          ...makeRecord(111),
          shadow: [{ alias: 'deep', model_version: 'd1', score: Number.POSITIVE_INFINITY, decision: 'approve' }],
        },
        { ...makeRecord(112), model_alias: 7 },
        null,
      ] as unknown as PredictionRecord[];
      let appended = 0;
      for (let i = 0; i < 20; i += 1) {
        store.append(makeRecord(i));
        appended += 1;
        if (i < invalid.length) {
          assert.doesNotThrow(() => store.append(invalid[i]));
          appended += 1;
        }
        assertAccounted(store, appended);
      }
      await store.flush();
      assert.deepEqual(store.stats(), {
        buffered: 0,
        dropped: invalid.length,
        written: 20,
        connected: true,
        dropping: false,
        duplicates: 0,
      });
      assert.equal((await store.latest(100)).length, 20);
    });

    it('keeps the deciding model and the shadow verdicts of a record as given', async () => {
      const store = await open();
      const first = { alias: 'champion', model_version: 'm1', score: 0.25, decision: 'review' as const };
      const shadow = [first, Object.freeze({ alias: 'shallow', model_version: 's1', score: 0.01, decision: 'approve' as const })];
      const record = { ...makeRecord(1), model_alias: 'deep', shadow };
      store.append(record);
      await store.flush();
      const [stored] = await store.latest(1);
      assert.equal(stored.model_alias, 'deep');
      assert.deepEqual(stored.shadow, shadow);
      // A snapshot: the caller's list changing later does not reach the store.
      first.score = 0.99;
      assert.equal((await store.latest(1))[0].shadow![0].score, 0.25);
    });

    it('flush and close are idempotent; appends after close are counted as dropped', async () => {
      const store = await open();
      store.append(makeRecord(0));
      await store.flush();
      await store.flush();
      await Promise.all([store.close(), store.close()]);
      await store.close();
      assert.doesNotThrow(() => store.append(makeRecord(1)));
      const s = store.stats();
      assert.equal(s.connected, false);
      assert.equal(s.written, 1);
      assert.equal(s.dropped, 1);
      assert.equal(s.buffered, 0);
      await store.flush();
      // Reads keep working after close (from what the process still holds).
      assert.ok(Array.isArray(await store.latest(5)));
    });

    describe('as a decision store', () => {
      /** Twelve decisions over an hour, with transaction ids, rules and reasons varied so each filter splits them. */
      function decisions(): PredictionRecord[] {
        return Array.from({ length: 12 }, (_, i) => {
          const r: PredictionRecord = {
            ...makeRecord(i, 'd'),
            timestamp: new Date(Date.UTC(2024, 5, 1, 10, 0, 0) + i * 5 * 60_000).toISOString(),
            model_version: i < 6 ? 'm-1' : 'm-2',
            score: i / 12,
            transaction_id: `tx-${i}`,
            rules_version: 'rules-1',
          };
          if (i % 4 === 0) r.reasons = [{ kind: 'rule', code: 'block_bin', text: 'BIN on the block list' }];
          if (i % 4 === 1) r.reasons = [{ kind: 'rule', code: 'high_amount', text: 'first-time high amount' }];
          return r;
        });
      }
      const idsOf = (page: { records: PredictionRecord[] }): string[] => page.records.map((r) => r.id);
      /** The ids of `all` (newest first) that pass `keep`. */
      const expected = (all: PredictionRecord[], keep: (r: PredictionRecord) => boolean): string[] =>
        all
          .filter(keep)
          .reverse()
          .map((r) => r.id);

      it('reads: or refuses with DECISIONS_UNSUPPORTED when it keeps nothing to read', async () => {
        const store = await open();
        if (store.queryable) return;
        const unsupported = (err: unknown): boolean => err instanceof FraudlensError && err.code === 'DECISIONS_UNSUPPORTED';
        await assert.rejects(store.query({ limit: 10 }), unsupported);
        await assert.rejects(store.get('tx-1'), unsupported);
      });

      it('filters by each field, newest first, with the stored records', async (t) => {
        const store = await open();
        if (!store.queryable) return t.skip('not queryable');
        const all = decisions();
        for (const r of all) store.append(r);
        const check = async (filter: Omit<DecisionQuery, 'limit'>, keep: (r: PredictionRecord) => boolean): Promise<void> => {
          const page = await store.query({ ...filter, limit: 100 });
          assert.deepEqual(idsOf(page), expected(all, keep), JSON.stringify(filter));
          assert.equal(page.next_cursor, null);
        };
        const page = await store.query({ limit: 100 });
        assert.deepEqual(page.records, all.map(stored).reverse(), 'records come back as stored');
        await check({ transaction_id: 'tx-3' }, (r) => r.transaction_id === 'tx-3');
        await check({ decision: 'review' }, (r) => r.decision === 'review');
        await check({ score_min: 0.25, score_max: 0.5 }, (r) => r.score >= 0.25 && r.score <= 0.5);
        await check({ from: '2024-06-01T10:15:00Z', to: '2024-06-01T10:35:00.000Z' }, (r) => {
          const ms = Date.parse(r.timestamp);
          return ms >= Date.parse('2024-06-01T10:15:00Z') && ms < Date.parse('2024-06-01T10:35:00Z');
        });
        await check({ model_version: 'm-2' }, (r) => r.model_version === 'm-2');
        await check({ rule: 'block_bin' }, (r) => r.reasons?.some((x) => x.code === 'block_bin') === true);
        await check(
          { rule: 'block_bin', decision: 'approve' },
          (r) => r.reasons?.[0]?.code === 'block_bin' && r.decision === 'approve',
        );
        await check({ rule: 'no_such_rule' }, () => false);
      });

      it('pages with a cursor: every match once, in order, ties in time broken by id', async (t) => {
        const store = await open();
        if (!store.queryable) return t.skip('not queryable');
        const all = decisions();
        // Four decisions in the same millisecond: the order among them is by id.
        for (const i of [2, 3, 4, 5]) all[i] = { ...all[i], timestamp: all[2].timestamp };
        for (const r of all) store.append(r);
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.query({ limit: 5, cursor, model_version: undefined });
          seen.push(...idsOf(page));
          cursor = page.next_cursor ?? undefined;
          pages += 1;
        } while (cursor !== undefined && pages < 10);
        assert.equal(pages, 3);
        const order = [...all].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || (a.id < b.id ? 1 : -1));
        assert.deepEqual(
          seen,
          order.map((r) => r.id),
        );
        const filtered = await store.query({ limit: 2, decision: 'approve' });
        const rest = await store.query({ limit: 100, decision: 'approve', cursor: filtered.next_cursor ?? undefined });
        assert.deepEqual(
          [...idsOf(filtered), ...idsOf(rest)],
          expected(all, (r) => r.decision === 'approve'),
        );
      });

      it('refuses a bad filter, limit or cursor with INPUT_INVALID naming it', async (t) => {
        const store = await open();
        if (!store.queryable) return t.skip('not queryable');
        const naming = (field: string) => (err: unknown) =>
          err instanceof FraudlensError && err.code === 'INPUT_INVALID' && err.location.field === field;
        await assert.rejects(store.query({ limit: 0 }), naming('limit'));
        await assert.rejects(store.query({ limit: 5, cursor: 'not-a-cursor' }), naming('cursor'));
        await assert.rejects(store.query({ limit: 5, from: 'yesterday' }), naming('from'));
        await assert.rejects(store.query({ limit: 5, decision: 'maybe' as 'approve' }), naming('decision'));
      });

      it('one current decision per transaction id: a repeat is flagged and counted, a rescore replaces it', async (t) => {
        const store = await open();
        if (!store.queryable) return t.skip('not queryable');
        const first = { ...makeRecord(1, 'x'), transaction_id: 'tx-A', decision: 'approve' as const };
        store.append(first);
        store.append({ ...makeRecord(2, 'x'), transaction_id: 'tx-A', decision: 'decline' });
        assert.deepEqual(await store.get('tx-A'), stored(first));
        assert.equal(await store.get('tx-none'), undefined);
        const both = await store.query({ limit: 10, transaction_id: 'tx-A' });
        assert.deepEqual(
          both.records.map((r) => [r.id, r.repeat]),
          [
            ['x-2', 'duplicate'],
            ['x-1', undefined],
          ],
        );
        const rescored = {
          ...makeRecord(3, 'x'),
          transaction_id: 'tx-A',
          decision: 'review' as const,
          repeat: 'rescore' as const,
        };
        store.append(rescored);
        assert.deepEqual(await store.get('tx-A'), stored(rescored));
        await store.flush();
        assert.equal(store.stats().duplicates, 1);
      });

      it('masks the configured fields in reasons as in features', async (t) => {
        const store = await open({ maskFields: ['email'] });
        if (!store.queryable) return t.skip('not queryable');
        store.append({
          ...makeRecord(1),
          transaction_id: 'tx-M',
          features: { amount: 1, email: 'jane@example.com' },
          reasons: [
            {
              kind: 'feature',
              code: 'feature_email',
              text: 'email pushes towards fraud',
              feature: 'email',
              value: 'jane@example.com',
            },
          ],
        });
        const got = await store.get('tx-M');
        assert.deepEqual(got?.reasons, [
          { kind: 'feature', code: 'feature_email', text: 'email pushes towards fraud', feature: 'email', value: '***' },
        ]);
        assert.equal(got?.features.email, '***');
      });
    });

    if (shared) {
      it('two instances on the same storage: nothing lost, each writer’s order kept', async () => {
        const namespace = freshNamespace();
        const a = await open({ namespace });
        const b = await open({ namespace });
        for (let i = 0; i < 40; i += 1) {
          a.append(makeRecord(i, 'a'));
          b.append(makeRecord(i, 'b'));
          // Let the writers interleave their batches rather than send everything at the end.
          if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
        }
        await Promise.all([a.flush(), b.flush()]);
        for (const reader of [a, b]) {
          const all = ids(await reader.latest(1000));
          assert.equal(all.length, 80);
          const expect = (p: string): string[] => Array.from({ length: 40 }, (_, i) => `${p}-${39 - i}`);
          assert.deepEqual(
            all.filter((id) => id.startsWith('a-')),
            expect('a'),
          );
          assert.deepEqual(
            all.filter((id) => id.startsWith('b-')),
            expect('b'),
          );
        }
      });

      it('two instances on the same storage share the maxSize bound', { skip: !sizeBound }, async () => {
        const namespace = freshNamespace();
        const a = await open({ namespace, maxSize: 30 });
        const b = await open({ namespace, maxSize: 30 });
        for (let i = 0; i < 25; i += 1) {
          a.append(makeRecord(i, 'a'));
          b.append(makeRecord(i, 'b'));
        }
        await Promise.all([a.flush(), b.flush()]);
        // A reader with a larger bound sees the true length: latest() alone caps at maxSize.
        const wide = await open({ namespace, maxSize: 1000 });
        assert.equal((await wide.latest(1000)).length, 30);
        assert.equal(a.stats().written + b.stats().written, 50);
      });
    } else {
      it('two instances are independent', async () => {
        const namespace = freshNamespace();
        const a = await open({ namespace });
        const b = await open({ namespace });
        a.append(makeRecord(0, 'a'));
        b.append(makeRecord(0, 'b'));
        b.append(makeRecord(1, 'b'));
        assert.deepEqual(ids(await a.latest(10)), ['a-0']);
        assert.deepEqual(ids(await b.latest(10)), ['b-1', 'b-0']);
      });
    }
  });
}
