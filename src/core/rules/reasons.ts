/**
 * Reason codes: why a transaction got its decision, in words a customer-service agent can read.
 * Every decision carries one deciding reason (the rule that matched, or the threshold the score
 * crossed) and, when the explanation is at hand, the features that pushed the score towards
 * fraud the most (positive TreeSHAP contributions), described in words when the model knows how.
 */

import type { Decision, DecisionThresholds } from '../engine/model.js';

export type ReasonKind = 'rule' | 'threshold' | 'feature';

export interface Reason {
  kind: ReasonKind;
  /** Stable: the rule id, `threshold_<decision>`, or the feature name. */
  code: string;
  text: string;
  feature?: string;
  value?: number | string | null;
  /** Log-odds the feature added to the margin (TreeSHAP). */
  contribution?: number;
}

/** The reason of a decision a rule made (built once per compiled rule: CompiledRule.reasonCode). */
export function ruleReason(rule: { id: string; reason: string }): Reason {
  return Object.freeze({ kind: 'rule', code: rule.id, text: rule.reason });
}

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4))));

/**
 * The reason of a decision the thresholds made. It names the threshold, not the score (which the
 * prediction carries beside it), so one frozen object per model and decision serves every
 * request (see thresholdReasons).
 */
export function thresholdReason(thresholds: DecisionThresholds, decision: Decision): Reason {
  const text =
    decision === 'decline'
      ? `fraud score at or above the decline threshold ${fmt(thresholds.decline)}`
      : decision === 'review'
        ? `fraud score at or above the review threshold ${fmt(thresholds.review)}, below the decline threshold ${fmt(thresholds.decline)}`
        : `fraud score below the review threshold ${fmt(thresholds.review)}`;
  return Object.freeze({ kind: 'threshold', code: `threshold_${decision}`, text });
}

/** The three threshold reasons of a model's thresholds, built once. */
export function thresholdReasons(thresholds: DecisionThresholds): Readonly<Record<Decision, Reason>> {
  return Object.freeze({
    approve: thresholdReason(thresholds, 'approve'),
    review: thresholdReason(thresholds, 'review'),
    decline: thresholdReason(thresholds, 'decline'),
  });
}

/**
 * The features with the largest positive contributions, largest first (ties: feature order).
 * Selection without sorting all features; writes their indices to `out` and returns how many
 * (at most k, only positive contributions).
 * @param phi contributions per feature (the bias term beyond `n` is ignored)
 */
export function topFraudFeatures(phi: ArrayLike<number>, n: number, k: number, out: Int32Array): number {
  let count = 0;
  const limit = Math.min(k, out.length);
  for (let j = 0; j < n; j++) {
    const v = phi[j];
    if (!(v > 0)) continue;
    // Insertion into the short sorted list out[0..count).
    let pos = count < limit ? count : limit;
    while (pos > 0 && phi[out[pos - 1]] < v) pos--;
    if (pos >= limit) continue;
    const last = Math.min(count, limit - 1);
    for (let i = last; i > pos; i--) out[i] = out[i - 1];
    out[pos] = j;
    if (count < limit) count++;
  }
  return count;
}

/**
 * A feature pushing towards fraud, in words: "transactions of this card in the last hour: 7".
 * @param description what the feature is, when the model knows (derived features), else null
 */
export function featureReason(
  name: string,
  description: string | null,
  value: number | string | null,
  contribution: number,
): Reason {
  const shown = value === null ? 'missing' : typeof value === 'number' ? fmt(value) : value;
  // Frozen: the prediction log can keep it as it is instead of copying it.
  return Object.freeze({
    kind: 'feature',
    code: name,
    text: `${description ?? name}: ${shown}`,
    feature: name,
    value,
    contribution,
  });
}
