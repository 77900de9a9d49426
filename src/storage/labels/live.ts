/**
 * The joined columns of every current decision, kept in memory and brought up to date from a
 * store's changes (LabelStore.labelledChanges) rather than read whole again: a million decisions
 * take tens of seconds to read and join, the changes of a refresh period milliseconds.
 *
 * Rows are in the store's sequence order (the order decisions were stored), so a decision is found
 * by binary search of `seq`. A decision replaced by a rescore stays in place with its time set to
 * +Infinity, which every window leaves out (windows end at a finite instant); rescores are rare
 * (one decision in a hundred in the benchmark), so the rows are not compacted. Decisions deleted by
 * retention are left out the same way: every row below the store's oldest sequence number (retention
 * deletes by decision time, which follows the sequence for live traffic; a decision stored late with
 * an old timestamp and deleted stays until the server restarts).
 */

import { LABEL_NONE, NO_WATERMARK, type LabelledChanges, type LabelledDecisions, type LabelledWatermark } from './contract.js';
import { interned } from './history.js';

/** Rows allocated at first: grown by doubling, so appends cost O(1) amortised. */
const INITIAL_CAPACITY = 1024;
/** The time of a replaced decision: later than the end of any window. */
const REPLACED = Number.POSITIVE_INFINITY;

export class LiveLabelledDecisions {
  private n = 0;
  private seq = new Float64Array(INITIAL_CAPACITY);
  private score = new Float64Array(INITIAL_CAPACITY);
  private decision = new Uint8Array(INITIAL_CAPACITY);
  private rule = new Int32Array(INITIAL_CAPACITY);
  private label = new Int8Array(INITIAL_CAPACITY);
  private amount = new Float64Array(INITIAL_CAPACITY);
  private time = new Float64Array(INITIAL_CAPACITY);
  private modelVersion = new Int32Array(INITIAL_CAPACITY);
  private readonly rules: string[] = [];
  private readonly modelVersions: string[] = [];
  private readonly ruleIndex = new Map<string, number>();
  private readonly versionIndex = new Map<string, number>();
  private mark: LabelledWatermark = NO_WATERMARK;
  /** Rows below it were deleted from the store. */
  private firstKept = 0;

  /** Where the next read of changes starts. */
  get watermark(): LabelledWatermark {
    return { ...this.mark };
  }

  /** Rows held, replaced decisions included. */
  get rows(): number {
    return this.n;
  }

  /**
   * Applies one read of changes: new labels of rows held, then the added decisions (each
   * replacing the earlier decision of its id when it is a rescore). Decisions that filled a gap
   * of an earlier read (committed after a later batch) are merged into their place.
   */
  apply(changes: LabelledChanges): void {
    const { relabelledSeq, relabelled, added, addedSeq, replaces } = changes;
    for (let k = 0; k < relabelledSeq.length; k++) {
      const i = this.find(relabelledSeq[k]);
      if (i >= 0) this.label[i] = relabelled[k];
    }
    const held = this.n;
    const lastHeld = held > 0 ? this.seq[held - 1] : -Infinity;
    this.reserve(this.n + added.count);
    const ruleOf = added.rules.map((r) => interned(this.ruleIndex, this.rules, r));
    const versionOf = added.modelVersions.map((v) => interned(this.versionIndex, this.modelVersions, v));
    for (let k = 0; k < added.count; k++) {
      const i = this.n++;
      this.seq[i] = addedSeq[k];
      this.score[i] = added.score[k];
      this.decision[i] = added.decision[k];
      const r = added.rule[k];
      this.rule[i] = r < 0 ? r : ruleOf[r];
      this.label[i] = added.label[k];
      this.amount[i] = added.amount[k];
      this.time[i] = added.time[k];
      this.modelVersion[i] = versionOf[added.modelVersion[k]];
    }
    if (added.count > 0 && addedSeq[0] < lastHeld) this.mergeTail(held);
    // The replaced decision came earlier: it is held already, or earlier in this same read.
    for (let k = 0; k < added.count; k++) {
      if (replaces[k] < 0) continue;
      const old = this.find(replaces[k]);
      if (old >= 0) this.time[old] = REPLACED;
    }
    // Deleted by retention since: the rows below the oldest decision still stored.
    const kept = changes.oldest > 0 ? this.lowerBound(changes.oldest) : this.n;
    for (let i = this.firstKept; i < kept; i++) this.time[i] = REPLACED;
    this.firstKept = Math.max(this.firstKept, kept);
    this.mark = changes.watermark;
  }

  /**
   * The rows as columns for computePerformance: views of the arrays held (no copy), valid until
   * the next `apply`. Rows of replaced decisions carry time +Infinity.
   */
  columns(): LabelledDecisions {
    const n = this.n;
    return {
      count: n,
      score: this.score.subarray(0, n),
      decision: this.decision.subarray(0, n),
      rule: this.rule.subarray(0, n),
      rules: [...this.rules],
      label: this.label.subarray(0, n),
      amount: this.amount.subarray(0, n),
      time: this.time.subarray(0, n),
      modelVersion: this.modelVersion.subarray(0, n),
      modelVersions: [...this.modelVersions],
    };
  }

  /**
   * Restores sequence order when rows appended after `held` include some below the last held
   * one: both parts are ascending, so one merge pass, rare (a gap filled) and O(rows).
   */
  private mergeTail(held: number): void {
    const n = this.n;
    const order = new Int32Array(n);
    let a = 0;
    let b = held;
    for (let i = 0; i < n; i++) order[i] = b >= n || (a < held && this.seq[a] <= this.seq[b]) ? a++ : b++;
    const permute = <A extends Float64Array | Uint8Array | Int32Array | Int8Array>(column: A): void => {
      const copy = column.slice(0, n);
      for (let i = 0; i < n; i++) column[i] = copy[order[i]];
    };
    permute(this.seq);
    permute(this.score);
    permute(this.decision);
    permute(this.rule);
    permute(this.label);
    permute(this.amount);
    permute(this.time);
    permute(this.modelVersion);
    // Rows moved: the retention pass starts over (rows dropped before keep their +Infinity time).
    this.firstKept = 0;
  }

  /** The row of a decision by its sequence number, or -1 when it is not held. */
  private find(seq: number): number {
    const lo = this.lowerBound(seq);
    return lo < this.n && this.seq[lo] === seq ? lo : -1;
  }

  /** The first row whose sequence number is at least `seq`. */
  private lowerBound(seq: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seq[mid] < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private reserve(rows: number): void {
    if (rows <= this.seq.length) return;
    let capacity = this.seq.length;
    while (capacity < rows) capacity *= 2;
    const grow = <A extends Float64Array | Uint8Array | Int32Array | Int8Array>(a: A, make: (n: number) => A): A => {
      const b = make(capacity);
      b.set(a.subarray(0, this.n));
      return b;
    };
    this.seq = grow(this.seq, (c) => new Float64Array(c));
    this.score = grow(this.score, (c) => new Float64Array(c));
    this.decision = grow(this.decision, (c) => new Uint8Array(c));
    this.rule = grow(this.rule, (c) => new Int32Array(c));
    this.label = grow(this.label, (c) => new Int8Array(c).fill(LABEL_NONE));
    this.amount = grow(this.amount, (c) => new Float64Array(c));
    this.time = grow(this.time, (c) => new Float64Array(c));
    this.modelVersion = grow(this.modelVersion, (c) => new Int32Array(c));
  }
}
