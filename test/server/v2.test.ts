/** Open Inference Protocol V2 endpoints: metadata, readiness, and infer in both input layouts. */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { CREDIT_MODEL, json, makeApp, ulbSample, type TestApp } from './helpers.js';

interface InferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: { name: string; datatype: string; shape: number[]; data: (number | string)[] }[];
}

const output = (r: InferResponse, name: string) => r.outputs.find((o) => o.name === name)!;

describe('V2 server and model metadata', () => {
  let t: TestApp;
  before(async () => {
    t = await makeApp({ MODEL_PATH: CREDIT_MODEL });
  });
  after(() => t.app.close());

  it('answers /v2, /v2/health/live, /v2/health/ready', async () => {
    assert.deepEqual(json(await t.app.inject({ url: '/v2' })), {
      name: 'fraudlens',
      version: json<{ version: string }>(await t.app.inject({ url: '/health' })).version,
      extensions: [],
    });
    assert.deepEqual(json(await t.app.inject({ url: '/v2/health/live' })), { live: true });
    assert.deepEqual(json(await t.app.inject({ url: '/v2/health/ready' })), { ready: true });
  });

  it('describes the model: one input per feature with its datatype', async () => {
    const meta = json<{
      name: string;
      versions: string[];
      inputs: { name: string; datatype: string }[];
      outputs: { name: string; datatype: string; shape: number[] }[];
    }>(await t.app.inject({ url: '/v2/models/fraudlens' }));
    assert.equal(meta.name, 'fraudlens');
    assert.deepEqual(meta.versions, ['credit-names-1']);
    assert.equal(meta.inputs.length, 20);
    assert.equal(meta.inputs.find((i) => i.name === 'purpose')?.datatype, 'BYTES');
    assert.equal(meta.inputs.find((i) => i.name === 'job')?.datatype, 'INT64');
    assert.equal(meta.inputs.find((i) => i.name === 'age_years')?.datatype, 'FP64');
    assert.deepEqual(
      meta.outputs.map((o) => o.name),
      ['score', 'decision', 'risk_level', 'id', 'explanation'],
    );
    assert.deepEqual(
      meta.outputs.find((o) => o.name === 'explanation'),
      { name: 'explanation', datatype: 'FP64', shape: [-1, 21] },
      'twenty features, then the base value',
    );
    assert.equal((await t.app.inject({ url: '/v2/models/fraudlens/versions/credit-names-1' })).statusCode, 200);
    assert.deepEqual(json(await t.app.inject({ url: '/v2/models/fraudlens/ready' })), { name: 'fraudlens', ready: true });
  });

  it('404s for another model name or version', async () => {
    const res = await t.app.inject({ url: '/v2/models/other' });
    assert.equal(res.statusCode, 404);
    assert.equal(json(res).code, 'NOT_FOUND');
    assert.equal(json(res).field, 'name');
    assert.equal(json(await t.app.inject({ url: '/v2/models/fraudlens/versions/0/ready' })).field, 'version');
  });
});

