/**
 * The dashboard's typed client of the fraudlens HTTP API, and the only module that knows URLs,
 * headers and response shapes. Pages call these functions and never `fetch` themselves, so a
 * change of the API is a change here.
 *
 * Every failure reaches callers as an `ApiError` carrying the server's stable `code` (the catalogue
 * in docs/errors.md) or one of the client's own: NETWORK (the API could not be reached) and
 * BAD_RESPONSE (it answered something that is not the expected JSON). Callers branch on codes.
 *
 * Every response shape comes from the HTTP contract the server declares its schemas with
 * (src/contract): types only, plus the plain list of decisions, so no schema library reaches the
 * bundle.
 */

import type {
  AuthMe,
  BatchExplained,
  BatchPrediction,
  ComparisonReport,
  ComponentHealth,
  ConfusionMatrix,
  Decision,
  DecisionFilter,
  DecisionOrder,
  DecisionsResponse,
  DerivedFeatures,
  DriftReport,
  Explained,
  Explanation,
  FeatureDriftReport,
  FeatureSpec,
  FeatureValue,
  HealthReport,
  LabelHistory,
  LabelInput,
  LabelRecord,
  LabelsAccepted,
  ModelComparison,
  ModelCurves,
  PerformanceHistoryBucket,
  PerformanceHistoryReport,
  PerformanceLevel,
  PerformanceReport,
  Permission,
  Prediction,
  PredictionRecord,
  RawField,
  RiskLevel,
  Thresholds,
  TopContribution,
  TrainingInfo,
  Transaction,
} from '../../src/contract/index.js';
import { DECISIONS as DECISION_LIST } from '../../src/contract/enums.js';

export type {
  AuthMe,
  BatchExplained,
  BatchPrediction,
  ComparisonReport,
  ComponentHealth,
  ConfusionMatrix,
  Decision,
  DecisionFilter,
  DecisionsResponse,
  DerivedFeatures,
  DriftReport,
  Explained,
  Explanation,
  FeatureDriftReport,
  FeatureSpec,
  FeatureValue,
  LabelHistory,
  LabelInput,
  LabelRecord,
  LabelsAccepted,
  ModelComparison,
  ModelCurves,
  PerformanceHistoryBucket,
  PerformanceHistoryReport,
  PerformanceLevel,
  PerformanceReport,
  Permission,
  Prediction,
  PredictionRecord,
  RawField,
  RiskLevel,
  Thresholds,
  TopContribution,
  TrainingInfo,
  Transaction,
};

export const DECISIONS: readonly Decision[] = DECISION_LIST;

/** GET /model, normalised (see normaliseModel). */
export interface ModelInfo {
  version: string;
  features: FeatureSpec[];
  thresholds: Thresholds | null;
  objective?: string;
  base_margin?: number;
  trees?: number;
  path?: string;
  sha256?: string;
  loaded_at?: string;
  training?: TrainingInfo;
  /** Present when the model takes raw transactions and derives its features (feature definitions). */
  derived?: DerivedFeatures;
  /** Everything the server sent, for the fields this client does not model. */
  raw: Record<string, unknown>;
}

/** GET /health: the fields the dashboard shows by name; the rest is listed as sent. */
export type HealthInfo = HealthReport;

export type DriftWindow = '15m' | '1h' | '24h';
export const DRIFT_WINDOWS: readonly { value: DriftWindow; label: string }[] = [
  { value: '15m', label: '15 min' },
  { value: '1h', label: '1 h' },
  { value: '24h', label: '24 h' },
];

