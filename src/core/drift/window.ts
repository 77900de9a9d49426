/**
 * The production side of drift monitoring, as pure logic the window stores share:
 *   - `DriftLayout`, compiled once from a baseline: every feature's bins (and the score's) laid
 *     out as one flat vector of count slots, and `slotsOf`, which maps a scored row to one slot
 *     per feature with a binary search per numeric value and a table lookup per category;
 *   - `WindowCounts` (rows and that flat count vector) and the uniform row samples that sit
 *     beside them (`BottomKSample`, `mergeSamples`, `sampleRows`);
 *   - `buildDriftReport`, which turns counts and samples of a window into the report.
 *
 * Which test runs on what (the rule `buildDriftReport` applies, per feature and for the score):
 *   1. The statistic is the registry's default (selectDriftTest), decided by the number of
 *      non-missing rows in the baseline (not by its sample size) and, for a numeric feature, its
 *      number of distinct training values; an explicit per-feature choice overrides it.
 *   2. KS and Wasserstein (numeric, > 5 distinct values) run on raw values when both the
 *      baseline's reservoir and the window's sample hold at least `minSampleSize` observed values
 *      (`method: 'samples'`), which a window of that many rows always has; otherwise they run on
 *      the counts on the baseline's bins (`method: 'bins'`): KS from histograms (conservative)
 *      and Wasserstein with the mass at bin centres.
 *   3. Chi-squared, Jensen-Shannon and PSI always run on bin counts (`method: 'bins'`), which
 *      cover every row of the window, not a sample. Numeric features with <= 5 distinct values
 *      have one bin per value, so this is the registry's "treat as categorical" rule.
 *   4. Missing values are counted apart and never tested (the statistics skip them too).
 *   4b. A category the model does not know (UNKNOWN_CATEGORY_CODE in the row: the scorer saw a
 *      name without a code and scored it as missing) has a slot of its own, so the report can
 *      show how much of the window is new categories; for the test it counts in "other", where
 *      the baseline put such rows too.
 *   5. Fewer than `minSampleSize` observed values on either side give `not_enough_data: true`,
 *      `drifted: false`; an empty window is a report of such results, never an exception.
 */

import { UNKNOWN_CATEGORY_CODE } from '../data/table.js';
import { FraudlensError } from '../errors.js';
import type { DriftBaseline, FeatureBaseline, ScoreBaseline } from './baseline.js';
import { MIN_DRIFT_SAMPLE_SIZE } from './common.js';
import { DATASET_DRIFT_SHARE, datasetDrift, getDriftStatistic, runFeatureDrift, selectDriftTest } from './registry.js';
import type { DriftRandom } from './random.js';
import { OTHER_CATEGORY, type DriftReport, type FeatureDriftReport, type WindowInfo } from './report.js';
import type { DriftFeatureKind, DriftInput, DriftTestName } from './types.js';

/**
 * The bin of a value under right-closed bins: the number of cut points strictly below it, so
 * bin i holds edges[i-1] < x <= edges[i] (first bin open below, last open above). -1 for NaN.
 * Works on any ascending array; O(log bins).
 * @param edges ascending cut points
 * @param value the value to place
 * @example binIndex([1, 2, 3], 2) // 1: 2 lies in (1, 2]
 */
