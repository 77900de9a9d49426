/**
 * The drift report of a window against its baseline: the one function every caller uses
 * (`buildDriftReport`), for what a window store holds (counts of every row on the baseline's
 * slots and a uniform row sample) and for a block of scored rows (`fraudlens drift` on a file),
 * which it counts and samples the same way first.
 *
 * Which test runs on what (per feature and for the score):
 *   1. The statistic is the registry's default (selectDriftTest), decided by the number of
 *      non-missing rows in the baseline (not by its sample size) and, for a numeric feature, its
 *      number of distinct training values; an explicit per-feature choice overrides it.
 *   2. KS and Wasserstein (numeric, > 5 distinct values) run on raw values when both the
 *      baseline's reservoir and the window's sample hold at least `minSampleSize` observed values
 *      (`method: 'samples'`), which a window of that many rows always has; otherwise they run on
 *      the counts on the baseline's bins (`method: 'bins'`): KS from histograms (conservative)
 *      and Wasserstein with the mass at bin centres.
 *   3. Chi-squared, Jensen-Shannon and PSI always run on bin counts (`method: 'bins'`), which
 *      cover every row of the window, not a sample. Numeric features with <= 5 distinct values
 *      have one bin per value, so this is the registry's "treat as categorical" rule.
 *   4. Missing values are counted apart and never tested (the statistics skip them too).
 *   4b. Rows in categories the model does not know are shown apart (`new_categories`) and
 *      tested in "other", where the baseline put such rows too (see bin-layout.ts).
 *   5. Fewer than `minSampleSize` observed values on either side give `not_enough_data: true`,
 *      `drifted: false`; an empty window is a report of such results, never an exception.
 */
import { FraudlensError } from '../errors.js';
import { compileBaseline } from './bin-layout.js';
import { MIN_DRIFT_SAMPLE_SIZE } from './common.js';
import { DriftRandom } from './random.js';
import { DATASET_DRIFT_SHARE, datasetDrift, getDriftStatistic, runFeatureDrift, selectDriftTest } from './registry.js';
import { OTHER_CATEGORY } from './report.js';
import { countRows } from './window-counts.js';
import { sampleRows } from './window-sample.js';
/**
 * Counts and a uniform sample of a block of rows, as a window store holds them.
 * @param layout the compiled baseline
 * @param rows the rows, their scores, and the sample's size and generator (defaults: the
 *   baseline's reservoir size, seed 0)
 * @example const contents = windowFromRows(compileBaseline(baseline), { values, scores, rows: n, random });
 */
export function windowFromRows(layout, rows) {
    const sampleSize = rows.sampleSize ?? layout.baseline.options.reservoir_size;
    return {
        counts: countRows(layout, rows.values, rows.scores, rows.rows),
        sample: sampleRows(rows.values, rows.scores, rows.rows, layout.numFeatures, sampleSize, rows.random ?? new DriftRandom(0)),
        window: rows.window ?? null,
    };
}
/** The finite values of column j of a sample (missing and non-finite values left out). */
function sampleColumn(sample, j, fromScores) {
    let n = 0;
    const m = sample.numFeatures;
    for (let r = 0; r < sample.size; r++) {
        const v = fromScores ? sample.scores[r] : sample.values[r * m + j];
        if (v - v === 0)
            n++;
    }
    const out = new Float64Array(n);
    let k = 0;
    for (let r = 0; r < sample.size; r++) {
        const v = fromScores ? sample.scores[r] : sample.values[r * m + j];
        if (v - v === 0)
            out[k++] = v;
    }
    return out;
}
function total(values) {
    let s = 0;
    for (let i = 0; i < values.length; i++)
        s += values[i];
    return s;
}
function checkForcedTest(name, test, type) {
    const stat = getDriftStatistic(test);
    if (type === 'categorical' && !stat.appliesTo.includes('categorical')) {
        throw new FraudlensError('INPUT_INVALID', `Drift test "${test}" cannot be used for the categorical feature "${name}".`, {
            field: name,
        });
    }
}
/** The report entry of feature j (j = numFeatures: the score). */
function featureReport(layout, j, counts, sample, options, minSampleSize, forced) {
    const m = layout.numFeatures;
    const isScore = j === m;
    const f = isScore ? null : layout.baseline.features[j];
    const type = f === null ? 'numeric' : f.type;
    const start = layout.slotStart[j];
    const bins = layout.valueBins[j];
    const baselineCounts = layout.baselineCounts[j];
    const currentCounts = layout.valueCounts(counts.counts, j);
    const currentMissing = counts.counts[start + bins];
    const newSlot = isScore ? -1 : layout.newCategorySlot(j);
    const baselineObserved = total(baselineCounts);
    const distinct = f === null ? layout.baseline.score.distinct : f.distinct;
    // Numeric tests run on the window's sample when it is large enough, else (like categorical
    // ones) on the counts of every row: the test is chosen for the observations it will see.
    const windowRows = total(currentCounts);
    const currentRows = type === 'numeric' && sample.size >= minSampleSize ? Math.min(windowRows, sample.size) : windowRows;
    const test = forced ??
        selectDriftTest({
            type,
            baselineRows: baselineObserved,
            distinctValues: type === 'numeric' ? distinct : undefined,
            currentRows,
        });
    const stat = getDriftStatistic(test);
    let input;
    let runAs = type;
    let method = 'bins';
    let observations = { baseline: baselineObserved, current: total(currentCounts) };
    const binned = { form: 'counts', baseline: baselineCounts, current: currentCounts, edges: layout.finiteEdges[j] };
    if (type === 'numeric' && stat.accepts.includes('samples') && stat.appliesTo.includes('numeric')) {
        const base = layout.baselineSamples[j];
        const current = sampleColumn(sample, j, isScore);
        if (base.length >= minSampleSize && current.length >= minSampleSize) {
            input = { form: 'samples', baseline: base, current };
            method = 'samples';
            observations = { baseline: base.length, current: current.length };
        }
        else {
            input = binned;
        }
    }
    else {
        input = binned;
        // Bins of a numeric feature tested by a categorical statistic are compared as categories.
        if (!stat.appliesTo.includes('numeric'))
            runAs = 'categorical';
    }
    const r = runFeatureDrift(runAs, input, { test, thresholds: options.thresholds, minSampleSize });
    const notEnough = r.notEnoughData === true;
    const baselineBins = f !== null && f.type === 'categorical'
        ? { categories: [...f.categories, OTHER_CATEGORY], counts: f.counts.slice(), missing: f.missing }
        : {
            edges: (f ?? layout.baseline.score).edges.slice(),
            counts: (f ?? layout.baseline.score).counts.slice(),
            missing: f === null ? 0 : f.missing,
        };
    return {
        feature: f === null ? 'score' : f.name,
        type,
        test: r.test,
        statistic: notEnough || !Number.isFinite(r.statistic) ? null : r.statistic,
        p_value: notEnough ? null : r.pValue,
        threshold: r.threshold,
        drifted: r.drifted,
        not_enough_data: notEnough,
        method,
        observations,
        baseline: baselineBins,
        current: {
            counts: Array.from(currentCounts),
            missing: currentMissing,
            ...(newSlot >= 0 ? { new_categories: counts.counts[newSlot] } : {}),
        },
    };
}
/**
 * The drift report of a window against the baseline (see the module header for which test runs
 * on what). Never throws because a window is empty or small; throws INPUT_INVALID only for
 * counts or samples of another layout, or for invalid options.
 * @param baseline the baseline the window is compared with (and its counts were binned on)
 * @param source what a window store holds (counts and sample), or the rows themselves
 * @param options share, minimum sample size, thresholds, forced tests
 * @example const report = buildDriftReport(baseline, await store.read(parseWindowSpec('1h')), { share: 0.5 });
 * @example const report = buildDriftReport(baseline, { values: matrix, scores, rows });
 */
