/**
 * Jensen-Shannon distance between two histograms on the same bins, like
 * scipy.spatial.distance.jensenshannon: both count vectors are normalised to probabilities p and
 * q, m = (p + q) / 2, and the distance is sqrt((KL(p || m) + KL(q || m)) / 2), natural log by
 * default. It is symmetric, finite even with empty bins, and bounded by sqrt(ln 2) (1 in base 2).
 *
 * The drift test uses base 2 so the distance lies in [0, 1] and Evidently's default threshold 0.1
 * carries over unchanged.
 */
import { FraudlensError } from '../errors.js';
import { checkCounts, CompensatedSum, isDrifted, notEnoughData, resolveMinSize, resolveThreshold, totalOf, unsupportedForm, } from './common.js';
/** Distance (base 2) at or above which the drift test signals drift. */
export const JENSEN_SHANNON_DEFAULT_THRESHOLD = 0.1;
/** Logarithm base of the drift test's distance. */
export const JENSEN_SHANNON_DRIFT_BASE = 2;
/** x ln(x / y) with the conventions 0 ln(0 / y) = 0 (scipy.special.rel_entr, for y > 0 when x > 0). */
function relativeEntropyTerm(x, y) {
    return x > 0 ? x * Math.log(x / y) : 0;
}
/**
 * Jensen-Shannon distance between two histograms on the same bins.
 * @param baselineCounts counts (or weights) of the first histogram
 * @param currentCounts counts of the second histogram on the same bins
 * @param base logarithm base (default e, as scipy); 2 bounds the distance by 1
 * @example jensenShannonDistance(Float64Array.of(1, 0), Float64Array.of(0, 1), 2) // 1
 */
export function jensenShannonDistance(baselineCounts, currentCounts, base = Math.E) {
    checkCounts(baselineCounts, currentCounts, 'Jensen-Shannon');
    if (!(base > 0 && base !== 1 && base < Infinity)) {
        throw new FraudlensError('INPUT_INVALID', `Jensen-Shannon: logarithm base ${base} must be positive, finite and not 1.`);
    }
    const sp = totalOf(baselineCounts);
    const sq = totalOf(currentCounts);
    if (sp === 0 || sq === 0) {
        throw new FraudlensError('INPUT_INVALID', 'Jensen-Shannon needs a non-zero total on each side.');
    }
    const left = new CompensatedSum();
    const right = new CompensatedSum();
    for (let i = 0; i < baselineCounts.length; i++) {
        const p = baselineCounts[i] / sp;
        const q = currentCounts[i] / sq;
        const m = (p + q) / 2;
        left.add(relativeEntropyTerm(p, m));
        right.add(relativeEntropyTerm(q, m));
    }
    let js = left.value() + right.value();
    if (base !== Math.E)
        js /= Math.log(base);
    // Rounding can leave a hair below zero for identical inputs; the distance is then 0.
    return Math.sqrt(Math.max(0, js / 2));
}
/** The Jensen-Shannon drift test (base 2): binned numeric or categorical counts. */
export const jensenShannonTest = {
    name: 'jensenshannon',
    appliesTo: ['numeric', 'categorical'],
    defaultThreshold: JENSEN_SHANNON_DEFAULT_THRESHOLD,
    kind: 'distance',
    accepts: ['counts'],
    compute(input, options) {
        const threshold = resolveThreshold({ name: 'jensenshannon', defaultThreshold: JENSEN_SHANNON_DEFAULT_THRESHOLD }, options);
        const minSize = resolveMinSize(options);
        if (input.form !== 'counts')
            return unsupportedForm('jensenshannon', input);
        checkCounts(input.baseline, input.current, 'jensenshannon');
        if (totalOf(input.baseline) < minSize || totalOf(input.current) < minSize)
            return notEnoughData('jensenshannon', threshold);
        const value = jensenShannonDistance(input.baseline, input.current, JENSEN_SHANNON_DRIFT_BASE);
        return { test: 'jensenshannon', statistic: value, pValue: null, threshold, drifted: isDrifted('distance', value, threshold) };
    },
};
//# sourceMappingURL=jensen-shannon.js.map