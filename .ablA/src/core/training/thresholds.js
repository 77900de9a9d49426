/**
 * Decision thresholds from validation scores. Scores at or above `decline` are declined, scores
 * at or above `review` go to an analyst, the rest are approved (see `decide` in the engine).
 *
 * The rule, on validation rows, with candidate cut-offs at the distinct validation scores and a
 * cut-off t flagging scores ≥ t:
 * - decline: among the cut-offs whose precision reaches `targetPrecision` (default 0.9), the one
 *   with the highest recall, and of those the one with the fewest false positives, i.e. the
 *   highest cut-off with that recall. That is the most frauds caught automatically while at most
 *   1 in 10 declines hits a good customer, without declining good customers that buy no recall:
 *   below the lowest-scored fraud it can still reach, a lower cut-off only adds false positives
 *   (on a separable set the cut-off sits at the lowest fraud score, not below it). If no cut-off
 *   reaches the target, the best precision achieved, again with the highest recall among equals.
 * - review: the highest cut-off whose recall reaches `targetRecall` (default 0.9): the smallest
 *   review queue (fewest false positives) that still sees 9 frauds in 10. Capped at the decline
 *   cut-off.
 * - no positive validation rows: the default cut-offs.
 * The rule actually applied is returned in words with the validation precision, recall and
 * number of false positives.
 */
import { DEFAULT_THRESHOLDS } from '../engine/model.js';
export const DEFAULT_TARGET_PRECISION = 0.9;
export const DEFAULT_TARGET_RECALL = 0.9;
function pct(x) {
    return `${(100 * x).toFixed(1)}%`;
}
function outcome(c) {
    return `precision ${pct(c.precision)}, recall ${pct(c.recall)}, ${c.falsePositives} false positive${c.falsePositives === 1 ? '' : 's'}`;
}
/**
 * Chooses review and decline cut-offs from validation scores.
 *
 * @param scores validation probabilities
 * @param labels validation labels (1 = fraud)
 * @param options target precision for declines and target recall for reviews
 * @example chooseThresholds(probs, labels).decline
 */
export function chooseThresholds(scores, labels, options = {}) {
    const targetPrecision = options.targetPrecision ?? DEFAULT_TARGET_PRECISION;
    const targetRecall = options.targetRecall ?? DEFAULT_TARGET_RECALL;
    if (!(targetPrecision > 0 && targetPrecision <= 1))
        throw new RangeError(`targetPrecision must be in (0, 1], got ${targetPrecision}`);
    if (!(targetRecall > 0 && targetRecall <= 1))
        throw new RangeError(`targetRecall must be in (0, 1], got ${targetRecall}`);
    const n = labels.length;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
    let P = 0;
    for (let i = 0; i < n; i++)
        if (labels[i] === 1)
            P++;
    if (P === 0)
        return { ...DEFAULT_THRESHOLDS, rule: `default cut-offs (the ${n} validation rows hold no positive)` };
    // One cut per distinct score, from the highest score down.
    const cuts = [];
    let tp = 0;
    let flagged = 0;
    for (let k = 0; k < n; k++) {
        const i = order[k];
        flagged++;
        if (labels[i] === 1)
            tp++;
        if (k + 1 < n && scores[order[k + 1]] === scores[i])
            continue;
        cuts.push({ threshold: scores[i], precision: tp / flagged, recall: tp / P, falsePositives: flagged - tp });
    }
    // Cuts run from the highest score down, so recall never falls along the list: keeping a cut only
    // when its recall is strictly higher keeps, per recall, the highest cut (the fewest false
    // positives).
    let decline;
    for (const c of cuts)
        if (c.precision >= targetPrecision && (decline === undefined || c.recall > decline.recall))
            decline = c;
    let declineRule;
    if (decline !== undefined) {
        declineRule = `decline = highest recall with precision ≥ ${pct(targetPrecision)} on validation, at the highest score giving it (${outcome(decline)})`;
    }
    else {
        let best = cuts[0];
        for (const c of cuts)
            if (c.precision > best.precision || (c.precision === best.precision && c.recall > best.recall))
                best = c;
        decline = best;
        declineRule = `decline = best precision on validation, since ${pct(targetPrecision)} is not reached, with the highest recall at that precision (${outcome(best)})`;
    }
    let review = cuts[cuts.length - 1];
    for (const c of cuts) {
        if (c.recall >= targetRecall) {
            review = c;
            break;
        }
    }
    let reviewRule = `review = highest score with recall ≥ ${pct(targetRecall)} on validation (${outcome(review)})`;
    if (review.threshold > decline.threshold) {
        review = decline;
        reviewRule = 'review = decline (the recall target is met above the decline cut-off)';
    }
    return {
        review: review.threshold,
        decline: decline.threshold,
        rule: `${declineRule}; ${reviewRule}; ${n} validation rows, ${P} positive`,
    };
}
//# sourceMappingURL=thresholds.js.map