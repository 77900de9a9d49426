/**
 * The README's quick-start example says what the demo model answers: the transaction of its curl
 * command is scored by the served demo model, and the decision, score and leading contributions
 * printed under it must be that answer. Parsed from README.md itself, so editing either side alone
 * fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../helpers/paths.js';
import { json, makeApp } from './helpers.js';
const README = join(REPO_ROOT, 'README.md');
const DEMO_MODEL = join(REPO_ROOT, 'models', 'demo', 'model.json');
/** The README rounds the score to 5 decimals and contributions to 3. */
const SCORE_ROUNDING = 5e-6;
const CONTRIBUTION_ROUNDING = 5e-4;
function readmeExample() {
    const text = readFileSync(README, 'utf8');
    const curl = /curl -X POST '[^']*\/predict\?explain=true'[^]*?-d '([^']+)'/.exec(text);
    assert.ok(curl, 'README.md has a curl POST /predict?explain=true with a -d body');
    const after = text.slice(curl.index + curl[0].length);
    const shown = /```text\n([^]*?)```/.exec(after);
    assert.ok(shown, 'README.md shows the answer in a text block after the curl command');
    return { request: JSON.parse(curl[1]), shown: shown[1] };
}
describe('README quick start', () => {
    it('shows the answer the demo model gives to its example transaction', async () => {
        const { request, shown } = readmeExample();
        const { app } = await makeApp({ MODEL_PATH: DEMO_MODEL });
        try {
            const res = await app.inject({ method: 'POST', url: '/predict?explain=true', payload: request });
            assert.equal(res.statusCode, 200, res.body);
            const answer = json(res);
            const decision = /"decision": "(\w+)"/.exec(shown);
            assert.ok(decision, 'the shown answer has a decision');
            assert.equal(answer.decision, decision[1], 'decision');
            const score = /"score": ([\d.]+)/.exec(shown);
            assert.ok(score, 'the shown answer has a score');
            assert.ok(Math.abs(answer.score - Number(score[1])) <= SCORE_ROUNDING, `score ${answer.score} vs README ${score[1]}`);
            const exp = answer.explanation;
            for (const [field, value] of [
                ['base_value', exp.base_value],
                ['margin', exp.margin],
            ]) {
                const m = new RegExp(`"${field}": (-?[\\d.]+)`).exec(shown);
                assert.ok(m, `the shown answer has ${field}`);
                assert.ok(Math.abs(value - Number(m[1])) <= CONTRIBUTION_ROUNDING, `${field} ${value} vs README ${m[1]}`);
            }
            const listed = [.../"contributions": \{([^}]*)\}/.exec(shown)[1].matchAll(/"(\w+)": (-?[\d.]+)/g)];
            assert.ok(listed.length > 0, 'the shown answer lists contributions');
            for (const [, feature, value] of listed) {
                assert.ok(Math.abs(exp.contributions[feature] - Number(value)) <= CONTRIBUTION_ROUNDING, `contribution of ${feature}: ${exp.contributions[feature]} vs README ${value}`);
            }
            // Listed as the largest, in order: the prose names them as the reasons.
            const largest = Object.entries(exp.contributions)
                .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
                .slice(0, listed.length)
                .map(([f]) => f);
            assert.deepEqual(listed.map(([, f]) => f), largest);
        }
        finally {
            await app.close();
        }
    });
});
//# sourceMappingURL=readme.test.js.map