/**
 * HTTP benchmark: our server against a bare Fastify route (the floor) and the Python seed servers,
 * same model, same request body.
 *
 * The pinned method (issue #14): the server under test runs on core 1 (`taskset -c 1`) and the load
 * generator on core 0 (`taskset -c 0 wrk -t1 -c50`), so neither steals the other's CPU and the
 * share of the floor measures the server, not the scheduler. Floor and ours are both up at once and
 * measured in alternation, ROUNDS times, so drift of a shared host hits both alike; each run also
 * reads the server's CPU time (utime + stime from /proc) and reports CPU microseconds per request,
 * which depends far less on the host's load than req/s does.
 *
 * Runs:
 *   1. rounds of: floor POST /predict (a bare Fastify route parsing the same JSON body and answering
 *      {"hello":"world"}), `fraudlens serve` POST /predict (defaults: memory prediction log, drift
 *      monitoring), floor GET /health, ours GET /health/live; the share of the floor per round;
 *      then, in the same round, floor and ours POST /predict loaded AT ONCE (both on the server
 *      core, one wrk each on the load core): the floor's CPU per request over ours. Each side then
 *      pays for sharing the core, and both pay alike, so this CPU share tracks the alternating
 *      share on a quiet host (0.467 against 0.459 on 2026-12-03) while moving a few per cent where
 *      the alternating one moves tens of per cent with other work on the host;
 *   2. ours POST /predict?explain=true;
 *   3. p99 at half our peak rate: wrk2 is not available, so plain wrk with a Lua delay() pacing
 *      each connection to (peak / 2) / connections requests per second (short probes set the
 *      delay); wrk stays closed-loop (a slow answer delays the next request), so this p99 is
 *      optimistic next to wrk2's;
 *   4. resident memory of our server (VmRSS and peak VmHWM from /proc) after those runs, and of a
 *      second one serving the demo model (the default) after /predict and explain runs;
 *   5. the peers' run_seed_bench.sh with SERVERS="fastapi1 flask" (FastAPI/uvicorn 1 worker
 *      /predict, Flask /predict and /explain) on the same model directory and body (their own
 *      wrk settings: 2 threads, 50 connections, unpinned).
 * Prints one JSON line and a table; as a section of bench/run.ts (`npm run bench -- http`) it
 * returns the same object.
 *
 * Raw transactions (issue #14): each round also runs the floor on raw Sparkov bodies and
 * `fraudlens serve` on a model with feature definitions (fixtures/features/model.json, 27
 * aggregations, in-process entity state), every request a fresh transaction (own id, later event
 * time; wrkScript); after the rounds the same on the Redis entity state (a private
 * redis-server): its peak, then its latency at half of it (or at --open-rate) in an
 * open loop (bench/open-loop.ts: requests on a fixed schedule, latency from when each was due, so
 * a stall counts against every request behind it, unlike wrk's delay() pacing), then GET
 * /health/live at the same rate as the control. `--redis-only` runs this part alone.
 *
 * Ports: any free ones, or FRAUDLENS_BENCH_PORTS=FIRST-LAST for the servers and
 * FRAUDLENS_BENCH_REDIS_PORT for the private redis-server, on a host that shares out port ranges.
 *
 * Usage: node dist/bench/http.js [--model DIR/model.json] [--body FILE.json] [--seconds 10]
 *          [--rounds 3] [--no-peers] [--logging-handler memory|redis]
 *          [--raw-model F] [--raw-data raw.csv] [--no-redis | --redis-only] [--open-rate N]
 */

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { parse } from 'csv-parse/sync';
import { Redis } from 'ioredis';

import { startRedisServer, type RedisTestServer } from '../test/helpers/redis-server.js';
import { clockTicksPerSecond, cpuTicks, freePort } from './process.js';
import { openLoop, type OpenLoopResult } from './open-loop.js';
import { PEERS, ratio, type Section } from './run.js';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
/** The compiled CLI entry of this same build (works from any outDir). */
const ENTRY = join(HERE, '..', 'src', 'cli', 'entry.js');
const WARMUP_S = 3;
/** The pinned method: load generator on one core, the server under test on the other. */
const WRK_CORE = '0';
const SERVER_CORE = '1';
const CONNECTIONS = 50;
/**
 * One raw hold-out transaction for the demo model (the model `serve` loads by default; it derives
 * the features from entity state). Sent as a template (demoTemplate): every request gets its own
 * id and a later event time, so each is scored and added to the card's state (a repeated id would
 * only replay the stored decision).
 */
const DEMO_BODY = join(HERE, '..', '..', 'bench', 'demo-request.json');
/** The raw-transaction path: a model with feature definitions (27 aggregations) and Sparkov rows to send it. */
const RAW_MODEL = join(HERE, '..', '..', 'fixtures', 'features', 'model.json');
const RAW_DATA = join(HERE, '..', '..', 'fixtures', 'features', 'raw.csv');
/** Sparkov columns a client sends as JSON numbers (the rest as strings). */
const RAW_NUMBER_FIELDS: ReadonlySet<string> = new Set(['amt', 'city_pop', 'lat', 'long', 'merch_lat', 'merch_long']);

/**
 * Writes the rows of a Sparkov-shaped CSV as raw-transaction templates for wrkScript: the JSON a
 * client sends (label left out), one per line, with the transaction id as `%s-%d` and the event
 * time as `%d` for Lua's string.format.
 */
