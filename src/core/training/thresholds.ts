/**
 * Decision thresholds from validation scores. Scores at or above `decline` are declined, scores
 * at or above `review` go to an analyst, the rest are approved (see `decide` in the engine).
 *
 * The rule, on validation rows, with candidate cut-offs at the distinct validation scores and a
 * cut-off t flagging scores ≥ t:
 * - decline = the lowest cut-off whose precision reaches `targetPrecision` (default 0.9): the
 *   most frauds caught automatically while at most 1 in 10 declines hits a good customer. If no
 *   cut-off reaches it, the lowest cut-off with the highest precision achieved.
 * - review = the highest cut-off whose recall reaches `targetRecall` (default 0.9): the smallest
 *   review queue that still sees 9 frauds in 10. Capped at the decline cut-off.
 * - no positive validation rows: the default cut-offs.
 * The rule actually applied is returned in words with the validation precision and recall.
 */

import { DEFAULT_THRESHOLDS, type DecisionThresholds } from '../engine/model.js';

export const DEFAULT_TARGET_PRECISION = 0.9;
export const DEFAULT_TARGET_RECALL = 0.9;

export interface ThresholdOptions {
  targetPrecision?: number;
  targetRecall?: number;
}

interface Cut {
  threshold: number;
  precision: number;
  recall: number;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/**
 * Chooses review and decline cut-offs from validation scores.
 *
 * @param scores validation probabilities
 * @param labels validation labels (1 = fraud)
 * @param options target precision for declines and target recall for reviews
 * @example chooseThresholds(probs, labels).decline
 */
export function chooseThresholds(scores: ArrayLike<number>, labels: ArrayLike<number>, options: ThresholdOptions = {}): DecisionThresholds {
  const targetPrecision = options.targetPrecision ?? DEFAULT_TARGET_PRECISION;
  const targetRecall = options.targetRecall ?? DEFAULT_TARGET_RECALL;
  if (!(targetPrecision > 0 && targetPrecision <= 1)) throw new RangeError(`targetPrecision must be in (0, 1], got ${targetPrecision}`);
  if (!(targetRecall > 0 && targetRecall <= 1)) throw new RangeError(`targetRecall must be in (0, 1], got ${targetRecall}`);
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  let P = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) P++;
  if (P === 0) return { ...DEFAULT_THRESHOLDS, rule: `default cut-offs (the ${n} validation rows hold no positive)` };

  // One cut per distinct score, from the highest score down.
  const cuts: Cut[] = [];
  let tp = 0;
  let flagged = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    flagged++;
    if (labels[i] === 1) tp++;
    if (k + 1 < n && scores[order[k + 1]] === scores[i]) continue;
    cuts.push({ threshold: scores[i], precision: tp / flagged, recall: tp / P });
  }

  let decline: Cut | undefined;
  for (const c of cuts) if (c.precision >= targetPrecision) decline = c;
  let declineRule: string;
  if (decline !== undefined) {
    declineRule = `decline = lowest score with precision ≥ ${pct(targetPrecision)} on validation (precision ${pct(decline.precision)}, recall ${pct(decline.recall)})`;
  } else {
    let best = cuts[0];
    for (const c of cuts) if (c.precision >= best.precision) best = c;
    decline = best;
    declineRule = `decline = lowest score with the best precision on validation, since ${pct(targetPrecision)} is not reached (precision ${pct(best.precision)}, recall ${pct(best.recall)})`;
  }

  let review = cuts[cuts.length - 1];
  for (const c of cuts) {
    if (c.recall >= targetRecall) {
      review = c;
      break;
    }
  }
  let reviewRule = `review = highest score with recall ≥ ${pct(targetRecall)} on validation (precision ${pct(review.precision)}, recall ${pct(review.recall)})`;
  if (review.threshold > decline.threshold) {
    review = decline;
    reviewRule = 'review = decline (the recall target is met above the decline cut-off)';
  }
  return { review: review.threshold, decline: decline.threshold, rule: `${declineRule}; ${reviewRule}; ${n} validation rows, ${P} positive` };
}
