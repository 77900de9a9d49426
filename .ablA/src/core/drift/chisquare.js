/**
 * Chi-squared goodness-of-fit test of the current category counts against the baseline's
 * category frequencies: expected_i = (baseline share of i) * (current total), statistic
 * sum (observed - expected)^2 / expected, p-value from the chi-squared law with k - 1 degrees of
 * freedom (as scipy.stats.chisquare(f_obs, f_exp)). The baseline is treated as the known
 * distribution, which suits a large training baseline.
 *
 * Categories are the caller's bins; a caller maps values never seen in training to an "other"
 * bin whose baseline count is 0. Handling of zeros, documented because scipy would divide by 0:
 *   - a category empty on both sides carries no information and is dropped (it also does not
 *     count towards the degrees of freedom);
 *   - if some kept category has a zero baseline count, every kept baseline count gets
 *     CHI_SQUARE_UNSEEN_PSEUDOCOUNT added (additive smoothing) before taking shares, so an unseen
 *     category has a small but non-zero expectation and its appearance weighs heavily;
 *   - when no baseline count is zero nothing is smoothed, and results equal scipy's exactly.
 */
import { FraudlensError } from '../errors.js';
import { checkCounts, CompensatedSum, isDrifted, notEnoughData, resolveMinSize, resolveThreshold, totalOf, unsupportedForm, } from './common.js';
import { chiSquaredSf } from './gamma.js';
/** Pseudo-count added to every kept baseline category when one of them is empty (Jeffreys' 1/2). */
export const CHI_SQUARE_UNSEEN_PSEUDOCOUNT = 0.5;
/** Significance level below which the chi-squared p-value signals drift. */
export const CHI_SQUARE_DEFAULT_THRESHOLD = 0.05;
/** Relative tolerance on sum(observed) vs sum(expected), as scipy 1.10 checks it. */
const SUM_MISMATCH_RTOL = 1e-8;
/**
 * Chi-squared goodness-of-fit test, like scipy.stats.chisquare(observed, expected).
 * @param observed observed counts per category
 * @param expected expected counts per category, all > 0, with the same total as observed
 * @example chiSquareGoodnessOfFit(Float64Array.of(10, 20), Float64Array.of(15, 15)) // stat 3.33, p 0.068
 */
export function chiSquareGoodnessOfFit(observed, expected) {
    checkCounts(expected, observed, 'chi-squared');
    const k = observed.length;
    if (k < 2)
        throw new FraudlensError('INPUT_INVALID', 'chi-squared needs at least two categories.');
    const so = totalOf(observed);
    const se = totalOf(expected);
    if (Math.abs(so - se) > SUM_MISMATCH_RTOL * Math.min(so, se)) {
        throw new FraudlensError('INPUT_INVALID', `chi-squared: observed total ${so} and expected total ${se} differ.`);
    }
    const stat = new CompensatedSum();
    for (let i = 0; i < k; i++) {
        const e = expected[i];
        if (!(e > 0))
            throw new FraudlensError('INPUT_INVALID', `chi-squared: expected count at category ${i} must be > 0.`);
        const diff = observed[i] - e;
        stat.add((diff * diff) / e);
    }
    const statistic = stat.value();
    return { statistic, pValue: chiSquaredSf(statistic, k - 1), degreesOfFreedom: k - 1 };
}
/**
 * Chi-squared test of current counts against baseline frequencies, with the zero handling in
 * the module header. Fewer than two informative categories give statistic 0 and p-value 1.
 * @param baselineCounts baseline counts per category
 * @param currentCounts current counts on the same categories
 */
export function chiSquareAgainstBaseline(baselineCounts, currentCounts) {
    checkCounts(baselineCounts, currentCounts, 'chi-squared');
    let kept = 0;
    let needsSmoothing = false;
    for (let i = 0; i < baselineCounts.length; i++) {
        if (baselineCounts[i] > 0 || currentCounts[i] > 0) {
            kept++;
            if (baselineCounts[i] === 0)
                needsSmoothing = true;
        }
    }
    const currentTotal = totalOf(currentCounts);
    if (totalOf(baselineCounts) === 0 || currentTotal === 0) {
        throw new FraudlensError('INPUT_INVALID', 'chi-squared needs a non-zero total count on each side.');
    }
    if (kept < 2)
        return { statistic: 0, pValue: 1, degreesOfFreedom: 0 };
    const observed = new Float64Array(kept);
    const expected = new Float64Array(kept);
    const add = needsSmoothing ? CHI_SQUARE_UNSEEN_PSEUDOCOUNT : 0;
    let k = 0;
    for (let i = 0; i < baselineCounts.length; i++) {
        if (baselineCounts[i] > 0 || currentCounts[i] > 0) {
            observed[k] = currentCounts[i];
            expected[k] = baselineCounts[i] + add;
            k++;
        }
    }
    const baseTotal = totalOf(expected);
    for (let i = 0; i < kept; i++)
        expected[i] = (expected[i] / baseTotal) * currentTotal;
    return chiSquareGoodnessOfFit(observed, expected);
}
/** The chi-squared drift test: categorical counts. */
export const chiSquareTest = {
    name: 'chisquare',
    appliesTo: ['categorical'],
    defaultThreshold: CHI_SQUARE_DEFAULT_THRESHOLD,
    kind: 'p_value',
    accepts: ['counts'],
    compute(input, options) {
        const threshold = resolveThreshold({ name: 'chisquare', defaultThreshold: CHI_SQUARE_DEFAULT_THRESHOLD }, options);
        const minSize = resolveMinSize(options);
        if (input.form !== 'counts')
            return unsupportedForm('chisquare', input);
        checkCounts(input.baseline, input.current, 'chisquare');
        if (totalOf(input.baseline) < minSize || totalOf(input.current) < minSize)
            return notEnoughData('chisquare', threshold);
        const r = chiSquareAgainstBaseline(input.baseline, input.current);
        return {
            test: 'chisquare',
            statistic: r.statistic,
            pValue: r.pValue,
            threshold,
            drifted: isDrifted('p_value', r.pValue, threshold),
        };
    },
};
//# sourceMappingURL=chisquare.js.map