/**
 * Binary-classification metrics over float64 scores (probabilities) and 0/1 labels, defined as
 * scikit-learn 1.2 defines them so that numbers printed by fraudlens and by a Python notebook
 * agree: ROC-AUC with tied scores counted half, PR-AUC as `average_precision_score` (a step sum
 * over distinct thresholds, no interpolation), log loss clipped like `log_loss`, Brier score,
 * and the calibration bins of `calibration_curve(strategy="uniform")`.
 *
 * AUCs sort only the positive scores and binary-search every negative into them: exact, and fast
 * on fraud data where positives are rare (the early-stopping loop calls them every round).
 * A metric that needs both classes returns NaN when one is absent.
 */

/**
 * Clipping of probabilities in log loss: scikit-learn 1.2's `eps="auto"` for float64 input, the
 * float64 machine epsilon (2.22e-16), so a confidently wrong prediction costs about 36.
 */
export const LOGLOSS_EPSILON = Number.EPSILON;
/** Bins of the calibration table. */
export const CALIBRATION_BINS = 10;

function checkLengths(scores: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (scores.length !== labels.length)
    throw new RangeError(`scores and labels differ in length (${scores.length} vs ${labels.length})`);
}

/**
 * Where the negatives fall among the positives, the one pass both AUCs need: the distinct
 * positive scores ascending with how many positives share each, and for every slot j (between
 * distinct[j − 1] and distinct[j]) the negatives scored ≥ distinct[j − 1] and < distinct[j], plus
 * the negatives tied with distinct[j].
 */
export interface Ranks {
  positives: number;
  negatives: number;
  distinct: Float64Array;
  posAt: Float64Array;
  /** slot[j]: negatives with exactly j distinct positive scores ≤ theirs. */
  slot: Float64Array;
  /** tied[j]: negatives whose score equals distinct[j]. */
  tied: Float64Array;
}

function rankNegatives(scores: ArrayLike<number>, labels: ArrayLike<number>): Ranks {
  checkLengths(scores, labels);
  let p = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) p++;
  const pos = new Float64Array(p);
  let k = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) pos[k++] = scores[i];
  pos.sort();
  const distinctAll = new Float64Array(p);
  const posAtAll = new Float64Array(p);
  let d = 0;
  for (let i = 0; i < p; i++) {
    if (d > 0 && distinctAll[d - 1] === pos[i]) posAtAll[d - 1]++;
    else {
      distinctAll[d] = pos[i];
      posAtAll[d] = 1;
      d++;
    }
  }
  const distinct = distinctAll.subarray(0, d);
  const slot = new Float64Array(d + 1);
  const tied = new Float64Array(d);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) continue;
    const s = scores[i];
    // Binary search: j = number of distinct positive scores ≤ s.
    let lo = 0;
    let hi = d;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (distinct[mid] <= s) lo = mid + 1;
      else hi = mid;
    }
    slot[lo]++;
    if (lo > 0 && distinct[lo - 1] === s) tied[lo - 1]++;
  }
  return { positives: p, negatives: labels.length - p, distinct, posAt: posAtAll.subarray(0, d), slot, tied };
}

/** ROC-AUC from the ranks of the negatives among the positives. */
export function rocFromRanks(r: Ranks): number {
  if (r.positives === 0 || r.negatives === 0) return NaN;
  // A negative in slot j loses to every positive above distinct[j − 1] and ties with those at it.
  let wins = 0;
  let atOrBelow = 0;
  for (let j = 0; j < r.slot.length; j++) {
    wins += r.slot[j] * (r.positives - atOrBelow);
    if (j < r.posAt.length) {
      wins += 0.5 * r.tied[j] * r.posAt[j];
      atOrBelow += r.posAt[j];
    }
  }
  return wins / (r.positives * r.negatives);
}

