/**
 * Raw transactions in, for a model with feature definitions: refusals that name the field, raw
 * fields the definitions do not read ignored and never logged, duplicates counted once, batches,
 * explanations in words, /explain changing no state, the request schema in GET /model, and the
 * metrics. Every answer is checked against its contract schema. The parity of the derived
 * features with the offline replay is raw-parity.ts.
 */

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';

import * as contract from '../../src/contract/index.js';
import type { FeaturePlan } from '../../src/core/features/plan.js';
import { MemoryStateStore, type AddOutcome } from '../../src/core/features/state-store.js';
import { json, makeApp, ULB_MODEL, ulbSample } from './helpers.js';
import { FEATURE_RELATIVE_TOLERANCE, RAW_FIXTURE, RAW_MODEL, toRequest } from './raw-parity.js';
import { featuresMaker } from '../../src/server/entity-features.js';
import { fixturePath } from '../helpers/paths.js';

const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
const validators = new Map<object, ValidateFunction>();
function conforms(schema: object, body: unknown): void {
  let v = validators.get(schema);
  if (v === undefined) validators.set(schema, (v = ajv.compile(schema)));
  assert.ok(v(body), `${JSON.stringify(v.errors)} in ${JSON.stringify(body).slice(0, 300)}`);
}

/** A raw transaction of the fixture's shape, plus a raw field the definitions do not read. */
function tx(id: string, time: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    trans_num: id,
    unix_time: time,
    cc_num: '4097765637563358',
    merchant: 'fraud_Kunze Inc',
    category: 'grocery_pos',
    amt: 72.81,
    gender: 'F',
    city_pop: 224,
    lat: 31.0428,
    long: -103.6364,
    merch_lat: 30.194291,
    merch_long: -104.597484,
    dob: '1973-09-12',
    first: 'Jennifer-secret-name',
    street: '123 Secret Street',
    ...over,
  };
}

interface Pred {
  score: number;
  duplicate: boolean;
  transaction_id: string;
  features?: Record<string, number | string | null>;
  explanation?: { top: { feature: string; value: unknown; description?: string }[]; contributions: Record<string, number> };
}

const T0 = 1_550_628_576;

