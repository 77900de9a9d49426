/**
 * Live performance of decisions whose true labels arrive late: per model version and per decision
 * level (review, decline, each rule), realized precision, recall, false-positive rate and fraud
 * amount caught over the labelled decisions, ROC-AUC and PR-AUC of the scores, the labelled share,
 * the same again for decisions older than 7 / 30 / 60 days (labels mature), and beside them the
 * precision, recall and false-positive rate expected from the scores alone.
 *
 * The expectation is confidence-based, in the manner of NannyML's CBPE: a calibrated score p is
 * the probability that the decision is fraud, so a set of flagged decisions is expected to hold
 * Σp frauds and Σ(1 − p) legitimate ones, and all decisions Σp frauds in all. It needs no label,
 * which is why it can be shown for last week's decisions, but it holds only while the scores stay
 * calibrated: under concept drift (fraud changing while the inputs do not) it is wrong without
 * warning, and the realized figures of mature decisions are the check.
 *
 * Input is flat columns, one entry per decision; one pass accumulates every count into a flat
 * table, and the AUCs run over labelled scores gathered oldest first so that each maturity is a
 * prefix (a view, no copy).
 */

import { averagePrecisionFromRanks, rocFromRanks, type Ranks } from '../training/metrics.js';
import {
  DECLINE,
  L_SUM_P,
  LABEL_FRAUD,
  LABEL_UNKNOWN,
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
  TOTAL_STATS,
} from './tally.js';

/** The decision codes of `DecisionColumns.decision`, in order of severity. */
export const DECISION_CODES = ['approve', 'review', 'decline'] as const;
export type DecisionCode = (typeof DECISION_CODES)[number];
export { LABEL_FRAUD, LABEL_LEGITIMATE, LABEL_UNKNOWN } from './tally.js';
/** `DecisionColumns.rule` of a decision no rule made (the thresholds did). */
export const NO_RULE = -1;

/** Ages, in days, from which labels are taken as mature: chargebacks take weeks. */
export const MATURITY_DAYS = [7, 30, 60] as const;
const DAY_MS = 86_400_000;

/**
 * The decisions to judge, one entry per decision in every array.
 * `modelVersion` and `rule` index into `modelVersions` and `rules`; the shape of the label store's
 * `labelledDecisions` read.
 */
export interface DecisionColumns {
  count: number;
  /** Fraud probability in [0, 1]. */
  score: Float64Array;
  /** Index into DECISION_CODES. */
  decision: Uint8Array;
  /** Index into `rules` of the rule that decided, or NO_RULE. */
  rule: Int32Array;
  /** LABEL_FRAUD, LABEL_LEGITIMATE or LABEL_UNKNOWN. */
  label: Int8Array;
  /** The transaction's amount; NaN when unknown (left out of the amount sums). */
  amount: Float64Array;
  /** Decision time, ms since the epoch. */
  time: Float64Array;
  /** Index into `modelVersions`. */
  modelVersion: Int32Array;
  modelVersions: readonly string[];
  rules: readonly string[];
}

/** A set of decisions judged together: "review" holds review and decline decisions (the review cut-off flags both). */
export type LevelKey = { level: 'review' } | { level: 'decline' } | { level: 'rule'; rule: string };

export interface RealizedLevel {
  /** Decisions in the set, labelled or not. */
  decisions: number;
  labelled: number;
  true_positives: number;
  false_positives: number;
  /** tp / (tp + fp) over the labelled decisions of the set; null with none labelled. */
  precision: number | null;
  /** tp / labelled frauds of the version; null without labelled frauds. */
  recall: number | null;
  /** fp / labelled legitimate decisions of the version; null without any. */
  false_positive_rate: number | null;
  /** Sum of the amounts of the set's labelled frauds. */
  fraud_amount_caught: number;
}

export interface ExpectedLevel {
  /** Σp / decisions in the set; null for an empty set. */
  precision: number | null;
  /** Σp over the set / Σp over all decisions; null when Σp is 0. */
  recall: number | null;
  /** Σ(1 − p) over the set / Σ(1 − p) over all; null when that is 0. */
  false_positive_rate: number | null;
}

export type LevelFigures = LevelKey & { realized: RealizedLevel; expected: ExpectedLevel };

