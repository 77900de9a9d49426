/**
 * deploy/start-allinone.sh run natively, as the all-in-one image runs it: a real redis-server on a
 * free port, Debian's PostgreSQL (initdb into the test's data directory, a socket of its own) and
 * the real API from the compiled CLI.
 *
 * With PostgreSQL (the image's default): the first start makes the cluster, decisions land in it,
 * SIGTERM stops all three cleanly, a second start on the same directory keeps them without a new
 * initdb, and PostgreSQL dying stops the container. Without (ALLINONE_POSTGRES=off): the
 * prediction log goes to that Redis, a child dying stops the whole container, and SIGTERM shuts
 * both down cleanly with the log flushed into Redis's append-only file.
 */

import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { Redis } from 'ioredis';
import pg from 'pg';

import {
  API_ENTRY,
  apiEnv,
  deployPath,
  freePort,
  getJson,
  missing,
  postJson,
  Proc,
  sampleTransaction,
  tempDir,
  waitUntil,
} from './helpers.js';

const skip = missing({ 'redis-server': 'redis-server', bash: 'bash' });

/** Debian's server programs live in /usr/lib/postgresql/<major>/bin, outside PATH. */
const postgresMissing = ((): string | false => {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  return majors.length === 0 ? 'needs PostgreSQL server programs (Debian package postgresql)' : false;
})();
const skipPostgres = skip || postgresMissing;

/** Start-up under a loaded machine: initdb alone has taken 26 s here. */
const START_TIMEOUT_MS = 150_000;

interface AllInOne {
  proc: Proc;
  url: string;
  redisPort: number;
  dataDir: string;
  startedMs: number;
}

/** A data directory the PostgreSQL user can reach when the tests run as root (the image runs as one user). */
function allInOneDataDir(): string {
  const dir = tempDir('allinone');
  chmodSync(dir, 0o755);
  return dir;
}

/** Runs the script with PostgreSQL on (its default) or off, in `dataDir` (a new one by default). */
async function startAllInOne(options: { postgres: boolean; dataDir?: string }): Promise<AllInOne> {
  const apiPort = await freePort();
  let redisPort = await freePort();
  while (redisPort === apiPort) redisPort = await freePort();
  const dataDir = options.dataDir ?? allInOneDataDir();
  const t0 = Date.now();
  const proc = new Proc('bash', [deployPath('start-allinone.sh'), process.execPath, API_ENTRY, 'serve'], {
    env: apiEnv({
      LOG_LEVEL: 'info',
      API_PORT: String(apiPort),
      REDIS_PORT: String(redisPort),
      REDIS_DATA_DIR: dataDir,
      REDIS_SERVER: 'redis-server',
      API_WAIT_SECONDS: '120',
      ...(options.postgres
        ? {
            POSTGRES_DATA_DIR: join(dataDir, 'postgres'),
            POSTGRES_SOCKET_DIR: join(dataDir, 'run'),
            POSTGRES_WAIT_SECONDS: '120',
            // As the image sets it (the store without PostgreSQL): the script must override it.
            LOGGING_HANDLER: 'redis',
          }
        : { ALLINONE_POSTGRES: 'off' }),
    }),
    cwd: dataDir,
  });
  await waitUntil(
    () => {
      if (!proc.running) throw new Error(`start-allinone.sh exited:\n${proc.output}`);
      return proc.output.includes('start-allinone: healthy after');
    },
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 25, message: 'start-allinone.sh did not report a healthy start' },
  );
  return { proc, url: `http://127.0.0.1:${apiPort}`, redisPort, dataDir, startedMs: Date.now() - t0 };
}

/** The number of rows in the decisions table, read straight from the container's PostgreSQL. */
async function storedDecisions(dataDir: string, transactionId: string): Promise<number> {
  const client = new pg.Client({ host: join(dataDir, 'run'), user: 'fraudlens', database: 'fraudlens' });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM decisions WHERE transaction_id = $1', [
      transactionId,
    ]);
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

/** The postmaster's PID, from the first line of postmaster.pid. */
function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

async function redisPid(port: number): Promise<number> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await client.connect();
    const info = await client.info('server');
    const m = /process_id:(\d+)/.exec(info);
    if (m === null) throw new Error(`no process_id in INFO server:\n${info}`);
    return Number(m[1]);
  } finally {
    client.disconnect();
  }
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

