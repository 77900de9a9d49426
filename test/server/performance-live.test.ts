/**
 * GET /performance's columns kept in memory (PerformanceSource over LiveLabelledDecisions) on a real
 * PostgreSQL store: after new decisions (a rescore, a duplicate, a new model version and rule) and
 * new labels (a changed label, a label of a new decision, one of an id not decided yet, then that
 * decision) arrive, the incremental refresh reads only the changes and answers the same report as
 * a source that reads everything afresh, and as the store's whole joined read computed directly;
 * decisions deleted by retention leave it as well.
 * GET /performance/history's buckets from the same kept columns agree with a fresh read's too.
 * Also: the report is cached per (window, model version) until the next read, which computes the
 * reports asked for before again in the background; and a first read
 * slower than FIRST_READ_WAIT_MS is answered with PERFORMANCE_LOADING.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import pg from 'pg';

import { FraudlensError } from '../../src/core/errors.js';
import { computePerformance, computePerformanceHistory } from '../../src/core/performance/index.js';
import { MAX_CACHED_REPORTS, PerformanceSource } from '../../src/server/performance.js';
import {
  PostgresLabelStore,
  PostgresPredictionLog,
  type LabelledChanges,
  type LabelledWatermark,
  type NewLabel,
  NO_WATERMARK,
  type PredictionRecord,
} from '../../src/storage/index.js';
import { dropSchemas, testDatabaseUrl } from '../helpers/postgres.js';
import { waitUntil } from '../helpers/redis-server.js';

const PREFIX = `pl${process.pid}_`;
const DAY_MS = 86_400_000;
/** The clock of every source here: reports of the same data at the same instant must be equal. */
const NOW = Date.UTC(2024, 5, 1);

function decision(i: number, over: Partial<PredictionRecord> = {}): PredictionRecord {
  return {
    id: `d-${i}`,
    transaction_id: `tx-${i}`,
    // Spread over 80 days, oldest first, so every maturity holds some.
    timestamp: new Date(NOW - 80 * DAY_MS + i * DAY_MS).toISOString(),
    model_version: 'm1',
    score: ((i * 37) % 100) / 100,
    decision: i % 3 === 0 ? 'approve' : i % 3 === 1 ? 'review' : 'decline',
    risk_level: 'low',
    latency_ms: 1,
    features: {},
    amount: 10 + i,
    ...over,
  };
}

function label(id: string, value: 'fraud' | 'legitimate', knownAt: number): NewLabel {
  return { transaction_id: id, label: value, source: 'chargeback', knownAt, recordedAt: NOW, labelledBy: 'test' };
}

let url: string;
before(async () => {
  url = await testDatabaseUrl('fraudlens_labels_test');
});
after(async () => {
  await dropSchemas(url, PREFIX);
});

async function open(namespace: string): Promise<{ log: PostgresPredictionLog; store: PostgresLabelStore }> {
  const log = new PostgresPredictionLog({ url, schema: PREFIX + namespace });
  await waitUntil(() => log.stats().connected, { message: 'PostgreSQL store did not connect' });
  return { log, store: new PostgresLabelStore(log) };
}

