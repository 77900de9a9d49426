/**
 * Challengers in the shadow and the canary, in-process on the memory stores: the bundled demo
 * model as champion and the two committed challengers (models/challengers/), raw transactions
 * through /predict. Checks that the champion's answers are those of a server without challengers,
 * that every record carries the other models' verdicts once the shadow pass ran, that the canary
 * follows FNV-1a of the transaction id (with the share over 100k ids within a binomial
 * tolerance), that a failing challenger is counted and changes nothing, that an unfit challenger is
 * refused at start, and GET /performance/comparison against the stored verdicts.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';

import { Ajv } from 'ajv';

import {
  ComparisonReport,
  DecisionsResponse,
  PredictResponse,
  type ComparisonReport as ComparisonReportType,
  type DecisionsResponse as DecisionsResponseType,
  type Prediction,
} from '../../src/contract/index.js';
import { FraudlensError } from '../../src/core/errors.js';
import { compareModels } from '../../src/core/performance/comparison.js';
import { fnv1a32, loadChallengers, routedToCanary } from '../../src/server/challengers.js';
import { DEFAULT_MODEL_PATH } from '../../src/server/config.js';
import { join } from 'node:path';

import { REPO_ROOT } from '../helpers/paths.js';
import { json, makeApp, ulbSample, type TestApp } from './helpers.js';

const packagePath = (...parts: string[]): string => join(REPO_ROOT, ...parts);
const SHALLOW = packagePath('models', 'challengers', 'shallow', 'model.json');
const DEEP = packagePath('models', 'challengers', 'deep', 'model.json');
const CHALLENGERS = `shallow=${SHALLOW},deep=${DEEP}`;
const CANARY_SHARE = 0.3;
/** Standard deviations of a binomial count the canary's count may stray from n·share: a false alarm once in ~1.7 million runs. */
const BINOMIAL_SIGMAS = 5;
/** Ratios recomputed here from the same records in the same order: exact up to a few ulps. */
const FIGURE_TOLERANCE = 1e-12;

const base = JSON.parse(readFileSync(packagePath('bench', 'demo-request.json'), 'utf8')) as Record<string, unknown>;
/** Transaction k: the demo request with its own id, a later time and an amount that grows (some fraud-like). */
function transaction(k: number): Record<string, unknown> {
  return { ...base, trans_num: `shadow-${k}`, unix_time: 1_599_614_894 + k * 600, amt: 5 + ((k * 37) % 60) * 25 };
}
const N = 40;

const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
function assertMatches(schema: object, body: unknown, what: string): void {
  const validate = ajv.compile(schema);
  assert.ok(validate(body), `${what} does not match its contract schema: ${ajv.errorsText(validate.errors)}`);
}

function utf8Reference(text: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
}

describe('FNV-1a and the canary rule', () => {
  it('gives the published FNV-1a 32 values and hashes UTF-8 bytes', () => {
    assert.equal(fnv1a32(''), 0x811c9dc5);
    assert.equal(fnv1a32('a'), 0xe40c292c);
    assert.equal(fnv1a32('foobar'), 0xbf9cf968);
    for (const s of ['é', 'tx-€-42', '😀 card', 'a\ud800b']) assert.equal(fnv1a32(s), utf8Reference(s), s);
  });

  it('routes the same id the same way, no id to the champion, and about the share of 100k ids', () => {
    const n = 100_000;
    let routed = 0;
    for (let i = 0; i < n; i++) {
      const id = `txn-${i}`;
      const r = routedToCanary(id, CANARY_SHARE);
      assert.equal(routedToCanary(id, CANARY_SHARE), r);
      if (r) routed++;
    }
    assert.equal(routedToCanary(undefined, 0.5), false);
    const sd = Math.sqrt(n * CANARY_SHARE * (1 - CANARY_SHARE));
    assert.ok(
      Math.abs(routed - n * CANARY_SHARE) <= BINOMIAL_SIGMAS * sd,
      `${routed} of ${n} routed, expected ${n * CANARY_SHARE} ± ${BINOMIAL_SIGMAS * sd}`,
    );
  });
});

