/**
 * Champion against challengers on the same labelled transactions: each model's precision and
 * recall at its own thresholds (a transaction is flagged when the model decided review or
 * decline), PR-AUC (average precision) and ROC-AUC of its scores, and the fraud amount it caught;
 * and, for each challenger beside the champion, how often the two decide alike and how far apart
 * their scores are (mean absolute difference, and the two-sample Kolmogorov-Smirnov statistic of
 * the two score distributions from core/drift).
 *
 * Input is flat columns, one entry per transaction, every model scored on every transaction (the
 * caller keeps only the transactions each model scored); one pass per model.
 */

import { ksTwoSample } from '../drift/ks.js';
import { rankingMetrics } from '../training/metrics.js';

/** `ComparedModel.decision` codes: the index into the decisions, in order of severity. */
export const COMPARED_APPROVE = 0;

/** One model's verdicts on the compared transactions. */
export interface ComparedModel {
  alias: string;
  /** Fraud probability in [0, 1], one per transaction. */
  score: Float64Array;
  /** 0 approve, 1 review, 2 decline (DECISION_CODES order), one per transaction. */
  decision: Uint8Array;
}

export interface ComparisonInput {
  /** 1 fraud, 0 legitimate, one per transaction (only labelled transactions are compared). */
  label: Uint8Array;
  /** The transaction's amount; NaN when unknown (left out of the amount sums). */
  amount: Float64Array;
  /** The champion first, then the challengers. */
  models: readonly ComparedModel[];
}

export interface ModelFigures {
  alias: string;
  /** Transactions the model flagged (review or decline). */
  flagged: number;
  /** Labelled frauds among the flagged / flagged; null when nothing was flagged. */
  precision: number | null;
  /** Flagged frauds / all frauds; null without frauds. */
  recall: number | null;
  /** Average precision of the scores; null without frauds. */
  pr_auc: number | null;
  /** ROC-AUC of the scores; null unless both classes are present. */
  roc_auc: number | null;
  /** Sum of the amounts of the flagged frauds. */
  fraud_amount_caught: number;
  /** Share of transactions on which this model and the champion decided alike (approve, review, decline); null for the champion. */
  agreement: number | null;
  /** Mean |score − champion's score|; null for the champion. */
  mean_abs_score_difference: number | null;
  /** KS statistic D between this model's and the champion's score distributions; null for the champion. */
  score_ks_statistic: number | null;
  /** Its two-sided p-value (scipy's ks_2samp, method auto); null for the champion. */
  score_ks_p_value: number | null;
}

export interface Comparison {
  transactions: number;
  frauds: number;
  models: ModelFigures[];
}

/**
 * Compares the models on the same labelled transactions. With no transaction every figure is null
 * (or 0 for counts and amounts): nothing to judge is not an error.
 * @example compareModels({ label, amount, models: [{ alias: 'champion', score, decision }, { alias: 'deep', score: s2, decision: d2 }] })
 */
export function compareModels(input: ComparisonInput): Comparison {
  const { label, amount, models } = input;
  const n = label.length;
  let frauds = 0;
  for (let i = 0; i < n; i++) frauds += label[i];
  const champion = models[0];
  const out: ModelFigures[] = [];
  for (let k = 0; k < models.length; k++) {
    const m = models[k];
    let flagged = 0;
    let caught = 0;
    let caughtAmount = 0;
    let agree = 0;
    let absDiff = 0;
    for (let i = 0; i < n; i++) {
      const isFlagged = m.decision[i] !== COMPARED_APPROVE;
      if (isFlagged) {
        flagged++;
        if (label[i] === 1) {
          caught++;
          if (!Number.isNaN(amount[i])) caughtAmount += amount[i];
        }
      }
      if (k > 0) {
        if (m.decision[i] === champion.decision[i]) agree++;
        absDiff += Math.abs(m.score[i] - champion.score[i]);
      }
    }
    const bothClasses = frauds > 0 && frauds < n;
    const ranking = frauds > 0 ? rankingMetrics(m.score, label) : null;
    const figures: ModelFigures = {
      alias: m.alias,
      flagged,
      precision: flagged > 0 ? caught / flagged : null,
      recall: frauds > 0 ? caught / frauds : null,
      pr_auc: ranking !== null ? ranking.pr_auc : null,
      roc_auc: ranking !== null && bothClasses ? ranking.roc_auc : null,
      fraud_amount_caught: caughtAmount,
      agreement: null,
      mean_abs_score_difference: null,
      score_ks_statistic: null,
      score_ks_p_value: null,
    };
    if (k > 0 && n > 0) {
      const ks = ksTwoSample(champion.score, m.score);
      figures.agreement = agree / n;
      figures.mean_abs_score_difference = absDiff / n;
      figures.score_ks_statistic = ks.statistic;
      figures.score_ks_p_value = ks.pValue;
    }
    out.push(figures);
  }
  return { transactions: n, frauds, models: out };
}
