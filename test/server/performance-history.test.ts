/**
 * GET /performance/history over HTTP (in-process) on the memory stores: decisions stored with
 * times spread over five days (written to the prediction log directly, since /predict stamps the
 * present), labels posted through /labels. The buckets' counts add up to GET /performance's for the
 * same window and snapshot; one bucket as long as the window gives its figures; one bucket's figures
 * are counted here from the stored records; bad queries get 400 naming the field; the role is
 * /performance's; the answer is cached per snapshot, as /performance's.
 */

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { ErrorResponse, PerformanceHistoryReport, PerformanceReport } from '../../src/contract/index.js';
import { PerformanceSource } from '../../src/server/performance.js';
import { MemoryLabelStore, MemoryPredictionLog, type PredictionRecord } from '../../src/storage/index.js';
import { json, makeApp, type TestApp } from './helpers.js';

/** Sums of scores and amounts added in another order (per bucket, per maturity): a few ulps. */
const SUM_TOLERANCE = 1e-12;
const HOUR = 3_600_000;
const KEYS = {
  scoring: 'hist-scoring-key-0123456789',
  analyst: 'hist-analyst-key-0123456789',
};
/** Decisions stored, one every 3 h back from a minute ago: five days. */
const DECISIONS = 40;

function close(actual: number | null, expected: number | null, what: string): void {
  if (expected === null || actual === null) return assert.equal(actual, expected, what);
  assert.ok(Math.abs(actual - expected) <= SUM_TOLERANCE * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

function record(k: number, now: number): PredictionRecord {
  const score = ((k * 37) % 100) / 100;
  return {
    id: `hist-${k}`,
    transaction_id: `hist-tx-${k}`,
    timestamp: new Date(now - 60_000 - k * 3 * HOUR).toISOString(),
    model_version: k % 5 === 4 ? 'hist-v2' : 'hist-v1',
    score,
    decision: score >= 0.8 ? 'decline' : score >= 0.5 ? 'review' : 'approve',
    risk_level: 'low',
    latency_ms: 1,
    features: {},
    amount: 10 + k,
  };
}

/** Every other decision labelled: fraud when its score is high or k is a multiple of 6. */
const labelOf = (k: number): 'fraud' | 'legitimate' | undefined =>
  k % 2 === 1 ? undefined : ((k * 37) % 100) / 100 >= 0.6 || k % 6 === 0 ? 'fraud' : 'legitimate';

describe('GET /performance/history', () => {
  let t: TestApp;
  let dir: string;
  const records: PredictionRecord[] = [];
  const as = (who: keyof typeof KEYS) => ({ 'x-api-key': KEYS[who] });
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fraudlens-hist-'));
    const file = join(dir, 'keys.yaml');
    await writeFile(
      file,
      `- { name: checkout, role: scoring, key: ${KEYS.scoring} }\n- { name: alice, role: analyst, key: ${KEYS.analyst} }\n`,
    );
    const log = new MemoryPredictionLog();
    const now = Date.now();
    // Oldest first, as the log receives them.
    for (let k = DECISIONS - 1; k >= 0; k--) records.push(record(k, now));
    for (const r of records) log.append(r);
    // A read every minute: the requests of a test share one snapshot, as a dashboard's do.
    t = await makeApp({ API_KEYS_FILE: file, FRAUDLENS_PERFORMANCE_REFRESH_MS: '60000' }, { predictionLog: log });
    const labels = records.flatMap((_, k) => {
      const label = labelOf(k);
      return label === undefined ? [] : [{ transaction_id: `hist-tx-${k}`, label, source: 'chargeback' }];
    });
    const res = await t.app.inject({ method: 'POST', url: '/labels', headers: as('analyst'), payload: { labels } });
    assert.equal(res.statusCode, 200, res.body);
  });
  after(async () => {
    await t.app.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = async <T>(url: string): Promise<T> => {
    const res = await t.app.inject({ url, headers: as('analyst') });
    assert.equal(res.statusCode, 200, res.body);
    return json<T>(res);
  };

  it('adds up to GET /performance over its buckets', async () => {
    const history = await get<PerformanceHistoryReport>('/performance/history?window=7d&bucket=1d');
    const report = await get<PerformanceReport>('/performance?window=7d');
    assert.equal(history.to, report.to, 'one snapshot');
    assert.equal(history.from, report.from);
    assert.equal(history.bucket, '1d');
    assert.deepEqual(
      history.versions.map((v) => v.model_version),
      report.versions.map((v) => v.model_version),
    );
    assert.equal(history.versions.length, 2);
    for (const [k, v] of history.versions.entries()) {
      assert.equal(v.buckets.length, 7);
      assert.ok(v.buckets.filter((b) => b.decisions > 0).length >= 4, 'decisions in several buckets');
      const all = report.versions[k].all;
      const sum = (f: (b: (typeof v.buckets)[number]) => number) => v.buckets.reduce((a, b) => a + f(b), 0);
      assert.deepEqual(
        [sum((b) => b.decisions), sum((b) => b.labelled), sum((b) => b.frauds), sum((b) => b.legitimate)],
        [all.decisions, all.labelled, all.frauds, all.legitimate],
      );
      close(
        sum((b) => b.fraud_amount),
        all.fraud_amount,
        'fraud amount',
      );
      for (const [l, name] of ['review', 'decline'].entries()) {
        const whole = all.levels.find((x) => x.level === name)!;
        assert.deepEqual(
          [sum((b) => b.levels[l].realized.decisions), sum((b) => b.levels[l].realized.true_positives)],
          [whole.realized.decisions, whole.realized.true_positives],
          name,
        );
      }
    }
  });

  it('gives /performance figures in one bucket as long as the window', async () => {
    const history = await get<PerformanceHistoryReport>('/performance/history?window=7d&bucket=7d');
    const report = await get<PerformanceReport>('/performance?window=7d');
    for (const [k, v] of history.versions.entries()) {
      assert.equal(v.buckets.length, 1);
      const [b] = v.buckets;
      const all = report.versions[k].all;
      assert.deepEqual(
        [b.from, b.to, b.decisions, b.labelled, b.labelled_share, b.frauds, b.legitimate, b.fraud_amount],
        [report.from, report.to, all.decisions, all.labelled, all.labelled_share, all.frauds, all.legitimate, all.fraud_amount],
      );
      close(b.expected_frauds, all.expected_frauds, 'Σp');
      for (const level of b.levels) {
        const whole = all.levels.find((x) => x.level === level.level)!;
        const { false_positive_rate: _, ...realized } = whole.realized;
        assert.deepEqual(level.realized, realized, level.level);
        close(level.expected.precision, whole.expected.precision, `${level.level} expected precision`);
        close(level.expected.recall, whole.expected.recall, `${level.level} expected recall`);
      }
    }
  });

  it('counts each bucket from the decisions made in it', async () => {
    const history = await get<PerformanceHistoryReport>('/performance/history?window=7d&bucket=12h&model_version=hist-v1');
    assert.deepEqual(
      history.versions.map((v) => v.model_version),
      ['hist-v1'],
    );
    const buckets = history.versions[0].buckets;
    assert.equal(buckets.length, 14);
    for (const [i, b] of buckets.entries()) {
      const from = Date.parse(b.from);
      const to = Date.parse(b.to);
      const inside = records.filter((r) => {
        const ms = Date.parse(r.timestamp);
        return r.model_version === 'hist-v1' && (i === 0 ? ms >= from : ms > from) && ms <= to;
      });
      const kOf = (r: PredictionRecord) => Number(r.transaction_id!.slice('hist-tx-'.length));
      const labelled = inside.filter((r) => labelOf(kOf(r)) !== undefined);
      const frauds = inside.filter((r) => labelOf(kOf(r)) === 'fraud');
      const flagged = inside.filter((r) => r.decision !== 'approve');
      const caught = flagged.filter((r) => labelOf(kOf(r)) === 'fraud');
      const flaggedLabelled = flagged.filter((r) => labelOf(kOf(r)) !== undefined);
      const review = b.levels.find((l) => l.level === 'review')!;
      assert.deepEqual(
        [b.decisions, b.labelled, b.frauds, review.realized.decisions, review.realized.true_positives],
        [inside.length, labelled.length, frauds.length, flagged.length, caught.length],
        `bucket ${i}`,
      );
      assert.equal(review.realized.precision, flaggedLabelled.length > 0 ? caught.length / flaggedLabelled.length : null);
      assert.equal(review.realized.recall, frauds.length > 0 ? caught.length / frauds.length : null);
      assert.equal(
        review.realized.fraud_amount_caught,
        caught.reduce((a, r) => a + r.amount!, 0),
      );
      const sumP = inside.reduce((a, r) => a + r.score, 0);
      close(
        review.expected.recall,
        sumP > 0 ? flagged.reduce((a, r) => a + r.score, 0) / sumP : null,
        `bucket ${i} expected recall`,
      );
    }
  });

  it('refuses bad buckets and windows with 400 naming the field', async () => {
    for (const [url, code, field] of [
      ['/performance/history?bucket=all', 'REQUEST_INVALID', 'bucket'],
      ['/performance/history?bucket=0h', 'REQUEST_INVALID', 'bucket'],
      ['/performance/history?window=3weeks', 'REQUEST_INVALID', 'window'],
      ['/performance/history?window=90d&bucket=1h', 'HISTORY_TOO_MANY_BUCKETS', 'bucket'],
      ['/performance/history?window=all&bucket=1m', 'HISTORY_TOO_MANY_BUCKETS', 'bucket'],
      ['/performance/history?buckets=1d', 'REQUEST_INVALID', 'buckets'],
    ] as const) {
      const res = await t.app.inject({ url, headers: as('analyst') });
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      const body = json<ErrorResponse>(res);
      assert.deepEqual([body.code, body.field], [code, field], url);
    }
  });

  it('answers the analyst and refuses the scoring key, as GET /performance', async () => {
    const scoring = await t.app.inject({ url: '/performance/history', headers: as('scoring') });
    assert.equal(scoring.statusCode, 403);
    assert.equal(json<ErrorResponse>(scoring).code, 'FORBIDDEN');
    assert.equal((await t.app.inject({ url: '/performance/history' })).statusCode, 401);
    const history = await get<PerformanceHistoryReport>('/performance/history');
    assert.deepEqual([history.window, history.bucket], ['90d', '1d']);
    assert.equal(history.versions[0].buckets.length, 90);
  });
});

describe('PerformanceSource.history cache', () => {
  it('answers the same history until the next read, then computes it afresh', async () => {
    const log = new MemoryPredictionLog();
    let now = Date.UTC(2024, 5, 1);
    for (let k = 0; k < 10; k++) log.append(record(k, now));
    const source = new PerformanceSource(new MemoryLabelStore(log), 1000, () => now);
    const first = await source.history('1d', '1h', undefined);
    assert.equal(await source.history('1d', '1h', undefined), first, 'cached: the same object');
    assert.notEqual(await source.history('1d', '2h', undefined), first, 'another bucket is another history');
    const report = await source.report('1d', undefined);
    assert.equal(first.to, report.to);
    now += 1001;
    log.append(record(10, now + 3 * HOUR * 10));
    // The read past refreshMs answers the last snapshot while the next loads; then the new one.
    await source.history('1d', '1h', undefined);
    await new Promise((r) => setImmediate(r));
    const next = await source.history('1d', '1h', undefined);
    assert.notEqual(next, first);
    assert.equal(next.to, new Date(now).toISOString());
    const sum = (h: PerformanceHistoryReport) => h.versions.flatMap((v) => v.buckets).reduce((a, b) => a + b.decisions, 0);
    assert.equal(sum(next), sum(first) + 1, 'the decision stored since is in the new history');
  });
});
