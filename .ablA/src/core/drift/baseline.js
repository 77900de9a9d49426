/**
 * The drift baseline: what the training data looked like, per feature and for the model's score,
 * in a form production windows can be compared with cheaply. Built once (when a model is trained,
 * or by `fraudlens baseline` for an imported model), saved as `drift_baseline.json` beside the
 * model. Pure: no I/O, randomness from an explicit seed, the clock only as an overridable default.
 *
 * Per numeric feature: quantile cut points and the counts on those bins, mean / std / min / max,
 * missing count, number of distinct values, and a bounded uniform sample of the raw values (for
 * the sample-based tests). Per categorical feature: the most frequent categories with their
 * counts, one "other" bucket for the rest (and for categories training never saw), missing count.
 * For the score: the same as a numeric feature.
 *
 * Values are taken as the model sees them: encoded to float32 (encodeFeatures). Production rows
 * reach the window as the same float32 values, so a value lying exactly on a cut point falls in
 * the same bin on both sides; binning float64 training values instead would move such ties (an
 * amount of 1.98 is 1.9800000190734863 in float32) and fake a shift on identical data.
 *
 * Bins are right-closed: bin i holds x with edges[i-1] < x <= edges[i], the first bin open
 * below and the last open above. Cut points are numpy's default (linear) quantiles at i / bins,
 * with repeats dropped, so heavy ties give fewer, wider bins. A numeric feature with at most
 * LOW_CARDINALITY_MAX_DISTINCT distinct values gets one bin per value instead (cut points = the
 * values), plus an empty "above the largest value" bin: the registry tests such a feature like a
 * categorical one, and a new larger value then shows up in a bin of its own.
 *
 * A baseline read from a file or an upload is checked field by field in baseline-validation.ts.
 */
import { encodeFeatures, requireColumn } from '../data/table.js';
import { Predictor } from '../engine/predict.js';
import { FraudlensError } from '../errors.js';
import { binIndex } from './bins.js';
import { CompensatedSum } from './common.js';
import { DriftRandom } from './random.js';
import { LOW_CARDINALITY_MAX_DISTINCT } from './registry.js';
export const BASELINE_FORMAT = 'fraudlens-drift-baseline';
export const BASELINE_FORMAT_VERSION = 1;
/** File name of the baseline, saved beside the model file. */
export const BASELINE_FILE_NAME = 'drift_baseline.json';
/** Quantile bins per numeric feature and for the score (deciles, as the Python baseline). */
export const DEFAULT_BASELINE_BINS = 10;
/** Raw values kept per numeric feature: enough for an exact KS test on small baselines. */
export const DEFAULT_RESERVOIR_SIZE = 1000;
/** Categories kept by name per categorical feature; the rest share the "other" bucket. */
export const DEFAULT_MAX_CATEGORIES = 50;
export const DEFAULT_BASELINE_SEED = 0;
/** Upper bounds that keep a baseline file (and a hostile one) small. */
export const MAX_BASELINE_BINS = 100;
export const MAX_RESERVOIR_SIZE = 100_000;
export const MAX_CATEGORIES_LIMIT = 1000;
function optionInt(name, value, fallback, min, max) {
    if (value === undefined)
        return fallback;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
        throw new FraudlensError('INPUT_INVALID', `Baseline option ${name} must be an integer from ${min} to ${max}, got ${String(value)}.`, { field: name });
    }
    return value;
}
/**
 * Cut points at the i / bins quantiles (i = 1 .. bins - 1) of ascending values, by linear
 * interpolation (numpy's default), repeated cuts dropped.
 */
function quantileCuts(sorted, bins) {
    const n = sorted.length;
    const cuts = [];
    if (n === 0)
        return cuts;
    for (let i = 1; i < bins; i++) {
        const h = ((n - 1) * i) / bins;
        const lo = Math.floor(h);
        const frac = h - lo;
        const q = lo + 1 < n && frac > 0 ? sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
        if (cuts.length === 0 || q > cuts[cuts.length - 1])
            cuts.push(q);
    }
    return cuts;
}
/** Distinct values of an ascending array. */
function distinctSorted(sorted) {
    const out = [];
    for (let i = 0; i < sorted.length; i++)
        if (i === 0 || sorted[i] !== sorted[i - 1])
            out.push(sorted[i]);
    return out;
}
/** The shortest decimal that reads back as the same float32: smaller files, same values. */
function shortestFloat32(v) {
    for (let p = 1; p <= 9; p++) {
        const c = Number(v.toPrecision(p));
        if (Math.fround(c) === v)
            return c;
    }
    return v;
}
/**
 * `size` values drawn uniformly without replacement (partial Fisher-Yates), ascending.
 * @param values the population (not modified)
 */
