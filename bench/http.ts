/**
 * HTTP benchmark: our server against the Python seed servers, same model, same request body, same
 * load generator (the peers' bench_http.sh: Debian's wrk, 2 threads, 50 connections).
 *
 * Runs, one server at a time on the 2 shared cores (wrk takes CPU too):
 *   1. `fraudlens serve` (1 process, defaults: memory prediction log) on a free port:
 *      POST /predict, POST /predict?explain=true;
 *   2. p99 at half our peak rate: wrk2 is not available, so plain wrk with a Lua delay() pacing
 *      each connection to (peak / 2) / connections requests per second (short probes set the
 *      delay); wrk stays closed-loop
 *      (a slow answer delays the next request), so this p99 is optimistic next to wrk2's;
 *   3. resident memory of our server (VmRSS and peak VmHWM from /proc) after those runs, and of a
 *      second one serving the demo model (the default) after /predict and explain runs;
 *   4. the floor: a bare Fastify route in a separate process that parses the same JSON body and
 *      answers {"hello":"world"}: what the framework costs before any scoring;
 *   5. the peers' run_seed_bench.sh with SERVERS="fastapi1 flask" (FastAPI/uvicorn 1 worker
 *      /predict, Flask /predict and /explain) on the same model directory and body.
 * Prints one JSON line and a table; as a section of bench/run.ts (`npm run bench -- http`) it
 * returns the same object.
 *
 * Usage: node dist/bench/http.js [--model DIR/model.json] [--body FILE.json] [--seconds 10]
 *          [--no-peers] [--logging-handler memory|redis]
 */

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { PEERS, ratio, type Section } from './run.js';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
/** The compiled CLI entry of this same build (works from any outDir). */
const ENTRY = join(HERE, '..', 'src', 'cli', 'entry.js');
const WARMUP_S = 3;
/** One hold-out transaction for the demo model (the model `serve` loads by default). */
const DEMO_BODY = join(HERE, '..', '..', 'bench', 'demo-request.json');

