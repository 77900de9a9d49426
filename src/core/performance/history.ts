/**
 * Performance over time: the decisions of a window cut into equal time buckets, and per bucket and
 * per decision level (review, decline) the realized precision, recall and fraud amount caught, the
 * labelled share, and the precision and recall the scores alone expect (the same confidence-based
 * estimate as computePerformance, performance.ts).
 *
 * The buckets are anchored at the window's end and counted backwards, so together they cover
 * exactly the window GET /performance judges: (to − bucket, to] is the last, and the first is cut
 * at the window's start (which it includes, as computePerformance does). Their counts then add up
 * to computePerformance's, and a bucket as long as the window gives its figures.
 *
 * One pass over the columns accumulates every count into one flat table allocated up front (a row
 * allocates nothing); window "all" first scans the time column alone for its start.
 */

import { FraudlensError } from '../errors.js';
import { checkColumns, type DecisionColumns } from './performance.js';
import {
  DECLINE,
  LEVEL_STATS,
  ratio,
  REVIEW,
  T_DECISIONS,
  T_FRAUD_AMOUNT,
  T_FRAUDS,
  T_LABELLED,
  T_LEGIT,
  T_SUM_P,
  tallyLevel,
  tallyStride,
  tallyTotals,
  readLevel,
  type LevelReading,
  TOTAL_STATS,
} from './tally.js';

/** The most buckets one answer holds: a year of days, or a month of hours, fit; a chart cannot show more. */
export const MAX_HISTORY_BUCKETS = 1000;

/** The decision levels followed over time: what the review cut-off flags (review or decline), and declines. */
export const HISTORY_LEVELS = ['review', 'decline'] as const;
export type HistoryLevelName = (typeof HISTORY_LEVELS)[number];

/** A level's figures in one bucket (tally.ts's reading: realized over labelled decisions, expected from the scores). */
export type HistoryLevel = { level: HistoryLevelName } & LevelReading;

export interface HistoryBucket {
  /** Start of the bucket (ms since the epoch): excluded, except for the first bucket, which starts the window. */
  from: number;
  /** End of the bucket (ms since the epoch), included. */
  to: number;
  decisions: number;
  labelled: number;
  /** labelled / decisions; null without decisions. */
  labelled_share: number | null;
  frauds: number;
  legitimate: number;
  fraud_amount: number;
  /** Σp: the frauds the scores expect among the bucket's decisions. */
  expected_frauds: number;
  levels: HistoryLevel[];
}

export interface VersionHistory {
  model_version: string;
  buckets: HistoryBucket[];
}

export interface HistorySelection {
  /** Decisions made at or after this instant; undefined: from the oldest decision selected. */
  since?: number | undefined;
  /** Only this model version (by name). */
  modelVersion?: string | undefined;
}

// The tally (tally.ts): a row per (version, bucket), its levels HISTORY_LEVELS.
const STRIDE = tallyStride(HISTORY_LEVELS.length);

/**
 * How many buckets of `bucketMs` cover (since, until]: at least one, even for an empty span.
 *
 * @example bucketCount(0, 86_400_000, 3_600_000) // 24
 */
export function bucketCount(since: number, until: number, bucketMs: number): number {
  return Math.max(1, Math.ceil((until - since) / bucketMs));
}

/**
 * Realized and expected performance per time bucket, per model version with decisions selected.
 *
 * @param columns the decisions, labels joined (computePerformance's input)
 * @param now the window's end (ms since the epoch): the last bucket ends here
 * @param bucketMs the bucket's length in ms (> 0)
 * @param selection the window's start and a model version
 * @throws FraudlensError HISTORY_TOO_MANY_BUCKETS when the window holds more than MAX_HISTORY_BUCKETS
 * @example computePerformanceHistory(columns, Date.now(), 86_400_000, { since: Date.now() - 30 * 86_400_000 })
 */
