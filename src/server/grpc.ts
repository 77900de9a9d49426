/**
 * The Open Inference Protocol (KServe V2) over gRPC, beside the REST routes, so KServe's
 * ServingRuntime and V2 gRPC clients can call fraudlens. Every RPC is a thin translation: protobuf
 * messages become the REST shapes (src/contract/v2.ts), checked with the same schema, and go
 * through the same functions as /v2 (routes/v2.ts), so both protocols give the same answers.
 *
 * Protobuf has no null, so: an FP32/FP64 input element that is NaN, or an empty BYTES element, is
 * a missing value (null in REST); an output null (a derived feature missing in a row, the explanation of a replayed decision
 * stored without one) is NaN in FP64 and empty in BYTES. Errors carry the gRPC status closest to
 * the REST status, the message, and trailing metadata `fraudlens-code` (the catalogue code) and
 * `fraudlens-field`; OVERLOADED also sends `retry-after`. The API key, when set, is asked of
 * ModelInfer as of REST infer: metadata `x-api-key` or `authorization: Bearer <key>`.
 *
 * Off unless FRAUDLENS_GRPC_PORT is set. Shutdown: once draining, ServerReady and ModelReady say
 * false and ModelInfer answers UNAVAILABLE; app.close() waits for calls in flight.
 */

import { join } from 'node:path';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { FastifyInstance } from 'fastify';

import { V2InferRequest, type V2InferResponse, type V2OutputTensor } from '../contract/index.js';
import { FraudlensError } from '../core/errors.js';
import { PACKAGE_ROOT } from '../io/package-root.js';
import { keyFromHeaders } from './auth.js';
import type { FraudlensContext } from './context.js';
import type { ExplainAdmission, RequestCall } from './explain-admission.js';
import { v2Infer, v2ModelMetadata, v2ModelReady, v2ServerMetadata, v2ServerReady } from './routes/v2.js';
import { validationError } from './schemas.js';
import type { Scorer } from './scoring.js';
import { compileBodyValidator } from './validation.js';

/** The protocol's service definition, shipped with the package. */
export const PROTO_PATH = join(PACKAGE_ROOT, 'proto', 'grpc_predict_v2.proto');
/** The fully qualified service name clients and KServe address. */
export const GRPC_SERVICE = 'inference.GRPCInferenceService';

/** Our status for each HTTP status of the error catalogue (the mapping gRPC's own HTTP guide gives). */
function grpcStatusOf(httpStatus: number): grpc.status {
  switch (httpStatus) {
    case 400:
    case 413:
    case 422:
      return grpc.status.INVALID_ARGUMENT;
    case 401:
      return grpc.status.UNAUTHENTICATED;
    case 403:
      return grpc.status.PERMISSION_DENIED;
    case 404:
      return grpc.status.NOT_FOUND;
    case 409:
      return grpc.status.FAILED_PRECONDITION;
    case 429:
      return grpc.status.RESOURCE_EXHAUSTED;
    case 501:
      return grpc.status.UNIMPLEMENTED;
    case 503:
      return grpc.status.UNAVAILABLE;
    default:
      return grpc.status.INTERNAL;
  }
}

type Param = { bool_param?: boolean; int64_param?: number; string_param?: string; double_param?: number; uint64_param?: number };
interface GrpcContents {
  bool_contents: boolean[];
  int_contents: number[];
  int64_contents: number[];
  uint_contents: number[];
  uint64_contents: number[];
  fp32_contents: number[];
  fp64_contents: number[];
  bytes_contents: Buffer[];
}
interface GrpcInput {
  name: string;
  datatype: string;
  shape: number[];
  parameters: Record<string, Param>;
  contents: GrpcContents | null;
}
interface GrpcInferRequest {
  model_name: string;
  model_version: string;
  id: string;
  parameters: Record<string, Param>;
  inputs: GrpcInput[];
  outputs: { name: string; parameters: Record<string, Param> }[];
  raw_input_contents: Buffer[];
}

/** Element width in bytes of each fixed-width datatype in raw_input_contents, and its reader. */
const RAW_READERS: Readonly<Record<string, { width: number; read: (b: Buffer, at: number) => number | boolean }>> = {
  BOOL: { width: 1, read: (b, at) => b[at] !== 0 },
  INT8: { width: 1, read: (b, at) => b.readInt8(at) },
  INT16: { width: 2, read: (b, at) => b.readInt16LE(at) },
  INT32: { width: 4, read: (b, at) => b.readInt32LE(at) },
  INT64: { width: 8, read: (b, at) => Number(b.readBigInt64LE(at)) },
  UINT8: { width: 1, read: (b, at) => b[at] },
  UINT16: { width: 2, read: (b, at) => b.readUInt16LE(at) },
  UINT32: { width: 4, read: (b, at) => b.readUInt32LE(at) },
  UINT64: { width: 8, read: (b, at) => Number(b.readBigUInt64LE(at)) },
  FP32: { width: 4, read: (b, at) => b.readFloatLE(at) },
  FP64: { width: 8, read: (b, at) => b.readDoubleLE(at) },
};

