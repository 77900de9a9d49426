/**
 * The Open Inference Protocol (KServe V2) REST endpoints, so inference gateways and clients that
 * speak it can call fraudlens unchanged:
 *   GET  /v2, /v2/health/live, /v2/health/ready
 *   GET  /v2/models/{name}[/versions/{version}], …/ready
 *   POST /v2/models/{name}[/versions/{version}]/infer
 *
 * Inputs, either
 *   - one tensor per feature, named after it, shape [n] or [n, 1]: FP64/FP32/INT64/INT32 for
 *     numeric features and category codes, BYTES (the names) for named categories; a feature
 *     with no tensor is missing in every row; or
 *   - one tensor of shape [n, features] (any name that is not a feature), FP64, row-major, flat or
 *     nested; categorical columns hold category codes (a named category's code is its index in
 *     GET /model).
 * null in data is a missing value. Outputs: score (FP64), decision and risk_level (BYTES), id
 * (BYTES: the prediction ids in the log); `outputs` in the request selects among them.
 *
 * A model with feature definitions takes raw transactions instead, one tensor per raw field
 * (v2-raw.ts), scored on the same path as /predict's; it adds the outputs transaction_id (BYTES),
 * duplicate (BOOL) and, asked by name or all with `"parameters": {"features": true}`, the derived
 * features (FP64 or BYTES, null where missing).
 */

import type { FastifyInstance, FastifyReply } from 'fastify';

import {
  V2InferRequest,
  V2InferResponse,
  V2Live,
  V2ModelMetadata,
  V2ModelParams,
  V2ModelReady,
  V2Ready,
  V2ServerMetadata,
  type Prediction,
  type V2InputTensor,
  type V2OutputTensor,
} from '../../contract/index.js';

import { FraudlensError } from '../../core/errors.js';
import { VERSION } from '../../version.js';
import type { FraudlensContext } from '../context.js';
import type { ExplainAdmission } from '../explain-admission.js';
import type { ServingModel, Transaction } from '../model-state.js';
import { scoreRawRows } from '../raw-scoring.js';
import { errorResponseSchema, MAX_CATEGORY_CODE, MAX_CATEGORY_NAME_LENGTH, show } from '../schemas.js';
import type { Scorer } from '../scoring.js';
import { derivedOutput, NUMERIC_TYPES, rawInputsMetadata, rawRowsFromTensors, rawRowWhere, rawShapeOf } from './v2-raw.js';

type InferTensor = V2InputTensor;
type InferRequest = V2InferRequest;
type ModelParams = V2ModelParams;

const OUTPUTS = ['score', 'decision', 'risk_level', 'id'] as const;
/** Outputs only a model with definitions (raw transactions in) has. */
const RAW_OUTPUTS = ['transaction_id', 'duplicate'] as const;
type OutputName = (typeof OUTPUTS)[number] | (typeof RAW_OUTPUTS)[number];
const PREDICTION_OUTPUTS: ReadonlySet<string> = new Set([...OUTPUTS, ...RAW_OUTPUTS]);

function fail(
  code:
    | 'REQUEST_INVALID'
    | 'INPUT_INVALID'
    | 'INPUT_WRONG_TYPE'
    | 'INPUT_NOT_A_NUMBER'
    | 'INPUT_UNKNOWN_CATEGORY'
    | 'REQUEST_TOO_LARGE'
    | 'INPUT_MISSING_COLUMN',
  message: string,
  field: string,
): never {
  throw new FraudlensError(code, message, { field });
}

/** The model a /v2/models/{name}[/versions/{version}] path designates, or 404. */
function resolveModel(ctx: FraudlensContext, params: ModelParams): ServingModel {
  const m = ctx.models.current;
  if (params.name !== ctx.config.modelName)
    throw new FraudlensError('NOT_FOUND', `no model named "${params.name}"; this server serves "${ctx.config.modelName}"`, {
      field: 'name',
    });
  if (params.version !== undefined && params.version !== m.version) {
    throw new FraudlensError(
      'NOT_FOUND',
      `model "${params.name}" has no version "${params.version}"; the live version is "${m.version}"`,
      { field: 'version' },
    );
  }
  return m;
}