function sampleWithoutReplacement(values, size, rng) {
    const n = values.length;
    if (size >= n)
        return Float64Array.from(values).sort();
    const pool = Float64Array.from(values);
    for (let i = 0; i < size; i++) {
        const j = i + rng.below(n - i);
        const t = pool[i];
        pool[i] = pool[j];
        pool[j] = t;
    }
    return pool.slice(0, size).sort();
}
/** Bins, statistics and sample of the non-missing values of one numeric column or the score. */
function summarise(observed, bins, reservoirSize, rng) {
    const sorted = Float64Array.from(observed).sort();
    const n = sorted.length;
    const values = distinctSorted(sorted);
    const edges = values.length <= LOW_CARDINALITY_MAX_DISTINCT ? values : quantileCuts(sorted, bins);
    const cuts = Float64Array.from(edges);
    const counts = new Array(edges.length + 1).fill(0);
    for (let i = 0; i < n; i++)
        counts[binIndex(cuts, sorted[i])]++;
    let mean = null;
    let std = null;
    if (n > 0) {
        const s = new CompensatedSum();
        for (let i = 0; i < n; i++)
            s.add(sorted[i]);
        const m = s.value() / n;
        const sq = new CompensatedSum();
        for (let i = 0; i < n; i++) {
            const d = sorted[i] - m;
            sq.add(d * d);
        }
        mean = m;
        std = Math.sqrt(sq.value() / n);
    }
    return {
        edges,
        counts,
        mean,
        std,
        min: n > 0 ? sorted[0] : null,
        max: n > 0 ? sorted[n - 1] : null,
        distinct: values.length,
        sample: sampleWithoutReplacement(observed, Math.min(reservoirSize, n), rng),
    };
}
function numericBaseline(spec, x, j, m, rows, bins, reservoirSize, rng) {
    let observedCount = 0;
    for (let i = 0; i < rows; i++)
        if (x[i * m + j] === x[i * m + j])
            observedCount++;
    const observed = new Float64Array(observedCount);
    let k = 0;
    for (let i = 0; i < rows; i++) {
        const v = x[i * m + j];
        if (v === v)
            observed[k++] = v;
    }
    const s = summarise(observed, bins, reservoirSize, rng);
    const missing = rows - observedCount;
    return {
        name: spec.name,
        type: 'numeric',
        edges: s.edges,
        counts: s.counts,
        missing,
        missing_rate: rows > 0 ? missing / rows : 0,
        mean: s.mean,
        std: s.std,
        min: s.min,
        max: s.max,
        distinct: s.distinct,
        sample: Array.from(s.sample),
    };
}
function categoricalBaseline(table, spec, x, j, m, rows, maxCategories) {
    const encoding = spec.encoding ?? 'names';
    const col = requireColumn(table, spec.name);
    const perCode = new Map();
    let missing = 0;
    let unknown = 0;
    for (let i = 0; i < rows; i++) {
        const v = x[i * m + j];
        if (v === v) {
            perCode.set(v, (perCode.get(v) ?? 0) + 1);
            continue;
        }
        // encodeFeatures turns a category the model does not know into NaN; the table still has it.
        const present = col.kind === 'numeric' ? col.values[i] === col.values[i] : col.codes[i] >= 0;
        if (present && encoding === 'names')
            unknown++;
        else
            missing++;
    }
    const ranked = [...perCode.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const kept = ranked.slice(0, maxCategories);
    let other = unknown;
    for (let r = kept.length; r < ranked.length; r++)
        other += ranked[r][1];
    const names = spec.categories ?? [];
    return {
        name: spec.name,
        type: 'categorical',
        encoding,
        categories: kept.map(([code]) => (encoding === 'names' ? names[code] : String(code))),
        codes: kept.map(([code]) => code),
        counts: [...kept.map(([, c]) => c), other],
        missing,
        missing_rate: rows > 0 ? missing / rows : 0,
        distinct: perCode.size + (unknown > 0 ? 1 : 0),
    };
}
/**
 * Builds the drift baseline of a model from its training (or reference) data.
 * @param table the reference rows; must hold every model feature
 * @param model the model whose features and score are described
 * @param options bins, reservoir size, seed, kept categories, timestamp
 * @example const baseline = buildBaseline(table, model, { seed: 7 });
 */
export function buildBaseline(table, model, options = {}) {
    const bins = optionInt('bins', options.bins, DEFAULT_BASELINE_BINS, 2, MAX_BASELINE_BINS);
    const reservoirSize = optionInt('reservoirSize', options.reservoirSize, DEFAULT_RESERVOIR_SIZE, 0, MAX_RESERVOIR_SIZE);
    const maxCategories = optionInt('maxCategories', options.maxCategories, DEFAULT_MAX_CATEGORIES, 1, MAX_CATEGORIES_LIMIT);
    const seed = options.seed ?? DEFAULT_BASELINE_SEED;
    if (!Number.isSafeInteger(seed)) {
        throw new FraudlensError('INPUT_INVALID', `Baseline option seed must be an integer, got ${String(seed)}.`, { field: 'seed' });
    }
    const createdAt = options.createdAt === undefined ? new Date() : new Date(options.createdAt);
    if (Number.isNaN(createdAt.getTime())) {
        throw new FraudlensError('INPUT_INVALID', `Baseline option createdAt is not a valid date: ${String(options.createdAt)}.`, {
            field: 'createdAt',
        });
    }
    const rows = table.numRows;
    if (rows === 0)
        throw new FraudlensError('INPUT_EMPTY', 'A drift baseline needs at least one data row.', { file: table.source });
    const m = model.features.length;
    const x = encodeFeatures(table, model.features, 'missing');
    const rng = new DriftRandom(seed);
    const features = model.features.map((spec, j) => spec.type === 'numeric'
        ? numericBaseline(spec, x, j, m, rows, bins, reservoirSize, rng)
        : categoricalBaseline(table, spec, x, j, m, rows, maxCategories));
    const scores = new Predictor(model.ensemble).predictProba(x, rows);
    const s = summarise(scores, bins, reservoirSize, rng);
    return {
        format: BASELINE_FORMAT,
        format_version: BASELINE_FORMAT_VERSION,
        model_version: model.version,
        created_at: createdAt.toISOString(),
        rows,
        options: { bins, reservoir_size: reservoirSize, seed, max_categories: maxCategories },
        features,
        score: {
            edges: s.edges,
            counts: s.counts,
            mean: s.mean,
            std: s.std,
            min: s.min,
            max: s.max,
            distinct: s.distinct,
            sample: Array.from(s.sample),
        },
    };
}
/**
 * The baseline as file text: two-space JSON with every array of numbers on one line (a sample
 * of 1000 values one per line would make the file hard to read and diff), feature sample values
 * written as the shortest decimals of their float32 values.
 * @param baseline a baseline from buildBaseline or parseBaseline
 */
export function serializeBaseline(baseline) {
    // Feature samples hold float32 values; their shortest decimals read back (through fround in
    // parseBaseline) as the very same values.
    const compact = {
        ...baseline,
        features: baseline.features.map((f) => (f.type === 'numeric' ? { ...f, sample: f.sample.map(shortestFloat32) } : f)),
    };
    const text = JSON.stringify(compact, null, 2);
    // Only arrays whose content is numbers (and null) are folded; strings are left alone, since a
    // category name may contain brackets.
    return `${text.replace(/\[\s+([-+0-9.eE,\s]|null)+?\s*\]/g, (match) => `[${match
        .slice(1, -1)
        .trim()
        .split(/\s*,\s*/)
        .join(', ')}]`)}\n`;
}
//# sourceMappingURL=baseline.js.map