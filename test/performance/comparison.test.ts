/**
 * Champion/challenger comparison against scikit-learn and scipy: fixtures/comparison/reference.json
 * is written by scripts/comparison_reference.py and holds 3,000 labelled transactions scored by a
 * champion and two challengers (one with tied scores), each with its decisions at its own
 * thresholds, and the figures scikit-learn (precision, recall, average precision, ROC-AUC,
 * accuracy as agreement) and scipy (ks_2samp) give for them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { compareModels, type ComparedModel } from '../../src/core/performance/comparison.js';
import { fixturePath } from '../helpers/paths.js';

/** Ratios and sums in float64 added in another order than numpy's pairwise sums: a few ulps. */
const FIGURE_TOLERANCE = 1e-12;
/** The fraud amount caught is a sum of up to 150 amounts of about 10^2: float64 rounding of the sum. */
const AMOUNT_TOLERANCE = 1e-9;
/** scipy's exact KS p-value and ours follow different recurrences: agreement to 1e-9 relative. */
const KS_P_RELATIVE_TOLERANCE = 1e-9;

interface Reference {
  label: number[];
  amount: (number | null)[];
  frauds: number;
  models: { alias: string; score: number[]; decision: number[]; expected: Record<string, number> }[];
}

const ref = JSON.parse(readFileSync(fixturePath('comparison', 'reference.json'), 'utf8')) as Reference;

function close(actual: number | null, expected: number, tolerance: number, what: string): void {
  assert.ok(actual !== null, `${what} is null, expected ${expected}`);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs scikit-learn ${expected} (tolerance ${tolerance})`);
}

describe('compareModels against scikit-learn', () => {
  const models: ComparedModel[] = ref.models.map((m) => ({
    alias: m.alias,
    score: Float64Array.from(m.score),
    decision: Uint8Array.from(m.decision),
  }));
  const result = compareModels({
    label: Uint8Array.from(ref.label),
    amount: Float64Array.from(ref.amount, (a) => (a === null ? NaN : a)),
    models,
  });

  it('counts the compared transactions and frauds', () => {
    assert.equal(result.transactions, ref.label.length);
    assert.equal(result.frauds, ref.frauds);
  });

  for (const [k, m] of ref.models.entries()) {
    it(`${m.alias}: precision, recall, PR-AUC, ROC-AUC and fraud amount caught at its own thresholds`, () => {
      const got = result.models[k];
      assert.equal(got.alias, m.alias);
      assert.equal(got.flagged, m.expected.flagged);
      close(got.precision, m.expected.precision, FIGURE_TOLERANCE, 'precision');
      close(got.recall, m.expected.recall, FIGURE_TOLERANCE, 'recall');
      close(got.pr_auc, m.expected.pr_auc, FIGURE_TOLERANCE, 'PR-AUC');
      close(got.roc_auc, m.expected.roc_auc, FIGURE_TOLERANCE, 'ROC-AUC');
      close(got.fraud_amount_caught, m.expected.fraud_amount_caught, AMOUNT_TOLERANCE, 'fraud amount caught');
    });
    if (k === 0) {
      it('the champion has no agreement or drift with itself', () => {
        const got = result.models[0];
        assert.equal(got.agreement, null);
        assert.equal(got.mean_abs_score_difference, null);
        assert.equal(got.score_ks_statistic, null);
      });
      continue;
    }
    it(`${m.alias}: agreement with the champion and score drift (KS as scipy.stats.ks_2samp)`, () => {
      const got = result.models[k];
      close(got.agreement, m.expected.agreement, FIGURE_TOLERANCE, 'agreement');
      close(got.mean_abs_score_difference, m.expected.mean_abs_score_difference, FIGURE_TOLERANCE, 'mean |Δscore|');
      close(got.score_ks_statistic, m.expected.score_ks_statistic, FIGURE_TOLERANCE, 'KS statistic');
      const p = m.expected.score_ks_p_value;
      close(got.score_ks_p_value, p, Math.max(p * KS_P_RELATIVE_TOLERANCE, Number.MIN_VALUE), 'KS p-value');
    });
  }

  it('nothing to compare gives null figures, not an error', () => {
    const empty = compareModels({
      label: new Uint8Array(0),
      amount: new Float64Array(0),
      models: [
        { alias: 'champion', score: new Float64Array(0), decision: new Uint8Array(0) },
        { alias: 'deep', score: new Float64Array(0), decision: new Uint8Array(0) },
      ],
    });
    assert.equal(empty.transactions, 0);
    assert.deepEqual(
      empty.models.map((m) => [m.precision, m.recall, m.pr_auc, m.agreement]),
      [
        [null, null, null, null],
        [null, null, null, null],
      ],
    );
  });
});
