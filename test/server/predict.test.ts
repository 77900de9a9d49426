/**
 * POST /predict in-process: scores equal the engine's, explanations add up, batches, missing
 * values, named and coded categories checked against XGBoost's own margins.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { Predictor, sigmoid } from '../../src/core/engine/predict.js';
import { fixturePath } from '../helpers/paths.js';
import { CREDIT_MODEL, json, loadCached, makeApp, ulbSample, ULB_MODEL, type TestApp } from './helpers.js';

/** Scores are computed by the same float arithmetic: only rounding of the JSON text may differ. */
const SCORE_EXACT = 1e-15;
/** XGBoost's margins were printed from float32 sums. */
const XGB_MARGIN_TOL = 1e-5;
/** TreeSHAP additivity, as checked by the engine. */
const ADDITIVE_TOL = 1e-6;

interface PredictionBody {
  id: string;
  model_version: string;
  score: number;
  decision: string;
  risk_level: string;
  thresholds: { review: number; decline: number };
  latency_ms: number;
  reasons: { kind: string; code: string; text: string }[];
  explanation?: {
    base_value: number;
    margin: number;
    units: string;
    contributions: Record<string, number>;
    top: { feature: string; value: unknown; contribution: number }[];
  };
}

async function engineScore(path: string, values: (number | null)[]): Promise<number> {
  const { model } = await loadCached(path);
  const p = new Predictor(model.ensemble);
  return sigmoid(p.predictRowMargin(values.map((v) => (v === null ? NaN : v))));
}

describe('POST /predict (numeric XGBoost model)', () => {
  let t: TestApp;
  before(async () => {
    t = await makeApp();
  });
  after(() => t.app.close());

  it('scores one transaction like the engine and returns the documented fields', async () => {
    const body = ulbSample();
    const res = await t.app.inject({ method: 'POST', url: '/predict', payload: body });
    assert.equal(res.statusCode, 200);
    const p = json<PredictionBody>(res);
    const { model } = await loadCached(ULB_MODEL);
    const expected = await engineScore(
      ULB_MODEL,
      model.features.map((f) => body[f.name]),
    );
    assert.ok(Math.abs(p.score - expected) <= SCORE_EXACT, `${p.score} vs ${expected}`);
    assert.match(p.id, /^[0-9a-f-]{36}$/);
    assert.equal(p.model_version, model.version);
    assert.deepEqual(Object.keys(p).sort(), [
      'decision',
      'id',
      'latency_ms',
      'model_version',
      'reasons',
      'risk_level',
      'score',
      'thresholds',
    ]);
    assert.equal(p.thresholds.review, model.thresholds.review);
    assert.ok(p.latency_ms >= 0);
    const want = p.score >= p.thresholds.decline ? 'decline' : p.score >= p.thresholds.review ? 'review' : 'approve';
    assert.equal(p.decision, want);
    assert.equal(p.risk_level, { approve: 'low', review: 'medium', decline: 'high' }[want]);
    // Without a rules file the thresholds decide, and the first reason says which.
    assert.equal(p.reasons[0].code, `threshold_${want}`);
  });

  it('treats null and absent features as missing values', async () => {
    const body: Record<string, number | null> = { ...ulbSample() };
    body.V14 = null;
    delete body.V4;
    const res = await t.app.inject({ method: 'POST', url: '/predict', payload: body });
    assert.equal(res.statusCode, 200);
    const { model } = await loadCached(ULB_MODEL);
    const expected = await engineScore(
      ULB_MODEL,
      model.features.map((f) => (f.name in body ? body[f.name] : null)),
    );
    assert.ok(Math.abs(json<PredictionBody>(res).score - expected) <= SCORE_EXACT);
    const empty = await t.app.inject({ method: 'POST', url: '/predict', payload: {} });
    assert.equal(empty.statusCode, 200);
    assert.ok(
      Math.abs(
        json<PredictionBody>(empty).score -
          (await engineScore(
            ULB_MODEL,
            model.features.map(() => null),
          )),
      ) <= SCORE_EXACT,
    );
  });

  it('explains on request: contributions + base_value = margin, top sorted by |contribution|', async () => {
    const body = ulbSample();
    const res = await t.app.inject({ method: 'POST', url: '/predict?explain=true&top=4', payload: body });
    assert.equal(res.statusCode, 200);
    const p = json<PredictionBody>(res);
    const e = p.explanation!;
    assert.equal(e.units, 'log-odds');
    const sum = Object.values(e.contributions).reduce((a, b) => a + b, e.base_value);
    assert.ok(Math.abs(sum - e.margin) <= ADDITIVE_TOL, `${sum} vs ${e.margin}`);
    assert.ok(Math.abs(sigmoid(e.margin) - p.score) <= 1e-12);
    assert.equal(Object.keys(e.contributions).length, 30);
    assert.equal(e.top.length, 4);
    for (let i = 1; i < e.top.length; i++) assert.ok(Math.abs(e.top[i - 1].contribution) >= Math.abs(e.top[i].contribution));
    for (const item of e.top) {
      assert.equal(item.value, body[item.feature]);
      assert.equal(item.contribution, e.contributions[item.feature]);
    }
    const plain = await t.app.inject({ method: 'POST', url: '/predict?explain=false', payload: body });
    assert.equal(json<PredictionBody>(plain).explanation, undefined);
    const dflt = await t.app.inject({ method: 'POST', url: '/predict?explain=true', payload: body });
    assert.equal(json<PredictionBody>(dflt).explanation!.top.length, t.config.explainTop);
  });

  it('scores a batch in order, each with its own id', async () => {
    const a = ulbSample();
    const b = { ...a, V14: -9, V12: -7 };
    const res = await t.app.inject({ method: 'POST', url: '/predict?explain=true', payload: { instances: [a, b, {}] } });
    assert.equal(res.statusCode, 200);
    const out = json<{ predictions: PredictionBody[]; count: number }>(res);
    assert.equal(out.count, 3);
    const singles = await Promise.all(
      [a, b, {}].map(
        async (x) => json<PredictionBody>(await t.app.inject({ method: 'POST', url: '/predict', payload: x })).score,
      ),
    );
    assert.deepEqual(
      out.predictions.map((p) => p.score),
      singles,
    );
    assert.equal(new Set(out.predictions.map((p) => p.id)).size, 3);
    assert.ok(out.predictions.every((p) => p.explanation !== undefined));
  });
});

