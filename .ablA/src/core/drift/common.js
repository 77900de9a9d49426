/**
 * Argument checks and small helpers shared by the drift statistics: validation of counts and
 * samples (throwing FraudlensError INPUT_INVALID), the sorted copy that sample-based tests make
 * once, the "not enough data" result, and the drift decision for p-values and distances.
 */
import { FraudlensError } from '../errors.js';
/**
 * Fewer observations than this on either side (rows for samples, total count for counts) give
 * `notEnoughData: true, drifted: false`. 30 is the usual rule of thumb below which asymptotic
 * approximations and binned proportions are too noisy to alert on.
 */
export const MIN_DRIFT_SAMPLE_SIZE = 30;
/**
 * Checks that two count vectors are aligned and valid: same non-zero length, every entry finite
 * and non-negative. Counts may be fractional (weights).
 * @param baseline counts of the baseline on each bin or category
 * @param current counts of the current window on the same bins
 * @param what name used in the error message
 */
export function checkCounts(baseline, current, what) {
    if (baseline.length !== current.length) {
        throw new FraudlensError('INPUT_INVALID', `${what}: baseline has ${baseline.length} bins but current has ${current.length}; both must use the same bins.`);
    }
    if (baseline.length === 0) {
        throw new FraudlensError('INPUT_INVALID', `${what}: at least one bin is needed.`);
    }
    checkNonNegative(baseline, what, 'baseline');
    checkNonNegative(current, what, 'current');
}
function checkNonNegative(counts, what, side) {
    for (let i = 0; i < counts.length; i++) {
        const c = counts[i];
        // Written so that NaN fails too.
        if (!(c >= 0 && c < Infinity)) {
            throw new FraudlensError('INPUT_INVALID', `${what}: ${side} count at bin ${i} is ${c}; counts must be finite and non-negative.`);
        }
    }
}
/**
 * Sum of a count vector (compensated, so large totals of small weights stay exact).
 * @param values counts or weights
 */
export function totalOf(values) {
    let sum = 0;
    let comp = 0;
    for (let i = 0; i < values.length; i++) {
        const v = values[i];
        const t = sum + v;
        comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
        sum = t;
    }
    return sum + comp;
}
/**
 * Neumaier (improved Kahan) accumulator: sums of many terms of mixed size lose far less than a
 * plain loop, which keeps our results within a few ulps of numpy's pairwise sums.
 */
export class CompensatedSum {
    sum = 0;
    comp = 0;
    add(v) {
        const t = this.sum + v;
        this.comp += Math.abs(this.sum) >= Math.abs(v) ? this.sum - t + v : v - t + this.sum;
        this.sum = t;
    }
    value() {
        return this.sum + this.comp;
    }
}
/**
 * Copies the non-NaN values of a sample into a new Float64Array and sorts it ascending: the one
 * copy-and-sort that sample-based tests make (NaN = missing value, skipped).
 * @param values the raw sample; left untouched
 */
export function sortedWithoutNaN(values) {
    let kept = 0;
    for (let i = 0; i < values.length; i++)
        if (values[i] === values[i])
            kept++;
    const out = new Float64Array(kept);
    let k = 0;
    for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v === v)
            out[k++] = v;
    }
    // TypedArray sort is numeric (not lexicographic), unlike Array.prototype.sort.
    out.sort();
    return out;
}
/**
 * Number of non-NaN entries (observations) in a sample.
 * @param values the raw sample
 */
export function countObserved(values) {
    let n = 0;
    for (let i = 0; i < values.length; i++)
        if (values[i] === values[i])
            n++;
    return n;
}
/**
 * Resolves and checks the threshold of one call.
 * @param stat name and default threshold of the statistic
 * @param options the call's options (threshold override)
 */
export function resolveThreshold(stat, options) {
    const threshold = options?.threshold ?? stat.defaultThreshold;
    if (!Number.isFinite(threshold) || threshold < 0) {
        throw new FraudlensError('INPUT_INVALID', `${stat.name}: threshold ${threshold} must be a finite non-negative number.`);
    }
    return threshold;
}
/**
 * Resolves and checks the minimum sample size of one call.
 * @param options the call's options (minSampleSize override)
 */
export function resolveMinSize(options) {
    const min = options?.minSampleSize ?? MIN_DRIFT_SAMPLE_SIZE;
    if (!Number.isFinite(min) || min < 1) {
        throw new FraudlensError('INPUT_INVALID', `minSampleSize ${min} must be a finite number of at least 1.`);
    }
    return min;
}
/**
 * The result for a window too small to judge: never an alarm.
 * @param test the statistic's name
 * @param threshold the threshold that would have applied
 */
export function notEnoughData(test, threshold) {
    return { test, statistic: Number.NaN, pValue: null, threshold, drifted: false, notEnoughData: true };
}
/**
 * The drift decision. p-values drift when strictly below the threshold (significance level);
 * distances drift when at or above it (Evidently's convention). NaN never drifts.
 * @param kind whether value is a p-value or a distance
 * @param value the p-value or distance
 * @param threshold significance level or distance threshold
 * @example isDrifted('p_value', 0.01, 0.05) // true
 */
export function isDrifted(kind, value, threshold) {
    return kind === 'p_value' ? value < threshold : value >= threshold;
}
/**
 * Throws INPUT_INVALID for an input form the statistic does not take.
 * @param test the statistic's name
 * @param input the rejected input
 */
export function unsupportedForm(test, input) {
    throw new FraudlensError('INPUT_INVALID', `${test}: input form "${String(input.form)}" is not supported by this test.`);
}
//# sourceMappingURL=common.js.map