/**
 * Every answer the server sends matches its schema in the HTTP contract (src/contract): a real app
 * serving the demo model with drift monitoring and an API key, every route of its OpenAPI document
 * called (successes and error answers), each body checked by a strict Ajv validator compiled from
 * the contract. Closed objects reject unknown fields, so a field the server adds without declaring
 * it, or a value outside an enum, fails here.
 */

import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';

import { Ajv, type ValidateFunction } from 'ajv';

import * as contract from '../../src/contract/index.js';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { createDriftPlugin, DRIFT_SETTINGS } from '../../src/server/drift/plugin.js';
import { driftReportSchema } from '../../src/server/drift/schemas.js';
import { readModelFile } from '../../src/io/model-file.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { makeApp, type TestApp } from './helpers.js';
import { RAW_MODEL } from './raw-parity.js';

const KEY = 'contract-test-key-0123456789';
const AUTH = { 'x-api-key': KEY };
const DEMO = join(REPO_ROOT, 'fixtures', 'precomputed');
const HOLDOUT = join(REPO_ROOT, 'fixtures', 'precomputed', 'holdout.csv.gz');
const FEATURES = ['amt', 'category', 'gender', 'city_pop', 'age', 'hour', 'day_of_week', 'distance_km'];
const CATEGORICAL = new Set(['category', 'gender']);
/** Rules beside the demo model, so predictions carry rule ids and /rules has something to show. */
const RULES = [
  'version: 1',
  'rules:',
  '  - { id: block_big_online, action: block, when: \'category == "shopping_net" and amt > 1000\', reason: Large online purchase }',
  "  - { id: review_night, action: review, when: 'hour in [0, 1, 2, 3] and amt > 300', reason: Large purchase at night }",
  '  - { id: allow_tiny, action: allow, when: amt < 1, reason: Tiny amount }',
].join('\n');
/** Rows scored before the drift routes are called: enough for a report and a re-baseline (30). */
const ROWS = 60;

type Row = Record<string, number | string>;

async function holdoutRows(n: number): Promise<Row[]> {
  const lines = gunzipSync(await readFile(HOLDOUT))
    .toString('utf8')
    .trim()
    .split('\n');
  const header = lines[0].split(',');
  return lines.slice(1, n + 1).map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(
      FEATURES.map((f) => [f, CATEGORICAL.has(f) ? cells[header.indexOf(f)] : Number(cells[header.indexOf(f)])]),
    );
  });
}

// Strict: an unknown keyword or a schema mistake in the contract is an error, not ignored.
const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
const validators = new Map<object, ValidateFunction>();
function validatorOf(schema: object): ValidateFunction {
  let v = validators.get(schema);
  if (v === undefined) {
    v = ajv.compile(schema);
    validators.set(schema, v);
  }
  return v;
}

/** Asserts that `body` matches `schema`, naming the call and Ajv's errors otherwise. */
function assertMatches(schema: object, body: unknown, what: string): void {
  const validate = validatorOf(schema);
  assert.ok(
    validate(body),
    `${what}: the response does not match its contract schema: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 400)}`,
  );
}

interface Call {
  method: 'GET' | 'POST' | 'PUT';
  /** The route as the OpenAPI document names it (parameters in braces). */
  route: string;
  url: string;
  headers?: Record<string, string>;
  payload?: unknown;
  status: number;
  /** The schema of the answer; the error schema for every status >= 400. */
  schema: object | null;
}