describe('raw transactions in', () => {
  let app: FastifyInstance;
  before(async () => {
    ({ app } = await makeApp({ MODEL_PATH: RAW_MODEL }));
  });
  after(async () => {
    await app.close();
  });

  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });

  it('derives the features from the entity state, counting earlier transactions of the card', async () => {
    const first = await post('/predict?features=true', tx('r1', T0));
    assert.equal(first.statusCode, 200, first.body);
    const a = json<Pred>(first);
    conforms(contract.PredictResponse, a);
    assert.equal(a.transaction_id, 'r1');
    assert.equal(a.duplicate, false);
    assert.equal(a.features!.card_count_1h, 0);
    assert.equal(a.features!.card_amt_mean, null, 'an empty window has no mean');
    assert.equal(a.features!.amt, 72.81);
    assert.equal(a.features!.category, 'grocery_pos');
    const b = json<Pred>(await post('/predict?features=true', tx('r2', T0 + 600, { amt: '27.19' })));
    assert.equal(b.features!.card_count_1h, 1);
    assert.equal(b.features!.card_amt_mean, 72.81);
    assert.equal(b.features!.card_seconds_since_last, 600);
    assert.equal(b.features!.amt, 27.19, 'a number sent as its decimal text');
    const c = json<Pred>(await post('/predict', tx('r3', T0 + 700)));
    assert.equal(c.features, undefined, 'features only with ?features=true');
    // The stored amount (what /performance sums as fraud amount) reads the text the same way.
    const stored = await app.inject({ method: 'GET', url: '/decisions/r2' });
    assert.equal(json<{ amount?: number }>(stored).amount, 27.19);
  });

  it('counts a repeated transaction id once and says so', async () => {
    const again = json<Pred>(await post('/predict?features=true', tx('r2', T0 + 800)));
    assert.equal(again.duplicate, true);
    const next = json<Pred>(await post('/predict?features=true', tx('r4', T0 + 900)));
    assert.equal(next.features!.card_count_1h, 3, 'r1, r2, r3: the duplicate of r2 was not added');
  });

  it('logs the derived features with the transaction id, never the raw fields', async () => {
    const res = await app.inject({ method: 'GET', url: '/logs?limit=1' });
    const { logs } = json<{ logs: { transaction_id: string; features: Record<string, unknown> }[] }>(res);
    conforms(contract.LogsResponse, json(res));
    assert.equal(logs[0].transaction_id, 'r4');
    assert.equal(logs[0].features.card_count_1h, 3);
    const text = JSON.stringify(logs);
    for (const raw of ['Jennifer-secret-name', 'Secret Street', '4097765637563358', '1973-09-12'])
      assert.ok(!text.includes(raw), `the log holds no raw value ${raw}`);
    for (const field of ['first', 'street', 'cc_num', 'dob', 'unix_time', 'trans_num'])
      assert.ok(!(field in logs[0].features), `no raw field ${field} among the logged features`);
  });

  it('refuses a transaction without its time, id or an entity key, or with a bad time or number, naming the field', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [tx('e1', T0, { unix_time: undefined }), 'INPUT_MISSING_COLUMN', 'unix_time'],
      [tx('e2', T0, { unix_time: null }), 'INPUT_MISSING_COLUMN', 'unix_time'],
      [tx('e3', T0, { unix_time: 'yesterday' }), 'INPUT_BAD_TIME', 'unix_time'],
      [tx('e4', T0, { unix_time: { at: 1 } }), 'INPUT_BAD_TIME', 'unix_time'],
      [tx('', T0), 'INPUT_MISSING_COLUMN', 'trans_num'],
      [tx('e5', T0, { cc_num: undefined }), 'INPUT_MISSING_COLUMN', 'cc_num'],
      [tx('e6', T0, { merchant: '  ' }), 'INPUT_MISSING_COLUMN', 'merchant'],
      [tx('e7', T0, { amt: 'twelve' }), 'INPUT_NOT_A_NUMBER', 'amt'],
      [tx('e8', T0, { amt: true }), 'INPUT_NOT_A_NUMBER', 'amt'],
      [tx('e9', T0, { dob: '12/09/1973' }), 'INPUT_BAD_TIME', 'dob'],
      [tx('e10', T0, { gender: ['F'] }), 'INPUT_WRONG_TYPE', 'gender'],
    ];
    for (const [body, code, field] of cases) {
      for (const url of ['/predict', '/explain']) {
        const res = await post(url, body);
        assert.equal(res.statusCode, 400, `${url} ${JSON.stringify(body)}: ${res.body}`);
        const err = json<{ code: string; field: string }>(res);
        conforms(contract.ErrorResponse, err);
        assert.equal(err.code, code, res.body);
        assert.equal(err.field, field, res.body);
      }
    }
    const body = await post('/predict', [1, 2]);
    assert.equal(body.statusCode, 400);
    assert.equal(json<{ code: string }>(body).code, 'REQUEST_INVALID');
    // None of them touched the state: the card still counts r1..r4 (four transactions).
    const next = json<Pred>(await post('/predict?features=true', tx('r5', T0 + 1000)));
    assert.equal(next.features!.card_count_1h, 4);
  });

  it('missing raw values that are not keys are scored as missing', async () => {
    const res = await post('/predict?features=true', tx('m1', T0 + 1100, { amt: null, gender: '', dob: undefined }));
    assert.equal(res.statusCode, 200, res.body);
    const p = json<Pred>(res);
    assert.equal(p.features!.amt, null);
    assert.equal(p.features!.gender, null);
    assert.equal(p.features!.age, null);
    assert.equal(p.features!.card_count_1h, 5);
  });

  it('scores a batch in order (each transaction sees the ones before it) and refuses a bad one whole', async () => {
    const card = { cc_num: '999' };
    const res = await post('/predict?features=true&explain=true', {
      instances: [tx('b1', T0, card), tx('b2', T0 + 10, card), tx('b3', T0 + 20, card)],
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = json<{ predictions: Pred[]; count: number }>(res);
    conforms(contract.PredictResponse, body);
    assert.deepEqual(
      body.predictions.map((p) => p.features!.card_count_1h),
      [0, 1, 2],
    );
    assert.ok(body.predictions.every((p) => p.explanation !== undefined));
    const bad = await post('/predict', { instances: [tx('b4', T0 + 30, card), tx('b5', T0 + 40, { cc_num: null })] });
    assert.equal(bad.statusCode, 400);
    assert.equal(json<{ field: string }>(bad).field, 'cc_num');
    assert.match(json<{ message: string }>(bad).message, /body\/instances\/1/);
    const after = json<Pred>(await post('/predict?features=true', tx('b6', T0 + 50, card)));
    assert.equal(after.features!.card_count_1h, 3, 'b4 was not added: the refused batch touched nothing');
  });

  it('explains with the derived features, their values and their meaning in words', async () => {
    const res = await post('/predict?explain=true&top=50', tx('x1', T0 + 1200));
    assert.equal(res.statusCode, 200, res.body);
    const p = json<Pred>(res);
    const top = p.explanation!.top;
    const count = top.find((t) => t.feature === 'card_count_1h');
    assert.ok(count, 'card_count_1h is among the features listed');
    assert.equal(count.value, 6);
    assert.equal(count.description, 'transactions of this card in the last hour');
    assert.equal(
      top.find((t) => t.feature === 'card_merchant_count')?.description,
      'transactions of this card merchant pair so far',
    );
    assert.ok(!('cc_num' in p.explanation!.contributions));
  });

  it('POST /explain reads the state without changing it and records nothing', async () => {
    const before = json<{ logs: unknown[] }>(await app.inject({ method: 'GET', url: '/logs?limit=1000' })).logs.length;
    for (let i = 0; i < 2; i++) {
      const res = await post('/explain?features=true', tx('probe', T0 + 1300));
      assert.equal(res.statusCode, 200, res.body);
      const e = json<Pred>(res);
      conforms(contract.ExplainResponse, e);
      assert.equal(e.features!.card_count_1h, 7);
      assert.equal(e.transaction_id, 'probe');
    }
    const batch = await post('/explain', { instances: [tx('probe2', T0 + 1300), tx('probe3', T0 + 99_999)] });
    assert.equal(batch.statusCode, 200, batch.body);
    conforms(contract.ExplainResponse, json(batch));
    const after = json<{ logs: unknown[] }>(await app.inject({ method: 'GET', url: '/logs?limit=1000' })).logs.length;
    assert.equal(after, before, 'no log record');
    const next = json<Pred>(await post('/predict?features=true', tx('probe', T0 + 1400)));
    assert.equal(next.duplicate, false, 'the probe id was not remembered');
    assert.equal(next.features!.card_count_1h, 7, 'the reads added nothing, and the read far ahead evicted nothing');
  });

  it('reads a late event against the windows as they stand and adds it at the newest time', async () => {
    const card = { cc_num: 'late-card' };
    const send = async (id: string, t: number) => json<Pred>(await post('/predict?features=true', tx(id, t, card))).features!;
    await send('l0', T0);
    await send('l1', T0 + 4000); // l0 leaves the 1 h window
    const late = await send('l2', T0 + 100);
    assert.equal(late.card_count_1h, 0, 'l0 was evicted at 4000 s and does not come back');
    assert.equal(late.card_count_all, 1, 'l0 only: l1 (not earlier than the newest read) is not admitted');
    const next = await send('l3', T0 + 4001);
    assert.equal(next.card_count_1h, 2, 'l1 and l2, added at the newest time (4000 s)');
    assert.equal(next.card_count_all, 3);
  });

  it('GET /model describes the raw request shape', async () => {
    const res = await app.inject({ method: 'GET', url: '/model' });
    const schema = json<{
      request_schema: { required: string[]; properties: Record<string, unknown>; additionalProperties: boolean };
    }>(res).request_schema;
    assert.deepEqual(schema.required, ['unix_time', 'trans_num', 'cc_num', 'merchant', 'category']);
    assert.ok('amt' in schema.properties && 'dob' in schema.properties);
    assert.ok(!('card_count_1h' in schema.properties), 'derived features are not sent');
    assert.equal(schema.additionalProperties, true, 'other raw fields are accepted and ignored');
    // Every transaction sent above validates against it.
    const validate = new Ajv({ strict: false, allowUnionTypes: true }).compile(schema);
    assert.ok(validate(tx('s1', T0)), JSON.stringify(validate.errors));
    assert.ok(!validate(tx('s2', T0, { cc_num: undefined })));
  });

  it('GET /model names the raw fields, their types, the event time and id, and describes every derived feature', async () => {
    const res = await app.inject({ method: 'GET', url: '/model' });
    const body = json<contract.ModelReport>(res);
    conforms(contract.ModelReport, body);
    const derived = body.derived_features!;
    assert.deepEqual(derived.event, {
      time_field: 'unix_time',
      time_format: 'unix_seconds',
      id_field: 'trans_num',
      timezone: 'America/New_York',
    });
    // fixtures/features/definitions.yaml, in its order, without the event time and id.
    assert.deepEqual(
      derived.fields.map((f) => [f.name, f.type, f.required]),
      [
        ['cc_num', 'key', true],
        ['merchant', 'key', true],
        ['category', 'category', true],
        ['amt', 'number', false],
        ['gender', 'category', false],
        ['city_pop', 'number', false],
        ['lat', 'number', false],
        ['long', 'number', false],
        ['merch_lat', 'number', false],
        ['merch_long', 'number', false],
        ['dob', 'date', false],
      ],
    );
    const readers = new Map(derived.fields.map((f) => [f.name, f.read_by]));
    assert.deepEqual(readers.get('dob'), ['age']);
    assert.deepEqual(readers.get('lat'), ['distance_km']);
    assert.deepEqual(readers.get('gender'), ['gender']);
    // amt feeds its own value, the card's sums and means, and every ratio built on them.
    for (const f of ['amt', 'card_amt_sum_1h', 'card_amt_mean', 'amt_over_card_mean', 'card_sum_1h_over_24h'])
      assert.ok(readers.get('amt')!.includes(f), f);
    assert.ok(!readers.get('amt')!.includes('card_count_1h'));
    assert.ok(readers.get('cc_num')!.includes('card_count_1h') && !readers.get('cc_num')!.includes('merchant_count_24h'));
    // Each model feature carries the words of its definition, as the explanations say them.
    const how = new Map(derived.features.map((f) => [f.name, f.how]));
    assert.equal(how.get('card_count_1h'), 'transactions of this card in the last hour');
    for (const f of body.features) assert.equal(f.description, how.get(f.name), f.name);
  });

  it('/metrics counts raw transactions, duplicates and refusals, and times the derivation', async () => {
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const value = (series: string): number =>
      Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    assert.ok(value('fraudlens_raw_transactions_total{outcome="added"}') >= 10);
    assert.equal(value('fraudlens_raw_transactions_total{outcome="duplicate"}'), 1);
    assert.ok(value('fraudlens_raw_transactions_total{outcome="read"}') >= 4);
    assert.ok(value('fraudlens_feature_errors_total{stage="input"}') >= 22);
    assert.equal(value('fraudlens_feature_errors_total{stage="state"}'), 0);
    assert.ok(value('fraudlens_feature_compute_seconds_count') >= 10);
    assert.ok(value('fraudlens_feature_compute_seconds_sum') > 0);
  });
});

