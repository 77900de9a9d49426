/**
 * The scoring rule for a category the model does not know, at the encoding layer: encodeFeatures
 * turns it into a missing value (NaN) and counts it per feature, so the predictor takes each
 * split's default side and TreeSHAP explains that same path: the explanation adds up to the
 * margin and equals the explanation of a row with the value left empty.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { encodeFeatures, tableFromColumns, unknownAsMissing, UNKNOWN_CATEGORY_CODE } from '../../src/core/data/table.js';
import { parseModel } from '../../src/core/engine/model.js';
import { Predictor } from '../../src/core/engine/predict.js';
import { FraudlensError } from '../../src/core/errors.js';
import { checkAdditivity, TreeExplainer } from '../../src/core/explanation/treeshap.js';
import { REPO_ROOT } from '../helpers/paths.js';

/** base_value + Σ contributions against the margin: float64 sums of float32 leaves over 200 trees. */
const ADDITIVITY_TOLERANCE = 1e-9;

const model = parseModel(readFileSync(join(REPO_ROOT, 'fixtures', 'precomputed', 'model.json'), 'utf8'));
const m = model.features.length;

/** Rows 0 and 1 are the same transaction with a new merchant category and with none; row 2 is known. */
const table = tableFromColumns('rows.csv', {
  amt: [412.5, 412.5, 412.5],
  category: ['crypto_exchange', null, 'shopping_net'],
  gender: ['F', 'F', 'X'],
  city_pop: [1200, 1200, 1200],
  age: [34, 34, 34],
  hour: [23, 23, 23],
  day_of_week: [5, 5, 5],
  distance_km: [71, 71, 71],
});
const CATEGORY = model.features.findIndex((f) => f.name === 'category');
const GENDER = model.features.findIndex((f) => f.name === 'gender');

test("'missing' encodes an unknown category as NaN and counts it per feature", () => {
  const counts = new Float64Array(m);
  const x = encodeFeatures(table, model.features, 'missing', counts);
  assert.ok(Number.isNaN(x[CATEGORY]));
  assert.ok(Number.isNaN(x[2 * m + GENDER]));
  assert.equal(x[2 * m + CATEGORY], model.features[CATEGORY].categories!.indexOf('shopping_net'));
  assert.deepEqual(
    Array.from(counts),
    model.features.map((_, j) => (j === CATEGORY || j === GENDER ? 1 : 0)),
    'the empty cell is not counted',
  );
});

test('an unknown category scores and explains exactly like a missing value, and the explanation adds up', () => {
  const x = encodeFeatures(table, model.features, 'missing');
  const predictor = new Predictor(model.ensemble);
  const margins = predictor.predictMargins(x, 3);
  assert.equal(margins[0], margins[1]);
  assert.notEqual(margins[0], margins[2]);
  const explainer = new TreeExplainer(model.ensemble, predictor);
  const phi = explainer.explainBatch(x, 3);
  const unknownRow = phi.subarray(0, m + 1);
  assert.deepEqual(Array.from(unknownRow), Array.from(phi.subarray(m + 1, 2 * (m + 1))));
  for (let r = 0; r < 3; r++) {
    const row = phi.subarray(r * (m + 1), (r + 1) * (m + 1));
    const sum = row.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - margins[r]) <= ADDITIVITY_TOLERANCE, `row ${r}: ${sum} vs ${margins[r]}`);
    checkAdditivity(row, margins[r]);
  }
  assert.notEqual(unknownRow[CATEGORY], 0, 'the missing category still has a contribution (its default path)');
});

test("'error' names the row and column; 'other' marks the cell for drift and unknownAsMissing undoes it for scoring", () => {
  assert.throws(
    () => encodeFeatures(table, model.features, 'error'),
    (e: unknown) =>
      e instanceof FraudlensError &&
      e.code === 'INPUT_UNKNOWN_CATEGORY' &&
      /crypto_exchange/.test(e.message) &&
      e.location.row === 1 &&
      e.location.column === 'category',
  );
  const marked = encodeFeatures(table, model.features, 'other');
  assert.equal(marked[CATEGORY], UNKNOWN_CATEGORY_CODE);
  const scored = unknownAsMissing(marked, model.features);
  assert.deepEqual(Array.from(scored), Array.from(encodeFeatures(table, model.features, 'missing')));
});
