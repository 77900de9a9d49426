/**
 * The model as the server holds it: compiled once per load (predictor, explainer tables, request
 * validators, feature→index map, scratch row), and a holder whose `current` is swapped in one
 * assignment on reload. A request reads `current` once and uses that snapshot to the end, so a
 * reload in the middle of a batch never mixes two models.
 */

import { once } from 'node:events';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';

import { Ajv, type ValidateFunction } from 'ajv';

import { TreeEnsemble, type EnsembleArrays, type FeatureSpec } from '../core/engine/ensemble.js';
import type { FraudlensModel } from '../core/engine/model.js';
import { Predictor } from '../core/engine/predict.js';
import { FraudlensError, type ErrorCode, type ErrorLocation } from '../core/errors.js';
import type { ShapTables } from '../core/explanation/shap-tables.js';
import { TreeExplainer } from '../core/explanation/treeshap.js';
import { describeFeatures } from '../core/features/describe.js';
import type { FeatureDefinitions } from '../core/features/definitions.js';
import type { ModelFile } from '../io/model-file.js';
import { rawTransactionSchema } from './raw-transaction-schema.js';
import type { FeatureValue } from '../storage/index.js';
import {
  batchSchema,
  MAX_CATEGORY_CODE,
  MAX_CATEGORY_NAME_LENGTH,
  MAX_TRANSACTION_ID_LENGTH,
  transactionSchema,
  TRANSACTION_ID_FIELD,
  validationError,
  type JsonSchema,
} from './schemas.js';

/** What model-worker.ts is given. */
export interface ModelWorkerRequest {
  path: string;
  featureNames: readonly string[];
}

/** What model-worker.ts answers: the model as plain data (typed arrays transferred) and its SHAP tables, or the error. */
export type ModelWorkerReply =
  | { ok: true; loaded: ModelFile; tables: ShapTables | null; explainerError: string | null }
  | { ok: false; code?: ErrorCode; message: string; location?: ErrorLocation };

/** The parts of a ServingModel built elsewhere (a worker thread). */
export interface PrebuiltParts {
  predictor: Predictor;
  explainer: TreeExplainer | null;
  explainerError: string | null;
  /** The model being replaced: its request validators are reused when the request schema is the same. */
  previous?: ServingModel;
}

const MODEL_WORKER = new URL('./model-worker.js', import.meta.url);

/**
 * Loads a model for serving with the heavy part off the event loop: a worker thread reads,
 * parses and validates the file and builds the SHAP tables (the bulk of the time: 40-175 ms
 * blocked per reload when done here); this thread re-checks the transferred arrays, lays out the
 * predictor (linear) and compiles the request validators (or reuses those of `previous` when the
 * request schema is unchanged), yielding between the steps.
 */
export async function loadServingModel(
  path: string,
  options: ServingOptions & { featureNames?: readonly string[] },
  previous?: ServingModel,
): Promise<ServingModel> {
  const request: ModelWorkerRequest = { path, featureNames: options.featureNames ?? [] };
  const worker = new Worker(MODEL_WORKER, { workerData: request });
  let reply: ModelWorkerReply;
  try {
    const [message] = (await Promise.race([
      once(worker, 'message'),
      once(worker, 'error').then(([err]) => Promise.reject(err as Error)),
    ])) as [ModelWorkerReply];
    reply = message;
  } finally {
    void worker.terminate();
  }
  if (!reply.ok) {
    if (reply.code !== undefined) throw new FraudlensError(reply.code, reply.message, reply.location);
    throw new Error(`model worker failed: ${reply.message}`);
  }
  // Structured cloning keeps the arrays but not the class: rebuild it (its constructor re-checks them).
  const ensemble = new TreeEnsemble(reply.loaded.model.ensemble as EnsembleArrays);
  const loaded: ModelFile = { ...reply.loaded, model: { ...reply.loaded.model, ensemble } };
  await yieldToEventLoop();
  const predictor = new Predictor(ensemble);
  const explainer = reply.tables !== null ? new TreeExplainer(ensemble, predictor, { tables: reply.tables }) : null;
  await yieldToEventLoop();
  return new ServingModel(loaded, options, { predictor, explainer, explainerError: reply.explainerError, previous });
}