describe('the entity state behind raw transactions', () => {
  it('survives a reload of a model with the same definitions', async () => {
    const key = { 'x-api-key': 'raw-transactions-test-key-0123' };
    const { app } = await makeApp({ MODEL_PATH: RAW_MODEL, API_KEY: key['x-api-key'] });
    try {
      await app.inject({ method: 'POST', url: '/predict', payload: tx('k1', T0), headers: key });
      const reload = await app.inject({ method: 'POST', url: '/admin/reload', headers: key });
      assert.equal(reload.statusCode, 200, reload.body);
      const res = await app.inject({ method: 'POST', url: '/predict?features=true', payload: tx('k2', T0 + 60), headers: key });
      assert.equal(json<Pred>(res).features!.card_count_1h, 1, 'k1 is still in the card history');
    } finally {
      await app.close();
    }
  });

  it('is made by the provider given to buildApp, and a failing store is a 503 counted as a state error', async () => {
    const made: FeaturePlan[] = [];
    class FailingStore extends MemoryStateStore {
      override readThenAdd(): AddOutcome {
        throw new Error('connection refused');
      }
    }
    const { app } = await makeApp(
      { MODEL_PATH: RAW_MODEL },
      {
        entityStateStore: (plan) => {
          made.push(plan);
          return new FailingStore(plan);
        },
      },
    );
    try {
      const res = await app.inject({ method: 'POST', url: '/predict', payload: tx('f1', T0) });
      assert.equal(res.statusCode, 503, res.body);
      assert.equal(json<{ code: string }>(res).code, 'FEATURES_STATE_UNAVAILABLE');
      assert.equal(made.length, 1);
      assert.equal(made[0].names.length, 39);
      const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      assert.match(metrics, /^fraudlens_feature_errors_total\{stage="state"\} 1$/m);
      const logs = json<{ logs: unknown[] }>(await app.inject({ method: 'GET', url: '/logs' })).logs;
      assert.equal(logs.length, 0, 'nothing scored, nothing logged');
    } finally {
      await app.close();
    }
  });
});

