/**
 * End-to-end: the Performance page's champion/challenger table in Debian's Chromium against a real
 * `fraudlens serve` running the demo model with both committed challengers and a canary. Raw
 * hold-out transactions are scored (every fraud of the file, and legitimate ones in between, in
 * time order), labelled with the file's truth, and the table's cells are compared with the API's
 * GET /performance/comparison.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';

import { parse } from 'csv-parse/sync';
import type { Browser } from 'playwright-core';

import { createApiClient, type ApiClient } from '../src/api.js';
import {
  checkPrerequisites,
  launchBrowser,
  openPage,
  pageUrl,
  REPO_ROOT,
  screenshot,
  startStack,
  type Stack,
} from './harness.js';

const HOLDOUT = join(REPO_ROOT, 'data', 'demo', 'holdout.csv.gz');
const CHALLENGERS = ['shallow', 'deep'].map((a) => `${a}=${join(REPO_ROOT, 'models', 'challengers', a, 'model.json')}`).join(',');
const CANARY_SHARE = 0.2;
/** Legitimate transactions scored beside the frauds: enough for the scores of both classes to spread. */
const LEGITIMATE = 400;
const NUMERIC = new Set(['amt', 'city_pop', 'lat', 'long', 'unix_time', 'merch_lat', 'merch_long']);
const BATCH = 100;

let stack: Stack;
let browser: Browser;
let api: ApiClient;
const truth = new Map<string, boolean>();

/** The hold-out's frauds and its first legitimate rows, in file (time) order, as raw transactions. */
function holdout(): Record<string, unknown>[] {
  const rows = parse(gunzipSync(readFileSync(HOLDOUT)), { columns: true, cast: false }) as Record<string, string>[];
  const out: Record<string, unknown>[] = [];
  let legit = 0;
  for (const row of rows) {
    const fraud = row.is_fraud === '1';
    if (!fraud && legit >= LEGITIMATE) continue;
    if (!fraud) legit++;
    const t: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) if (k !== 'is_fraud') t[k] = NUMERIC.has(k) ? Number(v) : v;
    truth.set(row.trans_num, fraud);
    out.push(t);
  }
  return out;
}

describe('Performance page: champion and challengers', () => {
  before(async () => {
    checkPrerequisites();
    stack = await startStack({ FRAUDLENS_CHALLENGERS: CHALLENGERS, FRAUDLENS_CANARY: `deep:${CANARY_SHARE}` });
    api = createApiClient({ baseUrl: stack.api.url });
    browser = await launchBrowser();
    const rows = holdout();
    for (let i = 0; i < rows.length; i += BATCH) {
      const res = await fetch(`${stack.api.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ instances: rows.slice(i, i + BATCH) }),
      });
      assert.equal(res.status, 200, await res.text());
    }
    const labels = [...truth].map(([id, fraud]) => ({
      transaction_id: id,
      label: fraud ? 'fraud' : 'legitimate',
      source: 'chargeback',
    }));
    for (let i = 0; i < labels.length; i += 1000) {
      const res = await fetch(`${stack.api.url}/labels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ labels: labels.slice(i, i + 1000) }),
      });
      assert.equal(res.status, 200, await res.text());
    }
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows each model’s precision, recall, PR-AUC, amount caught, agreement and score drift as the API computes them', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(pageUrl(stack, '#/performance'));
    await page.getByRole('radio', { name: 'All' }).check();
    const table = page.getByTestId('comparison-table');
    await table.waitFor({ timeout: 20_000 });
    const report = await api.comparison({ window: 'all' });
    assert.equal(report.transactions, truth.size, 'every scored transaction is labelled and scored by all three models');
    assert.ok(report.frauds > 0);
    assert.deepEqual(
      report.models.map((m) => m.alias),
      ['champion', 'shallow', 'deep'],
    );
    assert.match((await page.getByTestId('comparison-canary').textContent()) ?? '', /deep decides 20\.0% of transactions/);
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), report.models.length);
    for (let i = 0; i < report.models.length; i++) {
      const m = report.models[i];
      const row = rows.nth(i);
      assert.equal(await row.getAttribute('data-alias'), m.alias);
      for (const [testId, value] of [
        ['canary-share', m.canary_share],
        ['precision', m.precision],
        ['recall', m.recall],
        ['pr-auc', m.pr_auc],
        ['amount-caught', m.fraud_amount_caught],
        ['agreement', m.agreement],
        ['score-drift', m.mean_abs_score_difference],
      ] as const) {
        assert.equal(
          await row.getByTestId(testId).getAttribute('data-value'),
          value === null ? '' : String(value),
          `${m.alias} ${testId}`,
        );
      }
    }
    assert.equal(await rows.nth(0).getByTestId('agreement').textContent(), '—');
    await screenshot(page, 'performance-comparison');
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
