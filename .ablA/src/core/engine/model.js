/**
 * The fraudlens model: an ensemble plus everything needed to serve and explain it (feature
 * schema, thresholds, training metadata), and its versioned JSON file format. Parsing validates
 * every field and fails with MODEL_INVALID naming the field; it does no I/O (the CLI and server
 * read the file and hand the text here).
 */
import { FraudlensError } from '../errors.js';
import { buildEnsemble, nodeCategories } from './ensemble.js';
import { definitionsHash, featureNames, validateDefinitions } from '../features/definitions.js';
export const MODEL_FORMAT = 'fraudlens-model';
export const MODEL_FORMAT_VERSION = 1;
export const DEFAULT_THRESHOLDS = {
    review: 0.5,
    decline: 0.8,
    rule: 'default cut-offs (no validation data)',
};
export function decide(score, t) {
    if (score >= t.decline)
        return 'decline';
    if (score >= t.review)
        return 'review';
    return 'approve';
}
export function modelToJson(model) {
    const e = model.ensemble;
    const trees = [];
    for (let t = 0; t < e.numTrees; t++) {
        const lo = e.treeStart[t];
        const hi = e.treeStart[t + 1];
        const tree = { feature: [], threshold: [], left: [], right: [], default_left: [], value: [], cover: [] };
        const cats = [];
        for (let g = lo; g < hi; g++) {
            const leaf = e.feature[g] < 0;
            tree.feature.push(e.feature[g]);
            tree.threshold.push(leaf ? 0 : e.threshold[g]);
            tree.left.push(leaf ? -1 : e.left[g] - lo);
            tree.right.push(leaf ? -1 : e.right[g] - lo);
            tree.default_left.push(e.defaultLeft[g]);
            tree.value.push(e.value[g]);
            tree.cover.push(e.cover[g]);
            if (e.catStart[g] >= 0)
                cats.push([g - lo, nodeCategories(e, g)]);
        }
        if (cats.length > 0)
            tree.categories = cats;
        trees.push(tree);
    }
    return {
        format: MODEL_FORMAT,
        format_version: MODEL_FORMAT_VERSION,
        version: model.version,
        objective: model.objective,
        base_margin: e.baseMargin,
        features: model.features,
        thresholds: model.thresholds,
        training: model.training,
        ...(model.featureDefinitions
            ? { feature_definitions: { hash: model.featureDefinitions.hash, definitions: model.featureDefinitions.definitions } }
            : {}),
        trees,
    };
}
/** Serialises a model; float32 values print exactly (shortest text that parses back to them). */
export function serializeModel(model) {
    return JSON.stringify(modelToJson(model));
}
function fail(field, message) {
    throw new FraudlensError('MODEL_INVALID', `${field}: ${message}`, { field });
}
function isObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function numberArray(v, field, integer) {
    if (!Array.isArray(v))
        fail(field, 'must be an array of numbers');
    for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (typeof x !== 'number' || !Number.isFinite(x) || (integer && !Number.isInteger(x)))
            fail(`${field}[${i}]`, `must be a finite ${integer ? 'integer' : 'number'}, got ${JSON.stringify(x)}`);
    }
    return v;
}
function parseFeatures(v) {
    if (!Array.isArray(v) || v.length === 0)
        fail('features', 'must be a non-empty array');
    const seen = new Set();
    return v.map((f, i) => {
        const where = `features[${i}]`;
        if (!isObject(f))
            fail(where, 'must be an object');
        if (typeof f.name !== 'string' || f.name === '')
            fail(`${where}.name`, 'must be a non-empty string');
        if (seen.has(f.name))
            fail(`${where}.name`, `duplicate feature name "${f.name}"`);
        seen.add(f.name);
        if (f.type !== 'numeric' && f.type !== 'categorical')
            fail(`${where}.type`, `must be "numeric" or "categorical", got ${JSON.stringify(f.type)}`);
        if (f.type === 'categorical') {
            if (!Array.isArray(f.categories) || f.categories.some((c) => typeof c !== 'string'))
                fail(`${where}.categories`, 'a categorical feature needs an array of category names');
        }
        if (f.stats !== undefined && !isObject(f.stats))
            fail(`${where}.stats`, 'must be an object');
        return f;
    });
}
function parseThresholds(v) {
    if (!isObject(v))
        fail('thresholds', 'must be an object with review and decline');
    const { review, decline } = v;
    if (typeof review !== 'number' || !(review >= 0 && review <= 1))
        fail('thresholds.review', `must be a probability in [0, 1], got ${JSON.stringify(review)}`);
    if (typeof decline !== 'number' || !(decline >= 0 && decline <= 1))
        fail('thresholds.decline', `must be a probability in [0, 1], got ${JSON.stringify(decline)}`);
    if (review > decline)
        fail('thresholds', `review (${review}) must not exceed decline (${decline})`);
    return { review, decline, ...(typeof v.rule === 'string' ? { rule: v.rule } : {}) };
}
/** Parses and validates a fraudlens model file's text. */
export function parseModel(text) {
    let raw;
    try {
        raw = JSON.parse(text);
    }
    catch (e) {
        throw new FraudlensError('MODEL_INVALID', `not valid JSON (${e.message})`);
    }
    return modelFromJson(raw);
}
export function modelFromJson(raw) {
    if (!isObject(raw))
        fail('(root)', 'must be a JSON object');
    if (raw.format !== MODEL_FORMAT)
        fail('format', `expected "${MODEL_FORMAT}", got ${JSON.stringify(raw.format)}`);
    if (raw.format_version !== MODEL_FORMAT_VERSION) {
        throw new FraudlensError('MODEL_UNSUPPORTED', `format_version ${JSON.stringify(raw.format_version)} is not supported (this fraudlens reads version ${MODEL_FORMAT_VERSION})`, { field: 'format_version' });
    }
    if (raw.objective !== 'binary:logistic') {
        throw new FraudlensError('MODEL_UNSUPPORTED', `objective ${JSON.stringify(raw.objective)} is not supported (only binary:logistic)`, { field: 'objective' });
    }
    if (typeof raw.version !== 'string' || raw.version === '')
        fail('version', 'must be a non-empty string');
    if (typeof raw.base_margin !== 'number' || !Number.isFinite(raw.base_margin))
        fail('base_margin', 'must be a finite number');
    const features = parseFeatures(raw.features);
    const thresholds = parseThresholds(raw.thresholds);
    if (!isObject(raw.training))
        fail('training', 'must be an object');
    if (!Array.isArray(raw.trees) || raw.trees.length === 0)
        fail('trees', 'must be a non-empty array');
    const trees = raw.trees.map((t, ti) => {
        const where = `trees[${ti}]`;
        if (!isObject(t))
            fail(where, 'must be an object');
        const nodes = {
            feature: numberArray(t.feature, `${where}.feature`, true),
            threshold: numberArray(t.threshold, `${where}.threshold`, false),
            left: numberArray(t.left, `${where}.left`, true),
            right: numberArray(t.right, `${where}.right`, true),
            defaultLeft: numberArray(t.default_left, `${where}.default_left`, true),
            value: numberArray(t.value, `${where}.value`, false),
            cover: numberArray(t.cover, `${where}.cover`, false),
        };
        if (t.categories !== undefined) {
            if (!Array.isArray(t.categories))
                fail(`${where}.categories`, 'must be an array of [node, codes] pairs');
            const map = new Map();
            t.categories.forEach((pair, k) => {
                if (!Array.isArray(pair) || pair.length !== 2 || !Number.isInteger(pair[0]))
                    fail(`${where}.categories[${k}]`, 'must be a [node, codes] pair');
                map.set(pair[0], numberArray(pair[1], `${where}.categories[${k}][1]`, true));
            });
            nodes.categories = map;
        }
        return nodes;
    });
    let ensemble;
    try {
        ensemble = buildEnsemble(features.length, raw.base_margin, trees);
    }
    catch (e) {
        if (e instanceof FraudlensError)
            throw new FraudlensError('MODEL_INVALID', `trees: ${e.message}`, { field: 'trees' });
        throw e;
    }
    checkSplitsMatchSchema(ensemble, features);
    const featureDefinitions = raw.feature_definitions === undefined ? undefined : parseFeatureDefinitions(raw.feature_definitions, features);
    return {
        version: raw.version,
        objective: 'binary:logistic',
        features,
        ensemble,
        thresholds,
        training: raw.training,
        ...(featureDefinitions ? { featureDefinitions } : {}),
    };
}
/**
 * A model's `feature_definitions`: valid definitions whose hash matches, deriving every model
 * feature (a model feature that no definition derives could never be computed from raw events).
 */