export function computePerformanceHistory(
  columns: DecisionColumns,
  now: number,
  bucketMs: number,
  selection: HistorySelection = {},
): VersionHistory[] {
  checkColumns(columns);
  if (!(bucketMs > 0)) throw new RangeError(`bucket length must be positive, got ${bucketMs}`);
  const n = columns.count;
  const V = columns.modelVersions.length;
  const only = selection.modelVersion === undefined ? -1 : columns.modelVersions.indexOf(selection.modelVersion);
  if (selection.modelVersion !== undefined && only < 0) return [];
  const { score, decision, label, amount, time, modelVersion: version } = columns;
  const until = now;
  let since = selection.since ?? Infinity;
  if (selection.since === undefined) {
    // Window "all": the oldest selected decision starts it (replaced rows have an infinite time).
    for (let i = 0; i < n; i++) {
      const t = time[i];
      if (t < since && t <= until && (only < 0 || version[i] === only)) since = t;
    }
    if (since === Infinity) return [];
  }
  const B = bucketCount(since, until, bucketMs);
  if (B > MAX_HISTORY_BUCKETS)
    throw new FraudlensError(
      'HISTORY_TOO_MANY_BUCKETS',
      `the window holds ${B} buckets of ${bucketMs / 1000} s, more than the ${MAX_HISTORY_BUCKETS} allowed; choose a longer bucket or a shorter window`,
      { field: 'bucket' },
    );
  const acc = new Float64Array(V * B * STRIDE);
  const last = B - 1;

  for (let i = 0; i < n; i++) {
    const t = time[i];
    if (t < since || t > until) continue;
    const v = version[i];
    if (only >= 0 && v !== only) continue;
    if (v < 0 || v >= V) throw new RangeError(`decision ${i}: model version index ${v} outside 0..${V - 1}`);
    // Buckets back from the end; the window's start (exactly B buckets back) belongs to the first.
    const back = Math.floor((until - t) / bucketMs);
    const o = (v * B + (back >= last ? 0 : last - back)) * STRIDE;
    const p = score[i];
    const y = label[i];
    const d = decision[i];
    const a = amount[i];
    const amt = a === a ? a : 0;
    tallyTotals(acc, o, p, y, amt);
    // Level 0 (review) holds review and decline; level 1 declines only.
    for (let l = 0; l < 2; l++) {
      if (l === 0 ? d < REVIEW : d !== DECLINE) continue;
      tallyLevel(acc, o + TOTAL_STATS + l * LEVEL_STATS, p, y, amt);
    }
  }

  const bucket = (v: number, b: number): HistoryBucket => {
    const o = (v * B + b) * STRIDE;
    const total = acc[o + T_DECISIONS];
    const labelled = acc[o + T_LABELLED];
    const frauds = acc[o + T_FRAUDS];
    const sumP = acc[o + T_SUM_P];
    return {
      from: b === 0 ? since : until - (B - b) * bucketMs,
      to: until - (last - b) * bucketMs,
      decisions: total,
      labelled,
      labelled_share: ratio(labelled, total),
      frauds,
      legitimate: acc[o + T_LEGIT],
      fraud_amount: acc[o + T_FRAUD_AMOUNT],
      expected_frauds: sumP,
      levels: HISTORY_LEVELS.map((level, l) => ({ level, ...readLevel(acc, o + TOTAL_STATS + l * LEVEL_STATS, frauds, sumP) })),
    };
  };
  const out: VersionHistory[] = [];
  for (let v = 0; v < V; v++) {
    let decisions = 0;
    for (let b = 0; b < B; b++) decisions += acc[(v * B + b) * STRIDE + T_DECISIONS];
    // As computePerformance: a version without decisions in the window is left out.
    if (decisions === 0) continue;
    const buckets: HistoryBucket[] = [];
    for (let b = 0; b < B; b++) buckets.push(bucket(v, b));
    out.push({ model_version: columns.modelVersions[v], buckets });
  }
  return out;
}
