/**
 * The drift-window contract. Every scored transaction is handed to a `DriftWindowStore`, which
 * keeps what the drift report needs about recent traffic: counts on the baseline's bins per time
 * bucket, a bounded uniform sample of rows per bucket, and the newest rows for count-based
 * windows. The backends (memory, redis) differ only in where that state lives; one conformance
 * suite holds them to the same behaviour.
 *
 * As with the prediction log, recording can never hurt the request path: `update` is
 * synchronous, never throws and never waits on I/O; rows that cannot be recorded are counted.
 * What a window is (by time or by count) and how time is cut into buckets: windows.ts.
 */

import { randomInt } from 'node:crypto';

import type { DriftBaseline, WindowCounts, WindowInfo, WindowSample } from '../../core/drift/index.js';
import { FraudlensError } from '../../core/errors.js';
import { TIME_WINDOWS, type DriftWindowSpec } from './windows.js';

/** What a store returns for a window: counts on the baseline's slots and a uniform row sample. */
export interface DriftWindowSnapshot {
  window: WindowInfo;
  counts: WindowCounts;
  sample: WindowSample;
}

/**
 * Counters of one store instance since it was created.
 * Invariant: updates = written + pending + dropped.
 */
export interface DriftWindowStats {
  /** Rows handed to update(). */
  updates: number;
  /** Rows whose counts are in the backend. */
  written: number;
  /** Rows counted in process, not yet confirmed by the backend. */
  pending: number;
  /** Rows never counted: invalid, older than the retention, after close(), or lost when writing stopped. */
  dropped: number;
  /**
   * Whether the backend currently accepts writes (always, for the in-process store while open).
   * /health and /metrics judge the store by it, never by its backend's name.
   */
  connected: boolean;
  /**
   * Whether rows are being lost although the backend may look connected: rows waited for it
   * longer than the retention and were dropped, since the backlog was last empty.
   */
  dropping: boolean;
}

export interface DriftWindowStore {
  /** Its name in DRIFT_WINDOW_BACKENDS (factory.ts): 'memory' | 'redis'. */
  readonly backend: string;
  readonly baseline: DriftBaseline;
  /**
   * Records one scored row. Synchronous, never throws, never waits on I/O.
   * @param row the encoded feature row in model order (what the predictor read; NaN = missing)
   * @param score the model's probability for the row, in [0, 1]
   * @param timeMs when it was scored (default now)
   */
  update(row: ArrayLike<number>, score: number, timeMs?: number): void;
  /**
   * The counts and sample of a window. Rejects with INPUT_INVALID for a malformed window or a
   * time window longer than the retention. Never rejects because a backend is unavailable: it
   * then answers from the in-process state, and says so in `window.source`.
   * @param spec the window
   * @param nowMs the end of a time window (default now)
   */
  read(spec: DriftWindowSpec, nowMs?: number): Promise<DriftWindowSnapshot>;
  stats(): DriftWindowStats;
  /** Resolves once the rows updated before the call are in the backend, or a bounded wait ran out. */
  flush(): Promise<void>;
  /** Flushes, then releases the backend. Idempotent; later updates are counted as dropped. */
  close(): Promise<void>;
}

/** Options every backend accepts. */
export interface DriftWindowOptions {
  /** Width of a time bucket (default 5 minutes). */
  bucketMs?: number | undefined;
  /** How long buckets are kept (default 24 hours, the longest named window). */
  retentionMs?: number | undefined;
  /** Rows sampled per time bucket (default 250). */
  bucketSampleSize?: number | undefined;
  /** Newest rows kept for count-based windows (default 5000). */
  recentSize?: number | undefined;
  /** Rows in a window's sample (default: the baseline's reservoir size). */
  sampleSize?: number | undefined;
  /**
   * Seed of the sampling keys. Default: a random seed per store, which several processes writing
   * to one Redis need (equal seeds would give their rows equal keys).
   */
  seed?: number | undefined;
  /**
   * Features whose values must not be kept (PII, FRAUDLENS_PII_FIELDS): counted on the baseline's
   * bins like the others, but stored as missing (NaN) in every kept row (samples, recent rows).
   */
  maskedFeatures?: readonly string[] | undefined;
}

export interface ResolvedDriftWindowOptions {
  bucketMs: number;
  retentionMs: number;
  bucketSampleSize: number;
  recentSize: number;
  sampleSize: number;
  seed: number;
  /** Model-order indices of the masked features, ascending. */
  maskedColumns: readonly number[];
}

export const DEFAULT_BUCKET_MS = 5 * 60_000;
export const DEFAULT_RETENTION_MS = TIME_WINDOWS['24h'];
export const DEFAULT_BUCKET_SAMPLE_SIZE = 250;
export const DEFAULT_RECENT_SIZE = 5000;
/** Upper bounds that keep one store's memory bounded whatever the configuration says. */
const MAX_BUCKETS = 10_000;
const MAX_SAMPLE = 100_000;

function integerOption(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new FraudlensError(
      'CONFIG_INVALID',
      `Drift window option ${name} must be an integer from ${min} to ${max}, got ${String(value)}.`,
      { field: name },
    );
  }
  return value;
}

/**
 * Validates the options once, when a store is created (CONFIG_INVALID naming the option).
 * @param options the options given
 * @param baseline the baseline, whose reservoir size is the default window sample size
 */
export function resolveDriftWindowOptions(options: DriftWindowOptions, baseline: DriftBaseline): ResolvedDriftWindowOptions {
  const bucketMs = integerOption('bucketMs', options.bucketMs, DEFAULT_BUCKET_MS, 1, DEFAULT_RETENTION_MS * 7);
  const retentionMs = integerOption('retentionMs', options.retentionMs, DEFAULT_RETENTION_MS, bucketMs, bucketMs * MAX_BUCKETS);
  return {
    bucketMs,
    retentionMs,
    bucketSampleSize: integerOption('bucketSampleSize', options.bucketSampleSize, DEFAULT_BUCKET_SAMPLE_SIZE, 0, MAX_SAMPLE),
    recentSize: integerOption('recentSize', options.recentSize, DEFAULT_RECENT_SIZE, 1, MAX_SAMPLE),
    sampleSize: integerOption('sampleSize', options.sampleSize, baseline.options.reservoir_size, 0, MAX_SAMPLE),
    seed: integerOption('seed', options.seed, randomInt(0, 2 ** 47), Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    maskedColumns: maskedColumns(options.maskedFeatures, baseline),
  };
}

function maskedColumns(names: readonly string[] | undefined, baseline: DriftBaseline): number[] {
  if (names === undefined) return [];
  const columns = new Set<number>();
  for (const name of names) {
    const j = baseline.features.findIndex((f) => f.name === name);
    if (j < 0)
      throw new FraudlensError(
        'CONFIG_INVALID',
        `Drift window option maskedFeatures names "${name}", which is not a feature of the baseline.`,
        { field: 'maskedFeatures' },
      );
    columns.add(j);
  }
  return [...columns].sort((a, b) => a - b);
}

/** A row the stores accept: an array or typed array of the right length, a probability as score. */
export function isValidUpdate(
  row: ArrayLike<number> | null | undefined,
  score: number,
  timeMs: number,
  numFeatures: number,
): boolean {
  return (
    (Array.isArray(row) || ArrayBuffer.isView(row)) &&
    row.length === numFeatures &&
    score >= 0 &&
    score <= 1 &&
    Number.isFinite(timeMs)
  );
}
