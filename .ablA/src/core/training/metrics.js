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
function checkLengths(scores, labels) {
    if (scores.length !== labels.length)
        throw new RangeError(`scores and labels differ in length (${scores.length} vs ${labels.length})`);
}
function sortedPositives(scores, labels) {
    let p = 0;
    for (let i = 0; i < labels.length; i++)
        if (labels[i] === 1)
            p++;
    const pos = new Float64Array(p);
    let k = 0;
    for (let i = 0; i < labels.length; i++)
        if (labels[i] === 1)
            pos[k++] = scores[i];
    return pos.sort();
}
/** Number of entries of ascending `a` that are < x (strict = true) or ≤ x. */
function countBelow(a, x, strict) {
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (strict ? a[mid] < x : a[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counting one half (the same as the average-rank formula).
 *
 * @param scores higher = more likely positive
 * @param labels 1 = positive, 0 = negative
 * @example rocAuc(Float64Array.of(0.1, 0.4, 0.35, 0.8), Uint8Array.of(0, 0, 1, 1)) // 0.75
 */
export function rocAuc(scores, labels) {
    checkLengths(scores, labels);
    const pos = sortedPositives(scores, labels);
    const P = pos.length;
    const N = labels.length - P;
    if (P === 0 || N === 0)
        return NaN;
    let wins = 0;
    for (let i = 0; i < labels.length; i++) {
        if (labels[i] === 1)
            continue;
        const s = scores[i];
        const below = countBelow(pos, s, true);
        const atOrBelow = countBelow(pos, s, false);
        wins += P - atOrBelow + 0.5 * (atOrBelow - below);
    }
    return wins / (P * N);
}
/**
 * Average precision, as scikit-learn's `average_precision_score`: Σ (Rₙ − Rₙ₋₁) · Pₙ over the
 * distinct score thresholds in decreasing order, where a threshold t classifies score ≥ t as
 * positive. Only thresholds that are positive scores change recall, so only they are visited.
 *
 * @example averagePrecision(Float64Array.of(0.1, 0.4, 0.35, 0.8), Uint8Array.of(0, 0, 1, 1)) // 0.8333…
 */
export function averagePrecision(scores, labels) {
    checkLengths(scores, labels);
    const pos = sortedPositives(scores, labels);
    const P = pos.length;
    if (P === 0)
        return NaN;
    // Distinct positive scores ascending, with how many positives share each.
    const thr = new Float64Array(P);
    const posAt = new Float64Array(P);
    let d = 0;
    for (let i = 0; i < P; i++) {
        if (d > 0 && thr[d - 1] === pos[i])
            posAt[d - 1]++;
        else {
            thr[d] = pos[i];
            posAt[d] = 1;
            d++;
        }
    }
    const distinct = thr.subarray(0, d);
    // negAbove[j] = negatives whose score is ≥ distinct[j], via counts per slot then suffix sums.
    const slot = new Float64Array(d + 1);
    for (let i = 0; i < labels.length; i++) {
        if (labels[i] === 1)
            continue;
        slot[countBelow(distinct, scores[i], false)]++;
    }
    let ap = 0;
    let negAbove = 0;
    let tp = 0;
    for (let j = d - 1; j >= 0; j--) {
        negAbove += slot[j + 1];
        tp += posAt[j];
        ap += (posAt[j] / P) * (tp / (tp + negAbove));
    }
    return ap;
}
/**
 * Mean negative log-likelihood, probabilities clipped to [ε, 1 − ε] and renormalised as
 * scikit-learn 1.2's `log_loss` does for a binary problem.
 *
 * @param eps clipping bound (default {@link LOGLOSS_EPSILON})
 * @example logLoss(Float64Array.of(0.9, 0.2), Uint8Array.of(1, 0)) // (−ln 0.9 − ln 0.8) / 2
 */
export function logLoss(scores, labels, eps = LOGLOSS_EPSILON) {
    checkLengths(scores, labels);
    const n = labels.length;
    if (n === 0)
        return NaN;
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
export function brierScore(scores, labels) {
    checkLengths(scores, labels);
    const n = labels.length;
    if (n === 0)
        return NaN;
    let sum = 0;
    for (let i = 0; i < n; i++) {
        const e = scores[i] - labels[i];
        sum += e * e;
    }
    return sum / n;
}
/**
 * Confusion counts, precision, recall and F1 when scores ≥ `threshold` are flagged positive.
 *
 * @example confusionAt(Float64Array.of(0.9, 0.6, 0.2), Uint8Array.of(1, 0, 1), 0.5).recall // 0.5
 */
export function confusionAt(scores, labels, threshold) {
    checkLengths(scores, labels);
    let tp = 0;
    let fp = 0;
    let tn = 0;
    let fn = 0;
    for (let i = 0; i < labels.length; i++) {
        const flagged = scores[i] >= threshold;
        if (labels[i] === 1) {
            if (flagged)
                tp++;
            else
                fn++;
        }
        else if (flagged)
            fp++;
        else
            tn++;
    }
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
    const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { threshold, tp, fp, tn, fn, precision, recall, f1 };
}
/**
 * Reliability table with equal-width score bins, binned like scikit-learn's
 * `calibration_curve(strategy="uniform")` (edges i/n, a score on an edge belongs to the lower
 * bin). Empty bins are listed with a count of 0.
 *
 * @param bins number of bins (default 10)
 */
export function calibrationTable(scores, labels, bins = CALIBRATION_BINS) {
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
        while (b < bins - 1 && edges[b + 1] < s)
            b++;
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
/**
 * The headline metrics in one call.
 *
 * @example const m = evaluateScores(probabilities, labels); m.pr_auc;
 */
export function evaluateScores(scores, labels) {
    let positives = 0;
    for (let i = 0; i < labels.length; i++)
        positives += labels[i] === 1 ? 1 : 0;
    return {
        rows: labels.length,
        positives,
        roc_auc: rocAuc(scores, labels),
        pr_auc: averagePrecision(scores, labels),
        logloss: logLoss(scores, labels),
        brier: brierScore(scores, labels),
    };
}
/** Points kept on each curve: enough to draw it, small enough to store in a model file. */
export const CURVE_POINTS = 200;
/**
 * ROC and precision-recall curves, one point per distinct score (ties grouped, as scikit-learn's
 * roc_curve / precision_recall_curve do), thinned to about `maxPoints` evenly spaced points plus
 * both ends.
 */
export function validationCurves(scores, labels, maxPoints = CURVE_POINTS) {
    checkLengths(scores, labels);
    const n = labels.length;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
    let positives = 0;
    for (let i = 0; i < n; i++)
        positives += labels[i] === 1 ? 1 : 0;
    const negatives = n - positives;
    const fpr = [0];
    const tpr = [0];
    const precision = [];
    const recall = [];
    const thresholds = [];
    let tp = 0;
    let fp = 0;
    for (let k = 0; k < n;) {
        const s = scores[order[k]];
        while (k < n && scores[order[k]] === s) {
            if (labels[order[k]] === 1)
                tp++;
            else
                fp++;
            k++;
        }
        thresholds.push(s);
        fpr.push(negatives > 0 ? fp / negatives : 0);
        tpr.push(positives > 0 ? tp / positives : 0);
        precision.push(tp / (tp + fp));
        recall.push(positives > 0 ? tp / positives : 0);
    }
    const step = Math.max(1, Math.ceil(thresholds.length / maxPoints));
    const keep = (i, len) => i % step === 0 || i === len - 1;
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
//# sourceMappingURL=metrics.js.map