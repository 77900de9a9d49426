/**
 * Drift monitoring in process (app.inject), on the demo model, its baseline and its hold-out
 * rows: no drift on hold-out traffic, drift on `amt` tripled, window validation, the baseline
 * download / upload / rebuild-from-window (refused uploads change nothing, on disk or in force),
 * no baseline or a baseline that no longer fits after a reload (409, predictions unaffected),
 * the Prometheus gauges, the settings, and the docs table of the settings.
 *
 * Every app gets its own copy of the model directory, since uploads write the baseline beside the
 * model. Count windows of at most 1000 rows use every row (no sampling), so their verdicts do not
 * depend on random draws; the window seed is fixed anyway.
 */

import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';

import type { DriftBaseline, DriftReport, FeatureDriftReport } from '../../src/core/drift/index.js';
import { parseBaseline, serializeBaseline } from '../../src/core/drift/index.js';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { createDriftPlugin, DRIFT_SETTINGS } from '../../src/server/drift/plugin.js';
import { readModelFile } from '../../src/io/model-file.js';
import { pluginSettings } from '../../src/server/plugins.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { json, ulbSample, ULB_MODEL, type TestApp } from './helpers.js';

const KEY = 'drift-test-key-0123456789';
const AUTH = { 'x-api-key': KEY };
const DEMO = join(REPO_ROOT, 'fixtures', 'precomputed');
const HOLDOUT = join(REPO_ROOT, 'fixtures', 'precomputed', 'holdout.csv.gz');
const FEATURES = ['amt', 'category', 'gender', 'city_pop', 'age', 'hour', 'day_of_week', 'distance_km'];
const CATEGORICAL = new Set(['category', 'gender']);

type Row = Record<string, number | string>;

/** 1000 hold-out rows spread evenly over its six months (every 14th row). */
async function holdoutRows(): Promise<Row[]> {
  const lines = gunzipSync(await readFile(HOLDOUT))
    .toString('utf8')
    .trim()
    .split('\n');
  const header = lines[0].split(',');
  const rows: Row[] = [];
  for (let i = 1; i < lines.length && rows.length < 1000; i += 14) {
    const cells = lines[i].split(',');
    assert.equal(cells.length, header.length, `hold-out line ${i + 1}`);
    const row: Row = {};
    for (const f of FEATURES) {
      const v = cells[header.indexOf(f)];
      row[f] = CATEGORICAL.has(f) ? v : Number(v);
    }
    rows.push(row);
  }
  assert.equal(rows.length, 1000);
  return rows;
}

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A private copy of models/demo (model, and the baseline unless told otherwise). */
async function modelDir(withBaseline = true): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fraudlens-drift-'));
  dirs.push(dir);
  await copyFile(join(DEMO, 'model.json'), join(dir, 'model.json'));
  if (withBaseline) await copyFile(join(DEMO, 'drift_baseline.json'), join(dir, 'drift_baseline.json'));
  return dir;
}

/** An app serving the model in `dir` with drift monitoring, an API key and fresh gauges on every scrape. */
async function driftApp(dir: string, values: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({
    envFile: null,
    env: {
      LOG_LEVEL: 'silent',
      MODEL_PATH: join(dir, 'model.json'),
      API_KEY: KEY,
      FRAUDLENS_DRIFT_METRICS_MAX_AGE_MS: '0',
      ...values,
    },
    extraSettings: DRIFT_SETTINGS,
  });
  const app = await buildApp(config, {
    model: await readModelFile(config.modelPath),
    plugins: [createDriftPlugin({ seed: 7 })],
    processMetrics: false,
  });
  return { app, config };
}

async function post(t: TestApp, rows: readonly Row[]): Promise<void> {
  const res = await t.app.inject({ method: 'POST', url: '/predict', headers: AUTH, payload: { instances: rows } });
  assert.equal(res.statusCode, 200, res.body);
}

async function drift(t: TestApp, window?: string): Promise<DriftReport> {
  const res = await t.app.inject({ url: window === undefined ? '/drift' : `/drift?window=${window}`, headers: AUTH });
  assert.equal(res.statusCode, 200, res.body);
  return json<DriftReport>(res);
}

