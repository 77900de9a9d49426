/**
 * The threshold rule on a hand-worked ranking: decline at the lowest score reaching the target
 * precision, review at the highest score reaching the target recall, capped at decline, and the
 * fallbacks when a target cannot be met or validation has no positives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_THRESHOLDS } from '../../src/core/engine/model.js';
import { chooseThresholds } from '../../src/core/training/thresholds.js';

// Ranked scores and labels; precision / recall (of 6 positives) when flagging score ≥ t:
//  t     0.95 0.9  0.8  0.7  0.6  0.5  0.4  0.3  0.2  0.1
//  y     1    1    0    1    1    0    1    0    0    1
//  prec  1    1    .67  .75  .8   .67  .71  .63  .56  .6
//  rec   .17  .33  .33  .5   .67  .67  .83  .83  .83  1
const SCORES = Float64Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95);
const LABELS = Uint8Array.of(1, 0, 0, 1, 0, 1, 1, 0, 1, 1);

test('default targets: decline at precision 0.9, review at recall 0.9', () => {
  const t = chooseThresholds(SCORES, LABELS);
  assert.equal(t.decline, 0.9);
  assert.equal(t.review, 0.1);
  assert.match(t.rule!, /precision ≥ 90\.0%/);
  assert.match(t.rule!, /recall ≥ 90\.0%/);
});

test('other targets pick the lowest / highest qualifying score', () => {
  const t = chooseThresholds(SCORES, LABELS, { targetPrecision: 0.8, targetRecall: 0.8 });
  assert.equal(t.decline, 0.6);
  assert.equal(t.review, 0.4);
});

test('review never exceeds decline', () => {
  const t = chooseThresholds(SCORES, LABELS, { targetPrecision: 0.8, targetRecall: 0.1 });
  assert.equal(t.decline, 0.6);
  assert.equal(t.review, 0.6);
  assert.match(t.rule!, /review = decline/);
});

test('an unreachable precision falls back to the best precision achieved', () => {
  // The top score is a negative: no cut-off reaches 90 %; the best is 2/3 at 0.7.
  const t = chooseThresholds(Float64Array.of(0.9, 0.8, 0.7, 0.2), Uint8Array.of(0, 1, 1, 0));
  assert.equal(t.decline, 0.7);
  assert.match(t.rule!, /not reached/);
});

test('tied scores form one cut-off', () => {
  const t = chooseThresholds(Float64Array.of(0.9, 0.9, 0.5), Uint8Array.of(1, 0, 1), { targetPrecision: 0.5 });
  assert.equal(t.decline, 0.5);
});

test('no positive validation row: the default cut-offs', () => {
  const t = chooseThresholds(Float64Array.of(0.1, 0.2), Uint8Array.of(0, 0));
  assert.equal(t.review, DEFAULT_THRESHOLDS.review);
  assert.equal(t.decline, DEFAULT_THRESHOLDS.decline);
  assert.match(t.rule!, /no positive/);
});
