/**
 * Performance per time bucket (computePerformanceHistory): figures computed by hand on a small
 * fixture (bucket edges, both ends of the window, a second model version, unknown amounts and
 * labels); on the scikit-learn reference fixture, the buckets add up to computePerformance's
 * figures and one bucket as long as the window gives them; the bucket cap; no allocation per row.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

import { HISTORY_LEVELS as CONTRACT_LEVELS, HISTORY_MAX_BUCKETS } from '../../src/contract/index.js';
import { FraudlensError } from '../../src/core/errors.js';
import {
  computePerformance,
  computePerformanceHistory,
  HISTORY_LEVELS,
  LABEL_FRAUD,
  LABEL_LEGITIMATE,
  LABEL_UNKNOWN,
  MAX_HISTORY_BUCKETS,
  NO_RULE,
  type DecisionColumns,
  type HistoryBucket,
  type PerformanceFigures,
} from '../../src/core/performance/index.js';
import { fixturePath } from '../helpers/paths.js';

/** Sums of scores and amounts added in another order (per bucket, per maturity): a few ulps. */
const FIGURE_TOLERANCE = 1e-12;
const HOUR = 3_600_000;
const DAY = 86_400_000;

function close(actual: number | null, expected: number | null, what: string): void {
  if (expected === null || actual === null) {
    assert.equal(actual, expected, what);
    return;
  }
  assert.ok(
    Math.abs(actual - expected) <= FIGURE_TOLERANCE * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected}`,
  );
}

interface Row {
  t: number;
  score: number;
  decision: 0 | 1 | 2;
  label: number;
  amount: number;
  version?: number;
}

function columnsOf(rows: Row[], versions: string[] = ['v1', 'v2']): DecisionColumns {
  return {
    count: rows.length,
    score: Float64Array.from(rows, (r) => r.score),
    decision: Uint8Array.from(rows, (r) => r.decision),
    rule: Int32Array.from(rows, () => NO_RULE),
    label: Int8Array.from(rows, (r) => r.label),
    amount: Float64Array.from(rows, (r) => r.amount),
    time: Float64Array.from(rows, (r) => r.t),
    modelVersion: Int32Array.from(rows, (r) => r.version ?? 0),
    modelVersions: versions,
    rules: [],
  };
}

describe('computePerformanceHistory by hand', () => {
  // Aligned on the hour, so the bucket edges are round instants.
  const now = Date.UTC(2024, 0, 2);
  const since = now - 3 * HOUR;
  const F = LABEL_FRAUD;
  const L = LABEL_LEGITIMATE;
  const U = LABEL_UNKNOWN;
  const rows: Row[] = [
    { t: since, score: 0.8, decision: 2, label: F, amount: 100 }, // the window's start: first bucket
    { t: now - 2 * HOUR, score: 0.4, decision: 1, label: L, amount: 50 }, // a bucket's end belongs to it
    { t: now - 2.5 * HOUR, score: 0.1, decision: 0, label: F, amount: 30 }, // a fraud let through
    { t: now - 1.5 * HOUR, score: 0.6, decision: 1, label: U, amount: 20 },
    { t: now - 1.5 * HOUR, score: 0.2, decision: 0, label: L, amount: NaN },
    { t: now, score: 0.9, decision: 2, label: F, amount: NaN }, // the window's end; amount unknown
    { t: since - 1, score: 0.5, decision: 2, label: F, amount: 7 }, // before the window
    { t: now + 1, score: 0.5, decision: 2, label: F, amount: 7 }, // after the read
    { t: now - 0.5 * HOUR, score: 0.3, decision: 0, label: U, amount: 5, version: 1 },
  ];
  const columns = columnsOf(rows);
  const [v1, v2] = computePerformanceHistory(columns, now, HOUR, { since });

  it('cuts the window into buckets counted back from its end', () => {
    assert.deepEqual(
      v1.buckets.map((b) => [b.from, b.to]),
      [
        [since, now - 2 * HOUR],
        [now - 2 * HOUR, now - HOUR],
        [now - HOUR, now],
      ],
    );
    assert.deepEqual(
      v1.buckets.map((b) => b.decisions),
      [3, 2, 1],
    );
  });

  it('gives the totals of each bucket', () => {
    const [b0, b1, b2] = v1.buckets;
    assert.deepEqual([b0.labelled, b0.labelled_share, b0.frauds, b0.legitimate, b0.fraud_amount], [3, 1, 2, 1, 100 + 30]);
    close(b0.expected_frauds, 0.8 + 0.4 + 0.1, 'bucket 0 Σp');
    assert.deepEqual([b1.labelled, b1.labelled_share, b1.frauds, b1.legitimate, b1.fraud_amount], [1, 0.5, 0, 1, 0]);
    close(b1.expected_frauds, 0.6 + 0.2, 'bucket 1 Σp');
    // An unknown amount adds nothing.
    assert.deepEqual([b2.labelled, b2.labelled_share, b2.frauds, b2.fraud_amount, b2.expected_frauds], [1, 1, 1, 0, 0.9]);
  });

  it('gives realized and expected precision and recall per level', () => {
    const level = (b: HistoryBucket, name: string) => b.levels.find((l) => l.level === name)!;
    const [b0, b1, b2] = v1.buckets;
    // Bucket 0: review holds the decline (fraud, 100) and the review (legitimate); the fraud at 0.1 was approved.
    assert.deepEqual(level(b0, 'review').realized, {
      decisions: 2,
      labelled: 2,
      true_positives: 1,
      false_positives: 1,
      precision: 0.5,
      recall: 0.5,
      fraud_amount_caught: 100,
    });
    close(level(b0, 'review').expected.precision, (0.8 + 0.4) / 2, 'b0 review expected precision');
    close(level(b0, 'review').expected.recall, (0.8 + 0.4) / (0.8 + 0.4 + 0.1), 'b0 review expected recall');
    assert.deepEqual(level(b0, 'decline').realized, {
      decisions: 1,
      labelled: 1,
      true_positives: 1,
      false_positives: 0,
      precision: 1,
      recall: 0.5,
      fraud_amount_caught: 100,
    });
    close(level(b0, 'decline').expected.recall, 0.8 / (0.8 + 0.4 + 0.1), 'b0 decline expected recall');
    // Bucket 1: the one flagged decision is unlabelled and no fraud is labelled: nothing realized can be known.
    assert.deepEqual(
      [level(b1, 'review').realized.precision, level(b1, 'review').realized.recall, level(b1, 'review').realized.decisions],
      [null, null, 1],
    );
    close(level(b1, 'review').expected.precision, 0.6, 'b1 review expected precision');
    close(level(b1, 'review').expected.recall, 0.6 / (0.6 + 0.2), 'b1 review expected recall');
    assert.deepEqual(level(b1, 'decline').expected, { precision: null, recall: 0 });
    assert.deepEqual(level(b2, 'decline').realized.precision, 1);
    assert.deepEqual(level(b2, 'decline').expected, { precision: 0.9, recall: 1 });
  });

  it('keeps model versions apart and selects one', () => {
    assert.equal(v2.model_version, 'v2');
    assert.deepEqual(
      v2.buckets.map((b) => [b.decisions, b.labelled_share]),
      [
        [0, null],
        [0, null],
        [1, 0],
      ],
    );
    assert.deepEqual(computePerformanceHistory(columns, now, HOUR, { since, modelVersion: 'v2' }), [v2]);
    assert.deepEqual(computePerformanceHistory(columns, now, HOUR, { since, modelVersion: 'nope' }), []);
  });

  it('starts window "all" at the oldest decision selected', () => {
    const [all] = computePerformanceHistory(columns, now, HOUR, {});
    assert.equal(all.buckets.length, 4, '3 h and 1 ms');
    assert.deepEqual([all.buckets[0].from, all.buckets[0].to, all.buckets[0].decisions], [since - 1, now - 3 * HOUR, 2]);
    const [onlyV2] = computePerformanceHistory(columns, now, HOUR, { modelVersion: 'v2' });
    assert.deepEqual(
      onlyV2.buckets.map((b) => [b.from, b.decisions]),
      [[now - 0.5 * HOUR, 1]],
    );
  });

  it('refuses more buckets than allowed, naming the field', () => {
    assert.equal(MAX_HISTORY_BUCKETS, HISTORY_MAX_BUCKETS, 'the contract states the same cap');
    assert.deepEqual([...HISTORY_LEVELS], [...CONTRACT_LEVELS], 'the contract lists the same levels');
    const span = MAX_HISTORY_BUCKETS * 1000;
    assert.equal(computePerformanceHistory(columns, now, 1000, { since: now - span })[0].buckets.length, MAX_HISTORY_BUCKETS);
    assert.throws(
      () => computePerformanceHistory(columns, now, 1000, { since: now - span - 1 }),
      (e: unknown) => e instanceof FraudlensError && e.code === 'HISTORY_TOO_MANY_BUCKETS' && e.location.field === 'bucket',
    );
  });
});

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
}

const reference = JSON.parse(readFileSync(fixturePath('performance', 'reference.json'), 'utf8')) as Reference;
const refColumns: DecisionColumns = {
  count: reference.columns.score.length,
  score: Float64Array.from(reference.columns.score),
  decision: Uint8Array.from(reference.columns.decision),
  rule: Int32Array.from(reference.columns.rule),
  label: Int8Array.from(reference.columns.label),
  amount: Float64Array.from(reference.columns.amount, (a) => a ?? NaN),
  time: Float64Array.from(reference.columns.time),
  modelVersion: Int32Array.from(reference.columns.version),
  modelVersions: reference.versions,
  rules: reference.rules,
};

/** The figures a bucket shares with computePerformance's, for one comparison. */
function shared(f: PerformanceFigures | HistoryBucket) {
  return {
    decisions: f.decisions,
    labelled: f.labelled,
    labelled_share: f.labelled_share,
    frauds: f.frauds,
    legitimate: f.legitimate,
    levels: f.levels
      .filter((l) => l.level !== 'rule')
      .map((l) => ({
        level: l.level,
        realized: {
          decisions: l.realized.decisions,
          labelled: l.realized.labelled,
          true_positives: l.realized.true_positives,
          false_positives: l.realized.false_positives,
          precision: l.realized.precision,
          recall: l.realized.recall,
        },
      })),
  };
}

describe('computePerformanceHistory against computePerformance', () => {
  const now = reference.now;
  for (const [window, since, bucket] of [
    ['90d', now - 90 * DAY, DAY],
    ['45d', now - 45 * DAY, 7 * DAY],
    ['all', undefined, 10 * DAY],
  ] as const) {
    it(`adds up to its figures over the buckets of window ${window}`, () => {
      const history = computePerformanceHistory(refColumns, now, bucket, { since });
      const report = computePerformance(refColumns, now, { since });
      assert.deepEqual(
        history.map((v) => v.model_version),
        report.map((v) => v.model_version),
      );
      assert.ok(history[0].buckets.length > 3, 'several buckets');
      history.forEach((v, k) => {
        const all = report[k].all;
        const sum = (f: (b: HistoryBucket) => number) => v.buckets.reduce((a, b) => a + f(b), 0);
        assert.deepEqual(
          [sum((b) => b.decisions), sum((b) => b.labelled), sum((b) => b.frauds), sum((b) => b.legitimate)],
          [all.decisions, all.labelled, all.frauds, all.legitimate],
        );
        close(
          sum((b) => b.fraud_amount),
          all.fraud_amount,
          'fraud amount',
        );
        close(
          sum((b) => b.expected_frauds),
          all.expected_frauds,
          'Σp',
        );
        HISTORY_LEVELS.forEach((name, l) => {
          const whole = all.levels.find((x) => x.level === name)!;
          const level = (b: HistoryBucket) => b.levels[l];
          assert.deepEqual(
            [
              sum((b) => level(b).realized.decisions),
              sum((b) => level(b).realized.true_positives),
              sum((b) => level(b).realized.false_positives),
            ],
            [whole.realized.decisions, whole.realized.true_positives, whole.realized.false_positives],
            name,
          );
          close(
            sum((b) => level(b).realized.fraud_amount_caught),
            whole.realized.fraud_amount_caught,
            `${name} amount caught`,
          );
        });
      });
    });
  }

  it('gives its figures in one bucket as long as the window', () => {
    for (const [since, bucket] of [
      [now - 30 * DAY, 30 * DAY],
      [undefined, 10_000 * DAY],
    ] as const) {
      const history = computePerformanceHistory(refColumns, now, bucket, { since });
      const report = computePerformance(refColumns, now, { since });
      history.forEach((v, k) => {
        assert.equal(v.buckets.length, 1);
        const [b] = v.buckets;
        const all = report[k].all;
        // Counts, and ratios of counts, are exactly equal; sums of scores and amounts to a few ulps.
        assert.deepEqual(shared(b), shared(all));
        close(b.fraud_amount, all.fraud_amount, 'fraud amount');
        close(b.expected_frauds, all.expected_frauds, 'Σp');
        HISTORY_LEVELS.forEach((name, l) => {
          const whole = all.levels.find((x) => x.level === name)!;
          close(b.levels[l].realized.fraud_amount_caught, whole.realized.fraud_amount_caught, `${name} amount`);
          close(b.levels[l].expected.precision, whole.expected.precision, `${name} expected precision`);
          close(b.levels[l].expected.recall, whole.expected.recall, `${name} expected recall`);
        });
      });
    }
  });
});

/** Rows of the allocation check: one allocated object per row would be at least 16 MB. */
const ALLOCATION_ROWS = 1_000_000;
/**
 * Heap growth tolerated per row: the table and the answer are a few kB for all rows together, and
 * V8's own work (optimising the loop) was seen to add up to 0.2 byte per row; a boxed number per row
 * would be 16. V8 may also install optimised code during one measured run (3.4 bytes per row once
 * on Node 24, on a busy host), so the least growth of the runs without a collection is taken: an
 * allocation per row would show in every run.
 */
const MAX_BYTES_PER_ROW = 1;
/** Measured runs of the allocation check. */
const ALLOCATION_RUNS = 5;

describe('computePerformanceHistory allocation', () => {
  it('allocates nothing per row', async () => {
    const n = ALLOCATION_ROWS;
    const columns: DecisionColumns = {
      count: n,
      score: Float64Array.from({ length: n }, (_, i) => (i % 100) / 100),
      decision: Uint8Array.from({ length: n }, (_, i) => i % 3),
      rule: new Int32Array(n).fill(NO_RULE),
      label: Int8Array.from({ length: n }, (_, i) => (i % 3) - 1),
      amount: Float64Array.from({ length: n }, (_, i) => i % 50),
      time: Float64Array.from({ length: n }, (_, i) => i),
      modelVersion: new Int32Array(n),
      modelVersions: ['v'],
      rules: [],
    };
    let collections = 0;
    const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
    observer.observe({ entryTypes: ['gc'] });
    const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    computePerformanceHistory(columns, n, n / 10, { since: 0 }); // optimised code, as a server runs it
    let perRow = Infinity;
    for (let attempt = 0; attempt < ALLOCATION_RUNS; attempt++) {
      await settle();
      collections = 0;
      const before = getHeapStatistics().used_heap_size;
      computePerformanceHistory(columns, n, n / 10, { since: 0 });
      const after = getHeapStatistics().used_heap_size;
      await settle();
      if (collections === 0) perRow = Math.min(perRow, (after - before) / n);
    }
    observer.disconnect();
    assert.ok(perRow <= MAX_BYTES_PER_ROW, `${perRow} bytes per row`);
  });
});
