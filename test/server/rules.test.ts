/**
 * Rules beside the model in the server: the order (block, review, allow; first match; else the
 * thresholds), reason codes on every decision (the deciding rule or threshold, then the features
 * pushing towards fraud, in words), GET /rules and /model's rules version, reloads that refuse a
 * bad file with its path while the rules in force keep serving, a model reload refused when the
 * rules read a feature it lacks, raw transactions (rules over raw fields and derived features),
 * and the per-rule counts in /metrics. Answers are checked against their contract schemas.
 */

import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Ajv, type ValidateFunction } from 'ajv';

import * as contract from '../../src/contract/index.js';
import { FraudlensError } from '../../src/core/errors.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { json, makeApp, ULB_MODEL, type TestApp } from './helpers.js';
import { RAW_MODEL } from './raw-parity.js';

const KEY = 'rules-test-key-0123456789';
const AUTH = { 'x-api-key': KEY };
/** A model of precomputed features (the demo before it took raw transactions). */
const DEMO_MODEL = join(REPO_ROOT, 'fixtures', 'precomputed', 'model.json');

const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
const validators = new Map<object, ValidateFunction>();
function conforms(schema: object, body: unknown): void {
  let v = validators.get(schema);
  if (v === undefined) validators.set(schema, (v = ajv.compile(schema)));
  assert.ok(v(body), `${JSON.stringify(v.errors)} in ${JSON.stringify(body).slice(0, 300)}`);
}

interface Reason {
  kind: string;
  code: string;
  text: string;
  feature?: string;
  value?: unknown;
  contribution?: number;
}
interface Pred {
  score: number;
  decision: string;
  rule_id?: string;
  rules_version?: string;
  reasons: Reason[];
  thresholds: { review: number; decline: number };
  explanation?: { contributions: Record<string, number>; top: unknown[] };
}

/** Allow listed first on purpose: block and review rules are tried before it whatever the file order. */
const DEMO_RULES = `
version: 1
rules:
  - id: allow_small
    action: allow
    when: amt < 10
    reason: Small amounts are never worth a review
  - id: review_night
    action: review
    when: hour in [0, 1, 2, 3] and amt >= 300
    reason: Large purchase in the middle of the night
  - id: block_online_huge
    action: block
    when: category == "shopping_net" and (amt > 2000 or amt < 5)
    reason: Online purchase of an unusual amount
`;

const BASE = {
  amt: 50,
  category: 'grocery_pos',
  gender: 'F',
  city_pop: 5000,
  age: 40,
  hour: 14,
  day_of_week: 2,
  distance_km: 60,
};