export function writeRawTemplates(csvPath: string, out: string): void {
  const rows = parse(readFileSync(csvPath), { columns: true }) as Record<string, string>[];
  // Rows with an empty cell are left out: a missing key or time is answered 400, which wrk counts as an error.
  const lines = rows
    .filter((row) => Object.values(row).every((v) => v !== ''))
    .map((row) => {
      const body: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(row)) {
        if (k === 'trans_num' || k === 'unix_time' || k === 'is_fraud') continue;
        if (RAW_NUMBER_FIELDS.has(k)) body[k] = v === '' ? null : Number(v);
        else if (v !== '') body[k] = v;
      }
      return `{"trans_num":"%s-%d","unix_time":%d,${JSON.stringify(body).slice(1).replace(/%/g, '%%')}`;
    });
  writeFileSync(out, `${lines.join('\n')}\n`);
}

/** Writes one raw-transaction JSON file as a template for wrkScript (see writeRawTemplates). */
export function writeDemoTemplate(jsonPath: string, out: string): void {
  const body = JSON.parse(readFileSync(jsonPath, 'utf8')) as Record<string, unknown>;
  delete body.trans_num;
  delete body.unix_time;
  writeFileSync(out, `{"trans_num":"%s-%d","unix_time":%d,${JSON.stringify(body).slice(1).replace(/%/g, '%%')}\n`);
}

/** Deletes the entity state a run left in Redis under `prefix`. */
async function dropRedisKeys(prefix: string, url: string): Promise<number> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let dropped = 0;
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) dropped += await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return dropped;
}