const KIND_NUMERIC = 0;
const KIND_CODES = 1;
const KIND_NAMES = 2;

/** A transaction as it arrives: feature name → number, category name, or null. */
export type Transaction = Record<string, FeatureValue>;

/**
 * A checked /predict body. A single row comes with `values`: its features as the model reads them
 * (the model's scratch row, filled by the same pass that checked it, with unknownFeatures set), valid
 * until the next fill of that model.
 */
export type ParsedBody = { kind: 'row'; row: Transaction; values: Float64Array } | { kind: 'batch'; rows: Transaction[] };

/** A raw transaction as it arrives (models with feature definitions): any JSON object. */
export type RawBody = Readonly<Record<string, unknown>>;
export type ParsedRawBody = { kind: 'row'; row: RawBody } | { kind: 'batch'; rows: RawBody[] };

export interface ServingOptions {
  batchLimit: number;
  requireAllFeatures: boolean;
  /** 'missing' (default): an unknown category name is scored as missing and reported; 'reject': 400. */
  unknownCategories?: 'missing' | 'reject';
}

export class ServingModel {
  readonly model: FraudlensModel;
  readonly path: string;
  readonly sha256: string;
  readonly loadedAt: string;
  readonly predictor: Predictor;
  /** Null when the model's trees are beyond what the SHAP tables support (see explainerError). */
  readonly explainer: TreeExplainer | null;
  readonly explainerError: string | null;
  readonly features: readonly FeatureSpec[];
  readonly names: readonly string[];
  readonly featureSet: ReadonlySet<string>;
  /** Feature name → column of the row. */
  readonly index: ReadonlyMap<string, number>;
  readonly rowSchema: JsonSchema;
  readonly batchLimit: number;
  /**
   * The model's feature definitions, when it has them: it then takes raw transactions (rowSchema
   * describes them) and its features are derived by the server (entity-features.ts).
   */
  readonly definitions: FeatureDefinitions | null;
  /** Per model feature, its description in words (derived features only; null otherwise). */
  readonly descriptions: readonly string[] | null;
  /** Scratch row reused by every request (filled and consumed synchronously). */
  readonly row: Float64Array;
  /** Scratch SHAP output (numFeatures + 1). */
  readonly contribs: Float64Array;
  /** Whether category names the model does not know are scored (as missing) rather than refused. */
  readonly acceptsUnknownCategories: boolean;
  /**
   * Features of the row last filled by toRow that held a category name the model does not know:
   * the first `unknownCount` entries (scratch, like `row`).
   */
  readonly unknownFeatures: Int32Array;
  unknownCount = 0;
  private readonly kinds: Uint8Array;
  /** Features whose name an object inherits (toString, constructor…): read as own properties only. */
  private readonly inherited: Uint8Array;
  private readonly categoryCodes: (ReadonlyMap<string, number> | null)[];
  private readonly validateRow: ValidateFunction | null;
  private readonly validateBatch: ValidateFunction | null;
  /** Whether a row must carry every feature (FRAUDLENS_REQUIRE_ALL_FEATURES): readRow's presence rule. */
  private readonly requireAllFeatures: boolean;
  /**
   * False when a feature is named "__proto__": ajv leaves such a property out of its checks (any
   * value passes when the schema has more than 8 properties, none otherwise), a verdict readRow
   * does not imitate; it then asks ajv and reads the row with toRow.
   */
  private readonly onePass: boolean;