describe('every response matches the HTTP contract', () => {
  let t: TestApp;
  let dir: string;
  let rows: Row[];
  let baselineText: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fraudlens-contract-'));
    await copyFile(join(DEMO, 'model.json'), join(dir, 'model.json'));
    await copyFile(join(DEMO, 'drift_baseline.json'), join(dir, 'drift_baseline.json'));
    baselineText = await readFile(join(dir, 'drift_baseline.json'), 'utf8');
    await writeFile(join(dir, 'rules.yaml'), RULES);
    const config = loadConfig({
      envFile: null,
      env: {
        LOG_LEVEL: 'silent',
        MODEL_PATH: join(dir, 'model.json'),
        API_KEY: KEY,
        FRAUDLENS_RULES_PATH: join(dir, 'rules.yaml'),
      },
      extraSettings: DRIFT_SETTINGS,
    });
    const app = await buildApp(config, {
      model: await readModelFile(config.modelPath),
      plugins: [createDriftPlugin({ seed: 11 })],
      processMetrics: false,
      dashboardDir: null,
    });
    t = { app, config };
    rows = await holdoutRows(ROWS);
  });

  after(async () => {
    await t.app.close();
    await rm(dir, { recursive: true, force: true });
  });

  function calls(): Call[] {
    const one = rows[0];
    const unknown = { ...rows[1], category: 'a_merchant_category_never_seen' };
    const name = t.config.modelName;
    const tensors = {
      inputs: FEATURES.map((f) => ({
        name: f,
        shape: [2],
        datatype: CATEGORICAL.has(f) ? 'BYTES' : 'FP64',
        data: [rows[2][f], rows[3][f]],
      })),
    };
    const e = contract.ErrorResponse;
    return [
      { method: 'GET', route: '/health', url: '/health', status: 200, schema: contract.HealthReport },
      { method: 'GET', route: '/health/live', url: '/health/live', status: 200, schema: contract.LiveResponse },
      { method: 'GET', route: '/health/ready', url: '/health/ready', status: 200, schema: contract.ReadyResponse },
      { method: 'GET', route: '/model', url: '/model', status: 200, schema: contract.ModelReport },
      {
        method: 'POST',
        route: '/admin/reload',
        url: '/admin/reload',
        headers: AUTH,
        status: 200,
        schema: contract.ReloadResponse,
      },
      { method: 'POST', route: '/admin/reload', url: '/admin/reload', status: 401, schema: e },
      { method: 'GET', route: '/rules', url: '/rules', status: 200, schema: contract.RulesReport },
      {
        method: 'POST',
        route: '/admin/rules/reload',
        url: '/admin/rules/reload',
        headers: AUTH,
        status: 200,
        schema: contract.RulesReloadResponse,
      },
      { method: 'POST', route: '/admin/rules/reload', url: '/admin/rules/reload', status: 401, schema: e },
      // Served from MODEL_PATH: the registry routes answer 409 (their 200 bodies: registry-routes.test.ts).
      { method: 'GET', route: '/admin/models', url: '/admin/models', headers: AUTH, status: 409, schema: e },
      { method: 'GET', route: '/admin/models/history', url: '/admin/models/history', headers: AUTH, status: 409, schema: e },
      {
        method: 'POST',
        route: '/admin/models/promote',
        url: '/admin/models/promote',
        headers: AUTH,
        payload: { version: 'v1' },
        status: 409,
        schema: e,
      },
      {
        method: 'POST',
        route: '/admin/models/rollback',
        url: '/admin/models/rollback',
        headers: AUTH,
        payload: {},
        status: 409,
        schema: e,
      },
      {
        method: 'POST',
        route: '/admin/models/remove-alias',
        url: '/admin/models/remove-alias',
        headers: AUTH,
        payload: { alias: 'shallow' },
        status: 409,
        schema: e,
      },
      {
        method: 'POST',
        route: '/predict',
        url: '/predict',
        headers: AUTH,
        payload: { ...one, category: 'shopping_net', amt: 5000 },
        status: 200,
        schema: contract.PredictResponse,
      },
      {
        method: 'POST',
        route: '/predict',
        url: '/predict?explain=true',
        headers: AUTH,
        payload: {
          instances: [
            { ...one, amt: 0.5 },
            { ...one, hour: 2, amt: 400 },
          ],
        },
        status: 200,
        schema: contract.PredictResponse,
      },
      {
        method: 'POST',
        route: '/predict',
        url: '/predict',
        headers: AUTH,
        payload: one,
        status: 200,
        schema: contract.PredictResponse,
      },
      {
        method: 'POST',
        route: '/predict',
        url: '/predict?explain=true&top=3',
        headers: AUTH,
        payload: one,
        status: 200,
        schema: contract.PredictResponse,
      },
      {
        method: 'POST',
        route: '/predict',
        url: '/predict',
        headers: AUTH,
        payload: unknown,
        status: 200,
        schema: contract.PredictResponse,
      },
      {
        method: 'POST',
        route: '/predict',
        url: '/predict',
        headers: AUTH,
        payload: { instances: rows.slice(0, 3) },
        status: 200,
        schema: contract.PredictResponse,
      },
      {
        method: 'POST',
        route: '/predict',
        url: '/predict?explain=true',
        headers: AUTH,
        payload: { instances: rows.slice(0, 3) },
        status: 200,
        schema: contract.PredictResponse,
      },
      {
        method: 'POST',
        route: '/predict',
        url: '/predict',
        headers: AUTH,
        payload: { ...one, amt: 'a lot' },
        status: 400,
        schema: e,
      },
      {
        method: 'POST',
        route: '/predict',
        url: '/predict',
        headers: AUTH,
        payload: { ...one, colour: 'red' },
        status: 400,
        schema: e,
      },
      { method: 'POST', route: '/predict', url: '/predict?explain=maybe', headers: AUTH, payload: one, status: 400, schema: e },
      { method: 'POST', route: '/predict', url: '/predict', payload: one, status: 401, schema: e },
      {
        method: 'POST',
        route: '/explain',
        url: '/explain',
        headers: AUTH,
        payload: one,
        status: 200,
        schema: contract.ExplainResponse,
      },
      {
        method: 'POST',
        route: '/explain',
        url: '/explain?top=2',
        headers: AUTH,
        payload: { instances: [rows[0], unknown] },
        status: 200,
        schema: contract.ExplainResponse,
      },
      { method: 'POST', route: '/explain', url: '/explain', headers: AUTH, payload: { instances: [] }, status: 400, schema: e },
      {
        method: 'POST',
        route: '/predict',
        url: '/predict?explain=true',
        headers: AUTH,
        payload: { ...one, transaction_id: 'contract-tx-1' },
        status: 200,
        schema: contract.PredictResponse,
      },
      {
        method: 'POST',
        route: '/predict',
        url: '/predict',
        headers: AUTH,
        payload: { ...one, transaction_id: 'contract-tx-1' },
        status: 200,
        schema: contract.PredictResponse,
      },
      { method: 'GET', route: '/decisions', url: '/decisions', headers: AUTH, status: 200, schema: contract.DecisionsResponse },
      {
        method: 'GET',
        route: '/decisions',
        url: '/decisions?limit=1&score_min=0&from=2000-01-01T00:00:00Z',
        headers: AUTH,
        status: 200,
        schema: contract.DecisionsResponse,
      },
      { method: 'GET', route: '/decisions', url: '/decisions?cursor=bad', headers: AUTH, status: 400, schema: e },
      { method: 'GET', route: '/decisions', url: '/decisions', status: 401, schema: e },
      {
        method: 'GET',
        route: '/decisions/{transaction_id}',
        url: '/decisions/contract-tx-1',
        headers: AUTH,
        status: 200,
        schema: contract.PredictionRecord,
      },
      {
        method: 'GET',
        route: '/decisions/{transaction_id}',
        url: '/decisions/never-scored',
        headers: AUTH,
        status: 404,
        schema: e,
      },
      {
        method: 'POST',
        route: '/labels',
        url: '/labels',
        headers: AUTH,
        payload: { transaction_id: 'contract-tx-1', label: 'fraud', source: 'chargeback', note: 'disputed' },
        status: 200,
        schema: contract.LabelsAccepted,
      },
      { method: 'POST', route: '/labels', url: '/labels', headers: AUTH, payload: { labels: [] }, status: 400, schema: e },
      {
        method: 'GET',
        route: '/labels/{transaction_id}',
        url: '/labels/contract-tx-1',
        headers: AUTH,
        status: 200,
        schema: contract.LabelHistory,
      },
      { method: 'GET', route: '/labels/{transaction_id}', url: '/labels/never-labelled', headers: AUTH, status: 404, schema: e },
      {
        method: 'GET',
        route: '/decisions',
        url: '/decisions?labelled=true&order=asc',
        headers: AUTH,
        status: 200,
        schema: contract.DecisionsResponse,
      },
      { method: 'GET', route: '/review', url: '/review?limit=5', headers: AUTH, status: 200, schema: contract.DecisionsResponse },
      { method: 'GET', route: '/review', url: '/review?limit=0', headers: AUTH, status: 400, schema: e },
      {
        method: 'GET',
        route: '/performance',
        url: '/performance',
        headers: AUTH,
        status: 200,
        schema: contract.PerformanceReport,
      },
      {
        method: 'GET',
        route: '/performance',
        url: '/performance?window=all&model_version=nope',
        headers: AUTH,
        status: 200,
        schema: contract.PerformanceReport,
      },
      { method: 'GET', route: '/performance', url: '/performance?window=2w', headers: AUTH, status: 400, schema: e },
      {
        method: 'GET',
        route: '/performance/history',
        url: '/performance/history?window=7d&bucket=1h',
        headers: AUTH,
        status: 200,
        schema: contract.PerformanceHistoryReport,
      },
      {
        method: 'GET',
        route: '/performance/history',
        url: '/performance/history?window=all&model_version=nope',
        headers: AUTH,
        status: 200,
        schema: contract.PerformanceHistoryReport,
      },
      {
        method: 'GET',
        route: '/performance/history',
        url: '/performance/history?bucket=all',
        headers: AUTH,
        status: 400,
        schema: e,
      },
      {
        method: 'GET',
        route: '/performance/history',
        url: '/performance/history?window=90d&bucket=1m',
        headers: AUTH,
        status: 400,
        schema: e,
      },
      {
        method: 'GET',
        route: '/performance/comparison',
        url: '/performance/comparison?window=all',
        headers: AUTH,
        status: 200,
        schema: contract.ComparisonReport,
      },
      {
        method: 'GET',
        route: '/performance/comparison',
        url: '/performance/comparison?window=2w',
        headers: AUTH,
        status: 400,
        schema: e,
      },
      { method: 'GET', route: '/auth/me', url: '/auth/me', headers: AUTH, status: 200, schema: contract.AuthMe },
      { method: 'GET', route: '/auth/me', url: '/auth/me', status: 401, schema: e },
      { method: 'GET', route: '/logs', url: '/logs?decision=approve', headers: AUTH, status: 200, schema: contract.LogsResponse },
      { method: 'GET', route: '/logs', url: '/logs?limit=5', headers: AUTH, status: 200, schema: contract.LogsResponse },
      { method: 'GET', route: '/logs', url: '/logs?limit=0', headers: AUTH, status: 400, schema: e },
      { method: 'GET', route: '/drift', url: '/drift', headers: AUTH, status: 200, schema: driftReportSchema },
      { method: 'GET', route: '/drift', url: '/drift?window=1h', headers: AUTH, status: 200, schema: driftReportSchema },
      { method: 'GET', route: '/drift', url: '/drift?window=100', headers: AUTH, status: 200, schema: driftReportSchema },
      { method: 'GET', route: '/drift', url: '/drift?window=2w', headers: AUTH, status: 400, schema: e },
      {
        method: 'GET',
        route: '/drift/baseline',
        url: '/drift/baseline',
        headers: AUTH,
        status: 200,
        schema: contract.BaselineBody,
      },
      {
        method: 'PUT',
        route: '/drift/baseline',
        url: '/drift/baseline',
        headers: AUTH,
        payload: JSON.parse(baselineText),
        status: 200,
        schema: contract.BaselineSaved,
      },
      {
        method: 'PUT',
        route: '/drift/baseline',
        url: '/drift/baseline',
        headers: AUTH,
        payload: { format: 'something else' },
        status: 422,
        schema: e,
      },
      {
        method: 'POST',
        route: '/drift/baseline/from-window',
        url: '/drift/baseline/from-window?window=1h',
        headers: AUTH,
        status: 200,
        schema: contract.BaselineSaved,
      },
      { method: 'GET', route: '/v2', url: '/v2', status: 200, schema: contract.V2ServerMetadata },
      { method: 'GET', route: '/v2/health/live', url: '/v2/health/live', status: 200, schema: contract.V2Live },
      { method: 'GET', route: '/v2/health/ready', url: '/v2/health/ready', status: 200, schema: contract.V2Ready },
      { method: 'GET', route: '/v2/models/{name}', url: `/v2/models/${name}`, status: 200, schema: contract.V2ModelMetadata },
      { method: 'GET', route: '/v2/models/{name}', url: '/v2/models/not-this-one', status: 404, schema: e },
      {
        method: 'GET',
        route: '/v2/models/{name}/versions/{version}',
        url: `/v2/models/${name}/versions/nope`,
        status: 404,
        schema: e,
      },
      {
        method: 'GET',
        route: '/v2/models/{name}/ready',
        url: `/v2/models/${name}/ready`,
        status: 200,
        schema: contract.V2ModelReady,
      },
      {
        method: 'GET',
        route: '/v2/models/{name}/versions/{version}/ready',
        url: `/v2/models/${name}/versions/nope/ready`,
        status: 404,
        schema: e,
      },
      {
        method: 'POST',
        route: '/v2/models/{name}/infer',
        url: `/v2/models/${name}/infer`,
        headers: AUTH,
        payload: tensors,
        status: 200,
        schema: contract.V2InferResponse,
      },
      {
        method: 'POST',
        route: '/v2/models/{name}/infer',
        url: `/v2/models/${name}/infer`,
        headers: AUTH,
        payload: { inputs: [] },
        status: 400,
        schema: e,
      },
      {
        method: 'POST',
        route: '/v2/models/{name}/versions/{version}/infer',
        url: `/v2/models/${name}/versions/nope/infer`,
        headers: AUTH,
        payload: tensors,
        status: 404,
        schema: e,
      },
    ];
  }

  it('the contract compiles under strict Ajv, and its validators reject what breaks a closed shape', () => {
    const p = {
      id: 'x',
      model_version: 'v',
      score: 0.1,
      decision: 'approve',
      risk_level: 'low',
      thresholds: { review: 0.5, decline: 0.8 },
      latency_ms: 1,
    };
    assert.ok(validatorOf(contract.PredictResponse)(p));
    assert.equal(validatorOf(contract.PredictResponse)({ ...p, extra: 1 }), false, 'an undeclared field');
    assert.equal(validatorOf(contract.PredictResponse)({ ...p, risk_level: 'severe' }), false, 'a value outside the enum');
    assert.equal(validatorOf(contract.ErrorResponse)({ error: 'Bad Request', code: 'X', message: 'm' }), false, 'no statusCode');
  });

  it('answers every route of the OpenAPI document as its schema says', async () => {
    // Scored first, so the log and the drift window have rows (the re-baseline needs 30).
    const scored = await t.app.inject({ method: 'POST', url: '/predict', headers: AUTH, payload: { instances: rows } });
    assert.equal(scored.statusCode, 200, scored.body);

    const covered = new Set<string>();
    for (const c of calls()) {
      const res = await t.app.inject({
        method: c.method,
        url: c.url,
        ...(c.headers ? { headers: c.headers } : {}),
        ...(c.payload !== undefined ? { payload: c.payload as object } : {}),
      });
      const what = `${c.method} ${c.url} -> ${res.statusCode}`;
      assert.equal(res.statusCode, c.status, `${what}: ${res.body.slice(0, 300)}`);
      assert.match(String(res.headers['content-type']), /^application\/json/, what);
      const body = JSON.parse(res.body) as unknown;
      if (c.schema !== null) assertMatches(c.schema, body, what);
      if (c.status >= 400) assert.equal((body as { statusCode: number }).statusCode, c.status, what);
      covered.add(`${c.method} ${c.route}`);
    }

    // Every route the API documents is called above, except those that do not answer JSON.
    const notJson = new Set(['GET /metrics']);
    const doc = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const missing = documented.filter((r) => !covered.has(r) && !notJson.has(r));
    assert.deepEqual(missing, [], `routes with no contract check: ${missing.join(', ')}`);
  });
});