describe('rules beside a model of precomputed features', () => {
  let t: TestApp;
  let dir: string;
  const post = (url: string, payload: unknown) =>
    t.app.inject({ method: 'POST', url, payload: payload as object, headers: AUTH });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fraudlens-rules-'));
    await copyFile(DEMO_MODEL, join(dir, 'model.json'));
    await writeFile(join(dir, 'rules.yaml'), DEMO_RULES);
    t = await makeApp({ MODEL_PATH: join(dir, 'model.json'), FRAUDLENS_RULES_PATH: join(dir, 'rules.yaml'), API_KEY: KEY });
  });
  after(async () => {
    await t.app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('tries block rules, then review, then allow; the first match decides, with its reason', async () => {
    // Matches block_online_huge and allow_small: block comes first although allow is first in the file.
    const blocked = json<Pred>(await post('/predict', { ...BASE, category: 'shopping_net', amt: 3 }));
    conforms(contract.PredictResponse, blocked);
    assert.equal(blocked.decision, 'decline');
    assert.equal(blocked.rule_id, 'block_online_huge');
    assert.deepEqual(blocked.reasons[0], {
      kind: 'rule',
      code: 'block_online_huge',
      text: 'Online purchase of an unusual amount',
    });
    assert.match(blocked.rules_version!, /^rules-[0-9a-f]{12}$/);

    const allowed = json<Pred>(await post('/predict', { ...BASE, amt: 3 }));
    assert.equal(allowed.decision, 'approve');
    assert.equal(allowed.rule_id, 'allow_small');
    assert.deepEqual(allowed.reasons, [{ kind: 'rule', code: 'allow_small', text: 'Small amounts are never worth a review' }]);

    const reviewed = json<Pred>(await post('/predict', { ...BASE, hour: 2, amt: 300 }));
    assert.equal(reviewed.decision, 'review');
    assert.equal(reviewed.rule_id, 'review_night');
  });

  it('falls back to the thresholds when no rule matches, and says which threshold decided', async () => {
    const p = json<Pred>(await post('/predict', BASE));
    assert.equal(p.rule_id, undefined);
    const expected = p.score >= p.thresholds.decline ? 'decline' : p.score >= p.thresholds.review ? 'review' : 'approve';
    assert.equal(p.decision, expected);
    assert.equal(p.reasons[0].kind, 'threshold');
    assert.equal(p.reasons[0].code, `threshold_${expected}`);
    assert.ok(p.rules_version !== undefined, 'the rules in force are named even when the thresholds decide');
  });

  it('lists the features pushing towards fraud for review and decline, and for approvals only when explained', async () => {
    const blocked = json<Pred>(await post('/predict', { ...BASE, category: 'shopping_net', amt: 2500 }));
    const features = blocked.reasons.filter((r) => r.kind === 'feature');
    assert.ok(features.length > 0 && features.length <= 3, JSON.stringify(blocked.reasons));
    // The same as the explanation: the largest positive contributions, largest first.
    const explained = json<Pred>(await post('/predict?explain=true', { ...BASE, category: 'shopping_net', amt: 2500 }));
    const expected = Object.entries(explained.explanation!.contributions)
      .filter(([, c]) => c > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3);
    assert.deepEqual(
      features.map((r) => [r.feature, r.contribution]),
      expected,
    );
    assert.equal(features[0].text, `${features[0].feature}: ${String(features[0].value)}`);

    const approved = json<Pred>(await post('/predict', { ...BASE, amt: 3 }));
    assert.equal(approved.reasons.length, 1, 'an approval costs no TreeSHAP');
    const approvedExplained = json<Pred>(await post('/predict?explain=true', { ...BASE, amt: 3 }));
    assert.ok(approvedExplained.reasons.length >= 1);
    for (const r of approvedExplained.reasons.slice(1)) assert.ok(r.kind === 'feature' && r.contribution! > 0);
  });

  it('decides batches and /explain the same way', async () => {
    const rows = [
      { ...BASE, category: 'shopping_net', amt: 3 },
      { ...BASE, amt: 3 },
      { ...BASE, hour: 1, amt: 500 },
    ];
    const batch = json<{ predictions: Pred[] }>(await post('/predict', { instances: rows }));
    conforms(contract.PredictResponse, batch);
    assert.deepEqual(
      batch.predictions.map((p) => p.rule_id),
      ['block_online_huge', 'allow_small', 'review_night'],
    );
    const explained = json<{ predictions: Pred[] }>(await post('/explain', { instances: rows }));
    conforms(contract.ExplainResponse, explained);
    assert.deepEqual(
      explained.predictions.map((p) => [p.rule_id, p.decision]),
      [
        ['block_online_huge', 'decline'],
        ['allow_small', 'approve'],
        ['review_night', 'review'],
      ],
    );
  });

  it('shows the rules in force in evaluation order, and their version in /model', async () => {
    const report = json<contract.RulesReport>(await t.app.inject({ url: '/rules' }));
    conforms(contract.RulesReport, report);
    assert.equal(report.configured, true);
    assert.deepEqual(
      report.rules.map((r) => [r.order, r.id, r.action]),
      [
        [0, 'block_online_huge', 'block'],
        [1, 'review_night', 'review'],
        [2, 'allow_small', 'allow'],
      ],
    );
    assert.equal(report.path, join(dir, 'rules.yaml'));
    const model = json<contract.ModelReport>(await t.app.inject({ url: '/model' }));
    assert.equal(model.rules_version, report.version);
  });

  it('counts decisions per rule in /metrics', async () => {
    const before = ruleCount(await metrics(t), 'allow_small', 'allow');
    await post('/predict', { instances: [{ ...BASE, amt: 1 }, { ...BASE, amt: 2 }, BASE] });
    assert.equal(ruleCount(await metrics(t), 'allow_small', 'allow'), before + 2);
    assert.match(await metrics(t), /fraudlens_rules_info\{version="rules-[0-9a-f]{12}"\} 1/);
  });

  it('reloads rules: a bad file is refused with its path and the rules in force keep serving', async () => {
    const version = json<contract.RulesReport>(await t.app.inject({ url: '/rules' })).version;
    await writeFile(join(dir, 'rules.yaml'), DEMO_RULES.replace('amt < 10', 'amount < 10'));
    const refused = await post('/admin/rules/reload', undefined);
    assert.equal(refused.statusCode, 422, refused.body);
    const err = json<{ code: string; message: string }>(refused);
    assert.equal(err.code, 'RULES_INVALID');
    assert.ok(err.message.includes(join(dir, 'rules.yaml')), err.message);
    assert.match(err.message, /rules\[0\]\.when: unknown name "amount".*did you mean amt\?/);
    assert.equal(json<contract.RulesReport>(await t.app.inject({ url: '/rules' })).version, version);
    assert.equal(json<Pred>(await post('/predict', { ...BASE, amt: 3 })).rule_id, 'allow_small');

    await writeFile(join(dir, 'rules.yaml'), DEMO_RULES.replace('amt < 10', 'amt < 4'));
    const ok = await post('/admin/rules/reload', undefined);
    assert.equal(ok.statusCode, 200, ok.body);
    const reloaded = json<contract.RulesReloadResponse>(ok);
    assert.equal(reloaded.previous_version, version);
    assert.notEqual(reloaded.version, version);
    assert.equal(reloaded.rules, 3);
    const p = json<Pred>(await post('/predict', { ...BASE, amt: 5 }));
    assert.notEqual(p.rule_id, 'allow_small');
    assert.equal(p.rules_version, reloaded.version);
  });

  it('refuses a model reload whose model lacks a field the rules read; the old model keeps serving', async () => {
    const version = json<contract.ModelReport>(await t.app.inject({ url: '/model' })).version;
    await copyFile(ULB_MODEL, join(dir, 'model.json'));
    try {
      const res = await post('/admin/reload', undefined);
      assert.equal(res.statusCode, 422, res.body);
      const err = json<{ code: string; message: string }>(res);
      assert.equal(err.code, 'RULES_INVALID');
      assert.match(err.message, /do not fit the new model/);
      assert.equal(json<contract.ModelReport>(await t.app.inject({ url: '/model' })).version, version);
      assert.equal(json<Pred>(await post('/predict', { ...BASE, amt: 3 })).rule_id, 'allow_small');
    } finally {
      await copyFile(DEMO_MODEL, join(dir, 'model.json'));
    }
  });
});

