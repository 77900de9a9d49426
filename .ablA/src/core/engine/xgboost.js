/**
 * Import of XGBoost JSON models (`Booster.save_model("*.json")`, XGBoost 1.x–3.x, gbtree,
 * binary:logistic) into the fraudlens model. Every model number is rounded to float32 as XGBoost
 * holds it, so imported models route and score exactly like XGBoost. Categorical features take
 * XGBoost's integer codes, or names when the caller gives each code's name (the model file of
 * XGBoost before 3.1 keeps none).
 */
import { FraudlensError } from '../errors.js';
import { buildEnsemble } from './ensemble.js';
import { DEFAULT_THRESHOLDS } from './model.js';
function unsupported(message, field) {
    throw new FraudlensError('MODEL_UNSUPPORTED', message, { field });
}
function invalid(message, field) {
    throw new FraudlensError('MODEL_INVALID', `${field}: ${message}`, { field });
}
/**
 * XGBoost writes non-finite floats as bare NaN / Infinity tokens, which JSON.parse rejects.
 * Rewrites them to null outside of strings (categorical split nodes carry NaN conditions).
 */
export function parseXgboostJsonText(text) {
    if (!/NaN|Infinity/.test(text))
        return parseOrFail(text);
    let out = '';
    let last = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const ch = text.charCodeAt(i);
        if (inString) {
            if (ch === 92 /* \ */)
                i++;
            else if (ch === 34 /* " */)
                inString = false;
            continue;
        }
        if (ch === 34) {
            inString = true;
            continue;
        }
        let len = 0;
        if (ch === 78 /* N */ && text.startsWith('NaN', i))
            len = 3;
        else if (ch === 73 /* I */ && text.startsWith('Infinity', i))
            len = 8;
        else if (ch === 45 /* - */ && text.startsWith('-Infinity', i))
            len = 9;
        if (len > 0) {
            out += text.slice(last, i) + 'null';
            i += len - 1;
            last = i + 1;
        }
    }
    return parseOrFail(out + text.slice(last));
}
function parseOrFail(text) {
    try {
        return JSON.parse(text);
    }
    catch (e) {
        throw new FraudlensError('MODEL_INVALID', `not valid JSON (${e.message})`);
    }
}
/** True when a parsed JSON document looks like an XGBoost model rather than a fraudlens one. */
export function isXgboostModelJson(raw) {
    return typeof raw === 'object' && raw !== null && 'learner' in raw;
}
/** base_score is "5E-1" in XGBoost 1.x and "[5E-1]" in later versions (one per target). */
export function parseBaseScore(v) {
    let s = v;
    if (typeof s === 'string' && s.trim().startsWith('[')) {
        const inner = s
            .trim()
            .slice(1, -1)
            .split(',')
            .map((x) => x.trim())
            .filter((x) => x !== '');
        if (inner.length !== 1)
            unsupported(`base_score ${JSON.stringify(v)} has ${inner.length} values; only single-target models are supported`, 'learner.learner_model_param.base_score');
        s = inner[0];
    }
    const x = typeof s === 'number' ? s : typeof s === 'string' ? Number(s) : NaN;
    if (!(x > 0 && x < 1))
        invalid(`must be a probability strictly between 0 and 1 for binary:logistic, got ${JSON.stringify(v)}`, 'learner.learner_model_param.base_score');
    return Math.fround(x);
}
function obj(v, field) {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
        invalid('must be an object', field);
    return v;
}
function arr(v, field, n) {
    if (!Array.isArray(v))
        invalid('must be an array', field);
    if (n !== undefined && v.length !== n)
        invalid(`has ${v.length} entries, expected ${n}`, field);
    return v;
}
function ints(v, field, n) {
    const a = arr(v, field, n);
    for (let i = 0; i < a.length; i++)
        if (!Number.isInteger(a[i]))
            invalid(`entry ${i} is not an integer`, field);
    return a;
}
/** Numbers rounded to float32; null (a NaN in the file) allowed only where `nullable`. */
function floats32(v, field, n, nullable) {
    const a = arr(v, field, n);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
        const x = a[i];
        if (typeof x === 'number' && Number.isFinite(x))
            out[i] = x;
        else if (x === null && nullable(i))
            out[i] = 0;
        else
            invalid(`entry ${i} is not a finite number (${JSON.stringify(x)})`, field);
    }
    return out;
}
function badCategories(message, feature) {
    throw new FraudlensError('INPUT_INVALID', message, { field: feature === undefined ? 'categories' : `categories.${feature}` });
}
/**
 * Checks the category names given for an import: each entry names a categorical feature of the
 * model and lists distinct names (strings, or numbers written as text), at least one per code
 * the model's splits use, since a split on a code without a name could never be reached.
 */
