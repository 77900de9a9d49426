/**
 * `fraudlens simulate` against a real server on a socket, with drift monitoring.
 *
 * The raw demo (models/demo: a model with feature definitions): the hold-out's raw transactions go
 * out in time order, so each card's history builds up in the server's entity state, and
 * `--drift amt:3` triples the raw amount: it flags `amt`, while every feature not computed from the
 * amount has exactly the drift result it has without the shift (the window sampler is seeded, so
 * the same rows are compared).
 *
 * A model of precomputed features (fixtures/precomputed): the replay is a seeded shuffle of its
 * hold-out file, so the drift window it fills differs from the training baseline only in the
 * injected shift. Replayed in file order, the first rows are the hold-out's first days and flag
 * features nobody shifted (category, day of week).
 */

import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';

import { parse as parseCsv } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';

import type { FastifyInstance } from 'fastify';

import type { DriftReport } from '../../src/core/drift/index.js';
import type { FeatureDefinitions } from '../../src/core/features/definitions.js';
import { DEFAULT_SEED, replayOrder, runSimulation, type SimulateOptions } from '../../src/cli/commands/simulate.js';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { createDriftPlugin, DRIFT_SETTINGS } from '../../src/server/drift/plugin.js';
import { readModelFile } from '../../src/io/model-file.js';
import { REPO_ROOT } from '../helpers/paths.js';

