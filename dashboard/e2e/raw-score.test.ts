/**
 * End-to-end, for a model with feature definitions (fixtures/features/model.json): the Score page
 * takes a raw transaction (time, id, card, merchant, amount, …), the server derives the features
 * from it and from the card's history, and the page shows them beside the risk bar and the
 * waterfall. What the page shows is compared with the answer the page itself received (captured
 * from the network), and the history is checked to grow by exactly the transactions recorded.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import { createApiClient, type ApiClient, type Prediction } from '../src/api.js';
import {
  checkPrerequisites,
  eventually,
  launchBrowser,
  openPage,
  pageUrl,
  RAW_MODEL,
  screenshot,
  startStack,
  type Stack,
} from './harness.js';

/** Same model, same input: the page must show the API's numbers, only formatting may differ. */
const SAME = 1e-12;

let stack: Stack;
let browser: Browser;
let api: ApiClient;
let page: Page;
let problems: string[];

/** Presses a button and returns the JSON answer of the request it sends to `path`. */
async function answerOf(
  path: '/predict' | '/explain',
  press: () => Promise<void>,
): Promise<{ body: Record<string, unknown>; answer: Prediction }> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() === 'POST'),
    press(),
  ]);
  const body = JSON.parse(response.request().postData() ?? '{}') as Record<string, unknown>;
  assert.equal(response.status(), 200, `${path} answered ${response.status()}: ${await response.text()}`);
  const query = new URL(response.url()).searchParams;
  assert.equal(query.get('features'), 'true', 'the page asks for the derived features');
  return { body, answer: (await response.json()) as Prediction };
}

/** The derived-features table as shown: feature name -> the value it holds, and its text. */
async function shownFeatures(): Promise<Map<string, { value: unknown; text: string }>> {
  const rows = page.getByTestId('derived-features').locator('tbody tr');
  const shown = new Map<string, { value: unknown; text: string }>();
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    shown.set((await row.getAttribute('data-feature'))!, {
      value: JSON.parse((await row.getAttribute('data-value'))!),
      text: ((await row.locator('td').textContent()) ?? '').trim(),
    });
  }
  return shown;
}

