/**
 * Population Stability Index on binned counts: sum over bins of (c - b) * ln(c / b), where b and
 * c are the baseline and current proportions on the same bins. An empty bin would make a term
 * infinite, so a zero proportion is replaced by PSI_EMPTY_BIN_EPSILON (the usual convention, also
 * Evidently's), which caps each one-sided empty-bin term at a finite, still very large value.
 *
 * Default threshold 0.1: the customary reading is < 0.1 stable, 0.1-0.2 moderate shift, > 0.2
 * major shift. We alert from the moderate band because fraud features move adversarially and an
 * early look is cheap, and because 0.1 is Evidently's default, so thresholds carry across tools.
 */
import { FraudlensError } from '../errors.js';
import { checkCounts, CompensatedSum, isDrifted, notEnoughData, resolveMinSize, resolveThreshold, totalOf, unsupportedForm, } from './common.js';
/** Proportion that stands in for an empty bin (0.01 %). */
export const PSI_EMPTY_BIN_EPSILON = 1e-4;
/** PSI at or above this signals drift (moderate shift and up). */
export const PSI_DEFAULT_THRESHOLD = 0.1;
/**
 * Population Stability Index between two count vectors on the same bins.
 * @param baselineCounts counts (or weights) of the baseline per bin
 * @param currentCounts counts of the current window on the same bins
 * @param epsilon proportion used in place of 0 for an empty bin
 * @example populationStabilityIndex(Float64Array.of(50, 50), Float64Array.of(40, 60)) // 0.0405...
 */
export function populationStabilityIndex(baselineCounts, currentCounts, epsilon = PSI_EMPTY_BIN_EPSILON) {
    checkCounts(baselineCounts, currentCounts, 'PSI');
    if (!(epsilon > 0 && epsilon < 1)) {
        throw new FraudlensError('INPUT_INVALID', `PSI: epsilon ${epsilon} must lie strictly between 0 and 1.`);
    }
    const nb = totalOf(baselineCounts);
    const nc = totalOf(currentCounts);
    if (nb === 0 || nc === 0) {
        throw new FraudlensError('INPUT_INVALID', 'PSI needs a non-zero total count on each side.');
    }
    const sum = new CompensatedSum();
    for (let i = 0; i < baselineCounts.length; i++) {
        let b = baselineCounts[i] / nb;
        let c = currentCounts[i] / nc;
        if (b === 0)
            b = epsilon;
        if (c === 0)
            c = epsilon;
        sum.add((c - b) * Math.log(c / b));
    }
    return sum.value();
}
/** The PSI drift test: binned numeric or categorical counts. */
export const psiTest = {
    name: 'psi',
    appliesTo: ['numeric', 'categorical'],
    defaultThreshold: PSI_DEFAULT_THRESHOLD,
    kind: 'distance',
    accepts: ['counts'],
    compute(input, options) {
        const threshold = resolveThreshold({ name: 'psi', defaultThreshold: PSI_DEFAULT_THRESHOLD }, options);
        const minSize = resolveMinSize(options);
        if (input.form !== 'counts')
            return unsupportedForm('psi', input);
        checkCounts(input.baseline, input.current, 'psi');
        if (totalOf(input.baseline) < minSize || totalOf(input.current) < minSize)
            return notEnoughData('psi', threshold);
        const value = populationStabilityIndex(input.baseline, input.current);
        return { test: 'psi', statistic: value, pValue: null, threshold, drifted: isDrifted('distance', value, threshold) };
    },
};
//# sourceMappingURL=psi.js.map