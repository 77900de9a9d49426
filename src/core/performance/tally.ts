/**
 * The counts computePerformance (per maturity) and computePerformanceHistory (per time bucket)
 * gather for a group of decisions, in one layout: a flat Float64Array row per group holding the
 * group's totals, then one block per decision level. One layout and one pair of adders, so a
 * decision is counted the same way in both reports and their counts add up.
 */

/** `DecisionColumns.label` values. */
export const LABEL_FRAUD = 1;
export const LABEL_LEGITIMATE = 0;
export const LABEL_UNKNOWN = -1;

// A group's totals.
export const T_DECISIONS = 0;
export const T_LABELLED = 1;
export const T_FRAUDS = 2;
export const T_LEGIT = 3;
export const T_FRAUD_AMOUNT = 4;
/** Σ score: the frauds the scores expect. */
export const T_SUM_P = 5;
export const TOTAL_STATS = 6;
// A level's block, after the totals.
export const L_DECISIONS = 0;
/** Labelled frauds the level flagged. */
export const L_TP = 1;
/** Labelled legitimate decisions the level flagged. */
export const L_FP = 2;
export const L_AMOUNT = 3;
export const L_SUM_P = 4;
export const LEVEL_STATS = 5;

/** The codes of `DecisionColumns.decision` the levels test against (DECISION_CODES' order). */
export const REVIEW = 1;
export const DECLINE = 2;

/** The row length for `levels` decision levels. */
export const tallyStride = (levels: number): number => TOTAL_STATS + levels * LEVEL_STATS;

/** a / b, or null when b is 0 (nothing to divide). */
export const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** Adds one decision (score p, label y, amount) to the totals at `o`. */
export function tallyTotals(acc: Float64Array, o: number, p: number, y: number, amount: number): void {
  acc[o + T_DECISIONS]++;
  acc[o + T_SUM_P] += p;
  if (y === LABEL_FRAUD) {
    acc[o + T_LABELLED]++;
    acc[o + T_FRAUDS]++;
    acc[o + T_FRAUD_AMOUNT] += amount;
  } else if (y === LABEL_LEGITIMATE) {
    acc[o + T_LABELLED]++;
    acc[o + T_LEGIT]++;
  }
}

/** Adds one decision the level flagged to the level's block at `lo`. */
export function tallyLevel(acc: Float64Array, lo: number, p: number, y: number, amount: number): void {
  acc[lo + L_DECISIONS]++;
  acc[lo + L_SUM_P] += p;
  if (y === LABEL_FRAUD) {
    acc[lo + L_TP]++;
    acc[lo + L_AMOUNT] += amount;
  } else if (y === LABEL_LEGITIMATE) acc[lo + L_FP]++;
}
