/**
 * Raw transactions over the Open Inference Protocol: the raw parity fixture replayed in batches
 * through V2 infer on one real server and through /predict on another (each with its own
 * in-process entity state, over sockets), answering the same derived features and the same scores
 * for every transaction, bit for bit (the same code derives and scores both). Then the metadata
 * of the raw inputs and derived outputs, and the refusals: a missing time, id or key tensor named,
 * wrong datatypes, a null key in a row, and a refused request leaving the state untouched.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';

import * as contract from '../../src/contract/index.js';
import { makeApp } from './helpers.js';
import { RAW_FIXTURE, RAW_MODEL, toRequest } from './raw-parity.js';

const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
const validators = new Map<object, ValidateFunction>();
function conforms(schema: object, body: unknown): void {
  let v = validators.get(schema);
  if (v === undefined) validators.set(schema, (v = ajv.compile(schema)));
  assert.ok(v(body), `${JSON.stringify(v.errors)} in ${JSON.stringify(body).slice(0, 300)}`);
}

type Value = number | string | boolean | null;
interface Tensor {
  name: string;
  datatype: string;
  shape: number[];
  data: Value[];
}
interface InferResponse {
  id: string;
  outputs: Tensor[];
  parameters?: Record<string, unknown>;
}
interface Metadata {
  inputs: { name: string; datatype: string; shape: number[] }[];
  outputs: { name: string; datatype: string }[];
}
interface Answer {
  score: number;
  decision: string;
  duplicate: boolean;
  transaction_id: string;
  features: Record<string, Value>;
}
interface Refusal {
  code: string;
  field: string;
  message: string;
}

const KEY_FIELDS = ['cc_num', 'merchant', 'category'];
const BATCH = 40;

/** Raw transactions as tensors, one per field the metadata lists, plus `city`, which no definition reads. */
function tensorsOf(bodies: readonly Record<string, unknown>[], inputs: Metadata['inputs']): Tensor[] {
  const column = (name: string) => bodies.map((b) => (b[name] ?? null) as Value);
  return [
    ...inputs.map((i) => ({ name: i.name, datatype: i.datatype, shape: [bodies.length], data: column(i.name) })),
    { name: 'city', datatype: 'BYTES', shape: [bodies.length], data: column('city') },
  ];
}

