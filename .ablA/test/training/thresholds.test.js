/**
 * The threshold rule on a hand-worked ranking: decline at the highest recall reaching the target
 * precision, at the highest score giving that recall (fewest false positives), review at the
 * highest score reaching the target recall, capped at decline, and the fallbacks when a target
 * cannot be met or validation has no positives.
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
    assert.match(t.rule, /precision ≥ 90\.0%/);
    assert.match(t.rule, /recall ≥ 90\.0%/);
});
test('other targets pick the highest-recall / highest qualifying score', () => {
    const t = chooseThresholds(SCORES, LABELS, { targetPrecision: 0.8, targetRecall: 0.8 });
    assert.equal(t.decline, 0.6);
    assert.equal(t.review, 0.4);
});
test('review never exceeds decline', () => {
    const t = chooseThresholds(SCORES, LABELS, { targetPrecision: 0.8, targetRecall: 0.1 });
    assert.equal(t.decline, 0.6);
    assert.equal(t.review, 0.6);
    assert.match(t.rule, /review = decline/);
});
test('an unreachable precision falls back to the best precision achieved', () => {
    // The top score is a negative: no cut-off reaches 90 %; the best is 2/3 at 0.7.
    const t = chooseThresholds(Float64Array.of(0.9, 0.8, 0.7, 0.2), Uint8Array.of(0, 1, 1, 0));
    assert.equal(t.decline, 0.7);
    assert.match(t.rule, /not reached/);
});
test('tied scores form one cut-off', () => {
    const t = chooseThresholds(Float64Array.of(0.9, 0.9, 0.5), Uint8Array.of(1, 0, 1), { targetPrecision: 0.5 });
    assert.equal(t.decline, 0.5);
});
test('no positive validation row: the default cut-offs', () => {
    const t = chooseThresholds(Float64Array.of(0.1, 0.2), Uint8Array.of(0, 0));
    assert.equal(t.review, DEFAULT_THRESHOLDS.review);
    assert.equal(t.decline, DEFAULT_THRESHOLDS.decline);
    assert.match(t.rule, /no positive/);
});
test('a separable set declines no good customer: the cut-off sits at the lowest fraud score', () => {
    // 20 frauds scored 0.50 … 0.97 above 30 good customers scored 0.01 … 0.30. Cut-offs down to
    // 0.01 still have precision ≥ 90 % (20 / 22 at 0.29), but every one below 0.50 only adds good
    // customers to the declines.
    const fraudScores = Array.from({ length: 20 }, (_, k) => 0.5 + 0.025 * k);
    const goodScores = Array.from({ length: 30 }, (_, k) => 0.3 - 0.01 * k);
    const scores = Float64Array.from([...goodScores, ...fraudScores]);
    const labels = Uint8Array.from([...goodScores.map(() => 0), ...fraudScores.map(() => 1)]);
    const t = chooseThresholds(scores, labels);
    assert.equal(t.decline, 0.5);
    assert.match(t.rule, /precision 100\.0%, recall 100\.0%, 0 false positives/);
    // Review: the highest cut keeping 90 % recall is the 18th fraud (0.55), above decline: capped.
    assert.equal(t.review, 0.5);
    assert.match(t.rule, /review = decline/);
});
test('equal recall below the target precision cut: the higher cut wins, and review ignores tied-recall lower cuts', () => {
    // y by rank: 1 1 0 1 0 0 1 — at precision ≥ 0.7 the cuts 0.9 (2/2) and 0.7 (3/4, recall .75)
    // qualify; 0.6 and 0.5 keep recall .75 with more false positives.
    const scores = Float64Array.of(0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.1);
    const labels = Uint8Array.of(1, 1, 0, 1, 0, 0, 1);
    const t = chooseThresholds(scores, labels, { targetPrecision: 0.7, targetRecall: 0.75 });
    assert.equal(t.decline, 0.7);
    assert.match(t.rule, /precision 75\.0%, recall 75\.0%, 1 false positive\b/);
    assert.equal(t.review, 0.7);
    assert.match(t.rule, /review = highest score with recall ≥ 75\.0% on validation \(precision 75\.0%, recall 75\.0%, 1 false positive\)/);
    // Precision 4/7 ≈ 0.57 at 0.1 reaches recall 1: lower, but it buys recall.
    assert.equal(chooseThresholds(scores, labels, { targetPrecision: 0.5 }).decline, 0.1);
});
//# sourceMappingURL=thresholds.test.js.map