function checkCategoryNames(given, names, isCategorical, maxCode) {
    const out = new Map();
    if (typeof given !== 'object' || given === null || Array.isArray(given))
        badCategories('the category names must be an object: feature name → list of names in code order');
    for (const [feature, list] of Object.entries(given)) {
        const j = names.indexOf(feature);
        if (j < 0)
            badCategories(`"${feature}" is not a feature of the model (it has ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''})`, feature);
        if (!isCategorical(j))
            badCategories(`"${feature}" is a numeric feature of the model; only categorical features take names`, feature);
        if (!Array.isArray(list) || list.length === 0)
            badCategories(`"${feature}" needs a non-empty list of category names`, feature);
        const text = list.map((v, k) => {
            if (typeof v === 'string' && v !== '')
                return v;
            if (typeof v === 'number' && Number.isFinite(v))
                return String(v);
            return badCategories(`"${feature}"[${k}] must be a category name (non-empty text or a number), got ${JSON.stringify(v)}`, feature);
        });
        const seen = new Set();
        for (const v of text) {
            if (seen.has(v))
                badCategories(`"${feature}" lists "${v}" twice`, feature);
            seen.add(v);
        }
        if (maxCode[j] >= text.length) {
            badCategories(`"${feature}" lists ${text.length} names but the model's splits use code ${maxCode[j]}: the names do not belong to this model (export them from the data it was trained on)`, feature);
        }
        out.set(feature, text);
    }
    return out;
}
/**
 * Converts a parsed XGBoost JSON model.
 * @example const model = importXgboost(parseXgboostJsonText(text), { featureNames: ['amt', 'hour'] });
 */
