/**
 * The README's quick-start example says what the demo model answers: the raw transactions of its
 * curl command are scored by the served demo model on a new server (empty entity state), and the
 * decisions, scores, derived features and leading contributions printed under it must be that
 * answer. Parsed from README.md itself, so editing either side alone fails here. The same for the
 * precomputed-features example and the fixture model without definitions.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { REPO_ROOT } from '../helpers/paths.js';
import { json, makeApp } from './helpers.js';

const README = join(REPO_ROOT, 'README.md');
const DEMO_MODEL = join(REPO_ROOT, 'models', 'demo', 'model.json');
const PRECOMPUTED_MODEL = join(REPO_ROOT, 'fixtures', 'precomputed', 'model.json');
/** The README rounds the score to 5 decimals and contributions to 3. */
const SCORE_ROUNDING = 5e-6;
const CONTRIBUTION_ROUNDING = 5e-4;
/** Derived features are shown with at most 3 decimals (relative to values above 1). */
const FEATURE_ROUNDING = 5e-4;

interface RawAnswer {
  score: number;
  decision: string;
  transaction_id: string;
  duplicate: boolean;
  features: Record<string, number | string | null>;
  explanation: Answer['explanation'];
}

interface Answer {
  score: number;
  decision: string;
  explanation: { base_value: number; margin: number; contributions: Record<string, number> };
}

/** The explanation shown (base value, margin, leading contributions) is the answer's. */
function checkExplanation(shown: string, exp: Answer['explanation'], what: string): void {
  for (const [field, value] of [
    ['base_value', exp.base_value],
    ['margin', exp.margin],
  ] as const) {
    const m = new RegExp(`"${field}": (-?[\\d.]+)`).exec(shown);
    assert.ok(m, `the shown answer has ${field}`);
    assert.ok(Math.abs(value - Number(m[1])) <= CONTRIBUTION_ROUNDING, `${what} ${field} ${value} vs README ${m[1]}`);
  }
  const listed = [.../"contributions": \{([^}]*)\}/.exec(shown)![1].matchAll(/"(\w+)": (-?[\d.]+)/g)];
  assert.ok(listed.length > 0, 'the shown answer lists contributions');
  for (const [, feature, value] of listed) {
    assert.ok(
      Math.abs(exp.contributions[feature] - Number(value)) <= CONTRIBUTION_ROUNDING,
      `${what} contribution of ${feature}: ${exp.contributions[feature]} vs README ${value}`,
    );
  }
  // Listed as the largest, in order: the prose names them as the reasons.
  const largest = Object.entries(exp.contributions)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, listed.length)
    .map(([f]) => f);
  assert.deepEqual(
    listed.map(([, f]) => f),
    largest,
  );
}

function readmeExample(): { request: Record<string, unknown>; shown: string } {
  const text = readFileSync(README, 'utf8');
  const curl = /curl -X POST '[^']*\/predict\?explain=true'[^]*?-d '([^']+)'/.exec(text);
  assert.ok(curl, 'README.md has a curl POST /predict?explain=true with a -d body');
  const after = text.slice(curl.index + curl[0].length);
  const shown = /```text\n([^]*?)```/.exec(after);
  assert.ok(shown, 'README.md shows the answer in a text block after the curl command');
  return { request: JSON.parse(curl[1]) as Record<string, unknown>, shown: shown[1] };
}

describe('README quick start', () => {
  it('shows the answer the precomputed-features model gives to its example transaction', async () => {
    const { request, shown } = readmeExample();
    const { app } = await makeApp({ MODEL_PATH: PRECOMPUTED_MODEL });
    try {
      const res = await app.inject({ method: 'POST', url: '/predict?explain=true', payload: request });
      assert.equal(res.statusCode, 200, res.body);
      const answer = json<Answer>(res);

      const decision = /"decision": "(\w+)"/.exec(shown);
      assert.ok(decision, 'the shown answer has a decision');
      assert.equal(answer.decision, decision[1], 'decision');
      const score = /"score": ([\d.]+)/.exec(shown);
      assert.ok(score, 'the shown answer has a score');
      assert.ok(Math.abs(answer.score - Number(score[1])) <= SCORE_ROUNDING, `score ${answer.score} vs README ${score[1]}`);

      checkExplanation(shown, answer.explanation, 'precomputed');
    } finally {
      await app.close();
    }
  });

  it('shows the answer the demo model gives to its raw-transaction example under `npm start`', async () => {
    const text = readFileSync(README, 'utf8');
    const curl = /curl -X POST '[^']*\/predict\?explain=true&features=true'[^]*?-d '([^']+)'/.exec(text);
    assert.ok(curl, 'README.md has a curl POST /predict?explain=true&features=true with a -d body');
    const shown = /```text\n([^]*?)```/.exec(text.slice(curl.index + curl[0].length));
    assert.ok(shown, 'README.md shows the answer in a text block after the curl command');
    // As `npm start` serves it: the demo model, its state warmed from the demo's training file.
    const start = /--entity-state-history (\S+)/.exec(
      (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start,
    );
    assert.ok(start, 'npm start warms the entity state from history');
    const { app } = await makeApp({ MODEL_PATH: DEMO_MODEL, FRAUDLENS_ENTITY_STATE_HISTORY: join(REPO_ROOT, start[1]) });
    try {
      const url = '/predict?explain=true&features=true';
      const res = await app.inject({ method: 'POST', url, payload: JSON.parse(curl[1]) as object });
      assert.equal(res.statusCode, 200, res.body);
      const answers = json<{ predictions: RawAnswer[] }>(res).predictions;
      const blocks = shown[1].split('{"score": ').slice(1);
      assert.equal(blocks.length, answers.length, 'one shown prediction per transaction sent');
      blocks.forEach((block, i) => {
        const got = answers[i];
        assert.ok(Math.abs(got.score - Number(/^[\d.]+/.exec(block)![0])) <= SCORE_ROUNDING, `score of ${got.transaction_id}`);
        assert.equal(/"decision": "(\w+)"/.exec(block)![1], got.decision);
        assert.equal(/"transaction_id": "([^"]+)"/.exec(block)![1], got.transaction_id);
        assert.equal(/"duplicate": (\w+)/.exec(block)![1], String(got.duplicate));
        const features = [.../"features": \{([^}]*)\}/.exec(block)![1].matchAll(/"(\w+)": (null|-?[\d.]+)/g)];
        assert.ok(features.length >= 4, 'the shown answer lists features');
        for (const [, name, value] of features) {
          const actual = got.features[name];
          if (value === 'null') assert.equal(actual, null, name);
          else
            assert.ok(
              typeof actual === 'number' && Math.abs(actual - Number(value)) <= FEATURE_ROUNDING * Math.max(1, Math.abs(actual)),
              `${got.transaction_id} ${name}: ${actual} vs README ${value}`,
            );
        }
        if (block.includes('"explanation"')) checkExplanation(block, got.explanation, got.transaction_id);
      });
      assert.ok(shown[1].includes('"explanation"'), 'the README shows an explanation');
    } finally {
      await app.close();
    }
  });
});