describe('PII fields with raw transactions', () => {
  it('masks derived features named in FRAUDLENS_PII_FIELDS in the log, used by the model or not', async () => {
    const { app } = await makeApp({ MODEL_PATH: RAW_MODEL, FRAUDLENS_PII_FIELDS: 'amt,card_last_amt' });
    try {
      await app.inject({ method: 'POST', url: '/predict', payload: tx('p1', T0) });
      await app.inject({ method: 'POST', url: '/predict', payload: tx('p2', T0 + 5) });
      const logs = json<{ logs: { features: Record<string, unknown> }[] }>(
        await app.inject({ method: 'GET', url: '/logs' }),
      ).logs;
      assert.equal(logs[0].features.amt, '***');
      assert.equal(logs[0].features.card_last_amt, '***');
      assert.equal(logs[0].features.card_count_1h, 1);
    } finally {
      await app.close();
    }
  });
});

describe('a model without feature definitions', () => {
  it('takes precomputed features exactly as before, without transaction fields', async () => {
    const { app } = await makeApp({ MODEL_PATH: ULB_MODEL });
    try {
      const res = await app.inject({ method: 'POST', url: '/predict?features=true', payload: ulbSample() });
      assert.equal(res.statusCode, 200, res.body);
      const p = json<Record<string, unknown>>(res);
      for (const k of ['features', 'duplicate', 'transaction_id']) assert.ok(!(k in p), k);
      const stray = await app.inject({ method: 'POST', url: '/predict', payload: { ...ulbSample(), trans_num: 'x' } });
      assert.equal(stray.statusCode, 400, 'unknown fields stay refused for feature bodies');
    } finally {
      await app.close();
    }
  });
});

