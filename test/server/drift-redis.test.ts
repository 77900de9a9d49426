/**
 * Two `fraudlens serve` processes sharing one drift window through a real, private redis-server
 * (A: LOGGING_HANDLER=redis, so FRAUDLENS_DRIFT_BACKEND=auto picks Redis; B: an in-memory log and
 * FRAUDLENS_DRIFT_BACKEND=redis): predictions sent to one replica appear in the other's /drift.
 * Then Redis is killed: predictions still answer 200, /health turns degraded on both (on B
 * through its drift component alone), /drift answers from each process's own rows with window.source
 * "local"; once Redis is back the rows that waited are sent. No timing assertions: every
 * "eventually" is a bounded poll.
 */

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';

import { Redis } from 'ioredis';

import type { DriftReport } from '../../src/core/drift/index.js';
import { CLI_ENTRY } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { startRedisServer, waitUntil, type RedisTestServer } from '../helpers/redis-server.js';

const DEMO = join(REPO_ROOT, 'fixtures', 'precomputed');
const PREFIX = 'drift-test:';

interface Replica {
  name: string;
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

type Row = Record<string, number | string>;

interface Health {
  status: string;
  logging_handler: string;
  redis_connected: boolean | null;
  components: Record<string, { status: string; redis_connected: boolean | null; detail?: string }>;
}

/** The first `n` hold-out rows of the demo data, as /predict bodies. */
async function holdoutRows(n: number): Promise<Row[]> {
  const lines = gunzipSync(await readFile(join(REPO_ROOT, 'fixtures', 'precomputed', 'holdout.csv.gz')))
    .toString('utf8')
    .trim()
    .split('\n');
  const header = lines[0].split(',');
  return lines.slice(1, n + 1).map((line) => {
    const cells = line.split(',');
    const row: Row = {};
    for (const f of ['amt', 'category', 'gender', 'city_pop', 'age', 'hour', 'day_of_week', 'distance_km']) {
      const v = cells[header.indexOf(f)];
      row[f] = f === 'category' || f === 'gender' ? v : Number(v);
    }
    return row;
  });
}

/** A `fraudlens serve` child on a free port; resolves once it logs that it listens. */
async function serve(name: string, env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, [CLI_ENTRY, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      API_HOST: '127.0.0.1',
      API_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
      const line = err.split('\n').find((l) => l.includes('"msg":"fraudlens listening"'));
      if (line !== undefined) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening:\n${err}`)));
  });
  return { name, child, url, stderr: () => err };
}

async function getJson<T>(r: Replica, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${r.url}${path}`);
  return { status: res.status, body: (await res.json()) as T };
}

async function drift(r: Replica, window = '1h'): Promise<DriftReport> {
  const res = await getJson<DriftReport>(r, `/drift?window=${window}`);
  assert.equal(res.status, 200, `${r.name} /drift: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function predict(r: Replica, rows: readonly Row[]): Promise<void> {
  const res = await fetch(`${r.url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instances: rows }),
  });
  assert.equal(res.status, 200, `${r.name} /predict: ${await res.text()}`);
}