/** Which InferTensorContents field holds each datatype. */
const CONTENTS_FIELD: Readonly<Record<string, keyof GrpcContents>> = {
  BOOL: 'bool_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
};

function invalid(message: string, field: string): never {
  throw new FraudlensError('REQUEST_INVALID', message, { field });
}

/** NaN is protobuf's only way to say "missing" in a float tensor. */
const missingAsNull = (v: unknown): unknown => (typeof v === 'number' && Number.isNaN(v) ? null : v);

/** The elements of raw_input_contents[i], decoded by the tensor's datatype. */
function decodeRaw(t: GrpcInput, raw: Buffer, i: number): unknown[] {
  const out: unknown[] = [];
  if (t.datatype === 'BYTES') {
    // A 4-byte little-endian length, then that many bytes, per element.
    for (let at = 0; at < raw.length;) {
      if (at + 4 > raw.length) invalid(`raw_input_contents[${i}] ends inside a BYTES length prefix`, t.name);
      const n = raw.readUInt32LE(at);
      if (at + 4 + n > raw.length) invalid(`raw_input_contents[${i}]: a BYTES element runs past the end`, t.name);
      out.push(n === 0 ? null : raw.toString('utf8', at + 4, at + 4 + n));
      at += 4 + n;
    }
    return out;
  }
  const reader = RAW_READERS[t.datatype];
  if (reader === undefined) invalid(`inputs[${i}] ("${t.name}"): datatype ${t.datatype} is not supported`, t.name);
  if (raw.length % reader.width !== 0)
    invalid(`raw_input_contents[${i}] holds ${raw.length} bytes, not a whole number of ${t.datatype} elements`, t.name);
  for (let at = 0; at < raw.length; at += reader.width) out.push(missingAsNull(reader.read(raw, at)));
  return out;
}

function paramValue(p: Param): unknown {
  return p.bool_param ?? p.int64_param ?? p.string_param ?? p.double_param ?? p.uint64_param;
}

function plainParams(params: Record<string, Param>): Record<string, unknown> | undefined {
  const keys = Object.keys(params);
  return keys.length === 0 ? undefined : Object.fromEntries(keys.map((k) => [k, paramValue(params[k])]));
}

/** A ModelInferRequest in the REST shape (not yet checked: the schema does that next). */
export function restRequestOf(msg: GrpcInferRequest): Record<string, unknown> {
  const raw = msg.raw_input_contents;
  if (raw.length > 0 && raw.length !== msg.inputs.length)
    invalid(`raw_input_contents holds ${raw.length} entries but there are ${msg.inputs.length} inputs`, 'raw_input_contents');
  const inputs = msg.inputs.map((t, i) => {
    let data: unknown[];
    if (raw.length > 0) data = decodeRaw(t, raw[i], i);
    else {
      const field = CONTENTS_FIELD[t.datatype];
      if (field === undefined) invalid(`inputs[${i}] ("${t.name}"): datatype ${t.datatype} is not supported`, t.name);
      const values = t.contents?.[field] ?? [];
      data =
        field === 'bytes_contents'
          ? (values as Buffer[]).map((b) => (b.length === 0 ? null : b.toString('utf8')))
          : field === 'fp32_contents' || field === 'fp64_contents'
            ? (values as number[]).map(missingAsNull)
            : [...values];
    }
    const tensor: Record<string, unknown> = { name: t.name, shape: t.shape, datatype: t.datatype, data };
    const parameters = plainParams(t.parameters);
    if (parameters !== undefined) tensor.parameters = parameters;
    return tensor;
  });
  const request: Record<string, unknown> = { inputs };
  if (msg.id !== '') request.id = msg.id;
  const parameters = plainParams(msg.parameters);
  if (parameters !== undefined) request.parameters = parameters;
  if (msg.outputs.length > 0)
    request.outputs = msg.outputs.map((o) => {
      const p = plainParams(o.parameters);
      return p === undefined ? { name: o.name } : { name: o.name, parameters: p };
    });
  return request;
}

function grpcTensor(t: V2OutputTensor): Record<string, unknown> {
  let contents: Partial<GrpcContents>;
  switch (t.datatype) {
    case 'BYTES':
      contents = { bytes_contents: t.data.map((v) => Buffer.from(v === null ? '' : String(v), 'utf8')) };
      break;
    case 'BOOL':
      contents = { bool_contents: t.data.map((v) => v === true) };
      break;
    default:
      contents = { fp64_contents: t.data.map((v) => (v === null ? Number.NaN : (v as number))) };
  }
  return { name: t.name, datatype: t.datatype, shape: t.shape, contents };
}

/** A REST infer response as a ModelInferResponse. */
export function grpcResponseOf(r: V2InferResponse): Record<string, unknown> {
  const parameters: Record<string, Param> = {};
  if (r.parameters?.unknown_categories !== undefined)
    parameters.unknown_categories = { string_param: r.parameters.unknown_categories };
  if (r.parameters?.state_fallback !== undefined) parameters.state_fallback = { bool_param: r.parameters.state_fallback };
  return { model_name: r.model_name, model_version: r.model_version, id: r.id, parameters, outputs: r.outputs.map(grpcTensor) };
}