/** One sample of the Prometheus text exposition. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: string;
  help: string;
  samples: MetricSample[];
}

export type Metrics = Map<string, MetricFamily>;

// ---------------------------------------------------------------------------------------------
// Errors

/** Codes the client itself produces (the server's codes come from its catalogue). */
export type ClientErrorCode = 'NETWORK' | 'BAD_RESPONSE';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  /** The parsed body of a failed answer, when it was JSON. */
  readonly body: unknown;

  constructor(status: number, code: string, message: string, field?: string, body?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.body = body;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Response shapes the client tolerates

/** GET /model may answer the model fields at the top level or under `model`; both are read. */
export function normaliseModel(raw: unknown): ModelInfo {
  if (!isRecord(raw)) throw new ApiError(200, 'BAD_RESPONSE', 'GET /model did not answer a JSON object');
  const inner = isRecord(raw.model) ? raw.model : {};
  const pick = (key: string): unknown => (raw[key] !== undefined ? raw[key] : inner[key]);
  const features = pick('features');
  if (!Array.isArray(features) || !features.every((f) => isRecord(f) && typeof f.name === 'string')) {
    throw new ApiError(200, 'BAD_RESPONSE', 'GET /model did not list the model features');
  }
  const version = pick('version') ?? pick('model_version');
  const thresholds = pick('thresholds');
  const trees = pick('trees') ?? pick('num_trees') ?? pick('n_trees');
  const info: ModelInfo = {
    version: typeof version === 'string' ? version : 'unknown',
    features: features as FeatureSpec[],
    thresholds:
      isRecord(thresholds) && typeof thresholds.review === 'number' && typeof thresholds.decline === 'number'
        ? (thresholds as unknown as Thresholds)
        : null,
    raw,
  };
  const str = (key: string): string | undefined => {
    const v = pick(key);
    return typeof v === 'string' ? v : undefined;
  };
  const objective = str('objective');
  if (objective !== undefined) info.objective = objective;
  const baseMargin = pick('base_margin');
  if (typeof baseMargin === 'number') info.base_margin = baseMargin;
  // The model file lists its trees; a summary gives their number.
  if (typeof trees === 'number') info.trees = trees;
  else if (Array.isArray(trees)) info.trees = trees.length;
  // Where the file is and when it was loaded: at the top level or under `file`.
  const file = isRecord(pick('file')) ? (pick('file') as Record<string, unknown>) : {};
  const fileStr = (key: string): string | undefined =>
    str(key) ?? (typeof file[key] === 'string' ? (file[key] as string) : undefined);
  const path = fileStr('path');
  if (path !== undefined) info.path = path;
  const sha = fileStr('sha256');
  if (sha !== undefined) info.sha256 = sha;
  const loadedAt = fileStr('loaded_at') ?? fileStr('loadedAt');
  if (loadedAt !== undefined) info.loaded_at = loadedAt;
  const training = pick('training');
  if (isRecord(training)) info.training = training as TrainingInfo;
  const derived = pick('derived_features');
  // Only a description a form can be built from (servers before the raw fields were listed send none).
  if (isRecord(derived) && isRecord(derived.event) && Array.isArray(derived.fields) && Array.isArray(derived.features))
    info.derived = derived as unknown as DerivedFeatures;
  return info;
}

/**
 * The validation curves: fraudlens train stores them in training.extra.curves; other producers may
 * put them in metrics.curves or in metrics itself.
 */
export function modelCurves(m: ModelInfo): ModelCurves {
  const metrics = m.training?.metrics;
  const stored = m.training?.extra?.curves as ModelCurves | undefined;
  const curves: ModelCurves = { ...(metrics?.curves ?? {}), ...(stored ?? {}) };
  if (curves.roc === undefined && metrics?.roc !== undefined) curves.roc = metrics.roc;
  if (curves.pr === undefined && metrics?.pr !== undefined) curves.pr = metrics.pr;
  if (curves.confusion === undefined && metrics?.confusion !== undefined) curves.confusion = metrics.confusion;
  return curves;
}

/** GET /logs answers an array or an object holding one; either is read. */
export function normaliseLogs(raw: unknown): PredictionRecord[] {
  if (Array.isArray(raw)) return raw as PredictionRecord[];
  if (isRecord(raw)) {
    for (const key of ['records', 'logs', 'items', 'predictions']) {
      const v = raw[key];
      if (Array.isArray(v)) return v as PredictionRecord[];
    }
  }
  throw new ApiError(200, 'BAD_RESPONSE', 'GET /logs did not answer a list of prediction records');
}

// ---------------------------------------------------------------------------------------------
// Prometheus text format (what GET /metrics answers)

function unescapeLabel(v: string): string {
  return v.replace(/\\(n|\\|")/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/**
 * Parses the Prometheus text exposition format into families keyed by name. Histogram and summary
 * samples (`_bucket`, `_sum`, `_count`) belong to their family.
 * @example parseMetrics('# TYPE up gauge\nup 1\n').get('up')?.samples[0].value // 1
 */
export function parseMetrics(text: string): Metrics {
  const families: Metrics = new Map();
  const family = (name: string): MetricFamily => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, f);
    }
    return f;
  };
  const sampleRe = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
  const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const line of text.split('\n')) {
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) {
      const rest = line.slice(7);
      const space = rest.indexOf(' ');
      const name = space < 0 ? rest : rest.slice(0, space);
      const value = space < 0 ? '' : rest.slice(space + 1);
      if (line[2] === 'H') family(name).help = value;
      else family(name).type = value.trim();
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const m = sampleRe.exec(line);
    if (m === null) continue;
    const [, name, labelText, valueText] = m;
    const labels: Record<string, string> = {};
    if (labelText !== undefined) for (const lm of labelText.matchAll(labelRe)) labels[lm[1]] = unescapeLabel(lm[2]);
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    let owner = name;
    for (const suffix of ['_bucket', '_sum', '_count', '_total', '_created']) {
      if (name.endsWith(suffix) && families.has(name.slice(0, -suffix.length))) {
        owner = name.slice(0, -suffix.length);
        break;
      }
    }
    family(owner).samples.push({ name, labels, value });
  }
  return families;
}