function metadata(ctx: FraudlensContext, m: ServingModel): V2ModelMetadata {
  const outputs = [
    { name: 'score', datatype: 'FP64', shape: [-1] },
    { name: 'decision', datatype: 'BYTES', shape: [-1] },
    { name: 'risk_level', datatype: 'BYTES', shape: [-1] },
    { name: 'id', datatype: 'BYTES', shape: [-1] },
  ];
  if (m.definitions !== null) {
    outputs.push(
      { name: 'transaction_id', datatype: 'BYTES', shape: [-1] },
      { name: 'duplicate', datatype: 'BOOL', shape: [-1] },
    );
    for (const d of rawShapeOf(m.definitions).derived)
      if (!PREDICTION_OUTPUTS.has(d.name)) outputs.push({ name: d.name, datatype: d.datatype, shape: [-1] });
  }
  return {
    name: ctx.config.modelName,
    versions: [m.version],
    platform: 'fraudlens',
    inputs:
      m.definitions !== null
        ? rawInputsMetadata(m.definitions)
        : m.features.map((f, j) => ({
            name: f.name,
            datatype: m.kindOf(j) === 'names' ? 'BYTES' : m.kindOf(j) === 'codes' ? 'INT64' : 'FP64',
            shape: [-1],
          })),
    outputs,
  };
}

/** Number of rows a tensor's shape declares; checks the element count. */
function flatten(t: InferTensor, where: string, columns: number): unknown[] {
  const rows = t.shape[0];
  const cols = t.shape.length === 2 ? t.shape[1] : 1;
  if (cols !== columns)
    fail(
      'REQUEST_INVALID',
      `${where}.shape must be [n${columns === 1 ? '' : `, ${columns}`}]${columns === 1 ? ' or [n, 1]' : ''}, got ${JSON.stringify(t.shape)}`,
      'shape',
    );
  // Nested data ([[...], [...]]) is accepted as well as flat, as the protocol allows.
  const data = t.data.length > 0 && Array.isArray(t.data[0]) ? (t.data as unknown[][]).flat() : t.data;
  if (data.length !== rows * cols)
    fail(
      'REQUEST_INVALID',
      `${where}.data holds ${data.length} values but shape ${JSON.stringify(t.shape)} needs ${rows * cols}`,
      'data',
    );
  return data;
}

/** A checked value for feature j of model m, as a Transaction holds it. */
function cellValue(
  m: ServingModel,
  j: number,
  v: unknown,
  datatype: string,
  where: string,
  matrix: boolean,
): string | number | null {
  const name = m.names[j];
  if (v === null) return null;
  const kind = m.kindOf(j);
  if (kind === 'names' && !matrix) {
    if (datatype !== 'BYTES')
      fail(
        'INPUT_WRONG_TYPE',
        `${where}: feature "${name}" is categorical; send its category names as BYTES, got ${datatype}`,
        name,
      );
    if (typeof v !== 'string')
      fail('INPUT_WRONG_TYPE', `${where} must be a category name (string) or null, got ${show(v)}`, name);
    // An unknown name is scored as missing (toRow flags it) unless the server rejects them.
    if (!m.acceptsUnknownCategories && m.codeOf(j, v) === undefined)
      fail('INPUT_UNKNOWN_CATEGORY', `${where}: ${show(v)} is not a category of "${name}"`, name);
    if (v.length > MAX_CATEGORY_NAME_LENGTH)
      fail('INPUT_INVALID', `${where} must not be longer than ${MAX_CATEGORY_NAME_LENGTH} characters`, name);
    return v;
  }
  if (!NUMERIC_TYPES.has(datatype))
    fail('INPUT_WRONG_TYPE', `${where}: feature "${name}" takes numbers (FP64), got datatype ${datatype}`, name);
  if (typeof v !== 'number') fail('INPUT_WRONG_TYPE', `${where} must be a number or null, got ${show(v)}`, name);
  if (!Number.isFinite(v)) fail('INPUT_NOT_A_NUMBER', `${where} must be a finite number or null, got ${v}`, name);
  if (kind === 'numeric') return v;
  if (!Number.isInteger(v) || v < 0 || v > MAX_CATEGORY_CODE)
    fail('INPUT_UNKNOWN_CATEGORY', `${where}: feature "${name}" takes category codes (integers from 0), got ${v}`, name);
  if (kind === 'codes') return v;
  // A matrix carries codes; the transaction (and the log) use the name.
  const label = m.categoryName(j, v);
  if (label === null)
    fail(
      'INPUT_UNKNOWN_CATEGORY',
      `${where}: code ${v} is not a category of "${name}" (it has ${m.features[j].categories?.length ?? 0})`,
      name,
    );
  return label;
}

