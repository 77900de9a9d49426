/**
 * A V2 gRPC client for the tests, built from the shipped .proto with grpc-js (as any client would
 * be), and the translation of REST-shaped tensors to protobuf messages and back, so a test can
 * send one request over both protocols and compare the answers as REST shapes.
 */

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

import { PROTO_PATH } from '../../src/server/grpc.js';

export type Value = number | string | boolean | null;
export interface RestTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: Value[];
}
export interface RestInferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: RestTensor[];
  parameters?: Record<string, unknown>;
}

type Message = Record<string, unknown>;

export interface V2GrpcClient {
  /** One unary call; rejects with the grpc-js ServiceError (code, details, metadata). */
  call<T = Message>(method: string, request: Message, metadata?: Record<string, string>): Promise<T>;
  close(): void;
}

export function v2GrpcClient(port: number): V2GrpcClient {
  const definition = protoLoader.loadSync(PROTO_PATH, { keepCase: true, longs: Number, defaults: true, oneofs: true });
  const Service = (grpc.loadPackageDefinition(definition).inference as grpc.GrpcObject)
    .GRPCInferenceService as grpc.ServiceClientConstructor;
  const client = new Service(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    call: <T>(method: string, request: Message, metadata: Record<string, string> = {}) =>
      new Promise<T>((resolve, reject) => {
        const md = new grpc.Metadata();
        for (const [k, v] of Object.entries(metadata)) md.set(k, v);
        const fn = client[method] as (r: Message, m: grpc.Metadata, cb: (e: grpc.ServiceError | null, v: T) => void) => void;
        fn.call(client, request, md, (e, v) => (e !== null ? reject(e) : resolve(v)));
      }),
    close: () => client.close(),
  };
}

/** Which contents field a test sends each datatype in. */
const FIELD: Record<string, string> = {
  FP64: 'fp64_contents',
  FP32: 'fp32_contents',
  INT64: 'int64_contents',
  INT32: 'int_contents',
  BYTES: 'bytes_contents',
  BOOL: 'bool_contents',
};

/** A REST infer body as a ModelInferRequest: null becomes NaN (floats) or empty bytes (BYTES). */
export function grpcRequestOf(
  name: string,
  body: { id?: string; inputs: RestTensor[]; outputs?: { name: string }[]; parameters?: Record<string, boolean> },
): Message {
  return {
    model_name: name,
    id: body.id ?? '',
    parameters: Object.fromEntries(Object.entries(body.parameters ?? {}).map(([k, v]) => [k, { bool_param: v }])),
    outputs: body.outputs ?? [],
    inputs: body.inputs.map((t) => ({
      name: t.name,
      datatype: t.datatype,
      shape: t.shape,
      contents: {
        [FIELD[t.datatype]]: t.data
          .flat()
          .map((v) => (t.datatype === 'BYTES' ? Buffer.from(v === null ? '' : String(v)) : v === null ? Number.NaN : v)),
      },
    })),
  };
}

interface GrpcOutput {
  name: string;
  datatype: string;
  shape: number[];
  contents: { fp64_contents: number[]; bytes_contents: Buffer[]; bool_contents: boolean[] };
}

/** A ModelInferResponse in the REST shape: NaN and empty bytes become null again. */
export function restResponseOf(r: Message): RestInferResponse {
  const params = r.parameters as Record<string, Record<string, unknown>>;
  const out: RestInferResponse = {
    model_name: r.model_name as string,
    model_version: r.model_version as string,
    id: r.id as string,
    outputs: (r.outputs as GrpcOutput[]).map((o) => ({
      name: o.name,
      datatype: o.datatype,
      shape: o.shape,
      data:
        o.datatype === 'BYTES'
          ? o.contents.bytes_contents.map((b) => (b.length === 0 ? null : b.toString('utf8')))
          : o.datatype === 'BOOL'
            ? o.contents.bool_contents
            : o.contents.fp64_contents.map((v) => (Number.isNaN(v) ? null : v)),
    })),
  };
  if (Object.keys(params).length > 0)
    out.parameters = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p[p.parameter_choice as string]]));
  return out;
}
