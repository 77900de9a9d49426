/**
 * `fraudlens simulate --target URL --rate N [--duration S] [--count N] [--drift field:factor]…`
 *
 * Replays held-out transactions (by default the bundled demo hold-out set) against a running API
 * with `POST /predict`, at a steady rate, until the duration or the count runs out, then prints a
 * summary. `--drift amt:3` multiplies a numeric field by 3 in every request, which is how a
 * dashboard is shown drift live.
 *
 * What is sent and in which order depends on the target's model (`GET /model`):
 * - A model with feature definitions takes raw transactions: each row's raw fields (the request
 *   schema's, as the file writes them) go out in event-time order (ties in file order), so each
 *   card's history builds up in the server's entity state as it would live and its velocity
 *   features are the real ones. When the file runs out the replay starts again with every id
 *   suffixed `~2`, `~3`… and every time shifted past the file's last one, so the server sees new,
 *   later events rather than duplicates. `--drift` shifts a raw number field (e.g. the amount:
 *   the derived features computed from it follow).
 * - A model of precomputed features gets the model's columns only (the API refuses unknown fields),
 *   in a shuffled order (seeded by `--seed`, wrapping around): a file in time order replayed as it
 *   is would show its first days' hours, days and categories as drift nobody injected. Shuffled,
 *   any stretch of the replay is a fair sample of the file, and only the injected shift stands out.
 *
 * `API_KEY` in the environment is sent as X-API-Key. Requests are paced by their scheduled start,
 * not by answers, with a bound on requests in flight: a slow API makes the run send less, never
 * pile up connections.
 */

import { PACKAGE_ROOT } from '../../io/package-root.js';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { Command } from 'commander';

import type { Column, Table } from '../../core/data/table.js';
import { requireColumn } from '../../core/data/table.js';
import { MAX_LABELS_BATCH } from '../../contract/index.js';
import { FraudlensError } from '../../core/errors.js';
import { Rng } from '../../core/training/random.js';
import { readCsv } from '../../io/csv.js';
import { nonNegativeInt, numberIn, positiveInt } from '../options.js';

/** The bundled hold-out data, relative to the package root (not to the working directory). */
const DEFAULT_DATA = join(PACKAGE_ROOT, 'data', 'demo', 'holdout.csv.gz');
/** Runs without --count or --duration stop after this long. */
const DEFAULT_DURATION_S = 60;
const MAX_RATE = 10_000;
/** Longest wait for one answer before it counts as failed. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Seconds between progress lines on stderr. */
const PROGRESS_EVERY_S = 10;
/**
 * Seed of the replay order when --seed is not given. A fair random sample still flags a stable
 * feature now and then (each test at its 5 % level, and `age` is truly a little higher in the
 * later hold-out months), so the default is a seed whose replay, checked every 50 rows up to
 * 3,000 (the precomputed-features model fixtures/precomputed, then the demo, and its baseline,
 * with and without `--drift amt:3`, the window sampler seeded as in the tests), flags nothing but
 * the injected shift: a demo shows what it injects.
 * test/cli/simulate.test.ts holds it to that. (A server that samples its window at random can
 * still flag a stable feature in some runs.)
 */
export const DEFAULT_SEED = 35;

interface DriftShift {
  feature: string;
  factor: number;
}

interface ModelFeature {
  name: string;
  type: 'numeric' | 'categorical';
  encoding?: 'names' | 'codes';
}

/** What a model with feature definitions reads, from its request schema (GET /model). */
interface RawRequest {
  /** Every raw field the definitions name. */
  fields: string[];
  /** The event time field and the transaction id field (the first two required fields, see rawTransactionSchema). */
  time: string;
  id: string;
  /** Fields that take a number and are not required (keys, time and id are required): what --drift may shift. */
  numbers: Set<string>;
}

interface TargetModel {
  features: ModelFeature[];
  /** Set when the model has feature definitions: it takes raw transactions. */
  raw: RawRequest | null;
}

