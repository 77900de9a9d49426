/**
 * The Open Inference Protocol over gRPC, on real sockets: every RPC answers what its REST twin
 * answers. Infer is compared exactly (every output tensor, every element, the explanation
 * included) for a model of precomputed features on one server, and for the raw parity fixture
 * replayed through two servers (one per protocol, each with its own entity state). Then
 * raw_input_contents, the refusals (the same catalogue code and field as REST, with the gRPC
 * status of the HTTP one), the API key, the drain, and the port setting through startServer.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import * as grpc from '@grpc/grpc-js';
import { parse } from 'csv-parse/sync';

import { configFromValues } from '../../src/server/config.js';
import { startServer } from '../../src/server/start.js';
import {
  grpcRequestOf,
  restResponseOf,
  v2GrpcClient,
  type RestInferResponse,
  type RestTensor,
  type V2GrpcClient,
} from './grpc-client.js';
import { CREDIT_MODEL, makeApp, type TestApp } from './helpers.js';
import { RAW_FIXTURE, RAW_MODEL, toRequest } from './raw-parity.js';

/** base value + contributions = margin: the same sum in another order (as checkAdditivity allows). */
const ADDITIVITY_TOLERANCE = 1e-9;
const KEY_FIELDS = ['cc_num', 'merchant', 'category'];
const BATCH = 40;
const API_KEY = 'grpc-test-key-0123456789';

interface Served extends TestApp {
  base: string;
  client: V2GrpcClient;
}

async function serve(values: Record<string, string>): Promise<Served> {
  const t = await makeApp({ FRAUDLENS_GRPC_PORT: '0', ...values });
  const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const port = await t.app.fraudlensGrpc!.listen('127.0.0.1', 0);
  return { ...t, base, client: v2GrpcClient(port) };
}

async function rest<T>(
  base: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** The refusal of a gRPC call: its status, catalogue code, field and message. */
async function refusal(p: Promise<unknown>): Promise<{ status: grpc.status; code: string; field: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as grpc.ServiceError;
    return {
      status: err.code,
      code: String(err.metadata.get('fraudlens-code')[0]),
      field: String(err.metadata.get('fraudlens-field')[0]),
      message: err.details,
    };
  }
  assert.fail('the call succeeded');
}

const without = (r: RestInferResponse, name: string): RestInferResponse => ({
  ...r,
  outputs: r.outputs.filter((o) => o.name !== name),
});

/** Credit rows as tensors: names, numbers with a missing value, codes, an unknown category. */
const CREDIT_BODY = {
  id: 'credit-batch',
  inputs: [
    { name: 'checking_status', datatype: 'BYTES', shape: [4], data: ['A11', 'A14', null, 'A12'] },
    { name: 'duration_months', datatype: 'FP64', shape: [4, 1], data: [48, 6, null, 24] },
    { name: 'job', datatype: 'INT64', shape: [4], data: [2, 0, 1, 3] },
    { name: 'age_years', datatype: 'FP64', shape: [4], data: [22, 67, 35, 41.5] },
    { name: 'purpose', datatype: 'BYTES', shape: [4], data: ['A43', 'yacht', 'A40', null] },
  ] satisfies RestTensor[],
};