describe('GET /performance from columns kept in memory', () => {
  it('refreshes incrementally to the report of a full read', async () => {
    const { log, store } = await open('live');
    // The real store, counting what each read of changes brings back.
    const reads: { since: LabelledWatermark; changes: LabelledChanges }[] = [];
    const counting = Object.create(store) as PostgresLabelStore;
    counting.labelledChanges = async (since) => {
      const changes = await store.labelledChanges(since);
      reads.push({ since, changes });
      return changes;
    };
    try {
      for (let i = 1; i <= 40; i++) log.append(decision(i));
      await log.flush();
      await store.add(
        [1, 2, 5, 8, 11, 14, 20, 25, 30].map((i) => label(`tx-${i}`, i % 2 === 0 ? 'fraud' : 'legitimate', NOW - DAY_MS)),
      );
      const live = new PerformanceSource(counting, 0, () => NOW);
      const before = await live.report('all', undefined);
      assert.equal(before.versions[0].all.decisions, 40);
      assert.equal(before.versions[0].all.labelled, 9);

      // New decisions: ordinary ones, a rescore of tx-5 (replacing it), a duplicate of tx-6 (never
      // counted), another model version decided by a rule; new labels: tx-1 changes, tx-41 new,
      // tx-50 before its decision, tx-5 (now its rescore's).
      for (let i = 41; i <= 45; i++) log.append(decision(i));
      log.append(decision(46, { id: 'd-5-rescore', transaction_id: 'tx-5', score: 0.97, repeat: 'rescore' }));
      log.append(decision(47, { id: 'd-6-dup', transaction_id: 'tx-6', score: 0.99, repeat: 'duplicate' }));
      log.append(
        decision(48, { model_version: 'm2', decision: 'decline', reasons: [{ kind: 'rule', code: 'big_amount', text: 'big' }] }),
      );
      await log.flush();
      await store.add([
        label('tx-1', 'fraud', NOW),
        label('tx-41', 'fraud', NOW),
        label('tx-50', 'fraud', NOW),
        label('tx-5', 'fraud', NOW),
      ]);
      log.append(decision(50));
      await log.flush();

      const incremental = await live.report('all', undefined);
      const recent = await live.report('30d', 'm1');
      // The second read brought back only what was stored since the first.
      assert.equal(reads.length, 3);
      assert.deepEqual(reads[0].since, NO_WATERMARK);
      assert.equal(reads[0].changes.added.count, 40);
      assert.equal(reads[1].changes.added.count, 8, 'five new, the rescore, the m2 decision, tx-50 (the duplicate never)');
      assert.deepEqual([...reads[1].changes.relabelledSeq].length, 2, 'tx-1 and tx-5 (its first decision) were held before');
      assert.equal(reads[2].changes.added.count, 0, 'nothing new for the third call');

      // Against a source reading everything afresh, and against the store's whole joined read.
      const fresh = new PerformanceSource(store, 0, () => NOW);
      assert.deepEqual(incremental, await fresh.report('all', undefined));
      assert.deepEqual(recent, await fresh.report('30d', 'm1'));
      const whole = computePerformance(await store.labelledDecisions({}), NOW, {});
      assert.deepEqual(incremental.versions, whole);
      // GET /performance/history from the same kept columns: as from a fresh read, and as computed from the whole read.
      const history = await live.history('90d', '7d', undefined);
      assert.deepEqual(history, await fresh.history('90d', '7d', undefined));
      const wholeHistory = computePerformanceHistory(await store.labelledDecisions({}), NOW, 7 * DAY_MS, {
        since: NOW - 90 * DAY_MS,
      });
      assert.deepEqual(
        history.versions.map((v) => v.buckets.map((b) => [b.decisions, b.labelled, b.levels[0].realized.precision])),
        wholeHistory.map((v) => v.buckets.map((b) => [b.decisions, b.labelled, b.levels[0].realized.precision])),
      );
      assert.deepEqual(
        history.versions.map((v) => v.buckets.reduce((a, b) => a + b.decisions, 0)),
        [46, 1],
      );

      // And the figures themselves: 47 current decisions (tx-5 counted once, by its rescore), 11 labelled, 9 of them fraud.
      const all = incremental.versions.map((v) => [v.model_version, v.all.decisions, v.all.labelled, v.all.frauds]);
      assert.deepEqual(all, [
        ['m1', 46, 11, 9],
        ['m2', 1, 0, 0],
      ]);
      assert.notDeepEqual(before.versions[0].all, incremental.versions[0].all);

      // Retention deletes the oldest decisions: they leave the report at the next refresh too.
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        await db.query(`DELETE FROM "${PREFIX}live".decisions WHERE transaction_id IN ('tx-1', 'tx-2', 'tx-3')`);
      } finally {
        await db.end();
      }
      const afterRetention = await live.report('all', undefined);
      assert.equal(afterRetention.versions[0].all.decisions, 43);
      assert.deepEqual(afterRetention, await new PerformanceSource(store, 0, () => NOW).report('all', undefined));
    } finally {
      await log.close();
    }
  });

  it('counts decisions and labels that commit after later ones (two writers)', async () => {
    const { log, store } = await open('writers');
    const schema = `"${PREFIX}writers"`;
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      for (let i = 1; i <= 5; i++) log.append(decision(i));
      await log.flush();
      await store.add([label('tx-1', 'fraud', NOW)]);
      const live = new PerformanceSource(store, 0, () => NOW);
      assert.equal((await live.report('all', undefined)).versions[0].all.decisions, 5);

      // Another writer (a second replica, a label import) takes the next sequence numbers of
      // both tables, and commits only after this process stored later ones.
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO ${schema}.decisions (id, transaction_id, decided_at, model_version, decision, score, amount, record)
         VALUES ('d-late', 'tx-late', $1, 'm1', 'decline', 0.95, 500, '{}')`,
        [new Date(NOW - DAY_MS).toISOString()],
      );
      for (const id of ['tx-2', 'tx-late'])
        await other.query(
          `WITH h AS (INSERT INTO ${schema}.labels (transaction_id, label, source, known_at, recorded_at, labelled_by)
                      VALUES ($1, 'fraud', 'chargeback', now(), now(), 'other') RETURNING *)
           INSERT INTO ${schema}.labels_current SELECT transaction_id, seq, label, source, known_at, recorded_at, labelled_by, note FROM h
           ON CONFLICT (transaction_id) DO UPDATE SET seq = excluded.seq, label = excluded.label`,
          [id],
        );
      log.append(decision(6));
      await log.flush();
      await store.add([label('tx-3', 'fraud', NOW)]);
      const during = (await live.report('all', undefined)).versions[0].all;
      assert.deepEqual([during.decisions, during.labelled], [6, 2], 'the other writer has not committed: tx-1 and tx-3 labelled');

      await other.query('COMMIT');
      const after = await live.report('all', undefined);
      assert.deepEqual(
        [after.versions[0].all.decisions, after.versions[0].all.labelled, after.versions[0].all.frauds],
        [7, 4, 4],
        'd-late counted, and the labels of tx-2 and tx-late',
      );
      assert.deepEqual(after, await new PerformanceSource(store, 0, () => NOW).report('all', undefined));
      // Nothing is looked for any more once the gaps are filled.
      const mark = await store.labelledChanges(NO_WATERMARK).then((c) => store.labelledChanges(c.watermark));
      assert.deepEqual([mark.watermark.decisionGaps, mark.watermark.labelGaps], [[], []]);
    } finally {
      await other.end();
      await log.close();
    }
  });

  it('caches each report until the next read', async () => {
    const { log, store } = await open('cache');
    try {
      for (let i = 1; i <= 5; i++) log.append(decision(i));
      await log.flush();
      let clock = NOW;
      const source = new PerformanceSource(store, 60_000, () => clock);
      source.start();
      const first = await source.report('all', undefined);
      assert.equal(await source.report('all', undefined), first, 'the same object: not computed again');
      assert.notEqual(await source.report('90d', undefined), first);
      log.append(decision(6));
      await log.flush();
      clock += 60_000;
      // Past the refresh period: answered from the last read while the next one loads.
      assert.equal(await source.report('all', undefined), first);
      // Once the refresh lands, the reports asked for before are computed again before anyone asks.
      await waitUntil(() => source.cached('90d', undefined)?.versions[0].all.decisions === 6, {
        message: 'the refresh did not land, or its reports were not computed ahead',
      });
      assert.equal(source.cached('all', undefined)?.versions[0].all.decisions, 6);
      assert.equal(source.cached('1d', undefined), undefined, 'never asked for: not computed');
      assert.equal(await source.report('all', undefined), source.cached('all', undefined));

      // Ever new queries do not grow the cache past its bound: the query asked first goes.
      const asked = Array.from({ length: MAX_CACHED_REPORTS + 5 }, (_, k) => `${k + 100}d`);
      for (const window of asked) await source.report(window, undefined);
      assert.equal(source.cached(asked[0], undefined), undefined, 'the oldest query is forgotten');
      assert.notEqual(source.cached(asked.at(-1)!, undefined), undefined);
      const kept = asked.filter((w) => source.cached(w, undefined) !== undefined).length;
      assert.equal(kept, MAX_CACHED_REPORTS);
    } finally {
      await log.close();
    }
  });

  it('answers PERFORMANCE_LOADING while the first read is slower than the wait', async () => {
    const { log, store } = await open('loading');
    try {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      const slow = Object.create(store) as PostgresLabelStore;
      slow.labelledChanges = async (since) => {
        await gate;
        return store.labelledChanges(since);
      };
      const source = new PerformanceSource(slow, 30_000, () => NOW);
      source.start();
      await assert.rejects(
        source.report('all', undefined),
        (e: unknown) => e instanceof FraudlensError && e.code === 'PERFORMANCE_LOADING' && e.statusCode === 503,
      );
      release();
      assert.deepEqual((await source.report('all', undefined)).versions, []);
    } finally {
      await log.close();
    }
  });
});