async function metrics(t: TestApp): Promise<string> {
  return (await t.app.inject({ url: '/metrics' })).body;
}

function ruleCount(text: string, rule: string, action: string): number {
  const m = new RegExp(`fraudlens_rule_decisions_total\\{rule="${rule}",action="${action}"\\} (\\d+)`).exec(text);
  return m === null ? 0 : Number(m[1]);
}

describe('rules at start-up', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fraudlens-rules-start-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start with a rules file that does not fit the model, naming the file and the rule', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(
      path,
      'version: 1\nrules:\n  - { id: r1, action: review, when: "amt > 10", reason: x }\n  - { id: r2, action: block, when: "card_count_1h > 3", reason: y }\n',
    );
    await assert.rejects(
      makeApp({ MODEL_PATH: DEMO_MODEL, FRAUDLENS_RULES_PATH: path }),
      (e: unknown) =>
        e instanceof FraudlensError &&
        e.code === 'RULES_INVALID' &&
        e.location.file === path &&
        e.message.startsWith('rules[1].when: unknown name "card_count_1h"'),
    );
  });

  it('runs without rules: /rules says so, predictions carry the threshold reason, and a rules reload is refused', async () => {
    const t = await makeApp({ MODEL_PATH: DEMO_MODEL, API_KEY: KEY });
    try {
      const report = json<contract.RulesReport>(await t.app.inject({ url: '/rules' }));
      assert.deepEqual(report, { configured: false, version: null, sha256: null, path: null, loaded_at: null, rules: [] });
      const p = json<Pred>(await t.app.inject({ method: 'POST', url: '/predict', payload: BASE, headers: AUTH }));
      assert.equal(p.rules_version, undefined);
      assert.equal(p.reasons[0].kind, 'threshold');
      const res = await t.app.inject({ method: 'POST', url: '/admin/rules/reload', headers: AUTH });
      assert.equal(res.statusCode, 409);
      assert.equal(json<{ code: string }>(res).code, 'RULES_NOT_CONFIGURED');
    } finally {
      await t.app.close();
    }
  });
});

