/**
 * 1-D Wasserstein (earth mover's) distance, like scipy.stats.wasserstein_distance: the area
 * between the two empirical CDFs, integral of |F_u(x) - F_v(x)| dx, on raw samples or on weighted
 * values (a histogram as bin centres weighted by counts).
 *
 * The drift decision uses the distance divided by the baseline's standard deviation (population
 * std, floored at WASSERSTEIN_MIN_SCALE), Evidently's "normed" Wasserstein: it reads as "the
 * typical shift in units of the baseline spread", so one threshold (0.1 = a tenth of a standard
 * deviation) works across features measured in different units.
 */
import { FraudlensError } from '../errors.js';
import { CompensatedSum, checkCounts, countObserved, isDrifted, notEnoughData, resolveMinSize, resolveThreshold, sortedWithoutNaN, totalOf, unsupportedForm, } from './common.js';
/** Normalised distance at or above which the drift test signals drift (a tenth of a baseline std). */
export const WASSERSTEIN_DEFAULT_THRESHOLD = 0.1;
/**
 * Smallest scale the distance is divided by (Evidently's floor), so a constant baseline does not
 * divide by zero; a shift away from a constant is then measured in absolute units / 0.001.
 */
export const WASSERSTEIN_MIN_SCALE = 1e-3;
function checkFinite(values, what) {
    for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v === Infinity || v === -Infinity) {
            throw new FraudlensError('INPUT_NOT_A_NUMBER', `${what}: value ${i} is infinite; the Wasserstein distance needs finite values.`);
        }
    }
}
/** Area between the ECDFs of two sorted, finite, non-empty samples (merge walk, O(n1 + n2)). */
function distanceOfSorted(a, b) {
    const n1 = a.length;
    const n2 = b.length;
    let i = 0;
    let j = 0;
    const area = new CompensatedSum();
    let prev = a[0] < b[0] ? a[0] : b[0];
    while (i < n1 || j < n2) {
        const x = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
        // On [prev, x) both ECDFs are constant at their values just after prev.
        area.add(Math.abs(i / n1 - j / n2) * (x - prev));
        while (i < n1 && a[i] <= x)
            i++;
        while (j < n2 && b[j] <= x)
            j++;
        prev = x;
    }
    return area.value();
}
/**
 * Wasserstein-1 distance between two samples (NaN values are ignored).
 * @param u first sample (not modified)
 * @param v second sample (not modified)
 * @example wassersteinDistance(Float64Array.of(0, 1, 3), Float64Array.of(5, 6, 8)) // 5
 */
export function wassersteinDistance(u, v) {
    checkFinite(u, 'Wasserstein');
    checkFinite(v, 'Wasserstein');
    const a = sortedWithoutNaN(u);
    const b = sortedWithoutNaN(v);
    if (a.length === 0 || b.length === 0) {
        throw new FraudlensError('INPUT_INVALID', 'Wasserstein distance needs at least one non-missing value on each side.');
    }
    return distanceOfSorted(a, b);
}
/** Sorted values and cumulative weights (with a leading 0) of one weighted distribution. */
function sortWeighted(values, weights, what) {
    if (values.length !== weights.length) {
        throw new FraudlensError('INPUT_INVALID', `${what}: ${values.length} values but ${weights.length} weights.`);
    }
    if (values.length === 0)
        throw new FraudlensError('INPUT_INVALID', `${what}: no values.`);
    for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i])) {
            throw new FraudlensError('INPUT_NOT_A_NUMBER', `${what}: value ${i} is ${values[i]}; weighted Wasserstein needs finite values.`);
        }
        const w = weights[i];
        if (!(w >= 0 && w < Infinity)) {
            throw new FraudlensError('INPUT_INVALID', `${what}: weight ${i} is ${w}; weights must be finite and non-negative.`);
        }
    }
    const order = new Uint32Array(values.length);
    for (let i = 0; i < order.length; i++)
        order[i] = i;
    // Stable order of equal values does not matter: ties are passed over together below.
    order.sort((x, y) => values[x] - values[y]);
    const sorted = new Float64Array(values.length);
    const cum = new Float64Array(values.length + 1);
    for (let i = 0; i < order.length; i++) {
        sorted[i] = values[order[i]];
        cum[i + 1] = cum[i] + weights[order[i]];
    }
    if (!(cum[cum.length - 1] > 0))
        throw new FraudlensError('INPUT_INVALID', `${what}: the weights sum to zero.`);
    return { sorted, cum };
}
/**
 * Wasserstein-1 distance between two weighted distributions, like
 * scipy.stats.wasserstein_distance(uValues, vValues, uWeights, vWeights). For a histogram pass
 * the bin centres as values and the counts as weights (mass placed at the centres).
 * @param uValues support points of the first distribution
 * @param vValues support points of the second distribution
 * @param uWeights non-negative weights of uValues (any positive total)
 * @param vWeights non-negative weights of vValues
 * @example wassersteinDistanceWeighted(Float64Array.of(0, 1), Float64Array.of(0, 1), Float64Array.of(1, 0), Float64Array.of(0, 1)) // 1
 */