/** The gRPC endpoint of one app: listens on demand, closes with the app. */
export interface GrpcEndpoint {
  /** Binds host:port (0: a free port); resolves with the port bound. */
  listen(host: string, port: number): Promise<number>;
  /** Cuts calls still open (the shutdown timeout ran out). */
  forceClose(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    fraudlensGrpc: GrpcEndpoint | null;
  }
}

type Unary = grpc.handleUnaryCall<Record<string, unknown>, unknown>;

/**
 * Builds the gRPC service over the app's context, scorer and explanation budget, and decorates
 * the app with it (`app.fraudlensGrpc`); app.close() shuts it down after the calls in flight.
 */
export function registerGrpc(app: FastifyInstance, ctx: FraudlensContext, scorer: Scorer, admission: ExplainAdmission): void {
  const definition = protoLoader.loadSync(PROTO_PATH, { keepCase: true, longs: Number, defaults: true, oneofs: true });
  const service = (grpc.loadPackageDefinition(definition).inference as grpc.GrpcObject)
    .GRPCInferenceService as grpc.ServiceClientConstructor;
  const validate = compileBodyValidator(V2InferRequest);

  /** Runs `answer`, turning a thrown error into the call's status and trailing metadata. */
  const unary =
    (answer: (request: Record<string, unknown>, call: RequestCall, metadata: grpc.Metadata) => unknown): Unary =>
    (call, callback) => {
      const started = performance.now();
      const trailer = new grpc.Metadata();
      const requestCall: RequestCall = {
        get elapsedTime() {
          return performance.now() - started;
        },
        header: (name: string, value: string) => trailer.set(name, value),
      };
      Promise.resolve()
        .then(() => answer(call.request, requestCall, call.metadata))
        .then(
          (value) => callback(null, value, trailer),
          (e: unknown) => {
            if (e instanceof FraudlensError) {
              trailer.set('fraudlens-code', e.code);
              if (e.location.field !== undefined) trailer.set('fraudlens-field', e.location.field);
              callback({ code: grpcStatusOf(e.statusCode), details: e.message, metadata: trailer });
            } else {
              app.log.error({ err: e }, 'gRPC call failed');
              callback({ code: grpc.status.INTERNAL, details: 'internal error', metadata: trailer });
            }
          },
        );
    };
  const params = (r: Record<string, unknown>): { name: string; version?: string } =>
    r.version === '' || r.version === undefined ? { name: String(r.name) } : { name: String(r.name), version: String(r.version) };
  const readiness = (check: () => unknown): boolean => {
    try {
      check();
      return true;
    } catch (e) {
      if (e instanceof FraudlensError && e.code === 'NOT_READY') return false;
      throw e;
    }
  };

  const server = new grpc.Server({
    // The REST body limit bounds a gRPC request too.
    'grpc.max_receive_message_length': ctx.config.bodyLimit,
  });
  server.addService(service.service, {
    ServerLive: unary(() => ({ live: true })),
    ServerReady: unary(() => ({ ready: readiness(() => v2ServerReady(ctx)) })),
    ModelReady: unary((r) => ({ ready: readiness(() => v2ModelReady(ctx, params(r))) })),
    ServerMetadata: unary(() => v2ServerMetadata()),
    ModelMetadata: unary((r) => v2ModelMetadata(ctx, params(r))),
    ModelInfer: unary(async (r, call, metadata) => {
      if (ctx.state.draining) throw new FraudlensError('NOT_READY', 'the server is shutting down');
      ctx.auth.authorize(keyFromHeaders(metadata.get('x-api-key')[0], metadata.get('authorization')[0]), 'score');
      const msg = r as unknown as GrpcInferRequest;
      const body = restRequestOf(msg);
      if (!validate(body)) throw validationError(validate.errors![0], { context: 'request', data: body });
      const version = msg.model_version === '' ? {} : { version: msg.model_version };
      const response = await v2Infer(ctx, scorer, admission, { name: msg.model_name, ...version }, body as V2InferRequest, call);
      return grpcResponseOf(response);
    }),
  });

  let bound = false;
  app.decorate('fraudlensGrpc', {
    listen: (host: string, port: number) =>
      new Promise<number>((resolve, reject) => {
        const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
        server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, actual) => {
          if (err !== null) {
            reject(
              new FraudlensError(
                'CONFIG_INVALID',
                `cannot listen for gRPC on ${address} (${err.message}); choose another FRAUDLENS_GRPC_PORT`,
                {
                  field: 'FRAUDLENS_GRPC_PORT',
                },
              ),
            );
            return;
          }
          bound = true;
          resolve(actual);
        });
      }),
    forceClose: () => server.forceShutdown(),
  } satisfies GrpcEndpoint);
  app.addHook('onClose', async () => {
    if (!bound) {
      server.forceShutdown();
      return;
    }
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  });
}