// ---------------------------------------------------------------------------------------------
// The client

export interface ApiClientOptions {
  /** Origin (and optional path prefix) of the API; '' means the page's own origin. */
  baseUrl: string;
  /** Sent as X-API-Key when set. */
  apiKey?: string | null;
  fetch?: typeof fetch;
}

export interface PredictOptions {
  explain?: boolean;
  /** Models with feature definitions: answer the derived features of each raw transaction. */
  features?: boolean;
  /** Features listed in explanation.top. */
  top?: number;
  signal?: AbortSignal;
}

export type ExplainOptions = Omit<PredictOptions, 'explain'>;

export interface ApiClient {
  readonly baseUrl: string;
  health(signal?: AbortSignal): Promise<HealthInfo>;
  model(signal?: AbortSignal): Promise<ModelInfo>;
  predict(transaction: Transaction, options?: PredictOptions): Promise<Prediction>;
  predictBatch(transactions: Transaction[], options?: PredictOptions): Promise<BatchPrediction>;
  /** Score and explanation through POST /explain: nothing is logged or counted in drift. */
  explain(transaction: Transaction, options?: ExplainOptions): Promise<Explained>;
  explainBatch(transactions: Transaction[], options?: ExplainOptions): Promise<BatchExplained>;
  logs(limit: number, signal?: AbortSignal): Promise<PredictionRecord[]>;
  /** GET /decisions: one page of stored decisions matching `query`, newest first. */
  decisions(query: DecisionsPageQuery, signal?: AbortSignal): Promise<DecisionsResponse>;
  /** GET /review: decisions sent to review and not yet labelled, oldest first. */
  review(query: { limit?: number; cursor?: string }, signal?: AbortSignal): Promise<DecisionsResponse>;
  /** POST /labels with one label. */
  label(label: LabelInput, signal?: AbortSignal): Promise<LabelsAccepted>;
  /** GET /labels/{transaction_id}: the current label and its history. */
  labels(transactionId: string, signal?: AbortSignal): Promise<LabelHistory>;
  /** GET /performance: realized and expected figures over the decisions of `window` (e.g. 24h, 30d, all). */
  performance(query: { window: string; model_version?: string }, signal?: AbortSignal): Promise<PerformanceReport>;
  /** GET /performance/history: the same figures per time bucket of `window` (`bucket` e.g. 1h, 1d). */
  performanceHistory(
    query: { window: string; bucket: string; model_version?: string },
    signal?: AbortSignal,
  ): Promise<PerformanceHistoryReport>;
  /** GET /performance/comparison: champion and challengers on the same labelled transactions of `window`. */
  comparison(query: { window: string }, signal?: AbortSignal): Promise<ComparisonReport>;
  /** GET /auth/me: the presented key's name, role and permissions. */
  me(signal?: AbortSignal): Promise<AuthMe>;
  drift(window: DriftWindow, signal?: AbortSignal): Promise<DriftReport>;
  metrics(signal?: AbortSignal): Promise<Metrics>;
}

/** What GET /decisions is asked: the filters, a page size and the previous page's cursor. */
export type DecisionsPageQuery = DecisionFilter & { limit?: number; cursor?: string; order?: DecisionOrder };

