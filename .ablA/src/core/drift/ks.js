/**
 * Two-sample Kolmogorov-Smirnov test, two-sided, with the p-value chosen exactly as
 * scipy.stats.ks_2samp(method='auto') chooses it:
 *   - both sizes <= KS_EXACT_MAX_N: the exact null distribution (lattice-path counting); the
 *     statistic is then snapped to the lcm grid, h / lcm(n1, n2), as scipy reports it;
 *   - otherwise, or if the exact computation leaves [0, 1]: the one-sample two-sided
 *     distribution of D_en at en = round(n1 n2 / (n1 + n2)) (scipy's kstwo.sf), which is more
 *     accurate than the limiting Kolmogorov series for moderate en.
 * NaN values (missing) are dropped first. Each sample is copied and sorted once.
 */
import { FraudlensError } from '../errors.js';
import { checkCounts, countObserved, isDrifted, notEnoughData, resolveMinSize, resolveThreshold, sortedWithoutNaN, totalOf, unsupportedForm, } from './common.js';
import { kolmogorovSmirnovSf } from './kolmogorov.js';
import { gcd, probOutsideBand, probOutsideSquare } from './ks-exact.js';
/** Largest sample size for which 'auto' uses the exact distribution (scipy's MAX_AUTO_N). */
export const KS_EXACT_MAX_N = 10_000;
/** Significance level below which the KS p-value signals drift. */
export const KS_DEFAULT_THRESHOLD = 0.05;
/** numpy.round semantics: halves go to the even neighbour. */
function roundHalfEven(x) {
    const r = Math.round(x);
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
/**
 * Two-sided p-value of an observed statistic d for sample sizes n1, n2, as ks_2samp 'auto'.
 * Returns the statistic as scipy reports it (snapped to the lcm grid on the exact path).
 * @param d observed D in [0, 1]
 * @param n1 size of the first sample (>= 1)
 * @param n2 size of the second sample (>= 1)
 * @example ksPValue(0.5, 20, 20) // { statistic: 0.5, pValue: 0.00832..., method: 'exact' }
 */
export function ksPValue(d, n1, n2) {
    if (!(Number.isInteger(n1) && Number.isInteger(n2) && n1 >= 1 && n2 >= 1)) {
        throw new FraudlensError('INPUT_INVALID', `KS sample sizes must be positive integers (got ${n1} and ${n2}).`);
    }
    if (!(d >= 0 && d <= 1)) {
        throw new FraudlensError('INPUT_INVALID', `KS statistic must lie in [0, 1] (got ${d}).`);
    }
    if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
        const g = gcd(n1, n2);
        const lcm = (n1 / g) * n2;
        const h = Math.round(d * lcm);
        const snapped = h / lcm;
        if (h === 0)
            return { statistic: snapped, pValue: 1, method: 'exact' };
        const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
        if (p >= 0 && p <= 1)
            return { statistic: snapped, pValue: p, method: 'exact' };
        // Rounding pushed the exact formula out of [0, 1]: fall back like scipy, keeping the snapped d.
        d = snapped;
    }
    const big = Math.max(n1, n2);
    const small = Math.min(n1, n2);
    const en = (big * small) / (big + small);
    const p = kolmogorovSmirnovSf(roundHalfEven(en), d);
    return { statistic: d, pValue: Math.min(1, Math.max(0, p)), method: 'asymptotic' };
}
/** max |F1 - F2| over the pooled values, for two sorted NaN-free samples. */
function statisticOfSorted(a, b) {
    const n1 = a.length;
    const n2 = b.length;
    let i = 0;
    let j = 0;
    let maxDiff = -Infinity;
    let minDiff = Infinity;
    while (i < n1 || j < n2) {
        // Next pooled value; both ECDFs are evaluated just after all copies of it (right-continuous).
        const x = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
        while (i < n1 && a[i] <= x)
            i++;
        while (j < n2 && b[j] <= x)
            j++;
        const diff = i / n1 - j / n2;
        if (diff > maxDiff)
            maxDiff = diff;
        if (diff < minDiff)
            minDiff = diff;
    }
    const minS = Math.min(1, Math.max(0, -minDiff));
    return minS > maxDiff ? minS : maxDiff;
}
/**
 * Two-sample two-sided KS test on raw samples, like scipy.stats.ks_2samp(a, b) (method 'auto').
 * NaN values are ignored; neither sample may be empty after that.
 * @param baseline first sample (not modified)
 * @param current second sample (not modified)
 * @example ksTwoSample(Float64Array.of(1, 2, 3), Float64Array.of(4, 5, 6)) // D = 1, p = 0.1
 */
