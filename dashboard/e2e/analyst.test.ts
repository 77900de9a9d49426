/**
 * End-to-end: the analyst's pages in Debian's Chromium against a real `fraudlens serve` (the
 * model of precomputed features, gender masked as PII). Hold-out transactions are scored with
 * transaction ids first; every list the pages show is compared with the API's answer to the same
 * query, and every file the page writes is read back.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';

import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';

import { createApiClient, type ApiClient, type DecisionsPageQuery, type Transaction } from '../src/api.js';
import {
  checkPrerequisites,
  launchBrowser,
  openPage,
  pageUrl,
  PRECOMPUTED_HOLDOUT,
  PRECOMPUTED_MODEL,
  screenshot,
  startStack,
  type Stack,
} from './harness.js';

/** Hold-out rows scored before the pages are opened: every fraud among the first rows, and legitimate ones. */
const FRAUDS = 20;
const LEGITIMATE = 60;
/** The feature masked as PII in this stack. */
const MASKED = 'gender';

let stack: Stack;
let browser: Browser;
let api: ApiClient;
const runId = `an-${process.pid}-${Date.now()}`;
/** transaction id -> whether the hold-out labels it fraud. */
const truth = new Map<string, boolean>();

/** Hold-out rows as transactions with ids of this run, frauds first found. */
function holdoutTransactions(): Transaction[] {
  const rows = parse(gunzipSync(readFileSync(PRECOMPUTED_HOLDOUT)), { columns: true, cast: false }) as Record<string, string>[];
  const picked: Transaction[] = [];
  let frauds = 0;
  let legit = 0;
  for (const row of rows) {
    const fraud = row.is_fraud === '1';
    if (fraud ? frauds >= FRAUDS : legit >= LEGITIMATE) continue;
    if (fraud) frauds++;
    else legit++;
    const id = `${runId}-${picked.length}`;
    truth.set(id, fraud);
    const t: Transaction = { transaction_id: id };
    for (const [k, v] of Object.entries(row)) {
      if (k === 'trans_time' || k === 'is_fraud') continue;
      t[k] = k === 'category' || k === 'gender' ? v : v === '' ? null : Number(v);
    }
    picked.push(t);
    if (frauds >= FRAUDS && legit >= LEGITIMATE) break;
  }
  return picked;
}

async function open(hash: string): Promise<{ page: Page; problems: string[] }> {
  const opened = await openPage(browser);
  await opened.page.goto(pageUrl(stack, hash));
  return opened;
}

/** The ids of the table's rows, top to bottom. */
async function shownIds(page: Page): Promise<string[]> {
  return page
    .getByTestId('predictions-table')
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id') ?? ''));
}

/**
 * Presses a button and answers the query of the GET /decisions it sends (the first one that
 * `sent` accepts: a poll of the previous query may cross).
 */
async function searchOf(
  page: Page,
  press: () => Promise<void>,
  sent: (params: URLSearchParams) => boolean = () => true,
): Promise<DecisionsPageQuery> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => {
      const url = new URL(r.url());
      return url.pathname === '/decisions' && r.request().method() === 'GET' && sent(url.searchParams);
    }),
    press(),
  ]);
  const params = new URL(response.url()).searchParams;
  const query: Record<string, string | number> = {};
  for (const [k, v] of params)
    query[k] = ['score_min', 'score_max', 'amount_min', 'amount_max', 'limit'].includes(k) ? Number(v) : v;
  return query as DecisionsPageQuery;
}

