/**
 * The bookkeeping of sequence numbers an incremental read did not find (sequence-gaps.ts): what a
 * read's runs leave uncovered, and which gaps the next read still looks for.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { GAP_PATIENCE_MS, MAX_GAPS } from '../../../src/storage/labels/contract.js';
import { carryGaps, uncovered } from '../../../src/storage/labels/sequence-gaps.js';

const r = (from: number, to: number) => ({ from, to });

describe('sequence gaps', () => {
  it('finds the numbers runs leave uncovered', () => {
    assert.deepEqual(uncovered([r(1, 10)], [r(1, 10)]), []);
    assert.deepEqual(uncovered([r(1, 10)], []), [r(1, 10)]);
    assert.deepEqual(uncovered([r(1, 10)], [r(3, 4), r(7, 7)]), [r(1, 2), r(5, 6), r(8, 10)]);
    assert.deepEqual(uncovered([r(1, 3), r(8, 12)], [r(2, 2), r(8, 9), r(12, 12)]), [r(1, 1), r(3, 3), r(10, 11)]);
    // A run reaching past a range covers only its own part.
    assert.deepEqual(uncovered([r(5, 7)], [r(6, 12)]), [r(5, 5)]);
  });

  it('keeps looking for missing numbers until the patience runs out, and caps them', () => {
    const t0 = 1_000_000;
    const first = carryGaps([], [], [r(4, 6)], t0);
    assert.deepEqual(first, [{ from: 4, to: 6, seenAt: t0 }]);
    // 5 turned up; 4 and 6 are still missing, found first at t0; a new gap is added after them.
    const second = carryGaps(first, [r(5, 5), r(11, 20)], [r(9, 10)], t0 + 1_000);
    assert.deepEqual(second, [
      { from: 4, to: 4, seenAt: t0 },
      { from: 6, to: 6, seenAt: t0 },
      { from: 9, to: 10, seenAt: t0 + 1_000 },
    ]);
    // Past the patience the numbers of t0 are given up (their writer rolled back).
    assert.deepEqual(carryGaps(second, [], [], t0 + GAP_PATIENCE_MS + 1), [{ from: 9, to: 10, seenAt: t0 + 1_000 }]);
    const many = Array.from({ length: MAX_GAPS + 5 }, (_, i) => r(2 * i + 1, 2 * i + 1));
    const capped = carryGaps([], [], many, t0);
    assert.equal(capped.length, MAX_GAPS);
    assert.equal(capped[0].from, 11, 'the oldest five given up');
  });
});