export function ksTwoSample(baseline, current) {
    const a = sortedWithoutNaN(baseline);
    const b = sortedWithoutNaN(current);
    if (a.length === 0 || b.length === 0) {
        throw new FraudlensError('INPUT_INVALID', 'KS test needs at least one non-missing value in each sample.');
    }
    return ksPValue(statisticOfSorted(a, b), a.length, b.length);
}
/**
 * KS test from two histograms on the same ordered bins. Approximate: values inside a bin are
 * treated as tied at the bin's upper edge, so D is evaluated only at bin edges and can only be
 * smaller than on the raw data; the p-value is therefore conservative. Counts must be integers
 * (the p-value depends on the sample sizes).
 * @param baselineCounts counts of the baseline per bin
 * @param currentCounts counts of the current window on the same bins
 */
export function ksFromHistograms(baselineCounts, currentCounts) {
    checkCounts(baselineCounts, currentCounts, 'KS on histograms');
    for (let i = 0; i < baselineCounts.length; i++) {
        if (!Number.isInteger(baselineCounts[i]) || !Number.isInteger(currentCounts[i])) {
            throw new FraudlensError('INPUT_INVALID', `KS on histograms needs integer counts (bin ${i} is not).`);
        }
    }
    const n1 = totalOf(baselineCounts);
    const n2 = totalOf(currentCounts);
    if (n1 === 0 || n2 === 0) {
        throw new FraudlensError('INPUT_INVALID', 'KS on histograms needs a non-zero total on each side.');
    }
    let c1 = 0;
    let c2 = 0;
    let maxDiff = -Infinity;
    let minDiff = Infinity;
    for (let i = 0; i < baselineCounts.length; i++) {
        c1 += baselineCounts[i];
        c2 += currentCounts[i];
        const diff = c1 / n1 - c2 / n2;
        if (diff > maxDiff)
            maxDiff = diff;
        if (diff < minDiff)
            minDiff = diff;
    }
    const minS = Math.min(1, Math.max(0, -minDiff));
    return ksPValue(minS > maxDiff ? minS : maxDiff, n1, n2);
}
/** The KS drift test: numeric features, raw samples (exact) or binned counts (approximate). */
export const ksTest = {
    name: 'ks',
    appliesTo: ['numeric'],
    defaultThreshold: KS_DEFAULT_THRESHOLD,
    kind: 'p_value',
    accepts: ['samples', 'counts'],
    compute(input, options) {
        const threshold = resolveThreshold({ name: 'ks', defaultThreshold: KS_DEFAULT_THRESHOLD }, options);
        const minSize = resolveMinSize(options);
        let r;
        if (input.form === 'samples') {
            if (countObserved(input.baseline) < minSize || countObserved(input.current) < minSize) {
                return notEnoughData('ks', threshold);
            }
            r = ksTwoSample(input.baseline, input.current);
        }
        else if (input.form === 'counts') {
            checkCounts(input.baseline, input.current, 'ks');
            if (totalOf(input.baseline) < minSize || totalOf(input.current) < minSize)
                return notEnoughData('ks', threshold);
            r = ksFromHistograms(input.baseline, input.current);
        }
        else {
            return unsupportedForm('ks', input);
        }
        return {
            test: 'ks',
            statistic: r.statistic,
            pValue: r.pValue,
            threshold,
            drifted: isDrifted('p_value', r.pValue, threshold),
        };
    },
};
//# sourceMappingURL=ks.js.map