/**
 * Rules files: the closed schema with located refusals, the evaluation order (block, review,
 * allow; file order within), the hash that names a version, the vocabulary a model offers, and
 * the top fraud features of the reasons against a plain sort.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FraudlensError } from '../../src/core/errors.js';
import { readModelFile } from '../../src/io/model-file.js';
import { parseRulesText } from '../../src/io/rules-file.js';
import {
  compileRules,
  decisionOf,
  RULE_ACTIONS,
  rulesVocabulary,
  thresholdReason,
  topFraudFeatures,
  validateRules,
} from '../../src/core/rules/index.js';
import { fixturePath } from '../helpers/paths.js';

const rule = (id: string, action: string, when: string) => ({ id, action, when, reason: `reason of ${id}` });

function invalid(value: unknown, pattern: RegExp): void {
  assert.throws(
    () => validateRules(value),
    (e: unknown) => e instanceof FraudlensError && e.code === 'RULES_INVALID' && pattern.test(e.message),
    JSON.stringify(value),
  );
}

describe('rules files', () => {
  it('are checked against a closed schema, the path of the fault first', () => {
    invalid({ rules: [] }, /^\(top level\): "version" is required/);
    invalid({ version: 2, rules: [] }, /^version: must be equal to constant/);
    invalid(
      { version: 1, rules: [rule('a', 'deny', 'amt > 1')] },
      /^rules\[0\]\.action: must be one of "block", "review", "allow"/,
    );
    invalid({ version: 1, rules: [{ ...rule('a', 'block', 'amt > 1'), colour: 1 }] }, /^rules\[0\]: unknown key "colour"/);
    invalid(
      { version: 1, rules: [rule('ok', 'block', 'amt > 1'), { id: 'b', action: 'block', when: 'amt > 1' }] },
      /^rules\[1\]: "reason" is required/,
    );
    invalid({ version: 1, rules: [rule('1st', 'block', 'amt > 1')] }, /^rules\[0\]\.id: must be a letter/);
    invalid(
      { version: 1, rules: [rule('a', 'block', 'amt > 1'), rule('a', 'review', 'amt > 2')] },
      /^rules\[1\]\.id: "a" is already the id of rules\[0\]/,
    );
  });

  it('parse from YAML or JSON to the same version, whatever the key order and layout', () => {
    const yaml = parseRulesText('version: 1\nrules:\n  - { reason: "r", when: "amt > 1", action: block, id: a }\n', '/x.yaml');
    const json = parseRulesText(
      JSON.stringify({ version: 1, rules: [{ id: 'a', action: 'block', when: 'amt > 1', reason: 'r' }] }),
      '/x.json',
    );
    assert.equal(yaml.sha256, json.sha256);
    assert.match(yaml.version, /^rules-[0-9a-f]{12}$/);
    const other = parseRulesText(
      JSON.stringify({ version: 1, rules: [{ id: 'a', action: 'block', when: 'amt > 2', reason: 'r' }] }),
      '/y.json',
    );
    assert.notEqual(other.sha256, json.sha256);
    assert.throws(
      () => parseRulesText('version: 1\nrules: [', '/bad.yaml'),
      (e: unknown) => e instanceof FraudlensError && e.code === 'RULES_INVALID' && e.location.file === '/bad.yaml',
    );
  });

  it('run block rules, then review, then allow, in file order within each; the first match decides', () => {
    const vocab = new Map([['amt', { type: 'number' as const, source: 'feature' as const }]]);
    const def = validateRules({
      version: 1,
      rules: [
        rule('allow1', 'allow', 'amt < 100'),
        rule('review1', 'review', 'amt < 50'),
        rule('block1', 'block', 'amt < 10'),
        rule('review2', 'review', 'amt < 70'),
      ],
    });
    const rules = compileRules(def, vocab);
    assert.deepEqual(
      rules.rules.map((r) => r.id),
      ['block1', 'review1', 'review2', 'allow1'],
    );
    assert.deepEqual(
      RULE_ACTIONS.map((a) => a.action),
      ['block', 'review', 'allow'],
    );
    const t = { review: 0.5, decline: 0.8 };
    const at = (amt: number, score: number) => {
      const p = rules.first(score, { amt }, null);
      return [p >= 0 ? rules.rules[p].id : null, decisionOf(rules, p, score, t)];
    };
    assert.deepEqual(at(5, 0.9), ['block1', 'decline']);
    assert.deepEqual(at(30, 0.9), ['review1', 'review']);
    assert.deepEqual(at(60, 0.9), ['review2', 'review']);
    assert.deepEqual(at(90, 0.9), ['allow1', 'approve'], 'an allow rule overrides the decline threshold');
    assert.deepEqual(at(500, 0.9), [null, 'decline']);
    assert.deepEqual(at(500, 0.6), [null, 'review']);
    assert.deepEqual(at(500, 0.1), [null, 'approve']);
  });

  it('may read what the model offers: its features, and for a raw model its derived features and raw fields', async () => {
    const raw = (await readModelFile(fixturePath('features', 'model.json'))).model;
    const vocab = rulesVocabulary(raw.features, raw.featureDefinitions!.definitions);
    assert.deepEqual(vocab.get('cc_num'), { type: 'string', source: 'raw' });
    assert.deepEqual(
      vocab.get('amt'),
      { type: 'number', source: 'feature' },
      'a name both derived and raw is the derived feature',
    );
    assert.deepEqual(vocab.get('category'), { type: 'string', source: 'feature' });
    assert.deepEqual(vocab.get('card_count_1h'), { type: 'number', source: 'feature' });
    assert.equal(vocab.has('score'), false);
    const ulb = (await readModelFile(fixturePath('xgboost', 'ulb_subset_d3_t10.model.json'))).model;
    const plain = rulesVocabulary(ulb.features, null);
    assert.deepEqual(
      [...plain.keys()],
      ulb.features.map((f) => f.name),
    );
  });
});

describe('reasons', () => {
  it('pick the largest positive contributions, as a full sort would', () => {
    const out = new Int32Array(10);
    // Deterministic pseudo-random contributions with ties and negatives.
    let seed = 7;
    const next = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 1;
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + (trial % 37);
      const phi = Float64Array.from({ length: n + 1 }, () => Math.round(next() * 8) / 4);
      for (const k of [1, 3, 10]) {
        const count = topFraudFeatures(phi, n, k, out);
        const expected = Array.from({ length: n }, (_, j) => j)
          .filter((j) => phi[j] > 0)
          .sort((a, b) => phi[b] - phi[a] || a - b)
          .slice(0, k);
        assert.deepEqual(Array.from(out.subarray(0, count)), expected, `n=${n} k=${k} phi=${Array.from(phi).join(',')}`);
      }
    }
  });

  it('name the threshold that decided', () => {
    const t = { review: 0.5, decline: 0.8 };
    assert.deepEqual(thresholdReason(t, 'decline'), {
      kind: 'threshold',
      code: 'threshold_decline',
      text: 'fraud score at or above the decline threshold 0.8',
    });
    assert.equal(
      thresholdReason({ review: 0.1234567, decline: 0.9 }, 'approve').text,
      'fraud score below the review threshold 0.1235',
    );
    assert.equal(
      thresholdReason(t, 'review').text,
      'fraud score at or above the review threshold 0.5, below the decline threshold 0.8',
    );
  });
});