export interface PerformanceFigures {
  decisions: number;
  labelled: number;
  /** labelled / decisions; null without decisions. */
  labelled_share: number | null;
  frauds: number;
  legitimate: number;
  /** Sum of the amounts of the labelled frauds. */
  fraud_amount: number;
  /** Over labelled decisions; null unless both classes are present. */
  roc_auc: number | null;
  /** Average precision as scikit-learn; null without labelled frauds. */
  pr_auc: number | null;
  /** Frauds the scores expect among all decisions (Σp). */
  expected_frauds: number;
  levels: LevelFigures[];
}

export interface VersionPerformance {
  model_version: string;
  all: PerformanceFigures;
  /** One entry per MATURITY_DAYS: the decisions made at least that many days before `now`. */
  by_maturity: (PerformanceFigures & { older_than_days: number })[];
}

// The tally (tally.ts): a row per (version, maturity bucket), its levels review, decline, then each rule.
const finite = (x: number): number | null => (Number.isNaN(x) ? null : x);

/** Refuses columns shorter than the decision count (the loops trust the lengths after it). */
export function checkColumns(c: DecisionColumns): void {
  const n = c.count;
  for (const [name, a] of Object.entries({
    score: c.score,
    decision: c.decision,
    rule: c.rule,
    label: c.label,
    amount: c.amount,
    time: c.time,
    modelVersion: c.modelVersion,
  })) {
    if (a.length < n) throw new RangeError(`column ${name} holds ${a.length} entries, fewer than the ${n} decisions`);
  }
}

/** Which decisions of the columns to judge. */
export interface PerformanceSelection {
  /** Only decisions made at or after this instant (ms since the epoch). */
  since?: number | undefined;
  /** Only decisions made at or before this instant (default: `now`). */
  until?: number | undefined;
  /** Only this model version (by name); versions without decisions are left out either way. */
  modelVersion?: string | undefined;
}

/**
 * Realized and expected performance per model version with decisions in the selection.
 *
 * @param columns the decisions, labels joined
 * @param now the instant ages are measured from (ms since the epoch): the window's end
 * @param selection a time window and model version within the columns
 * @example computePerformance(columns, Date.now(), { since: Date.now() - 30 * 86_400_000 })[0].all.levels[1].realized.precision
 */