describe('start-allinone.sh with PostgreSQL (its default)', { skip: skipPostgres, timeout: 4 * START_TIMEOUT_MS }, () => {
  test('first start: initdb, decisions in PostgreSQL; SIGTERM stops all three; a restart keeps them; PostgreSQL dying stops it', async (t) => {
    const dataDir = allInOneDataDir();
    const first = await startAllInOne({ postgres: true, dataDir });
    // The demo model is raw: the transaction id is the event id, trans_num.
    const transactionId = `pgdeploy-aio-${process.pid}`;
    const tx = { ...sampleTransaction(0), trans_num: transactionId };
    let postgresPid: number | undefined;
    try {
      t.diagnostic(`first start (initdb included) healthy after ${first.startedMs} ms`);
      assert.match(first.proc.output, /first start: creating the PostgreSQL cluster/);
      assert.ok(existsSync(join(dataDir, 'postgres', 'PG_VERSION')), 'the cluster is in the data directory');
      assert.ok(!existsSync(join(dataDir, 'postgres.initdb')), 'initdb worked beside it and was renamed into place');
      // The decision store connects in the background: healthy once its first connection is up.
      await waitUntil(async () => (await getJson(`${first.url}/health`)).body.status === 'healthy', {
        timeoutMs: 15_000,
        message: 'the all-in-one did not become healthy (the decision store never connected?)',
      });
      const health = await getJson(`${first.url}/health`);
      assert.equal(health.body.status, 'healthy');
      assert.equal(health.body.logging_handler, 'postgres');
      assert.equal(health.body.redis_connected, true, 'Redis still holds the drift window');
      const p = await postJson(`${first.url}/predict`, tx);
      assert.equal(p.status, 200, JSON.stringify(p.body));
      assert.equal(p.body.transaction_id, transactionId);
      await waitUntil(async () => (await getJson(`${first.url}/decisions/${transactionId}`)).status === 200, {
        timeoutMs: 10_000,
        message: 'the decision did not reach PostgreSQL',
      });
      assert.equal(await storedDecisions(dataDir, transactionId), 1);
      postgresPid = postmasterPid(dataDir);
      const apiPid = (await getJson(`${first.url}/health`)).body.pid as number;
      const exit = await first.proc.stop('SIGTERM', 60_000);
      assert.deepEqual(exit, { code: 0, signal: null }, first.proc.output);
      assert.ok(processGone(apiPid) && processGone(postgresPid!), 'the API and PostgreSQL are gone');
      assert.match(first.proc.output, /received fast shutdown request/);
      assert.match(first.proc.output, /database system is shut down/);
      assert.ok(!existsSync(join(dataDir, 'postgres', 'postmaster.pid')), 'PostgreSQL removed its lock file: a clean stop');
    } finally {
      first.proc.killAll();
    }

    const second = await startAllInOne({ postgres: true, dataDir });
    try {
      assert.doesNotMatch(second.proc.output, /first start/, 'no second initdb');
      const stored = await getJson(`${second.url}/decisions/${transactionId}`);
      assert.equal(stored.status, 200, 'the decision outlived the restart');
      assert.equal(stored.body.transaction_id, transactionId);
      const pgPid = postmasterPid(dataDir);
      assert.notEqual(pgPid, postgresPid);
      const apiPid = (await getJson(`${second.url}/health`)).body.pid as number;
      process.kill(pgPid, 'SIGKILL');
      const exit = await second.proc.exited(30_000);
      assert.notEqual(exit.code, 0, 'a dead PostgreSQL makes the container exit non-zero');
      assert.match(second.proc.output, /PostgreSQL exited unexpectedly/);
      await waitUntil(() => processGone(apiPid), { timeoutMs: 5_000, message: 'the API still running' });
    } finally {
      second.proc.killAll();
    }
  });

  test('refuses a data directory that holds something other than a cluster', async () => {
    const dataDir = allInOneDataDir();
    mkdirSync(join(dataDir, 'postgres'));
    writeFileSync(join(dataDir, 'postgres', 'notes.txt'), 'not a cluster');
    const proc = new Proc('bash', [deployPath('start-allinone.sh'), 'true'], {
      env: apiEnv({
        API_PORT: String(await freePort()),
        POSTGRES_DATA_DIR: join(dataDir, 'postgres'),
        POSTGRES_SOCKET_DIR: join(dataDir, 'run'),
      }),
    });
    const exit = await proc.exited(30_000);
    assert.equal(exit.code, 1);
    assert.match(proc.output, /is not empty but holds no PostgreSQL cluster/);
    assert.equal(readFileSync(join(dataDir, 'postgres', 'notes.txt'), 'utf8'), 'not a cluster', 'left as it was');
  });
});