const DEMO = join(REPO_ROOT, 'models', 'demo');
const DEMO_HOLDOUT = join(REPO_ROOT, 'data', 'demo', 'holdout.csv.gz');
const PRECOMPUTED = join(REPO_ROOT, 'fixtures', 'precomputed');
const PRECOMPUTED_HOLDOUT = join(PRECOMPUTED, 'holdout.csv.gz');
/** The README's run: a minute at 20 per second (the dashboard's end-to-end test sends 400). */
const RUNS = [1200];
/** Rows of the raw replay: about four days of the 52 demo cards. */
const RAW_ROWS = 400;

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fraudlens-simulate-'));
  for (const [from, to] of [
    [DEMO, 'demo'],
    [PRECOMPUTED, 'precomputed'],
  ]) {
    await mkdir(join(dir, to));
    await copyFile(join(from, 'model.json'), join(dir, to, 'model.json'));
    await copyFile(join(from, 'drift_baseline.json'), join(dir, to, 'drift_baseline.json'));
  }
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function driftServer(model: 'demo' | 'precomputed'): Promise<{ app: FastifyInstance; url: string }> {
  const config = loadConfig({
    envFile: null,
    env: { LOG_LEVEL: 'silent', MODEL_PATH: join(dir, model, 'model.json') },
    extraSettings: DRIFT_SETTINGS,
  });
  const app = await buildApp(config, {
    model: await readModelFile(config.modelPath),
    plugins: [createDriftPlugin({ seed: 7 })],
    processMetrics: false,
    dashboardDir: null,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

function options(target: string, extra: Partial<SimulateOptions> = {}): SimulateOptions {
  return {
    target,
    rate: 2000,
    count: 400,
    data: PRECOMPUTED_HOLDOUT,
    drift: [],
    explain: false,
    concurrency: 16,
    apiKey: null,
    seed: DEFAULT_SEED,
    ...extra,
  };
}

async function driftReport(app: FastifyInstance): Promise<DriftReport> {
  const res = await app.inject({ method: 'GET', url: '/drift?window=15m' });
  assert.equal(res.statusCode, 200, res.body);
  return JSON.parse(res.body) as DriftReport;
}

/** A Prometheus counter's value in the text exposition (0 when absent). */
async function counter(app: FastifyInstance, series: string): Promise<number> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** The derived features whose value depends on `field`: read from the definitions, ratios of them included. */
function featuresFrom(defs: FeatureDefinitions, field: string): Set<string> {
  const out = new Set<string>();
  for (const f of defs.row_features) if ('field' in f && f.field === field) out.add(f.name);
  for (const a of defs.aggregations) if ('field' in a && a.field === field) out.add(a.name);
  for (const r of defs.ratios) if (out.has(r.numerator) || out.has(r.denominator)) out.add(r.name);
  return out;
}

describe('simulate: raw transactions (the demo model)', () => {
  it('replays in time order: every transaction is added to the entity state, and card histories build up', async () => {
    const { app, url } = await driftServer('demo');
    try {
      const summary = await runSimulation(options(url, { count: RAW_ROWS, data: DEMO_HOLDOUT, concurrency: 1 }));
      assert.equal(summary.ok, RAW_ROWS, JSON.stringify(summary.errors));
      assert.equal(summary.order, 'time');
      assert.equal(await counter(app, 'fraudlens_raw_transactions_total{outcome="added"}'), RAW_ROWS);
      assert.equal(await counter(app, 'fraudlens_raw_transactions_total{outcome="duplicate"}'), 0);
      const logs = JSON.parse((await app.inject({ method: 'GET', url: `/logs?limit=${RAW_ROWS}` })).body) as {
        logs: { features: Record<string, unknown> }[];
      };
      assert.equal(logs.logs.length, RAW_ROWS);
      // The first transactions of the file find an empty history; after four days most cards have one.
      const seen = logs.logs.filter((r) => typeof r.features.card_count_7d === 'number' && r.features.card_count_7d > 0);
      assert.ok(seen.length > RAW_ROWS / 2, `${seen.length} of ${RAW_ROWS} transactions saw earlier ones of their card`);
      assert.equal(logs.logs.at(-1)!.features.card_count_7d, 0, 'the first transaction has no history');
    } finally {
      await app.close();
    }
  });

  it("--labels-after sends each transaction's true label after the delay, joined to its decision", async () => {
    const { app, url } = await driftServer('demo');
    try {
      const count = 60;
      const summary = await runSimulation(options(url, { count, data: DEMO_HOLDOUT, concurrency: 1, labelsAfterS: 0.3 }));
      assert.equal(summary.ok, count, JSON.stringify(summary.errors));
      assert.equal(summary.labels_sent, count);
      // The file's is_fraud, row by row in time order, against the labels the decisions now carry.
      const rows = parseCsv(gunzipSync(readFileSync(DEMO_HOLDOUT)), { columns: true }) as Record<string, string>[];
      const truth = rows
        .sort((a, b) => Number(a.unix_time) - Number(b.unix_time))
        .slice(0, count)
        .map((r) => [r.trans_num, r.is_fraud === '1' ? 'fraud' : 'legitimate']);
      const page = JSON.parse((await app.inject({ url: `/decisions?order=asc&limit=${count}` })).body) as {
        decisions: { transaction_id: string; label: { label: string; source: string } | null }[];
      };
      // Compared by transaction id: decisions made within one millisecond tie in time, and the
      // store breaks ties by decision id (random), not by the order they were sent in.
      const byId = (pairs: (string | undefined)[][]) => [...pairs].sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
      assert.deepEqual(byId(page.decisions.map((d) => [d.transaction_id, d.label?.label])), byId(truth));
      assert.ok(page.decisions.every((d) => d.label?.source === 'simulation'));
    } finally {
      await app.close();
    }
  });

  it('past the end of the file the replay goes on with new ids and later times, never duplicates', async () => {
    const lines = gunzipSync(readFileSync(DEMO_HOLDOUT)).toString('utf8').split('\n');
    const small = join(dir, 'three.csv');
    await writeFile(small, `${lines.slice(0, 4).join('\n')}\n`);
    const { app, url } = await driftServer('demo');
    try {
      const summary = await runSimulation(options(url, { count: 7, data: small, concurrency: 1 }));
      assert.equal(summary.ok, 7, JSON.stringify(summary.errors));
      assert.equal(await counter(app, 'fraudlens_raw_transactions_total{outcome="added"}'), 7);
      assert.equal(await counter(app, 'fraudlens_raw_transactions_total{outcome="duplicate"}'), 0);
      const logs = JSON.parse((await app.inject({ method: 'GET', url: '/logs?limit=7' })).body) as {
        logs: { transaction_id: string }[];
      };
      const ids = logs.logs.map((r) => r.transaction_id).reverse();
      const first = ids.slice(0, 3);
      assert.deepEqual(ids.slice(3), [...first.map((id) => `${id}~2`), `${first[0]}~3`]);
    } finally {
      await app.close();
    }
  });

  it('--drift amt:3 flags amt; features not computed from the amount drift exactly as without the shift', async () => {
    const defs = (await readModelFile(join(DEMO, 'model.json'))).model.featureDefinitions!.definitions;
    const fromAmount = featuresFrom(defs, 'amt');
    const reports: DriftReport[] = [];
    for (const drift of [[], [{ feature: 'amt', factor: 3 }]]) {
      const { app, url } = await driftServer('demo');
      try {
        const summary = await runSimulation(options(url, { count: RAW_ROWS, data: DEMO_HOLDOUT, drift, concurrency: 1 }));
        assert.equal(summary.ok, RAW_ROWS, JSON.stringify(summary.errors));
        reports.push(await driftReport(app));
      } finally {
        await app.close();
      }
    }
    const [plain, shifted] = reports;
    assert.ok(shifted.drifted_features.includes('amt'), `amt flagged: ${shifted.drifted_features.join(', ')}`);
    assert.ok(!plain.drifted_features.includes('amt'), 'amt is not flagged without the shift');
    const others = plain.features.filter((f) => !fromAmount.has(f.feature));
    assert.ok(others.length >= 10, 'most features do not depend on the amount');
    for (const f of others) {
      assert.deepEqual(
        shifted.features.find((g) => g.feature === f.feature),
        f,
        `${f.feature} does not depend on the amount`,
      );
    }
  });

  it('--drift on a field that is not a raw number of the model is refused', async () => {
    const { app, url } = await driftServer('demo');
    try {
      await assert.rejects(
        runSimulation(options(url, { data: DEMO_HOLDOUT, drift: [{ feature: 'card_amt_mean', factor: 2 }] })),
        /not a raw number field/,
      );
      await assert.rejects(
        runSimulation(options(url, { data: DEMO_HOLDOUT, drift: [{ feature: 'cc_num', factor: 2 }] })),
        /cc_num/,
      );
    } finally {
      await app.close();
    }
  });
});

describe('simulate: precomputed features', () => {
  it('replays a seeded shuffle: the same seed gives the same order, another seed another', () => {
    const a = replayOrder(1000, 0);
    assert.deepEqual(a, replayOrder(1000, 0));
    assert.notDeepEqual(a, replayOrder(1000, 1));
    assert.deepEqual(
      [...a].sort((x, y) => x - y),
      Array.from({ length: 1000 }, (_, i) => i),
      'a permutation',
    );
    assert.notDeepEqual(
      a.subarray(0, 20),
      Int32Array.from({ length: 20 }, (_, i) => i),
      'not file order',
    );
  });

  for (const rows of RUNS) {
    it(`--drift amt:3 flags amt and nothing else (${rows} rows, default seed)`, async () => {
      const { app, url } = await driftServer('precomputed');
      try {
        const summary = await runSimulation(options(url, { count: rows, drift: [{ feature: 'amt', factor: 3 }] }));
        assert.equal(summary.ok, rows, JSON.stringify(summary.errors));
        assert.equal(summary.seed, DEFAULT_SEED);
        const res = await app.inject({ method: 'GET', url: '/drift?window=15m' });
        assert.equal(res.statusCode, 200, res.body);
        const report = JSON.parse(res.body) as DriftReport;
        assert.equal(report.rows, rows);
        assert.deepEqual(report.drifted_features, ['amt']);
      } finally {
        await app.close();
      }
    });
  }

  it('without --drift nothing is flagged', async () => {
    const { app, url } = await driftServer('precomputed');
    try {
      const summary = await runSimulation(options(url, { count: 400 }));
      assert.equal(summary.ok, 400);
      const report = JSON.parse((await app.inject({ method: 'GET', url: '/drift?window=15m' })).body) as DriftReport;
      assert.deepEqual(report.drifted_features, []);
      assert.equal(report.prediction_drift.drifted, false);
    } finally {
      await app.close();
    }
  });
});
