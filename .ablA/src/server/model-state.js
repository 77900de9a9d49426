/**
 * The model as the server holds it: compiled once per load (predictor, explainer tables, request
 * validators, feature→index map, scratch row), and a holder whose `current` is swapped in one
 * assignment on reload. A request reads `current` once and uses that snapshot to the end, so a
 * reload in the middle of a batch never mixes two models.
 */
import { once } from 'node:events';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { Ajv } from 'ajv';
import { TreeEnsemble } from '../core/engine/ensemble.js';
import { Predictor } from '../core/engine/predict.js';
import { FraudlensError } from '../core/errors.js';
import { TreeExplainer } from '../core/explanation/treeshap.js';
import { batchSchema, transactionSchema, validationError } from './schemas.js';
const MODEL_WORKER = new URL('./model-worker.js', import.meta.url);
/**
 * Loads a model for serving with the heavy part off the event loop: a worker thread reads,
 * parses and validates the file and builds the SHAP tables (the bulk of the time: 40-175 ms
 * blocked per reload when done here); this thread re-checks the transferred arrays, lays out the
 * predictor (linear) and compiles the request validators (or reuses those of `previous` when the
 * request schema is unchanged), yielding between the steps.
 */
export async function loadServingModel(path, options, previous) {
    const request = { path, featureNames: options.featureNames ?? [] };
    const worker = new Worker(MODEL_WORKER, { workerData: request });
    let reply;
    try {
        const [message] = (await Promise.race([
            once(worker, 'message'),
            once(worker, 'error').then(([err]) => Promise.reject(err)),
        ]));
        reply = message;
    }
    finally {
        void worker.terminate();
    }
    if (!reply.ok) {
        if (reply.code !== undefined)
            throw new FraudlensError(reply.code, reply.message, reply.location);
        throw new Error(`model worker failed: ${reply.message}`);
    }
    // Structured cloning keeps the arrays but not the class: rebuild it (its constructor re-checks them).
    const ensemble = new TreeEnsemble(reply.loaded.model.ensemble);
    const loaded = { ...reply.loaded, model: { ...reply.loaded.model, ensemble } };
    await yieldToEventLoop();
    const predictor = new Predictor(ensemble);
    const explainer = reply.tables !== null ? new TreeExplainer(ensemble, predictor, { tables: reply.tables }) : null;
    await yieldToEventLoop();
    return new ServingModel(loaded, options, { predictor, explainer, explainerError: reply.explainerError, previous });
}
const KIND_NUMERIC = 0;
const KIND_CODES = 1;
const KIND_NAMES = 2;
export class ServingModel {
    model;
    path;
    sha256;
    loadedAt;
    predictor;
    /** Null when the model's trees are beyond what the SHAP tables support (see explainerError). */
    explainer;
    explainerError;
    features;
    names;
    featureSet;
    /** Feature name → column of the row. */
    index;
    rowSchema;
    batchLimit;
    /** Scratch row reused by every request (filled and consumed synchronously). */
    row;
    /** Scratch SHAP output (numFeatures + 1). */
    contribs;
    /** Whether category names the model does not know are scored (as missing) rather than refused. */
    acceptsUnknownCategories;
    /**
     * Features of the row last filled by toRow that held a category name the model does not know:
     * the first `unknownCount` entries (scratch, like `row`).
     */
    unknownFeatures;
    unknownCount = 0;
    kinds;
    /** Features whose name an object inherits (toString, constructor…): read as own properties only. */
    inherited;
    categoryCodes;
    validateRow;
    validateBatch;
    /**
     * @param prebuilt predictor and explainer already built for `loaded` (loadServingModel); built here when absent
     */
    constructor(loaded, options, prebuilt) {
        this.model = loaded.model;
        this.path = loaded.path;
        this.sha256 = loaded.sha256;
        this.loadedAt = new Date().toISOString();
        this.features = loaded.model.features;
        this.names = this.features.map((f) => f.name);
        this.featureSet = new Set(this.names);
        this.index = new Map(this.names.map((n, i) => [n, i]));
        this.batchLimit = options.batchLimit;
        this.predictor = prebuilt?.predictor ?? new Predictor(loaded.model.ensemble);
        let explainer = prebuilt?.explainer ?? null;
        let explainerError = prebuilt?.explainerError ?? null;
        if (prebuilt === undefined) {
            try {
                explainer = new TreeExplainer(loaded.model.ensemble, this.predictor);
            }
            catch (e) {
                if (!(e instanceof FraudlensError))
                    throw e;
                explainerError = e.message;
            }
        }
        this.explainer = explainer;
        this.explainerError = explainerError;
        const m = this.features.length;
        this.row = new Float64Array(m);
        this.contribs = new Float64Array(m + 1);
        this.acceptsUnknownCategories = options.unknownCategories !== 'reject';
        this.unknownFeatures = new Int32Array(m);
        this.kinds = new Uint8Array(m);
        this.inherited = Uint8Array.from(this.names, (n) => (n in Object.prototype ? 1 : 0));
        this.categoryCodes = this.features.map((f, j) => {
            if (f.type === 'numeric') {
                this.kinds[j] = KIND_NUMERIC;
                return null;
            }
            if (f.encoding === 'codes') {
                this.kinds[j] = KIND_CODES;
                return null;
            }
            this.kinds[j] = KIND_NAMES;
            return new Map((f.categories ?? []).map((c, k) => [c, k]));
        });
        const rowSchema = transactionSchema(this.features, options.requireAllFeatures, this.acceptsUnknownCategories);
        const same = prebuilt?.previous;
        if (same !== undefined &&
            same.batchLimit === options.batchLimit &&
            JSON.stringify(same.rowSchema) === JSON.stringify(rowSchema)) {
            // A reload with the same request schema (a retrained model, the usual case) keeps the compiled
            // validators: compiling them is the longest step left on the event loop.
            this.rowSchema = same.rowSchema;
            this.validateRow = same.validateRow;
            this.validateBatch = same.validateBatch;
        }
        else {
            this.rowSchema = rowSchema;
            // One ajv per model so a reload does not grow a shared schema cache. No coercion, no
            // defaults, no removal: the body is checked exactly as sent; own properties only, so a
            // feature named like an Object method is not "present" in every body.
            const ajv = new Ajv({
                allErrors: false,
                strict: true,
                coerceTypes: false,
                useDefaults: false,
                removeAdditional: false,
                ownProperties: true,
            });
            this.validateRow = ajv.compile(this.rowSchema);
            this.validateBatch = ajv.compile(batchSchema(this.rowSchema, options.batchLimit));
        }
    }
    get version() {
        return this.model.version;
    }
    /**
     * Checks a /predict body: one transaction, or `{"instances": [...]}` when the model has no
     * feature called "instances". Throws the catalogue error naming the first bad field.
     */
    parseBody(body) {
        if (typeof body === 'object' &&
            body !== null &&
            !Array.isArray(body) &&
            'instances' in body &&
            !this.featureSet.has('instances')) {
            const instances = body.instances;
            // Counted before validating so an oversized batch costs nothing to refuse.
            if (Array.isArray(instances) && instances.length > this.batchLimit) {
                throw new FraudlensError('REQUEST_TOO_LARGE', `body/instances holds ${instances.length} rows; at most ${this.batchLimit} are accepted per request`, { field: 'instances' });
            }
            if (!this.validateBatch(body))
                throw validationError(this.validateBatch.errors[0], { context: 'body', data: body, features: this.featureSet });
            return { kind: 'batch', rows: instances };
        }
        if (!this.validateRow(body))
            throw validationError(this.validateRow.errors[0], { context: 'body', data: body, features: this.featureSet });
        return { kind: 'row', row: body };
    }
    /**
     * Fills `out` (default: the scratch row) from a validated transaction: numbers as they are,
     * category names as their codes, null or absent as NaN (missing). A category name the model
     * does not know (only accepted when acceptsUnknownCategories) is NaN too, and its feature is
     * listed in unknownFeatures[0..unknownCount).
     */
    toRow(t, out = this.row) {
        const names = this.names;
        const kinds = this.kinds;
        let unknown = 0;
        for (let j = 0; j < names.length; j++) {
            const v = this.inherited[j] === 1 && !Object.hasOwn(t, names[j]) ? undefined : t[names[j]];
            if (v === undefined || v === null)
                out[j] = NaN;
            else if (kinds[j] === KIND_NAMES) {
                const code = this.categoryCodes[j].get(v);
                if (code === undefined) {
                    out[j] = NaN;
                    this.unknownFeatures[unknown++] = j;
                }
                else
                    out[j] = code;
            }
            else
                out[j] = v;
        }
        this.unknownCount = unknown;
        return out;
    }
    /** The value a client sent for feature j (null when missing), for explanations. */
    displayValue(t, j) {
        if (!Object.hasOwn(t, this.names[j]))
            return null;
        const v = t[this.names[j]];
        return v === undefined ? null : v;
    }
    /** A category code as the name clients use (for tensors that carry codes). */
    categoryName(j, code) {
        const f = this.features[j];
        return f.categories?.[code] ?? null;
    }
    codeOf(j, name) {
        return this.categoryCodes[j]?.get(name);
    }
    kindOf(j) {
        const k = this.kinds[j];
        return k === KIND_NUMERIC ? 'numeric' : k === KIND_CODES ? 'codes' : 'names';
    }
}
/** Holds the live model; `reload` swaps it atomically or leaves it untouched on failure. */
export class ModelHolder {
    live;
    options;
    pending = Promise.resolve();
    listeners = [];
    constructor(initial, options) {
        this.options = options;
        this.live = new ServingModel(initial, options);
    }
    get current() {
        return this.live;
    }
    /** Called after each successful swap (drift and metrics follow the model this way). */
    onChange(listener) {
        this.listeners.push(listener);
    }
    /**
     * Reads `path`, compiles it completely, then swaps. Reloads run one at a time. A file that does
     * not load rejects with its catalogue error and the old model keeps serving.
     */
    reload(path) {
        const run = async () => {
            const read = this.options.read;
            const next = read !== undefined
                ? new ServingModel(await read(path), this.options)
                : await loadServingModel(path, this.options, this.live);
            const previous = this.live;
            this.live = next;
            for (const l of this.listeners)
                l(next, previous);
            return { previous, current: next };
        };
        const result = this.pending.then(run, run);
        this.pending = result.catch(() => undefined);
        return result;
    }
}
//# sourceMappingURL=model-state.js.map