/** Average precision from the same ranks. A distinct score with no positive of this set (posAt 0) adds nothing. */
export function averagePrecisionFromRanks(r: Ranks): number {
  if (r.positives === 0) return NaN;
  // Thresholds at the distinct positive scores, highest first; negatives ≥ threshold j are those in slots > j.
  let ap = 0;
  let negAbove = 0;
  let tp = 0;
  for (let j = r.posAt.length - 1; j >= 0; j--) {
    negAbove += r.slot[j + 1];
    if (r.posAt[j] === 0) continue;
    tp += r.posAt[j];
    ap += (r.posAt[j] / r.positives) * (tp / (tp + negAbove));
  }
  return ap;
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counting one half (the same as the average-rank formula).
 *
 * @param scores higher = more likely positive
 * @param labels 1 = positive, 0 = negative
 * @example rocAuc(Float64Array.of(0.1, 0.4, 0.35, 0.8), Uint8Array.of(0, 0, 1, 1)) // 0.75
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  return rocFromRanks(rankNegatives(scores, labels));
}

/**
 * Average precision, as scikit-learn's `average_precision_score`: Σ (Rₙ − Rₙ₋₁) · Pₙ over the
 * distinct score thresholds in decreasing order, where a threshold t classifies score ≥ t as
 * positive. Only thresholds that are positive scores change recall, so only they are visited.
 *
 * @example averagePrecision(Float64Array.of(0.1, 0.4, 0.35, 0.8), Uint8Array.of(0, 0, 1, 1)) // 0.8333…
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  return averagePrecisionFromRanks(rankNegatives(scores, labels));
}

/**
 * ROC-AUC and average precision from one sort of the positives and one binary search per
 * negative: what a caller needing both (live performance over a million decisions) pays once.
 *
 * @example rankingMetrics(Float64Array.of(0.1, 0.4, 0.35, 0.8), Uint8Array.of(0, 0, 1, 1)) // {roc_auc: 0.75, pr_auc: 0.8333…}
 */
export function rankingMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>): { roc_auc: number; pr_auc: number } {
  const ranks = rankNegatives(scores, labels);
  return { roc_auc: rocFromRanks(ranks), pr_auc: averagePrecisionFromRanks(ranks) };
}

/**
 * Mean negative log-likelihood, probabilities clipped to [ε, 1 − ε] and renormalised as
 * scikit-learn 1.2's `log_loss` does for a binary problem.
 *
 * @param eps clipping bound (default {@link LOGLOSS_EPSILON})
 * @example logLoss(Float64Array.of(0.9, 0.2), Uint8Array.of(1, 0)) // (−ln 0.9 − ln 0.8) / 2
 */
export function logLoss(scores: ArrayLike<number>, labels: ArrayLike<number>, eps = LOGLOSS_EPSILON): number {
  checkLengths(scores, labels);
  const n = labels.length;
  if (n === 0) return NaN;
  const hi = 1 - eps;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = scores[i];
    // Clip p, take 1 − (clipped p) for the negative class, renormalise: scikit-learn's order.
    const q1 = p < eps ? eps : p > hi ? hi : p;
    const q0 = 1 - q1;
    sum -= Math.log((labels[i] === 1 ? q1 : q0) / (q0 + q1));
  }
  return sum / n;
}

/**
 * Mean squared difference between probability and label.
 *
 * @example brierScore(Float64Array.of(0.9, 0.2), Uint8Array.of(1, 0)) // 0.025
 */
export function brierScore(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkLengths(scores, labels);
  const n = labels.length;
  if (n === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = scores[i] - labels[i];
    sum += e * e;
  }
  return sum / n;
}