interface WrkResult {
  label: string;
  req_per_s: number;
  requests: number;
  connections: number | string;
  latency_ms: { p50: number; p90: number; p99: number; mean: number; max: number };
  errors: Record<string, number>;
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

/** The peers' bench_http.sh (2 threads, 50 connections unless told). */
async function wrk(
  path: string,
  port: number,
  seconds: number,
  body: string,
  label: string,
  env: Record<string, string> = {},
): Promise<WrkResult> {
  const { stdout } = await run(join(PEERS, 'bench_http.sh'), [path, String(port), String(seconds), body], {
    env: { ...process.env, LABEL: label, ...env },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as WrkResult;
}

/** The Lua script for a paced run: `delay` ms between an answer and the connection's next request. */
function pacedScript(delay: number, connections: number): string {
  return [
    'local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))',
    'wrk.method = "POST"',
    'wrk.body = f:read("*a")',
    'f:close()',
    'wrk.headers["Content-Type"] = "application/json"',
    `function delay() return ${delay} end`,
    'function done(summary, latency, requests)',
    '  local secs = summary.duration / 1e6',
    '  local e = summary.errors',
    '  io.write(string.format(\'{"label":"paced","connections":%d,"requests":%d,"req_per_s":%.1f,"latency_ms":{"p50":%.3f,"p90":%.3f,"p99":%.3f,"mean":%.3f,"max":%.3f},"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\\n\',',
    `    ${connections}, summary.requests, summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(90) / 1000,`,
    '    latency:percentile(99) / 1000, latency.mean / 1000, latency.max / 1000, e.connect, e.read, e.write, e.status, e.timeout))',
    'end',
  ].join('\n');
}

async function wrkWithDelay(
  path: string,
  port: number,
  seconds: number,
  body: string,
  delay: number,
  connections: number,
): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'fraudlens-wrk-'));
  try {
    const script = join(dir, 'paced.lua');
    writeFileSync(script, pacedScript(delay, connections));
    const { stdout } = await run(
      '/usr/bin/wrk',
      [
        '-t',
        '2',
        '-c',
        String(connections),
        '-d',
        `${seconds}s`,
        '--timeout',
        '10s',
        '-s',
        script,
        `http://127.0.0.1:${port}${path}`,
      ],
      {
        env: { ...process.env, BENCH_BODY: body },
      },
    );
    const line = stdout.split('\n').find((l) => l.startsWith('{'));
    if (line === undefined) throw new Error(`wrk printed no result:\n${stdout}`);
    return JSON.parse(line) as WrkResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
): Promise<WrkResult & { target_req_per_s: number; delay_ms: number }> {
  // Enough connections that each waits >= ~10 ms: whole-millisecond delay steps stay fine.
  const connections = Math.max(1, Math.min(50, Math.round((rate * 11) / 1000)));
  const period = (connections * 1000) / rate;
  let delay = Math.max(1, Math.round(period - 1));
  let best = { delay, error: Infinity };
  for (let i = 0; i < 3; i++) {
    const probe = await wrkWithDelay(path, port, 2, body, delay, connections);
    const error = Math.abs(probe.req_per_s - rate);
    if (error < best.error) best = { delay, error };
    const overhead = Math.max(0, (connections * 1000) / probe.req_per_s - delay);
    const next = Math.max(1, Math.round(period - overhead));
    if (next === delay) break;
    delay = next;
  }
  const result = await wrkWithDelay(path, port, seconds, body, best.delay, connections);
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
  return { req_per_s: r.req_per_s, p50_ms: r.latency_ms.p50, p90_ms: r.latency_ms.p90, p99_ms: r.latency_ms.p99, errors };
}

function table(rows: [string, WrkResult | undefined][]): string {
  const lines = [
    `${'run'.padEnd(40)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p90 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)}`,
  ];
  for (const [name, r] of rows) {
    if (r === undefined) continue;
    const e = Object.values(r.errors).reduce((a, b) => a + b, 0);
    const L = r.latency_ms;
    lines.push(
      `${name.padEnd(40)} ${r.req_per_s.toFixed(1).padStart(9)} ${L.p50.toFixed(2).padStart(8)} ${L.p90.toFixed(2).padStart(8)} ${L.p99.toFixed(2).padStart(8)} ${String(e).padStart(7)}`,
    );
  }
  return lines.join('\n');
}

export interface HttpBenchOptions {
  model: string;
  body: string;
  seconds: number;
  peers: boolean;
  loggingHandler: 'memory' | 'redis';
}

export async function runHttpBench(o: HttpBenchOptions): Promise<Record<string, unknown>> {
  if (!existsSync('/usr/bin/wrk')) throw new Error('wrk is not installed (/usr/bin/wrk; see the peers setup.sh)');
  const say = (m: string): boolean => process.stderr.write(`bench http: ${m}\n`);

  const loadBefore = loadAverage();
  // 1-3: our server.
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    LOG_LEVEL: 'warn',
    LOGGING_HANDLER: o.loggingHandler,
  };
  if (o.loggingHandler === 'redis') env.REDIS_URL = 'redis://127.0.0.1:6379/0';
  const ours = spawn(process.execPath, [ENTRY, 'serve', '--model', o.model, '--host', '127.0.0.1', '--port', String(port)], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let predict: WrkResult;
  let explain: WrkResult;
  let half: WrkResult & { target_req_per_s: number; delay_ms: number };
  let memory: { rss_mib: number; peak_rss_mib: number };
  try {
    await waitHealthy(`http://127.0.0.1:${port}/health`, ours);
    say(`fraudlens serve (pid ${ours.pid}) on port ${port}: ${WARMUP_S} s warm-up, then ${o.seconds} s per run`);
    await wrk('/predict', port, WARMUP_S, o.body, 'warm-up');
    predict = await wrk('/predict', port, o.seconds, o.body, 'fraudlens /predict');
    await wrk('/predict?explain=true', port, WARMUP_S, o.body, 'warm-up');
    explain = await wrk('/predict?explain=true', port, o.seconds, o.body, 'fraudlens /predict?explain=true');
    half = await pacedWrk('/predict', port, o.seconds, o.body, predict.req_per_s / 2);
    memory = memoryOf(ours.pid!);
  } finally {
    await stop(ours);
  }

  // 3b: resident memory with the demo model (what `npm start` serves), after the same two loads.
  const demoPort = await freePort();
  const demo = spawn(process.execPath, [ENTRY, 'serve', '--host', '127.0.0.1', '--port', String(demoPort)], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let demoMemory: { rss_mib: number; peak_rss_mib: number };
  try {
    await waitHealthy(`http://127.0.0.1:${demoPort}/health`, demo);
    await wrk('/predict', demoPort, o.seconds, DEMO_BODY, 'demo model /predict');
    await wrk('/predict?explain=true', demoPort, o.seconds, DEMO_BODY, 'demo model /predict?explain=true');
    demoMemory = memoryOf(demo.pid!);
  } finally {
    await stop(demo);
  }

  // 4: the framework floor.
  const floorPort = await freePort();
  const floor = spawn(process.execPath, [fileURLToPath(import.meta.url), '--floor-server', String(floorPort)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let floorResult: WrkResult;
  try {
    await waitHealthy(`http://127.0.0.1:${floorPort}/health`, floor);
    await wrk('/predict', floorPort, WARMUP_S, o.body, 'warm-up');
    floorResult = await wrk('/predict', floorPort, o.seconds, o.body, 'fastify hello-world (floor)');
  } finally {
    await stop(floor);
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
  const result: Record<string, unknown> = {
    model: o.model,
    body: o.body,
    seconds: o.seconds,
    load: 'wrk 2 threads, 50 connections (peers bench_http.sh)',
    logging_handler: o.loggingHandler,
    // Other work on the machine skews both sides; the peers' numbers move the most (OpenMP threads).
    load_average_before_after: [loadBefore, loadAverage()],
    ours: {
      predict: summarize(predict),
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
    peers: {
      fastapi_1w_predict: fastapi && summarize(fastapi),
      flask_predict: flaskPredict && summarize(flaskPredict),
      flask_explain: flaskExplain && summarize(flaskExplain),
    },
    peers_reference_idle_machine: reference,
    ratios: {
      predict_vs_fastapi_req_per_s: fastapi ? ratio(predict.req_per_s, fastapi.req_per_s) : null,
      predict_vs_fastapi_p99: fastapi ? ratio(fastapi.latency_ms.p99, predict.latency_ms.p99) : null,
      explain_vs_flask_explain_req_per_s: flaskExplain ? ratio(explain.req_per_s, flaskExplain.req_per_s) : null,
      explain_vs_flask_explain_p99: flaskExplain ? ratio(flaskExplain.latency_ms.p99, explain.latency_ms.p99) : null,
      predict_share_of_floor: ratio(predict.req_per_s, floorResult.req_per_s),
      // Against the peers' published idle-machine runs: meaningful when this machine is busy,
      // which slows the Python servers far more than ours.
      predict_vs_fastapi_reference_req_per_s: refFastapi ? ratio(predict.req_per_s, refFastapi) : null,
      explain_vs_flask_explain_reference_req_per_s: refExplain ? ratio(explain.req_per_s, refExplain) : null,
    },
  };
  process.stderr.write(
    `${table([
      ['fraudlens /predict', predict],
      ['fraudlens /predict?explain=true', explain],
      [`fraudlens /predict at ~${half.target_req_per_s}/s (${half.connections} conn)`, half],
      ['fastify hello-world (floor)', floorResult],
      ['fastapi-uvicorn-1w /predict', fastapi],
      ['flask /predict', flaskPredict],
      ['flask /explain', flaskExplain],
    ])}\nfraudlens memory: ${memory.rss_mib} MiB resident, ${memory.peak_rss_mib} MiB peak; with the demo model ${demoMemory.rss_mib} MiB, ${demoMemory.peak_rss_mib} MiB peak\n`,
  );
  return result;
}

function defaults(): HttpBenchOptions {
  const model = resolve(arg('--model') ?? join(PEERS, 'model', 'model.json'));
  return {
    model,
    body: resolve(arg('--body') ?? join(dirname(model), 'sample_request.json')),
    seconds: Number(arg('--seconds') ?? 10),
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