export function wassersteinDistanceWeighted(uValues, vValues, uWeights, vWeights) {
    const u = sortWeighted(uValues, uWeights, 'Wasserstein (first side)');
    const v = sortWeighted(vValues, vWeights, 'Wasserstein (second side)');
    const a = u.sorted;
    const b = v.sorted;
    const n1 = a.length;
    const n2 = b.length;
    const tu = u.cum[n1];
    const tv = v.cum[n2];
    let i = 0;
    let j = 0;
    const area = new CompensatedSum();
    let prev = a[0] < b[0] ? a[0] : b[0];
    while (i < n1 || j < n2) {
        const x = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
        area.add(Math.abs(u.cum[i] / tu - v.cum[j] / tv) * (x - prev));
        while (i < n1 && a[i] <= x)
            i++;
        while (j < n2 && b[j] <= x)
            j++;
        prev = x;
    }
    return area.value();
}
/** Population standard deviation (ddof = 0, as numpy.std) of a NaN-free sample, two-pass. */
function populationStd(values) {
    const s = new CompensatedSum();
    for (let i = 0; i < values.length; i++)
        s.add(values[i]);
    const mean = s.value() / values.length;
    const sq = new CompensatedSum();
    for (let i = 0; i < values.length; i++) {
        const d = values[i] - mean;
        sq.add(d * d);
    }
    return Math.sqrt(sq.value() / values.length);
}
/** Weighted population standard deviation of values with non-negative weights. */
function weightedStd(values, weights) {
    const total = totalOf(weights);
    const s = new CompensatedSum();
    for (let i = 0; i < values.length; i++)
        s.add(values[i] * weights[i]);
    const mean = s.value() / total;
    const sq = new CompensatedSum();
    for (let i = 0; i < values.length; i++) {
        const d = values[i] - mean;
        sq.add(weights[i] * d * d);
    }
    return Math.sqrt(sq.value() / total);
}
/** Bin centres of ascending, finite edges (length bins + 1). */
function binCentres(edges, bins) {
    if (edges.length !== bins + 1) {
        throw new FraudlensError('INPUT_INVALID', `Wasserstein on histograms: ${bins} bins need ${bins + 1} edges, got ${edges.length}.`);
    }
    const centres = new Float64Array(bins);
    for (let i = 0; i < bins; i++) {
        const lo = edges[i];
        const hi = edges[i + 1];
        if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) {
            throw new FraudlensError('INPUT_INVALID', `Wasserstein on histograms: edges must be finite and strictly increasing (bin ${i}).`);
        }
        centres[i] = lo + (hi - lo) / 2;
    }
    return centres;
}
/**
 * Wasserstein distance divided by the baseline's standard deviation (floored at
 * WASSERSTEIN_MIN_SCALE): the quantity the drift test thresholds.
 * @param baseline baseline sample (NaN ignored)
 * @param current current sample (NaN ignored)
 */
export function normalizedWasserstein(baseline, current) {
    checkFinite(baseline, 'Wasserstein');
    checkFinite(current, 'Wasserstein');
    const a = sortedWithoutNaN(baseline);
    const b = sortedWithoutNaN(current);
    if (a.length === 0 || b.length === 0) {
        throw new FraudlensError('INPUT_INVALID', 'Wasserstein distance needs at least one non-missing value on each side.');
    }
    return distanceOfSorted(a, b) / Math.max(populationStd(a), WASSERSTEIN_MIN_SCALE);
}
/**
 * Normalised Wasserstein distance of two histograms on shared finite edges, mass at bin centres.
 * @param edges ascending bin edges, length = bins + 1
 * @param baselineCounts baseline counts per bin
 * @param currentCounts current counts per bin
 */
export function normalizedWassersteinOfHistograms(edges, baselineCounts, currentCounts) {
    checkCounts(baselineCounts, currentCounts, 'Wasserstein on histograms');
    const centres = binCentres(edges, baselineCounts.length);
    const d = wassersteinDistanceWeighted(centres, centres, baselineCounts, currentCounts);
    return d / Math.max(weightedStd(centres, baselineCounts), WASSERSTEIN_MIN_SCALE);
}
/** The normalised Wasserstein drift test: numeric samples, or histograms with edges. */
export const wassersteinTest = {
    name: 'wasserstein',
    appliesTo: ['numeric'],
    defaultThreshold: WASSERSTEIN_DEFAULT_THRESHOLD,
    kind: 'distance',
    accepts: ['samples', 'counts'],
    compute(input, options) {
        const threshold = resolveThreshold({ name: 'wasserstein', defaultThreshold: WASSERSTEIN_DEFAULT_THRESHOLD }, options);
        const minSize = resolveMinSize(options);
        let value;
        if (input.form === 'samples') {
            if (countObserved(input.baseline) < minSize || countObserved(input.current) < minSize) {
                return notEnoughData('wasserstein', threshold);
            }
            value = normalizedWasserstein(input.baseline, input.current);
        }
        else if (input.form === 'counts') {
            checkCounts(input.baseline, input.current, 'wasserstein');
            if (input.edges === undefined) {
                throw new FraudlensError('INPUT_INVALID', 'wasserstein on counts needs the bin edges.');
            }
            if (totalOf(input.baseline) < minSize || totalOf(input.current) < minSize)
                return notEnoughData('wasserstein', threshold);
            value = normalizedWassersteinOfHistograms(input.edges, input.baseline, input.current);
        }
        else {
            return unsupportedForm('wasserstein', input);
        }
        return { test: 'wasserstein', statistic: value, pValue: null, threshold, drifted: isDrifted('distance', value, threshold) };
    },
};
//# sourceMappingURL=wasserstein.js.map