/**
 * FRAUDLENS_PII_FIELDS=age,city_pop with drift monitoring, on the demo model: no raw value of a
 * masked field in any drift artefact. Every row sent carries a distinctive age and city_pop (odd
 * multiples of 1/1024 and 1/64, which no quantile cut of integer training data equals), and each
 * artefact is searched for them: the report, GET /drift/baseline, the file POST
 * /drift/baseline/from-window writes, every Redis key (a real private redis-server), and the
 * server's log captured at debug level; refused requests must not echo a masked value either.
 * The masked features are still monitored: on the counts of their bins.
 */

import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';

import { Redis } from 'ioredis';

import type { DriftBaseline, DriftReport, NumericFeatureBaseline } from '../../src/core/drift/index.js';
import { parseBaseline, serializeBaseline } from '../../src/core/drift/index.js';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { createDriftPlugin, DRIFT_SETTINGS } from '../../src/server/drift/plugin.js';
import { readModelFile } from '../../src/io/model-file.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { startRedisServer, type RedisTestServer } from '../helpers/redis-server.js';
import { json, type TestApp } from './helpers.js';

const KEY = 'drift-pii-key-0123456789';
const AUTH = { 'x-api-key': KEY };
const DEMO = join(REPO_ROOT, 'fixtures', 'precomputed');
const FEATURES = ['amt', 'category', 'gender', 'city_pop', 'age', 'hour', 'day_of_week', 'distance_km'];
const CATEGORICAL = new Set(['category', 'gender']);
const PII = ['age', 'city_pop'];
const ROWS = 200;

type Row = Record<string, number | string>;

/** Hold-out rows whose PII fields carry distinctive values (exact in float32). */
async function markedRows(): Promise<{ rows: Row[]; markers: number[] }> {
  const lines = gunzipSync(await readFile(join(REPO_ROOT, 'fixtures', 'precomputed', 'holdout.csv.gz')))
    .toString('utf8')
    .trim()
    .split('\n');
  const header = lines[0].split(',');
  const rows: Row[] = [];
  const markers: number[] = [];
  for (let i = 0; i < ROWS; i++) {
    const cells = lines[1 + i * 7].split(',');
    const row: Row = {};
    for (const f of FEATURES) row[f] = CATEGORICAL.has(f) ? cells[header.indexOf(f)] : Number(cells[header.indexOf(f)]);
    row.age = 30 + (2 * i + 1) / 1024;
    row.city_pop = 5000 + (2 * i + 1) / 64;
    markers.push(row.age, row.city_pop);
    rows.push(row);
  }
  return { rows, markers };
}

/** Every marker found in `text` as a decimal (how JSON, logs and Redis hashes would show it). */
function markersIn(text: string, markers: readonly number[]): number[] {
  return markers.filter((v) => text.includes(String(v)));
}

/** Every marker whose float32 or float64 bytes appear in `bytes` (how stored rows would hold it). */
function markersInBytes(bytes: Buffer, markers: readonly number[]): number[] {
  const f32 = Buffer.alloc(4);
  const f64 = Buffer.alloc(8);
  return markers.filter((v) => {
    f32.writeFloatLE(v);
    f64.writeDoubleLE(v);
    return bytes.includes(f32) || bytes.includes(f64);
  });
}

const dirs: string[] = [];
let redis: RedisTestServer;
before(async () => {
  redis = await startRedisServer();
});
after(async () => {
  await redis.dispose();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface PiiApp extends TestApp {
  dir: string;
  logs: string[];
}

/** The demo model in a private directory, drift on, PII masked, the log captured at debug level. */
async function piiApp(values: Record<string, string> = {}): Promise<PiiApp> {
  const dir = await mkdtemp(join(tmpdir(), 'fraudlens-drift-pii-'));
  dirs.push(dir);
  await copyFile(join(DEMO, 'model.json'), join(dir, 'model.json'));
  await copyFile(join(DEMO, 'drift_baseline.json'), join(dir, 'drift_baseline.json'));
  const config = loadConfig({
    envFile: null,
    env: {
      LOG_LEVEL: 'debug',
      MODEL_PATH: join(dir, 'model.json'),
      API_KEY: KEY,
      FRAUDLENS_PII_FIELDS: PII.join(','),
      FRAUDLENS_DRIFT_METRICS_MAX_AGE_MS: '0',
      ...values,
    },
    extraSettings: DRIFT_SETTINGS,
  });
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const app = await buildApp(config, {
    model: await readModelFile(config.modelPath),
    plugins: [createDriftPlugin({ seed: 3 })],
    processMetrics: false,
    logger: { level: 'debug', stream },
  });
  return { app, config, dir, logs };
}

async function predictAll(t: TestApp, rows: readonly Row[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 50) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/predict',
      headers: AUTH,
      payload: { instances: rows.slice(i, i + 50) },
    });
    assert.equal(res.statusCode, 200, res.body);
  }
}