async function metric(r: Replica, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${r.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Stops a replica with SIGTERM and returns its exit code. */
async function stop(r: Replica): Promise<number | null> {
  if (r.child.exitCode !== null) return r.child.exitCode;
  const exited = once(r.child, 'exit');
  r.child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  return code;
}

describe('two replicas sharing one Redis drift window', () => {
  let redis: RedisTestServer;
  let dir: string;
  let a: Replica;
  let b: Replica;
  let rows: Row[];

  before(async () => {
    rows = await holdoutRows(400);
    redis = await startRedisServer();
    dir = await mkdtemp(join(tmpdir(), 'fraudlens-drift-redis-'));
    await copyFile(join(DEMO, 'model.json'), join(dir, 'model.json'));
    await copyFile(join(DEMO, 'drift_baseline.json'), join(dir, 'drift_baseline.json'));
    const env = {
      MODEL_PATH: join(dir, 'model.json'),
      REDIS_URL: redis.url,
      FRAUDLENS_DRIFT_REDIS_PREFIX: PREFIX,
      FRAUDLENS_DRIFT_METRICS_MAX_AGE_MS: '0',
    };
    [a, b] = await Promise.all([
      serve('A', { ...env, LOGGING_HANDLER: 'redis' }),
      serve('B', { ...env, LOGGING_HANDLER: 'memory', FRAUDLENS_DRIFT_BACKEND: 'redis' }),
    ]);
  });

  after(async () => {
    for (const r of [a, b]) if (r !== undefined && r.child.exitCode === null) r.child.kill('SIGKILL');
    await redis?.dispose();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("shows predictions sent to one replica in the other's /drift", async () => {
    for (const r of [a, b]) {
      await waitUntil(async () => (await metric(r, 'fraudlens_drift_window_connected{backend="redis"}')) === 1, {
        message: `${r.name}: drift window connected to Redis`,
      });
    }
    assert.equal((await drift(b)).rows, 0);

    await predict(a, rows.slice(0, 200));
    await waitUntil(async () => (await drift(b)).rows === 200, { message: 'B sees the 200 rows scored by A' });
    const seen = await drift(b);
    assert.equal(seen.window?.source, 'redis');
    assert.equal(seen.dataset_drift.not_enough_data, false);
    assert.equal((await drift(b, '500')).rows, 200, 'the count window is shared too');

    await predict(b, rows.slice(200, 300));
    await waitUntil(async () => (await drift(a)).rows === 300, { message: 'A sees the 100 rows scored by B' });
    assert.equal((await drift(a, '1000')).rows, 300);

    // The keys carry the configured prefix.
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      const keys = await client.keys('*');
      const drifted = keys.filter((k) => k.startsWith(PREFIX));
      assert.ok(drifted.length >= 3, `drift keys: ${keys.join(', ')}`);
    } finally {
      client.disconnect();
    }
  });

  it('keeps answering when Redis dies: predictions 200, /health degraded, /drift from local rows', async () => {
    await redis.kill();
    await predict(a, rows.slice(300, 350));
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${a.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(rows[350 + i]),
      });
      assert.equal(res.status, 200);
    }
    for (const r of [a, b]) {
      await waitUntil(async () => (await getJson<{ status: string }>(r, '/health')).body.status === 'degraded', {
        message: `${r.name}: /health degraded`,
      });
    }
    const health = (await getJson<Health>(b, '/health')).body;
    assert.equal(health.logging_handler, 'memory');
    assert.equal(health.redis_connected, false, 'B uses Redis for its drift window only, and says it is cut off');
    assert.equal(health.components.drift.status, 'degraded');
    assert.match(health.components.drift.detail ?? '', /Redis unreachable/);
    const local = await drift(a);
    assert.equal(local.window?.source, 'local');
    // A's own rows: the 200 it scored before and the 60 since.
    assert.equal(local.rows, 260);
    const other = await drift(b);
    assert.equal(other.window?.source, 'local');
    assert.equal(other.rows, 100);
    assert.equal(await metric(a, 'fraudlens_drift_window_connected{backend="redis"}'), 0);
    assert.equal(await metric(a, 'fraudlens_drift_window_pending{backend="redis"}'), 60);
    assert.equal(await metric(a, 'fraudlens_drift_window_dropped_total{backend="redis"}'), 0);

    // Same port, empty data: the rows that waited in A are sent, and B sees them.
    await redis.start();
    await waitUntil(async () => (await metric(a, 'fraudlens_drift_window_pending{backend="redis"}')) === 0, {
      message: 'A sent its waiting rows',
    });
    await waitUntil(
      async () => {
        const r = await drift(b);
        return r.window?.source === 'redis' && r.rows === 60;
      },
      { message: 'B sees the 60 rows A kept through the outage' },
    );
    for (const r of [a, b]) {
      await waitUntil(async () => (await getJson<{ status: string }>(r, '/health')).body.status === 'healthy', {
        message: `${r.name} healthy again`,
      });
    }
    const back = (await getJson<Health>(b, '/health')).body;
    assert.deepEqual([back.redis_connected, back.components.drift.status], [true, 'ok']);
  });

  it('stops both replicas cleanly', async () => {
    const [codeA, codeB] = await Promise.all([stop(a), stop(b)]);
    assert.equal(codeA, 0, a.stderr());
    assert.equal(codeB, 0, b.stderr());
  });
});
