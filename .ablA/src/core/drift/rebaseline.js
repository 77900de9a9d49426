/**
 * A new drift baseline from what a window holds ("the recent traffic is the new normal"), for
 * `POST /drift/baseline/from-window` (the server reads the window and saves the result; this is
 * the pure part between).
 *
 * A window keeps counts on the current baseline's bins for every row, and a bounded uniform sample
 * of rows; it does not keep every raw value. So the new baseline keeps:
 *   - the bins of the current baseline (numeric cut points, kept categories and their codes):
 *     the window's counts are only known on those, and unchanged bins let the live window go on
 *     counting (its Redis keys too) without a restart;
 *   - the window's counts on those bins and its missing counts: every row of the window;
 *   - the window's row sample (at most the baseline's reservoir size) as each numeric feature's
 *     and the score's raw sample, for the sample-based tests;
 *   - mean, std, min and max of that sample; `distinct` is the number of distinct sampled values
 *     but at least the number of non-empty bins. When the sample holds no value of a feature that
 *     the counts do have (a window sample of size 0), the statistics are estimated from the bins.
 * `rows` becomes the window's row count, so the registry's choice of test follows the new size
 * (p-value tests up to 1000 rows, distances above).
 *
 * Masked (PII) features get no sample, and their statistics come from the bins (see
 * masking.ts): the window keeps no value of theirs anyway.
 */
import { FraudlensError } from '../errors.js';
import { baselineFromJson } from './baseline-validation.js';
import { compileBaseline } from './bin-layout.js';
import { MIN_DRIFT_SAMPLE_SIZE } from './common.js';
/** Finite values of column j of the sample (the score when j = numFeatures), ascending. */
function sampleColumn(sample, j, limit) {
    const m = sample.numFeatures;
    const out = [];
    for (let r = 0; r < sample.size && out.length < limit; r++) {
        const v = j === m ? sample.scores[r] : sample.values[r * m + j];
        if (v - v === 0)
            out.push(v);
    }
    return Float64Array.from(out).sort();
}
function momentsOf(values) {
    const n = values.length;
    if (n === 0)
        return { mean: null, std: null, min: null, max: null };
    let sum = 0;
    for (let i = 0; i < n; i++)
        sum += values[i];
    const mean = sum / n;
    let sq = 0;
    for (let i = 0; i < n; i++)
        sq += (values[i] - mean) ** 2;
    return { mean, std: Math.sqrt(sq / n), min: values[0], max: values[n - 1] };
}
/** Moments of counts placed at the centres of the layout's finite bin edges. */
function momentsOfBins(layout, j, counts) {
    const edges = layout.finiteEdges[j];
    let n = 0;
    let sum = 0;
    let first = -1;
    let last = -1;
    counts.forEach((c, b) => {
        if (c === 0)
            return;
        if (first < 0)
            first = b;
        last = b;
        n += c;
        sum += c * ((edges[b] + edges[b + 1]) / 2);
    });
    if (n === 0)
        return { mean: null, std: null, min: null, max: null };
    const mean = sum / n;
    let sq = 0;
    counts.forEach((c, b) => {
        sq += c * ((edges[b] + edges[b + 1]) / 2 - mean) ** 2;
    });
    return { mean, std: Math.sqrt(sq / n), min: edges[first], max: edges[last + 1] };
}
function distinctOf(sorted) {
    let d = 0;
    for (let i = 0; i < sorted.length; i++)
        if (i === 0 || sorted[i] !== sorted[i - 1])
            d++;
    return d;
}
function nonEmpty(counts) {
    return counts.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
}
function sumOf(counts) {
    return counts.reduce((s, c) => s + c, 0);
}
/** Bin counts and missing count of feature j (the score when j = numFeatures), as integers. */
function countsOf(layout, window, j) {
    const counts = Array.from(layout.valueCounts(window.counts, j), Math.round);
    return { counts, missing: Math.round(window.counts[layout.missingSlot(j)]) };
}
/**
 * Builds, validates and returns a baseline describing a window (see the module header for what
 * it keeps).
 * @param current the baseline the window was binned on
 * @param contents the window's counts (on `current`'s layout) and uniform row sample, as the store read them
 * @param model the served model; the result is checked to fit it
 * @param createdAt timestamp of the new baseline
 * @param masked PII feature names: no sample, statistics from the bins
 * @example const next = baselineFromWindow(baseline, await store.read(spec), model, new Date());
 */
export function baselineFromWindow(current, contents, model, createdAt, masked = new Set()) {
    const { counts: window, sample } = contents;
    const layout = compileBaseline(current);
    const m = layout.numFeatures;
    if (window.counts.length !== layout.numSlots || sample.numFeatures !== m) {
        throw new FraudlensError('INTERNAL', 'the window was counted on other bins than the current baseline');
    }
    // Every row adds one count to the score's bins (scores are never missing).
    const score = countsOf(layout, window, m);
    const rows = sumOf(score.counts);
    if (rows < MIN_DRIFT_SAMPLE_SIZE) {
        throw new FraudlensError('DRIFT_NOT_ENOUGH_DATA', `the window holds ${rows} predictions; a baseline needs at least ${MIN_DRIFT_SAMPLE_SIZE}`, { field: 'window' });
    }
    const reservoir = current.options.reservoir_size;
    const features = current.features.map((f, j) => {
        const { counts, missing } = countsOf(layout, window, j);
        if (sumOf(counts) + missing !== rows) {
            throw new FraudlensError('INTERNAL', `the window's counts of "${f.name}" (${sumOf(counts) + missing}) disagree with its row count (${rows})`);
        }
        const missingRate = missing / rows;
        if (f.type === 'categorical') {
            const codes = sampleColumn(sample, j, Infinity);
            return {
                ...f,
                categories: [...f.categories],
                codes: [...f.codes],
                counts,
                missing,
                missing_rate: missingRate,
                distinct: Math.max(distinctOf(codes), nonEmpty(counts)),
            };
        }
        const values = masked.has(f.name) ? new Float64Array(0) : sampleColumn(sample, j, reservoir);
        const moments = values.length > 0 ? momentsOf(values) : momentsOfBins(layout, j, counts);
        const observed = sumOf(counts);
        return {
            name: f.name,
            type: 'numeric',
            edges: [...f.edges],
            counts,
            missing,
            missing_rate: missingRate,
            ...moments,
            distinct: Math.min(observed, Math.max(distinctOf(values), nonEmpty(counts))),
            sample: Array.from(values),
        };
    });
    const scores = sampleColumn(sample, m, reservoir);
    const scoreMoments = scores.length > 0 ? momentsOf(scores) : momentsOfBins(layout, m, score.counts);
    // Bin-centre estimates may reach past [0, 1]; scores are probabilities.
    if (scoreMoments.min !== null)
        scoreMoments.min = Math.max(0, scoreMoments.min);
    if (scoreMoments.max !== null)
        scoreMoments.max = Math.min(1, scoreMoments.max);
    const candidate = {
        format: current.format,
        format_version: current.format_version,
        model_version: model.version,
        created_at: createdAt.toISOString(),
        rows,
        options: { ...current.options },
        features,
        score: {
            edges: [...current.score.edges],
            counts: score.counts,
            ...scoreMoments,
            distinct: Math.min(rows, Math.max(distinctOf(scores), nonEmpty(score.counts))),
            sample: Array.from(scores),
        },
    };
    // The same validation as a file: what is saved must load again.
    return baselineFromJson(candidate, model);
}
//# sourceMappingURL=rebaseline.js.map