/** Waits until the table shows exactly `ids` (the polling page settles on the API's answer). */
async function tableShows(page: Page, ids: string[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  let shown: string[] = [];
  while (Date.now() < deadline) {
    shown = await shownIds(page);
    if (JSON.stringify(shown) === JSON.stringify(ids)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  assert.deepEqual(shown, ids, 'the table shows what GET /decisions answers');
}

/** An instant as a datetime-local input takes it, in the browser's zone, to the second. */
async function localInput(page: Page, iso: string): Promise<string> {
  return page.evaluate((text) => {
    const d = new Date(text);
    const p = (n: number): string => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }, iso);
}

describe('the analyst pages end to end', () => {
  before(async () => {
    checkPrerequisites();
    stack = await startStack({ FRAUDLENS_PII_FIELDS: MASKED }, PRECOMPUTED_MODEL);
    api = createApiClient({ baseUrl: stack.api.url });
    browser = await launchBrowser();
    const rows = holdoutTransactions();
    // Two batches a moment apart, so a time range can split them.
    await api.predictBatch(rows.slice(0, rows.length / 2));
    await new Promise((r) => setTimeout(r, 1100));
    await api.predictBatch(rows.slice(rows.length / 2));
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('Predictions: search by id, decision, score and time shows what GET /decisions answers; pages; CSV of what is shown', async () => {
    const { page, problems } = await open('#/predictions');
    const newest = await api.decisions({ limit: 50 });
    assert.equal(newest.decisions.length, 50);
    await tableShows(
      page,
      newest.decisions.map((r) => r.id),
    );

    // One transaction id.
    const wanted = newest.decisions[7];
    await page.locator('#q-transaction_id').fill(wanted.transaction_id!);
    const byId = await searchOf(
      page,
      () => page.getByRole('button', { name: 'Search' }).click(),
      (q) => q.has('transaction_id'),
    );
    assert.equal(byId.transaction_id, wanted.transaction_id);
    await tableShows(page, [wanted.id]);
    assert.match((await page.locator('#latest-title').textContent()) ?? '', /Matching decisions/);

    // A decision and a score range, applied together.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.locator('#q-score_min').fill('0.02');
    await page.locator('#q-score_max').fill('0.3');
    const byScore = await searchOf(
      page,
      () => page.getByRole('radio', { name: 'Review' }).check(),
      (q) => q.has('decision'),
    );
    assert.deepEqual({ ...byScore }, { decision: 'review', score_min: 0.02, score_max: 0.3, limit: 50 });
    const reviewed = await api.decisions(byScore);
    assert.ok(reviewed.decisions.length > 0, 'the hold-out frauds include reviewed ones in this score range');
    for (const r of reviewed.decisions) assert.ok(r.decision === 'review' && r.score >= 0.02 && r.score <= 0.3);
    await tableShows(
      page,
      reviewed.decisions.map((r) => r.id),
    );

    // A time range: from the second batch's first decision on.
    const all = await api.decisions({ limit: 200 });
    const second = all.decisions.filter((r) => Number(r.transaction_id!.split('-').pop()) >= (FRAUDS + LEGITIMATE) / 2);
    const cut = second.map((r) => r.timestamp).sort()[0];
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.locator('#q-from').fill(await localInput(page, new Date(Date.parse(cut) - 1000).toISOString()));
    const byTime = await searchOf(
      page,
      () => page.getByRole('button', { name: 'Search' }).click(),
      (q) => q.has('from'),
    );
    assert.ok(byTime.from !== undefined && Date.parse(byTime.from) <= Date.parse(cut));
    const later = await api.decisions(byTime);
    assert.ok(later.decisions.every((r) => Date.parse(r.timestamp) >= Date.parse(byTime.from!)));
    await tableShows(
      page,
      later.decisions.map((r) => r.id),
    );

    // A refused entry is named beside its field and nothing is sent; one the API refuses is named by the API.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.locator('#q-score_min').fill('1.5');
    await page.getByRole('button', { name: 'Search' }).click();
    assert.equal(await page.locator('#q-score_min-error').textContent(), 'Score from: a score between 0 and 1');
    assert.equal(await page.locator('#q-score_min').getAttribute('aria-invalid'), 'true');
    await page.locator('#q-score_min').fill('');
    await page.locator('#q-transaction_id').fill('x'.repeat(201));
    await searchOf(
      page,
      () => page.getByRole('button', { name: 'Search' }).click(),
      (q) => q.has('transaction_id'),
    );
    const refused = page.getByTestId('error-state');
    await refused.waitFor();
    assert.match((await refused.textContent()) ?? '', /refused transaction_id/);
    assert.match((await refused.textContent()) ?? '', /INPUT_INVALID|HTTP 400/);
    await page.getByRole('button', { name: 'Clear' }).click();

    // Pages: older decisions through the API's cursor, and back.
    await tableShows(
      page,
      newest.decisions.map((r) => r.id),
    );
    const older = await api.decisions({ limit: 50, cursor: newest.next_cursor! });
    await page.getByRole('button', { name: 'Older →' }).click();
    await tableShows(
      page,
      older.decisions.map((r) => r.id),
    );
    assert.match((await page.getByTestId('page-range').textContent()) ?? '', /page 2/);

    // CSV of the page shown: the same rows, values as the API sent them, the masked field still masked.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Export CSV/ }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^fraudlens-decisions-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.csv$/);
    const text = readFileSync((await download.path())!, 'utf8');
    const csv = parse(text, { columns: true }) as Record<string, string>[];
    assert.equal(csv.length, older.decisions.length);
    const model = await api.model();
    for (let i = 0; i < csv.length; i++) {
      const r = older.decisions[i];
      assert.equal(csv[i].id, r.id);
      assert.equal(csv[i].transaction_id, r.transaction_id);
      assert.equal(csv[i].decision, r.decision);
      assert.equal(Number(csv[i].score), r.score, 'the score round-trips exactly');
      assert.equal(csv[i].reasons, (r.reasons ?? []).map((x) => x.code).join('; '));
      assert.equal(csv[i][MASKED], '***', 'a masked value stays masked');
      for (const f of model.features) assert.equal(csv[i][f.name], r.features[f.name] === null ? '' : String(r.features[f.name]));
    }
    await page.getByRole('button', { name: '← Newer' }).click();
    await tableShows(
      page,
      newest.decisions.map((r) => r.id),
    );
    await screenshot(page, 'predictions-search');
    // The one request the API refused on purpose (the 201-character id) is the only console error.
    assert.deepEqual(problems, [
      'console error: Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
    await page.context().close();
  });
});