export interface ConfusionAt {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** tp / (tp + fp); 0 when nothing is flagged (scikit-learn's zero_division result). */
  precision: number;
  /** tp / (tp + fn); 0 without positives. */
  recall: number;
  f1: number;
}

/**
 * Confusion counts, precision, recall and F1 when scores ≥ `threshold` are flagged positive.
 *
 * @example confusionAt(Float64Array.of(0.9, 0.6, 0.2), Uint8Array.of(1, 0, 1), 0.5).recall // 0.5
 */
export function confusionAt(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): ConfusionAt {
  checkLengths(scores, labels);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const flagged = scores[i] >= threshold;
    if (labels[i] === 1) {
      if (flagged) tp++;
      else fn++;
    } else if (flagged) fp++;
    else tn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { threshold, tp, fp, tn, fn, precision, recall, f1 };
}

export interface CalibrationBin {
  /** The bin holds scores in (lower, upper]; the first bin also holds `lower` itself. */
  lower: number;
  upper: number;
  count: number;
  /** Mean score of the bin's rows; null for an empty bin. */
  meanPredicted: number | null;
  /** Share of positives among the bin's rows; null for an empty bin. */
  observedRate: number | null;
}

/**
 * Reliability table with equal-width score bins, binned like scikit-learn's
 * `calibration_curve(strategy="uniform")` (edges i/n, a score on an edge belongs to the lower
 * bin). Empty bins are listed with a count of 0.
 *
 * @param bins number of bins (default 10)
 */
export function calibrationTable(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  bins = CALIBRATION_BINS,
): CalibrationBin[] {
  checkLengths(scores, labels);
  const step = 1 / bins;
  // Edge values as numpy's linspace computes them (i · step), so ties on edges match.
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? 1 : i * step));
  const count = new Float64Array(bins);
  const sumScore = new Float64Array(bins);
  const sumPos = new Float64Array(bins);
  for (let i = 0; i < labels.length; i++) {
    const s = scores[i];
    let b = 0;
    while (b < bins - 1 && edges[b + 1] < s) b++;
    count[b]++;
    sumScore[b] += s;
    sumPos[b] += labels[i];
  }
  return Array.from({ length: bins }, (_, b) => ({
    lower: edges[b],
    upper: edges[b + 1],
    count: count[b],
    meanPredicted: count[b] > 0 ? sumScore[b] / count[b] : null,
    observedRate: count[b] > 0 ? sumPos[b] / count[b] : null,
  }));
}

export interface BinaryMetrics {
  rows: number;
  positives: number;
  roc_auc: number;
  pr_auc: number;
  logloss: number;
  brier: number;
}

/**
 * The headline metrics in one call.
 *
 * @example const m = evaluateScores(probabilities, labels); m.pr_auc;
 */
export function evaluateScores(scores: ArrayLike<number>, labels: ArrayLike<number>): BinaryMetrics {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
  return {
    rows: labels.length,
    positives,
    ...rankingMetrics(scores, labels),
    logloss: logLoss(scores, labels),
    brier: brierScore(scores, labels),
  };
}

export interface Curves {
  /** ROC: false and true positive rates when flagging scores ≥ threshold, thresholds descending. */
  roc: { fpr: number[]; tpr: number[]; thresholds: number[] };
  /** Precision-recall at the same thresholds. */
  pr: { precision: number[]; recall: number[]; thresholds: number[] };
}

/** Points kept on each curve: enough to draw it, small enough to store in a model file. */
export const CURVE_POINTS = 200;

/**
 * ROC and precision-recall curves, one point per distinct score (ties grouped, as scikit-learn's
 * roc_curve / precision_recall_curve do), thinned to about `maxPoints` evenly spaced points plus
 * both ends.
 */
export function validationCurves(scores: ArrayLike<number>, labels: ArrayLike<number>, maxPoints = CURVE_POINTS): Curves {
  checkLengths(scores, labels);
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i] === 1 ? 1 : 0;
  const negatives = n - positives;
  const fpr: number[] = [0];
  const tpr: number[] = [0];
  const precision: number[] = [];
  const recall: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n;) {
    const s = scores[order[k]];
    while (k < n && scores[order[k]] === s) {
      if (labels[order[k]] === 1) tp++;
      else fp++;
      k++;
    }
    thresholds.push(s);
    fpr.push(negatives > 0 ? fp / negatives : 0);
    tpr.push(positives > 0 ? tp / positives : 0);
    precision.push(tp / (tp + fp));
    recall.push(positives > 0 ? tp / positives : 0);
  }
  const step = Math.max(1, Math.ceil(thresholds.length / maxPoints));
  const keep = (i: number, len: number): boolean => i % step === 0 || i === len - 1;
  return {
    roc: {
      fpr: fpr.filter((_, i) => i === 0 || keep(i - 1, thresholds.length)),
      tpr: tpr.filter((_, i) => i === 0 || keep(i - 1, thresholds.length)),
      thresholds: [Infinity, ...thresholds]
        .filter((_, i) => i === 0 || keep(i - 1, thresholds.length))
        .map((t) => (t === Infinity ? 1 : t)),
    },
    pr: {
      precision: precision.filter((_, i) => keep(i, thresholds.length)),
      recall: recall.filter((_, i) => keep(i, thresholds.length)),
      thresholds: thresholds.filter((_, i) => keep(i, thresholds.length)),
    },
  };
}