export function importXgboost(raw, options = {}) {
    const root = obj(raw, '(root)');
    const learner = obj(root.learner, 'learner');
    const objective = obj(learner.objective, 'learner.objective');
    if (objective.name !== 'binary:logistic')
        unsupported(`objective ${JSON.stringify(objective.name)} is not supported (only binary:logistic)`, 'learner.objective.name');
    const booster = obj(learner.gradient_booster, 'learner.gradient_booster');
    if (booster.name !== 'gbtree')
        unsupported(`booster ${JSON.stringify(booster.name)} is not supported (only gbtree)`, 'learner.gradient_booster.name');
    const params = obj(learner.learner_model_param, 'learner.learner_model_param');
    const numClass = Number(params.num_class ?? '0');
    if (numClass > 1)
        unsupported(`num_class ${numClass}: multi-class models are not supported`, 'learner.learner_model_param.num_class');
    const numTarget = Number(params.num_target ?? '1');
    if (numTarget > 1)
        unsupported(`num_target ${numTarget}: multi-target models are not supported`, 'learner.learner_model_param.num_target');
    const numFeature = Number(params.num_feature);
    if (!Number.isInteger(numFeature) || numFeature < 1)
        invalid(`must be a positive integer, got ${JSON.stringify(params.num_feature)}`, 'learner.learner_model_param.num_feature');
    const baseScore = parseBaseScore(params.base_score);
    const baseMargin = -Math.log(1 / baseScore - 1);
    const modelNames = Array.isArray(learner.feature_names) ? learner.feature_names : [];
    let names;
    if (options.featureNames) {
        if (options.featureNames.length !== numFeature) {
            throw new FraudlensError('INPUT_INVALID', `--feature-names gives ${options.featureNames.length} names but the model has ${numFeature} features`, { field: 'feature-names' });
        }
        names = [...options.featureNames];
    }
    else if (modelNames.length === numFeature && modelNames.every((n) => typeof n === 'string')) {
        names = modelNames;
    }
    else {
        names = Array.from({ length: numFeature }, (_, i) => `f${i}`);
    }
    if (new Set(names).size !== names.length)
        throw new FraudlensError('INPUT_INVALID', 'feature names must be unique', { field: 'feature-names' });
    const types = Array.isArray(learner.feature_types) ? learner.feature_types : [];
    const model = obj(booster.model, 'learner.gradient_booster.model');
    const treesJson = arr(model.trees, 'learner.gradient_booster.model.trees');
    if (treesJson.length === 0)
        invalid('the model has no trees', 'learner.gradient_booster.model.trees');
    const treeInfo = Array.isArray(model.tree_info) ? model.tree_info : [];
    if (treeInfo.some((g) => g !== 0))
        unsupported('trees for more than one output group', 'learner.gradient_booster.model.tree_info');
    const maxCode = new Int32Array(numFeature).fill(-1);
    const categoricalSplitOn = new Uint8Array(numFeature);
    const trees = treesJson.map((tj, ti) => {
        const where = `trees[${ti}]`;
        const t = obj(tj, where);
        const left = ints(t.left_children, `${where}.left_children`);
        const n = left.length;
        const right = ints(t.right_children, `${where}.right_children`, n);
        const feature = ints(t.split_indices, `${where}.split_indices`, n);
        const defaultLeft = ints(t.default_left, `${where}.default_left`, n);
        const splitType = t.split_type === undefined ? new Array(n).fill(0) : ints(t.split_type, `${where}.split_type`, n);
        const threshold = floats32(t.split_conditions, `${where}.split_conditions`, n, (i) => splitType[i] === 1);
        const cover = floats32(t.sum_hessian, `${where}.sum_hessian`, n, () => false);
        const value = new Float32Array(n);
        for (let i = 0; i < n; i++) {
            const isLeaf = left[i] === -1;
            if (isLeaf) {
                value[i] = threshold[i];
                continue;
            }
            if (left[i] < 0 || left[i] >= n || right[i] < 0 || right[i] >= n)
                invalid(`node ${i} has a child outside the tree`, where);
            if (feature[i] < 0 || feature[i] >= numFeature)
                invalid(`node ${i} splits on feature ${feature[i]} of ${numFeature}`, `${where}.split_indices`);
        }
        const nodes = { feature, threshold, left, right, defaultLeft, value, cover };
        const catNodes = t.categories_nodes === undefined ? [] : ints(t.categories_nodes, `${where}.categories_nodes`);
        if (catNodes.length > 0) {
            const segments = ints(t.categories_segments, `${where}.categories_segments`, catNodes.length);
            const sizes = ints(t.categories_sizes, `${where}.categories_sizes`, catNodes.length);
            const cats = ints(t.categories, `${where}.categories`);
            const map = new Map();
            catNodes.forEach((node, k) => {
                if (splitType[node] !== 1)
                    invalid(`node ${node} lists categories but is not a categorical split`, `${where}.categories_nodes`);
                const seg = segments[k];
                const size = sizes[k];
                if (seg < 0 || size < 0 || seg + size > cats.length)
                    invalid(`node ${node}: category segment outside the list`, `${where}.categories_segments`);
                const codes = cats.slice(seg, seg + size);
                const f = feature[node];
                categoricalSplitOn[f] = 1;
                for (const c of codes)
                    if (c > maxCode[f])
                        maxCode[f] = c;
                map.set(node, codes);
            });
            nodes.categories = map;
        }
        for (let i = 0; i < n; i++) {
            if (splitType[i] === 1 && left[i] !== -1 && !nodes.categories?.has(i))
                invalid(`node ${i} is a categorical split without categories`, `${where}.categories_nodes`);
        }
        return nodes;
    });
    const isCategorical = (j) => types[j] === 'c' || categoricalSplitOn[j] === 1;
    const givenNames = checkCategoryNames(options.categories ?? {}, names, isCategorical, maxCode);
    const features = names.map((name, j) => {
        if (isCategorical(j)) {
            const known = givenNames.get(name);
            if (known !== undefined)
                return { name, type: 'categorical', categories: known };
            // Without names the input is the integer code XGBoost was trained on.
            const count = maxCode[j] + 1;
            return { name, type: 'categorical', encoding: 'codes', categories: Array.from({ length: count }, (_, k) => String(k)) };
        }
        return { name, type: 'numeric' };
    });
    const ensemble = buildEnsemble(numFeature, baseMargin, trees);
    const version = options.version ?? `xgboost-${treesJson.length}t`;
    const rawVersion = Array.isArray(root.version) ? root.version.join('.') : undefined;
    return {
        version,
        objective: 'binary:logistic',
        features,
        ensemble,
        thresholds: { ...DEFAULT_THRESHOLDS },
        training: {
            source: 'xgboost import',
            createdAt: new Date().toISOString(),
            ...(options.sourcePath !== undefined ? { data: { path: options.sourcePath } } : {}),
            parameters: { base_score: baseScore, xgboost_version: rawVersion ?? 'unknown', trees: treesJson.length },
        },
    };
}
//# sourceMappingURL=xgboost.js.map