describe('POST /v2/models/{name}/infer', () => {
  let t: TestApp;
  before(async () => {
    t = await makeApp({ MODEL_PATH: CREDIT_MODEL, FRAUDLENS_BATCH_LIMIT: '4', FRAUDLENS_UNKNOWN_CATEGORIES: 'reject' });
  });
  after(() => t.app.close());
  const infer = (payload: unknown) =>
    t.app.inject({ method: 'POST', url: '/v2/models/fraudlens/infer', payload: payload as Record<string, unknown> });
  const score = async (body: Record<string, unknown>) =>
    json<{ score: number }>(await t.app.inject({ method: 'POST', url: '/predict', payload: body })).score;

  it('takes one tensor per feature (FP64, BYTES names, INT64 codes; null = missing) and scores like /predict', async () => {
    const res = await infer({
      id: 'req-1',
      inputs: [
        { name: 'checking_status', shape: [2], datatype: 'BYTES', data: ['A11', 'A14'] },
        { name: 'duration_months', shape: [2, 1], datatype: 'FP64', data: [[48], [6]] },
        { name: 'job', shape: [2], datatype: 'INT64', data: [2, null] },
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    const r = json<InferResponse>(res);
    assert.equal(r.id, 'req-1');
    assert.equal(r.model_version, 'credit-names-1');
    const s = output(r, 'score');
    assert.deepEqual([s.datatype, s.shape], ['FP64', [2]]);
    assert.equal(s.data[0], await score({ checking_status: 'A11', duration_months: 48, job: 2 }));
    assert.equal(s.data[1], await score({ checking_status: 'A14', duration_months: 6 }));
    assert.equal(output(r, 'decision').datatype, 'BYTES');
    assert.equal(output(r, 'id').data.length, 2);
  });

  it('takes one [n, features] FP64 matrix, flat or nested, categories as codes', async () => {
    const row = new Array<number | null>(20).fill(null);
    row[0] = 3; // checking_status code 3 = A14
    row[1] = 12;
    const nested = json<InferResponse>(
      await infer({ inputs: [{ name: 'input', shape: [1, 20], datatype: 'FP64', data: [row] }] }),
    );
    const flat = json<InferResponse>(
      await infer({ inputs: [{ name: 'x', shape: [1, 20], datatype: 'FP64', data: row }], outputs: [{ name: 'score' }] }),
    );
    const expected = await score({ checking_status: 'A14', duration_months: 12 });
    assert.equal(output(nested, 'score').data[0], expected);
    assert.deepEqual(
      flat.outputs.map((o) => o.name),
      ['score'],
    );
    assert.equal(flat.outputs[0].data[0], expected);
  });

  it('refuses bad tensors with codes and fields', async () => {
    const cases: [unknown, string, string?][] = [
      [
        {
          inputs: [
            { name: 'nope', shape: [1], datatype: 'FP64', data: [1] },
            { name: 'job', shape: [1], datatype: 'INT64', data: [1] },
          ],
        },
        'REQUEST_INVALID',
        'nope',
      ],
      [{ inputs: [{ name: 'age_years', shape: [2], datatype: 'FP64', data: [1] }] }, 'REQUEST_INVALID', 'data'],
      [{ inputs: [{ name: 'age_years', shape: [1], datatype: 'FP64', data: ['x'] }] }, 'INPUT_WRONG_TYPE', 'age_years'],
      [{ inputs: [{ name: 'age_years', shape: [1], datatype: 'BYTES', data: ['1'] }] }, 'INPUT_WRONG_TYPE', 'age_years'],
      [{ inputs: [{ name: 'purpose', shape: [1], datatype: 'BYTES', data: ['yacht'] }] }, 'INPUT_UNKNOWN_CATEGORY', 'purpose'],
      [{ inputs: [{ name: 'purpose', shape: [1], datatype: 'FP64', data: [1] }] }, 'INPUT_WRONG_TYPE', 'purpose'],
      [{ inputs: [{ name: 'job', shape: [1], datatype: 'INT64', data: [-2] }] }, 'INPUT_UNKNOWN_CATEGORY', 'job'],
      [
        { inputs: [{ name: 'm', shape: [1, 20], datatype: 'FP64', data: [99, ...new Array(19).fill(null)] }] },
        'INPUT_UNKNOWN_CATEGORY',
        'checking_status',
      ],
      [{ inputs: [{ name: 'm', shape: [1, 19], datatype: 'FP64', data: new Array(19).fill(0) }] }, 'REQUEST_INVALID', 'shape'],
      [{ inputs: [{ name: 'age_years', shape: [5], datatype: 'FP64', data: [1, 2, 3, 4, 5] }] }, 'REQUEST_TOO_LARGE', 'shape'],
      [{ inputs: [{ name: 'age_years', shape: [0], datatype: 'FP64', data: [] }] }, 'REQUEST_INVALID', 'shape'],
      [
        {
          inputs: [
            { name: 'age_years', shape: [1], datatype: 'FP64', data: [1] },
            { name: 'age_years', shape: [1], datatype: 'FP64', data: [1] },
          ],
        },
        'REQUEST_INVALID',
        'age_years',
      ],
      [
        {
          inputs: [
            { name: 'age_years', shape: [1], datatype: 'FP64', data: [1] },
            { name: 'job', shape: [2], datatype: 'INT64', data: [1, 1] },
          ],
        },
        'REQUEST_INVALID',
        'job',
      ],
      [
        { inputs: [{ name: 'age_years', shape: [1], datatype: 'FP64', data: [1] }], outputs: [{ name: 'shap' }] },
        'REQUEST_INVALID',
        'outputs',
      ],
      [{ inputs: [] }, 'REQUEST_INVALID', 'inputs'],
      [{ inputs: [{ name: 'age_years', shape: [1], datatype: 'FP64' }] }, 'REQUEST_INVALID', 'data'],
      [{ inputs: [{ name: 'age_years', shape: [1], datatype: 'FP64', data: [1], extra: 1 }] }, 'REQUEST_INVALID', 'extra'],
      [{}, 'REQUEST_INVALID', 'inputs'],
    ];
    for (const [payload, code, field] of cases) {
      const res = await infer(payload);
      assert.equal(json(res).code, code, `${JSON.stringify(payload)} → ${res.body}`);
      if (field !== undefined) assert.equal(json(res).field, field, `${JSON.stringify(payload)} → ${res.body}`);
    }
    const inf = await t.app.inject({
      method: 'POST',
      url: '/v2/models/fraudlens/infer',
      payload: '{"inputs":[{"name":"age_years","shape":[1],"datatype":"FP64","data":[1e999]}]}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(json(inf).code, 'INPUT_NOT_A_NUMBER');
  });
});

describe('V2 infer on a numeric model', () => {
  it('scores the peers-shaped sample the same as /predict', async () => {
    const t = await makeApp();
    try {
      const body = ulbSample();
      const names = Object.keys(body);
      const res = await t.app.inject({
        method: 'POST',
        url: '/v2/models/fraudlens/infer',
        payload: { inputs: names.map((n) => ({ name: n, shape: [1], datatype: 'FP32', data: [body[n]] })) },
      });
      const p = json<{ score: number }>(await t.app.inject({ method: 'POST', url: '/predict', payload: body }));
      assert.equal(output(json<InferResponse>(res), 'score').data[0], p.score);
    } finally {
      await t.app.close();
    }
  });
});