describe('challengers in the shadow, with a canary', () => {
  let plain: TestApp;
  let shadowed: TestApp;
  const answers: Prediction[] = [];
  const plainAnswers: Prediction[] = [];
  before(async () => {
    plain = await makeApp({ MODEL_PATH: DEFAULT_MODEL_PATH });
    shadowed = await makeApp({
      MODEL_PATH: DEFAULT_MODEL_PATH,
      FRAUDLENS_CHALLENGERS: CHALLENGERS,
      FRAUDLENS_CANARY: `deep:${CANARY_SHARE}`,
      FRAUDLENS_PERFORMANCE_REFRESH_MS: '0',
    });
    for (let k = 0; k < N; k++) {
      const a = await plain.app.inject({ method: 'POST', url: '/predict', payload: transaction(k) });
      const b = await shadowed.app.inject({ method: 'POST', url: '/predict', payload: transaction(k) });
      assert.equal(a.statusCode, 200, a.body);
      assert.equal(b.statusCode, 200, b.body);
      plainAnswers.push(json<Prediction>(a));
      assertMatches(PredictResponse, json(b), `/predict of transaction ${k}`);
      answers.push(json<Prediction>(b));
    }
    await nextTurn();
  });
  after(async () => {
    await plain.app.close();
    await shadowed.app.close();
  });

  it("answers the champion's decision unchanged, and says which model decided", () => {
    let canary = 0;
    for (let k = 0; k < N; k++) {
      const routed = routedToCanary(`shadow-${k}`, CANARY_SHARE);
      assert.equal(answers[k].model_alias, routed ? 'deep' : 'champion');
      if (routed) {
        canary++;
        assert.match(answers[k].model_version, /^deep/);
        continue;
      }
      assert.equal(answers[k].score, plainAnswers[k].score, `transaction ${k}`);
      assert.equal(answers[k].decision, plainAnswers[k].decision);
      assert.equal(answers[k].model_version, plainAnswers[k].model_version);
    }
    assert.ok(canary > 0 && canary < N, `${canary} of ${N} canary decisions`);
  });

  it('stores every other model’s verdict beside the decision', async () => {
    const page = json<DecisionsResponseType>(await shadowed.app.inject({ url: `/decisions?limit=${N}` }));
    assertMatches(DecisionsResponse, page, '/decisions');
    const records = page.decisions;
    assert.equal(records.length, N);
    for (const r of records) {
      const k = Number(r.transaction_id!.slice('shadow-'.length));
      assert.equal(r.model_alias, answers[k].model_alias);
      assert.equal(r.score, answers[k].score);
      const others = r.shadow!.map((s) => s.alias);
      assert.deepEqual(others, r.model_alias === 'deep' ? ['champion', 'shallow'] : ['shallow', 'deep']);
      for (const s of r.shadow!) assert.ok(s.score >= 0 && s.score <= 1);
      // The champion's shadow score of a canary transaction is what a server without challengers answered.
      if (r.model_alias === 'deep') assert.equal(r.shadow![0].score, plainAnswers[k].score);
    }
    const metrics = (await shadowed.app.inject({ url: '/metrics' })).body;
    const count = (alias: string) =>
      Number(new RegExp(`fraudlens_shadow_scorings_total\\{alias="${alias}"\\} (\\d+)`).exec(metrics)?.[1]);
    const canary = answers.filter((a) => a.model_alias === 'deep').length;
    assert.equal(count('shallow'), N);
    assert.equal(count('deep'), N - canary);
    assert.equal(count('champion'), canary);
  });

  it('compares the models on the labelled transactions', async () => {
    // Every other transaction labelled; the larger amounts as fraud, so both classes are present.
    const labels = Array.from({ length: N / 2 }, (_, i) => {
      const k = 2 * i;
      return {
        transaction_id: `shadow-${k}`,
        label: (transaction(k).amt as number) > 800 ? 'fraud' : 'legitimate',
        source: 'chargeback',
      };
    });
    assert.equal((await shadowed.app.inject({ method: 'POST', url: '/labels', payload: { labels } })).statusCode, 200);
    const res = await shadowed.app.inject({ url: '/performance/comparison?window=all' });
    assert.equal(res.statusCode, 200, res.body);
    const report = json<ComparisonReportType>(res);
    assertMatches(ComparisonReport, report, '/performance/comparison');
    assert.deepEqual(report.canary, { alias: 'deep', share: CANARY_SHARE });
    assert.equal(report.transactions, N / 2);
    assert.deepEqual(
      report.models.map((m) => [m.alias, m.role, m.canary_share]),
      [
        ['champion', 'champion', 1 - CANARY_SHARE],
        ['shallow', 'challenger', 0],
        ['deep', 'challenger', CANARY_SHARE],
      ],
    );
    // The same figures from the stored records, oldest first.
    const records = json<DecisionsResponseType>(
      await shadowed.app.inject({ url: `/decisions?limit=${N}&order=asc&labelled=true` }),
    ).decisions;
    const verdict = (r: (typeof records)[number], alias: string) =>
      r.model_alias === alias ? { score: r.score, decision: r.decision } : r.shadow!.find((s) => s.alias === alias)!;
    const codes = ['approve', 'review', 'decline'];
    const expected = compareModels({
      label: Uint8Array.from(records, (r) => (r.label!.label === 'fraud' ? 1 : 0)),
      amount: Float64Array.from(records, (r) => r.amount ?? NaN),
      models: ['champion', 'shallow', 'deep'].map((alias) => ({
        alias,
        score: Float64Array.from(records, (r) => verdict(r, alias).score),
        decision: Uint8Array.from(records, (r) => codes.indexOf(verdict(r, alias).decision)),
      })),
    });
    assert.equal(report.frauds, expected.frauds);
    assert.ok(report.frauds > 0 && report.frauds < N / 2, `${report.frauds} frauds`);
    for (const [k, m] of report.models.entries()) {
      const e = expected.models[k];
      assert.equal(m.flagged, e.flagged);
      for (const key of ['precision', 'recall', 'pr_auc', 'roc_auc', 'agreement', 'mean_abs_score_difference'] as const) {
        const a = m[key];
        const b = e[key];
        assert.ok(
          a === b || (a !== null && b !== null && Math.abs(a - b) <= FIGURE_TOLERANCE),
          `${m.alias} ${key}: ${a} vs ${b}`,
        );
      }
    }
  });
});

