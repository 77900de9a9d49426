/**
 * Decision store benchmark: `fraudlens serve` POST /predict with each prediction log in one run:
 * the in-memory log, PostgreSQL (DATABASE_URL), Redis (a private redis-server) and stdout (to
 * /dev/null, what a log collector would read).
 *
 * All servers are up at once; they are measured in alternation, ROUNDS times, each run pinned
 * the way bench/http.ts pins (server on core 1, `taskset -c 0 wrk -t1 -c50` on core 0), so host
 * drift hits them alike; the stores' own servers (the PostgreSQL backends, the private redis-server)
 * are moved to the loader's core, as they would be on other hosts in production, and their CPU per
 * request is reported beside the API's. Every request is a transaction of its own (see bodyRest). The stores write off the request path (batches), so the
 * goal is a ratio postgres/memory of at least 0.90 in req/s; as req/s swings with the host's
 * load, the server's CPU per request (from /proc, the server process only) is the steadier
 * measure and is reported as a ratio too. Also reported: that every request of the PostgreSQL and
 * Redis runs landed (written = requests, none dropped), read from their /health after the runs.
 *
 * The database is fraudlens_decisions_bench on $FRAUDLENS_BENCH_POSTGRES_URL's server (default
 * the machine's 127.0.0.1:5432, user postgres), created when missing; its decisions table is
 * emptied first.
 *
 * Usage: npm run bench -- decisions [--seconds 8] [--rounds 3]
 */

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import pg from 'pg';

import {
  MemoryPredictionLog,
  PostgresPredictionLog,
  RedisPredictionLog,
  StdoutPredictionLog,
  type PredictionLog,
  type PredictionRecord,
} from '../src/storage/index.js';

import { clockTicksPerSecond, cpuTicks, freePort } from './process.js';
import { benchDatabase } from './postgres.js';
import type { Section } from './run.js';

const exec = promisify(execFile);
const STORES = ['memory', 'postgres', 'redis', 'stdout'] as const;
type Store = (typeof STORES)[number];
const HERE = dirname(fileURLToPath(import.meta.url));
const ENTRY = join(HERE, '..', 'src', 'cli', 'entry.js');
const BODY = join(HERE, '..', '..', 'bench', 'demo-request.json');
const WRK_CORE = '0';
const SERVER_CORE = '1';
const CONNECTIONS = 50;
const WARMUP_S = 3;
/** The goal: the PostgreSQL store keeps at least this share of the memory log's throughput. */
const GOAL_RATIO = 0.9;
const DATABASE = 'fraudlens_decisions_bench';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function freshBenchDatabase(): Promise<string> {
  const url = await benchDatabase(DATABASE);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  // Every table a migration makes, so each run starts from an empty schema at the current version.
  await db.query('DROP SCHEMA IF EXISTS public CASCADE');
  await db.query('CREATE SCHEMA public');
  await db.query('DROP SCHEMA IF EXISTS store_cpu CASCADE');
  await db.end();
  return url;
}