async function call<T>(base: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const out = (r: InferResponse, name: string): Value[] => {
  const t = r.outputs.find((o) => o.name === name);
  assert.ok(t, `no output ${name}`);
  return t.data;
};

describe('V2 infer takes raw transactions when the model has definitions', () => {
  const rows = (parse(readFileSync(RAW_FIXTURE), { columns: true }) as Record<string, string>[]).filter((r) =>
    KEY_FIELDS.every((k) => r[k] !== ''),
  );
  const bodies = rows.map(toRequest);
  let v2App: FastifyInstance;
  let predictApp: FastifyInstance;
  let v2: string;
  let predict: string;
  let meta: Metadata;

  before(async () => {
    ({ app: v2App } = await makeApp({ MODEL_PATH: RAW_MODEL, FRAUDLENS_BATCH_LIMIT: '64' }));
    ({ app: predictApp } = await makeApp({ MODEL_PATH: RAW_MODEL, FRAUDLENS_BATCH_LIMIT: '64' }));
    v2 = await v2App.listen({ port: 0, host: '127.0.0.1' });
    predict = await predictApp.listen({ port: 0, host: '127.0.0.1' });
    const res = await call<Metadata>(v2, '/v2/models/fraudlens');
    assert.equal(res.status, 200);
    meta = res.body;
  });
  after(async () => {
    await v2App?.close();
    await predictApp?.close();
  });

  it('lists the raw fields as inputs and the derived features as outputs', () => {
    conforms(contract.V2ModelMetadata, meta);
    const datatype = Object.fromEntries(meta.inputs.map((i) => [i.name, i.datatype]));
    assert.deepEqual(datatype, {
      unix_time: 'INT64',
      trans_num: 'BYTES',
      cc_num: 'BYTES',
      merchant: 'BYTES',
      category: 'BYTES',
      amt: 'FP64',
      gender: 'BYTES',
      city_pop: 'FP64',
      lat: 'FP64',
      long: 'FP64',
      merch_lat: 'FP64',
      merch_long: 'FP64',
      dob: 'BYTES',
    });
    const outputs = Object.fromEntries(meta.outputs.map((o) => [o.name, o.datatype]));
    assert.equal(outputs.score, 'FP64');
    assert.equal(outputs.transaction_id, 'BYTES');
    assert.equal(outputs.duplicate, 'BOOL');
    assert.equal(outputs.card_count_1h, 'FP64');
    assert.equal(outputs.category, 'BYTES', 'a category passed through is text');
    assert.equal(meta.outputs.length, 7 + 39, 'seven prediction outputs (the explanation one of them) and every derived feature');
  });

  it('answers the same features and scores as /predict for every transaction of the fixture', async () => {
    assert.ok(bodies.length > 1000, `${bodies.length} transactions`);
    let compared = 0;
    for (let i = 0; i < bodies.length; i += BATCH) {
      const chunk = bodies.slice(i, i + BATCH);
      const p = await call<{ predictions: Answer[] }>(predict, '/predict?features=true', { instances: chunk });
      assert.equal(p.status, 200, JSON.stringify(p.body));
      const r = await call<InferResponse>(v2, '/v2/models/fraudlens/infer', {
        id: `chunk-${i}`,
        parameters: { features: true },
        inputs: tensorsOf(chunk, meta.inputs),
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      if (i === 0) conforms(contract.V2InferResponse, r.body);
      assert.equal(r.body.id, `chunk-${i}`);
      const predictions = p.body.predictions;
      assert.deepEqual(
        out(r.body, 'transaction_id'),
        predictions.map((a) => a.transaction_id),
      );
      assert.deepEqual(
        out(r.body, 'score'),
        predictions.map((a) => a.score),
        `scores of rows ${i}..`,
      );
      assert.deepEqual(
        out(r.body, 'decision'),
        predictions.map((a) => a.decision),
      );
      assert.deepEqual(
        out(r.body, 'duplicate'),
        predictions.map((a) => a.duplicate),
      );
      for (const name of Object.keys(predictions[0].features)) {
        assert.deepEqual(
          out(r.body, name),
          predictions.map((a) => a.features[name]),
          `feature ${name} of rows ${i}..`,
        );
      }
      compared += chunk.length;
    }
    assert.equal(compared, bodies.length);
    // The features built up: the fixture's busiest card has earlier transactions within the hour.
    const last = await call<InferResponse>(v2, '/v2/models/fraudlens/infer', {
      inputs: tensorsOf([{ ...bodies[0], trans_num: 'v2-new' }], meta.inputs),
      outputs: [{ name: 'card_count_all' }, { name: 'score' }],
    });
    assert.equal(last.status, 200, JSON.stringify(last.body));
    assert.deepEqual(
      last.body.outputs.map((o) => o.name),
      ['card_count_all', 'score'],
    );
    assert.ok((out(last.body, 'card_count_all')[0] as number) > 1);
  });

  it('counts a transaction id sent again (within the dedupe horizon) once, and says so', async () => {
    const again = await call<InferResponse>(v2, '/v2/models/fraudlens/infer', {
      inputs: tensorsOf([bodies.at(-3)!], meta.inputs),
    });
    assert.equal(again.status, 200);
    assert.deepEqual(out(again.body, 'duplicate'), [true]);
    assert.deepEqual(
      again.body.outputs.map((o) => o.name),
      ['score', 'decision', 'risk_level', 'id', 'transaction_id', 'duplicate'],
      'no features unless asked',
    );
  });

  describe('refusals name the tensor and leave the state untouched', () => {
    const one: Record<string, unknown> = {
      ...bodies[0],
      trans_num: 'refused-1',
      unix_time: (bodies.at(-1)!.unix_time as number) + 60,
    };
    const without = (name: string) => tensorsOf([one], meta.inputs).filter((t) => t.name !== name);
    const refuse = async (payload: unknown, status: number, code: string, field: string): Promise<Refusal> => {
      const r = await call<Refusal>(v2, '/v2/models/fraudlens/infer', payload);
      assert.equal(r.status, status, JSON.stringify(r.body));
      conforms(contract.ErrorResponse, r.body);
      assert.equal(r.body.code, code, r.body.message);
      assert.equal(r.body.field, field, r.body.message);
      return r.body;
    };

    it('missing time, id or entity key tensor: 400 INPUT_MISSING_COLUMN, as /predict', async () => {
      for (const [name, what] of [
        ['unix_time', 'event time'],
        ['trans_num', 'transaction id'],
        ['cc_num', 'entity key'],
        ['category', 'entity key'],
      ]) {
        const e = await refuse({ inputs: without(name) }, 400, 'INPUT_MISSING_COLUMN', name);
        assert.match(e.message, new RegExp(`"${name}" \\(.*${what}\\)`));
        const { [name]: _dropped, ...body } = one;
        const p = await call<Refusal>(predict, '/predict', body);
        assert.equal(p.status, 400);
        assert.equal(p.body.code, e.code, `/predict answers ${name} missing with the same code`);
        assert.equal(p.body.field, name);
      }
    });

    it('a null key or time in one row: 400 naming the field and the row', async () => {
      const ts = tensorsOf([bodies[0], { ...one, cc_num: null }], meta.inputs);
      const e = await refuse({ inputs: ts }, 400, 'INPUT_MISSING_COLUMN', 'cc_num');
      assert.match(e.message, /^inputs row 1 must have the field "cc_num"/);
      const t = tensorsOf([{ ...one, unix_time: 'yesterday' }], meta.inputs).map((x) =>
        x.name === 'unix_time' ? { ...x, datatype: 'BYTES' } : x,
      );
      await refuse({ inputs: t }, 400, 'INPUT_BAD_TIME', 'unix_time');
    });

    it('wrong datatypes: 400 INPUT_WRONG_TYPE naming the tensor', async () => {
      const asNumber = tensorsOf([one], meta.inputs).map((t) =>
        t.name === 'cc_num' ? { ...t, datatype: 'INT64', data: [Number(one.cc_num)] } : t,
      );
      const e = await refuse({ inputs: asNumber }, 400, 'INPUT_WRONG_TYPE', 'cc_num');
      assert.match(e.message, /takes BYTES, got INT64/);
      const amtText = tensorsOf([one], meta.inputs).map((t) => (t.name === 'amt' ? { ...t, data: ['12.5'] } : t));
      await refuse({ inputs: amtText }, 400, 'INPUT_WRONG_TYPE', 'amt');
      const rowsDiffer = tensorsOf([one], meta.inputs).map((t) => (t.name === 'amt' ? { ...t, shape: [2], data: [1, 2] } : t));
      await refuse({ inputs: rowsDiffer }, 400, 'REQUEST_INVALID', 'amt');
      await refuse({ inputs: tensorsOf([one], meta.inputs), outputs: [{ name: 'nope' }] }, 400, 'REQUEST_INVALID', 'outputs');
      await refuse(
        { inputs: tensorsOf([one], meta.inputs), parameters: { features: 'yes' } },
        400,
        'REQUEST_INVALID',
        'features',
      );
    });

    it('after the refusals the transaction was never added', async () => {
      const r = await call<InferResponse>(v2, '/v2/models/fraudlens/infer', { inputs: tensorsOf([one], meta.inputs) });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(out(r.body, 'duplicate'), [false]);
    });
  });
});
