/**
 * POST /explain on the demo model with drift monitoring and an API key: the same numbers as
 * POST /predict?explain=true, and nothing recorded. After the dashboard's importance read (a
 * batch of 240 hold-out transactions), the prediction log, the drift window and the decision
 * counters are exactly what they were.
 */

import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';

import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { createDriftPlugin, DRIFT_SETTINGS } from '../../src/server/drift/plugin.js';
import { readModelFile } from '../../src/io/model-file.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { json, type TestApp } from './helpers.js';

const KEY = 'explain-test-key-0123456789';
const AUTH = { 'x-api-key': KEY };
const DEMO = join(REPO_ROOT, 'fixtures', 'precomputed');
const HOLDOUT = join(REPO_ROOT, 'fixtures', 'precomputed', 'holdout.csv.gz');
const CATEGORICAL = new Set(['category', 'gender']);
/** The dashboard's importance sample is 240 hold-out transactions. */
const SAMPLE_ROWS = 240;
/** Same model, same row: the two routes run the same arithmetic. */
const SAME = 0;

type Row = Record<string, number | string>;
interface Explained {
  score: number;
  decision: string;
  reasons: { kind: string; code: string; text: string }[];
  explanation: { base_value: number; margin: number; contributions: Record<string, number>; top: unknown[] };
}

async function holdoutRows(count: number): Promise<Row[]> {
  const lines = gunzipSync(await readFile(HOLDOUT))
    .toString('utf8')
    .trim()
    .split('\n');
  const header = lines[0].split(',');
  const step = Math.floor((lines.length - 1) / count);
  const rows: Row[] = [];
  for (let i = 1; rows.length < count; i += step) {
    const cells = lines[i].split(',');
    const row: Row = {};
    header.forEach((name, j) => {
      if (name !== 'trans_time' && name !== 'is_fraud') row[name] = CATEGORICAL.has(name) ? cells[j] : Number(cells[j]);
    });
    rows.push(row);
  }
  return rows;
}

let dir: string;
let t: TestApp;
let rows: Row[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fraudlens-explain-'));
  await copyFile(join(DEMO, 'model.json'), join(dir, 'model.json'));
  await copyFile(join(DEMO, 'drift_baseline.json'), join(dir, 'drift_baseline.json'));
  const config = loadConfig({
    envFile: null,
    env: { LOG_LEVEL: 'silent', MODEL_PATH: join(dir, 'model.json'), API_KEY: KEY },
    extraSettings: DRIFT_SETTINGS,
  });
  const app = await buildApp(config, {
    model: await readModelFile(config.modelPath),
    plugins: [createDriftPlugin({ seed: 7 })],
    processMetrics: false,
    dashboardDir: null,
  });
  t = { app, config };
  rows = await holdoutRows(SAMPLE_ROWS);
});
after(async () => {
  await t?.app.close();
  await rm(dir, { recursive: true, force: true });
});

/** Everything a read must leave alone: the log, the drift window's report, the decision counters. */
async function measured(): Promise<{ logs: string; drift: string; decisions: string[] }> {
  const logs = await t.app.inject({ url: '/logs?limit=1000', headers: AUTH });
  assert.equal(logs.statusCode, 200, logs.body);
  const drift = await t.app.inject({ url: '/drift?window=15m', headers: AUTH });
  assert.equal(drift.statusCode, 200, drift.body);
  const report = json<{ generated_at?: string; window?: { to?: number } }>(drift);
  // When the report was made and where the time window ends are the request's time, not state.
  delete report.generated_at;
  delete report.window?.to;
  const metrics = (await t.app.inject({ url: '/metrics' })).body;
  return {
    logs: logs.body,
    drift: JSON.stringify(report),
    decisions: metrics.split('\n').filter((l) => l.startsWith('fraudlens_predictions_total') || l.startsWith('fraudlens_score')),
  };
}

