/**
 * End-to-end: the analyst's pages in Debian's Chromium against a real `fraudlens serve` (the
 * model of precomputed features, gender masked as PII). Hold-out transactions are scored with
 * transaction ids first; every list the pages show is compared with the API's answer to the same
 * query, and every file the page writes is read back.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';

import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';

import { createApiClient, isApiError, type ApiClient, type DecisionsPageQuery, type Transaction } from '../src/api.js';
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
const FRAUDS = 30;
const LEGITIMATE = 150;
/** The feature masked as PII in this stack. */
const MASKED = 'gender';

/** One key per role (API_KEYS_FILE); the analyst's name is what labels record as labelled_by. */
const KEYS = {
  analyst: { name: 'ana-e2e', key: `analyst-${process.pid}-key-0123456789` },
  scoring: { name: 'scorer-e2e', key: `scoring-${process.pid}-key-0123456789` },
  admin: { name: 'admin-e2e', key: `admin-${process.pid}-key-0123456789` },
} as const;
type RoleName = keyof typeof KEYS;

let stack: Stack;
let browser: Browser;
/** The admin's client: scores, reads and labels behind the pages' backs. */
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

/** Opens a page with `role`'s key already given (as the key form would store it for this API). */
async function open(hash: string, role: RoleName = 'analyst'): Promise<{ page: Page; problems: string[] }> {
  const opened = await openPage(browser);
  await opened.page.addInitScript(([storageKey, key]) => window.sessionStorage.setItem(storageKey, key), [
    `fraudlens.apiKey:${stack.api.url}`,
    KEYS[role].key,
  ] as const);
  await opened.page.goto(pageUrl(stack, hash));
  return opened;
}

