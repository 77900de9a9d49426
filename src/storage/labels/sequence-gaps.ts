/**
 * Missing sequence numbers of an incremental read. A store's sequence hands out numbers when rows
 * are inserted, not when they commit: with two writers (two replicas, or the API beside a label
 * import) a later batch can commit first, and a read that then moves its watermark past it would
 * never see the earlier one. The numbers a read did not find below its watermark are kept as gaps
 * and looked for again by the next reads, for GAP_PATIENCE_MS.
 */

import { GAP_PATIENCE_MS, MAX_GAPS, type SequenceGap } from './contract.js';

/** Sequence numbers `from` to `to`, inclusive. */
export interface SequenceRange {
  from: number;
  to: number;
}

/**
 * The parts of `ranges` that `present` does not cover.
 * @param ranges ascending, disjoint
 * @param present ascending, disjoint runs of numbers found (each within one of `ranges`)
 */
export function uncovered(ranges: readonly SequenceRange[], present: readonly SequenceRange[]): SequenceRange[] {
  const out: SequenceRange[] = [];
  let p = 0;
  for (const r of ranges) {
    let next = r.from;
    while (p < present.length && present[p].to < r.from) p += 1;
    for (; p < present.length && present[p].from <= r.to; p += 1) {
      if (present[p].from > next) out.push({ from: next, to: present[p].from - 1 });
      next = Math.max(next, present[p].to + 1);
      if (present[p].to > r.to) break;
    }
    if (next <= r.to) out.push({ from: next, to: r.to });
  }
  return out;
}

/**
 * The gaps the next read looks for: the earlier ones still missing and not yet given up, then the
 * new ones, ascending. At most MAX_GAPS: the oldest are given up first.
 * @param previous the gaps the read looked for
 * @param found runs of numbers the read found inside `previous`
 * @param fresh the numbers the read's new range lacked
 * @param now the read's clock
 */
export function carryGaps(
  previous: readonly SequenceGap[],
  found: readonly SequenceRange[],
  fresh: readonly SequenceRange[],
  now: number,
): SequenceGap[] {
  const out: SequenceGap[] = [];
  for (const gap of previous) {
    if (now - gap.seenAt > GAP_PATIENCE_MS) continue;
    for (const r of uncovered([gap], found)) out.push({ from: r.from, to: r.to, seenAt: gap.seenAt });
  }
  for (const r of fresh) out.push({ from: r.from, to: r.to, seenAt: now });
  return out.length > MAX_GAPS ? out.slice(out.length - MAX_GAPS) : out;
}