function numericEntry(b: DriftBaseline, name: string): NumericFeatureBaseline {
  const f = b.features.find((x) => x.name === name);
  assert.ok(f !== undefined && f.type === 'numeric', `numeric feature ${name}`);
  return f;
}

/** A PII feature entry holds bins and aggregates only: no sample, min and max implied by the bins. */
function assertMaskedEntry(b: DriftBaseline, name: string, where: string): void {
  const f = numericEntry(b, name);
  assert.deepEqual(f.sample, [], `${where}: ${name} keeps no sampled value`);
  const k = f.edges.length;
  const width = k >= 2 ? (f.edges[k - 1] - f.edges[0]) / (k - 1) : Math.max(Math.abs(f.edges[0]), 1);
  assert.equal(f.min, f.edges[0] - width, `${where}: ${name}.min comes from the bins`);
  assert.equal(f.max, f.edges[k - 1] + width, `${where}: ${name}.max comes from the bins`);
}

for (const backend of ['memory', 'redis'] as const) {
  describe(`PII fields in drift (${backend} window)`, () => {
    let t: PiiApp;
    let rows: Row[];
    let markers: number[];
    const prefix = `pii-${process.pid}:`;

    before(async () => {
      ({ rows, markers } = await markedRows());
      t = await piiApp(
        backend === 'redis'
          ? {
              FRAUDLENS_DRIFT_BACKEND: 'redis',
              LOGGING_HANDLER: 'redis',
              REDIS_URL: redis.url,
              FRAUDLENS_DRIFT_REDIS_PREFIX: prefix,
              REDIS_LOGS_KEY: `${prefix}log`,
            }
          : {},
      );
      await predictAll(t, rows);
    });
    after(async () => {
      await t.app.close();
    });

    it('monitors the masked features on their bins, in time windows', async () => {
      const res = await t.app.inject({ url: '/drift?window=1h', headers: AUTH });
      assert.equal(res.statusCode, 200, res.body);
      const report = json<DriftReport>(res);
      assert.equal(report.window?.source, backend);
      for (const name of PII) {
        const f = report.features.find((x) => x.feature === name)!;
        assert.equal(f.method, 'bins', `${name} is tested on bin counts`);
        assert.equal(f.not_enough_data, false);
        assert.equal(f.observations.current, ROWS, `${name}: every row counted`);
      }
      // Every marker sits in one bin above the training ages: the shift is seen without the values.
      assert.equal(report.features.find((x) => x.feature === 'age')!.drifted, true);
      assert.deepEqual(markersIn(res.body, markers), []);
      const amt = report.features.find((x) => x.feature === 'amt')!;
      assert.equal(amt.method, 'samples', 'unmasked features keep their sample-based tests');
    });

    it('count windows keep no value of a masked feature: it has no observation there', async () => {
      const res = await t.app.inject({ url: `/drift?window=${ROWS}`, headers: AUTH });
      assert.equal(res.statusCode, 200, res.body);
      const age = json<DriftReport>(res).features.find((x) => x.feature === 'age')!;
      assert.equal(age.not_enough_data, true);
      assert.equal(age.current.missing, ROWS);
      assert.deepEqual(markersIn(res.body, markers), []);
    });

    it('GET /drift/baseline shows the masked features without sample, min or max of any row', async () => {
      const res = await t.app.inject({ url: '/drift/baseline', headers: AUTH });
      assert.equal(res.statusCode, 200, res.body);
      const shown = parseBaseline(res.body);
      const training = parseBaseline(await readFile(join(DEMO, 'drift_baseline.json'), 'utf8'));
      for (const name of PII) {
        assertMaskedEntry(shown, name, 'GET /drift/baseline');
        assert.ok(numericEntry(training, name).sample.length > 0, 'the training file did hold a sample');
      }
      assert.deepEqual(
        numericEntry(shown, 'amt').sample,
        numericEntry(training, 'amt').sample,
        'unmasked features are shown whole',
      );
    });

    it('POST /drift/baseline/from-window writes a file without a value of theirs; a count window is refused', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/drift/baseline/from-window?window=1h', headers: AUTH });
      assert.equal(res.statusCode, 200, res.body);
      const text = await readFile(join(t.dir, 'drift_baseline.json'), 'utf8');
      assert.deepEqual(markersIn(text, markers), [], 'no raw PII value in the saved baseline');
      const saved = parseBaseline(text);
      assert.equal(saved.rows, ROWS);
      for (const name of PII) assertMaskedEntry(saved, name, 'from-window file');
      assert.ok(numericEntry(saved, 'amt').sample.length > 0, 'unmasked features keep the window sample');
      const shown = await t.app.inject({ url: '/drift/baseline', headers: AUTH });
      assert.deepEqual(markersIn(shown.body, markers), []);

      const count = await t.app.inject({ method: 'POST', url: `/drift/baseline/from-window?window=${ROWS}`, headers: AUTH });
      assert.equal(count.statusCode, 400, count.body);
      assert.equal(json<{ code: string; field: string }>(count).code, 'REQUEST_INVALID');
      assert.equal(json<{ field: string }>(count).field, 'window');
    });

    it('refused requests and baseline uploads do not echo a masked value, in the answer or the debug log', async () => {
      const secret = 'secret-age-4242';
      const bad = await t.app.inject({ method: 'POST', url: '/predict', headers: AUTH, payload: { ...rows[0], age: secret } });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal(json<{ field: string }>(bad).field, 'age');
      assert.ok(!bad.body.includes(secret), bad.body);
      // The same mistake on an unmasked field is shown: the hiding is specific to PII fields.
      const shownAmt = await t.app.inject({
        method: 'POST',
        url: '/predict',
        headers: AUTH,
        payload: { ...rows[0], amt: 'secret-amt-4242' },
      });
      assert.ok(shownAmt.body.includes('secret-amt-4242'), shownAmt.body);

      // An upload whose age sample holds a value outside its own [min, max].
      const upload = JSON.parse(
        serializeBaseline(parseBaseline(await readFile(join(DEMO, 'drift_baseline.json'), 'utf8'))),
      ) as DriftBaseline;
      const age = upload.features.findIndex((f) => f.name === 'age');
      const leaked = 123.4375;
      (upload.features[age] as NumericFeatureBaseline).sample[0] = leaked;
      const put = await t.app.inject({ method: 'PUT', url: '/drift/baseline', headers: AUTH, payload: upload });
      assert.equal(put.statusCode, 422, put.body);
      assert.equal(json<{ field: string }>(put).field, `features[${age}].sample[0]`);
      assert.ok(!put.body.includes(String(leaked)), put.body);

      const log = t.logs.join('');
      assert.ok(log.includes('"level":20'), 'debug lines were captured');
      assert.ok(log.includes('request refused'), 'refusals are logged at debug level');
      assert.ok(!log.includes(secret) && !log.includes(String(leaked)), 'no masked value in the log');
      assert.deepEqual(markersIn(log, markers), [], 'no raw PII value in the log');
    });

    if (backend === 'redis') {
      it('no Redis key holds a raw value of a masked field (every key scanned)', async () => {
        const raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
        try {
          const keys = await raw.keys(`${prefix}*`);
          assert.ok(
            keys.some((k) => k.includes(':s:')) && keys.some((k) => k.endsWith('recent')),
            `drift keys written: ${keys.join(', ')}`,
          );
          for (const key of keys) {
            const type = await raw.type(key);
            const items: string[] =
              type === 'hash'
                ? Object.entries(await raw.hgetall(key)).flat()
                : type === 'zset'
                  ? await raw.zrange(key, '0', '-1', 'WITHSCORES')
                  : type === 'list'
                    ? await raw.lrange(key, 0, -1)
                    : [(await raw.get(key)) ?? ''];
            const text = items.join('\n');
            assert.deepEqual(markersIn(text, markers), [], `${key} (${type}) shows a raw PII value`);
            const bytes = Buffer.concat(items.map((s) => Buffer.from(s, 'base64')));
            assert.deepEqual(markersInBytes(bytes, markers), [], `${key} (${type}) stores a raw PII value`);
          }
        } finally {
          await raw.quit();
        }
      });
    }
  });
}