describe('rules over raw transactions', () => {
  let t: TestApp;
  let dir: string;
  const post = (url: string, payload: unknown) => t.app.inject({ method: 'POST', url, payload: payload as object });
  const tx = (id: string, time: number, over: Record<string, unknown> = {}) => ({
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
    ...over,
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fraudlens-rules-raw-'));
    await writeFile(
      join(dir, 'rules.json'),
      JSON.stringify({
        version: 1,
        rules: [
          {
            id: 'block_bins',
            action: 'block',
            when: 'starts_with(cc_num, ["400000", "5105"])',
            reason: 'Card range reported stolen',
          },
          {
            id: 'review_burst',
            action: 'review',
            when: 'card_count_10m >= 2 and amt > 50',
            reason: 'Third purchase within ten minutes',
          },
        ],
      }),
    );
    t = await makeApp({ MODEL_PATH: RAW_MODEL, FRAUDLENS_RULES_PATH: join(dir, 'rules.json') });
  });
  after(async () => {
    await t.app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads raw fields (a card number sent as text or as a number) and derived features', async () => {
    const a = json<Pred>(await post('/predict', tx('r1', 1_600_000_000, { cc_num: '4000001234567890' })));
    conforms(contract.PredictResponse, a);
    assert.equal(a.rule_id, 'block_bins');
    const b = json<Pred>(await post('/predict', tx('r2', 1_600_000_010, { cc_num: 5105105105105100 })));
    assert.equal(b.rule_id, 'block_bins');

    const card = '4097765637563358';
    const first = json<Pred>(await post('/predict', tx('c1', 1_600_001_000, { cc_num: card })));
    const second = json<Pred>(await post('/predict', tx('c2', 1_600_001_060, { cc_num: card })));
    const third = json<Pred>(await post('/predict', tx('c3', 1_600_001_120, { cc_num: card })));
    assert.equal(first.rule_id, undefined);
    assert.equal(second.rule_id, undefined);
    assert.equal(third.rule_id, 'review_burst');
    assert.equal(third.decision, 'review');
    // Derived features are described in words in the reasons.
    const words = third.reasons.filter((r) => r.kind === 'feature');
    assert.ok(words.length > 0);
    assert.ok(
      words.some((r) => r.text !== `${r.feature}: ${String(r.value)}`),
      `some derived feature described in words: ${JSON.stringify(words)}`,
    );

    const batch = json<{ predictions: Pred[] }>(
      await post('/predict', { instances: [tx('b1', 1_600_002_000, { cc_num: '4000009999' }), tx('b2', 1_600_002_001)] }),
    );
    conforms(contract.PredictResponse, batch);
    assert.equal(batch.predictions[0].rule_id, 'block_bins');
  });
});