describe('the V2 shapes of a model with feature definitions match the HTTP contract', () => {
  let t: TestApp;
  before(async () => {
    t = await makeApp({ MODEL_PATH: RAW_MODEL, API_KEY: KEY });
  });
  after(async () => {
    await t.app.close();
  });

  it('metadata (raw inputs, derived outputs), raw infer with features, a fallback-free answer and a refusal', async () => {
    const name = t.config.modelName;
    const meta = await t.app.inject({ url: `/v2/models/${name}` });
    assert.equal(meta.statusCode, 200);
    assertMatches(contract.V2ModelMetadata, JSON.parse(meta.body), 'raw metadata');
    const inputs = (JSON.parse(meta.body) as contract.V2ModelMetadata).inputs;
    const tx: Record<string, string | number | null> = {
      unix_time: 1_550_628_576,
      trans_num: 'contract-raw-1',
      cc_num: '4097765637563358',
      merchant: 'fraud_Kunze Inc',
      category: 'grocery_pos',
      amt: 72.81,
      gender: 'F',
      city_pop: 224,
      lat: 31.0428,
      long: -103.6364,
      merch_lat: 30.194291,
      merch_long: -104.597484,
      dob: '1973-09-12',
    };
    const tensors = inputs.map((i) => ({ name: i.name, datatype: i.datatype, shape: [1], data: [tx[i.name]] }));
    const url = `/v2/models/${name}/infer`;
    const ok = await t.app.inject({
      method: 'POST',
      url,
      headers: AUTH,
      payload: { inputs: tensors, parameters: { features: true } },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    const body = JSON.parse(ok.body) as contract.V2InferResponse;
    assertMatches(contract.V2InferResponse, body, 'raw infer');
    assert.deepEqual(body.outputs.find((o) => o.name === 'duplicate')?.data, [false]);
    assert.deepEqual(body.outputs.find((o) => o.name === 'card_amt_mean')?.data, [null], 'a missing feature is null');
    const refused = await t.app.inject({
      method: 'POST',
      url,
      headers: AUTH,
      payload: { inputs: tensors.filter((x) => x.name !== 'cc_num') },
    });
    assert.equal(refused.statusCode, 400);
    assertMatches(contract.ErrorResponse, JSON.parse(refused.body), 'raw infer refused');
    assert.equal((JSON.parse(refused.body) as { field: string }).field, 'cc_num');
  });
});