export function computePerformance(
  columns: DecisionColumns,
  now: number,
  selection: PerformanceSelection = {},
): VersionPerformance[] {
  checkColumns(columns);
  const since = selection.since ?? -Infinity;
  const until = selection.until ?? now;
  const only = selection.modelVersion === undefined ? -1 : columns.modelVersions.indexOf(selection.modelVersion);
  if (selection.modelVersion !== undefined && only < 0) return [];
  const n = columns.count;
  const V = columns.modelVersions.length;
  const R = columns.rules.length;
  const B = MATURITY_DAYS.length + 1;
  const levels = 2 + R;
  const stride = tallyStride(levels);
  const acc = new Float64Array(V * B * stride);
  const cutoffs = MATURITY_DAYS.map((d) => now - d * DAY_MS);
  // Labelled decisions per (version, deepest bucket), to gather the AUC inputs oldest first.
  const labelledAt = new Float64Array(V * B);
  const { score, decision, rule, label, amount, time, modelVersion: version } = columns;

  for (let i = 0; i < n; i++) {
    const v = version[i];
    if (v < 0 || v >= V) throw new RangeError(`decision ${i}: model version index ${v} outside 0..${V - 1}`);
    const t = time[i];
    if (t < since || t > until || (only >= 0 && v !== only)) continue;
    const p = score[i];
    const y = label[i];
    const d = decision[i];
    const r = rule[i];
    const a = amount[i];
    const amt = a === a ? a : 0;
    let deepest = 0;
    while (deepest < cutoffs.length && t <= cutoffs[deepest]) deepest++;
    if (y !== LABEL_UNKNOWN) labelledAt[v * B + deepest]++;
    {
      // Counted in its deepest bucket only; the buckets are nested, summed from the deepest up below.
      const o = (v * B + deepest) * stride;
      tallyTotals(acc, o, p, y, amt);
      // Level 0: review or stricter; level 1: decline; level 2 + r: decided by rule r.
      for (let l = 0; l < 3; l++) {
        let lo: number;
        if (l === 0) {
          if (d < REVIEW) continue;
          lo = o + TOTAL_STATS;
        } else if (l === 1) {
          if (d !== DECLINE) continue;
          lo = o + TOTAL_STATS + LEVEL_STATS;
        } else {
          if (r === NO_RULE) continue;
          if (r < 0 || r >= R) throw new RangeError(`decision ${i}: rule index ${r} outside 0..${R - 1}`);
          lo = o + TOTAL_STATS + (2 + r) * LEVEL_STATS;
        }
        tallyLevel(acc, lo, p, y, amt);
      }
    }
  }

  for (let v = 0; v < V; v++) {
    for (let b = B - 2; b >= 0; b--) {
      const o = (v * B + b) * stride;
      const deeper = o + stride;
      for (let k = 0; k < stride; k++) acc[o + k] += acc[deeper + k];
    }
  }
  const ranking = rankingByBucket(columns, labelledAt, cutoffs, V, B, since, until, only);
  const keys: LevelKey[] = [
    { level: 'review' },
    { level: 'decline' },
    ...columns.rules.map((id) => ({ level: 'rule' as const, rule: id })),
  ];
  const figures = (v: number, b: number): PerformanceFigures => {
    const o = (v * B + b) * stride;
    const total = acc[o + T_DECISIONS];
    const frauds = acc[o + T_FRAUDS];
    const legit = acc[o + T_LEGIT];
    const sumP = acc[o + T_SUM_P];
    const sumQ = total - sumP;
    return {
      decisions: total,
      labelled: acc[o + T_LABELLED],
      labelled_share: ratio(acc[o + T_LABELLED], total),
      frauds,
      legitimate: legit,
      fraud_amount: acc[o + T_FRAUD_AMOUNT],
      roc_auc: finite(ranking[(v * B + b) * 2]),
      pr_auc: finite(ranking[(v * B + b) * 2 + 1]),
      expected_frauds: sumP,
      levels: keys.map((key, l) => {
        const lo = o + TOTAL_STATS + l * LEVEL_STATS;
        const { realized, expected } = readLevel(acc, lo, frauds, sumP);
        const flagged = realized.decisions;
        return {
          ...key,
          realized: { ...realized, false_positive_rate: ratio(realized.false_positives, legit) },
          expected: {
            ...expected,
            // Clamped at 0: Σ(1 − p) of the set as (count − Σp) can round a hair below zero.
            false_positive_rate: ratio(Math.max(0, flagged - acc[lo + L_SUM_P]), sumQ),
          },
        };
      }),
    };
  };
  const out: VersionPerformance[] = [];
  columns.modelVersions.forEach((model_version, v) => {
    if (acc[v * B * stride + T_DECISIONS] === 0) return;
    out.push({
      model_version,
      all: figures(v, 0),
      by_maturity: MATURITY_DAYS.map((days, k) => ({ older_than_days: days, ...figures(v, k + 1) })),
    });
  });
  return out;
}

/**
 * ROC-AUC and average precision per (version, maturity bucket), as pairs in a flat array. The
 * labelled decisions of a version are gathered deepest bucket first, so "older than d days" is
 * a prefix of the gathered arrays.
 */
function rankingByBucket(
  c: DecisionColumns,
  labelledAt: Float64Array,
  cutoffs: number[],
  V: number,
  B: number,
  since: number,
  until: number,
  only: number,
): Float64Array {
  const out = new Float64Array(V * B * 2).fill(NaN);
  // Start of each (version, deepest bucket) group in the gathered order: versions one after another,
  // within a version the deepest bucket first.
  const start = new Float64Array(V * B);
  const versionStart = new Float64Array(V + 1);
  let at = 0;
  for (let v = 0; v < V; v++) {
    versionStart[v] = at;
    for (let b = B - 1; b >= 0; b--) {
      start[v * B + b] = at;
      at += labelledAt[v * B + b];
    }
  }
  versionStart[V] = at;
  const scores = new Float64Array(at);
  const labels = new Uint8Array(at);
  const next = start.slice();
  for (let i = 0; i < c.count; i++) {
    const y = c.label[i];
    if (y === LABEL_UNKNOWN) continue;
    const t = c.time[i];
    // Rows outside the selection counted nothing in labelledAt: they have no place here.
    if (t < since || t > until || (only >= 0 && c.modelVersion[i] !== only)) continue;
    let deepest = 0;
    while (deepest < cutoffs.length && t <= cutoffs[deepest]) deepest++;
    const g = c.modelVersion[i] * B + deepest;
    const k = next[g]++;
    scores[k] = c.score[i];
    labels[k] = y === LABEL_FRAUD ? 1 : 0;
  }
  for (let v = 0; v < V; v++) {
    const from = versionStart[v];
    const to = versionStart[v + 1];
    if (to === from) continue;
    // Deepest bucket of each gathered row, from the group boundaries (deepest group first).
    const ends = new Float64Array(B);
    for (let b = 0; b < B; b++) ends[b] = start[v * B + b] + labelledAt[v * B + b];
    const ranks = nestedRanks(
      scores.subarray(from, to),
      labels.subarray(from, to),
      ends.map((e) => e - from),
      B,
    );
    for (let b = 0; b < B; b++) {
      if (ranks[b].positives + ranks[b].negatives === 0) continue;
      out[(v * B + b) * 2] = rocFromRanks(ranks[b]);
      out[(v * B + b) * 2 + 1] = averagePrecisionFromRanks(ranks[b]);
    }
  }
  return out;
}

