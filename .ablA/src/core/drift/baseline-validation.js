/**
 * The drift baseline read from untrusted JSON (a file beside the model, an upload to
 * PUT /drift/baseline, a re-baseline before it is saved): every field checked, a clean copy
 * returned, and every problem a BASELINE_INVALID error naming the field, so a hostile or stale
 * file can never reach the window stores. Also the check that a valid baseline describes the
 * model being served. The format itself is defined, and built, in baseline.ts.
 */
import { FraudlensError } from '../errors.js';
import { BASELINE_FORMAT, BASELINE_FORMAT_VERSION, MAX_BASELINE_BINS, MAX_CATEGORIES_LIMIT, MAX_RESERVOIR_SIZE, } from './baseline.js';
/** Tolerance when a stored rate is checked against the counts it summarises. */
const RATE_TOLERANCE = 1e-9;
function fail(field, message) {
    throw new FraudlensError('BASELINE_INVALID', `drift baseline field "${field}": ${message}`, { field });
}
function isObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function objectAt(v, field) {
    if (!isObject(v))
        fail(field, 'must be an object');
    return v;
}
function stringAt(v, field) {
    if (typeof v !== 'string' || v === '')
        fail(field, `must be a non-empty string, got ${JSON.stringify(v)}`);
    return v;
}
function countAt(v, field) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
        fail(field, `must be a non-negative integer, got ${JSON.stringify(v)}`);
    return v;
}
function finiteAt(v, field) {
    if (typeof v !== 'number' || !Number.isFinite(v))
        fail(field, `must be a finite number, got ${JSON.stringify(v)}`);
    return v;
}
function numbersAt(v, field, maxLength) {
    if (!Array.isArray(v))
        fail(field, 'must be an array of numbers');
    if (v.length > maxLength)
        fail(field, `has ${v.length} entries, at most ${maxLength} allowed`);
    for (let i = 0; i < v.length; i++)
        finiteAt(v[i], `${field}[${i}]`);
    return v;
}
function countsAt(v, field, length) {
    if (!Array.isArray(v))
        fail(field, 'must be an array of counts');
    if (v.length !== length)
        fail(field, `has ${v.length} entries, expected ${length}`);
    for (let i = 0; i < v.length; i++)
        countAt(v[i], `${field}[${i}]`);
    return v;
}
function edgesAt(v, field) {
    const edges = numbersAt(v, field, MAX_BASELINE_BINS);
    for (let i = 1; i < edges.length; i++) {
        if (!(edges[i] > edges[i - 1]))
            fail(`${field}[${i}]`, `edges must be strictly increasing (${edges[i - 1]} then ${edges[i]})`);
    }
    return edges;
}
function sum(values) {
    let s = 0;
    for (const v of values)
        s += v;
    return s;
}
function rateAt(v, field, missing, rows) {
    const rate = finiteAt(v, field);
    const expected = rows > 0 ? missing / rows : 0;
    if (Math.abs(rate - expected) > RATE_TOLERANCE)
        fail(field, `is ${rate} but ${missing} of ${rows} rows are missing (${expected})`);
    return rate;
}
/** mean, std, min, max: numbers when there are observations, null (or absent) otherwise. */
function statsAt(raw, where, observed) {
    const out = { mean: null, std: null, min: null, max: null };
    for (const key of ['mean', 'std', 'min', 'max']) {
        const v = raw[key];
        if (observed === 0) {
            if (v !== null && v !== undefined)
                fail(`${where}.${key}`, 'must be null when no value was observed');
            continue;
        }
        out[key] = finiteAt(v, `${where}.${key}`);
    }
    if (observed > 0) {
        if (out.std < 0)
            fail(`${where}.std`, `must not be negative, got ${out.std}`);
        if (out.min > out.max)
            fail(`${where}.min`, `min ${out.min} exceeds max ${out.max}`);
    }
    return out;
}
/** Bins, stats and sample shared by numeric features and the score. */
function binnedAt(raw, where, reservoirSize, float32Sample) {
    const edges = edgesAt(raw.edges, `${where}.edges`);
    const counts = countsAt(raw.counts, `${where}.counts`, edges.length + 1);
    const observed = sum(counts);
    const stats = statsAt(raw, where, observed);
    const distinct = countAt(raw.distinct, `${where}.distinct`);
    if (distinct > observed || (observed > 0 && distinct === 0))
        fail(`${where}.distinct`, `${distinct} distinct values is impossible with ${observed} observations`);
    const sampleRaw = numbersAt(raw.sample, `${where}.sample`, Math.min(reservoirSize, observed));
    // Feature values are float32 (what the model sees); the file keeps their shortest decimals.
    const sample = Float64Array.from(sampleRaw, float32Sample ? Math.fround : (v) => v);
    if (stats.min !== null && stats.max !== null) {
        for (let i = 0; i < sample.length; i++) {
            if (sample[i] < stats.min || sample[i] > stats.max)
                fail(`${where}.sample[${i}]`, `value ${sample[i]} lies outside [min, max] = [${stats.min}, ${stats.max}]`);
        }
    }
    return { edges, counts, ...stats, distinct, sample, observed };
}
function parseNumericFeature(f, where, name, rows, reservoirSize) {
    const b = binnedAt(f, where, reservoirSize, true);
    const missing = countAt(f.missing, `${where}.missing`);
    if (b.observed + missing !== rows)
        fail(`${where}.counts`, `counts (${b.observed}) plus missing (${missing}) must equal rows (${rows})`);
    return {
        name,
        type: 'numeric',
        edges: b.edges,
        counts: b.counts,
        missing,
        missing_rate: rateAt(f.missing_rate, `${where}.missing_rate`, missing, rows),
        mean: b.mean,
        std: b.std,
        min: b.min,
        max: b.max,
        distinct: b.distinct,
        sample: Array.from(b.sample),
    };
}
function parseCategoricalFeature(f, where, name, rows, maxCategories) {
    const encoding = f.encoding;
    if (encoding !== 'names' && encoding !== 'codes')
        fail(`${where}.encoding`, `must be "names" or "codes", got ${JSON.stringify(encoding)}`);
    if (!Array.isArray(f.categories))
        fail(`${where}.categories`, 'must be an array of strings');
    if (f.categories.length > maxCategories)
        fail(`${where}.categories`, `has ${f.categories.length} entries, more than options.max_categories (${maxCategories})`);
    const categories = f.categories.map((c, i) => {
        if (typeof c !== 'string')
            fail(`${where}.categories[${i}]`, `must be a string, got ${JSON.stringify(c)}`);
        return c;
    });
    if (new Set(categories).size !== categories.length)
        fail(`${where}.categories`, 'lists a category twice');
    const codes = numbersAt(f.codes, `${where}.codes`, MAX_CATEGORIES_LIMIT);
    if (codes.length !== categories.length)
        fail(`${where}.codes`, `has ${codes.length} entries, expected one per category (${categories.length})`);
    codes.forEach((c, i) => {
        if (!Number.isSafeInteger(c) || c < 0)
            fail(`${where}.codes[${i}]`, `must be a non-negative integer, got ${c}`);
        if (encoding === 'codes' && categories[i] !== String(c))
            fail(`${where}.categories[${i}]`, `a code-encoded category is labelled by its code (${c}), got "${categories[i]}"`);
    });
    if (new Set(codes).size !== codes.length)
        fail(`${where}.codes`, 'lists a code twice');
    const counts = countsAt(f.counts, `${where}.counts`, categories.length + 1);
    const missing = countAt(f.missing, `${where}.missing`);
    if (sum(counts) + missing !== rows)
        fail(`${where}.counts`, `counts (${sum(counts)}) plus missing (${missing}) must equal rows (${rows})`);
    return {
        name,
        type: 'categorical',
        encoding,
        categories,
        codes,
        counts,
        missing,
        missing_rate: rateAt(f.missing_rate, `${where}.missing_rate`, missing, rows),
        distinct: countAt(f.distinct, `${where}.distinct`),
    };
}
/**
 * Validates a parsed baseline (any JSON value) and returns a clean copy. Every problem is a
 * BASELINE_INVALID error naming the field. With a model, also checks that the baseline fits it.
 * @param raw the parsed JSON
 * @param model when given, the model the baseline must describe
 */