describe('POST /explain', () => {
  it('answers what /predict?explain=true answers, without id and latency', async () => {
    const row = rows[0];
    const predicted = json<Explained & { id: string }>(
      await t.app.inject({ method: 'POST', url: '/predict?explain=true', headers: AUTH, payload: row }),
    );
    const res = await t.app.inject({ method: 'POST', url: '/explain', headers: AUTH, payload: row });
    assert.equal(res.statusCode, 200, res.body);
    const explained = json<Explained & Record<string, unknown>>(res);
    assert.ok(Math.abs(explained.score - predicted.score) <= SAME);
    assert.equal(explained.decision, predicted.decision);
    assert.deepEqual(explained.explanation, predicted.explanation);
    assert.deepEqual(explained.reasons, predicted.reasons, 'the same reason codes');
    assert.equal(explained.id, undefined, 'no log id: nothing was logged');
    assert.equal(explained.latency_ms, undefined);
    assert.deepEqual(Object.keys(explained).sort(), [
      'decision',
      'explanation',
      'model_version',
      'reasons',
      'risk_level',
      'score',
      'thresholds',
    ]);

    const limited = json<Explained>(await t.app.inject({ method: 'POST', url: '/explain?top=2', headers: AUTH, payload: row }));
    assert.equal(limited.explanation.top.length, 2);
  });

  it("the dashboard's importance read (a batch of 240) leaves the log, the drift window and the counters unchanged", async () => {
    // Some traffic first, so "unchanged" is about a window that holds something.
    const traffic = await t.app.inject({
      method: 'POST',
      url: '/predict',
      headers: AUTH,
      payload: { instances: rows.slice(0, 50) },
    });
    assert.equal(traffic.statusCode, 200, traffic.body);
    const before = await measured();
    assert.equal(JSON.parse(before.drift).rows, 51, 'the window holds the earlier predictions');

    const res = await t.app.inject({ method: 'POST', url: '/explain', headers: AUTH, payload: { instances: rows } });
    assert.equal(res.statusCode, 200, res.body);
    const batch = json<{ predictions: Explained[]; count: number; model_version: string }>(res);
    assert.equal(batch.count, SAMPLE_ROWS);
    assert.equal(batch.predictions.length, SAMPLE_ROWS);
    assert.ok(batch.predictions.every((p) => Object.keys(p.explanation.contributions).length === 8));

    assert.deepEqual(await measured(), before);
  });

  it('needs the API key and validates the body like /predict', async () => {
    const anonymous = await t.app.inject({ method: 'POST', url: '/explain', payload: rows[0] });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(json<{ code: string }>(anonymous).code, 'UNAUTHORIZED');
    const typo = await t.app.inject({ method: 'POST', url: '/explain', headers: AUTH, payload: { ...rows[0], amount: 3 } });
    assert.equal(typo.statusCode, 400, typo.body);
    const body = json<{ code: string; field?: string }>(typo);
    assert.equal(body.code, 'REQUEST_INVALID');
    assert.equal(body.field, 'amount');
    const badCategory = await t.app.inject({
      method: 'POST',
      url: '/explain',
      headers: AUTH,
      payload: { ...rows[0], category: 5 },
    });
    assert.equal(badCategory.statusCode, 400, badCategory.body);
    assert.equal(json<{ field?: string }>(badCategory).field, 'category');
    // A category the model never saw is explained as a missing value and flagged, as /predict does.
    const newCategory = await t.app.inject({
      method: 'POST',
      url: '/explain',
      headers: AUTH,
      payload: { ...rows[0], category: 'opened_this_week' },
    });
    assert.equal(newCategory.statusCode, 200, newCategory.body);
    const asMissing = await t.app.inject({
      method: 'POST',
      url: '/explain',
      headers: AUTH,
      payload: { ...rows[0], category: null },
    });
    assert.deepEqual(json<{ unknown_categories?: string[] }>(newCategory).unknown_categories, ['category']);
    assert.equal(json<Explained>(newCategory).score, json<Explained>(asMissing).score);
  });
});
