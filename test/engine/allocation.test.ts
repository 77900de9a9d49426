/**
 * The single-row paths allocate nothing per call beyond their result: a serving process scores
 * thousands of rows a second, and every byte allocated per row is garbage-collection work and
 * cache lines evicted from under the model. Measured as heap growth over many calls during which
 * no garbage collection ran (a collection would hide what was allocated, so such a window is
 * retried). Allocation, not time: the count does not depend on how busy the machine is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

import { Predictor } from '../../src/core/engine/predict.js';
import { importXgboost, parseXgboostJsonText } from '../../src/core/engine/xgboost.js';
import { TreeExplainer } from '../../src/core/explanation/treeshap.js';
import { fixturePath } from '../helpers/paths.js';

/** Calls per measured window: a path boxing one number per tree would allocate megabytes. */
const CALLS = 20_000;
/**
 * Heap growth per call tolerated (bytes): the returned margin (a 16-byte heap number when the
 * call is not inlined), and nothing per tree, split or feature.
 */
const MAX_BYTES_PER_CALL = 20;
const WINDOWS = 8;

let collections = 0;
const observer = new PerformanceObserver((list) => {
  collections += list.getEntries().length;
});
observer.observe({ entryTypes: ['gc'] });

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Heap bytes allocated per call of `fn`: the least of the windows of CALLS calls without a GC (V8
 * may install optimised code during one window; an allocation per call shows in every window).
 * Infinity when a collection came in every window: it allocates plenty.
 */
async function bytesPerCall(fn: (i: number) => void): Promise<number> {
  for (let i = 0; i < 5 * CALLS; i++) fn(i); // optimised code, as a server runs it
  let least = Number.POSITIVE_INFINITY;
  for (let w = 0; w < WINDOWS; w++) {
    await settle();
    collections = 0;
    const before = getHeapStatistics().used_heap_size;
    for (let i = 0; i < CALLS; i++) fn(i);
    const after = getHeapStatistics().used_heap_size;
    await settle();
    if (collections === 0) least = Math.min(least, (after - before) / CALLS);
  }
  return least;
}

function rowsFor(numFeatures: number): Float64Array[] {
  // Varied rows with missing values, so every branch (missing, categorical) is taken.
  return Array.from({ length: 64 }, (_, r) =>
    Float64Array.from({ length: numFeatures }, (_, j) =>
      (r * 7 + j * 13) % 11 === 0 ? Number.NaN : Math.sin(r * 31 + j * 7) * 3 + ((r + j) % 4),
    ),
  );
}

for (const name of ['ulb_subset_nan_d5_t40', 'categorical']) {
  test(`single-row predict and explain allocate nothing per call (${name})`, async () => {
    const model = importXgboost(parseXgboostJsonText(readFileSync(fixturePath('xgboost', `${name}.model.json`), 'utf8')));
    const predictor = new Predictor(model.ensemble);
    const explainer = new TreeExplainer(model.ensemble, predictor);
    const rows = rowsFor(predictor.numFeatures);
    const contribs = new Float64Array(predictor.numFeatures + 1);
    // A typed sink: a captured `let` would box every sum into a heap number of its own.
    const sink = new Float64Array(1);
    const predicted = await bytesPerCall((i) => {
      sink[0] += predictor.predictRowMargin(rows[i & 63]);
    });
    const explained = await bytesPerCall((i) => {
      sink[0] += explainer.explainRow(rows[i & 63], contribs)[0];
    });
    assert.ok(Number.isFinite(sink[0]));
    assert.ok(predicted <= MAX_BYTES_PER_CALL, `predictRowMargin allocates ${predicted.toFixed(1)} bytes per call`);
    assert.ok(explained <= MAX_BYTES_PER_CALL, `explainRow allocates ${explained.toFixed(1)} bytes per call`);
  });
}