/** `?a=1&b=x` of the set fields only (an empty filter is not sent). */
export function queryString(query: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

/** Largest batch sent in one request (the server's default limit is 1000). */
export const BATCH_CHUNK = 500;

/**
 * Creates a client. Requests carry `X-API-Key` when a key is given; answers that are not 2xx
 * become ApiError with the server's code.
 * @example const api = createApiClient({ baseUrl: '' }); const p = await api.predict({ amt: 12 });
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey) headers['x-api-key'] = options.apiKey;

  async function request(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      const where = baseUrl || (globalThis as { location?: Location }).location?.origin || 'this origin';
      throw new ApiError(0, 'NETWORK', `the API at ${where} cannot be reached (${(e as Error).message})`);
    }
    if (!response.ok) throw await errorOf(response, method, path);
    return response;
  }

  async function json<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const response = await request(method, path, body, signal);
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError(response.status, 'BAD_RESPONSE', `${method} ${path} did not answer JSON`);
    }
  }

  function predictPath(o: PredictOptions | undefined): string {
    const q = new URLSearchParams();
    if (o?.explain) q.set('explain', 'true');
    if (o?.features) q.set('features', 'true');
    if (o?.top !== undefined) q.set('top', String(o.top));
    const s = q.toString();
    return s === '' ? '/predict' : `/predict?${s}`;
  }

  function explainPath(o: ExplainOptions | undefined): string {
    const q = new URLSearchParams();
    if (o?.features) q.set('features', 'true');
    if (o?.top !== undefined) q.set('top', String(o.top));
    const s = q.toString();
    return s === '' ? '/explain' : `/explain?${s}`;
  }

  /** POSTs `rows` to `path` in chunks, so a large sample stays under the server's batch limit. */
  async function batched<P>(
    path: string,
    rows: Transaction[],
    signal: AbortSignal | undefined,
  ): Promise<{ predictions: P[]; count: number; model_version: string }> {
    const predictions: P[] = [];
    let version = '';
    for (let i = 0; i < rows.length; i += BATCH_CHUNK) {
      const part = await json<{ predictions: P[]; model_version: string }>(
        'POST',
        path,
        { instances: rows.slice(i, i + BATCH_CHUNK) },
        signal,
      );
      predictions.push(...part.predictions);
      version = part.model_version;
    }
    return { predictions, count: predictions.length, model_version: version };
  }

  return {
    baseUrl,
    async health(signal) {
      try {
        return await json<HealthInfo>('GET', '/health', undefined, signal);
      } catch (e) {
        // 503 still carries the health report (e.g. "unhealthy" while shutting down).
        if (isApiError(e) && e.status === 503 && e.body !== undefined && isRecord(e.body) && typeof e.body.status === 'string')
          return e.body as HealthInfo;
        throw e;
      }
    },
    model: async (signal) => normaliseModel(await json<unknown>('GET', '/model', undefined, signal)),
    predict: (t, o) => json<Prediction>('POST', predictPath(o), t, o?.signal),
    predictBatch: (rows, o) => batched<Prediction>(predictPath(o), rows, o?.signal),
    explain: (t, o) => json<Explained>('POST', explainPath(o), t, o?.signal),
    explainBatch: (rows, o) => batched<Explained>(explainPath(o), rows, o?.signal),
    logs: async (limit, signal) =>
      normaliseLogs(await json<unknown>('GET', `/logs?limit=${encodeURIComponent(String(limit))}`, undefined, signal)),
    review: (query, signal) => json<DecisionsResponse>('GET', `/review${queryString(query)}`, undefined, signal),
    label: (label, signal) => json<LabelsAccepted>('POST', '/labels', label, signal),
    labels: (id, signal) => json<LabelHistory>('GET', `/labels/${encodeURIComponent(id)}`, undefined, signal),
    performance: (query, signal) => json<PerformanceReport>('GET', `/performance${queryString(query)}`, undefined, signal),
    performanceHistory: (query, signal) =>
      json<PerformanceHistoryReport>('GET', `/performance/history${queryString(query)}`, undefined, signal),
    comparison: (query, signal) =>
      json<ComparisonReport>('GET', `/performance/comparison${queryString(query)}`, undefined, signal),
    me: (signal) => json<AuthMe>('GET', '/auth/me', undefined, signal),
    decisions: (query, signal) => json<DecisionsResponse>('GET', `/decisions${queryString(query)}`, undefined, signal),
    drift: (w, signal) => json<DriftReport>('GET', `/drift?window=${encodeURIComponent(w)}`, undefined, signal),
    async metrics(signal) {
      const response = await request('GET', '/metrics', undefined, signal);
      return parseMetrics(await response.text());
    },
  };
}

async function errorOf(response: Response, method: string, path: string): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (isRecord(body) && typeof body.code === 'string' && typeof body.message === 'string') {
    return new ApiError(response.status, body.code, body.message, typeof body.field === 'string' ? body.field : undefined, body);
  }
  return new ApiError(
    response.status,
    response.status === 404 ? 'NOT_FOUND' : 'BAD_RESPONSE',
    `${method} ${path} answered HTTP ${response.status}`,
    undefined,
    body,
  );
}