export function parseFeatureDefinitions(v, features) {
    if (!isObject(v))
        fail('feature_definitions', 'must be an object with hash and definitions');
    let definitions;
    try {
        definitions = validateDefinitions(v.definitions);
    }
    catch (e) {
        if (e instanceof FraudlensError)
            fail('feature_definitions.definitions', e.message);
        throw e;
    }
    const hash = definitionsHash(definitions);
    if (v.hash !== hash)
        fail('feature_definitions.hash', `${JSON.stringify(v.hash)} is not the hash of the definitions (${hash}); the file was edited by hand`);
    const derived = new Set(featureNames(definitions));
    const underived = features.filter((f) => !derived.has(f.name)).map((f) => f.name);
    if (underived.length > 0)
        fail('feature_definitions', `the definitions derive no feature named ${underived.join(', ')}`);
    return { hash, definitions };
}
/** A categorical split on a numeric feature (or the reverse) would silently misroute. */
export function checkSplitsMatchSchema(e, features) {
    for (let g = 0; g < e.numNodes; g++) {
        const f = e.feature[g];
        if (f < 0)
            continue;
        const categorical = e.catStart[g] >= 0;
        if (categorical !== (features[f].type === 'categorical')) {
            fail('trees', `node ${g} makes a ${categorical ? 'categorical' : 'numeric'} split on ${features[f].type} feature "${features[f].name}"`);
        }
    }
}
//# sourceMappingURL=model.js.map