/** The menu's page titles, in order. */
async function menu(page: Page): Promise<string[]> {
  await page.locator('nav[aria-label="Pages"] a').first().waitFor();
  return page.locator('nav[aria-label="Pages"] a').evaluateAll((as) => as.map((a) => a.textContent ?? ''));
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
    const keysFile = join(mkdtempSync(join(tmpdir(), 'fraudlens-e2e-keys-')), 'keys.json');
    writeFileSync(keysFile, JSON.stringify(Object.entries(KEYS).map(([role, k]) => ({ name: k.name, role, key: k.key }))));
    stack = await startStack({ FRAUDLENS_PII_FIELDS: MASKED, API_KEYS_FILE: keysFile }, PRECOMPUTED_MODEL);
    api = createApiClient({ baseUrl: stack.api.url, apiKey: KEYS.admin.key });
    browser = await launchBrowser();
    const rows = holdoutTransactions();
    // Two batches a moment apart, so a time range can split them; explained, so a masked record still has its explanation.
    await api.predictBatch(rows.slice(0, rows.length / 2), { explain: true });
    await new Promise((r) => setTimeout(r, 1100));
    await api.predictBatch(rows.slice(rows.length / 2), { explain: true });
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

    // An amount range (the amount is the feature AMOUNT_FIELD names).
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.locator('#q-amount_min').fill('100');
    await page.locator('#q-amount_max').fill('300');
    const byAmount = await searchOf(
      page,
      () => page.getByRole('button', { name: 'Search' }).click(),
      (q) => q.has('amount_min'),
    );
    assert.deepEqual({ ...byAmount }, { amount_min: 100, amount_max: 300, limit: 50 });
    const middling = await api.decisions(byAmount);
    assert.ok(middling.decisions.length > 0);
    for (const r of middling.decisions) assert.ok(r.amount! >= 100 && r.amount! <= 300 && r.amount === r.features.amt);
    await tableShows(
      page,
      middling.decisions.map((r) => r.id),
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
      assert.equal(Number(csv[i].amount), r.amount);
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

  it('Review: the oldest waiting decision opens with its reasons, features and explanation; buttons and keys label it and open the next', async () => {
    const queue = (await api.review({ limit: 50 })).decisions;
    assert.ok(queue.length >= 5, `the hold-out rows put decisions in review (${queue.length})`);
    for (let i = 1; i < queue.length; i++) assert.ok(queue[i - 1].timestamp <= queue[i].timestamp, 'oldest first');
    const { page, problems } = await open('#/review');
    const current = page.getByTestId('review-case');
    const opened = async (i: number): Promise<void> => {
      const id = queue[i].transaction_id!;
      const deadline = Date.now() + 15_000;
      while ((await current.getAttribute('data-transaction-id').catch(() => null)) !== id) {
        assert.ok(Date.now() < deadline, `decision ${i} of the queue (${id}) opens`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await opened(0);
    const first = queue[0];
    assert.equal(await page.getByTestId('review-score').textContent(), first.score.toFixed(4));
    const codes = await page
      .getByTestId('review-reasons')
      .locator('li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-code')));
    assert.deepEqual(
      codes,
      (first.reasons ?? []).map((r) => r.code),
    );
    assert.ok(codes.length >= 2, 'the threshold that decided, then features');
    const waterfall = current.getByTestId('waterfall');
    await waterfall.waitFor();
    assert.ok(Math.abs(Number(await waterfall.getAttribute('data-margin')) - first.explanation!.margin) <= 1e-12);
    assert.match((await current.getByTestId('review-features').textContent()) ?? '', /\*\*\*/, 'the masked feature stays masked');
    assert.match((await page.getByTestId('shortcuts').textContent()) ?? '', /F fraud.*L legitimate.*S skip/);
    assert.match((await page.getByTestId('shortcuts').textContent()) ?? '', new RegExp(KEYS.analyst.name));
    await screenshot(page, 'review');

    // The button, with a note.
    await current.getByLabel('Note (optional)').fill('card holder confirmed by phone');
    await current.getByRole('button', { name: /^Fraud/ }).click();
    await opened(1);
    // Keys: L, then F; typing in the note is not a shortcut.
    await page.keyboard.press('l');
    await opened(2);
    await current.getByLabel('Note (optional)').pressSequentially('f');
    await new Promise((r) => setTimeout(r, 500));
    await opened(2);
    await current.getByLabel('Note (optional)').fill('');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('f');
    await opened(3);
    await page.keyboard.press('s');
    await opened(4);

    const expected = [
      { i: 0, label: 'fraud', note: 'card holder confirmed by phone' },
      { i: 1, label: 'legitimate' },
      { i: 2, label: 'fraud' },
    ];
    for (const e of expected) {
      const history = await api.labels(queue[e.i].transaction_id!);
      assert.equal(history.current.label, e.label, `label of queue[${e.i}]`);
      assert.equal(history.current.source, 'analyst');
      assert.equal(history.current.labelled_by, KEYS.analyst.name, 'the server records the key name');
      assert.equal(history.current.note, e.note);
      assert.equal(history.history.length, 1);
    }
    // The skipped one has no label and is still waiting, now first in line.
    await assert.rejects(api.labels(queue[3].transaction_id!), (e) => isApiError(e) && e.status === 404);
    const left = (await api.review({ limit: 50 })).decisions.map((r) => r.transaction_id);
    assert.equal(left[0], queue[3].transaction_id);
    assert.ok(!left.includes(queue[0].transaction_id) && !left.includes(queue[1].transaction_id));
    assert.match((await page.getByTestId('review-progress').textContent()) ?? '', /3 labelled on this visit/);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('Performance: realized beside expected per level, the labelled share and the estimate note are the API figures', async () => {
    // Chargebacks for every other decision, from the hold-out truth.
    const ids = [...truth.keys()].filter((_, i) => i % 2 === 0);
    await fetch(`${stack.api.url}/labels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEYS.admin.key },
      body: JSON.stringify({
        labels: ids.map((id) => ({ transaction_id: id, label: truth.get(id) ? 'fraud' : 'legitimate', source: 'chargeback' })),
      }),
    }).then((r) => assert.equal(r.status, 200));
    const { page, problems } = await open('#/performance');
    await page.getByRole('group', { name: 'Decisions of the last' }).getByRole('radio', { name: '30 d' }).check();
    const share = page.getByTestId('perf-labelled-share');
    await share.waitFor();
    const report = await api.performance({ window: '30d' });
    assert.equal(report.versions.length, 1);
    const all = report.versions[0].all;
    assert.ok(all.labelled > ids.length - 1 && all.labelled < truth.size, 'about half the decisions are labelled');
    assert.equal(Number(await share.getAttribute('data-value')), all.labelled_share);
    assert.equal(
      await page.getByTestId('expected-note').textContent(),
      `Expected figures are an estimate. ${report.expected_note}`,
    );
    const rows = page.getByTestId('perf-levels').locator('tbody tr');
    assert.equal(await rows.count(), all.levels.length);
    for (let i = 0; i < all.levels.length; i++) {
      const l = all.levels[i];
      const row = rows.nth(i);
      assert.equal(await row.getAttribute('data-level'), l.level);
      for (const [testId, realized, expectedValue] of [
        ['precision', l.realized.precision, l.expected.precision],
        ['recall', l.realized.recall, l.expected.recall],
        ['fpr', l.realized.false_positive_rate, l.expected.false_positive_rate],
      ] as const) {
        const cell = row.getByTestId(testId);
        assert.equal(await cell.getAttribute('data-realized'), realized === null ? '' : String(realized), `${l.level} ${testId}`);
        assert.equal(await cell.getAttribute('data-expected'), expectedValue === null ? '' : String(expectedValue));
      }
    }
    assert.ok(all.roc_auc !== null && all.pr_auc !== null, 'both labels occur among the labelled decisions');
    assert.equal(await page.getByTestId('perf-auc').textContent(), `${all.roc_auc.toFixed(4)} · ${all.pr_auc.toFixed(4)}`);
    // The chart over time, from GET /performance/history: this run's decisions all fall in its last bucket.
    await page.getByTestId('performance-chart').locator('canvas').first().waitFor({ timeout: 15_000 });
    const history = await api.performanceHistory({ window: '30d', bucket: '1d' });
    const buckets = history.versions[0].buckets;
    assert.equal(buckets.length, 30);
    assert.equal(buckets[29].decisions, all.decisions);
    assert.equal(buckets[29].labelled_share, all.labelled_share);
    await screenshot(page, 'performance');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('the menu shows the pages the key may use, and a page it may not use says so', async () => {
    const expected: Record<RoleName, string[]> = {
      scoring: ['Score', 'Model', 'Health'],
      analyst: ['Monitoring', 'Predictions', 'Review', 'Performance', 'Model', 'Health'],
      admin: ['Score', 'Monitoring', 'Predictions', 'Review', 'Performance', 'Model', 'Health'],
    };
    for (const role of Object.keys(expected) as RoleName[]) {
      const { page } = await open('#/health', role);
      await page.getByTestId('whoami').waitFor();
      assert.equal(await page.getByTestId('whoami').getAttribute('data-role'), role);
      assert.deepEqual(await menu(page), expected[role], `menu of the ${role} key`);
      await page.context().close();
    }
    const { page } = await open('#/review', 'scoring');
    const refused = page.getByTestId('not-allowed');
    await refused.waitFor();
    assert.match((await refused.textContent()) ?? '', /“scorer-e2e” \(scoring\) may not use this page/);
    assert.match((await refused.textContent()) ?? '', /decisions:read and labels:write/);
    assert.equal(await page.getByTestId('review-case').count(), 0);
    await page.context().close();
  });
});