  /**
   * @param prebuilt predictor and explainer already built for `loaded` (loadServingModel); built here when absent
   */
  constructor(loaded: ModelFile, options: ServingOptions, prebuilt?: PrebuiltParts) {
    this.model = loaded.model;
    this.path = loaded.path;
    this.sha256 = loaded.sha256;
    this.loadedAt = new Date().toISOString();
    this.features = loaded.model.features;
    this.names = this.features.map((f) => f.name);
    this.featureSet = new Set(this.names);
    this.index = new Map(this.names.map((n, i) => [n, i]));
    this.batchLimit = options.batchLimit;
    this.requireAllFeatures = options.requireAllFeatures;
    this.onePass = !this.featureSet.has('__proto__');
    this.predictor = prebuilt?.predictor ?? new Predictor(loaded.model.ensemble);
    let explainer: TreeExplainer | null = prebuilt?.explainer ?? null;
    let explainerError: string | null = prebuilt?.explainerError ?? null;
    if (prebuilt === undefined) {
      try {
        explainer = new TreeExplainer(loaded.model.ensemble, this.predictor);
      } catch (e) {
        if (!(e instanceof FraudlensError)) throw e;
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
    this.definitions = loaded.model.featureDefinitions?.definitions ?? null;
    if (this.definitions !== null) {
      const how = new Map(describeFeatures(this.definitions).map((d) => [d.name, d.how]));
      this.descriptions = this.names.map((n) => how.get(n) ?? n);
      // Raw bodies are read field by field (JsonEventReader), which names the field at fault.
      this.rowSchema = rawTransactionSchema(this.definitions);
      this.validateRow = null;
      this.validateBatch = null;
      return;
    }
    this.descriptions = null;
    if (this.featureSet.has('transaction_id')) {
      throw new FraudlensError(
        'MODEL_INVALID',
        `${loaded.path}: a feature is named "transaction_id", which requests reserve for the caller's transaction id (never a feature); rename it and retrain`,
        { file: loaded.path, field: 'transaction_id' },
      );
    }
    const rowSchema = transactionSchema(this.features, options.requireAllFeatures, this.acceptsUnknownCategories);
    const same = prebuilt?.previous;
    if (
      same !== undefined &&
      same.batchLimit === options.batchLimit &&
      JSON.stringify(same.rowSchema) === JSON.stringify(rowSchema)
    ) {
      // A reload with the same request schema (a retrained model, the usual case) keeps the compiled
      // validators: compiling them is the longest step left on the event loop.
      this.rowSchema = same.rowSchema;
      this.validateRow = same.validateRow;
      this.validateBatch = same.validateBatch;
    } else {
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

  get version(): string {
    return this.model.version;
  }

  /**
   * Checks a /predict body: one transaction, or `{"instances": [...]}` when the model has no
   * feature called "instances". Throws the catalogue error naming the first bad field. A single
   * transaction is checked and read into the scratch row in one pass (readRow); only a refused one
   * goes through the ajv validator, which names the error exactly as the schema states it.
   */
  parseBody(body: unknown): ParsedBody {
    if (
      typeof body === 'object' &&
      body !== null &&
      !Array.isArray(body) &&
      'instances' in body &&
      !this.featureSet.has('instances')
    ) {
      const instances = (body as { instances: unknown }).instances;
      // Counted before validating so an oversized batch costs nothing to refuse.
      if (Array.isArray(instances) && instances.length > this.batchLimit) {
        throw new FraudlensError(
          'REQUEST_TOO_LARGE',
          `body/instances holds ${instances.length} rows; at most ${this.batchLimit} are accepted per request`,
          { field: 'instances' },
        );
      }
      if (!this.validateBatch!(body))
        throw validationError(this.validateBatch!.errors![0], { context: 'body', data: body, features: this.featureSet });
      return { kind: 'batch', rows: instances as Transaction[] };
    }
    if (this.readRow(body)) return { kind: 'row', row: body as Transaction, values: this.row };
    const refused = this.rowSchemaError(body);
    if (refused !== null) throw refused;
    // readRow refuses only what the schema refuses (test/server/read-row.test.ts); were it ever to
    // refuse more, the schema's verdict stands and the row is read the other way.
    return { kind: 'row', row: body as Transaction, values: this.toRow(body as Transaction) };
  }

  /**
   * The catalogue error the ajv row validator names for a single-transaction body (the first bad
   * field), or null when the row schema accepts it.
   */
  rowSchemaError(body: unknown): FraudlensError | null {
    if (this.validateRow!(body)) return null;
    return validationError(this.validateRow!.errors![0], { context: 'body', data: body, features: this.featureSet });
  }

  /**
   * Checks one transaction against the row schema and fills the scratch row (and unknownFeatures)
   * from it in a single pass over its own fields: true exactly when the ajv row validator accepts
   * it (the row is then what toRow would give), false when it refuses it (the row is then
   * meaningless). The body is read as JSON.parse makes it (own enumerable data properties), like
   * ajv's additionalProperties, which lists Object.keys.
   */
  readRow(body: unknown): boolean {
    if (!this.onePass) {
      if (this.rowSchemaError(body) !== null) return false;
      this.toRow(body as Transaction);
      return true;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
    const t = body as Record<string, unknown>;
    const row = this.row.fill(NaN);
    const index = this.index;
    const kinds = this.kinds;
    let present = 0;
    let unknown = 0;
    for (const key in t) {
      // Inherited enumerable keys (a polluted prototype) are not the body's: Object.keys skips them.
      // hasOwnProperty.call, not Object.hasOwn: V8 answers it from the for-in cache (Object.hasOwn
      // costs ~1 µs per 30-field row in Node 20).
      if (!Object.prototype.hasOwnProperty.call(t, key)) continue;
      const v = t[key];
      const j = index.get(key);
      if (j === undefined) {
        if (key !== TRANSACTION_ID_FIELD) return false;
        if (v !== undefined && !isTransactionId(v)) return false;
        continue;
      }
      // The schema reads a field holding undefined as absent (never so in JSON).
      if (v === undefined) continue;
      present++;
      if (v === null) continue;
      const kind = kinds[j];
      if (kind === KIND_NUMERIC) {
        if (typeof v !== 'number' || !Number.isFinite(v)) return false;
        row[j] = v;
      } else if (kind === KIND_CODES) {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_CATEGORY_CODE) return false;
        row[j] = v;
      } else {
        if (typeof v !== 'string') return false;
        const code = this.categoryCodes[j]!.get(v);
        if (this.acceptsUnknownCategories) {
          // The length limit holds for known names too: the schema then has no list of names.
          if (v.length > MAX_CATEGORY_NAME_LENGTH && schemaLength(v) > MAX_CATEGORY_NAME_LENGTH) return false;
          if (code === undefined) this.unknownFeatures[unknown++] = j;
          else row[j] = code;
        } else if (code === undefined) return false;
        else row[j] = code;
      }
    }
    // Each own key comes once, so all features are present exactly when all were counted.
    if (this.requireAllFeatures && present !== this.names.length) return false;
    // toRow lists them in feature order; the body's field order may differ.
    if (unknown > 1) this.unknownFeatures.subarray(0, unknown).sort();
    this.unknownCount = unknown;
    return true;
  }

  /**
   * Splits a raw body (models with definitions): one transaction, or `{"instances": [...]}` when
   * no raw field is called "instances". Only the shape is checked here; the fields are read by
   * JsonEventReader, which names the one at fault.
   */
  parseRawBody(body: unknown): ParsedRawBody {
    const defs = this.definitions!;
    if (!isPlainObject(body)) throw new FraudlensError('REQUEST_INVALID', 'body must be a JSON object (a raw transaction)');
    const batch = Object.hasOwn(body, 'instances') && !Object.hasOwn(defs.fields, 'instances') && defs.event.id !== 'instances';
    if (!batch) return { kind: 'row', row: body };
    const instances = body.instances;
    if (!Array.isArray(instances) || instances.length === 0)
      throw new FraudlensError('REQUEST_INVALID', 'body/instances must be a non-empty array of raw transactions', {
        field: 'instances',
      });
    if (instances.length > this.batchLimit) {
      throw new FraudlensError(
        'REQUEST_TOO_LARGE',
        `body/instances holds ${instances.length} rows; at most ${this.batchLimit} are accepted per request`,
        { field: 'instances' },
      );
    }
    const extra = Object.keys(body).find((k) => k !== 'instances');
    if (extra !== undefined)
      throw new FraudlensError('REQUEST_INVALID', `body has an unknown field "${extra}" beside instances`, { field: extra });
    for (let i = 0; i < instances.length; i++) {
      if (!isPlainObject(instances[i]))
        throw new FraudlensError('REQUEST_INVALID', `body/instances/${i} must be a JSON object (a raw transaction)`, {
          field: 'instances',
        });
    }
    return { kind: 'batch', rows: instances as RawBody[] };
  }

  /**
   * Fills `out` (default: the scratch row) from a validated transaction: numbers as they are,
   * category names as their codes, null or absent as NaN (missing). A category name the model
   * does not know (only accepted when acceptsUnknownCategories) is NaN too, and its feature is
   * listed in unknownFeatures[0..unknownCount).
   */
  toRow(t: Transaction, out: Float64Array = this.row): Float64Array {
    const names = this.names;
    const kinds = this.kinds;
    let unknown = 0;
    for (let j = 0; j < names.length; j++) {
      const v = this.inherited[j] === 1 && !Object.hasOwn(t, names[j]) ? undefined : t[names[j]];
      if (v === undefined || v === null) out[j] = NaN;
      else if (kinds[j] === KIND_NAMES) {
        const code = this.categoryCodes[j]!.get(v as string);
        if (code === undefined) {
          out[j] = NaN;
          this.unknownFeatures[unknown++] = j;
        } else out[j] = code;
      } else out[j] = v as number;
    }
    this.unknownCount = unknown;
    return out;
  }

  /** The value a client sent for feature j (null when missing), for explanations. */
  displayValue(t: Transaction, j: number): FeatureValue {
    if (!Object.hasOwn(t, this.names[j])) return null;
    const v = t[this.names[j]];
    return v === undefined ? null : v;
  }

  /** A category code as the name clients use (for tensors that carry codes). */
  categoryName(j: number, code: number): string | null {
    const f = this.features[j];
    return f.categories?.[code] ?? null;
  }

  codeOf(j: number, name: string): number | undefined {
    return this.categoryCodes[j]?.get(name);
  }

  kindOf(j: number): 'numeric' | 'codes' | 'names' {
    const k = this.kinds[j];
    return k === KIND_NUMERIC ? 'numeric' : k === KIND_CODES ? 'codes' : 'names';
  }
}

/**
 * A string's length as the schema's minLength/maxLength count it (ajv's default `unicode`): a
 * surrogate pair is one character, as the string iterator yields it. Only called on strings longer
 * than a limit in UTF-16 units, so its allocation is off the usual path.
 */
function schemaLength(s: string): number {
  return [...s].length;
}

/** Whether `v` is a valid reserved transaction id (the row schema's `transaction_id`). */
function isTransactionId(v: unknown): boolean {
  if (typeof v !== 'string' || v.length === 0) return false;
  return v.length <= MAX_TRANSACTION_ID_LENGTH || schemaLength(v) <= MAX_TRANSACTION_ID_LENGTH;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface ModelHolderOptions extends ServingOptions {
  featureNames?: readonly string[];
  /** How a reload reads the file (tests may substitute). */
  read?: (path: string) => Promise<ModelFile>;
}

/** Holds the live model; `reload` swaps it atomically or leaves it untouched on failure. */
export class ModelHolder {
  private live: ServingModel;
  private readonly options: ModelHolderOptions;
  private pending: Promise<unknown> = Promise.resolve();
  private readonly listeners: ((m: ServingModel, previous: ServingModel | null) => void)[] = [];
  private readonly checks: ((next: ServingModel) => void)[] = [];

  constructor(initial: ModelFile, options: ModelHolderOptions) {
    this.options = options;
    this.live = new ServingModel(initial, options);
  }

  get current(): ServingModel {
    return this.live;
  }

  /** Called after each successful swap (drift and metrics follow the model this way). */
  onChange(listener: (m: ServingModel, previous: ServingModel | null) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Called with a loaded model before it is swapped in; a check that throws refuses the reload
   * (the rules in force must compile against the new model's features).
   */
  beforeSwap(check: (next: ServingModel) => void): void {
    this.checks.push(check);
  }

  /**
   * Reads `path`, compiles it completely, then swaps. Reloads run one at a time. A file that does
   * not load rejects with its catalogue error and the old model keeps serving.
   */
  reload(path: string): Promise<{ previous: ServingModel; current: ServingModel }> {
    const run = async (): Promise<{ previous: ServingModel; current: ServingModel }> => {
      const read = this.options.read;
      const next =
        read !== undefined
          ? new ServingModel(await read(path), this.options)
          : await loadServingModel(path, this.options, this.live);
      for (const check of this.checks) check(next);
      const previous = this.live;
      this.live = next;
      for (const l of this.listeners) l(next, previous);
      return { previous, current: next };
    };
    const result = this.pending.then(run, run);
    this.pending = result.catch(() => undefined);
    return result;
  }
}
