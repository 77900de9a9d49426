/**
 * Categories the model has never seen (a new merchant category) on the demo model, in process:
 * by default they are scored as missing values (the same score and explanation as `null`),
 * flagged in `unknown_categories` per prediction, counted per feature in /metrics and shown as
 * new categories by /drift; with FRAUDLENS_UNKNOWN_CATEGORIES=reject they are refused as before.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { DriftReport } from '../../src/core/drift/index.js';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { createDriftPlugin, DRIFT_SETTINGS } from '../../src/server/drift/plugin.js';
import { readModelFile } from '../../src/io/model-file.js';
import type { FraudlensModel } from '../../src/core/engine/model.js';
import { importXgboost, parseXgboostJsonText } from '../../src/core/engine/xgboost.js';
import { fixturePath, REPO_ROOT } from '../helpers/paths.js';
import { json, makeApp, type TestApp } from './helpers.js';

const KEY = 'unknown-categories-key-0123';
const AUTH = { 'x-api-key': KEY };
const DEMO_MODEL = join(REPO_ROOT, 'fixtures', 'precomputed', 'model.json');
/** |base_value + Σ contributions − margin| allowed (float64 sums over 200 trees). */
const ADDITIVITY_TOLERANCE = 1e-9;

type Row = Record<string, number | string | null>;

const KNOWN: Row = {
  amt: 412.5,
  category: 'shopping_net',
  gender: 'F',
  city_pop: 1200,
  age: 34,
  hour: 23,
  day_of_week: 5,
  distance_km: 71,
};
const NEW_MERCHANT: Row = { ...KNOWN, category: 'crypto_exchange' };
const AS_MISSING: Row = { ...KNOWN, category: null };

interface Prediction {
  score: number;
  unknown_categories?: string[];
  explanation?: { base_value: number; margin: number; contributions: Record<string, number> };
}

async function demoApp(values: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({
    envFile: null,
    env: { LOG_LEVEL: 'silent', MODEL_PATH: DEMO_MODEL, API_KEY: KEY, FRAUDLENS_DRIFT_METRICS_MAX_AGE_MS: '0', ...values },
    extraSettings: DRIFT_SETTINGS,
  });
  const app = await buildApp(config, {
    model: await readModelFile(config.modelPath),
    plugins: [createDriftPlugin({ seed: 7 })],
    processMetrics: false,
  });
  return { app, config };
}

function predict(t: TestApp, payload: unknown, query = ''): Promise<{ statusCode: number; body: string }> {
  return t.app.inject({ method: 'POST', url: `/predict${query}`, headers: AUTH, payload: payload as Row });
}