export function buildDriftReport(baseline, source, options = {}) {
    const layout = compileBaseline(baseline);
    const m = layout.numFeatures;
    const { counts, sample, window } = 'counts' in source ? source : windowFromRows(layout, source);
    if (!(counts.counts instanceof Float64Array) || counts.counts.length !== layout.numSlots) {
        throw new FraudlensError('INPUT_INVALID', `Window counts have ${counts.counts?.length} slots but this baseline needs ${layout.numSlots}; they were built for another baseline.`);
    }
    if (sample.numFeatures !== m || sample.values.length < sample.size * m || sample.scores.length < sample.size) {
        throw new FraudlensError('INPUT_INVALID', `The window sample has ${sample.numFeatures} features per row but the baseline has ${m}.`);
    }
    const share = options.share ?? DATASET_DRIFT_SHARE;
    const minSampleSize = options.minSampleSize ?? MIN_DRIFT_SAMPLE_SIZE;
    if (!Number.isFinite(minSampleSize) || minSampleSize < 1) {
        throw new FraudlensError('INPUT_INVALID', `minSampleSize ${minSampleSize} must be a finite number of at least 1.`, {
            field: 'minSampleSize',
        });
    }
    const tests = options.tests ?? {};
    for (const name of Object.keys(tests)) {
        const j = layout.names.indexOf(name);
        if (j < 0)
            throw new FraudlensError('INPUT_INVALID', `A drift test is set for "${name}", which is not a feature of the baseline.`, {
                field: name,
            });
        checkForcedTest(name, tests[name], layout.types[j]);
    }
    if (options.scoreTest !== undefined)
        checkForcedTest('score', options.scoreTest, 'numeric');
    const features = [];
    for (let j = 0; j < m; j++) {
        const forced = Object.prototype.hasOwnProperty.call(tests, layout.names[j]) ? tests[layout.names[j]] : undefined;
        features.push(featureReport(layout, j, counts, sample, options, minSampleSize, forced));
    }
    const prediction = featureReport(layout, m, counts, sample, options, minSampleSize, options.scoreTest);
    const verdict = datasetDrift(features.map((f) => ({
        test: f.test,
        statistic: f.statistic ?? Number.NaN,
        pValue: f.p_value,
        threshold: f.threshold,
        drifted: f.drifted,
        notEnoughData: f.not_enough_data,
    })), share);
    return {
        model_version: baseline.model_version,
        baseline_created_at: baseline.created_at,
        baseline_rows: baseline.rows,
        window: window ?? null,
        rows: counts.rows,
        dataset_drift: {
            drifted: verdict.drifted,
            share: verdict.share,
            share_drifted: verdict.shareDrifted,
            drifted_features: verdict.driftedFeatures,
            evaluated_features: verdict.evaluatedFeatures,
            not_enough_data: verdict.notEnoughData === true,
        },
        drifted_features: features.filter((f) => f.drifted).map((f) => f.feature),
        prediction_drift: prediction,
        features,
        settings: { min_sample_size: minSampleSize, share, thresholds: { ...(options.thresholds ?? {}) } },
    };
}
//# sourceMappingURL=report-builder.js.map