describe('POST /predict (categorical model: names and codes)', () => {
  let t: TestApp;
  before(async () => {
    t = await makeApp({ MODEL_PATH: CREDIT_MODEL });
  });
  after(() => t.app.close());

  it('matches XGBoost margins with categories sent by name (and job as a code)', async () => {
    const fx = JSON.parse(readFileSync(fixturePath('xgboost', 'categorical.fixture.json'), 'utf8')) as {
      feature_names: string[];
      categories: Record<string, string[]>;
      rows: (number | null)[][];
      row_kind: string[];
      expected: { margin: number[] };
    };
    let checked = 0;
    for (let r = 0; r < fx.rows.length && checked < 40; r++) {
      if (fx.row_kind[r] !== 'data') continue;
      const body: Record<string, string | number | null> = {};
      let usable = true;
      fx.feature_names.forEach((name, j) => {
        const v = fx.rows[r][j];
        if (v === null) return;
        if (name in fx.categories && name !== 'job') {
          const label = fx.categories[name][v];
          if (label === undefined) usable = false;
          body[name] = label;
        } else body[name] = v;
      });
      if (!usable) continue;
      const res = await t.app.inject({ method: 'POST', url: '/predict?explain=true', payload: body });
      assert.equal(res.statusCode, 200, res.body);
      const p = json<PredictionBody>(res);
      assert.ok(
        Math.abs(p.explanation!.margin - fx.expected.margin[r]) <= XGB_MARGIN_TOL,
        `row ${r}: ${p.explanation!.margin} vs ${fx.expected.margin[r]}`,
      );
      checked++;
    }
    assert.ok(checked >= 20, `only ${checked} rows checked`);
  });

  it('uses the model thresholds (review 0.3, decline 0.7)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/predict',
      payload: { checking_status: 'A11', duration_months: 48, credit_amount: 9000 },
    });
    const p = json<PredictionBody>(res);
    assert.deepEqual([p.thresholds.review, p.thresholds.decline], [0.3, 0.7]);
    assert.equal(p.model_version, 'credit-names-1');
  });

  it('shows category names as sent in explanation.top', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/predict?explain=true&top=20',
      payload: { checking_status: 'A14', purpose: 'A43', job: 2 },
    });
    const top = json<PredictionBody>(res).explanation!.top;
    assert.equal(top.find((x) => x.feature === 'checking_status')?.value, 'A14');
    assert.equal(top.find((x) => x.feature === 'job')?.value, 2);
    assert.equal(top.find((x) => x.feature === 'age_years')?.value, null);
  });
});

describe('FRAUDLENS_REQUIRE_ALL_FEATURES', () => {
  it('refuses a transaction that omits a feature, naming it', async () => {
    const t = await makeApp({ FRAUDLENS_REQUIRE_ALL_FEATURES: 'true' });
    try {
      const body: Record<string, number> = { ...ulbSample() };
      delete body.Amount;
      const res = await t.app.inject({ method: 'POST', url: '/predict', payload: body });
      assert.equal(res.statusCode, 400);
      assert.equal(json(res).code, 'INPUT_MISSING_COLUMN');
      assert.equal(json(res).field, 'Amount');
      const ok = await t.app.inject({ method: 'POST', url: '/predict', payload: { ...body, Amount: null } });
      assert.equal(ok.statusCode, 200);
    } finally {
      await t.app.close();
    }
  });
});