describe('Score page with raw transactions', () => {
  before(async () => {
    checkPrerequisites();
    stack = await startStack({}, RAW_MODEL);
    api = createApiClient({ baseUrl: stack.api.url });
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser));
    await page.goto(pageUrl(stack, '#/score'));
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('builds the form from the raw fields the definitions name, typed by field type', async () => {
    const model = await api.model();
    const derived = model.derived!;
    assert.ok(derived !== undefined, 'GET /model describes the raw fields');
    await page.locator(`#f-${derived.event.time_field}`).waitFor();
    assert.equal(await page.locator(`#f-${derived.event.time_field}`).getAttribute('type'), 'datetime-local');
    // Filled in (with now: checked on what is sent, below).
    assert.match(await page.locator(`#f-${derived.event.time_field}`).inputValue(), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    assert.match(await page.locator(`#f-${derived.event.id_field}`).inputValue(), /^[0-9a-f]{32}$/, 'a fresh transaction id');
    const expectedType: Record<string, string> = { key: 'input:text', number: 'input:number', date: 'input:date' };
    for (const f of derived.fields) {
      const field = page.locator(`#f-${f.name}`);
      const tag = await field.evaluate((el) => `${el.tagName.toLowerCase()}:${(el as HTMLInputElement).type}`);
      const want = f.type === 'category' ? 'select:select-one' : expectedType[f.type];
      assert.equal(tag, want, `input of ${f.name} (${f.type})`);
      assert.equal((await field.getAttribute('aria-required')) === 'true', f.required, `${f.name} required`);
    }
    assert.ok((await page.locator('#f-derived_features, #f-card_count_1h').count()) === 0, 'derived features are not asked for');
    assert.match((await page.getByTestId('record-notice').textContent()) ?? '', /added to that history/);
    assert.match((await page.getByTestId('example-source').textContent()) ?? '', /row 102 of .*sparkov_test\.csv\.gz/);
  });

  it('a missing entity key is refused in the form, naming the field, before anything is sent', async () => {
    const card = page.locator('#f-cc_num');
    const kept = await card.inputValue();
    await card.fill('');
    let sent = 0;
    const count = (): void => void sent++;
    page.on('request', count);
    await page.getByRole('button', { name: 'Score', exact: true }).click();
    await page.locator('#f-cc_num-err').waitFor();
    page.off('request', count);
    assert.equal(sent, 0);
    assert.match((await page.locator('#f-cc_num-err').textContent()) ?? '', /Required/);
    await card.fill(kept);
  });

  it('trying an example records nothing; scoring records it, shows the derived features beside the waterfall, and the card history grows', async () => {
    const logsBefore = (await api.logs(1000)).length;
    const tried = await answerOf('/explain', () => page.getByRole('button', { name: 'Load a typical fraudulent one' }).click());
    assert.equal(tried.body.cc_num, '4536996888716062123', 'the Sparkov fraud row');
    await eventually('the tried answer on the page', async () =>
      (await page.getByTestId('score-meta').getAttribute('data-recorded')) === 'false' ? true : undefined,
    );
    assert.equal((await api.logs(1000)).length, logsBefore, 'trying logged nothing');
    const history = tried.answer.features!.card_count_all as number;

    const idField = page.locator('#f-trans_num');
    const id = await idField.inputValue();
    const first = await answerOf('/predict', () => page.getByRole('button', { name: 'Score', exact: true }).click());
    assert.equal(first.body.trans_num, id);
    assert.equal(typeof first.body.unix_time, 'number', 'unix_seconds definitions get a unix time');
    assert.ok(Math.abs((first.body.unix_time as number) - Date.now() / 1000) < 120, 'the time is now');
    assert.equal(first.answer.features!.card_count_all, history, 'the same history as the try');
    await eventually('the recorded answer on the page', async () =>
      (await page.getByTestId('score-meta').getAttribute('data-recorded')) === 'true' ? true : undefined,
    );
    assert.match((await page.getByTestId('score-meta').textContent()) ?? '', new RegExp(`transaction ${id}`));
    assert.notEqual(await idField.inputValue(), id, 'a new id after a recorded transaction');

    // The risk bar and waterfall are the answer's numbers.
    const bar = page.getByTestId('risk-bar');
    assert.ok(Math.abs(Number(await bar.getAttribute('data-score')) - first.answer.score) <= SAME);
    const waterfall = page.getByTestId('waterfall');
    const exp = first.answer.explanation!;
    assert.ok(Math.abs(Number(await waterfall.getAttribute('data-margin')) - exp.margin) <= SAME);
    const steps = waterfall.locator('tr.wf-step');
    let sum = exp.base_value;
    for (let i = 0; i < (await steps.count()); i++) sum += Number(await steps.nth(i).getAttribute('data-contribution'));
    assert.ok(Math.abs(sum - exp.margin) < 1e-9, 'base + steps = output');
    // Its labels are the definitions' words and the derived values.
    const how = new Map((await api.model()).derived!.features.map((f) => [f.name, f.how]));
    for (let i = 0; i < (await steps.count()); i++) {
      const feature = (await steps.nth(i).getAttribute('data-feature'))!;
      if (feature === '__other__') continue;
      const label = (await steps.nth(i).locator('th').textContent()) ?? '';
      assert.ok(label.startsWith(how.get(feature)!), `${feature}: ${label}`);
      assert.ok(label.length > how.get(feature)!.length, `${feature} shows its value`);
    }

    // Every derived feature, with its value and its description.
    const model = await api.model();
    const shown = await shownFeatures();
    assert.deepEqual(
      [...shown.keys()],
      model.derived!.features.map((f) => f.name),
    );
    for (const [name, value] of Object.entries(first.answer.features!)) {
      assert.deepEqual(shown.get(name)?.value, value, name);
      assert.ok(shown.get(name)!.text !== '', name);
      if (value === null) assert.equal(shown.get(name)!.text, 'missing', name);
    }
    assert.equal(shown.get('amt')!.text, '$863.62');
    const table = (await page.getByTestId('derived-features').textContent()) ?? '';
    assert.match(table, /transactions of this card so far/);

    // The next transaction of the card sees this one.
    const second = await answerOf('/predict', () => page.getByRole('button', { name: 'Score', exact: true }).click());
    assert.equal(second.answer.features!.card_count_all, history + 1);
    assert.equal(second.answer.features!.card_last_amt, 863.62);
    // Pressed within the same second, the form still moves the time on, so the history sees the first.
    assert.ok((second.body.unix_time as number) >= (first.body.unix_time as number) + 1);
    assert.equal(
      second.answer.features!.card_seconds_since_last,
      (second.body.unix_time as number) - (first.body.unix_time as number),
    );
    await eventually('the second answer on the page', async () =>
      (await shownFeatures()).get('card_count_all')?.value === history + 1 ? true : undefined,
    );
    await screenshot(page, 'score-raw');

    // Logged with their ids; the derived features, never the raw fields.
    const logged = await api.logs(1000);
    assert.equal(logged.length, logsBefore + 2);
    const record = logged.find((r) => r.transaction_id === id)!;
    assert.ok(record !== undefined, 'the recorded transaction is in the log');
    assert.ok(!('cc_num' in record.features) && 'card_count_all' in record.features);
    assert.deepEqual(problems, []);
  });

  it('Predictions lists raw records with their transaction id and derived features', async () => {
    const { page: p, problems: pp } = await openPage(browser);
    await p.goto(pageUrl(stack, '#/predictions'));
    const table = p.getByTestId('predictions-table');
    await table.waitFor();
    const newest = (await api.logs(1))[0];
    const row = table.locator(`tr[data-id="${newest.id}"]`);
    // A long id is shown by its end (ids of one source share their start); the row holds it whole.
    assert.equal(await row.getAttribute('data-transaction-id'), newest.transaction_id);
    assert.match((await row.textContent()) ?? '', new RegExp(newest.transaction_id!.slice(-10)));
    await row.getByRole('button', { name: /Explain/ }).click();
    const detail = p.getByTestId('prediction-detail');
    await detail.waitFor();
    assert.match((await detail.textContent()) ?? '', new RegExp(`transaction ${newest.transaction_id!}`));
    await detail.getByTestId('waterfall').waitFor();
    const derived = detail.getByTestId('derived-features');
    assert.equal(
      JSON.parse((await derived.locator('tr[data-feature="card_count_all"]').getAttribute('data-value'))!),
      newest.features.card_count_all,
    );
    await screenshot(p, 'predictions-raw');
    assert.deepEqual(pp, []);
  });

  it('Model ranks mean |SHAP| from the explanations stored with logged raw transactions', async () => {
    const { page: p, problems: pp } = await openPage(browser);
    await p.goto(pageUrl(stack, '#/model'));
    const logged = (await api.logs(1000)).filter((r) => r.explanation !== undefined);
    let sent = 0;
    p.on('request', (r) => void (new URL(r.url()).pathname === '/explain' && sent++));
    await p.getByRole('button', { name: 'Compute from the latest logged predictions' }).click();
    const bars = p.getByTestId('shap-importance');
    await bars.waitFor();
    assert.match(
      (await p.locator('#shap-title').locator('..').textContent()) ?? '',
      new RegExp(`over ${logged.length} transactions`),
    );
    assert.equal(sent, 0, 'raw records are not sent back to /explain (their raw fields are not logged)');
    assert.deepEqual(pp, []);
  });
});