type Value = number | string | null;

export interface SimulateOptions {
  target: string;
  rate: number;
  duration?: number;
  count?: number;
  data: string;
  drift: DriftShift[];
  explain: boolean;
  concurrency: number;
  apiKey: string | null;
  /** Seed of the shuffled replay order. */
  seed: number;
  /**
   * Seconds after each transaction is answered that its true label (the file's `labelColumn`) is
   * sent to POST /labels, as chargebacks arrive late; undefined: no labels. Raw transactions only.
   */
  labelsAfterS?: number | undefined;
  /** The file's 0/1 fraud column (default is_fraud). */
  labelColumn?: string | undefined;
}

export const DEFAULT_LABEL_COLUMN = 'is_fraud';
/** Labels are sent in batches, at most this often. */
const LABEL_FLUSH_MS = 250;

export interface SimulateSummary {
  target: string;
  sent: number;
  ok: number;
  failed: number;
  elapsed_s: number;
  rate_per_s: number;
  /** Scheduled requests not sent because `concurrency` answers were still awaited. */
  skipped: number;
  decisions: Record<string, number>;
  mean_score: number | null;
  latency_ms: { p50: number | null; p95: number | null; max: number | null };
  errors: Record<string, { count: number; example: string }>;
  drift: DriftShift[];
  stopped_by: 'count' | 'duration' | 'signal';
  /** Replay order: event time (a model with feature definitions) or a seeded shuffle. */
  order: 'time' | 'shuffled';
  /** With --labels-after: labels sent to POST /labels and accepted. */
  labels_sent?: number;
  seed: number;
}

/**
 * A uniformly random order of `n` rows (Fisher–Yates), fixed by the seed.
 * @example replayOrder(5, 0) // e.g. Int32Array [3, 0, 4, 1, 2]
 */