function feature(r: DriftReport, name: string): FeatureDriftReport {
  const f = r.features.find((x) => x.feature === name);
  assert.ok(f, `feature ${name} in the report`);
  return f;
}

function assertError(
  res: { statusCode: number; body: string },
  status: number,
  code: string,
  field?: string,
): { message: string } {
  const body = json<{ code: string; statusCode: number; field?: string; message: string }>(res);
  assert.equal(res.statusCode, status, res.body);
  assert.equal(body.code, code, res.body);
  assert.equal(body.statusCode, status);
  if (field !== undefined) assert.equal(body.field, field, res.body);
  return body;
}

/** Value of one sample line of /metrics, or undefined when the series is absent. */
async function metric(t: TestApp, series: string): Promise<number | undefined> {
  const text = (await t.app.inject({ url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const tripled = (rows: readonly Row[]): Row[] => rows.map((r) => ({ ...r, amt: (r.amt as number) * 3 }));

describe('GET /drift', () => {
  let holdout: Row[];
  let t: TestApp;
  before(async () => {
    holdout = await holdoutRows();
    t = await driftApp(await modelDir());
  });
  after(() => t.app.close());

  it('answers an empty window with "not enough data", 200', async () => {
    const r = await drift(t);
    assert.equal(r.rows, 0);
    assert.equal(r.dataset_drift.not_enough_data, true);
    assert.equal(r.dataset_drift.drifted, false);
    assert.ok(r.features.every((f) => f.not_enough_data && !f.drifted && f.statistic === null));
    assert.equal(r.window?.type, 'time');
    assert.equal(r.window?.source, 'memory');
    assert.equal(r.baseline_rows, 70416);
    const health = JSON.parse((await t.app.inject({ url: '/health' })).body) as {
      status: string;
      components: Record<string, unknown>;
    };
    assert.equal(health.status, 'healthy');
    assert.deepEqual(health.components.drift, { status: 'ok', redis_connected: null });
  });

  it('finds no drift on hold-out rows, and flags amt (and the score) once amounts triple', async () => {
    await post(t, holdout);
    const calm = await drift(t, '1000');
    assert.equal(calm.rows, 1000);
    assert.deepEqual(calm.window, { type: 'count', requested: 1000, available: 1000, source: 'memory' });
    assert.equal(calm.dataset_drift.drifted, false);
    assert.equal(calm.dataset_drift.not_enough_data, false);
    assert.deepEqual(calm.drifted_features, []);
    assert.equal(feature(calm, 'amt').drifted, false);
    assert.equal(calm.prediction_drift.drifted, false);
    // The default window is the last hour, which holds the same rows.
    const hour = await drift(t);
    assert.equal(hour.rows, 1000);
    assert.equal(hour.window?.type, 'time');
    assert.equal((hour.window as { duration_ms: number }).duration_ms, 3_600_000);

    await post(t, tripled(holdout));
    const shifted = await drift(t, '1000');
    const amt = feature(shifted, 'amt');
    // A 1000-row window is judged by the p-value test (the registry's small-window rule).
    assert.equal(amt.test, 'ks');
    assert.equal(amt.drifted, true);
    assert.ok(amt.p_value! < 1e-6, `amt p-value ${amt.p_value}`);
    assert.ok(shifted.drifted_features.includes('amt'));
    // Only amounts changed: the categorical features keep their distribution exactly.
    assert.equal(feature(shifted, 'category').drifted, false);
    assert.equal(feature(shifted, 'gender').drifted, false);
    assert.equal(shifted.prediction_drift.drifted, true);
    // Per feature: the test, its threshold, and both histograms on the baseline's bins.
    assert.equal(amt.baseline.counts.length, amt.baseline.edges!.length + 1);
    assert.equal(amt.current.counts.length, amt.baseline.counts.length);
    assert.equal(
      amt.current.counts.reduce((a, b) => a + b, 0),
      1000,
    );
    assert.deepEqual(feature(shifted, 'category').baseline.categories?.at(-1), '__other__');
    assert.equal((await drift(t, '2000')).rows, 2000);
  });

  it('refuses a malformed window with 400 REQUEST_INVALID naming the parameter', async () => {
    for (const w of ['2h', '0', '-5', 'abc', '1000001', '1.5', '']) {
      const res = await t.app.inject({ url: `/drift?window=${encodeURIComponent(w)}`, headers: AUTH });
      const body = assertError(res, 400, 'REQUEST_INVALID', 'window');
      assert.match(body.message, /15m, 1h, 24h/);
    }
    assertError(await t.app.inject({ url: '/drift?window=1h&share=0.1', headers: AUTH }), 400, 'REQUEST_INVALID');
  });

  it('needs the API key when one is set', async () => {
    assertError(await t.app.inject({ url: '/drift' }), 401, 'UNAUTHORIZED');
    assertError(await t.app.inject({ url: '/drift/baseline' }), 401, 'UNAUTHORIZED');
  });

  it('exports the verdicts and the window counters to Prometheus', async () => {
    assert.equal(await metric(t, 'fraudlens_drift_baseline_loaded'), 1);
    assert.equal(await metric(t, 'fraudlens_drift_window_rows{window="1h"}'), 2000);
    // The 1h window's sample holds a few hundred rows (one bucket): KS for numbers; categories are
    // counted on all 2000 rows, so Jensen-Shannon.
    const amt = await metric(t, 'fraudlens_drift_statistic{feature="amt",test="ks"}');
    assert.ok(amt !== undefined && amt > 0.1, `amt gauge ${amt}`);
    assert.ok((await metric(t, 'fraudlens_drift_statistic{feature="category",test="jensenshannon"}')) !== undefined);
    assert.equal(await metric(t, 'fraudlens_feature_drifted{feature="amt"}'), 1);
    assert.equal(await metric(t, 'fraudlens_feature_drifted{feature="gender"}'), 0);
    assert.ok([0, 1].includes((await metric(t, 'fraudlens_dataset_drift'))!));
    assert.ok((await metric(t, 'fraudlens_prediction_drift_statistic{test="ks"}')) !== undefined);
    assert.equal(await metric(t, 'fraudlens_drift_window_updates_total{backend="memory"}'), 2000);
    assert.equal(await metric(t, 'fraudlens_drift_window_written_total{backend="memory"}'), 2000);
    assert.equal(await metric(t, 'fraudlens_drift_window_dropped_total{backend="memory"}'), 0);
    assert.equal(await metric(t, 'fraudlens_drift_window_pending{backend="memory"}'), 0);
    assert.equal(await metric(t, 'fraudlens_drift_window_connected{backend="memory"}'), 1);
  });
});

describe('drift settings', () => {
  let holdout: Row[];
  before(async () => {
    holdout = await holdoutRows();
  });

  it("takes the dataset share, threshold overrides and the gauges' window from the configuration", async () => {
    const t = await driftApp(await modelDir(), {
      FRAUDLENS_DRIFT_SHARE: '0.1',
      FRAUDLENS_DRIFT_THRESHOLDS: 'ks=0.01,chisquare=0.001',
      FRAUDLENS_DRIFT_METRICS_WINDOW: '500',
    });
    try {
      await post(t, tripled(holdout));
      const r = await drift(t, '1000');
      assert.deepEqual(r.settings.thresholds, { ks: 0.01, chisquare: 0.001 });
      assert.equal(feature(r, 'amt').threshold, 0.01);
      assert.equal(feature(r, 'gender').threshold, 0.001);
      assert.equal(r.dataset_drift.share, 0.1);
      // One drifted feature in eight (12.5 %) reaches a share of 10 %.
      assert.ok(r.dataset_drift.share_drifted >= 0.1);
      assert.equal(r.dataset_drift.drifted, true);
      assert.equal(await metric(t, 'fraudlens_drift_window_rows{window="500"}'), 500);
      assert.equal(await metric(t, 'fraudlens_dataset_drift'), 1);
    } finally {
      await t.app.close();
    }
  });

  it('refuses bad values at start-up with CONFIG_INVALID naming the setting', async () => {
    const dir = await modelDir();
    const bad: [Record<string, string>, string][] = [
      [{ FRAUDLENS_DRIFT_SHARE: '1.5' }, 'FRAUDLENS_DRIFT_SHARE'],
      [{ FRAUDLENS_DRIFT_SHARE: 'half' }, 'FRAUDLENS_DRIFT_SHARE'],
      [{ FRAUDLENS_DRIFT_THRESHOLDS: 'ks=2' }, 'FRAUDLENS_DRIFT_THRESHOLDS'],
      [{ FRAUDLENS_DRIFT_THRESHOLDS: 'ks=0.01,ks=0.02' }, 'FRAUDLENS_DRIFT_THRESHOLDS'],
      [{ FRAUDLENS_DRIFT_THRESHOLDS: 'kolmogorov=0.1' }, 'FRAUDLENS_DRIFT_THRESHOLDS'],
      [{ FRAUDLENS_DRIFT_BACKEND: 'disk' }, 'FRAUDLENS_DRIFT_BACKEND'],
      [{ FRAUDLENS_DRIFT_METRICS_WINDOW: '2h' }, 'FRAUDLENS_DRIFT_METRICS_WINDOW'],
      [{ FRAUDLENS_DRIFT_BASLINE_PATH: '/tmp/x.json' }, 'FRAUDLENS_DRIFT_BASLINE_PATH'],
    ];
    for (const [values, field] of bad) {
      await assert.rejects(
        driftApp(dir, values),
        (e: { code?: string; location?: { field?: string } }) => e.code === 'CONFIG_INVALID' && e.location?.field === field,
        JSON.stringify(values),
      );
    }
  });

  it('is what fraudlens serve loads, with its settings', () => {
    const keys = pluginSettings().map((s) => s.key);
    for (const s of DRIFT_SETTINGS) assert.ok(keys.includes(s.key), s.key);
  });

  it('docs/api.md lists every drift setting with its default', async () => {
    const text = await readFile(join(REPO_ROOT, 'docs', 'api.md'), 'utf8');
    const section = text.slice(text.indexOf('## Drift monitoring'));
    assert.ok(section.length > 0 && text.includes('## Drift monitoring'), 'docs/api.md has a "Drift monitoring" section');
    const rows = new Map<string, string>();
    for (const m of section.matchAll(/^\| `(FRAUDLENS_DRIFT_[A-Z_]+)` \| ([^|]*) \|/gm)) rows.set(m[1], m[2].trim());
    for (const s of DRIFT_SETTINGS) {
      assert.ok(rows.has(s.key), `docs/api.md lacks ${s.key}`);
      const shown =
        s.default === null
          ? '(unset)'
          : Array.isArray(s.default)
            ? s.default.length === 0
              ? '(empty)'
              : s.default.join(',')
            : String(s.default);
      assert.equal(rows.get(s.key), shown, `${s.key}: default in docs/api.md`);
    }
    assert.deepEqual(
      [...rows.keys()].filter((k) => !DRIFT_SETTINGS.some((s) => s.key === k)),
      [],
    );
  });
});

describe('the drift baseline routes', () => {
  let holdout: Row[];
  before(async () => {
    holdout = await holdoutRows();
  });

  it('GET /drift/baseline downloads the baseline in force', async () => {
    const dir = await modelDir();
    const t = await driftApp(dir);
    try {
      const res = await t.app.inject({ url: '/drift/baseline', headers: AUTH });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.match(String(res.headers['content-disposition']), /attachment; filename="drift_baseline.json"/);
      const onDisk = await readFile(join(dir, 'drift_baseline.json'), 'utf8');
      assert.deepEqual(parseBaseline(res.body), parseBaseline(onDisk));
    } finally {
      await t.app.close();
    }
  });

  it('PUT is an admin route: 403 without API_KEY, 401 without the key', async () => {
    const dir = await modelDir();
    const body = await readFile(join(dir, 'drift_baseline.json'), 'utf8');
    const open = await driftApp(dir, { API_KEY: '' });
    try {
      const put = {
        method: 'PUT' as const,
        url: '/drift/baseline',
        headers: { 'content-type': 'application/json', ...AUTH },
        payload: body,
      };
      assertError(await open.app.inject(put), 403, 'FORBIDDEN');
      assertError(await open.app.inject({ method: 'POST', url: '/drift/baseline/from-window', headers: AUTH }), 403, 'FORBIDDEN');
      // Reading stays open when no key is configured, like /logs.
      assert.equal((await open.app.inject({ url: '/drift' })).statusCode, 200);
    } finally {
      await open.app.close();
    }
    const t = await driftApp(dir);
    try {
      assertError(
        await t.app.inject({
          method: 'PUT',
          url: '/drift/baseline',
          headers: { 'content-type': 'application/json' },
          payload: body,
        }),
        401,
        'UNAUTHORIZED',
      );
    } finally {
      await t.app.close();
    }
  });

  it('PUT refuses a corrupt baseline or one for another model, and keeps the old one on disk and in force', async () => {
    const dir = await modelDir();
    const path = join(dir, 'drift_baseline.json');
    const before = await readFile(path, 'utf8');
    const good = JSON.parse(before) as DriftBaseline;
    const t = await driftApp(dir);
    try {
      const put = (payload: unknown) =>
        t.app.inject({
          method: 'PUT',
          url: '/drift/baseline',
          headers: { 'content-type': 'application/json', ...AUTH },
          payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
        });
      assertError(await put('{"format": "fraudlens-drift-baseline", '), 400, 'REQUEST_MALFORMED_JSON');
      assertError(await put('[1, 2]'), 400, 'REQUEST_INVALID');
      const counts = structuredClone(good);
      counts.features[0].counts[0] += 1;
      assertError(await put(counts), 422, 'BASELINE_INVALID', 'features[0].counts');
      const other = structuredClone(good);
      other.model_version = 'some-other-model';
      const refused = assertError(await put(other), 422, 'BASELINE_INVALID', 'model_version');
      assert.match(refused.message, /some-other-model/);
      const renamed = structuredClone(good);
      renamed.features[1].name = 'merchant';
      assertError(await put(renamed), 422, 'BASELINE_INVALID', 'features[1].name');
      const version = structuredClone(good) as unknown as Record<string, unknown>;
      version.format_version = 2;
      assertError(await put(version), 422, 'BASELINE_INVALID', 'format_version');

      assert.equal(await readFile(path, 'utf8'), before, 'the file on disk is untouched');
      const served = await t.app.inject({ url: '/drift/baseline', headers: AUTH });
      assert.deepEqual(parseBaseline(served.body), parseBaseline(before), 'the baseline in force is untouched');
      assert.equal((await drift(t)).baseline_created_at, good.created_at);
    } finally {
      await t.app.close();
    }
  });

  it('PUT replaces a valid baseline atomically beside the model; the window goes on while the bins are the same', async () => {
    const dir = await modelDir();
    const path = join(dir, 'drift_baseline.json');
    const good = parseBaseline(await readFile(path, 'utf8'));
    const t = await driftApp(dir);
    try {
      await post(t, holdout.slice(0, 100));
      const put = (b: DriftBaseline) =>
        t.app.inject({
          method: 'PUT',
          url: '/drift/baseline',
          headers: { 'content-type': 'application/json', ...AUTH },
          payload: serializeBaseline(b),
        });

      const renewed: DriftBaseline = { ...good, created_at: '2030-01-02T03:04:05.000Z' };
      const res = await put(renewed);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(json(res), {
        saved: true,
        path,
        model_version: good.model_version,
        created_at: renewed.created_at,
        rows: good.rows,
        window_kept: true,
      });
      assert.deepEqual(parseBaseline(await readFile(path, 'utf8')), renewed);
      const r = await drift(t);
      assert.equal(r.baseline_created_at, renewed.created_at);
      assert.equal(r.rows, 100);

      // Other cut points for amt: the window's counts no longer fit, a new window starts.
      const amt = good.features[0];
      assert.equal(amt.type, 'numeric');
      if (amt.type !== 'numeric') return;
      const merged = amt.counts.slice(0, -2).concat(amt.counts.at(-2)! + amt.counts.at(-1)!);
      const coarser: DriftBaseline = {
        ...good,
        features: [{ ...amt, edges: amt.edges.slice(0, -1), counts: merged }, ...good.features.slice(1)],
      };
      const res2 = await put(coarser);
      assert.equal(res2.statusCode, 200, res2.body);
      assert.equal(json<{ window_kept: boolean }>(res2).window_kept, false);
      const r2 = await drift(t);
      assert.equal(r2.rows, 0);
      assert.equal(feature(r2, 'amt').baseline.edges!.length, amt.edges.length - 1);
      assert.deepEqual(parseBaseline(await readFile(path, 'utf8')), coarser);
    } finally {
      await t.app.close();
    }
  });

  it("POST /drift/baseline/from-window re-baselines on the window's rows, saves it, and the window goes on", async () => {
    const dir = await modelDir();
    const path = join(dir, 'drift_baseline.json');
    const t = await driftApp(dir);
    try {
      const empty = await t.app.inject({ method: 'POST', url: '/drift/baseline/from-window', headers: AUTH });
      assertError(empty, 409, 'DRIFT_NOT_ENOUGH_DATA', 'window');
      assertError(
        await t.app.inject({ method: 'POST', url: '/drift/baseline/from-window?window=2h', headers: AUTH }),
        400,
        'REQUEST_INVALID',
        'window',
      );

      await post(t, tripled(holdout));
      assert.ok((await drift(t, '1000')).drifted_features.includes('amt'));
      const res = await t.app.inject({ method: 'POST', url: '/drift/baseline/from-window?window=1000', headers: AUTH });
      assert.equal(res.statusCode, 200, res.body);
      const answer = json<{ saved: boolean; rows: number; window_kept: boolean; source: string; path: string }>(res);
      assert.deepEqual(
        [answer.saved, answer.rows, answer.window_kept, answer.source, answer.path],
        [true, 1000, true, 'memory', path],
      );

      const model = await readModelFile(join(dir, 'model.json'));
      const saved = parseBaseline(await readFile(path, 'utf8'), model.model);
      assert.equal(saved.rows, 1000);
      const amt = saved.features[0];
      assert.ok(amt.type === 'numeric' && amt.sample.length === 1000);
      // Tripled amounts are now the reference: their mean is three times the hold-out's.
      const mean = holdout.reduce((s, r) => s + (r.amt as number), 0) / holdout.length;
      assert.ok(
        amt.type === 'numeric' && Math.abs(amt.mean! - 3 * mean) < 1e-3 * mean,
        `mean ${amt.type === 'numeric' ? amt.mean : ''}`,
      );

      const after = await drift(t, '1000');
      assert.equal(after.rows, 1000, 'the window was kept');
      assert.equal(after.baseline_rows, 1000);
      assert.deepEqual(after.drifted_features, []);
      assert.equal(after.prediction_drift.drifted, false);
      // A 1000-row baseline is "small": the registry switches to p-value tests.
      assert.equal(feature(after, 'amt').test, 'ks');
      assert.equal(feature(after, 'category').test, 'chisquare');
    } finally {
      await t.app.close();
    }
  });
});

describe('without a usable baseline', () => {
  let holdout: Row[];
  before(async () => {
    holdout = await holdoutRows();
  });

  it('serves predictions and answers 409 DRIFT_NO_BASELINE until a baseline is uploaded', async () => {
    const dir = await modelDir(false);
    const t = await driftApp(dir);
    try {
      await post(t, holdout.slice(0, 10));
      const res = await t.app.inject({ url: '/drift', headers: AUTH });
      const body = assertError(res, 409, 'DRIFT_NO_BASELINE', 'baseline');
      assert.match(body.message, /drift_baseline\.json \(ENOENT\)/);
      assertError(await t.app.inject({ url: '/drift/baseline', headers: AUTH }), 409, 'DRIFT_NO_BASELINE');
      assertError(
        await t.app.inject({ method: 'POST', url: '/drift/baseline/from-window', headers: AUTH }),
        409,
        'DRIFT_NO_BASELINE',
      );
      assert.equal(await metric(t, 'fraudlens_drift_baseline_loaded'), 0);
      assert.equal(await metric(t, 'fraudlens_drift_statistic{feature="amt",test="wasserstein"}'), undefined);
      const health = JSON.parse((await t.app.inject({ url: '/health' })).body) as {
        status: string;
        components: Record<string, { status: string; detail?: string }>;
      };
      assert.equal(health.status, 'healthy', 'drift being off does not degrade scoring');
      assert.equal(health.components.drift.status, 'off');
      assert.match(health.components.drift.detail ?? '', /drift_baseline\.json \(ENOENT\)/);

      const upload = await readFile(join(DEMO, 'drift_baseline.json'), 'utf8');
      const put = await t.app.inject({
        method: 'PUT',
        url: '/drift/baseline',
        headers: { 'content-type': 'application/json', ...AUTH },
        payload: upload,
      });
      assert.equal(put.statusCode, 200, put.body);
      assert.deepEqual(parseBaseline(await readFile(join(dir, 'drift_baseline.json'), 'utf8')), parseBaseline(upload));
      await post(t, holdout.slice(0, 40));
      assert.equal((await drift(t)).rows, 40, 'rows scored before the baseline existed are not counted');
      assert.equal(await metric(t, 'fraudlens_drift_baseline_loaded'), 1);
    } finally {
      await t.app.close();
    }
  });

  it('reports an invalid baseline file at start-up with its field', async () => {
    const dir = await modelDir(false);
    const good = JSON.parse(await readFile(join(DEMO, 'drift_baseline.json'), 'utf8')) as DriftBaseline;
    await writeFile(join(dir, 'drift_baseline.json'), JSON.stringify({ ...good, rows: 12 }));
    const t = await driftApp(dir);
    try {
      assert.equal((await t.app.inject({ method: 'POST', url: '/predict', headers: AUTH, payload: holdout[0] })).statusCode, 200);
      const body = assertError(
        await t.app.inject({ url: '/drift', headers: AUTH }),
        409,
        'DRIFT_NO_BASELINE',
        'features[0].counts',
      );
      assert.match(body.message, /BASELINE_INVALID/);
    } finally {
      await t.app.close();
    }
  });

  it('follows /admin/reload: the same model keeps its window, a model the baseline does not fit turns drift off, and back', async () => {
    const dir = await modelDir();
    const modelPath = join(dir, 'model.json');
    const t = await driftApp(dir);
    const reload = () => t.app.inject({ method: 'POST', url: '/admin/reload', headers: AUTH });
    try {
      await post(t, holdout.slice(0, 50));
      assert.equal((await reload()).statusCode, 200);
      await post(t, holdout.slice(50, 80));
      assert.equal((await drift(t)).rows, 80, 'reloading the same model keeps the window');

      await copyFile(ULB_MODEL, modelPath);
      assert.equal((await reload()).statusCode, 200);
      const predicted = await t.app.inject({ method: 'POST', url: '/predict', headers: AUTH, payload: ulbSample() });
      assert.equal(predicted.statusCode, 200, predicted.body);
      const off = assertError(await t.app.inject({ url: '/drift', headers: AUTH }), 409, 'DRIFT_NO_BASELINE', 'model_version');
      assert.match(off.message, /does not fit model/);
      assert.equal(await metric(t, 'fraudlens_drift_baseline_loaded'), 0);

      await copyFile(join(DEMO, 'model.json'), modelPath);
      assert.equal((await reload()).statusCode, 200);
      await post(t, holdout.slice(0, 30));
      const back = await drift(t);
      assert.equal(back.rows, 30, 'a new window started with the baseline');
    } finally {
      await t.app.close();
    }
  });
});

describe('OpenAPI', () => {
  it('documents the drift routes', async () => {
    const t = await driftApp(await modelDir());
    try {
      const doc = json<{ paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }>(
        await t.app.inject({ url: '/docs/json' }),
      );
      assert.ok(doc.paths['/drift']?.get, 'GET /drift');
      assert.ok(doc.paths['/drift']!.get.responses['200']);
      assert.ok(doc.paths['/drift/baseline']?.get && doc.paths['/drift/baseline']?.put, 'GET and PUT /drift/baseline');
      assert.ok(doc.paths['/drift/baseline/from-window']?.post, 'POST /drift/baseline/from-window');
    } finally {
      await t.app.close();
    }
  });
});