export interface WrkResult {
  label: string;
  req_per_s: number;
  requests: number;
  connections: number | string;
  latency_ms: { p50: number; p90: number; p99: number; mean: number; max: number };
  errors: Record<string, number>;
  /** Pinned runs: CPU time the server used per request answered, in microseconds. */
  server_cpu_us_per_request?: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before answering`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/**
 * The Lua script of a pinned run: the body (POST) and, when paced, `delay` ms between an answer
 * and the next request. With `raw`, BENCH_BODY is a file of raw-transaction templates (one per
 * line, see rawTemplates) and every request gets the next one with its own transaction id
 * (BENCH_RUN and a counter) and event time (BENCH_T0 plus the counter, in seconds), so the entity
 * state is read and updated by every request, never answered as a duplicate.
 */
function wrkScript(method: 'GET' | 'POST', delay: number | undefined, raw = false): string {
  return [
    `wrk.method = "${method}"`,
    ...(method === 'POST' && !raw
      ? [
          'local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))',
          'wrk.body = f:read("*a")',
          'f:close()',
          'wrk.headers["Content-Type"] = "application/json"',
        ]
      : []),
    ...(raw
      ? [
          'wrk.headers["Content-Type"] = "application/json"',
          'local templates = {}',
          'for line in io.lines(os.getenv("BENCH_BODY")) do templates[#templates + 1] = line end',
          'local run, t0, n = os.getenv("BENCH_RUN"), tonumber(os.getenv("BENCH_T0")), 0',
          'function request()',
          '  n = n + 1',
          '  return wrk.format(nil, nil, nil, string.format(templates[n % #templates + 1], run, n, t0 + n))',
          'end',
        ]
      : []),
    ...(delay !== undefined ? [`function delay() return ${delay} end`] : []),
    'function done(summary, latency, requests)',
    '  local secs = summary.duration / 1e6',
    '  local e = summary.errors',
    '  io.write(string.format(\'{"connections":%d,"requests":%d,"req_per_s":%.1f,"latency_ms":{"p50":%.3f,"p90":%.3f,"p99":%.3f,"mean":%.3f,"max":%.3f},"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\\n\',',
    `    ${CONNECTIONS}, summary.requests, summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(90) / 1000,`,
    '    latency:percentile(99) / 1000, latency.mean / 1000, latency.max / 1000, e.connect, e.read, e.write, e.status, e.timeout))',
    'end',
  ].join('\n');
}

interface PinnedRun {
  path: string;
  method: 'GET' | 'POST';
  port: number;
  seconds: number;
  body: string;
  label: string;
  /** The server process, whose CPU time is read before and after. */
  server: ChildProcess;
  /** Milliseconds each connection waits between an answer and its next request (paced runs). */
  delay?: number;
  connections?: number;
  /** `body` is a file of raw-transaction templates (rawTemplates): a fresh transaction per request. */
  raw?: boolean;
}

/** Runs with raw transactions so far: each gets its own id prefix and event-time range. */
let rawRuns = 0;
/** Event times of raw runs start here (2020-09-13) and each run gets 10^7 seconds of its own. */
const RAW_T0 = 1_600_000_000;
const RAW_RUN_SPAN_S = 10_000_000;

/** One wrk run on the load generator's core, with the server's CPU time per request. */
export async function pinnedWrk(r: PinnedRun): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'fraudlens-wrk-'));
  try {
    const script = join(dir, 'run.lua');
    writeFileSync(script, wrkScript(r.method, r.delay, r.raw));
    const rawEnv =
      r.raw === true
        ? { BENCH_RUN: `bench-${process.pid}-${rawRuns}`, BENCH_T0: String(RAW_T0 + rawRuns++ * RAW_RUN_SPAN_S) }
        : {};
    const hz = clockTicksPerSecond();
    const before = cpuTicks(r.server.pid!);
    const { stdout } = await run(
      'taskset',
      [
        '-c',
        WRK_CORE,
        '/usr/bin/wrk',
        '-t1',
        `-c${r.connections ?? CONNECTIONS}`,
        `-d${r.seconds}s`,
        '--timeout',
        '10s',
        '-s',
        script,
        `http://127.0.0.1:${r.port}${r.path}`,
      ],
      { env: { ...process.env, BENCH_BODY: r.body, ...rawEnv } },
    );
    const used = cpuTicks(r.server.pid!) - before;
    const line = stdout.split('\n').find((l) => l.startsWith('{'));
    if (line === undefined) throw new Error(`wrk printed no result:\n${stdout}`);
    const result = JSON.parse(line) as Omit<WrkResult, 'label' | 'server_cpu_us_per_request'>;
    const perRequest = result.requests > 0 ? (used / hz / result.requests) * 1e6 : NaN;
    return { ...result, label: r.label, server_cpu_us_per_request: Math.round(perRequest * 10) / 10 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A server process on the server core. */
export function spawnPinned(args: string[], env?: Record<string, string>): ChildProcess {
  return spawn('taskset', ['-c', SERVER_CORE, process.execPath, ...args], {
    ...(env !== undefined ? { env } : {}),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * wrk paced to about `rate` requests/s: each connection waits `delay` whole milliseconds between
 * an answer and its next request, so rate ≈ connections / (delay + overhead), where the overhead
 * (latency plus wrk's timer slack) is not known in advance. Short probes measure it and correct
 * the delay (at most three); the final run reports the rate it actually reached.
 */
async function pacedWrk(
  path: string,
  port: number,
  seconds: number,
  body: string,
  rate: number,
  server: ChildProcess,
  raw = false,
): Promise<WrkResult & { target_req_per_s: number; delay_ms: number }> {
  const paced = (secs: number, delay: number, connections: number): Promise<WrkResult> =>
    pinnedWrk({ path, method: 'POST', port, seconds: secs, body, label: 'paced', server, delay, connections, raw });
  // Enough connections that each waits >= ~10 ms: whole-millisecond delay steps stay fine.
  const connections = Math.max(1, Math.min(50, Math.round((rate * 11) / 1000)));
  const period = (connections * 1000) / rate;
  let delay = Math.max(1, Math.round(period - 1));
  let best = { delay, error: Infinity };
  for (let i = 0; i < 3; i++) {
    const probe = await paced(2, delay, connections);
    const error = Math.abs(probe.req_per_s - rate);
    if (error < best.error) best = { delay, error };
    const overhead = Math.max(0, (connections * 1000) / probe.req_per_s - delay);
    const next = Math.max(1, Math.round(period - overhead));
    if (next === delay) break;
    delay = next;
  }
  const result = await paced(seconds, best.delay, connections);
  return { ...result, target_req_per_s: Math.round(rate), delay_ms: best.delay };
}

/** The peers' published runs on an otherwise idle machine (results/ulb_subset_http.txt), for context. */
function peerReference(): Record<string, unknown> | undefined {
  const path = join(PEERS, 'results', 'ulb_subset_http.txt');
  if (!existsSync(path)) return undefined;
  const out: Record<string, unknown> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const r = JSON.parse(line) as WrkResult;
    out[r.label] = summarize(r);
  }
  return out;
}

export function loadAverage(): number[] {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}

/** VmRSS and VmHWM (peak) of a process, in MiB. */
function memoryOf(pid: number): { rss_mib: number; peak_rss_mib: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss_mib: Math.round(kib('VmRSS') / 102.4) / 10, peak_rss_mib: Math.round(kib('VmHWM') / 102.4) / 10 };
}

/** The floor server (run in its own process by this same file with --floor-server PORT). */
async function floorServer(port: number): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  app.post('/predict', async () => ({ hello: 'world' }));
  app.get('/health', async () => ({ status: 'healthy' }));
  await app.listen({ host: '127.0.0.1', port });
  process.on('SIGTERM', () => void app.close());
}

export function summarize(r: WrkResult): Record<string, unknown> {
  const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
  return {
    req_per_s: r.req_per_s,
    p50_ms: r.latency_ms.p50,
    p90_ms: r.latency_ms.p90,
    p99_ms: r.latency_ms.p99,
    errors,
    ...(r.server_cpu_us_per_request !== undefined ? { server_cpu_us_per_request: r.server_cpu_us_per_request } : {}),
  };
}

function table(rows: [string, WrkResult | undefined][]): string {
  const lines = [
    `${'run'.padEnd(44)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)} ${'server CPU µs/req'.padStart(18)}`,
  ];
  for (const [name, r] of rows) {
    if (r === undefined) continue;
    const e = Object.values(r.errors).reduce((a, b) => a + b, 0);
    const L = r.latency_ms;
    const cpu = r.server_cpu_us_per_request === undefined ? '' : r.server_cpu_us_per_request.toFixed(1);
    lines.push(
      `${name.padEnd(44)} ${r.req_per_s.toFixed(1).padStart(9)} ${L.p50.toFixed(2).padStart(8)} ${L.p99.toFixed(2).padStart(8)} ${String(e).padStart(7)} ${cpu.padStart(18)}`,
    );
  }
  return lines.join('\n');
}

/** The run with the median req/s of a series (odd counts: the middle one). */
export function median(runs: WrkResult[]): WrkResult {
  return [...runs].sort((a, b) => a.req_per_s - b.req_per_s)[Math.floor((runs.length - 1) / 2)];
}

export function middle(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
}

export interface HttpBenchOptions {
  model: string;
  body: string;
  seconds: number;
  /** Alternations of floor and ours (odd, so the median is one of them). */
  rounds: number;
  peers: boolean;
  loggingHandler: 'memory' | 'redis';
  /** The raw-transaction path (a model with definitions, templates from rawData) beside the floor. */
  rawModel: string;
  rawData: string;
  /** The raw path on the Redis entity state: peak, then p99 at half of it. */
  redis: boolean;
  /** The Redis section's open-loop rate (req/s); default half the peak just measured. */
  openRate?: number | undefined;
}

/** Floor and ours measured in alternation: per-round shares of the floor and their medians. */
interface FloorComparison {
  floor_predict: WrkResult[];
  ours_predict: WrkResult[];
  floor_get: WrkResult[];
  ours_get: WrkResult[];
  /** The floor parsing raw-transaction bodies, and ours scoring them (in-process entity state). */
  floor_raw: WrkResult[];
  ours_raw: WrkResult[];
  /** Floor and ours POST /predict loaded at once: the floor's CPU per request over ours, per round. */
  cpu_share_at_once: number[];
}

type Side = { port: number; server: ChildProcess };

async function compareWithFloor(
  o: HttpBenchOptions,
  ours: Side,
  floor: Side,
  oursRaw: Side,
  rawBody: string,
  say: (m: string) => void,
): Promise<FloorComparison> {
  const c: FloorComparison = {
    floor_predict: [],
    ours_predict: [],
    floor_get: [],
    ours_get: [],
    floor_raw: [],
    ours_raw: [],
    cpu_share_at_once: [],
  };
  const one = (side: Side, method: 'GET' | 'POST', path: string, label: string, seconds = o.seconds, raw = false) =>
    pinnedWrk({ path, method, port: side.port, seconds, body: raw ? rawBody : o.body, label, server: side.server, raw });
  await one(floor, 'POST', '/predict', 'warm-up', WARMUP_S);
  await one(ours, 'POST', '/predict', 'warm-up', WARMUP_S);
  await one(floor, 'GET', '/health', 'warm-up', WARMUP_S);
  await one(ours, 'GET', '/health/live', 'warm-up', WARMUP_S);
  await one(floor, 'POST', '/predict', 'warm-up', WARMUP_S, true);
  await one(oursRaw, 'POST', '/predict', 'warm-up', WARMUP_S, true);
  for (let r = 0; r < o.rounds; r++) {
    c.floor_predict.push(await one(floor, 'POST', '/predict', 'floor POST /predict'));
    c.ours_predict.push(await one(ours, 'POST', '/predict', 'fraudlens POST /predict'));
    c.floor_get.push(await one(floor, 'GET', '/health', 'floor GET /health'));
    c.ours_get.push(await one(ours, 'GET', '/health/live', 'fraudlens GET /health/live'));
    c.floor_raw.push(await one(floor, 'POST', '/predict', 'floor POST /predict, raw bodies', o.seconds, true));
    c.ours_raw.push(await one(oursRaw, 'POST', '/predict', 'fraudlens POST /predict, raw', o.seconds, true));
    const [floorAtOnce, oursAtOnce] = await Promise.all([
      one(floor, 'POST', '/predict', 'floor POST /predict, loaded with ours'),
      one(ours, 'POST', '/predict', 'fraudlens POST /predict, loaded with the floor'),
    ]);
    c.cpu_share_at_once.push(
      Math.round((floorAtOnce.server_cpu_us_per_request! / oursAtOnce.server_cpu_us_per_request!) * 1000) / 1000,
    );
    const share = (a: WrkResult[], b: WrkResult[]): string => (a[r].req_per_s / b[r].req_per_s).toFixed(3);
    say(
      `round ${r + 1}/${o.rounds}: /predict ${c.ours_predict[r].req_per_s} vs floor ${c.floor_predict[r].req_per_s} req/s (${share(c.ours_predict, c.floor_predict)}), CPU ${c.ours_predict[r].server_cpu_us_per_request} vs ${c.floor_predict[r].server_cpu_us_per_request} µs/req, CPU share loaded at once ${c.cpu_share_at_once[r]}; raw ${c.ours_raw[r].req_per_s} vs ${c.floor_raw[r].req_per_s} (${share(c.ours_raw, c.floor_raw)})`,
    );
  }
  return c;
}

function shareSummary(ours: WrkResult[], floor: WrkResult[]): Record<string, unknown> {
  const shares = ours.map((r, i) => Math.round((r.req_per_s / floor[i].req_per_s) * 1000) / 1000);
  const cpuOurs = middle(ours.map((r) => r.server_cpu_us_per_request ?? NaN));
  const cpuFloor = middle(floor.map((r) => r.server_cpu_us_per_request ?? NaN));
  return {
    per_round: shares,
    median: middle(shares),
    server_cpu_us_per_request: { ours: cpuOurs, floor: cpuFloor, extra: Math.round((cpuOurs - cpuFloor) * 10) / 10 },
  };
}

/** The machine's shared Redis: only for --logging-handler redis (the entity-state run has its own). */
const SHARED_REDIS_URL = 'redis://127.0.0.1:6379/0';

/** What the server's event loop and GC did during one open-loop run (from its own /metrics). */
interface LoopFigures {
  /** Event-loop delay over the run (prom-client's monitorEventLoopDelay, 10 ms resolution), ms. */
  event_loop_delay_ms: { p50: number; p99: number; max: number };
  /** GC pauses during the run: count and total, all kinds. */
  gc: { count: number; total_ms: number };
}

/** Busy share of each core over a run (/proc/stat), and how much of core 1 was not the server's. */
interface HostBusy {
  core0_busy_pct: number;
  core1_busy_pct: number;
  /** Core 1's busy time not spent by the server: other processes on the server's core. */
  core1_others_pct: number;
}

/** The Redis section's results: the closed-loop peak, the open-loop run at half of it and its control. */
interface RedisStateRun {
  peak: WrkResult;
  half: WrkResult & OpenLoopResult & { loop: LoopFigures; host: HostBusy; redis_cpu_us_per_request: number };
  /** GET /health/live on the same server, same generator and rate: the harness's and host's own tail. */
  control: OpenLoopResult & { loop: LoopFigures; host: HostBusy };
  /** redis-server's LATENCY LATEST over the open-loop run: its slowest event (ms; 0 when none passed 1 ms). */
  redis_latency_max_ms: number;
  keysDropped: number;
}

/** Busy clock ticks per core (user, nice, system, irq, softirq, steal) from /proc/stat. */
function coreTicks(): number[] {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l))
    .map((l) => {
      const f = l.split(/\s+/).slice(1).map(Number);
      return f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
    });
}