export function binIndex(edges: ArrayLike<number>, value: number): number {
  if (value !== value) return -1;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Up to this many cut points a linear count beats a binary search (no unpredictable branches). */
const LINEAR_SCAN_MAX = 16;

/**
 * Number of cuts[from..to) strictly below v (the bin of v under right-closed bins), for a
 * non-NaN v. Short runs are counted without branches: on real traffic the binary search's
 * comparisons are coin flips the CPU mispredicts, which costs more than comparing every cut.
 */
function countBelow(cuts: Float64Array, from: number, to: number, v: number): number {
  if (to - from <= LINEAR_SCAN_MAX) {
    let n = 0;
    for (let i = from; i < to; i++) n += cuts[i] < v ? 1 : 0;
    return n;
  }
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo - from;
}

/** Codes above this use a Map instead of a dense code → bucket table. */
const DENSE_CODE_LIMIT = 1 << 16;

/**
 * Version of the slot layout, for stores that keep counts by slot index across processes (the
 * Redis window's key fingerprint): 2 added the new-category slot of categorical features.
 */
export const DRIFT_LAYOUT_VERSION = 2;

/**
 * A baseline compiled for the hot path. Feature j owns slots
 * [slotStart[j], slotStart[j + 1]): its value bins (numeric bins, or kept categories followed by
 * the "other" bucket), then one missing slot, then for a categorical feature one slot of
 * categories the model does not know (see newCategorySlot). The score is "feature" m
 * (numFeatures), whose missing slot stays at 0 because rows without a finite score are refused.
 */
export class DriftLayout {
  readonly baseline: DriftBaseline;
  readonly numFeatures: number;
  readonly names: readonly string[];
  readonly types: readonly DriftFeatureKind[];
  /** Total count slots (all features and the score). */
  readonly numSlots: number;
  /** First slot of each feature, then of the score, then numSlots: length numFeatures + 2. */
  readonly slotStart: Int32Array;
  /** Value bins (without the missing slot) per feature and for the score. */
  readonly valueBins: Int32Array;
  private readonly categorical: Uint8Array;
  /** Cut points of every numeric feature and the score, concatenated; cutStart as slotStart. */
  private readonly cuts: Float64Array;
  private readonly cutStart: Int32Array;
  private readonly denseCodes: (Int32Array | null)[];
  private readonly sparseCodes: (Map<number, number> | null)[];
  /** Baseline counts on the value bins, per feature and for the score. */
  readonly baselineCounts: readonly Float64Array[];
  /** Baseline raw samples (numeric features and the score; empty for categorical). */
  readonly baselineSamples: readonly Float64Array[];
  /** Finite, strictly increasing edges (bins + 1) for tests that place mass at bin centres. */
  readonly finiteEdges: readonly Float64Array[];

  constructor(baseline: DriftBaseline) {
    const m = baseline.features.length;
    const all: (FeatureBaseline | (ScoreBaseline & { type: 'numeric' }))[] = [...baseline.features, { ...baseline.score, type: 'numeric' }];
    this.baseline = baseline;
    this.numFeatures = m;
    this.names = baseline.features.map((f) => f.name);
    this.types = baseline.features.map((f) => f.type);
    this.slotStart = new Int32Array(m + 2);
    this.valueBins = new Int32Array(m + 1);
    this.categorical = new Uint8Array(m + 1);
    this.cutStart = new Int32Array(m + 2);
    this.denseCodes = [];
    this.sparseCodes = [];
    const cuts: number[] = [];
    const baselineCounts: Float64Array[] = [];
    const baselineSamples: Float64Array[] = [];
    const finiteEdges: Float64Array[] = [];
    let slot = 0;
    all.forEach((f, j) => {
      this.slotStart[j] = slot;
      this.cutStart[j] = cuts.length;
      baselineCounts.push(Float64Array.from(f.counts));
      if (f.type === 'categorical') {
        this.categorical[j] = 1;
        this.valueBins[j] = f.categories.length + 1;
        let maxCode = -1;
        for (const c of f.codes) if (c > maxCode) maxCode = c;
        if (maxCode < DENSE_CODE_LIMIT) {
          const table = new Int32Array(maxCode + 1).fill(-1);
          f.codes.forEach((c, k) => (table[c] = k));
          this.denseCodes.push(table);
          this.sparseCodes.push(null);
        } else {
          this.denseCodes.push(null);
          this.sparseCodes.push(new Map(f.codes.map((c, k) => [c, k])));
        }
        baselineSamples.push(new Float64Array(0));
        finiteEdges.push(new Float64Array(0));
      } else {
        this.valueBins[j] = f.edges.length + 1;
        cuts.push(...f.edges);
        this.denseCodes.push(null);
        this.sparseCodes.push(null);
        baselineSamples.push(Float64Array.from(f.sample));
        finiteEdges.push(outerEdges(f.edges, f.min, f.max));
      }
      slot += this.valueBins[j] + 1 + this.categorical[j];
    });
    this.slotStart[m + 1] = slot;
    this.cutStart[m + 1] = cuts.length;
    this.numSlots = slot;
    this.cuts = Float64Array.from(cuts);
    this.baselineCounts = baselineCounts;
    this.baselineSamples = baselineSamples;
    this.finiteEdges = finiteEdges;
  }

  /** The missing slot of feature j (j = numFeatures for the score). */
  missingSlot(j: number): number {
    return this.slotStart[j] + this.valueBins[j];
  }

  /** The slot of rows whose category of feature j the model does not know; -1 for numeric features. */
  newCategorySlot(j: number): number {
    return this.categorical[j] === 1 ? this.slotStart[j] + this.valueBins[j] + 1 : -1;
  }

  /**
   * Counts of feature j on its value bins, as the tests compare them with the baseline: rows in
   * categories the model does not know are part of "other", as the baseline counted them.
   * @param counts a window's counts on this layout
   */
  valueCounts(counts: Float64Array, j: number): Float64Array {
    const start = this.slotStart[j];
    const bins = this.valueBins[j];
    const out = counts.slice(start, start + bins);
    if (this.categorical[j] === 1) out[bins - 1] += counts[start + bins + 1];
    return out;
  }

  /**
   * The slot of every feature of one row and of its score, written to `out` (length
   * numFeatures + 1). Allocates nothing.
   *   numeric: NaN and +-Infinity count as missing (non-finite values cannot be tested);
   *   categorical: NaN is missing; UNKNOWN_CATEGORY_CODE (a category the model does not know)
   *   goes to the feature's new-category slot; a code the baseline does not keep by name (a rare
   *   category, or any other negative or fractional code) goes to the "other" bucket.
   * @param row the encoded row, model feature order (as the predictor reads it)
   * @param score the model's probability for the row; must be finite
   * @param out receives global slot indices
   * @param offset where the row starts in `row` (a row of a row-major block)
   */
  slotsOf(row: ArrayLike<number>, score: number, out: Int32Array, offset = 0): void {
    const m = this.numFeatures;
    const cuts = this.cuts;
    for (let j = 0; j < m; j++) {
      const v = row[offset + j];
      const base = this.slotStart[j];
      if (this.categorical[j] === 0) {
        // v - v is 0 for finite values, NaN for NaN and infinities.
        if (v - v !== 0) {
          out[j] = base + this.valueBins[j];
          continue;
        }
        out[j] = base + countBelow(cuts, this.cutStart[j], this.cutStart[j + 1], v);
      } else if (v !== v) {
        out[j] = base + this.valueBins[j];
      } else if (v === UNKNOWN_CATEGORY_CODE) {
        out[j] = base + this.valueBins[j] + 1;
      } else {
        out[j] = base + this.categoryBucket(j, v);
      }
    }
    out[m] = this.slotStart[m] + countBelow(cuts, this.cutStart[m], this.cutStart[m + 1], score);
  }

  private categoryBucket(j: number, code: number): number {
    const other = this.valueBins[j] - 1;
    const dense = this.denseCodes[j];
    if (dense !== null) {
      if (code >= 0 && code < dense.length && Math.floor(code) === code) {
        const k = dense[code];
        return k < 0 ? other : k;
      }
      return other;
    }
    return this.sparseCodes[j]!.get(code) ?? other;
  }
}

const compiled = new WeakMap<DriftBaseline, DriftLayout>();

/**
 * The layout of a baseline, compiled once per baseline object and cached.
 * @param baseline a validated baseline (buildBaseline or parseBaseline); treat it as immutable
 */
export function compileBaseline(baseline: DriftBaseline): DriftLayout {
  let layout = compiled.get(baseline);
  if (layout === undefined) {
    layout = new DriftLayout(baseline);
    compiled.set(baseline, layout);
  }
  return layout;
}

/**
 * Finite edges around the cut points for bin-centre computations: the baseline's min and max
 * close the outer bins; where a cut point sits on the min or max (ties), the outer bin is given
 * the average width of the inner bins instead, so every bin has a positive width.
 */
function outerEdges(cuts: readonly number[], min: number | null, max: number | null): Float64Array {
  const k = cuts.length;
  if (k === 0) {
    const lo = min ?? 0;
    const hi = max !== null && max > lo ? max : lo + 1;
    return Float64Array.of(lo, hi);
  }
  const width = k >= 2 ? (cuts[k - 1] - cuts[0]) / (k - 1) : Math.max(Math.abs(cuts[0]), 1);
  const out = new Float64Array(k + 2);
  out[0] = min !== null && min < cuts[0] ? min : cuts[0] - width;
  for (let i = 0; i < k; i++) out[i + 1] = cuts[i];
  out[k + 1] = max !== null && max > cuts[k - 1] ? max : cuts[k - 1] + width;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Window counts and samples

/** Counts of a window on a layout's slots. Each row adds one count in every feature's slot group. */
export interface WindowCounts {
  rows: number;
  /** Length layout.numSlots. */
  counts: Float64Array;
}

/** Zero counts for a layout. */
export function emptyCounts(layout: DriftLayout): WindowCounts {
  return { rows: 0, counts: new Float64Array(layout.numSlots) };
}

/** Adds `source` into `target` (same layout). */
export function addCounts(target: WindowCounts, source: WindowCounts): void {
  const t = target.counts;
  const s = source.counts;
  for (let i = 0; i < t.length; i++) t[i] += s[i];
  target.rows += source.rows;
}

/** A uniform sample of a window's rows: raw encoded values (row-major) and scores. */
export interface WindowSample {
  size: number;
  numFeatures: number;
  /** size * numFeatures values, row-major, NaN = missing. */
  values: Float32Array;
  scores: Float64Array;
}

/** A sample with no rows. */
export function emptySample(numFeatures: number): WindowSample {
  return { size: 0, numFeatures, values: new Float32Array(0), scores: new Float64Array(0) };
}

/**
 * A bounded uniform sample of a stream of rows by bottom-k sampling: every row gets a uniform
 * random key and the `capacity` rows with the smallest keys are kept (a max-heap on keys finds
 * the one to evict). Unlike a classic reservoir it merges exactly: the k smallest keys of a
 * union of streams are among the k smallest of each, which is what lets time buckets, and
 * several processes writing to Redis, be combined into one uniform sample (mergeSamples).
 * Cost per row: one comparison when the key is rejected, O(log capacity) when it is kept.
 */
export class BottomKSample {
  readonly capacity: number;
  readonly numFeatures: number;
  /** Rows kept. */
  size = 0;
  /** Rows offered since creation (or the last clear). */
  seen = 0;
  /** Key, values and score of each storage slot. */
  readonly keys: Float64Array;
  readonly values: Float32Array;
  readonly scores: Float64Array;
  /** heap[p] = storage slot at heap position p; the largest key sits at position 0. */
  private readonly heap: Int32Array;

  /**
   * @param capacity rows kept at most (0 keeps none)
   * @param numFeatures values per row
   */
  constructor(capacity: number, numFeatures: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new FraudlensError('INPUT_INVALID', `Sample capacity must be a non-negative integer, got ${capacity}.`);
    this.capacity = capacity;
    this.numFeatures = numFeatures;
    this.keys = new Float64Array(capacity);
    this.values = new Float32Array(capacity * numFeatures);
    this.scores = new Float64Array(capacity);
    this.heap = new Int32Array(capacity);
  }

  /** The key a new row must be below to be kept: Infinity until the sample is full. */
  threshold(): number {
    return this.size < this.capacity ? Infinity : this.capacity === 0 ? -Infinity : this.keys[this.heap[0]];
  }

  /**
   * Offers one row with its random key; returns whether it was kept.
   * @param key uniform in [0, 1), drawn independently for each row
   * @param row numFeatures values (copied)
   * @param score the row's score
   */
  offer(key: number, row: ArrayLike<number>, score: number): boolean {
    this.seen++;
    let slot: number;
    if (this.size < this.capacity) {
      slot = this.size;
      this.heap[this.size] = slot;
      this.keys[slot] = key;
      this.siftUp(this.size);
      this.size++;
    } else {
      if (this.capacity === 0) return false;
      slot = this.heap[0];
      if (!(key < this.keys[slot])) return false;
      this.keys[slot] = key;
      this.siftDown(0);
    }
    const m = this.numFeatures;
    const base = slot * m;
    for (let k = 0; k < m; k++) this.values[base + k] = row[k];
    this.scores[slot] = score;
    return true;
  }

  /** Forgets every row. */
  clear(): void {
    this.size = 0;
    this.seen = 0;
  }

  private siftUp(p: number): void {
    const heap = this.heap;
    const keys = this.keys;
    const slot = heap[p];
    const key = keys[slot];
    while (p > 0) {
      const parent = (p - 1) >> 1;
      if (keys[heap[parent]] >= key) break;
      heap[p] = heap[parent];
      p = parent;
    }
    heap[p] = slot;
  }

  private siftDown(p: number): void {
    const heap = this.heap;
    const keys = this.keys;
    const n = this.size;
    const slot = heap[p];
    const key = keys[slot];
    for (;;) {
      let child = 2 * p + 1;
      if (child >= n) break;
      if (child + 1 < n && keys[heap[child + 1]] > keys[heap[child]]) child++;
      if (keys[heap[child]] <= key) break;
      heap[p] = heap[child];
      p = child;
    }
    heap[p] = slot;
  }
}

/** One part of a merge: rows kept by bottom-k sampling and whether rows were evicted. */
export interface SamplePart {
  size: number;
  keys: ArrayLike<number>;
  /** size * numFeatures values, row-major. */
  values: ArrayLike<number>;
  scores: ArrayLike<number>;
  /** True when the part saw more rows than it kept (its largest kept key is then a cut-off). */
  saturated: boolean;
}

/**
 * Merges bottom-k samples of disjoint row sets into one sample of at most `maxSize` rows.
 * Every row of a part with key <= tau is available, where tau is the smallest "largest kept key"
 * of the saturated parts (or unbounded when none is); the result is the `maxSize` smallest keys
 * among those rows. When `maxSize` does not exceed any part's capacity this is exactly the
 * bottom-k sample of the union; otherwise it is the bottom-j sample for the largest j the parts
 * can vouch for (all rows below tau), so possibly fewer than `maxSize` rows.
 * @param parts samples of disjoint sets of rows (e.g. time buckets)
 * @param numFeatures values per row
 * @param maxSize rows wanted
 */
export function mergeSamples(parts: readonly SamplePart[], numFeatures: number, maxSize: number): WindowSample {
  let tau = Infinity;
  let total = 0;
  for (const p of parts) {
    total += p.size;
    if (!p.saturated) continue;
    let largest = -Infinity;
    for (let i = 0; i < p.size; i++) if (p.keys[i] > largest) largest = p.keys[i];
    if (largest < tau) tau = largest;
  }
  const partOf = new Int32Array(total);
  const indexIn = new Int32Array(total);
  const keyOf = new Float64Array(total);
  let n = 0;
  parts.forEach((p, pi) => {
    for (let i = 0; i < p.size; i++) {
      if (p.keys[i] <= tau) {
        partOf[n] = pi;
        indexIn[n] = i;
        keyOf[n] = p.keys[i];
        n++;
      }
    }
  });
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => keyOf[a] - keyOf[b]);
  const size = Math.min(n, Math.max(0, maxSize));
  const m = numFeatures;
  const values = new Float32Array(size * m);
  const scores = new Float64Array(size);
  for (let r = 0; r < size; r++) {
    const c = order[r];
    const p = parts[partOf[c]];
    const i = indexIn[c];
    for (let k = 0; k < m; k++) values[r * m + k] = p.values[i * m + k];
    scores[r] = p.scores[i];
  }
  return { size, numFeatures: m, values, scores };
}

/** A bottom-k sample as a merge part. */
export function sampleAsPart(s: BottomKSample): SamplePart {
  return { size: s.size, keys: s.keys, values: s.values, scores: s.scores, saturated: s.seen > s.size };
}

/**
 * Counts of a block of rows on a layout (count-based windows bin their rows when read).
 * @param layout the compiled baseline
 * @param values rows * numFeatures encoded values, row-major
 * @param scores one score per row
 * @param rows number of rows to read
 */
export function countRows(layout: DriftLayout, values: ArrayLike<number>, scores: ArrayLike<number>, rows: number): WindowCounts {
  const m = layout.numFeatures;
  const counts = new Float64Array(layout.numSlots);
  const slots = new Int32Array(m + 1);
  let kept = 0;
  for (let r = 0; r < rows; r++) {
    const s = scores[r];
    if (!Number.isFinite(s)) continue;
    layout.slotsOf(values, s, slots, r * m);
    for (let k = 0; k <= m; k++) counts[slots[k]]++;
    kept++;
  }
  return { rows: kept, counts };
}

/**
 * A uniform sample without replacement of `size` rows out of `rows` (all of them when there are
 * no more than `size`), by a partial Fisher-Yates shuffle of row indices.
 * @param values rows * numFeatures values, row-major
 * @param scores one score per row
 * @param rows rows available
 * @param numFeatures values per row
 * @param size rows wanted
 * @param rng the seeded generator
 */
export function sampleRows(values: ArrayLike<number>, scores: ArrayLike<number>, rows: number, numFeatures: number, size: number, rng: DriftRandom): WindowSample {
  const m = numFeatures;
  const take = Math.max(0, Math.min(rows, size));
  const index = new Int32Array(rows);
  for (let i = 0; i < rows; i++) index[i] = i;
  if (take < rows) {
    for (let i = 0; i < take; i++) {
      const j = i + rng.below(rows - i);
      const t = index[i];
      index[i] = index[j];
      index[j] = t;
    }
  }
  const out = new Float32Array(take * m);
  const outScores = new Float64Array(take);
  for (let r = 0; r < take; r++) {
    const i = index[r];
    for (let k = 0; k < m; k++) out[r * m + k] = values[i * m + k];
    outScores[r] = scores[i];
  }
  return { size: take, numFeatures: m, values: out, scores: outScores };
}

// ---------------------------------------------------------------------------------------------
// The report

export interface DriftReportOptions {
  /** Share of judged features that must drift for dataset drift (default 0.5). */
  share?: number;
  /** Fewer observed values than this on either side: not enough data (default 30). */
  minSampleSize?: number;
  /** Threshold overrides by statistic. */
  thresholds?: Partial<Record<DriftTestName, number>>;
  /** Statistic forced per feature name (instead of the registry's rule). */
  tests?: Readonly<Record<string, DriftTestName>>;
  /** Statistic forced for the score. */
  scoreTest?: DriftTestName;
  /** Description of the window, copied into the report. */
  window?: WindowInfo | null;
}

/** The finite values of column j of a sample (missing and non-finite values left out). */
function sampleColumn(sample: WindowSample, j: number, fromScores: boolean): Float64Array {
  let n = 0;
  const m = sample.numFeatures;
  for (let r = 0; r < sample.size; r++) {
    const v = fromScores ? sample.scores[r] : sample.values[r * m + j];
    if (v - v === 0) n++;
  }
  const out = new Float64Array(n);
  let k = 0;
  for (let r = 0; r < sample.size; r++) {
    const v = fromScores ? sample.scores[r] : sample.values[r * m + j];
    if (v - v === 0) out[k++] = v;
  }
  return out;
}

function total(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

function checkForcedTest(name: string, test: DriftTestName, type: DriftFeatureKind): void {
  const stat = getDriftStatistic(test);
  if (type === 'categorical' && !stat.appliesTo.includes('categorical')) {
    throw new FraudlensError('INPUT_INVALID', `Drift test "${test}" cannot be used for the categorical feature "${name}".`, { field: name });
  }
}

/** The report entry of feature j (j = numFeatures: the score). */
function featureReport(layout: DriftLayout, j: number, counts: WindowCounts, sample: WindowSample, options: DriftReportOptions, minSampleSize: number, forced: DriftTestName | undefined): FeatureDriftReport {
  const m = layout.numFeatures;
  const isScore = j === m;
  const f = isScore ? null : layout.baseline.features[j];
  const type: DriftFeatureKind = f === null ? 'numeric' : f.type;
  const start = layout.slotStart[j];
  const bins = layout.valueBins[j];
  const baselineCounts = layout.baselineCounts[j];
  const currentCounts = layout.valueCounts(counts.counts, j);
  const currentMissing = counts.counts[start + bins];
  const newSlot = isScore ? -1 : layout.newCategorySlot(j);
  const baselineObserved = total(baselineCounts);
  const distinct = f === null ? layout.baseline.score.distinct : f.distinct;
  // Numeric tests run on the window's sample when it is large enough, else (like categorical
  // ones) on the counts of every row: the test is chosen for the observations it will see.
  const windowRows = total(currentCounts);
  const currentRows = type === 'numeric' && sample.size >= minSampleSize ? Math.min(windowRows, sample.size) : windowRows;
  const test = forced ?? selectDriftTest({ type, baselineRows: baselineObserved, distinctValues: type === 'numeric' ? distinct : undefined, currentRows });
  const stat = getDriftStatistic(test);

  let input: DriftInput;
  let runAs: DriftFeatureKind = type;
  let method: 'samples' | 'bins' = 'bins';
  let observations = { baseline: baselineObserved, current: total(currentCounts) };
  const binned: DriftInput = { form: 'counts', baseline: baselineCounts, current: currentCounts, edges: layout.finiteEdges[j] };
  if (type === 'numeric' && stat.accepts.includes('samples') && stat.appliesTo.includes('numeric')) {
    const base = layout.baselineSamples[j];
    const current = sampleColumn(sample, j, isScore);
    if (base.length >= minSampleSize && current.length >= minSampleSize) {
      input = { form: 'samples', baseline: base, current };
      method = 'samples';
      observations = { baseline: base.length, current: current.length };
    } else {
      input = binned;
    }
  } else {
    input = binned;
    // Bins of a numeric feature tested by a categorical statistic are compared as categories.
    if (!stat.appliesTo.includes('numeric')) runAs = 'categorical';
  }
  const r = runFeatureDrift(runAs, input, { test, thresholds: options.thresholds, minSampleSize });
  const notEnough = r.notEnoughData === true;
  const baselineBins =
    f !== null && f.type === 'categorical'
      ? { categories: [...f.categories, OTHER_CATEGORY], counts: f.counts.slice(), missing: f.missing }
      : { edges: (f ?? layout.baseline.score).edges.slice(), counts: (f ?? layout.baseline.score).counts.slice(), missing: f === null ? 0 : f.missing };
  return {
    feature: f === null ? 'score' : f.name,
    type,
    test: r.test,
    statistic: notEnough || !Number.isFinite(r.statistic) ? null : r.statistic,
    p_value: notEnough ? null : r.pValue,
    threshold: r.threshold,
    drifted: r.drifted,
    not_enough_data: notEnough,
    method,
    observations,
    baseline: baselineBins,
    current: { counts: Array.from(currentCounts), missing: currentMissing, ...(newSlot >= 0 ? { new_categories: counts.counts[newSlot] } : {}) },
  };
}

/**
 * The drift report of a window against the baseline (see the module header for which test runs
 * on what). Never throws because a window is empty or small; throws INPUT_INVALID only for
 * counts or samples of another layout, or for invalid options.
 * @param baseline the baseline the counts were binned on
 * @param counts the window's counts on the baseline's slots
 * @param sample a uniform sample of the window's rows (may be empty: binned tests only)
 * @param options share, minimum sample size, thresholds, forced tests, window description
 * @example const report = buildDriftReport(baseline, snapshot.counts, snapshot.sample, { window: snapshot.window });
 */
export function buildDriftReport(baseline: DriftBaseline, counts: WindowCounts, sample: WindowSample, options: DriftReportOptions = {}): DriftReport {
  const layout = compileBaseline(baseline);
  const m = layout.numFeatures;
  if (!(counts.counts instanceof Float64Array) || counts.counts.length !== layout.numSlots) {
    throw new FraudlensError('INPUT_INVALID', `Window counts have ${counts.counts?.length} slots but this baseline needs ${layout.numSlots}; they were built for another baseline.`);
  }
  if (sample.numFeatures !== m || sample.values.length < sample.size * m || sample.scores.length < sample.size) {
    throw new FraudlensError('INPUT_INVALID', `The window sample has ${sample.numFeatures} features per row but the baseline has ${m}.`);
  }
  const share = options.share ?? DATASET_DRIFT_SHARE;
  const minSampleSize = options.minSampleSize ?? MIN_DRIFT_SAMPLE_SIZE;
  if (!Number.isFinite(minSampleSize) || minSampleSize < 1) {
    throw new FraudlensError('INPUT_INVALID', `minSampleSize ${minSampleSize} must be a finite number of at least 1.`, { field: 'minSampleSize' });
  }
  const tests = options.tests ?? {};
  for (const name of Object.keys(tests)) {
    const j = layout.names.indexOf(name);
    if (j < 0) throw new FraudlensError('INPUT_INVALID', `A drift test is set for "${name}", which is not a feature of the baseline.`, { field: name });
    checkForcedTest(name, tests[name], layout.types[j]);
  }
  if (options.scoreTest !== undefined) checkForcedTest('score', options.scoreTest, 'numeric');

  const features: FeatureDriftReport[] = [];
  for (let j = 0; j < m; j++) {
    const forced = Object.prototype.hasOwnProperty.call(tests, layout.names[j]) ? tests[layout.names[j]] : undefined;
    features.push(featureReport(layout, j, counts, sample, options, minSampleSize, forced));
  }
  const prediction = featureReport(layout, m, counts, sample, options, minSampleSize, options.scoreTest);
  const verdict = datasetDrift(
    features.map((f) => ({ test: f.test, statistic: f.statistic ?? Number.NaN, pValue: f.p_value, threshold: f.threshold, drifted: f.drifted, notEnoughData: f.not_enough_data })),
    share,
  );
  return {
    model_version: baseline.model_version,
    baseline_created_at: baseline.created_at,
    baseline_rows: baseline.rows,
    window: options.window ?? null,
    rows: counts.rows,
    dataset_drift: {
      drifted: verdict.drifted,
      share: verdict.share,
      share_drifted: verdict.shareDrifted,
      drifted_features: verdict.driftedFeatures,
      evaluated_features: verdict.evaluatedFeatures,
      not_enough_data: verdict.notEnoughData === true,
    },
    drifted_features: features.filter((f) => f.drifted).map((f) => f.feature),
    prediction_drift: prediction,
    features,
    settings: { min_sample_size: minSampleSize, share, thresholds: { ...(options.thresholds ?? {}) } },
  };
}

