/**
 * Live performance against scikit-learn: fixtures/performance/reference.json is written by
 * scripts/performance_reference.py and holds 4,000 decisions of two model versions (ties, three
 * rules, a third unlabelled, unknown amounts, decisions exactly on the maturity boundaries) with
 * scikit-learn's figures per version, maturity and decision level, and the CBPE expectation from
 * numpy.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import {
  computePerformance,
  LABEL_FRAUD,
  LABEL_LEGITIMATE,
  LABEL_UNKNOWN,
  MATURITY_DAYS,
  NO_RULE,
  type DecisionColumns,
  type PerformanceFigures,
} from '../../src/core/performance/index.js';
import { fixturePath } from '../helpers/paths.js';

/** The same sums and ratios in float64, added in another order (numpy's pairwise sums): a few ulps. */
const FIGURE_TOLERANCE = 1e-12;

interface Reference {
  now: number;
  versions: string[];
  rules: string[];
  columns: {
    score: number[];
    decision: number[];
    rule: number[];
    label: number[];
    amount: (number | null)[];
    time: number[];
    version: number[];
  };
  expected: {
    model_version: string;
    all: PerformanceFigures;
    by_maturity: (PerformanceFigures & { older_than_days: number })[];
  }[];
}

const reference = JSON.parse(readFileSync(fixturePath('performance', 'reference.json'), 'utf8')) as Reference;

function columnsOf(r: Reference): DecisionColumns {
  const c = r.columns;
  return {
    count: c.score.length,
    score: Float64Array.from(c.score),
    decision: Uint8Array.from(c.decision),
    rule: Int32Array.from(c.rule),
    label: Int8Array.from(c.label),
    amount: Float64Array.from(c.amount, (a) => a ?? NaN),
    time: Float64Array.from(c.time),
    modelVersion: Int32Array.from(c.version),
    modelVersions: r.versions,
    rules: r.rules,
  };
}