/** Reads the server's /metrics: prom-client resets its event-loop histogram at each read, so read once before a run. */
async function loopMetrics(
  port: number,
): Promise<{ lag: { p50: number; p99: number; max: number }; gcCount: number; gcSeconds: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? NaN : Number(line.split(' ')[1]);
  };
  const sum = (name: string): number =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`))
      .reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  const ms = (x: number): number => Math.round(x * 1e5) / 100;
  return {
    lag: {
      p50: ms(value('fraudlens_nodejs_eventloop_lag_p50_seconds')),
      p99: ms(value('fraudlens_nodejs_eventloop_lag_p99_seconds')),
      max: ms(value('fraudlens_nodejs_eventloop_lag_max_seconds')),
    },
    gcCount: sum('fraudlens_nodejs_gc_duration_seconds_count'),
    gcSeconds: sum('fraudlens_nodejs_gc_duration_seconds_sum'),
  };
}

/** One open-loop run with the server's CPU, event loop, GC and the host's cores measured around it. */
async function measuredOpenLoop(port: number, server: ChildProcess, run: () => Promise<OpenLoopResult>) {
  const hz = clockTicksPerSecond();
  const before = await loopMetrics(port);
  const cores = coreTicks();
  const cpu = cpuTicks(server.pid!);
  const started = performance.now();
  const result = await run();
  const serverTicks = cpuTicks(server.pid!) - cpu;
  const wallTicks = ((performance.now() - started) / 1000) * hz;
  const coresAfter = coreTicks();
  const after = await loopMetrics(port);
  const pct = (ticks: number): number => Math.round((ticks / wallTicks) * 1000) / 10;
  const loop: LoopFigures = {
    event_loop_delay_ms: after.lag,
    gc: { count: after.gcCount - before.gcCount, total_ms: Math.round((after.gcSeconds - before.gcSeconds) * 1e4) / 10 },
  };
  const host: HostBusy = {
    core0_busy_pct: pct(coresAfter[0] - cores[0]),
    core1_busy_pct: pct(coresAfter[1] - cores[1]),
    core1_others_pct: pct(coresAfter[1] - cores[1] - serverTicks),
  };
  const cpuUs = ((serverTicks / hz) * 1e6) / Math.max(1, result.answered);
  return { ...result, server_cpu_us_per_request: Math.round(cpuUs * 10) / 10, loop, host };
}

/**
 * A private redis-server, not pinned: the scheduler places it as it placed the machine's shared
 * one. Pinned to the generator's core it gave no better p99 (BENCHMARKS.md, issue #14).
 */
async function privateRedis(): Promise<{ server: RedisTestServer }> {
  // FRAUDLENS_BENCH_REDIS_PORT: the port a shared host gave this user's redis-servers.
  const port = process.env.FRAUDLENS_BENCH_REDIS_PORT;
  const server = await startRedisServer({
    extraArgs: ['--latency-monitor-threshold', '1'],
    ...(port !== undefined ? { port: Number(port) } : {}),
  });
  return { server };
}

/** redis-server's CPU time (user + system), seconds, from INFO. */
async function redisCpuSeconds(client: Redis): Promise<number> {
  const info = await client.info('cpu');
  const field = (name: string): number => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/**
 * The raw path on the Redis entity state (one EVALSHA per transaction) against a private
 * redis-server (the machine's shared one on 6379 carries other users' keys and load): its peak with wrk as
 * above, then its latency at half the peak from an open-loop generator (bench/open-loop.ts) on
 * wrk's core, then the control: GET /health/live on the same server at the same rate, same
 * generator, so the generator's and the host's own tail is measured beside the route's. Each
 * open-loop run also reports the server's CPU per request, its event-loop delay and GC pauses
 * over the run (its /metrics) and how busy both cores were. Run alone with --redis-only.
 */
async function redisStateRun(
  o: HttpBenchOptions,
  env: Record<string, string>,
  rawBody: string,
  say: (m: string) => void,
): Promise<RedisStateRun> {
  const prefix = `fraudlens:bench-http:${process.pid}:`;
  const redis = await privateRedis();
  const client = new Redis(redis.server.url, { maxRetriesPerRequest: 1 });
  const port = await freePort();
  const server = spawnPinned([ENTRY, 'serve', '--model', o.rawModel, '--host', '127.0.0.1', '--port', String(port)], {
    ...env,
    FRAUDLENS_ENTITY_STATE: 'redis',
    REDIS_URL: redis.server.url,
    FRAUDLENS_ENTITY_STATE_REDIS_PREFIX: prefix,
  });
  try {
    await waitHealthy(`http://127.0.0.1:${port}/health`, server);
    const raw = (label: string, seconds: number) =>
      pinnedWrk({ path: '/predict', method: 'POST', port, seconds, body: rawBody, label, server, raw: true });
    await raw('warm-up', WARMUP_S);
    const peak = await raw('fraudlens POST /predict, raw, Redis state', o.seconds);
    // --open-rate fixes the rate, so runs whose peaks the host moved compare at one load.
    const rate = o.openRate ?? Math.round(peak.req_per_s / 2);
    await client.call('LATENCY', 'RESET');
    const redisBefore = await redisCpuSeconds(client);
    const paced = await measuredOpenLoop(port, server, () =>
      openLoop({
        url: `http://127.0.0.1:${port}/predict`,
        rate,
        seconds: o.seconds,
        templates: rawBody,
        run: `bench-${process.pid}-${rawRuns}`,
        t0: RAW_T0 + rawRuns++ * RAW_RUN_SPAN_S,
        core: WRK_CORE,
      }),
    );
    const redisUs = (((await redisCpuSeconds(client)) - redisBefore) * 1e6) / Math.max(1, paced.answered);
    const latest = (await client.call('LATENCY', 'LATEST')) as [string, number, number, number][];
    const redisLatencyMax = latest.reduce((m, e) => Math.max(m, Number(e[3])), 0);
    const half = { ...paced, label: 'open loop', redis_cpu_us_per_request: Math.round(redisUs * 10) / 10 };
    const control = await measuredOpenLoop(port, server, () =>
      openLoop({ url: `http://127.0.0.1:${port}/health/live`, rate, seconds: o.seconds, run: '', t0: 0, core: WRK_CORE }),
    );
    const figures = (r: OpenLoopResult & { loop: LoopFigures; host: HostBusy }): string =>
      `p50 ${r.latency_ms.p50} ms, p99 ${r.latency_ms.p99} ms, p99.9 ${r.latency_ms.p999} ms; event-loop delay p99 ${r.loop.event_loop_delay_ms.p99} ms, max ${r.loop.event_loop_delay_ms.max} ms; GC ${r.loop.gc.count} pauses, ${r.loop.gc.total_ms} ms; core 1 others ${r.host.core1_others_pct} %, core 0 ${r.host.core0_busy_pct} %`;
    say(
      `Redis entity state: peak ${peak.req_per_s} req/s (${peak.server_cpu_us_per_request} µs CPU/req); open loop at ${rate}/s: ${figures(half)} (${half.server_cpu_us_per_request} µs server CPU/req, ${half.redis_cpu_us_per_request} µs redis-server CPU/req; redis-server's slowest event ${redisLatencyMax} ms); control GET /health/live at ${rate}/s: ${figures(control)}`,
    );
    await stop(server);
    return {
      peak,
      half,
      control,
      redis_latency_max_ms: redisLatencyMax,
      keysDropped: await dropRedisKeys(prefix, redis.server.url),
    };
  } finally {
    await stop(server);
    client.disconnect();
    await redis.server.dispose();
  }
}

