/**
 * The table of drift statistics and the rule that picks one per feature, plus the dataset-level
 * verdict. The default choice follows Evidently's documented rule, decided by the size of the
 * baseline (reference) and the number of distinct values:
 *
 *   baseline rows <= 1000 (small):
 *     numeric with > 5 distinct values          -> ks (p-value < 0.05)
 *     categorical, or numeric with <= 5 values  -> chisquare (p-value < 0.05)
 *   baseline rows > 1000 (large):
 *     numeric with > 5 distinct values          -> wasserstein, normalised by baseline std (>= 0.1)
 *     categorical, or numeric with <= 5 values  -> jensenshannon, base 2 (>= 0.1)
 *
 * One deliberate difference: Evidently uses a two-proportion z-test for binary features of a
 * small baseline; we use the chi-squared test there too. With two categories it tests the same
 * hypothesis (z^2 and chi^2 agree to first order, exactly so for a baseline much larger than the
 * window), and it keeps one code path whose p-values are checked against scipy.
 *
 * On large data p-value tests flag negligible shifts as significant, which is why the rule moves
 * to distances there. Thresholds are overridable per statistic.
 *
 * A second difference: the current window counts too. A distance with a fixed threshold ignores
 * sample size, and on a window of a few hundred rows its sampling noise alone reaches 0.1 (on the
 * demo data, normalised Wasserstein between two random 250-row draws of the same months exceeded
 * 0.1 for the customer's age half of the time). So a window with at most 1000 observations is
 * judged by the p-value test (KS or chi-squared), whose false-alarm rate stays at its level.
 */
import { FraudlensError } from '../errors.js';
import { chiSquareTest } from './chisquare.js';
import { countObserved, sortedWithoutNaN, totalOf } from './common.js';
import { jensenShannonTest } from './jensen-shannon.js';
import { ksTest } from './ks.js';
import { psiTest } from './psi.js';
import { wassersteinTest } from './wasserstein.js';
/** Baselines with at most this many rows are "small" (p-value tests); larger ones use distances. */
export const SMALL_BASELINE_MAX_ROWS = 1000;
/** Current windows with at most this many observations use p-value tests too (see above). */
export const SMALL_CURRENT_MAX_ROWS = 1000;
/** A numeric feature with at most this many distinct values is tested like a categorical one. */
export const LOW_CARDINALITY_MAX_DISTINCT = 5;
/** Default share of drifted features at or above which the whole dataset counts as drifted. */
export const DATASET_DRIFT_SHARE = 0.5;
/** Every statistic by name. */
export const DRIFT_STATISTICS = Object.freeze({
    psi: psiTest,
    ks: ksTest,
    chisquare: chiSquareTest,
    jensenshannon: jensenShannonTest,
    wasserstein: wassersteinTest,
});
/**
 * Looks a statistic up by name.
 * @param name one of the DriftTestName values
 * @example getDriftStatistic('ks').defaultThreshold // 0.05
 */
export function getDriftStatistic(name) {
    if (!Object.prototype.hasOwnProperty.call(DRIFT_STATISTICS, name)) {
        throw new FraudlensError('INPUT_INVALID', `Unknown drift test "${name}"; known: ${Object.keys(DRIFT_STATISTICS).join(', ')}.`);
    }
    return DRIFT_STATISTICS[name];
}
/**
 * The default test for a feature, by Evidently's rule (see the module header).
 * @param profile feature type, baseline size and (numeric) number of distinct values
 * @example selectDriftTest({ type: 'numeric', baselineRows: 500, distinctValues: 100 }) // 'ks'
 */
export function selectDriftTest(profile) {
    const { type, baselineRows } = profile;
    if (!(baselineRows >= 0)) {
        throw new FraudlensError('INPUT_INVALID', `baselineRows must be a non-negative number (got ${baselineRows}).`);
    }
    const small = baselineRows <= SMALL_BASELINE_MAX_ROWS ||
        (profile.currentRows !== undefined && profile.currentRows <= SMALL_CURRENT_MAX_ROWS);
    const lowCardinality = type === 'numeric' && profile.distinctValues !== undefined && profile.distinctValues <= LOW_CARDINALITY_MAX_DISTINCT;
    if (type === 'categorical' || lowCardinality)
        return small ? 'chisquare' : 'jensenshannon';
    if (type === 'numeric')
        return small ? 'ks' : 'wasserstein';
    throw new FraudlensError('INPUT_INVALID', `Unknown feature type "${String(type)}"; expected numeric or categorical.`);
}
/** Distinct non-NaN values over both samples, counting no further than `cap`. */
function distinctUpTo(a, b, cap) {
    // A handful of values kept in a tiny array: typical continuous data stops after cap + 1 reads.
    const seen = new Float64Array(cap + 1);
    let k = 0;
    for (const arr of [a, b]) {
        for (let i = 0; i < arr.length; i++) {
            const v = arr[i];
            if (v !== v)
                continue;
            let found = false;
            for (let j = 0; j < k; j++) {
                if (seen[j] === v) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                seen[k++] = v;
                if (k > cap)
                    return k;
            }
        }
    }
    return k;
}
/**
 * Turns two samples of discrete values (category codes, or a numeric feature with few values)
 * into counts on the union of their distinct values, in ascending order. NaN is skipped.
 * @param baseline baseline values
 * @param current current values
 */