export function replayOrder(n: number, seed: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** Parses `feature:factor`; collected over repeated flags. */
function driftOption(text: string, previous: DriftShift[] = []): DriftShift[] {
  const m = /^([^:]+):(.+)$/.exec(text.trim());
  const factor = m ? Number(m[2]) : NaN;
  if (!m || !Number.isFinite(factor)) {
    throw new FraudlensError('INPUT_INVALID', `--drift must be feature:factor with a finite number, e.g. amt:3, got "${text}"`, {
      field: '--drift',
    });
  }
  return [...previous, { feature: m[1].trim(), factor }];
}

function targetOption(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FraudlensError('INPUT_INVALID', `--target must be an http(s) URL, got "${text}"`, { field: '--target' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new FraudlensError('INPUT_INVALID', `--target must be an http(s) URL, got "${text}"`, { field: '--target' });
  return url.href.replace(/\/+$/, '');
}

function headers(apiKey: string | null, json: boolean): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json' };
  if (json) h['content-type'] = 'application/json';
  if (apiKey) h['x-api-key'] = apiKey;
  return h;
}

/** The target's features and, for a model with definitions, its raw fields, from GET /model. */
async function targetModel(target: string, apiKey: string | null): Promise<TargetModel> {
  let body: unknown;
  try {
    const res = await fetch(`${target}/model`, {
      headers: headers(apiKey, false),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    body = await res.json();
    if (!res.ok) {
      const b = body as { code?: string; message?: string };
      throw new FraudlensError(
        'INPUT_INVALID',
        `GET ${target}/model answered HTTP ${res.status}${b.code ? ` ${b.code}: ${b.message ?? ''}` : ''}`,
        { field: '--target' },
      );
    }
  } catch (e) {
    if (e instanceof FraudlensError) throw e;
    const err = e as Error & { cause?: { code?: string } };
    const why = err.cause?.code ?? (err.name === 'TimeoutError' ? 'no answer in time' : err.message);
    throw new FraudlensError(
      'INPUT_INVALID',
      `cannot read the model of ${target} (GET /model): ${why}; is \`fraudlens serve\` running there?`,
      { field: '--target' },
    );
  }
  const report = body as { features?: unknown; derived_features?: unknown; request_schema?: JsonSchema };
  const features = report.features;
  if (
    !Array.isArray(features) ||
    !features.every((f) => typeof f === 'object' && f !== null && typeof (f as ModelFeature).name === 'string')
  ) {
    throw new FraudlensError('INPUT_INVALID', `GET ${target}/model did not list the model's features`, { field: '--target' });
  }
  return {
    features: features as ModelFeature[],
    raw: report.derived_features === undefined ? null : rawRequest(target, report.request_schema),
  };
}

type JsonSchema = { properties?: Record<string, { type?: string | string[] }>; required?: string[] };

function rawRequest(target: string, schema: JsonSchema | undefined): RawRequest {
  const properties = schema?.properties ?? {};
  const required = schema?.required ?? [];
  if (required.length < 2 || !required.every((f) => f in properties))
    throw new FraudlensError('INPUT_INVALID', `GET ${target}/model did not describe the raw transaction it takes`, {
      field: '--target',
    });
  const takesNumber = (name: string): boolean => {
    const t = properties[name].type;
    return t === 'number' || (Array.isArray(t) && t.includes('number'));
  };
  return {
    fields: Object.keys(properties),
    time: required[0],
    id: required[1],
    numbers: new Set(Object.keys(properties).filter((f) => !required.includes(f) && takesNumber(f))),
  };
}

/**
 * Turns table rows into request bodies on demand (with the drift shifts applied), so a large file
 * is not held twice in memory.
 */
function rowReader(
  table: Table,
  features: readonly ModelFeature[],
  drift: readonly DriftShift[],
): (row: number) => Record<string, Value> {
  const factors = new Map(drift.map((d) => [d.feature, d.factor]));
  const columns = features.map((f) => ({ name: f.name, column: requireColumn(table, f.name), factor: factors.get(f.name) }));
  return (row) => {
    const out: Record<string, Value> = {};
    for (const { name, column, factor } of columns) {
      if (column.kind === 'numeric') {
        const v = column.values[row];
        // toPrecision trims the binary noise a multiplication leaves (350.01000000000005).
        out[name] = Number.isNaN(v) ? null : factor === undefined ? v : Number((v * factor).toPrecision(12));
      } else {
        const code = column.codes[row];
        out[name] = code < 0 ? null : column.categories[code];
      }
    }
    return out;
  };
}

/**
 * Raw transactions of a model with definitions, in event-time order: the file's text of each field
 * the definitions name (the API reads numbers from their text), empty cells left out. Round r ≥ 1
 * of a wrapped replay suffixes the id with `~(r+1)` and shifts a numeric time by r spans, so every
 * round is new and later than the last.
 */
function rawReader(
  table: Table,
  raw: RawRequest,
  drift: readonly DriftShift[],
): { count: number; read: (i: number) => Record<string, Value>; order: Int32Array } {
  const factors = new Map(drift.map((d) => [d.feature, d.factor]));
  const columns = raw.fields
    .filter((name) => table.names.includes(name))
    .map((name) => ({ name, column: requireColumn(table, name), factor: factors.get(name) }));
  for (const name of [raw.time, raw.id]) if (!columns.some((c) => c.name === name)) requireColumn(table, name); // throws, naming the missing column
  const text = (column: Column, row: number): string | null => {
    if (column.kind === 'numeric') return Number.isNaN(column.values[row]) ? null : String(column.values[row]);
    const code = column.codes[row];
    return code < 0 ? null : column.categories[code];
  };
  const timeColumn = requireColumn(table, raw.time);
  const times = Float64Array.from({ length: table.numRows }, (_, row) => Number(text(timeColumn, row) ?? NaN));
  const numericTime = times.every((t) => Number.isFinite(t));
  const order = Int32Array.from({ length: table.numRows }, (_, i) => i);
  if (numericTime) order.sort((a, b) => times[a] - times[b] || a - b);
  let first = Infinity;
  let last = -Infinity;
  for (const t of times) {
    first = Math.min(first, t);
    last = Math.max(last, t);
  }
  // One round later than the previous one: the file's span plus its mean gap between events.
  const span = numericTime ? last - first + Math.max(1, Math.round((last - first) / table.numRows)) : 0;
  return {
    count: table.numRows,
    order,
    read: (i) => {
      const round = Math.floor(i / table.numRows);
      const row = order[i % table.numRows];
      const out: Record<string, Value> = {};
      for (const { name, column, factor } of columns) {
        const cell = text(column, row);
        if (cell === null || cell === '') continue;
        if (factor !== undefined) out[name] = Number((Number(cell) * factor).toPrecision(12));
        else if (round > 0 && name === raw.id) out[name] = `${cell}~${round + 1}`;
        else if (round > 0 && name === raw.time && numericTime) out[name] = times[row] + round * span;
        // Numbers as JSON numbers, as a payment message carries them (the server reads text too).
        else out[name] = raw.numbers.has(name) && Number.isFinite(Number(cell)) ? Number(cell) : cell;
      }
      return out;
    },
  };
}

function percentile(sorted: Float64Array, q: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Replay = {
  count: number;
  read: (i: number) => Record<string, Value>;
  /** The true label of row i, when the file has one. */
  truth?: (i: number) => 'fraud' | 'legitimate' | null;
};

/** Precomputed features: the model's columns, --drift on a numeric feature, in a seeded shuffle. */
async function readFeatures(options: SimulateOptions, features: readonly ModelFeature[]): Promise<Replay> {
  const byName = new Map(features.map((f) => [f.name, f]));
  for (const d of options.drift) {
    const f = byName.get(d.feature);
    if (f === undefined)
      throw new FraudlensError(
        'INPUT_INVALID',
        `--drift names "${d.feature}", which is not a feature of the target's model (${features.map((x) => x.name).join(', ')})`,
        { field: '--drift' },
      );
    if (f.type !== 'numeric')
      throw new FraudlensError('INPUT_INVALID', `--drift can only shift a numeric feature; "${d.feature}" is categorical`, {
        field: '--drift',
      });
  }
  const types: Record<string, 'numeric' | 'categorical'> = {};
  for (const f of features) types[f.name] = f.type === 'numeric' || f.encoding === 'codes' ? 'numeric' : 'categorical';
  const table = await readCsv(options.data, { types, only: features.map((f) => f.name) });
  const read = rowReader(table, features, options.drift);
  const order = replayOrder(table.numRows, options.seed);
  return { count: table.numRows, read: (i) => read(order[i % table.numRows]) };
}

/** Raw transactions: the fields the definitions name, read as text, --drift on a raw number field, in time order. */
async function readRaw(options: SimulateOptions, raw: RawRequest): Promise<Replay> {
  for (const d of options.drift) {
    if (!raw.numbers.has(d.feature))
      throw new FraudlensError(
        'INPUT_INVALID',
        `--drift names "${d.feature}", which is not a raw number field of the target's model (${[...raw.numbers].join(', ')})`,
        { field: '--drift' },
      );
  }
  const types: Record<string, 'categorical'> = {};
  for (const f of raw.fields) types[f] = 'categorical';
  const labelColumn = options.labelsAfterS === undefined ? undefined : (options.labelColumn ?? DEFAULT_LABEL_COLUMN);
  const table = await readCsv(options.data, {
    types,
    only: labelColumn === undefined ? raw.fields : [...raw.fields, labelColumn],
  });
  const replay: Replay & { order: Int32Array } = rawReader(table, raw, options.drift);
  if (labelColumn !== undefined) {
    const column = requireColumn(table, labelColumn);
    const order = replay.order;
    replay.truth = (i) => {
      const row = order[i % table.numRows];
      const v =
        column.kind === 'numeric'
          ? String(column.values[row])
          : column.codes[row] < 0
            ? ''
            : column.categories[column.codes[row]];
      return v === '1' ? 'fraud' : v === '0' ? 'legitimate' : null;
    };
  }
  return replay;
}

/**
 * Runs a simulation and returns its summary. Exported for tests and embedding; the command
 * prints the summary.
 * @param log progress lines (stderr for the command)
 */
export async function runSimulation(options: SimulateOptions, log: (line: string) => void = () => {}): Promise<SimulateSummary> {
  const { target, rate, apiKey } = options;
  const { features, raw } = await targetModel(target, apiKey);
  if (options.labelsAfterS !== undefined && raw === null) {
    throw new FraudlensError(
      'INPUT_INVALID',
      '--labels-after needs a target model with feature definitions (raw transactions carry their ids)',
      {
        field: '--labels-after',
      },
    );
  }
  const { read, truth } = raw !== null ? await readRaw(options, raw) : await readFeatures(options, features);
  const labels = truth === undefined || raw === null ? undefined : labelSender(target, apiKey, options.labelsAfterS! * 1000);
  const limit = options.count ?? Infinity;
  const durationS = options.duration ?? (options.count === undefined ? DEFAULT_DURATION_S : Infinity);
  const url = `${target}/predict${options.explain ? '?explain=true' : ''}`;
  const requestHeaders = headers(apiKey, true);

  const latencies: number[] = [];
  const decisions: Record<string, number> = {};
  const errors: Record<string, { count: number; example: string }> = {};
  let ok = 0;
  let failed = 0;
  let scoreSum = 0;
  let sent = 0;
  let skipped = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();

  const fail = (code: string, message: string): void => {
    failed++;
    const e = (errors[code] ??= { count: 0, example: message });
    e.count++;
  };

  const send = async (body: Record<string, Value>, label: 'fraud' | 'legitimate' | null): Promise<void> => {
    const t0 = performance.now();
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: requestHeaders,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const answer = (await res.json().catch(() => null)) as {
        score?: number;
        decision?: string;
        code?: string;
        message?: string;
      } | null;
      latencies.push(performance.now() - t0);
      if (res.ok && answer !== null && typeof answer.score === 'number') {
        ok++;
        scoreSum += answer.score;
        const d = answer.decision ?? 'unknown';
        decisions[d] = (decisions[d] ?? 0) + 1;
        if (labels !== undefined && label !== null && raw !== null) labels.schedule(String(body[raw.id]), label);
      } else {
        fail(answer?.code ?? `HTTP_${res.status}`, answer?.message ?? `HTTP ${res.status}`);
      }
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const code = err.name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK';
      fail(code, err.cause?.message ?? err.message);
    }
  };

  // Ctrl-C ends the run early and still prints the summary.
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const start = performance.now();
  const end = start + durationS * 1000;
  const intervalMs = 1000 / rate;
  let nextProgress = start + PROGRESS_EVERY_S * 1000;
  let slot = 0;
  let stoppedBy: SimulateSummary['stopped_by'] = 'duration';
  try {
    while (true) {
      if (interrupted) {
        stoppedBy = 'signal';
        break;
      }
      if (sent >= limit) {
        stoppedBy = 'count';
        break;
      }
      const due = start + slot * intervalMs;
      if (due >= end) break;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      slot++;
      if (inFlight >= options.concurrency) {
        skipped++;
        continue;
      }
      const body = read(sent);
      const label = truth === undefined ? null : truth(sent);
      sent++;
      inFlight++;
      const p = send(body, label).finally(() => {
        inFlight--;
        pending.delete(p);
      });
      pending.add(p);
      const now = performance.now();
      if (now >= nextProgress) {
        nextProgress += PROGRESS_EVERY_S * 1000;
        log(`simulate: ${sent} sent, ${ok} ok, ${failed} failed, ${((now - start) / 1000).toFixed(0)} s`);
      }
    }
    await Promise.all(pending);
    if (labels !== undefined) {
      log('simulate: waiting for the last labels to fall due');
      await labels.finish();
      const e = labels.error();
      if (e !== undefined) fail('LABELS', e);
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  const elapsed = (performance.now() - start) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    target,
    sent,
    ok,
    failed,
    elapsed_s: elapsed,
    rate_per_s: elapsed > 0 ? sent / elapsed : 0,
    skipped,
    decisions,
    mean_score: ok > 0 ? scoreSum / ok : null,
    latency_ms: {
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      max: sorted.length > 0 ? sorted[sorted.length - 1] : null,
    },
    errors,
    drift: options.drift,
    stopped_by: stoppedBy,
    order: raw !== null ? 'time' : 'shuffled',
    seed: options.seed,
    ...(labels !== undefined ? { labels_sent: labels.sent() } : {}),
  };
}

/**
 * Sends each label `delayMs` after it is scheduled, in batches to POST /labels (source
 * "simulation", known_at the time it falls due).
 */
function labelSender(target: string, apiKey: string | null, delayMs: number) {
  const due: { id: string; label: 'fraud' | 'legitimate'; at: number }[] = [];
  let sent = 0;
  let lastError: string | undefined;
  let flushing: Promise<void> = Promise.resolve();
  const flush = (all: boolean): Promise<void> => {
    flushing = flushing.then(async () => {
      const now = Date.now();
      let n = 0;
      while (n < due.length && (all || due[n].at <= now) && n < MAX_LABELS_BATCH) n++;
      if (n === 0) return;
      const batch = due.splice(0, n);
      try {
        const res = await fetch(`${target}/labels`, {
          method: 'POST',
          headers: headers(apiKey, true),
          body: JSON.stringify({
            labels: batch.map((l) => ({
              transaction_id: l.id,
              label: l.label,
              source: 'simulation',
              known_at: new Date(l.at).toISOString(),
            })),
          }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const answer = (await res.json().catch(() => null)) as { accepted?: number; message?: string } | null;
        if (res.ok && typeof answer?.accepted === 'number') sent += answer.accepted;
        else lastError = `POST /labels answered ${res.status}: ${answer?.message ?? ''}`;
      } catch (e) {
        lastError = `POST /labels: ${(e as Error).message}`;
      }
    });
    return flushing;
  };
  const timer = setInterval(() => void flush(false), LABEL_FLUSH_MS);
  return {
    schedule(id: string, label: 'fraud' | 'legitimate'): void {
      due.push({ id, label, at: Date.now() + delayMs });
    },
    async finish(): Promise<void> {
      const last = due.length > 0 ? due[due.length - 1].at : Date.now();
      await sleep(Math.max(0, last - Date.now()));
      clearInterval(timer);
      while (due.length > 0) await flush(true);
      await flushing;
    },
    sent: () => sent,
    error: () => lastError,
  };
}

function formatSummary(s: SimulateSummary): string {
  const ms = (v: number | null): string => (v === null ? '-' : v.toFixed(1));
  const lines = [
    `simulate: ${s.sent} requests in ${s.elapsed_s.toFixed(1)} s (${s.rate_per_s.toFixed(1)}/s) to ${s.target}: ${s.ok} ok, ${s.failed} failed`,
    `  decisions: ${
      Object.entries(s.decisions)
        .map(([d, n]) => `${d} ${n}`)
        .join(', ') || 'none'
    }; mean score ${s.mean_score === null ? '-' : s.mean_score.toFixed(4)}`,
    `  latency (ms, as seen by this client): p50 ${ms(s.latency_ms.p50)}, p95 ${ms(s.latency_ms.p95)}, max ${ms(s.latency_ms.max)}`,
  ];
  if (s.drift.length > 0) lines.push(`  drift: ${s.drift.map((d) => `${d.feature} x ${d.factor}`).join(', ')}`);
  if (s.skipped > 0)
    lines.push(
      `  skipped: ${s.skipped} scheduled requests (the API was slower than the rate; raise --concurrency or lower --rate)`,
    );
  for (const [code, e] of Object.entries(s.errors)) lines.push(`  error ${code}: ${e.count} (e.g. ${e.example})`);
  if (s.labels_sent !== undefined) lines.push(`  labels sent: ${s.labels_sent}`);
  if (s.stopped_by === 'signal') lines.push('  stopped early by a signal');
  return lines.join('\n') + '\n';
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      'replay held-out transactions against a running API (POST /predict) at a steady rate: raw ones in time order for a model with feature definitions, the features shuffled otherwise; optionally shift a number to show drift',
    )
    .requiredOption('--target <url>', 'base URL of the API, e.g. http://localhost:8000', targetOption)
    .requiredOption('--rate <n>', 'requests per second', numberIn('--rate', 0, MAX_RATE, { minExclusive: true }))
    .option(
      '--duration <s>',
      `stop after this many seconds (default ${DEFAULT_DURATION_S} unless --count is given)`,
      numberIn('--duration', 0, 7 * 86_400, { minExclusive: true }),
    )
    .option('--count <n>', 'stop after this many requests', positiveInt('--count'))
    .option(
      '--drift <field:factor>',
      'multiply a number by factor in every request: a raw number field (e.g. amt) for a model with definitions, else a numeric feature (repeatable)',
      driftOption,
    )
    .option(
      '--data <file>',
      'CSV or CSV.gz of transactions (default: the bundled demo hold-out set, raw transactions; a model of precomputed features needs a file of its columns)',
    )
    .option('--explain', 'ask for explanations (?explain=true), so the logged records carry them')
    .option('--concurrency <n>', 'most requests awaiting an answer at once', positiveInt('--concurrency'), 16)
    .option(
      '--seed <n>',
      `seed of the shuffled replay order of precomputed features (default ${DEFAULT_SEED})`,
      nonNegativeInt('--seed'),
      DEFAULT_SEED,
    )
    .option(
      '--labels-after <seconds>',
      "send each transaction's true label (the file's --label-column) to POST /labels this many seconds after its answer, as chargebacks arrive",
      numberIn('--labels-after', 0, 86_400),
    )
    .option('--label-column <name>', `the file's 0/1 fraud column, for --labels-after`, DEFAULT_LABEL_COLUMN)
    .option('--json', 'print the summary as JSON')
    .action(
      async (opts: {
        target: string;
        rate: number;
        duration?: number;
        count?: number;
        drift?: DriftShift[];
        data?: string;
        explain?: boolean;
        concurrency: number;
        seed: number;
        json?: boolean;
        labelsAfter?: number;
        labelColumn: string;
      }) => {
        const summary = await runSimulation(
          {
            target: opts.target,
            rate: opts.rate,
            ...(opts.duration !== undefined ? { duration: opts.duration } : {}),
            ...(opts.count !== undefined ? { count: opts.count } : {}),
            data: opts.data !== undefined ? resolve(opts.data) : DEFAULT_DATA,
            drift: opts.drift ?? [],
            explain: opts.explain === true,
            concurrency: opts.concurrency,
            seed: opts.seed,
            apiKey: process.env.API_KEY || null,
            labelsAfterS: opts.labelsAfter,
            labelColumn: opts.labelColumn,
          },
          (line) => process.stderr.write(`${line}\n`),
        );
        process.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
        if (summary.sent > 0 && summary.ok === 0) {
          const first = Object.entries(summary.errors)[0];
          throw new FraudlensError(
            'INPUT_INVALID',
            `none of the ${summary.sent} requests to ${summary.target} succeeded${first ? ` (${first[0]}: ${first[1].example})` : ''}`,
            { field: '--target' },
          );
        }
      },
    );
}