describe('the comparison read', () => {
  const READ_KEY = 'comparison-read-admin-key-0123456789';
  it('answers from a read at most FRAUDLENS_PERFORMANCE_REFRESH_MS old, and reads again when the models served change', async () => {
    const t = await makeApp({
      MODEL_PATH: DEFAULT_MODEL_PATH,
      FRAUDLENS_CHALLENGERS: CHALLENGERS,
      FRAUDLENS_PERFORMANCE_REFRESH_MS: '3600000',
      API_KEY: READ_KEY,
    });
    const headers = { 'x-api-key': READ_KEY };
    try {
      const count = 8;
      for (let k = 0; k < count; k++) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/predict',
          headers,
          payload: { ...transaction(k), trans_num: `read-${k}` },
        });
        assert.equal(res.statusCode, 200, res.body);
      }
      await nextTurn();
      const label = async (from: number, to: number) => {
        const labels = [];
        for (let k = from; k < to; k++)
          labels.push({ transaction_id: `read-${k}`, label: k % 2 === 0 ? 'fraud' : 'legitimate', source: 'chargeback' });
        assert.equal((await t.app.inject({ method: 'POST', url: '/labels', payload: { labels }, headers })).statusCode, 200);
      };
      const compare = async () =>
        json<ComparisonReportType>(await t.app.inject({ url: '/performance/comparison?window=all', headers }));
      await label(0, count / 2);
      // Requests arriving during one read share it.
      const [first, same] = await Promise.all([compare(), compare()]);
      assert.equal(first.labelled, count / 2);
      assert.equal(same.to, first.to);
      await label(count / 2, count);
      const kept = await compare();
      assert.deepEqual([kept.labelled, kept.to], [count / 2, first.to], 'the read of the refresh interval is kept');
      const other = await t.app.inject({ url: '/performance/comparison?window=90d', headers });
      assert.equal(json<ComparisonReportType>(other).labelled, count, 'each window has its own read');
      // A reload gives a new champion snapshot: the models served changed, so the next call reads again.
      assert.equal((await t.app.inject({ method: 'POST', url: '/admin/reload', headers })).statusCode, 200);
      assert.equal((await compare()).labelled, count);
    } finally {
      await t.app.close();
    }
  });
});

