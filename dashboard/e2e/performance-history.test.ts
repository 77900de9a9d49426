/**
 * End-to-end: the Performance page's chart over time in Debian's Chromium against a real
 * `fraudlens serve` on PostgreSQL. Decisions spread over eight days, and labels for two in three of
 * them, are written to the server's tables before it starts (through fraudlens' own PostgreSQL
 * stores, since /predict stamps the present); the page must draw the buckets GET
 * /performance/history answers it, with the values of that answer, and the bucket picker must ask
 * for another bucket length.
 *
 * PostgreSQL: the machine's shared server (127.0.0.1:5432, user postgres, or
 * $FRAUDLENS_TEST_POSTGRES_URL), database fraudlens_e2e_history$FRAUDLENS_TEST_DATABASE_SUFFIX, a
 * schema of this run's own, dropped at the end.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';

import pg from 'pg';
import type { Browser, Page, Response } from 'playwright-core';

import { createApiClient, type ApiClient, type PerformanceHistoryReport } from '../src/api.js';
import {
  checkPrerequisites,
  FRAUDLENS_DIST,
  launchBrowser,
  openPage,
  pageUrl,
  screenshot,
  startStack,
  type Stack,
} from './harness.js';

const HOUR_MS = 3_600_000;
/** Decisions written, one every 3 hours back from a minute ago: eight days, so the 7-day window leaves some out. */
const DECISIONS = 64;
const MODEL_VERSION = 'e2e-history-v1';
const SHARED_URL = process.env.FRAUDLENS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = `fraudlens_e2e_history${process.env.FRAUDLENS_TEST_DATABASE_SUFFIX ?? ''}`;
const SCHEMA = `e2e_hist_${process.pid}`;

/** What the test uses of fraudlens' PostgreSQL stores (loaded from the compiled fraudlens, as the CLI is). */
interface Stores {
  PostgresPredictionLog: new (options: { url: string; schema: string }) => {
    append(record: Record<string, unknown>): void;
    stats(): { connected: boolean };
    flush(): Promise<void>;
    close(): Promise<void>;
  };
  PostgresLabelStore: new (log: unknown) => {
    add(labels: Record<string, unknown>[]): Promise<{ accepted: number }>;
  };
}

/** Score, decision and label of decision k: frauds mostly scored high, some missed, some flagged wrongly. */
function decisionOf(k: number): { score: number; decision: string; label: 'fraud' | 'legitimate' | null } {
  const score = ((k * 37) % 100) / 100;
  const fraud = (score >= 0.6 && k % 4 !== 1) || k % 11 === 0;
  return {
    score,
    decision: score >= 0.8 ? 'decline' : score >= 0.5 ? 'review' : 'approve',
    label: k % 3 === 2 ? null : fraud ? 'fraud' : 'legitimate',
  };
}

async function databaseUrl(): Promise<string> {
  const client = new pg.Client({ connectionString: SHARED_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${DATABASE}"`);
  } finally {
    await client.end();
  }
  const u = new URL(SHARED_URL);
  u.pathname = `/${DATABASE}`;
  return u.toString();
}

/** Writes the decisions and their labels through fraudlens' own stores, as a server would have. */
async function seed(url: string, now: number): Promise<void> {
  const stores = (await import(pathToFileURL(join(FRAUDLENS_DIST, 'src', 'storage', 'index.js')).href)) as Stores;
  const log = new stores.PostgresPredictionLog({ url, schema: SCHEMA });
  try {
    for (let i = 0; i < 100 && !log.stats().connected; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(log.stats().connected, 'the decision store connected');
    for (let k = DECISIONS - 1; k >= 0; k--) {
      const d = decisionOf(k);
      log.append({
        id: `e2e-hist-${k}`,
        transaction_id: `e2e-hist-tx-${k}`,
        timestamp: new Date(now - 60_000 - k * 3 * HOUR_MS).toISOString(),
        model_version: MODEL_VERSION,
        score: d.score,
        decision: d.decision,
        risk_level: d.score >= 0.8 ? 'high' : d.score >= 0.5 ? 'medium' : 'low',
        latency_ms: 1,
        features: {},
        amount: 20 + k,
      });
    }
    await log.flush();
    const labels = [];
    for (let k = 0; k < DECISIONS; k++) {
      const label = decisionOf(k).label;
      if (label !== null)
        labels.push({
          transaction_id: `e2e-hist-tx-${k}`,
          label,
          source: 'chargeback',
          knownAt: now,
          recordedAt: now,
          labelledBy: 'e2e',
        });
    }
    const accepted = await new stores.PostgresLabelStore(log).add(labels);
    assert.equal(accepted.accepted, labels.length);
  } finally {
    await log.close();
  }
}

let url: string;
let stack: Stack;
let browser: Browser;
let api: ApiClient;

/** The cells of the chart's table, per row: what the page drew. */
async function shownBuckets(page: Page) {
  return page
    .getByTestId('history-table')
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => {
        const cell = (id: string) => tr.querySelector(`[data-testid="${id}"]`)!;
        const num = (v: string | null) => (v === null || v === '' ? null : Number(v));
        return {
          to: tr.getAttribute('data-to'),
          decisions: num(cell('decisions').getAttribute('data-value')),
          labelled_share: num(cell('labelled-share').getAttribute('data-value')),
          precision: [num(cell('precision').getAttribute('data-realized')), num(cell('precision').getAttribute('data-expected'))],
          recall: [num(cell('recall').getAttribute('data-realized')), num(cell('recall').getAttribute('data-expected'))],
        };
      }),
    );
}