export async function runHttpBench(o: HttpBenchOptions): Promise<Record<string, unknown>> {
  if (!existsSync('/usr/bin/wrk')) throw new Error('wrk is not installed (/usr/bin/wrk; see the peers setup.sh)');
  if (availableParallelism() < 2) throw new Error('the pinned method needs two cores: wrk on core 0, the server on core 1');
  const say = (m: string): boolean => process.stderr.write(`bench http: ${m}\n`);

  const loadBefore = loadAverage();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    LOG_LEVEL: 'warn',
    LOGGING_HANDLER: o.loggingHandler,
  };
  if (o.loggingHandler === 'redis') env.REDIS_URL = SHARED_REDIS_URL;

  // 1-4: our server and the floor, both up, measured in alternation.
  const port = await freePort();
  const ours = spawnPinned([ENTRY, 'serve', '--model', o.model, '--host', '127.0.0.1', '--port', String(port)], env);
  const floorPort = await freePort();
  const floor = spawnPinned([fileURLToPath(import.meta.url), '--floor-server', String(floorPort)]);
  const rawPort = await freePort();
  const oursRaw = spawnPinned([ENTRY, 'serve', '--model', o.rawModel, '--host', '127.0.0.1', '--port', String(rawPort)], {
    ...env,
    FRAUDLENS_ENTITY_STATE: 'memory',
  });
  const scratch = mkdtempSync(join(tmpdir(), 'fraudlens-http-bench-'));
  const rawBody = join(scratch, 'raw-templates.txt');
  writeRawTemplates(o.rawData, rawBody);
  let comparison: FloorComparison;
  let explain: WrkResult;
  let half: WrkResult & { target_req_per_s: number; delay_ms: number };
  let memory: { rss_mib: number; peak_rss_mib: number };
  try {
    await waitHealthy(`http://127.0.0.1:${port}/health`, ours);
    await waitHealthy(`http://127.0.0.1:${floorPort}/health`, floor);
    await waitHealthy(`http://127.0.0.1:${rawPort}/health`, oursRaw);
    say(
      `fraudlens serve (pid ${ours.pid}), the raw-transaction model (pid ${oursRaw.pid}) and the floor (pid ${floor.pid}) on core ${SERVER_CORE}, wrk -t1 -c${CONNECTIONS} on core ${WRK_CORE}: ${o.rounds} rounds of ${o.seconds} s runs`,
    );
    comparison = await compareWithFloor(
      o,
      { port, server: ours },
      { port: floorPort, server: floor },
      { port: rawPort, server: oursRaw },
      rawBody,
      say,
    );
    await pinnedWrk({
      path: '/predict?explain=true',
      method: 'POST',
      port,
      seconds: WARMUP_S,
      body: o.body,
      label: 'warm-up',
      server: ours,
    });
    explain = await pinnedWrk({
      path: '/predict?explain=true',
      method: 'POST',
      port,
      seconds: o.seconds,
      body: o.body,
      label: 'fraudlens /predict?explain=true',
      server: ours,
    });
    half = await pacedWrk('/predict', port, o.seconds, o.body, median(comparison.ours_predict).req_per_s / 2, ours);
    memory = memoryOf(ours.pid!);
  } finally {
    await stop(ours);
    await stop(floor);
    await stop(oursRaw);
  }
  const predict = median(comparison.ours_predict);

  // 3b: the raw path on the Redis entity state.
  const redis = o.redis ? await redisStateRun(o, env, rawBody, say) : undefined;
  rmSync(scratch, { recursive: true, force: true });
  const floorResult = median(comparison.floor_predict);

  // 4b: resident memory with the demo model (what `npm start` serves), after the same two loads.
  const demoPort = await freePort();
  const demo = spawnPinned([ENTRY, 'serve', '--host', '127.0.0.1', '--port', String(demoPort)], env);
  const demoDir = mkdtempSync(join(tmpdir(), 'fraudlens-http-bench-demo-'));
  const demoBody = join(demoDir, 'demo-template.txt');
  writeDemoTemplate(DEMO_BODY, demoBody);
  let demoMemory: { rss_mib: number; peak_rss_mib: number };
  try {
    await waitHealthy(`http://127.0.0.1:${demoPort}/health`, demo);
    const demoRun = (path: string, label: string) =>
      pinnedWrk({ path, method: 'POST', port: demoPort, seconds: o.seconds, body: demoBody, label, server: demo, raw: true });
    await demoRun('/predict', 'demo model /predict');
    await demoRun('/predict?explain=true', 'demo model /predict?explain=true');
    demoMemory = memoryOf(demo.pid!);
  } finally {
    await stop(demo);
    rmSync(demoDir, { recursive: true, force: true });
  }

  // 5: the seed servers.
  let fastapi: WrkResult | undefined;
  let flaskPredict: WrkResult | undefined;
  let flaskExplain: WrkResult | undefined;
  if (o.peers) {
    say('peers: run_seed_bench.sh (FastAPI 1 worker, Flask /predict and /explain)');
    const { stdout } = await run(join(PEERS, 'run_seed_bench.sh'), [dirname(o.model), String(o.seconds), o.body], {
      env: { ...process.env, SERVERS: 'fastapi1 flask' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const rows = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as WrkResult);
    fastapi = rows.find((r) => r.label === 'fastapi-uvicorn-1w /predict');
    flaskPredict = rows.find((r) => r.label === 'flask /predict');
    flaskExplain = rows.find((r) => r.label === 'flask /explain');
  }

  const reference = peerReference();
  const refRate = (label: string): number | undefined => (reference?.[label] as { req_per_s?: number } | undefined)?.req_per_s;
  const refFastapi = refRate('fastapi-uvicorn-1w /predict');
  const refExplain = refRate('flask /explain');
  const predictShare = shareSummary(comparison.ours_predict, comparison.floor_predict);
  const getShare = shareSummary(comparison.ours_get, comparison.floor_get);
  const rawShare = shareSummary(comparison.ours_raw, comparison.floor_raw);
  const result: Record<string, unknown> = {
    model: o.model,
    body: o.body,
    seconds: o.seconds,
    rounds: o.rounds,
    load: `server on core ${SERVER_CORE}, taskset -c ${WRK_CORE} wrk -t1 -c${CONNECTIONS}; floor and ours alternate; peers: their bench_http.sh (wrk 2 threads, 50 connections, unpinned)`,
    logging_handler: o.loggingHandler,
    // Other work on the machine skews both sides; the peers' numbers move the most (OpenMP threads).
    load_average_before_after: [loadBefore, loadAverage()],
    ours: {
      predict: summarize(predict),
      predict_rounds: comparison.ours_predict.map(summarize),
      health_live_rounds: comparison.ours_get.map(summarize),
      explain: summarize(explain),
      half_peak: {
        ...summarize(half),
        target_req_per_s: half.target_req_per_s,
        connections: half.connections,
        delay_ms: half.delay_ms,
        method: 'wrk delay() pacing, closed loop (wrk2 unavailable)',
      },
      memory,
      demo_model_memory: demoMemory,
      raw_model: o.rawModel,
      raw_rounds: comparison.ours_raw.map(summarize),
      redis_state:
        redis === undefined
          ? null
          : {
              peak: summarize(redis.peak),
              half_peak: { ...summarize(redis.half), ...redis.half },
              control_health_live: redis.control,
              redis_latency_max_ms: redis.redis_latency_max_ms,
              keys_dropped_after: redis.keysDropped,
            },
    },
    floor: summarize(floorResult),
    floor_rounds: {
      predict: comparison.floor_predict.map(summarize),
      health: comparison.floor_get.map(summarize),
      raw_bodies: comparison.floor_raw.map(summarize),
    },
    peers: {
      fastapi_1w_predict: fastapi && summarize(fastapi),
      flask_predict: flaskPredict && summarize(flaskPredict),
      flask_explain: flaskExplain && summarize(flaskExplain),
    },
    peers_reference_idle_machine: reference,
    share_of_floor: {
      predict: predictShare,
      get: getShare,
      raw: rawShare,
      predict_cpu_loaded_at_once: { per_round: comparison.cpu_share_at_once, median: middle(comparison.cpu_share_at_once) },
    },
    ratios: {
      predict_vs_fastapi_req_per_s: fastapi ? ratio(predict.req_per_s, fastapi.req_per_s) : null,
      predict_vs_fastapi_p99: fastapi ? ratio(fastapi.latency_ms.p99, predict.latency_ms.p99) : null,
      explain_vs_flask_explain_req_per_s: flaskExplain ? ratio(explain.req_per_s, flaskExplain.req_per_s) : null,
      explain_vs_flask_explain_p99: flaskExplain ? ratio(flaskExplain.latency_ms.p99, explain.latency_ms.p99) : null,
      predict_share_of_floor: predictShare.median,
      predict_cpu_share_of_floor_loaded_at_once: middle(comparison.cpu_share_at_once),
      raw_share_of_floor: rawShare.median,
      // Against the peers' published idle-machine runs: meaningful when this machine is busy,
      // which slows the Python servers far more than ours.
      predict_vs_fastapi_reference_req_per_s: refFastapi ? ratio(predict.req_per_s, refFastapi) : null,
      explain_vs_flask_explain_reference_req_per_s: refExplain ? ratio(explain.req_per_s, refExplain) : null,
    },
  };
  const cpu = (s: Record<string, unknown>): string => {
    const c = s.server_cpu_us_per_request as { ours: number; floor: number; extra: number };
    return `${c.ours} vs ${c.floor} µs (+${c.extra})`;
  };
  process.stderr.write(
    `${table([
      ['fraudlens /predict (median round)', predict],
      ['fastify floor POST /predict (median round)', floorResult],
      ['fraudlens GET /health/live (median round)', median(comparison.ours_get)],
      ['fastify floor GET /health (median round)', median(comparison.floor_get)],
      ['fraudlens /predict?explain=true', explain],
      [`fraudlens /predict at ~${half.target_req_per_s}/s (${half.connections} conn)`, half],
      ['fraudlens /predict raw (median round)', median(comparison.ours_raw)],
      ['fastify floor, raw bodies (median round)', median(comparison.floor_raw)],
      ['fraudlens /predict raw, Redis state, peak', redis?.peak],
      [`fraudlens raw, Redis, open loop at ${redis?.half.target_req_per_s ?? 0}/s`, redis?.half],
      ['fastapi-uvicorn-1w /predict', fastapi],
      ['flask /predict', flaskPredict],
      ['flask /explain', flaskExplain],
    ])}
share of the floor: POST /predict ${String(predictShare.median)} (rounds ${(predictShare.per_round as number[]).join(' / ')}; CPU share loaded at once ${middle(comparison.cpu_share_at_once)}, rounds ${comparison.cpu_share_at_once.join(' / ')}), GET ${String(getShare.median)} (rounds ${(getShare.per_round as number[]).join(' / ')})
raw transactions (in-process state): ${String(rawShare.median)} of the floor (rounds ${(rawShare.per_round as number[]).join(' / ')})
server CPU per request: POST /predict ${cpu(predictShare)}, GET ${cpu(getShare)}, raw ${cpu(rawShare)}
fraudlens memory: ${memory.rss_mib} MiB resident, ${memory.peak_rss_mib} MiB peak; with the demo model ${demoMemory.rss_mib} MiB, ${demoMemory.peak_rss_mib} MiB peak
`,
  );
  return result;
}

function defaults(): HttpBenchOptions {
  const model = resolve(arg('--model') ?? join(PEERS, 'model', 'model.json'));
  return {
    model,
    body: resolve(arg('--body') ?? join(dirname(model), 'sample_request.json')),
    seconds: Number(arg('--seconds') ?? 10),
    rounds: Number(arg('--rounds') ?? 3),
    peers: !process.argv.includes('--no-peers'),
    loggingHandler: arg('--logging-handler') === 'redis' ? 'redis' : 'memory',
    rawModel: resolve(arg('--raw-model') ?? RAW_MODEL),
    rawData: resolve(arg('--raw-data') ?? RAW_DATA),
    redis: !process.argv.includes('--no-redis'),
    openRate: arg('--open-rate') === undefined ? undefined : Number(arg('--open-rate')),
  };
}

/** --redis-only: the Redis section alone (the raw templates, then redisStateRun). */
async function redisOnly(o: HttpBenchOptions): Promise<Record<string, unknown>> {
  const scratch = mkdtempSync(join(tmpdir(), 'fraudlens-http-bench-'));
  try {
    const rawBody = join(scratch, 'raw-templates.txt');
    writeRawTemplates(o.rawData, rawBody);
    const loadBefore = loadAverage();
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      LOGGING_HANDLER: o.loggingHandler,
    };
    const r = await redisStateRun(o, env, rawBody, (m) => process.stderr.write(`bench http: ${m}\n`));
    return { raw_model: o.rawModel, seconds: o.seconds, load_average_before_after: [loadBefore, loadAverage()], redis_state: r };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export const section: Section = {
  name: 'http',
  run: () => runHttpBench(defaults()),
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const floorPort = arg('--floor-server');
  const job =
    floorPort !== undefined
      ? floorServer(Number(floorPort))
      : (process.argv.includes('--redis-only') ? redisOnly(defaults()) : runHttpBench(defaults())).then(
          (r) => void process.stdout.write(`${JSON.stringify(r)}\n`),
        );
  job.catch((e: unknown) => {
    process.stderr.write(`bench http: ${(e as Error).message}\n`);
    process.exitCode = 1;
  });
}