describe('a champion of precomputed features with a precomputed challenger, through /v2 infer', () => {
  it('scores the challenger in the shadow of a V2 request as a server serving it would', async () => {
    const challenger = packagePath('fixtures', 'xgboost', 'ulb_subset_nan_d5_t40.model.json');
    const t = await makeApp({ FRAUDLENS_CHALLENGERS: `nan=${challenger}` });
    const alone = await makeApp({ MODEL_PATH: challenger });
    try {
      const row = ulbSample();
      const inputs = Object.entries(row).map(([name, v]) => ({ name, shape: [1], datatype: 'FP64', data: [v] }));
      const res = await t.app.inject({ method: 'POST', url: '/v2/models/fraudlens/infer', payload: { inputs } });
      assert.equal(res.statusCode, 200, res.body);
      await nextTurn();
      const [record] = json<DecisionsResponseType>(await t.app.inject({ url: '/decisions?limit=1' })).decisions;
      assert.equal(record.model_alias, 'champion');
      assert.equal(record.shadow!.length, 1);
      const expected = json<Prediction>(await alone.app.inject({ method: 'POST', url: '/predict', payload: row }));
      assert.equal(record.shadow![0].alias, 'nan');
      assert.equal(record.shadow![0].score, expected.score);
      assert.equal(record.shadow![0].decision, expected.decision);
    } finally {
      await t.app.close();
      await alone.app.close();
    }
  });
});

describe('a reload of the champion', () => {
  it('keeps the challengers, and refuses a champion that no longer feeds them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fraudlens-challengers-'));
    const modelPath = join(dir, 'model.json');
    await copyFile(DEFAULT_MODEL_PATH, modelPath);
    const key = 'challengers-admin-key-0123456789';
    const t = await makeApp({ MODEL_PATH: modelPath, API_KEY: key, FRAUDLENS_CHALLENGERS: `shallow=${SHALLOW}` });
    const reload = () => t.app.inject({ method: 'POST', url: '/admin/reload', headers: { 'x-api-key': key } });
    try {
      // A champion of precomputed features cannot feed a challenger of raw transactions.
      await copyFile(packagePath('fixtures', 'precomputed', 'model.json'), modelPath);
      const refused = await reload();
      assert.equal(refused.statusCode, 422, refused.body);
      assert.equal(json<{ code: string }>(refused).code, 'CHALLENGER_INCOMPATIBLE');
      await copyFile(DEFAULT_MODEL_PATH, modelPath);
      assert.equal((await reload()).statusCode, 200);
      const res = await t.app.inject({ method: 'POST', url: '/predict', headers: { 'x-api-key': key }, payload: transaction(3) });
      assert.equal(res.statusCode, 200, res.body);
      await nextTurn();
      const page = json<DecisionsResponseType>(await t.app.inject({ url: '/decisions?limit=1', headers: { 'x-api-key': key } }));
      assert.deepEqual(
        page.decisions[0].shadow!.map((v) => v.alias),
        ['shallow'],
      );
    } finally {
      await t.app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('challengers that cannot serve', () => {
  it('counts a failing challenger and changes neither the answer nor the record', async () => {
    const [broken] = await loadChallengers([{ alias: 'broken', path: SHALLOW }], { batchLimit: 10, requireAllFeatures: false });
    broken.model.predictor.predictRowMargin = () => {
      throw new Error('challenger fault');
    };
    const t = await makeApp({ MODEL_PATH: DEFAULT_MODEL_PATH }, { challengers: [broken] });
    try {
      const res = await t.app.inject({ method: 'POST', url: '/predict', payload: transaction(1) });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(json<Prediction>(res).model_alias, 'champion');
      await nextTurn();
      const [record] = json<DecisionsResponseType>(await t.app.inject({ url: '/decisions?limit=1' })).decisions;
      assert.deepEqual(record.shadow, []);
      assert.match((await t.app.inject({ url: '/metrics' })).body, /fraudlens_shadow_errors_total\{alias="broken"\} 1/);
    } finally {
      await t.app.close();
    }
  });

  it('refuses at start a challenger of raw transactions beside a champion of precomputed features', async () => {
    await assert.rejects(
      makeApp({ FRAUDLENS_CHALLENGERS: `deep=${DEEP}` }),
      (e: unknown) => e instanceof FraudlensError && e.code === 'CHALLENGER_INCOMPATIBLE' && /"deep"/.test(e.message),
    );
  });

  it('refuses a precomputed challenger needing a feature the champion does not carry', async () => {
    await assert.rejects(
      makeApp({
        MODEL_PATH: DEFAULT_MODEL_PATH,
        FRAUDLENS_CHALLENGERS: `ulb=${packagePath('fixtures', 'xgboost', 'ulb_subset_d3_t10.model.json')}`,
      }),
      (e: unknown) =>
        e instanceof FraudlensError && e.code === 'CHALLENGER_INCOMPATIBLE' && /feature "Time"|feature "V1"/.test(e.message),
    );
  });
});