/** Turns the request's tensors into validated transactions. */
export function transactionsFromTensors(
  m: ServingModel,
  req: InferRequest,
  batchLimit: number,
  requireAll: boolean,
): Transaction[] {
  const nFeatures = m.names.length;
  const first = req.inputs[0];
  const matrix = req.inputs.length === 1 && !m.featureSet.has(first.name);
  const n = first.shape[0];
  if (n > batchLimit) fail('REQUEST_TOO_LARGE', `inputs hold ${n} rows; at most ${batchLimit} are accepted per request`, 'shape');
  if (n === 0) fail('REQUEST_INVALID', 'inputs hold no rows (shape[0] is 0)', 'shape');
  const rows: Transaction[] = Array.from({ length: n }, () => ({}));
  if (matrix) {
    if (!NUMERIC_TYPES.has(first.datatype))
      fail(
        'INPUT_WRONG_TYPE',
        `inputs[0] ("${first.name}") is a [n, ${nFeatures}] matrix and must be FP64, got ${first.datatype}`,
        first.name,
      );
    if (first.shape.length !== 2)
      fail(
        'REQUEST_INVALID',
        `inputs[0] ("${first.name}") is not a feature; a single matrix input must have shape [n, ${nFeatures}], got ${JSON.stringify(first.shape)}`,
        first.name,
      );
    const data = flatten(first, 'inputs[0]', nFeatures);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < nFeatures; j++) {
        const v = cellValue(m, j, data[r * nFeatures + j], first.datatype, `inputs[0].data[${r}][${j}]`, true);
        if (v !== null) rows[r][m.names[j]] = v;
      }
    }
    return rows;
  }
  const seen = new Set<string>();
  req.inputs.forEach((t, i) => {
    const j = m.index.get(t.name);
    if (j === undefined)
      fail(
        'REQUEST_INVALID',
        `inputs[${i}].name "${t.name}" is not a feature of the model (GET /v2/models/${'{name}'} lists them)`,
        t.name,
      );
    if (seen.has(t.name)) fail('REQUEST_INVALID', `inputs[${i}]: feature "${t.name}" is given twice`, t.name);
    seen.add(t.name);
    if (t.shape[0] !== n)
      fail('REQUEST_INVALID', `inputs[${i}] ("${t.name}") has ${t.shape[0]} rows but inputs[0] has ${n}`, t.name);
    const data = flatten(t, `inputs[${i}]`, 1);
    for (let r = 0; r < n; r++) {
      const v = cellValue(m, j, data[r], t.datatype, `inputs[${i}].data[${r}]`, false);
      if (v !== null) rows[r][t.name] = v;
    }
  });
  if (requireAll) {
    const absent = m.names.find((name) => !seen.has(name));
    if (absent !== undefined) fail('INPUT_MISSING_COLUMN', `inputs has no tensor for feature "${absent}"`, absent);
  }
  return rows;
}

/** The features any prediction flagged as holding an unknown category, comma-separated; null when none. */
function unknownCategoriesOf(predictions: readonly Prediction[]): string | null {
  let seen: Set<string> | null = null;
  for (const p of predictions) {
    if (p.unknown_categories === undefined) continue;
    seen ??= new Set();
    for (const f of p.unknown_categories) seen.add(f);
  }
  return seen === null ? null : [...seen].join(',');
}

