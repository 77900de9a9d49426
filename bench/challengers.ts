/**
 * The cost of challengers on POST /predict: `fraudlens serve` with the bundled demo model (raw
 * transactions, entity state in memory) and 0, 1 and 2 challengers (models/challengers/shallow,
 * then deep as well), all three up at once and measured in alternation, ROUNDS times, with
 * bench/http.ts' pinned method (server on core 1, `taskset -c 0 wrk -t1 -c50` on core 0), so a
 * shared host's drift hits each alike. Every request is a transaction of its own (own id, later
 * event time), so each is scored, and each challenger scores it after the response.
 *
 * Reports per setting the median req/s and server CPU microseconds per request, and their ratios
 * to no challenger. The issue's goal: two challengers cost less than 15 % of the throughput.
 *
 * Before the HTTP runs, in this process: each model's tree walk per transaction (the derived
 * features of bench/demo-request.json) and the shadow queue's time per transaction (queue, every
 * challenger scored, the record appended to the memory store) with none, one and two challengers.
 *
 * Usage: npm run bench -- challengers [--seconds 8] [--rounds 3] [--in-process-only]
 */

import { availableParallelism, tmpdir } from 'node:os';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readModelFile } from '../src/io/model-file.js';
import { buildApp } from '../src/server/app.js';
import { configFromValues } from '../src/server/config.js';
import type { PredictionRecord } from '../src/storage/index.js';

import {
  loadAverage,
  median,
  middle,
  pinnedWrk,
  spawnPinned,
  stop,
  waitHealthy,
  writeDemoTemplate,
  type WrkResult,
} from './http.js';
import type { Section } from './run.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const ENTRY = join(HERE, '..', 'src', 'cli', 'entry.js');
const DEMO_BODY = join(ROOT, 'bench', 'demo-request.json');
const CHALLENGER_MODELS = ['shallow', 'deep'].map((a) => `${a}=${join(ROOT, 'models', 'challengers', a, 'model.json')}`);
/** The issue's goal: two challengers keep more than this share of the throughput without any. */
const GOAL_THROUGHPUT_SHARE = 0.85;
/** Ports of the three servers (the range this host's engineers keep for servers started by hand). */
const FIRST_PORT = 18_240;
const WARMUP_S = 3;

/** Transactions timed in process, after as many to warm up. */
const IN_PROCESS_ROWS = 100_000;
/** Transactions queued per turn of the event loop in the queue's timing (a burst of requests). */
const QUEUE_BURST = 50;

const microseconds = (start: bigint, n: number): number =>
  Math.round((Number(process.hrtime.bigint() - start) / 1e3 / n) * 100) / 100;