/** The same, from the route's answer, for the page's version and level. */
function answeredBuckets(report: PerformanceHistoryReport, level: string) {
  const version = report.versions.find((v) => v.model_version === MODEL_VERSION)!;
  return version.buckets.map((b) => {
    const l = b.levels.find((x) => x.level === level)!;
    return {
      to: b.to,
      decisions: b.decisions,
      labelled_share: b.labelled_share,
      precision: [l.realized.precision, l.expected.precision],
      recall: [l.realized.recall, l.expected.recall],
    };
  });
}

const historyResponse = (bucket: string) => (r: Response) => {
  const u = new URL(r.url());
  return u.pathname === '/performance/history' && u.searchParams.get('bucket') === bucket && r.status() === 200;
};

describe('Performance page: the chart over time', () => {
  before(async () => {
    checkPrerequisites();
    url = await databaseUrl();
    await seed(url, Date.now());
    stack = await startStack({
      DATABASE_URL: url,
      LOGGING_HANDLER: 'postgres',
      FRAUDLENS_DATABASE_SCHEMA: SCHEMA,
      // One read for the whole test: the page and the test see the same snapshot.
      FRAUDLENS_PERFORMANCE_REFRESH_MS: String(3_600_000),
    });
    browser = await launchBrowser();
    api = createApiClient({ baseUrl: stack.api.url });
  });
  after(async () => {
    await browser?.close();
    if (stack !== undefined) {
      if (process.exitCode) process.stderr.write(stack.api.output());
      await stack.stop();
    }
    if (url !== undefined) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
      await client.end();
    }
  });

  it('draws the buckets GET /performance/history answers, realized beside expected, with the labelled share', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(pageUrl(stack, '#/performance'));
    const sixHours = page.waitForResponse(historyResponse('6h'));
    // Scoped to its group: the bucket picker may offer a "7 d" too (it follows the window shown).
    await page.getByRole('group', { name: 'Decisions of the last' }).getByRole('radio', { name: '7 d' }).check();
    // 7 days in 6-hour buckets by default: 28 points.
    const first = (await (await sixHours).json()) as PerformanceHistoryReport;
    await page.getByTestId('performance-chart').locator('canvas').first().waitFor({ timeout: 15_000 });
    assert.equal(first.versions[0].buckets.length, 28);

    // The picker asks for days instead.
    const daily = page.waitForResponse(historyResponse('1d'));
    await page.getByRole('group', { name: 'Bucket' }).getByRole('radio', { name: '1 d' }).check();
    const answered = (await (await daily).json()) as PerformanceHistoryReport;
    const expected = answeredBuckets(answered, 'review');
    assert.equal(expected.length, 7);
    assert.ok(expected.filter((b) => b.decisions > 0).length >= 6, 'decisions in six of the seven days');
    assert.ok(
      expected.filter((b) => b.precision[0] !== null && b.recall[0] !== null).length >= 4,
      'realized figures in several buckets',
    );
    await page.getByText('Figures per bucket').click();
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="history-table"] tbody tr').length === n,
      expected.length,
    );
    assert.deepEqual(await shownBuckets(page), expected);

    // The route's buckets add up to GET /performance over the same window and snapshot.
    const report = await api.performance({ window: '7d' });
    assert.equal(report.to, answered.to, 'one snapshot');
    const all = report.versions.find((v) => v.model_version === MODEL_VERSION)!.all;
    assert.equal(
      expected.reduce((a, b) => a + b.decisions, 0),
      all.decisions,
    );
    assert.equal(all.decisions, 7 * 8, 'the decisions of the last seven days, one every 3 hours');

    // The chart's legend names what it draws; another level redraws from the same answer.
    const legend = await page.getByTestId('performance-chart').locator('.u-legend .u-series .u-label').allTextContents();
    assert.deepEqual(legend.slice(1), ['Precision', 'Expected precision', 'Recall', 'Expected recall', 'Labelled share']);
    await page.getByTestId('history-level').selectOption('decline');
    await page.waitForFunction(
      (v) =>
        document
          .querySelector('[data-testid="history-table"] tbody tr [data-testid="precision"]')
          ?.getAttribute('data-realized') === v,
      String(answeredBuckets(answered, 'decline')[0].precision[0] ?? ''),
    );
    assert.deepEqual(await shownBuckets(page), answeredBuckets(answered, 'decline'));
    await page.getByTestId('history-level').selectOption('review');
    await page.getByText('Figures per bucket').click();
    await screenshot(page, 'performance-history');
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
