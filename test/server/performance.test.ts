/**
 * GET /performance and its gauges over HTTP (in-process), on the memory decision and label stores:
 * decisions scored through /predict, labels posted through /labels, figures checked against counts
 * made here from the stored decisions (the formulas themselves are checked against scikit-learn in
 * test/performance/performance.test.ts); window and model version selection, bad query → 400.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { DecisionsResponse, PerformanceReport } from '../../src/contract/index.js';
import { json, makeApp, ulbSample, type TestApp } from './helpers.js';

/** Sums of a dozen scores in another order: a few ulps. */
const SUM_TOLERANCE = 1e-12;

describe('GET /performance', () => {
  let t: TestApp;
  before(async () => {
    t = await makeApp({ FRAUDLENS_AMOUNT_FIELD: 'Amount', FRAUDLENS_PERFORMANCE_REFRESH_MS: '0' });
    // Twelve transactions pushed from ordinary towards fraud-like (V14, V17 very negative), so scores spread.
    for (let k = 0; k < 12; k++) {
      const row = { ...ulbSample(), Amount: 10 + k, V14: -k, V17: -k, V12: -k, V10: -k / 2 };
      const res = await t.app.inject({ method: 'POST', url: '/predict', payload: { ...row, transaction_id: `perf-${k}` } });
      assert.equal(res.statusCode, 200, res.body);
    }
    // Every other one labelled, fraud when k ≥ 6.
    const labels = [0, 2, 4, 6, 8, 10].map((k) => ({
      transaction_id: `perf-${k}`,
      label: k >= 6 ? 'fraud' : 'legitimate',
      source: 'chargeback',
    }));
    assert.equal((await t.app.inject({ method: 'POST', url: '/labels', payload: { labels } })).statusCode, 200);
  });
  after(async () => t.app.close());

  it('answers the figures of the stored decisions and their labels', async () => {
    const decisions = json<DecisionsResponse>(await t.app.inject({ url: '/decisions?limit=50' })).decisions;
    assert.equal(decisions.length, 12);
    const scores = decisions.map((d) => d.score);
    assert.ok(Math.max(...scores) - Math.min(...scores) > 0.1, `scores spread: ${scores.join(', ')}`);
    const res = await t.app.inject({ url: '/performance' });
    assert.equal(res.statusCode, 200, res.body);
    const report = json<PerformanceReport>(res);
    assert.equal(report.window, '90d');
    assert.equal(report.backend, 'memory');
    assert.match(report.expected_note, /concept drift/);
    assert.equal(report.versions.length, 1);
    const v = report.versions[0];
    assert.equal(v.all.decisions, 12);
    assert.equal(v.all.labelled, 6);
    assert.equal(v.all.labelled_share, 0.5);
    assert.equal(v.all.frauds, 3);
    // Nothing is a week old yet: the mature figures are empty, not made up.
    assert.deepEqual(
      v.by_maturity.map((m) => [m.older_than_days, m.decisions, m.labelled_share, m.roc_auc]),
      [
        [7, 0, null, null],
        [30, 0, null, null],
        [60, 0, null, null],
      ],
    );
    // The review level (review or decline), counted here from the decisions.
    const flagged = decisions.filter((d) => d.decision !== 'approve');
    const labelOf = (id: string | undefined) => (Number(id!.slice(5)) % 2 === 0 ? (Number(id!.slice(5)) >= 6 ? 1 : 0) : -1);
    const tp = flagged.filter((d) => labelOf(d.transaction_id) === 1).length;
    const fp = flagged.filter((d) => labelOf(d.transaction_id) === 0).length;
    const review = v.all.levels.find((l) => l.level === 'review')!;
    // Amounts as the decision store keeps them (a record without one adds nothing).
    const amountOf = (ids: typeof decisions) => ids.reduce((a, d) => a + (d.amount ?? 0), 0);
    assert.equal(v.all.fraud_amount, amountOf(decisions.filter((d) => labelOf(d.transaction_id) === 1)));
    assert.equal(review.realized.fraud_amount_caught, amountOf(flagged.filter((d) => labelOf(d.transaction_id) === 1)));
    assert.equal(review.realized.decisions, flagged.length);
    assert.equal(review.realized.true_positives, tp);
    assert.equal(review.realized.false_positives, fp);
    assert.equal(review.realized.recall, tp / 3);
    assert.equal(review.realized.false_positive_rate, fp / 3);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    if (flagged.length > 0) {
      const expected = sum(flagged.map((d) => d.score)) / flagged.length;
      assert.ok(Math.abs(review.expected.precision! - expected) <= SUM_TOLERANCE, `${review.expected.precision} vs ${expected}`);
    }
    assert.ok(Math.abs(v.all.expected_frauds - sum(scores)) <= SUM_TOLERANCE);
  });

  it('selects by model version and window', async () => {
    const none = json<PerformanceReport>(await t.app.inject({ url: '/performance?model_version=not-served' }));
    assert.deepEqual(none.versions, []);
    const all = json<PerformanceReport>(await t.app.inject({ url: '/performance?window=all' }));
    assert.equal(all.from, null);
    assert.equal(all.versions[0].all.decisions, 12);
  });

  it('refuses a malformed window with 400 naming the field', async () => {
    const res = await t.app.inject({ url: '/performance?window=3weeks' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /window/);
  });

  it('exports the realized and expected figures as gauges', async () => {
    const report = json<PerformanceReport>(await t.app.inject({ url: '/performance' }));
    const text = (await t.app.inject({ url: '/metrics' })).body;
    const v = report.versions[0];
    const review = v.all.levels.find((l) => l.level === 'review')!;
    const gauge = (name: string, labels: string): number => {
      const m = new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm').exec(text);
      assert.ok(m, `${name}{${labels}} in /metrics`);
      return Number(m[1]);
    };
    const base = `model_version="${v.model_version}",maturity="all",level="review"`;
    assert.equal(gauge('fraudlens_performance_labelled_share', `model_version="${v.model_version}",maturity="all"`), 0.5);
    assert.equal(gauge('fraudlens_performance_recall', `${base},estimate="realized"`), review.realized.recall);
    assert.equal(gauge('fraudlens_performance_precision', `${base},estimate="expected"`), review.expected.precision);
    assert.doesNotMatch(text, /fraudlens_performance_roc_auc\{[^}]*maturity="7d"/, 'no series for what cannot be known');
  });
});