export function baselineFromJson(raw, model) {
    const root = objectAt(raw, '(root)');
    if (root.format !== BASELINE_FORMAT)
        fail('format', `expected "${BASELINE_FORMAT}", got ${JSON.stringify(root.format)}`);
    if (root.format_version !== BASELINE_FORMAT_VERSION) {
        fail('format_version', `version ${JSON.stringify(root.format_version)} is not supported (this fraudlens reads version ${BASELINE_FORMAT_VERSION}); rebuild it with "fraudlens baseline"`);
    }
    const modelVersion = stringAt(root.model_version, 'model_version');
    const createdAt = stringAt(root.created_at, 'created_at');
    if (Number.isNaN(Date.parse(createdAt)))
        fail('created_at', `must be an ISO 8601 date, got ${JSON.stringify(createdAt)}`);
    const rows = countAt(root.rows, 'rows');
    const opts = objectAt(root.options, 'options');
    const bins = countAt(opts.bins, 'options.bins');
    if (bins < 2 || bins > MAX_BASELINE_BINS)
        fail('options.bins', `must be from 2 to ${MAX_BASELINE_BINS}, got ${bins}`);
    const reservoirSize = countAt(opts.reservoir_size, 'options.reservoir_size');
    if (reservoirSize > MAX_RESERVOIR_SIZE)
        fail('options.reservoir_size', `must be at most ${MAX_RESERVOIR_SIZE}, got ${reservoirSize}`);
    const seed = finiteAt(opts.seed, 'options.seed');
    if (!Number.isSafeInteger(seed))
        fail('options.seed', `must be an integer, got ${seed}`);
    const maxCategories = countAt(opts.max_categories, 'options.max_categories');
    if (maxCategories < 1 || maxCategories > MAX_CATEGORIES_LIMIT)
        fail('options.max_categories', `must be from 1 to ${MAX_CATEGORIES_LIMIT}, got ${maxCategories}`);
    if (!Array.isArray(root.features) || root.features.length === 0)
        fail('features', 'must be a non-empty array');
    const seen = new Set();
    const features = root.features.map((value, i) => {
        const where = `features[${i}]`;
        const f = objectAt(value, where);
        const name = stringAt(f.name, `${where}.name`);
        if (seen.has(name))
            fail(`${where}.name`, `duplicate feature name "${name}"`);
        seen.add(name);
        if (f.type === 'numeric')
            return parseNumericFeature(f, where, name, rows, reservoirSize);
        if (f.type === 'categorical')
            return parseCategoricalFeature(f, where, name, rows, maxCategories);
        return fail(`${where}.type`, `must be "numeric" or "categorical", got ${JSON.stringify(f.type)}`);
    });
    const scoreRaw = objectAt(root.score, 'score');
    const s = binnedAt(scoreRaw, 'score', reservoirSize, false);
    if (s.observed !== rows)
        fail('score.counts', `score counts (${s.observed}) must equal rows (${rows})`);
    if ((s.min !== null && s.min < 0) || (s.max !== null && s.max > 1))
        fail('score', `scores are probabilities in [0, 1], got min ${s.min} and max ${s.max}`);
    const baseline = {
        format: BASELINE_FORMAT,
        format_version: BASELINE_FORMAT_VERSION,
        model_version: modelVersion,
        created_at: createdAt,
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
    if (model !== undefined)
        checkBaselineFitsModel(baseline, model);
    return baseline;
}
/**
 * Parses and validates the text of a drift baseline file.
 * @param text the file's content
 * @param model when given, the model the baseline must describe (same version, features, categories)
 * @example const baseline = parseBaseline(await readFile(path, 'utf8'), model);
 */
export function parseBaseline(text, model) {
    let raw;
    try {
        raw = JSON.parse(text);
    }
    catch (e) {
        throw new FraudlensError('BASELINE_INVALID', `drift baseline is not valid JSON (${e.message})`, {
            field: '(root)',
        });
    }
    return baselineFromJson(raw, model);
}
/**
 * Checks that a baseline describes this model: same version (the score distribution belongs to
 * one model), same features in the same order and of the same types, and categories that exist
 * in the model under the same codes. Throws BASELINE_INVALID naming the first mismatch.
 * @param baseline a validated baseline
 * @param model the model being served
 */
export function checkBaselineFitsModel(baseline, model) {
    if (baseline.model_version !== model.version) {
        fail('model_version', `the baseline was built for model "${baseline.model_version}" but the model is "${model.version}"; rebuild it with "fraudlens baseline"`);
    }
    if (baseline.features.length !== model.features.length) {
        fail('features', `the baseline has ${baseline.features.length} features but the model has ${model.features.length}`);
    }
    baseline.features.forEach((f, i) => {
        const spec = model.features[i];
        const where = `features[${i}]`;
        if (f.name !== spec.name)
            fail(`${where}.name`, `is "${f.name}" but the model's feature ${i} is "${spec.name}"`);
        if (f.type !== spec.type)
            fail(`${where}.type`, `is ${f.type} but the model's feature "${spec.name}" is ${spec.type}`);
        if (f.type !== 'categorical')
            return;
        const encoding = spec.encoding ?? 'names';
        if (f.encoding !== encoding)
            fail(`${where}.encoding`, `is "${f.encoding}" but the model encodes "${spec.name}" as ${encoding}`);
        if (encoding !== 'names')
            return;
        const known = spec.categories ?? [];
        f.categories.forEach((c, k) => {
            const code = known.indexOf(c);
            if (code < 0)
                fail(`${where}.categories[${k}]`, `category "${c}" is unknown to the model`);
            if (f.codes[k] !== code)
                fail(`${where}.codes[${k}]`, `category "${c}" has code ${code} in the model, not ${f.codes[k]}`);
        });
    });
}
//# sourceMappingURL=baseline-validation.js.map