/** In process: each model's walk per transaction, and the shadow queue's time per transaction with 0, 1 and 2 challengers. */
export async function inProcessCosts(): Promise<Record<string, unknown>> {
  const config = configFromValues({ LOG_LEVEL: 'silent', FRAUDLENS_CHALLENGERS: CHALLENGER_MODELS.join(',') });
  const app = await buildApp(config, { model: await readModelFile(config.modelPath), processMetrics: false, dashboardDir: null });
  try {
    const res = await app.inject({
      method: 'POST',
      url: '/predict?features=true',
      payload: JSON.parse(readFileSync(DEMO_BODY, 'utf8')),
    });
    const features = Object.freeze((JSON.parse(res.body) as { features: PredictionRecord['features'] }).features);
    const ctx = app.fraudlens;
    const walks: Record<string, number> = {};
    let sink = 0;
    for (const { alias, model } of [{ alias: 'champion', model: ctx.models.current }, ...ctx.challengers.current.challengers]) {
      const row = model.toRow(features);
      for (let i = 0; i < IN_PROCESS_ROWS; i++) sink += model.predictor.predictRowMargin(row);
      const start = process.hrtime.bigint();
      for (let i = 0; i < IN_PROCESS_ROWS; i++) sink += model.predictor.predictRowMargin(row);
      walks[alias] = microseconds(start, IN_PROCESS_ROWS);
    }
    const record = (): PredictionRecord => ({
      id: 'bench',
      timestamp: new Date().toISOString(),
      model_version: ctx.models.current.version,
      score: 0.5,
      decision: 'approve',
      risk_level: 'low',
      latency_ms: 1,
      features,
      model_alias: 'champion',
    });
    const all = ctx.challengers.current.shadowModels;
    const queue: Record<string, number> = {};
    for (const n of [0, 1, 2]) {
      const models = all.slice(0, n);
      const time = (): number => {
        const start = process.hrtime.bigint();
        for (let i = 0; i < IN_PROCESS_ROWS; i++) {
          ctx.shadow!.push(record(), features, undefined, models);
          if (i % QUEUE_BURST === QUEUE_BURST - 1) ctx.shadow!.flush();
        }
        ctx.shadow!.flush();
        return microseconds(start, IN_PROCESS_ROWS);
      };
      time();
      queue[`${n}_challengers`] = time();
    }
    if (Number.isNaN(sink)) throw new Error('a walk gave NaN');
    return { tree_walk_us_per_transaction: walks, shadow_queue_us_per_transaction: queue };
  } finally {
    await app.close();
  }
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

export async function runChallengersBench(seconds: number, rounds: number): Promise<Record<string, unknown>> {
  if (!existsSync('/usr/bin/wrk')) throw new Error('wrk is not installed (/usr/bin/wrk)');
  if (availableParallelism() < 2) throw new Error('the pinned method needs two cores: wrk on core 0, the server on core 1');
  const say = (m: string): boolean => process.stderr.write(`bench challengers: ${m}\n`);
  const loadBefore = loadAverage();
  const settings = [0, 1, 2].map((n, k) => ({ challengers: n, port: FIRST_PORT + k }));
  const servers = settings.map((s) =>
    spawnPinned([ENTRY, 'serve', '--host', '127.0.0.1', '--port', String(s.port)], {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      FRAUDLENS_RATE_LIMIT_MAX: '0',
      ...(s.challengers > 0 ? { FRAUDLENS_CHALLENGERS: CHALLENGER_MODELS.slice(0, s.challengers).join(',') } : {}),
    }),
  );
  const scratch = mkdtempSync(join(tmpdir(), 'fraudlens-challengers-bench-'));
  const body = join(scratch, 'demo-template.txt');
  writeDemoTemplate(DEMO_BODY, body);
  try {
    for (const [k, s] of settings.entries()) await waitHealthy(`http://127.0.0.1:${s.port}/health`, servers[k]);
    const measure = (k: number, secs: number, label: string): Promise<WrkResult> =>
      pinnedWrk({
        path: '/predict',
        method: 'POST',
        port: settings[k].port,
        seconds: secs,
        body,
        label,
        server: servers[k],
        raw: true,
      });
    for (const k of settings.keys()) await measure(k, WARMUP_S, 'warmup');
    const runs: WrkResult[][] = settings.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const k of settings.keys()) {
        const r = await measure(k, seconds, `${settings[k].challengers} challengers`);
        runs[k].push(r);
        say(`round ${round + 1}: ${r.label}: ${r.req_per_s} req/s, ${r.server_cpu_us_per_request} µs CPU/request`);
      }
    }
    const summary = settings.map((s, k) => {
      const m = median(runs[k]);
      const errors = runs[k].reduce((sum, r) => sum + Object.values(r.errors).reduce((a, b) => a + b, 0), 0);
      return {
        challengers: s.challengers,
        req_per_s: m.req_per_s,
        p99_ms: m.latency_ms.p99,
        server_cpu_us_per_request: middle(runs[k].map((r) => r.server_cpu_us_per_request ?? NaN)),
        errors,
        rounds_req_per_s: runs[k].map((r) => r.req_per_s),
      };
    });
    const none = summary[0];
    const ratios = Object.fromEntries(
      summary.slice(1).map((s) => [
        `${s.challengers}_vs_0`,
        {
          throughput: Math.round((s.req_per_s / none.req_per_s) * 1000) / 1000,
          cpu_per_request: Math.round((s.server_cpu_us_per_request / none.server_cpu_us_per_request) * 1000) / 1000,
        },
      ]),
    );
    const two = summary[2];
    const result = {
      seconds,
      rounds,
      connections: 50,
      settings: summary,
      ratios,
      goal: `two challengers keep > ${GOAL_THROUGHPUT_SHARE} of the throughput`,
      goal_met: two.req_per_s / none.req_per_s > GOAL_THROUGHPUT_SHARE,
      load_average_before_after: [loadBefore, loadAverage()],
    };
    process.stderr.write(
      `${summary.map((s) => `${s.challengers} challengers: ${s.req_per_s} req/s, ${s.server_cpu_us_per_request} µs CPU/request, p99 ${s.p99_ms} ms`).join('\n')}\n` +
        `ratios to none: ${JSON.stringify(ratios)}\n`,
    );
    return result;
  } finally {
    for (const s of servers) await stop(s);
    rmSync(scratch, { recursive: true, force: true });
  }
}

export const section: Section = {
  name: 'challengers',
  async run() {
    const inProcess = await inProcessCosts();
    process.stderr.write(`bench challengers: in process ${JSON.stringify(inProcess)}\n`);
    if (process.argv.includes('--in-process-only')) return { in_process: inProcess };
    return { in_process: inProcess, ...(await runChallengersBench(arg('--seconds', 8), arg('--rounds', 3))) };
  },
};
