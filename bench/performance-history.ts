/**
 * GET /performance/history's computation against GET /performance's, in process, over the same
 * columns in memory: ROWS synthetic decisions spread over 90 days (two model versions, about 2 %
 * fraud, two in three labelled, amounts), the shape the server keeps (src/storage/labels/live.ts).
 * No database: the read is the same for both routes and is measured by the `performance` section.
 *
 * Measured with process.cpuUsage (CPU time of this process, so other work on a shared host does not
 * count), median of ROUNDS after one warm-up call, per query: computePerformance over 90 days, and
 * computePerformanceHistory over 90 days in 1-day buckets and over 30 days in 1-hour buckets (720),
 * reported in µs per decision too.
 *
 * Usage: npm run bench -- history [--rows 1000000] [--rounds 10]
 */

import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

import {
  computePerformance,
  computePerformanceHistory,
  LABEL_FRAUD,
  LABEL_LEGITIMATE,
  LABEL_UNKNOWN,
  NO_RULE,
  type DecisionColumns,
} from '../src/core/performance/index.js';
import type { Section } from './run.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A seeded generator (mulberry32), so every run judges the same decisions. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function synthetic(n: number, now: number): DecisionColumns {
  const next = random(16);
  const c: DecisionColumns = {
    count: n,
    score: new Float64Array(n),
    decision: new Uint8Array(n),
    rule: new Int32Array(n).fill(NO_RULE),
    label: new Int8Array(n),
    amount: new Float64Array(n),
    time: new Float64Array(n),
    modelVersion: new Int32Array(n),
    modelVersions: ['bench-v1', 'bench-v2'],
    rules: [],
  };
  for (let i = 0; i < n; i++) {
    const fraud = next() < 0.02;
    const score = fraud ? 0.5 + next() / 2 : next() * next() * 0.8;
    c.score[i] = score;
    c.decision[i] = score >= 0.8 ? 2 : score >= 0.5 ? 1 : 0;
    c.label[i] = next() < 2 / 3 ? (fraud ? LABEL_FRAUD : LABEL_LEGITIMATE) : LABEL_UNKNOWN;
    c.amount[i] = Math.round(next() * 50_000) / 100;
    // Oldest first, as the store's sequence order keeps them.
    c.time[i] = now - 90 * DAY_MS + (i / n) * 90 * DAY_MS;
    c.modelVersion[i] = i % 10 === 0 ? 1 : 0;
  }
  return c;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** CPU ms of `fn` (user + system), median of `rounds` after one warm-up call. */
function cpuMs(fn: () => unknown, rounds: number): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const c = process.cpuUsage();
    fn();
    const d = process.cpuUsage(c);
    times.push((d.user + d.system) / 1000);
  }
  return median(times);
}

async function main(): Promise<Record<string, unknown>> {
  const rows = arg('--rows', 1_000_000);
  const rounds = arg('--rounds', 10);
  const now = Date.UTC(2026, 11, 3);
  const columns = synthetic(rows, now);
  const loadBefore = loadavg().map((x) => round(x, 2));
  const queries = {
    performance_90d: () => computePerformance(columns, now, { since: now - 90 * DAY_MS }),
    history_90d_1d: () => computePerformanceHistory(columns, now, DAY_MS, { since: now - 90 * DAY_MS }),
    history_30d_1h: () => computePerformanceHistory(columns, now, HOUR_MS, { since: now - 30 * DAY_MS }),
  };
  const results: Record<string, { cpu_ms_median: number; cpu_us_per_decision: number }> = {};
  for (const [name, fn] of Object.entries(queries)) {
    const ms = cpuMs(fn, rounds);
    results[name] = { cpu_ms_median: round(ms, 1), cpu_us_per_decision: round((ms * 1000) / rows, 4) };
  }
  // The same decisions counted both ways: the buckets add up to the report.
  const report = queries.performance_90d();
  const history = queries.history_90d_1d();
  const bucketed = history.reduce((s, v) => s + v.buckets.reduce((a, b) => a + b.decisions, 0), 0);
  const judged = report.reduce((s, v) => s + v.all.decisions, 0);
  if (bucketed !== judged) throw new Error(`the buckets hold ${bucketed} decisions, the report ${judged}`);
  return {
    date: new Date().toISOString().slice(0, 16),
    command: 'npm run bench -- history',
    rows,
    rounds,
    decisions_judged: judged,
    load_average: loadBefore,
    ...results,
    load_average_after: loadavg().map((x) => round(x, 2)),
  };
}

export const section: Section = { name: 'history', run: main };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main()
    .then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    });
}