/** Deep comparison where numbers agree to FIGURE_TOLERANCE (relative above 1) and nulls match exactly. */
function assertClose(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${path}: ${String(actual)} vs scikit-learn ${expected}`);
    const a = actual as number;
    assert.ok(
      Math.abs(a - expected) <= FIGURE_TOLERANCE * Math.max(1, Math.abs(expected)),
      `${path}: ${a} vs scikit-learn ${expected}`,
    );
  } else if (expected === null || typeof expected !== 'object') {
    assert.equal(actual, expected, path);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), path);
    assert.equal((actual as unknown[]).length, expected.length, `${path}: length`);
    expected.forEach((e, i) => assertClose((actual as unknown[])[i], e, `${path}[${i}]`));
  } else {
    const a = actual as Record<string, unknown>;
    assert.deepEqual(Object.keys(a).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const [k, e] of Object.entries(expected)) assertClose(a[k], e, `${path}.${k}`);
  }
}

describe('computePerformance', () => {
  const actual = computePerformance(columnsOf(reference), reference.now);

  it('matches scikit-learn and the CBPE formulas for every version, maturity and level', () => {
    assert.equal(actual.length, reference.versions.length);
    assertClose(actual, reference.expected, 'performance');
  });

  it('covers what the reference is meant to cover', () => {
    // A fixture that lost its ties, its unlabelled rows or its mature decisions would test less than it claims.
    const c = reference.columns;
    assert.ok(new Set(c.score).size < c.score.length / 4, 'scores tie');
    assert.ok(c.label.filter((y) => y === LABEL_UNKNOWN).length > 500, 'unlabelled decisions');
    assert.ok(
      c.amount.some((a) => a === null),
      'unknown amounts',
    );
    for (const v of reference.expected) {
      for (const m of v.by_maturity) {
        assert.ok(
          m.frauds >= 10 && m.legitimate >= 100,
          `${v.model_version} older than ${m.older_than_days} days has both classes`,
        );
        for (const l of m.levels)
          assert.ok(l.realized.decisions > 0, `${v.model_version} ${l.level} ${'rule' in l ? l.rule : ''}`);
      }
    }
    assert.deepEqual(
      reference.expected[0].by_maturity.map((m) => m.older_than_days),
      [...MATURITY_DAYS],
    );
  });

  it('counts a decision exactly at a maturity boundary as old enough', () => {
    const now = 100 * 86_400_000;
    const cols: DecisionColumns = {
      count: 2,
      score: Float64Array.of(0.9, 0.1),
      decision: Uint8Array.of(2, 0),
      rule: Int32Array.of(NO_RULE, NO_RULE),
      label: Int8Array.of(LABEL_FRAUD, LABEL_LEGITIMATE),
      amount: Float64Array.of(50, 20),
      time: Float64Array.of(now - 7 * 86_400_000, now - 7 * 86_400_000 + 1),
      modelVersion: Int32Array.of(0, 0),
      modelVersions: ['v'],
      rules: [],
    };
    const [v] = computePerformance(cols, now);
    assert.equal(v.by_maturity[0].decisions, 1);
    assert.equal(v.by_maturity[0].frauds, 1);
    assert.equal(v.by_maturity[0].roc_auc, null, 'one class only: no AUC');
    assert.equal(v.all.roc_auc, 1);
  });

  it('answers null, not NaN or an exception, for what cannot be known', () => {
    const cols: DecisionColumns = {
      count: 3,
      score: Float64Array.of(0.2, 0.4, 0.6),
      decision: Uint8Array.of(0, 1, 1),
      rule: Int32Array.of(NO_RULE, NO_RULE, NO_RULE),
      label: Int8Array.of(LABEL_UNKNOWN, LABEL_UNKNOWN, LABEL_UNKNOWN),
      amount: Float64Array.of(NaN, NaN, NaN),
      time: Float64Array.of(0, 0, 0),
      modelVersion: Int32Array.of(0, 0, 0),
      modelVersions: ['v'],
      rules: [],
    };
    const [v] = computePerformance(cols, 0);
    assert.equal(v.all.labelled_share, 0);
    const [review, decline] = v.all.levels;
    assert.deepEqual(
      [review.realized.precision, review.realized.recall, review.realized.false_positive_rate, v.all.roc_auc, v.all.pr_auc],
      [null, null, null, null, null],
    );
    // Unlabelled decisions still have an expectation: (0.4 + 0.6) / 2 of the review set is fraud.
    assert.equal(review.expected.precision, 0.5);
    assert.equal(review.expected.recall, (0.4 + 0.6) / (0.2 + 0.4 + 0.6));
    assert.equal(decline.expected.precision, null, 'nothing declined');
    assert.equal(decline.expected.recall, 0);
  });

  it('refuses columns shorter than the decision count', () => {
    const cols = { ...columnsOf(reference), time: new Float64Array(3) };
    assert.throws(() => computePerformance(cols, reference.now), /column time holds 3 entries/);
  });
});

describe('computePerformance selection', () => {
  const columns = columnsOf(reference);
  const now = reference.now;

  it('judges one model version alone exactly as within all', () => {
    const all = computePerformance(columns, now);
    for (const v of all) assert.deepEqual(computePerformance(columns, now, { modelVersion: v.model_version }), [v]);
    assert.deepEqual(computePerformance(columns, now, { modelVersion: 'no-such-version' }), []);
  });

  it('judges a time window exactly as the columns of that window alone', () => {
    const since = now - 45 * 86_400_000;
    const keep = [...columns.time.keys()].filter((i) => columns.time[i] >= since);
    const pick = <T extends { length: number; [i: number]: number }>(a: T, make: (n: number) => T): T => {
      const out = make(keep.length);
      keep.forEach((i, k) => (out[k] = a[i]));
      return out;
    };
    const windowed: DecisionColumns = {
      ...columns,
      count: keep.length,
      score: pick(columns.score, (n) => new Float64Array(n)),
      decision: pick(columns.decision, (n) => new Uint8Array(n)),
      rule: pick(columns.rule, (n) => new Int32Array(n)),
      label: pick(columns.label, (n) => new Int8Array(n)),
      amount: pick(columns.amount, (n) => new Float64Array(n)),
      time: pick(columns.time, (n) => new Float64Array(n)),
      modelVersion: pick(columns.modelVersion, (n) => new Int32Array(n)),
    };
    const selected = computePerformance(columns, now, { since });
    assert.deepEqual(selected, computePerformance(windowed, now));
    assert.ok(selected[0].all.decisions < reference.expected[0].all.decisions, 'the window leaves decisions out');
    assert.equal(selected[0].by_maturity[2].decisions, 0, 'nothing in a 45-day window is 60 days old');
  });
});