function outputTensor(name: OutputName, predictions: Prediction[]): V2OutputTensor {
  const n = predictions.length;
  switch (name) {
    case 'score':
      return { name, datatype: 'FP64', shape: [n], data: predictions.map((p) => p.score) };
    case 'decision':
      return { name, datatype: 'BYTES', shape: [n], data: predictions.map((p) => p.decision) };
    case 'risk_level':
      return { name, datatype: 'BYTES', shape: [n], data: predictions.map((p) => p.risk_level) };
    case 'id':
      return { name, datatype: 'BYTES', shape: [n], data: predictions.map((p) => p.id) };
    case 'transaction_id':
      return { name, datatype: 'BYTES', shape: [n], data: predictions.map((p) => p.transaction_id ?? null) };
    case 'duplicate':
      return { name, datatype: 'BOOL', shape: [n], data: predictions.map((p) => p.duplicate === true) };
  }
}

/** POST …/infer for a model with definitions: raw fields in, the /predict raw path, outputs out. */
async function inferRaw(
  ctx: FraudlensContext,
  m: ServingModel,
  body: InferRequest,
  scorer: Scorer,
  admission: ExplainAdmission,
  reply: FastifyReply,
): Promise<V2InferResponse> {
  const defs = m.definitions!;
  const derived = rawShapeOf(defs).derived;
  const isFeature = new Set(derived.map((d) => d.name));
  const wanted: string[] = [];
  for (const [i, o] of (body.outputs ?? []).entries()) {
    if (!PREDICTION_OUTPUTS.has(o.name) && !isFeature.has(o.name))
      fail(
        'REQUEST_INVALID',
        `outputs[${i}].name "${o.name}" is not an output; use ${[...OUTPUTS, ...RAW_OUTPUTS].join(', ')} or a derived feature (GET /v2/models/{name} lists them)`,
        'outputs',
      );
    wanted.push(o.name);
  }
  if (wanted.length === 0) wanted.push(...OUTPUTS, ...RAW_OUTPUTS);
  if (body.parameters?.features === true)
    for (const d of derived) if (!wanted.includes(d.name) && !PREDICTION_OUTPUTS.has(d.name)) wanted.push(d.name);

  const n = body.inputs[0].shape[0];
  if (n > ctx.config.batchLimit)
    fail('REQUEST_TOO_LARGE', `inputs hold ${n} rows; at most ${ctx.config.batchLimit} are accepted per request`, 'shape');
  if (n === 0) fail('REQUEST_INVALID', 'inputs hold no rows (shape[0] is 0)', 'shape');
  const rows = rawRowsFromTensors(m, body.inputs, n);
  const features = wanted.some((w) => isFeature.has(w) && !PREDICTION_OUTPUTS.has(w));
  const opts = { explain: false, top: 0, features };
  const predictions = await scoreRawRows(ctx, m, rows, rawRowWhere, true, opts, scorer, admission, reply);
  const datatypeOf = new Map(derived.map((d) => [d.name, d.datatype]));
  const response: V2InferResponse = {
    model_name: ctx.config.modelName,
    model_version: m.version,
    id: body.id ?? predictions[0].id,
    outputs: wanted.map((name) =>
      PREDICTION_OUTPUTS.has(name)
        ? outputTensor(name as OutputName, predictions)
        : derivedOutput(
            name,
            datatypeOf.get(name)!,
            predictions.map((p) => p.features!),
          ),
    ),
  };
  const unknown = unknownCategoriesOf(predictions);
  const fallback = predictions.some((p) => p.state_fallback === true);
  if (unknown !== null || fallback)
    response.parameters = {
      ...(unknown !== null ? { unknown_categories: unknown } : {}),
      ...(fallback ? { state_fallback: true } : {}),
    };
  return response;
}