describe('the entity state across reloads', () => {
  it('is off in /health and /metrics after a reload to a model without definitions, and back after one with', async () => {
    const key = { 'x-api-key': 'raw-transactions-test-key-0123' };
    const dir = mkdtempSync(join(tmpdir(), 'fraudlens-reload-state-'));
    const modelPath = join(dir, 'model.json');
    copyFileSync(RAW_MODEL, modelPath);
    const { app } = await makeApp({ MODEL_PATH: modelPath, API_KEY: key['x-api-key'] });
    const state = async (): Promise<{ status: string; detail: string }> =>
      json<{ components: { entity_state: { status: string; detail: string } } }>(await app.inject({ url: '/health' })).components
        .entity_state;
    const reload = async (from: string): Promise<void> => {
      copyFileSync(from, modelPath);
      const res = await app.inject({ method: 'POST', url: '/admin/reload', headers: key });
      assert.equal(res.statusCode, 200, res.body);
    };
    try {
      await app.inject({ method: 'POST', url: '/predict', payload: tx('r1', T0), headers: key });
      assert.equal((await state()).detail, 'memory: 1 transactions added, 0 duplicates');
      await reload(ULB_MODEL);
      assert.deepEqual(await state(), {
        status: 'off',
        redis_connected: null,
        detail: 'the served model takes precomputed features',
      });
      const metrics = (await app.inject({ url: '/metrics' })).body;
      assert.doesNotMatch(metrics, /fraudlens_entity_state_connected\{/, 'no entity state metrics while it is not in use');
      await reload(RAW_MODEL);
      assert.equal((await state()).detail, 'memory: 1 transactions added, 0 duplicates', 'the same definitions: the same state');
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the entity state warmed from history at start (FRAUDLENS_ENTITY_STATE_HISTORY)', () => {
  it('continues the history: the next transactions get the features the offline replay gives them', async () => {
    const lines = readFileSync(RAW_FIXTURE, 'utf8').trim().split('\n');
    const HISTORY_ROWS = 1000;
    const dir = mkdtempSync(join(tmpdir(), 'fraudlens-warm-state-'));
    const history = join(dir, 'history.csv');
    writeFileSync(history, `${lines.slice(0, HISTORY_ROWS + 1).join('\n')}\n`);
    const rows = parse(readFileSync(RAW_FIXTURE), { columns: true }) as Record<string, string>[];
    const offline = new Map(
      (parse(readFileSync(fixturePath('features', 'features.csv')), { columns: true }) as Record<string, string>[]).map((r) => [
        r.trans_num,
        r,
      ]),
    );
    const { app } = await makeApp({ MODEL_PATH: RAW_MODEL, FRAUDLENS_ENTITY_STATE_HISTORY: history });
    try {
      const health = json<{ components: { entity_state: { detail: string } } }>(await app.inject({ url: '/health' }));
      assert.equal(health.components.entity_state.detail, `memory: ${HISTORY_ROWS} transactions added, 0 duplicates`);
      const next = rows
        .slice(HISTORY_ROWS, HISTORY_ROWS + 40)
        .filter((r) => r.cc_num !== '' && r.merchant !== '' && r.category !== '');
      assert.ok(
        Number(offline.get(next[0].trans_num)!.card_count_all) > 0,
        'the first card has history (a cold state would fail)',
      );
      for (const row of next) {
        const res = await app.inject({ method: 'POST', url: '/predict?features=true', payload: toRequest(row) });
        assert.equal(res.statusCode, 200, res.body);
        const got = json<{ features: Record<string, number | string | null> }>(res).features;
        const want = offline.get(row.trans_num)!;
        for (const [name, value] of Object.entries(got)) {
          if (typeof value !== 'number' || !(name in want)) continue;
          const expected = Number(want[name]);
          assert.ok(
            value === expected || Math.abs(value - expected) <= FEATURE_RELATIVE_TOLERANCE * Math.abs(expected),
            `${row.trans_num} ${name}: ${value} vs offline ${want[name]}`,
          );
        }
      }
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the entity state of a model with definitions, before any transaction', () => {
  it('is open from the start: /health reports it, not "precomputed features"', async () => {
    const { app } = await makeApp({ MODEL_PATH: RAW_MODEL });
    try {
      const health = json<{ components: { entity_state: { status: string; detail: string } } }>(
        await app.inject({ url: '/health' }),
      );
      assert.equal(health.components.entity_state.status, 'ok');
      assert.equal(health.components.entity_state.detail, 'memory: 0 transactions added, 0 duplicates');
    } finally {
      await app.close();
    }
  });
});

describe('the derived features object', () => {
  it('has every name of the plan as an own property, in order, `__proto__` included', () => {
    const names = ['card_count_1h', '__proto__', 'amt', 'ratio.x-1', 'constructor'];
    const made = featuresMaker(names)([3, 'x', null, 0.5, -0]);
    assert.deepEqual(Object.keys(made), names);
    assert.equal(Object.getPrototypeOf(made), Object.prototype, 'a feature named __proto__ does not set the prototype');
    assert.equal(Object.getOwnPropertyDescriptor(made, '__proto__')?.value, 'x');
    assert.equal(made.card_count_1h, 3);
    assert.equal(made.amt, null);
    assert.equal(Object.is(made.constructor, -0), true);
  });
});