describe('gRPC V2 beside REST, one server, precomputed features', () => {
  let s: Served;
  before(async () => {
    s = await serve({ MODEL_PATH: CREDIT_MODEL });
  });
  after(async () => {
    s.client.close();
    await s.app.close();
  });

  it('answers ServerLive, ServerReady, ServerMetadata, ModelReady and ModelMetadata as REST does', async () => {
    assert.deepEqual(await s.client.call('ServerLive', {}), (await rest(s.base, '/v2/health/live')).body);
    assert.deepEqual(await s.client.call('ServerReady', {}), (await rest(s.base, '/v2/health/ready')).body);
    assert.deepEqual(await s.client.call('ServerMetadata', {}), (await rest(s.base, '/v2')).body);
    assert.deepEqual(await s.client.call('ModelReady', { name: 'fraudlens' }), { ready: true });
    const meta = await s.client.call('ModelMetadata', { name: 'fraudlens' });
    assert.deepEqual(meta, (await rest(s.base, '/v2/models/fraudlens')).body);
    const version = (meta as { versions: string[] }).versions[0];
    assert.deepEqual(await s.client.call('ModelMetadata', { name: 'fraudlens', version }), meta);
  });

  it('infers exactly what REST infers, the explanation tensor included', async () => {
    const body = {
      ...CREDIT_BODY,
      outputs: [{ name: 'score' }, { name: 'decision' }, { name: 'risk_level' }, { name: 'explanation' }, { name: 'id' }],
    };
    const r = await rest<RestInferResponse>(s.base, '/v2/models/fraudlens/infer', body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const g = restResponseOf(await s.client.call('ModelInfer', grpcRequestOf('fraudlens', body)));
    // Prediction ids are new on each call; everything else is equal, element for element.
    assert.deepEqual(without(g, 'id'), without(r.body, 'id'));
    assert.equal(g.outputs.find((o) => o.name === 'id')!.data.length, 4);
    assert.deepEqual(g.parameters, { unknown_categories: 'purpose' });

    const explanation = g.outputs.find((o) => o.name === 'explanation')!;
    assert.deepEqual(explanation.shape, [4, 21], 'twenty features, then the base value');
    const scores = g.outputs.find((o) => o.name === 'score')!.data as number[];
    for (let row = 0; row < 4; row++) {
      const sum = (explanation.data.slice(row * 21, row * 21 + 21) as number[]).reduce((a, b) => a + b, 0);
      const margin = Math.log(scores[row] / (1 - scores[row]));
      assert.ok(
        Math.abs(sum - margin) <= ADDITIVITY_TOLERANCE * Math.max(1, Math.abs(margin)),
        `row ${row}: ${sum} vs ${margin}`,
      );
    }
  });

  it('adds the explanation with parameters.explain and answers the default outputs otherwise', async () => {
    const plain = restResponseOf(await s.client.call('ModelInfer', grpcRequestOf('fraudlens', CREDIT_BODY)));
    assert.deepEqual(
      plain.outputs.map((o) => o.name),
      ['score', 'decision', 'risk_level', 'id'],
    );
    const explained = restResponseOf(
      await s.client.call('ModelInfer', grpcRequestOf('fraudlens', { ...CREDIT_BODY, parameters: { explain: true } })),
    );
    assert.deepEqual(
      explained.outputs.map((o) => o.name),
      ['score', 'decision', 'risk_level', 'id', 'explanation'],
    );
    assert.deepEqual(explained.outputs[0], plain.outputs[0]);
  });

  it('reads raw_input_contents (little-endian, BYTES length-prefixed) as it reads contents', async () => {
    const fp64 = (values: number[]): Buffer => {
      const b = Buffer.alloc(values.length * 8);
      values.forEach((v, i) => b.writeDoubleLE(v, i * 8));
      return b;
    };
    const int64 = (values: number[]): Buffer => {
      const b = Buffer.alloc(values.length * 8);
      values.forEach((v, i) => b.writeBigInt64LE(BigInt(v), i * 8));
      return b;
    };
    const bytes = (values: string[]): Buffer =>
      Buffer.concat(
        values.flatMap((v) => {
          const len = Buffer.alloc(4);
          len.writeUInt32LE(Buffer.byteLength(v));
          return [len, Buffer.from(v)];
        }),
      );
    const message = grpcRequestOf('fraudlens', { ...CREDIT_BODY, outputs: [{ name: 'score' }] });
    message.inputs = (message.inputs as Record<string, unknown>[]).map((t) => ({ ...t, contents: undefined }));
    message.raw_input_contents = [
      bytes(['A11', 'A14', '', 'A12']),
      fp64([48, 6, Number.NaN, 24]),
      int64([2, 0, 1, 3]),
      fp64([22, 67, 35, 41.5]),
      bytes(['A43', 'yacht', 'A40', '']),
    ];
    const raw = restResponseOf(await s.client.call('ModelInfer', message));
    const r = await rest<RestInferResponse>(s.base, '/v2/models/fraudlens/infer', {
      ...CREDIT_BODY,
      outputs: [{ name: 'score' }],
    });
    assert.deepEqual(raw, r.body);

    message.raw_input_contents = (message.raw_input_contents as Buffer[]).slice(1);
    const short = await refusal(s.client.call('ModelInfer', message));
    assert.deepEqual(
      [short.status, short.code, short.field],
      [grpc.status.INVALID_ARGUMENT, 'REQUEST_INVALID', 'raw_input_contents'],
    );
  });

  it('refuses as REST refuses: the same code and field, the gRPC status of the HTTP status', async () => {
    const cases: { name: string; body: { inputs: RestTensor[]; outputs?: { name: string }[] }; status: grpc.status }[] = [
      { name: 'nope', body: CREDIT_BODY, status: grpc.status.NOT_FOUND },
      {
        name: 'fraudlens',
        body: { inputs: [{ name: 'age_years', datatype: 'BYTES', shape: [1], data: ['1'] }] },
        status: grpc.status.INVALID_ARGUMENT,
      },
      {
        name: 'fraudlens',
        body: { inputs: [{ name: 'age_years', datatype: 'FP64', shape: [2], data: [1] }] },
        status: grpc.status.INVALID_ARGUMENT,
      },
      { name: 'fraudlens', body: { ...CREDIT_BODY, outputs: [{ name: 'shap' }] }, status: grpc.status.INVALID_ARGUMENT },
      {
        name: 'fraudlens',
        body: { inputs: [{ name: 'purpose', datatype: 'INT64', shape: [1], data: [999] }] },
        status: grpc.status.INVALID_ARGUMENT,
      },
    ];
    for (const c of cases) {
      const r = await rest<{ code: string; field: string; message: string; statusCode: number }>(
        s.base,
        `/v2/models/${c.name}/infer`,
        c.body,
      );
      assert.ok(r.status >= 400 && r.status < 500, JSON.stringify(r.body));
      const g = await refusal(s.client.call('ModelInfer', grpcRequestOf(c.name, c.body)));
      assert.deepEqual(
        g,
        { status: c.status, code: r.body.code, field: r.body.field, message: r.body.message },
        JSON.stringify(c.body),
      );
    }
    const fp16 = grpcRequestOf('fraudlens', { inputs: [{ name: 'age_years', datatype: 'FP64', shape: [1], data: [1] }] });
    (fp16.inputs as { datatype: string }[])[0].datatype = 'FP16';
    const g = await refusal(s.client.call('ModelInfer', fp16));
    assert.deepEqual([g.status, g.code, g.field], [grpc.status.INVALID_ARGUMENT, 'REQUEST_INVALID', 'age_years']);
    const unknownModel = await refusal(s.client.call('ModelMetadata', { name: 'other' }));
    assert.deepEqual([unknownModel.status, unknownModel.code, unknownModel.field], [grpc.status.NOT_FOUND, 'NOT_FOUND', 'name']);
  });

  it('says not ready and refuses inference while draining, as /v2/health/ready does', async () => {
    s.app.fraudlens.state.draining = true;
    try {
      assert.equal((await rest(s.base, '/v2/health/ready')).status, 503);
      assert.deepEqual(await s.client.call('ServerReady', {}), { ready: false });
      assert.deepEqual(await s.client.call('ModelReady', { name: 'fraudlens' }), { ready: false });
      assert.deepEqual(await s.client.call('ServerLive', {}), { live: true });
      const g = await refusal(s.client.call('ModelInfer', grpcRequestOf('fraudlens', CREDIT_BODY)));
      assert.deepEqual([g.status, g.code], [grpc.status.UNAVAILABLE, 'NOT_READY']);
    } finally {
      s.app.fraudlens.state.draining = false;
    }
  });
});

describe('gRPC V2 with an API key', () => {
  let s: Served;
  before(async () => {
    s = await serve({ MODEL_PATH: CREDIT_MODEL, API_KEY });
  });
  after(async () => {
    s.client.close();
    await s.app.close();
  });

  it('asks ModelInfer for the key (x-api-key or Bearer), as REST infer does, and not the health RPCs', async () => {
    const message = grpcRequestOf('fraudlens', CREDIT_BODY);
    const none = await refusal(s.client.call('ModelInfer', message));
    assert.deepEqual([none.status, none.code, none.field], [grpc.status.UNAUTHENTICATED, 'UNAUTHORIZED', 'x-api-key']);
    const wrong = await refusal(s.client.call('ModelInfer', message, { 'x-api-key': `${API_KEY}x` }));
    assert.equal(wrong.status, grpc.status.UNAUTHENTICATED);
    const byHeader = restResponseOf(await s.client.call('ModelInfer', message, { 'x-api-key': API_KEY }));
    const byBearer = restResponseOf(await s.client.call('ModelInfer', message, { authorization: `Bearer ${API_KEY}` }));
    assert.deepEqual(without(byHeader, 'id'), without(byBearer, 'id'));
    assert.deepEqual(await s.client.call('ServerReady', {}), { ready: true });
  });
});

describe('gRPC V2 infers raw transactions exactly as REST V2 does', () => {
  const rows = (parse(readFileSync(RAW_FIXTURE), { columns: true }) as Record<string, string>[]).filter((r) =>
    KEY_FIELDS.every((k) => r[k] !== ''),
  );
  const bodies = rows.map(toRequest);
  let viaRest: Served;
  let viaGrpc: Served;
  before(async () => {
    viaRest = await serve({ MODEL_PATH: RAW_MODEL, FRAUDLENS_BATCH_LIMIT: '64' });
    viaGrpc = await serve({ MODEL_PATH: RAW_MODEL, FRAUDLENS_BATCH_LIMIT: '64' });
  });
  after(async () => {
    viaRest.client.close();
    viaGrpc.client.close();
    await viaRest.app.close();
    await viaGrpc.app.close();
  });

  it('gives every transaction of the fixture the same outputs: scores, decisions, duplicates, derived features, explanations', async () => {
    const meta = (await rest<{ inputs: { name: string; datatype: string }[] }>(viaRest.base, '/v2/models/fraudlens')).body;
    assert.ok(bodies.length > 1000, `${bodies.length} transactions`);
    let compared = 0;
    let missing = 0;
    for (let i = 0; i < bodies.length; i += BATCH) {
      const chunk = bodies.slice(i, i + BATCH);
      const body = {
        id: `chunk-${i}`,
        parameters: { features: true, explain: true },
        inputs: meta.inputs.map((t) => ({
          name: t.name,
          datatype: t.datatype,
          shape: [chunk.length],
          data: chunk.map((b) => (b[t.name] ?? null) as string | number | null),
        })),
      };
      const r = await rest<RestInferResponse>(viaRest.base, '/v2/models/fraudlens/infer', body);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const g = restResponseOf(await viaGrpc.client.call('ModelInfer', grpcRequestOf('fraudlens', body)));
      assert.deepEqual(without(g, 'id'), without(r.body, 'id'), `rows ${i}..`);
      missing += g.outputs.reduce((n, o) => n + o.data.filter((v) => v === null).length, 0);
      compared += chunk.length;
    }
    assert.equal(compared, bodies.length);
    assert.ok(missing > 0, 'some derived feature is missing somewhere, so the null ↔ NaN/empty mapping was exercised');
  });
});

describe('FRAUDLENS_GRPC_PORT through startServer', () => {
  it('binds the port beside HTTP and releases it on shutdown', async () => {
    const config = configFromValues({
      LOG_LEVEL: 'silent',
      MODEL_PATH: CREDIT_MODEL,
      API_HOST: '127.0.0.1',
      API_PORT: '0',
      FRAUDLENS_GRPC_PORT: '0',
    });
    const server = await startServer(config, { handleSignals: false });
    assert.ok(server.grpcPort !== null && server.grpcPort > 0);
    const client = v2GrpcClient(server.grpcPort);
    try {
      assert.deepEqual(await client.call('ServerLive', {}), { live: true });
      assert.deepEqual((await server.shutdown('test')).timedOut, false);
      const after = await refusal(client.call('ServerLive', {}));
      assert.equal(after.status, grpc.status.UNAVAILABLE);
    } finally {
      client.close();
    }
  });

  it('is off by default', async () => {
    const config = configFromValues({ LOG_LEVEL: 'silent', MODEL_PATH: CREDIT_MODEL, API_HOST: '127.0.0.1', API_PORT: '0' });
    const server = await startServer(config, { handleSignals: false });
    assert.equal(server.grpcPort, null);
    assert.equal(server.app.fraudlensGrpc, null);
    await server.shutdown('test');
  });
});
