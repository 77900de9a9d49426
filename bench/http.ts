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
 * Usage: node dist/bench/http.js [--model DIR/model.json] [--body FILE.json] [--seconds 10]
 *          [--rounds 3] [--no-peers] [--logging-handler memory|redis]
 */

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

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
 * the features from entity state). The same id every time: after the first request it is scored as
 * a duplicate (counted once), so the state does not grow during the run.
 */
const DEMO_BODY = join(HERE, '..', '..', 'bench', 'demo-request.json');

interface WrkResult {
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

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  s.close();
  await once(s, 'close');
  return port;
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
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

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** The Lua script of a pinned run: the body (POST) and, when paced, `delay` ms between an answer and the next request. */
function wrkScript(method: 'GET' | 'POST', delay: number | undefined): string {
  return [
    `wrk.method = "${method}"`,
    ...(method === 'POST'
      ? [
          'local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))',
          'wrk.body = f:read("*a")',
          'f:close()',
          'wrk.headers["Content-Type"] = "application/json"',
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

/** CPU time (user + system) a process has used, in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is the first, utime the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

let ticksPerSecond: number | undefined;

async function clockTicks(): Promise<number> {
  ticksPerSecond ??= Number((await run('getconf', ['CLK_TCK'])).stdout.trim());
  return ticksPerSecond;
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
}

/** One wrk run on the load generator's core, with the server's CPU time per request. */
async function pinnedWrk(r: PinnedRun): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'fraudlens-wrk-'));
  try {
    const script = join(dir, 'run.lua');
    writeFileSync(script, wrkScript(r.method, r.delay));
    const hz = await clockTicks();
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
      { env: { ...process.env, BENCH_BODY: r.body } },
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
function spawnPinned(args: string[], env?: Record<string, string>): ChildProcess {
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
): Promise<WrkResult & { target_req_per_s: number; delay_ms: number }> {
  const paced = (secs: number, delay: number, connections: number): Promise<WrkResult> =>
    pinnedWrk({ path, method: 'POST', port, seconds: secs, body, label: 'paced', server, delay, connections });
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

function loadAverage(): number[] {
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

function summarize(r: WrkResult): Record<string, unknown> {
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
function median(runs: WrkResult[]): WrkResult {
  return [...runs].sort((a, b) => a.req_per_s - b.req_per_s)[Math.floor((runs.length - 1) / 2)];
}

function middle(values: number[]): number {
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
}

/** Floor and ours measured in alternation: per-round shares of the floor and their medians. */
interface FloorComparison {
  floor_predict: WrkResult[];
  ours_predict: WrkResult[];
  floor_get: WrkResult[];
  ours_get: WrkResult[];
}

async function compareWithFloor(
  o: HttpBenchOptions,
  ours: { port: number; server: ChildProcess },
  floor: { port: number; server: ChildProcess },
  say: (m: string) => void,
): Promise<FloorComparison> {
  const c: FloorComparison = { floor_predict: [], ours_predict: [], floor_get: [], ours_get: [] };
  const one = (
    side: { port: number; server: ChildProcess },
    method: 'GET' | 'POST',
    path: string,
    label: string,
    seconds = o.seconds,
  ) => pinnedWrk({ path, method, port: side.port, seconds, body: o.body, label, server: side.server });
  await one(floor, 'POST', '/predict', 'warm-up', WARMUP_S);
  await one(ours, 'POST', '/predict', 'warm-up', WARMUP_S);
  await one(floor, 'GET', '/health', 'warm-up', WARMUP_S);
  await one(ours, 'GET', '/health/live', 'warm-up', WARMUP_S);
  for (let r = 0; r < o.rounds; r++) {
    c.floor_predict.push(await one(floor, 'POST', '/predict', 'floor POST /predict'));
    c.ours_predict.push(await one(ours, 'POST', '/predict', 'fraudlens POST /predict'));
    c.floor_get.push(await one(floor, 'GET', '/health', 'floor GET /health'));
    c.ours_get.push(await one(ours, 'GET', '/health/live', 'fraudlens GET /health/live'));
    const share = c.ours_predict[r].req_per_s / c.floor_predict[r].req_per_s;
    say(
      `round ${r + 1}/${o.rounds}: /predict ${c.ours_predict[r].req_per_s} vs floor ${c.floor_predict[r].req_per_s} req/s (${share.toFixed(3)})`,
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
  if (o.loggingHandler === 'redis') env.REDIS_URL = 'redis://127.0.0.1:6379/0';

  // 1-4: our server and the floor, both up, measured in alternation.
  const port = await freePort();
  const ours = spawnPinned([ENTRY, 'serve', '--model', o.model, '--host', '127.0.0.1', '--port', String(port)], env);
  const floorPort = await freePort();
  const floor = spawnPinned([fileURLToPath(import.meta.url), '--floor-server', String(floorPort)]);
  let comparison: FloorComparison;
  let explain: WrkResult;
  let half: WrkResult & { target_req_per_s: number; delay_ms: number };
  let memory: { rss_mib: number; peak_rss_mib: number };
  try {
    await waitHealthy(`http://127.0.0.1:${port}/health`, ours);
    await waitHealthy(`http://127.0.0.1:${floorPort}/health`, floor);
    say(
      `fraudlens serve (pid ${ours.pid}) and the floor (pid ${floor.pid}) on core ${SERVER_CORE}, wrk -t1 -c${CONNECTIONS} on core ${WRK_CORE}: ${o.rounds} rounds of ${o.seconds} s runs`,
    );
    comparison = await compareWithFloor(o, { port, server: ours }, { port: floorPort, server: floor }, say);
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
  }
  const predict = median(comparison.ours_predict);
  const floorResult = median(comparison.floor_predict);

  // 4b: resident memory with the demo model (what `npm start` serves), after the same two loads.
  const demoPort = await freePort();
  const demo = spawnPinned([ENTRY, 'serve', '--host', '127.0.0.1', '--port', String(demoPort)], env);
  let demoMemory: { rss_mib: number; peak_rss_mib: number };
  try {
    await waitHealthy(`http://127.0.0.1:${demoPort}/health`, demo);
    const demoRun = (path: string, label: string) =>
      pinnedWrk({ path, method: 'POST', port: demoPort, seconds: o.seconds, body: DEMO_BODY, label, server: demo });
    await demoRun('/predict', 'demo model /predict');
    await demoRun('/predict?explain=true', 'demo model /predict?explain=true');
    demoMemory = memoryOf(demo.pid!);
  } finally {
    await stop(demo);
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
    },
    floor: summarize(floorResult),
    floor_rounds: { predict: comparison.floor_predict.map(summarize), health: comparison.floor_get.map(summarize) },
    peers: {
      fastapi_1w_predict: fastapi && summarize(fastapi),
      flask_predict: flaskPredict && summarize(flaskPredict),
      flask_explain: flaskExplain && summarize(flaskExplain),
    },
    peers_reference_idle_machine: reference,
    share_of_floor: { predict: predictShare, get: getShare },
    ratios: {
      predict_vs_fastapi_req_per_s: fastapi ? ratio(predict.req_per_s, fastapi.req_per_s) : null,
      predict_vs_fastapi_p99: fastapi ? ratio(fastapi.latency_ms.p99, predict.latency_ms.p99) : null,
      explain_vs_flask_explain_req_per_s: flaskExplain ? ratio(explain.req_per_s, flaskExplain.req_per_s) : null,
      explain_vs_flask_explain_p99: flaskExplain ? ratio(flaskExplain.latency_ms.p99, explain.latency_ms.p99) : null,
      predict_share_of_floor: predictShare.median,
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
      ['fastapi-uvicorn-1w /predict', fastapi],
      ['flask /predict', flaskPredict],
      ['flask /explain', flaskExplain],
    ])}
share of the floor: POST /predict ${String(predictShare.median)} (rounds ${(predictShare.per_round as number[]).join(' / ')}), GET ${String(getShare.median)} (rounds ${(getShare.per_round as number[]).join(' / ')})
server CPU per request: POST /predict ${cpu(predictShare)}, GET ${cpu(getShare)}
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
  };
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
      : runHttpBench(defaults()).then((r) => void process.stdout.write(`${JSON.stringify(r)}\n`));
  job.catch((e: unknown) => {
    process.stderr.write(`bench http: ${(e as Error).message}\n`);
    process.exitCode = 1;
  });
}