/** Value of one sample line of /metrics, or undefined when the series is absent. */
async function metric(t: TestApp, series: string): Promise<number | undefined> {
  const text = (await t.app.inject({ url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('unknown categories, default rule: scored as missing and reported', () => {
  let t: TestApp;
  before(async () => {
    t = await demoApp();
  });
  after(() => t.app.close());

  it('scores a new merchant category exactly like a missing one, and flags the feature', async () => {
    const res = await predict(t, NEW_MERCHANT, '?explain=true');
    assert.equal(res.statusCode, 200, res.body);
    const fresh = json<Prediction>(res);
    const missing = json<Prediction>(await predict(t, AS_MISSING, '?explain=true'));
    const known = json<Prediction>(await predict(t, KNOWN));
    assert.deepEqual(fresh.unknown_categories, ['category']);
    assert.equal(fresh.score, missing.score);
    assert.notEqual(fresh.score, known.score, 'the category matters to this model');
    assert.equal('unknown_categories' in missing, false, 'absent when nothing was unknown');
    assert.equal('unknown_categories' in known, false);
    // TreeSHAP follows the default direction too: same contributions, and they still add up.
    const e = fresh.explanation!;
    assert.deepEqual(e.contributions, missing.explanation!.contributions);
    const sum = Object.values(e.contributions).reduce((a, b) => a + b, e.base_value);
    assert.ok(Math.abs(sum - e.margin) <= ADDITIVITY_TOLERANCE, `additivity: ${sum} vs ${e.margin}`);
  });

  it('flags each prediction of a batch on its own', async () => {
    const res = await predict(t, { instances: [KNOWN, NEW_MERCHANT, { ...NEW_MERCHANT, gender: 'X' }] });
    assert.equal(res.statusCode, 200, res.body);
    const { predictions } = json<{ predictions: Prediction[] }>(res);
    assert.equal('unknown_categories' in predictions[0], false);
    assert.deepEqual(predictions[1].unknown_categories, ['category']);
    assert.deepEqual(predictions[2].unknown_categories, ['category', 'gender']);
  });

  it('counts them per feature in /metrics (every named categorical feature has a series from 0)', async () => {
    const fresh = await demoApp();
    try {
      assert.equal(await metric(fresh, 'fraudlens_unknown_category_total{feature="category"}'), 0);
      assert.equal(await metric(fresh, 'fraudlens_unknown_category_total{feature="gender"}'), 0);
      await predict(fresh, NEW_MERCHANT);
      await predict(fresh, { instances: [NEW_MERCHANT, KNOWN, { ...KNOWN, gender: 'X' }] });
      assert.equal(await metric(fresh, 'fraudlens_unknown_category_total{feature="category"}'), 2);
      assert.equal(await metric(fresh, 'fraudlens_unknown_category_total{feature="gender"}'), 1);
      assert.equal(
        await metric(fresh, 'fraudlens_unknown_category_total{feature="amt"}'),
        undefined,
        'no series for numeric features',
      );
    } finally {
      await fresh.app.close();
    }
  });

  it('V2 infer scores unknown BYTES names the same way and names the features in parameters', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v2/models/fraudlens/infer',
      headers: AUTH,
      payload: {
        inputs: [
          { name: 'amt', shape: [2], datatype: 'FP64', data: [KNOWN.amt, KNOWN.amt] },
          { name: 'category', shape: [2], datatype: 'BYTES', data: ['crypto_exchange', null] },
        ],
        outputs: [{ name: 'score' }],
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = json<{ outputs: { data: number[] }[]; parameters?: { unknown_categories: string } }>(res);
    assert.equal(body.outputs[0].data[0], body.outputs[0].data[1], 'unknown name = missing');
    assert.deepEqual(body.parameters, { unknown_categories: 'category' });
    const plain = json<Record<string, unknown>>(
      await t.app.inject({
        method: 'POST',
        url: '/v2/models/fraudlens/infer',
        headers: AUTH,
        payload: { inputs: [{ name: 'category', shape: [1], datatype: 'BYTES', data: ['grocery_pos'] }] },
      }),
    );
    assert.equal('parameters' in plain, false);
  });

  it('refuses an absurdly long name with INPUT_INVALID naming the feature', async () => {
    const res = await predict(t, { ...KNOWN, category: 'x'.repeat(5000) });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(json(res).code, 'INPUT_INVALID');
    assert.equal(json(res).field, 'category');
  });

  it('/drift shows the share of new categories per feature (counted in "other" for the test)', async () => {
    const fresh = await demoApp();
    try {
      const rows: Row[] = [];
      for (let i = 0; i < 60; i++) rows.push(i % 3 === 0 ? { ...NEW_MERCHANT, amt: 10 + i } : { ...KNOWN, amt: 10 + i });
      const res = await predict(fresh, { instances: rows });
      assert.equal(res.statusCode, 200, res.body);
      const report = json<DriftReport>(await fresh.app.inject({ url: '/drift?window=1000', headers: AUTH }));
      assert.equal(report.rows, 60);
      const category = report.features.find((f) => f.feature === 'category')!;
      assert.equal(category.current.new_categories, 20);
      assert.equal(category.current.missing, 0, 'a new category is not a missing value for drift');
      const other = category.baseline.categories!.indexOf('__other__');
      assert.ok(category.current.counts[other] >= 20, 'new categories count in "other" for the test');
      assert.equal(report.features.find((f) => f.feature === 'gender')!.current.new_categories, 0);
      assert.equal(report.features.find((f) => f.feature === 'amt')!.current.new_categories, undefined);
    } finally {
      await fresh.app.close();
    }
  });
});

describe('an XGBoost model imported with its category names', () => {
  it('takes names over HTTP, scoring like the code-encoded import; unknown names follow the rule', async () => {
    const raw = parseXgboostJsonText(readFileSync(fixturePath('xgboost', 'categorical.model.json'), 'utf8'));
    const categories = JSON.parse(readFileSync(fixturePath('xgboost', 'categorical.categories.json'), 'utf8')) as Record<
      string,
      string[]
    >;
    const loaded = (model: FraudlensModel) => ({ model, path: 'imported.json', sha256: '0'.repeat(64) });
    const named = await makeApp({}, { model: loaded(importXgboost(raw, { categories })) });
    const coded = await makeApp({}, { model: loaded(importXgboost(raw)) });
    try {
      const send = async (t: TestApp, body: Row) => {
        const res = await t.app.inject({ method: 'POST', url: '/predict', payload: body });
        assert.equal(res.statusCode, 200, res.body);
        return json<Prediction>(res);
      };
      const byName = await send(named, { purpose: 'A43', checking_status: 'A14', duration_months: 24, credit_amount: 4000 });
      const byCode = await send(coded, {
        purpose: categories.purpose.indexOf('A43'),
        checking_status: categories.checking_status.indexOf('A14'),
        duration_months: 24,
        credit_amount: 4000,
      });
      assert.equal(byName.score, byCode.score);
      const fresh = await send(named, { purpose: 'A4711', checking_status: 'A14', duration_months: 24, credit_amount: 4000 });
      const missing = await send(named, { checking_status: 'A14', duration_months: 24, credit_amount: 4000 });
      assert.deepEqual(fresh.unknown_categories, ['purpose']);
      assert.equal(fresh.score, missing.score);
    } finally {
      await named.app.close();
      await coded.app.close();
    }
  });
});

describe('unknown categories, strict rule (FRAUDLENS_UNKNOWN_CATEGORIES=reject)', () => {
  let t: TestApp;
  before(async () => {
    t = await demoApp({ FRAUDLENS_UNKNOWN_CATEGORIES: 'reject' });
  });
  after(() => t.app.close());

  it('answers 400 INPUT_UNKNOWN_CATEGORY naming the feature, single, batch and V2', async () => {
    for (const payload of [NEW_MERCHANT, { instances: [KNOWN, NEW_MERCHANT] }]) {
      const res = await predict(t, payload);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(json(res).code, 'INPUT_UNKNOWN_CATEGORY');
      assert.equal(json(res).field, 'category');
      assert.match(json<{ message: string }>(res).message, /"crypto_exchange"/);
    }
    const v2 = await t.app.inject({
      method: 'POST',
      url: '/v2/models/fraudlens/infer',
      headers: AUTH,
      payload: { inputs: [{ name: 'category', shape: [1], datatype: 'BYTES', data: ['crypto_exchange'] }] },
    });
    assert.equal(v2.statusCode, 400, v2.body);
    assert.equal(json(v2).code, 'INPUT_UNKNOWN_CATEGORY');
    assert.equal((await predict(t, KNOWN)).statusCode, 200);
    assert.equal(await metric(t, 'fraudlens_unknown_category_total{feature="category"}'), 0);
  });

  it('is a validated setting', () => {
    assert.throws(
      () => loadConfig({ envFile: null, env: { FRAUDLENS_UNKNOWN_CATEGORIES: 'ignore' } }),
      (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && /FRAUDLENS_UNKNOWN_CATEGORIES/.test(e.message),
    );
  });
});