describe('start-allinone.sh without PostgreSQL (Redis + API in one container)', { skip, timeout: 2 * START_TIMEOUT_MS }, () => {
  test('starts Redis, then the API, reports healthy, and the prediction log goes to that Redis', async (t) => {
    const aio = await startAllInOne({ postgres: false });
    try {
      const startMs = /healthy after (\d+) ms/.exec(aio.proc.output)?.[1];
      t.diagnostic(`all-in-one healthy after ${startMs} ms by its own clock (${aio.startedMs} ms seen from the test)`);
      const health = await getJson(`${aio.url}/health`);
      assert.equal(health.status, 200);
      assert.equal(health.body.status, 'healthy');
      assert.equal(health.body.redis_connected, true);
      assert.equal(health.body.logging_handler, 'redis');
      const p = await postJson(`${aio.url}/predict`, sampleTransaction());
      assert.equal(p.status, 200, JSON.stringify(p.body));
      await waitUntil(async () => ((await getJson(`${aio.url}/logs?limit=5`)).body.count as number) >= 1, {
        timeoutMs: 5_000,
        message: 'the record did not reach Redis',
      });
      const client = new Redis({ host: '127.0.0.1', port: aio.redisPort, lazyConnect: true });
      await client.connect();
      assert.equal(await client.llen('api_logs'), 1);
      assert.equal(await client.config('GET', 'maxmemory-policy').then((r) => (r as string[])[1]), 'allkeys-lru');
      client.disconnect();
    } finally {
      aio.proc.killAll();
    }
  });

  test('the API dying stops Redis and the script, with a non-zero status', async () => {
    const aio = await startAllInOne({ postgres: false });
    try {
      const apiPid = (await getJson(`${aio.url}/health`)).body.pid as number;
      const rPid = await redisPid(aio.redisPort);
      process.kill(apiPid, 'SIGKILL');
      const exit = await aio.proc.exited(15_000);
      assert.notEqual(exit.code, 0, 'a dead API makes the container exit non-zero');
      assert.match(aio.proc.output, /the API exited unexpectedly/);
      await waitUntil(() => processGone(rPid), { timeoutMs: 5_000, message: 'redis-server still running' });
    } finally {
      aio.proc.killAll();
    }
  });

  test('Redis dying stops the API and the script, with a non-zero status', async () => {
    const aio = await startAllInOne({ postgres: false });
    try {
      const apiPid = (await getJson(`${aio.url}/health`)).body.pid as number;
      process.kill(await redisPid(aio.redisPort), 'SIGKILL');
      const exit = await aio.proc.exited(20_000);
      assert.notEqual(exit.code, 0);
      assert.match(aio.proc.output, /Redis exited unexpectedly/);
      await waitUntil(() => processGone(apiPid), { timeoutMs: 5_000, message: 'the API still running' });
    } finally {
      aio.proc.killAll();
    }
  });

  test('SIGTERM stops the API (log flushed) and then Redis (append-only file synced), exit status 0', async () => {
    const aio = await startAllInOne({ postgres: false });
    try {
      const apiPid = (await getJson(`${aio.url}/health`)).body.pid as number;
      const rPid = await redisPid(aio.redisPort);
      for (let i = 0; i < 5; i++) assert.equal((await postJson(`${aio.url}/predict`, sampleTransaction(i))).status, 200);
      const exit = await aio.proc.stop('SIGTERM', 20_000);
      assert.deepEqual(exit, { code: 0, signal: null }, aio.proc.output);
      assert.ok(processGone(apiPid) && processGone(rPid), 'both children are gone');
      assert.match(aio.proc.output, /shut down: prediction log flushed/);
      // Redis 7 keeps its append-only file as a directory of parts; the records are in it.
      const aofDir = join(aio.dataDir, 'appendonlydir');
      assert.ok(existsSync(aofDir), 'Redis wrote an append-only file');
      const aof = readdirSync(aofDir)
        .map((f) => readFileSync(join(aofDir, f), 'latin1'))
        .join('');
      assert.ok((aof.match(/api_logs/g) ?? []).length >= 1, 'the prediction records are in the append-only file');
    } finally {
      aio.proc.killAll();
    }
  });
});
