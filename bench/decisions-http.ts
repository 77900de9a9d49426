/**
 * Decision store benchmark: `fraudlens serve` POST /predict with the in-memory log against the
 * same server writing every decision to PostgreSQL (DATABASE_URL), in one run.
 *
 * Both servers are up at once; they are measured in alternation, ROUNDS times, each run pinned
 * the way bench/http.ts pins (server on core 1, `taskset -c 0 wrk -t1 -c50` on core 0), so host
 * drift hits both alike. The PostgreSQL store writes off the request path (batched INSERTs), so
 * the goal is a ratio postgres/memory of at least 0.90 in req/s. Also reported: the server's CPU
 * per request, and that every request of the PostgreSQL runs landed (written = requests, none
 * dropped), read from its /health after the runs.
 *
 * The database is fraudlens_decisions_bench on $FRAUDLENS_BENCH_POSTGRES_URL's server (default
 * the machine's 127.0.0.1:5432, user postgres), created when missing; its decisions table is
 * emptied first.
 *
 * Usage: npm run bench -- decisions [--seconds 8] [--rounds 3]
 */

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import pg from 'pg';

import type { Section } from './run.js';

const exec = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const ENTRY = join(HERE, '..', 'src', 'cli', 'entry.js');
const BODY = join(HERE, '..', '..', 'bench', 'demo-request.json');
const WRK_CORE = '0';
const SERVER_CORE = '1';
const CONNECTIONS = 50;
const WARMUP_S = 3;
/** The goal: the PostgreSQL store keeps at least this share of the memory log's throughput. */
const GOAL_RATIO = 0.9;
const ADMIN_URL = process.env.FRAUDLENS_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = 'fraudlens_decisions_bench';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  s.close();
  await once(s, 'close');
  return port;
}

async function benchDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE])).rowCount === 0) {
      await admin.query(`CREATE DATABASE ${DATABASE}`);
    }
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DATABASE}`;
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  await db.query('DROP TABLE IF EXISTS decisions, fraudlens_schema_version');
  await db.end();
  return url.toString();
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

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

interface Run {
  /** wrk's connect, read, write, timeout and non-2xx counts together. */
  errors: number;
  req_per_s: number;
  requests: number;
  p99_ms: number;
  server_cpu_us_per_request: number;
}

/** wrk runs so far: each sends ids of its own. */
let runs = 0;

/** The demo request as a string.format template: id `%s-%d`, event time `%d`, the rest as is. */
function freshTemplate(): string {
  const body = JSON.parse(readFileSync(BODY, 'utf8')) as Record<string, unknown>;
  delete body.trans_num;
  delete body.unix_time;
  return `{"trans_num":"%s-%d","unix_time":%d,${JSON.stringify(body).slice(1).replace(/%/g, '%%')}`;
}

/** A Lua string literal of any text. */
const luaString = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

async function wrk(server: { child: ChildProcess; port: number }, seconds: number): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'fraudlens-wrk-'));
  try {
    const script = join(dir, 'run.lua');
    writeFileSync(
      script,
      [
        'wrk.method = "POST"',
        'wrk.headers["Content-Type"] = "application/json"',
        // A fresh id and a later event time per request: a repeated id only replays its stored
        // decision, and this bench measures decisions being written.
        `local template = ${luaString(freshTemplate())}`,
        `local run, n = "${process.pid}-${runs++}", 0`,
        'function request()',
        '  n = n + 1',
        '  return wrk.format(nil, nil, nil, string.format(template, run, n, 1600000000 + n))',
        'end',
        'function done(summary, latency, requests)',
        '  io.write(string.format(\'{"requests":%d,"req_per_s":%.1f,"p99_ms":%.3f,"errors":%d}\\n\', summary.requests,',
        '    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000,',
        '    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))',
        'end',
      ].join('\n'),
    );
    const hz = Number((await exec('getconf', ['CLK_TCK'])).stdout.trim());
    const before = cpuTicks(server.child.pid!);
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
    const r = JSON.parse(stdout.split('\n').find((l) => l.startsWith('{'))!) as Run & { errors: number };
    return {
      errors: r.errors,
      req_per_s: r.req_per_s,
      requests: r.requests,
      p99_ms: r.p99_ms,
      server_cpu_us_per_request: Math.round((used / hz / r.requests) * 1e7) / 10,
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

async function main(): Promise<Record<string, unknown>> {
  const seconds = arg('--seconds', 8);
  const rounds = arg('--rounds', 3);
  const databaseUrl = await benchDatabase();
  const memory = await startServer({ LOGGING_HANDLER: 'memory' });
  const postgres = await startServer({ DATABASE_URL: databaseUrl, LOGGING_HANDLER: 'postgres' });
  try {
    await wrk(memory, WARMUP_S);
    await wrk(postgres, WARMUP_S);
    const runs: { memory: Run; postgres: Run; ratio: number }[] = [];
    for (let i = 0; i < rounds; i++) {
      const m = await wrk(memory, seconds);
      const p = await wrk(postgres, seconds);
      runs.push({ memory: m, postgres: p, ratio: Math.round((p.req_per_s / m.req_per_s) * 1000) / 1000 });
    }
    // Let the last batches land, then read what the store says it wrote.
    await new Promise((r) => setTimeout(r, 2000));
    const health = (await (await fetch(`http://127.0.0.1:${postgres.port}/health`)).json()) as {
      status: string;
      prediction_log: { written: number; dropped: number; buffered: number };
    };
    const ratios = runs.map((r) => r.ratio);
    return {
      date: new Date().toISOString().slice(0, 10),
      command: 'npm run bench -- decisions',
      method: `pinned: server core ${SERVER_CORE}, wrk -t1 -c${CONNECTIONS} core ${WRK_CORE}; memory and postgres alternated ${rounds}× ${seconds} s`,
      load_average: loadavg().map((x) => Math.round(x * 100) / 100),
      rounds: runs,
      median_ratio_postgres_over_memory: median(ratios),
      goal_ratio: GOAL_RATIO,
      meets_goal: median(ratios) >= GOAL_RATIO,
      postgres_store_after: { status: health.status, ...health.prediction_log },
    };
  } finally {
    await stop(memory.child);
    await stop(postgres.child);
  }
}

export const section: Section = { name: 'decisions', run: main };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await main();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
