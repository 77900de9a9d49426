/**
 * An open-loop load generator for raw transactions: requests leave on a fixed schedule (one every
 * 1/rate seconds) whether or not earlier answers have come back, and each latency is measured from
 * the moment its request was due, not from when a free connection sent it. A slow answer therefore
 * shows in the percentiles of every request queued behind it (no coordinated omission), which a
 * closed loop such as wrk with a delay() hides: there a stall simply postpones the next requests.
 * wrk2 is not packaged here; this plays its part for the Redis entity state's p99 at half peak.
 *
 * Run it as its own process on the load generator's core (`openLoop` spawns it with taskset):
 *   node dist/bench/open-loop.js --url http://127.0.0.1:PORT/predict --rate 1000 --seconds 10
 *     --templates FILE --run ID --t0 SECONDS [--connections 64]
 *   node dist/bench/open-loop.js --url http://127.0.0.1:PORT/health/live --get --rate 1000 --seconds 10
 * The second form sends bodiless GETs: the control that tells the generator's and the host's own
 * tail apart from the route's (the same schedule and connections against a route that does nothing).
 * Templates are the raw-transaction lines bench/http.ts writes for wrk (`%s-%d` for the id, `%d`
 * for the event time); request n gets id `<run>-<n>` and event time t0 + n, like wrk's script.
 * Prints one JSON line: requests sent and answered, the rate reached, latency percentiles (ms),
 * non-2xx answers and socket errors.
 */

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Prefix of every template line (bench/http.ts writeRawTemplates); the rest is the body's other fields. */
const TEMPLATE_HEAD = '{"trans_num":"%s-%d","unix_time":%d,';
/** The scheduler wakes this often and sends every request that has come due since (ms). */
const TICK_MS = 1;
/** Answers still missing this long after the last request was due are counted as timeouts (ms). */
const DRAIN_MS = 5_000;

export interface OpenLoopOptions {
  url: string;
  rate: number;
  seconds: number;
  /** Raw-transaction templates to POST; without them, bodiless GETs of `url`. */
  templates?: string | undefined;
  run: string;
  t0: number;
  /** Keep-alive connections the requests are spread over (a due request waits for a free one). */
  connections?: number;
  /** Core the generator is pinned to. */
  core: string;
}

export interface OpenLoopResult {
  method: string;
  target_req_per_s: number;
  req_per_s: number;
  requests: number;
  answered: number;
  connections: number;
  latency_ms: { p50: number; p90: number; p99: number; p999: number; mean: number; max: number };
  errors: { status: number; socket: number; timeout: number };
}

/** Runs the generator in its own process on `o.core` and returns its result. */
export async function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const args = [
    '-c',
    o.core,
    process.execPath,
    fileURLToPath(import.meta.url),
    '--url',
    o.url,
    '--rate',
    String(o.rate),
    '--seconds',
    String(o.seconds),
    ...(o.templates !== undefined ? ['--templates', o.templates] : ['--get']),
    '--run',
    o.run,
    '--t0',
    String(o.t0),
    '--connections',
    String(o.connections ?? 64),
  ];
  const { stdout } = await run('taskset', args, { maxBuffer: 1024 * 1024 });
  return JSON.parse(stdout.trim()) as OpenLoopResult;
}

/** The q-quantile of sorted values (nearest rank). */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const ms = (x: number): number => Math.round(x * 1000) / 1000;

async function generate(o: Omit<OpenLoopOptions, 'core'>): Promise<OpenLoopResult> {
  const bodies = (o.templates === undefined ? '' : readFileSync(o.templates, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      if (!l.startsWith(TEMPLATE_HEAD)) throw new Error(`not a raw-transaction template: ${l.slice(0, 60)}`);
      return l.slice(TEMPLATE_HEAD.length).replace(/%%/g, '%');
    });
  const url = new URL(o.url);
  const connections = o.connections ?? 64;
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const total = Math.round(o.rate * o.seconds);
  const latencies = new Float64Array(total);
  let answered = 0;
  let status = 0;
  let socket = 0;
  let sent = 0;
  let settled = 0;
  const periodMs = 1000 / o.rate;
  let allSettled: () => void = () => undefined;
  const finished = new Promise<void>((r) => (allSettled = r));
  const settle = (): void => {
    if (++settled === total) allSettled();
  };

  const get = o.templates === undefined;
  const send = (n: number, due: number): void => {
    const body = get ? '' : `{"trans_num":"${o.run}-${n}","unix_time":${o.t0 + n},${bodies[n % bodies.length]}`;
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: get ? 'GET' : 'POST',
        agent,
        headers: get ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          latencies[answered++] = performance.now() - due;
          if (res.statusCode === undefined || res.statusCode >= 300) status++;
          settle();
        });
      },
    );
    req.on('error', () => {
      socket++;
      settle();
    });
    req.end(body);
  };

  const start = performance.now() + 50;
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const now = performance.now();
      // Every request due by now leaves, stamped with its own due time.
      while (sent < total && start + sent * periodMs <= now) {
        send(sent, start + sent * periodMs);
        sent++;
      }
      if (sent === total) {
        clearInterval(timer);
        done();
      }
    }, TICK_MS);
  });
  const lastDue = start + (total - 1) * periodMs;
  await Promise.race([finished, new Promise((r) => setTimeout(r, DRAIN_MS))]);
  const elapsedS = (Math.max(performance.now(), lastDue) - start) / 1000;
  agent.destroy();
  const done = latencies.slice(0, answered).sort();
  let sum = 0;
  for (const x of done) sum += x;
  return {
    method: `open loop${get ? ' (GET)' : ''}: one request every ${ms(periodMs)} ms on a fixed schedule, latency from each request's due time, ${connections} keep-alive connections`,
    target_req_per_s: o.rate,
    req_per_s: Math.round((answered / Math.max(elapsedS, o.seconds)) * 10) / 10,
    requests: total,
    answered,
    connections,
    latency_ms: {
      p50: ms(quantile(done, 0.5)),
      p90: ms(quantile(done, 0.9)),
      p99: ms(quantile(done, 0.99)),
      p999: ms(quantile(done, 0.999)),
      mean: ms(answered > 0 ? sum / answered : NaN),
      max: ms(done.length > 0 ? done[done.length - 1] : NaN),
    },
    errors: { status, socket, timeout: total - settled },
  };
}

function arg(name: string): string {
  const i = process.argv.indexOf(name);
  if (i < 0 || process.argv[i + 1] === undefined) throw new Error(`open-loop: ${name} is required`);
  return process.argv[i + 1];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  generate({
    url: arg('--url'),
    rate: Number(arg('--rate')),
    seconds: Number(arg('--seconds')),
    templates: process.argv.includes('--get') ? undefined : arg('--templates'),
    run: process.argv.includes('--get') ? '' : arg('--run'),
    t0: process.argv.includes('--get') ? 0 : Number(arg('--t0')),
    connections: process.argv.includes('--connections') ? Number(arg('--connections')) : undefined,
  })
    .then((r) => void process.stdout.write(`${JSON.stringify(r)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`open-loop: ${(e as Error).message}\n`);
      process.exitCode = 1;
    });
}