async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn('taskset', ['-c', SERVER_CORE, process.execPath, ENTRY, 'serve', '--port', String(port)], {
    env: { ...process.env, LOG_LEVEL: 'warn', FRAUDLENS_RATE_LIMIT_MAX: '0', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      const h = (await res.json()) as { status: string };
      if (res.ok && h.status === 'healthy') return { child, port };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become healthy');
}

interface Run {
  /** wrk's connect, read, write, timeout and non-2xx counts together. */
  errors: number;
  req_per_s: number;
  requests: number;
  p99_ms: number;
  server_cpu_us_per_request: number;
  /** CPU of the store's own server processes (PostgreSQL backends, redis-server) per request. */
  store_server_cpu_us_per_request?: number;
}

/**
 * The demo transaction without its id, card and time, as the JSON text after them: wrk's request()
 * writes those three per request, so each request is a transaction of its own (a repeated id would
 * be answered from the replay map and record nothing) on one of CARDS cards, a second after the
 * previous one (one card's history growing without end, all at one instant, would make the entity
 * features, not the store, the cost measured).
 */
function bodyRest(): string {
  const tx = JSON.parse(readFileSync(BODY, 'utf8')) as Record<string, unknown>;
  for (const field of ['trans_num', 'cc_num', 'unix_time']) {
    if (!(field in tx)) throw new Error(`${BODY} has no ${field}`);
    delete tx[field];
  }
  return JSON.stringify(tx).slice(1);
}

const CARDS = 5000;
/** Each run's transactions start this many seconds after the previous run's. */
const RUN_SPAN_S = 1_000_000;

let runNumber = 0;

/**
 * The PostgreSQL server processes of the store's connections (application name
 * `fraudlens-decisions`) on the bench database.
 */
async function storeBackends(databaseUrl: string): Promise<number[]> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'fraudlens-decisions'`,
    );
    return rows.map((r) => r.pid);
  } finally {
    await db.end();
  }
}

/**
 * Moves processes to the load generator's core. The stores' servers (PostgreSQL's backends, the
 * private redis-server) run beside the API here but on their own hosts in production: on the
 * API's core they would take CPU from it that no deployment would, and the ratio would measure
 * the host's two cores rather than the store. Answers whether every move took (taskset needs the
 * right to change another user's process).
 */
async function pinToLoaderCore(pids: readonly number[]): Promise<boolean> {
  let all = true;
  for (const pid of pids) {
    try {
      await exec('taskset', ['-p', '-c', WRK_CORE, String(pid)]);
    } catch {
      all = false;
    }
  }
  return all;
}

const sumTicks = (pids: readonly number[]): number => pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);

async function wrk(
  server: { child: ChildProcess; port: number },
  seconds: number,
  storeProcesses: readonly number[] = [],
): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'fraudlens-wrk-'));
  const rest = bodyRest();
  runNumber += 1;
  const t0 = 1_600_000_000 + runNumber * RUN_SPAN_S;
  try {
    const script = join(dir, 'run.lua');
    writeFileSync(
      script,
      [
        'wrk.method = "POST"',
        'wrk.headers["Content-Type"] = "application/json"',
        // A Lua long string: the JSON holds no "]]".
        `local rest, n = [[${rest}]], 0`,
        'function request()',
        '  n = n + 1',
        `  local body = '{"trans_num":"bench-${process.pid}-${runNumber}-' .. n .. '","cc_num":"card-' .. (n % ${CARDS}) .. '","unix_time":' .. (${t0} + n) .. ',' .. rest`,
        '  return wrk.format(nil, nil, nil, body)',
        'end',
        'function done(summary, latency, requests)',
        '  io.write(string.format(\'{"requests":%d,"req_per_s":%.1f,"p99_ms":%.3f,"errors":%d}\\n\', summary.requests,',
        '    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000,',
        '    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))',
        'end',
      ].join('\n'),
    );
    const hz = clockTicksPerSecond();
    const before = cpuTicks(server.child.pid!);
    const storeBefore = sumTicks(storeProcesses);
    const { stdout } = await exec('taskset', [
      '-c',
      WRK_CORE,
      '/usr/bin/wrk',
      '-t1',
      `-c${CONNECTIONS}`,
      `-d${seconds}s`,
      '--timeout',
      '10s',
      '-s',
      script,
      `http://127.0.0.1:${server.port}/predict`,
    ]);
    const used = cpuTicks(server.child.pid!) - before;
    const storeUsed = sumTicks(storeProcesses) - storeBefore;
    const r = JSON.parse(stdout.split('\n').find((l) => l.startsWith('{'))!) as Run & { errors: number };
    return {
      errors: r.errors,
      req_per_s: r.req_per_s,
      requests: r.requests,
      p99_ms: r.p99_ms,
      server_cpu_us_per_request: Math.round((used / hz / r.requests) * 1e7) / 10,
      ...(storeProcesses.length > 0
        ? { store_server_cpu_us_per_request: Math.round((storeUsed / hz / r.requests) * 1e7) / 10 }
        : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A private redis-server on a free port, no persistence (the machine's shared one is never used). */
async function startRedis(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    try {
      const s = createConnection(port, '127.0.0.1');
      await once(s, 'connect');
      s.destroy();
      return { child, url: `redis://127.0.0.1:${port}/0` };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('redis-server did not listen');
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Records per store in the in-process measurement. */
const STORE_RECORDS = 20_000;
const STORE_CHUNK = 1_000;

/**
 * What each store costs this process per record, by CPU time (process.cpuUsage, so other
 * processes' load does not count): STORE_RECORDS appends of a real /predict record (fresh id and
 * transaction id each, made beforehand), STORE_CHUNK at a time, each chunk flushed (written). The HTTP
 * rounds' CPU per request swings with the host's load by more than a store costs; this does not.
 * PostgreSQL's and Redis's own CPU (other processes) is not in it.
 */
async function storeCpu(template: PredictionRecord, databaseUrl: string, redisUrl: string): Promise<Record<Store, number>> {
  const make = (store: Store): PredictionLog => {
    switch (store) {
      case 'memory':
        return new MemoryPredictionLog({});
      case 'postgres':
        return new PostgresPredictionLog({ url: databaseUrl, schema: 'store_cpu' });
      case 'redis':
        return new RedisPredictionLog({ url: redisUrl, key: 'store_cpu' });
      case 'stdout':
        return new StdoutPredictionLog({ stream: createWriteStream('/dev/null') });
    }
  };
  const batch = (tag: string, n: number): PredictionRecord[] =>
    Array.from({ length: n }, (_, i) => ({ ...template, id: `${tag}-${i}`, transaction_id: `${tag}-${process.pid}-${i}` }));
  const out = {} as Record<Store, number>;
  for (const store of STORES) {
    const log = make(store);
    try {
      if (store === 'postgres' || store === 'redis') {
        await waitUntilConnected(log);
      }
      for (const r of batch(`warm-${store}`, 2_000)) log.append(r);
      await log.flush();
      const records = batch(`cpu-${store}`, STORE_RECORDS);
      const before = process.cpuUsage();
      // In chunks the buffers hold (10,000 by default), each written before the next.
      for (let i = 0; i < records.length; i += STORE_CHUNK) {
        for (let j = i; j < Math.min(i + STORE_CHUNK, records.length); j++) log.append(records[j]);
        await log.flush();
      }
      const used = process.cpuUsage(before);
      const stats = log.stats();
      if (stats.dropped !== 0) throw new Error(`${store} dropped ${stats.dropped} records`);
      out[store] = Math.round(((used.user + used.system) / STORE_RECORDS) * 10) / 10;
    } finally {
      await log.close();
    }
  }
  return out;
}

async function waitUntilConnected(log: PredictionLog): Promise<void> {
  for (let i = 0; i < 200 && !log.stats().connected; i++) await new Promise((r) => setTimeout(r, 50));
  if (!log.stats().connected) throw new Error(`${log.backend} did not connect`);
}

async function main(): Promise<Record<string, unknown>> {
  const seconds = arg('--seconds', 8);
  const rounds = arg('--rounds', 3);
  const databaseUrl = await freshBenchDatabase();
  const redis = await startRedis();
  const env: Record<Store, Record<string, string>> = {
    memory: { LOGGING_HANDLER: 'memory' },
    postgres: { DATABASE_URL: databaseUrl, LOGGING_HANDLER: 'postgres' },
    redis: { LOGGING_HANDLER: 'redis', REDIS_URL: redis.url },
    stdout: { LOGGING_HANDLER: 'stdout' },
  };
  const servers = new Map<Store, { child: ChildProcess; port: number }>();
  try {
    for (const store of STORES) servers.set(store, await startServer(env[store]));
    for (const store of STORES) await wrk(servers.get(store)!, WARMUP_S);
    // After the warm-up the store's pool holds its connections.
    const storeProcesses: Partial<Record<Store, number[]>> = {
      postgres: await storeBackends(databaseUrl),
      redis: [redis.child.pid!],
    };
    const pinned = await pinToLoaderCore([...storeProcesses.postgres!, ...storeProcesses.redis!]);
    const runs: (Record<Store, Run> & {
      ratio_req_per_s: Record<Store, number>;
      ratio_cpu_per_request: Record<Store, number>;
    })[] = [];
    for (let i = 0; i < rounds; i++) {
      const round = {} as Record<Store, Run>;
      for (const store of STORES) round[store] = await wrk(servers.get(store)!, seconds, storeProcesses[store]);
      const ratioReq = {} as Record<Store, number>;
      const ratioCpu = {} as Record<Store, number>;
      for (const store of STORES) {
        ratioReq[store] = round3(round[store].req_per_s / round.memory.req_per_s);
        // CPU per request of the memory log over this store's: 1 when it costs the same, < 1 when more.
        ratioCpu[store] = round3(round.memory.server_cpu_us_per_request / round[store].server_cpu_us_per_request);
      }
      runs.push({ ...round, ratio_req_per_s: ratioReq, ratio_cpu_per_request: ratioCpu });
    }
    // Let the last batches land, then read what the stores say they wrote.
    await new Promise((r) => setTimeout(r, 2000));
    const after: Record<string, unknown> = {};
    for (const store of ['postgres', 'redis'] as const) {
      const health = (await (await fetch(`http://127.0.0.1:${servers.get(store)!.port}/health`)).json()) as {
        status: string;
        prediction_log: { written: number; dropped: number; buffered: number };
      };
      after[store] = { status: health.status, ...health.prediction_log };
    }
    const medians = (pick: (r: (typeof runs)[number]) => Record<Store, number>): Record<Store, number> =>
      Object.fromEntries(STORES.map((s) => [s, median(runs.map((r) => pick(r)[s]))])) as Record<Store, number>;
    const medianReq = medians((r) => r.ratio_req_per_s);
    const medianCpu = medians((r) => r.ratio_cpu_per_request);
    const logs = (await (await fetch(`http://127.0.0.1:${servers.get('memory')!.port}/logs?limit=1`)).json()) as {
      logs: PredictionRecord[];
    };
    const perRecord = await storeCpu(logs.logs[0], databaseUrl, redis.url);
    return {
      date: new Date().toISOString(),
      command: 'npm run bench -- decisions',
      method: `pinned: server core ${SERVER_CORE}, wrk -t1 -c${CONNECTIONS} core ${WRK_CORE}; ${STORES.join(', ')} alternated ${rounds}× ${seconds} s, a transaction id per request`,
      store_servers_on_loader_core: pinned
        ? `PostgreSQL backends ${storeProcesses.postgres!.join(', ')} and redis-server on core ${WRK_CORE}`
        : 'not pinned (taskset refused): the stores share the API core',
      load_average: loadavg().map((x) => Math.round(x * 100) / 100),
      rounds: runs,
      median_ratio_req_per_s_over_memory: medianReq,
      median_ratio_cpu_per_request_memory_over_store: medianCpu,
      goal_ratio: GOAL_RATIO,
      postgres_meets_goal_by_req_per_s: medianReq.postgres >= GOAL_RATIO,
      postgres_meets_goal_by_cpu_per_request: medianCpu.postgres >= GOAL_RATIO,
      store_cpu_us_per_record_in_process: perRecord,
      stores_after: after,
    };
  } finally {
    for (const server of servers.values()) await stop(server.child);
    await stop(redis.child);
  }
}

export const section: Section = { name: 'decisions', run: main };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await main();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