export function registerV2(app: FastifyInstance, ctx: FraudlensContext, scorer: Scorer, admission: ExplainAdmission): void {
  const { config } = ctx;
  const tags = ['open inference protocol'];
  const noLimit = { rateLimit: false as const };
  const ready = (reply: FastifyReply): FastifyReply => {
    if (ctx.state.draining) throw new FraudlensError('NOT_READY', 'the server is shutting down');
    return reply;
  };

  app.get(
    '/v2',
    {
      schema: { tags, summary: 'Server metadata', response: { 200: V2ServerMetadata } },
    },
    async () => ({ name: 'fraudlens', version: VERSION, extensions: [] }),
  );

  app.get(
    '/v2/health/live',
    { config: noLimit, schema: { tags, summary: 'Server liveness', response: { 200: V2Live } } },
    async () => ({ live: true }),
  );

  app.get(
    '/v2/health/ready',
    {
      config: noLimit,
      schema: { tags, summary: 'Server readiness', response: { 200: V2Ready, 503: errorResponseSchema } },
    },
    async (_request, reply) => {
      ready(reply);
      return { ready: true };
    },
  );

  const metaOpts = {
    schema: {
      tags,
      summary: 'Model metadata: inputs (one per feature) and outputs',
      params: V2ModelParams,
      response: {
        200: V2ModelMetadata,
        '4xx': errorResponseSchema,
      },
    },
  };
  const metaHandler = async (request: { params: ModelParams }): Promise<V2ModelMetadata> =>
    metadata(ctx, resolveModel(ctx, request.params));
  app.get<{ Params: ModelParams }>('/v2/models/:name', metaOpts, metaHandler);
  app.get<{ Params: ModelParams }>('/v2/models/:name/versions/:version', metaOpts, metaHandler);

  const readyOpts = {
    config: noLimit,
    schema: {
      tags,
      summary: 'Model readiness',
      params: V2ModelParams,
      response: { 200: V2ModelReady, '4xx': errorResponseSchema, 503: errorResponseSchema },
    },
  };
  const readyHandler = async (request: { params: ModelParams }, reply: FastifyReply): Promise<V2ModelReady> => {
    resolveModel(ctx, request.params);
    ready(reply);
    return { name: ctx.config.modelName, ready: true };
  };
  app.get<{ Params: ModelParams }>('/v2/models/:name/ready', readyOpts, readyHandler);
  app.get<{ Params: ModelParams }>('/v2/models/:name/versions/:version/ready', readyOpts, readyHandler);

  const inferOpts = {
    onRequest: ctx.auth.require('score'),
    schema: {
      tags,
      summary: 'Score a batch given as tensors',
      description:
        `One tensor per feature (shape [n]) or one [n, features] FP64 tensor; at most ${config.batchLimit} rows. null = missing value. Outputs: score, decision, risk_level, id. ` +
        'A model with feature definitions takes one tensor per raw field instead (GET /v2/models/{name} lists them), scored as /predict scores raw transactions; it adds the outputs transaction_id, duplicate and the derived features (by name, or all with parameters.features = true).',
      params: V2ModelParams,
      body: V2InferRequest,
      response: { 200: V2InferResponse, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
      ...ctx.auth.security('score'),
    },
  };
  const inferHandler = async (
    request: { params: ModelParams; body: InferRequest },
    reply: FastifyReply,
  ): Promise<V2InferResponse> => {
    const m = resolveModel(ctx, request.params);
    const body = request.body;
    if (m.definitions !== null) return inferRaw(ctx, m, body, scorer, admission, reply);
    const wanted: OutputName[] = [];
    for (const [i, o] of (body.outputs ?? []).entries()) {
      if (!(OUTPUTS as readonly string[]).includes(o.name))
        fail('REQUEST_INVALID', `outputs[${i}].name "${o.name}" is not an output; use ${OUTPUTS.join(', ')}`, 'outputs');
      wanted.push(o.name as OutputName);
    }
    const rows = transactionsFromTensors(m, body, config.batchLimit, config.requireAllFeatures);
    const opts = { explain: false, top: 0, elapsed: () => reply.elapsedTime };
    const predictions = rows.map((t) => scorer.score(m, t, opts));
    const names: readonly OutputName[] = wanted.length > 0 ? wanted : OUTPUTS;
    const response: V2InferResponse = {
      model_name: ctx.config.modelName,
      model_version: m.version,
      id: body.id ?? predictions[0].id,
      outputs: names.map((name) => outputTensor(name, predictions)),
    };
    const unknown = unknownCategoriesOf(predictions);
    if (unknown !== null) response.parameters = { unknown_categories: unknown };
    return response;
  };
  app.post<{ Params: ModelParams; Body: InferRequest }>('/v2/models/:name/infer', inferOpts, inferHandler);
  app.post<{ Params: ModelParams; Body: InferRequest }>('/v2/models/:name/versions/:version/infer', inferOpts, inferHandler);
}