/** Lookup cells over [0, 1] that narrow each binary search to the distinct positive scores of one cell. */
const LOOKUP_CELLS = 1 << 16;

/**
 * The ranks of the negatives among the positives for every nested bucket at once: rows are ordered
 * deepest bucket first, and bucket b is rows [0, ends[b]). One sort of the version's positives,
 * one search per row (narrowed by a lookup table over the score range), counts kept in the row's
 * deepest bucket and summed outwards; a bucket without positives at some score has none there,
 * which adds nothing to its AUCs.
 */
function nestedRanks(scores: Float64Array, labels: Uint8Array, ends: Float64Array, B: number): Ranks[] {
  const n = scores.length;
  let p = 0;
  for (let i = 0; i < n; i++) p += labels[i];
  const pos = new Float64Array(p);
  for (let i = 0, k = 0; i < n; i++) if (labels[i] === 1) pos[k++] = scores[i];
  pos.sort();
  const distinctAll = new Float64Array(p);
  let d = 0;
  for (let i = 0; i < p; i++) if (d === 0 || distinctAll[d - 1] !== pos[i]) distinctAll[d++] = pos[i];
  const distinct = distinctAll.subarray(0, d);
  // cellStart[c]: distinct scores below cell c's lower edge (scores outside [0, 1] fall in the end cells).
  const lo = d > 0 ? Math.min(0, distinct[0]) : 0;
  const hi = d > 0 ? Math.max(1, distinct[d - 1]) : 1;
  const scale = LOOKUP_CELLS / (hi - lo);
  const cellOf = (s: number): number => {
    const c = Math.floor((s - lo) * scale);
    return c < 0 ? 0 : c >= LOOKUP_CELLS ? LOOKUP_CELLS - 1 : c;
  };
  const cellStart = new Int32Array(LOOKUP_CELLS + 1);
  for (let j = 0; j < d; j++) cellStart[cellOf(distinct[j]) + 1]++;
  for (let c = 0; c < LOOKUP_CELLS; c++) cellStart[c + 1] += cellStart[c];
  const out: Ranks[] = [];
  for (let b = 0; b < B; b++) {
    out.push({
      positives: 0,
      negatives: 0,
      distinct,
      posAt: new Float64Array(d),
      slot: new Float64Array(d + 1),
      tied: new Float64Array(d),
    });
  }
  let deepest = B - 1;
  for (let i = 0; i < n; i++) {
    // Rows of the deepest bucket come first; past its end, the next shallower one.
    while (deepest > 0 && i >= ends[deepest]) deepest--;
    const s = scores[i];
    // j = distinct positive scores ≤ s: everything below s's cell, then a search within the cell.
    const c = cellOf(s);
    let a = cellStart[c];
    let z = cellStart[c + 1];
    while (a < z) {
      const mid = (a + z) >>> 1;
      if (distinct[mid] <= s) a = mid + 1;
      else z = mid;
    }
    // Counted in the row's deepest bucket; the shallower buckets add the deeper ones' counts below.
    const r = out[deepest];
    if (labels[i] === 1) {
      r.positives++;
      r.posAt[a - 1]++;
    } else {
      r.negatives++;
      r.slot[a]++;
      if (a > 0 && distinct[a - 1] === s) r.tied[a - 1]++;
    }
  }
  for (let b = B - 2; b >= 0; b--) {
    const r = out[b];
    const deeper = out[b + 1];
    r.positives += deeper.positives;
    r.negatives += deeper.negatives;
    for (let j = 0; j < d; j++) {
      r.posAt[j] += deeper.posAt[j];
      r.slot[j] += deeper.slot[j];
      r.tied[j] += deeper.tied[j];
    }
    r.slot[d] += deeper.slot[d];
  }
  return out;
}
