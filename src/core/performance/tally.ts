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

/** A level's realized and expected precision and recall, read from its block at `lo`. */
export interface LevelReading {
  realized: {
    decisions: number;
    labelled: number;
    true_positives: number;
    false_positives: number;
    /** tp / labelled decisions of the level; null with none labelled. */
    precision: number | null;
    /** tp / labelled frauds of the group; null without any. */
    recall: number | null;
    fraud_amount_caught: number;
  };
  expected: {
    /** Σp / decisions of the level; null when it has none. */
    precision: number | null;
    /** Σp of the level / Σp of the group; null when that is 0. */
    recall: number | null;
  };
}

/**
 * Reads a level's block: realized over its labelled decisions (recall against the group's labelled
 * frauds), expected from the scores alone (Σp of the level over its decisions, and over the group's Σp).
 */
export function readLevel(acc: Float64Array, lo: number, frauds: number, sumP: number): LevelReading {
  const tp = acc[lo + L_TP];
  const fp = acc[lo + L_FP];
  const flagged = acc[lo + L_DECISIONS];
  const flaggedP = acc[lo + L_SUM_P];
  return {
    realized: {
      decisions: flagged,
      labelled: tp + fp,
      true_positives: tp,
      false_positives: fp,
      precision: ratio(tp, tp + fp),
      recall: ratio(tp, frauds),
      fraud_amount_caught: acc[lo + L_AMOUNT],
    },
    expected: { precision: ratio(flaggedP, flagged), recall: ratio(flaggedP, sumP) },
  };
}
