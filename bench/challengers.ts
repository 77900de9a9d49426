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
 * Usage: npm run bench -- challengers [--seconds 8] [--rounds 3]
 */

import { availableParallelism, tmpdir } from 'node:os';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  run: () => runChallengersBench(arg('--seconds', 8), arg('--rounds', 3)),
};