export function samplesToCounts(baseline, current) {
    const a = sortedWithoutNaN(baseline);
    const b = sortedWithoutNaN(current);
    let distinct = 0;
    for (let i = 0, j = 0; i < a.length || j < b.length;) {
        const x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
        while (i < a.length && a[i] === x)
            i++;
        while (j < b.length && b[j] === x)
            j++;
        distinct++;
    }
    const values = new Float64Array(distinct);
    const ca = new Float64Array(distinct);
    const cb = new Float64Array(distinct);
    let k = 0;
    for (let i = 0, j = 0; i < a.length || j < b.length; k++) {
        const x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
        values[k] = x;
        while (i < a.length && a[i] === x) {
            i++;
            ca[k]++;
        }
        while (j < b.length && b[j] === x) {
            j++;
            cb[k]++;
        }
    }
    return { values, baseline: ca, current: cb };
}
/**
 * Runs the drift check of one feature: picks the default test (unless forced), adapts the input
 * when needed (discrete samples become counts), applies threshold overrides.
 * @param type the feature's type
 * @param input samples (numeric, or category codes) or counts on shared bins
 * @param options forced test, threshold overrides, minimum sample size
 * @example runFeatureDrift('numeric', { form: 'samples', baseline, current }) // { test: 'ks', ... }
 */
export function runFeatureDrift(type, input, options = {}) {
    let distinct;
    let baselineRows;
    let currentRows;
    if (input.form === 'samples') {
        baselineRows = countObserved(input.baseline);
        currentRows = countObserved(input.current);
        distinct = distinctUpTo(input.baseline, input.current, LOW_CARDINALITY_MAX_DISTINCT);
    }
    else if (input.form === 'counts') {
        baselineRows = totalOf(input.baseline);
        currentRows = totalOf(input.current);
        distinct = 0;
        const n = Math.min(input.baseline.length, input.current.length);
        for (let i = 0; i < n; i++)
            if (input.baseline[i] > 0 || input.current[i] > 0)
                distinct++;
    }
    else {
        throw new FraudlensError('INPUT_INVALID', 'Drift input form must be "samples" or "counts".');
    }
    const name = options.test ?? selectDriftTest({ type, baselineRows, distinctValues: distinct, currentRows });
    const stat = getDriftStatistic(name);
    const categoricalStat = !stat.appliesTo.includes('numeric');
    if (!stat.appliesTo.includes(type) && !(type === 'numeric' && categoricalStat && distinct <= LOW_CARDINALITY_MAX_DISTINCT)) {
        throw new FraudlensError('INPUT_INVALID', `Drift test "${name}" does not apply to ${type} features.`);
    }
    let prepared = input;
    if (input.form === 'samples' && !stat.accepts.includes('samples')) {
        if (type === 'numeric' && distinct > LOW_CARDINALITY_MAX_DISTINCT) {
            throw new FraudlensError('INPUT_INVALID', `Drift test "${name}" needs binned counts for a continuous numeric feature.`);
        }
        const counts = samplesToCounts(input.baseline, input.current);
        prepared = { form: 'counts', baseline: counts.baseline, current: counts.current };
    }
    const computeOptions = {};
    const override = options.thresholds?.[name];
    if (override !== undefined)
        computeOptions.threshold = override;
    if (options.minSampleSize !== undefined)
        computeOptions.minSampleSize = options.minSampleSize;
    return stat.compute(prepared, computeOptions);
}
/**
 * Dataset drift: drifted when the share of drifted features, among those with enough data, is at
 * least `share` (Evidently's dataset-drift rule).
 * @param results one result per feature
 * @param share share of drifted features that makes the dataset drifted, in (0, 1]
 * @example datasetDrift([r1, r2, r3], 0.5) // { drifted: true, driftedFeatures: 2, ... }
 */
export function datasetDrift(results, share = DATASET_DRIFT_SHARE) {
    if (!(share > 0 && share <= 1)) {
        throw new FraudlensError('INPUT_INVALID', `Dataset drift share ${share} must lie in (0, 1].`);
    }
    let evaluated = 0;
    let drifted = 0;
    for (const r of results) {
        if (r.notEnoughData === true)
            continue;
        evaluated++;
        if (r.drifted)
            drifted++;
    }
    if (evaluated === 0) {
        return { drifted: false, driftedFeatures: 0, evaluatedFeatures: 0, shareDrifted: 0, share, notEnoughData: true };
    }
    const shareDrifted = drifted / evaluated;
    return { drifted: shareDrifted >= share, driftedFeatures: drifted, evaluatedFeatures: evaluated, shareDrifted, share };
}
//# sourceMappingURL=registry.js.map