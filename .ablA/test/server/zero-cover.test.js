/**
 * A model whose splits have cover 0 (saved without covers) still scores, but TreeSHAP cannot
 * weigh its branches: it is served with explanations off, GET /model says why, and
 * `?explain=true` answers 422 MODEL_UNSUPPORTED, never a 500, whether it was loaded at start-up
 * or swapped in by /admin/reload.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TreeExplainer } from '../../src/core/explanation/treeshap.js';
import { FraudlensError } from '../../src/core/errors.js';
import { readModelFile } from '../../src/io/model-file.js';
import { json, makeApp, ulbSample, ULB_MODEL } from './helpers.js';
const KEY = 'zero-cover-key-0123456789';
async function writeZeroCoverModel(path) {
    const model = JSON.parse(await readFile(ULB_MODEL, 'utf8'));
    for (const tree of model.learner.gradient_booster.model.trees)
        tree.sum_hessian = tree.sum_hessian.map(() => 0);
    await writeFile(path, JSON.stringify(model));
}
function assertUnsupported(res) {
    assert.equal(res.statusCode, 422, res.body);
    const body = json(res);
    assert.equal(body.code, 'MODEL_UNSUPPORTED');
    assert.equal(body.field, 'explain');
    assert.match(body.message, /cover/);
}
describe('a model with all-zero covers', () => {
    let dir;
    let zeroPath;
    before(async () => {
        dir = await mkdtemp(join(tmpdir(), 'fraudlens-zero-cover-'));
        zeroPath = join(dir, 'model.json');
        await writeZeroCoverModel(zeroPath);
    });
    after(() => rm(dir, { recursive: true, force: true }));
    it('is refused by the explainer, naming the tree, node and field', async () => {
        const { model } = await readModelFile(zeroPath);
        assert.throws(() => new TreeExplainer(model.ensemble), (e) => {
            assert.ok(e instanceof FraudlensError);
            assert.equal(e.code, 'MODEL_UNSUPPORTED');
            assert.equal(e.location.field, 'cover');
            assert.match(e.message, /tree 0, node 0: .*cover/);
            return true;
        });
    });
    it('after /admin/reload scores, says explanations are off, and answers explain with 422', async () => {
        const live = join(dir, 'live.json');
        await writeFile(live, await readFile(ULB_MODEL));
        const t = await makeApp({ MODEL_PATH: live, API_KEY: KEY });
        try {
            const headers = { 'x-api-key': KEY };
            assert.equal((await t.app.inject({ method: 'POST', url: '/predict?explain=true', headers, payload: ulbSample() })).statusCode, 200);
            await writeFile(live, await readFile(zeroPath));
            const reload = await t.app.inject({ method: 'POST', url: '/admin/reload', headers });
            assert.equal(reload.statusCode, 200, reload.body);
            const plain = await t.app.inject({ method: 'POST', url: '/predict', headers, payload: ulbSample() });
            assert.equal(plain.statusCode, 200, plain.body);
            assert.ok(Number.isFinite(json(plain).score));
            const model = json(await t.app.inject({ url: '/model' }));
            assert.equal(model.explain.available, false);
            assert.match(model.explain.reason ?? '', /cover \(sum_hessian\) 0/);
            assertUnsupported(await t.app.inject({ method: 'POST', url: '/predict?explain=true', headers, payload: ulbSample() }));
            assertUnsupported(await t.app.inject({
                method: 'POST',
                url: '/predict?explain=true',
                headers,
                payload: { instances: [ulbSample(), ulbSample()] },
            }));
        }
        finally {
            await t.app.close();
        }
    });
});
//# sourceMappingURL=zero-cover.test.js.map