/**
 * API key on and off, and the admin reload: a good file is swapped in, a corrupt or missing one
 * is refused while the old model keeps serving.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CREDIT_MODEL, json, makeApp, ulbSample, ULB_MODEL } from './helpers.js';
const KEY = 'test-key-0123456789abcdef';
describe('API key not configured', () => {
    let t;
    before(async () => {
        t = await makeApp();
    });
    after(() => t.app.close());
    it('leaves data routes open and keeps admin routes off (403 FORBIDDEN)', async () => {
        assert.equal((await t.app.inject({ method: 'POST', url: '/predict', payload: {} })).statusCode, 200);
        assert.equal((await t.app.inject({ url: '/logs' })).statusCode, 200);
        const res = await t.app.inject({ method: 'POST', url: '/admin/reload', headers: { 'x-api-key': KEY } });
        assert.equal(res.statusCode, 403);
        assert.equal(json(res).code, 'FORBIDDEN');
    });
});
describe('API key configured', () => {
    let t;
    before(async () => {
        t = await makeApp({ API_KEY: KEY });
    });
    after(() => t.app.close());
    const protectedRoutes = [
        { method: 'POST', url: '/predict', payload: {} },
        { method: 'GET', url: '/logs' },
        {
            method: 'POST',
            url: '/v2/models/fraudlens/infer',
            payload: { inputs: [{ name: 'Amount', shape: [1], datatype: 'FP64', data: [1] }] },
        },
        { method: 'POST', url: '/admin/reload' },
    ];
    it('refuses a missing or wrong key with 401 UNAUTHORIZED', async () => {
        for (const r of protectedRoutes) {
            const none = await t.app.inject(r);
            assert.equal(none.statusCode, 401, `${r.url}: ${none.body}`);
            assert.equal(json(none).code, 'UNAUTHORIZED');
            assert.equal(none.headers['www-authenticate'], 'Bearer');
            const wrong = await t.app.inject({ ...r, headers: { 'x-api-key': `${KEY}x` } });
            assert.equal(json(wrong).code, 'UNAUTHORIZED');
            const short = await t.app.inject({ ...r, headers: { authorization: 'Bearer x' } });
            assert.equal(json(short).code, 'UNAUTHORIZED');
        }
    });
    it('accepts X-API-Key and Authorization: Bearer', async () => {
        for (const r of protectedRoutes.slice(0, 3)) {
            assert.equal((await t.app.inject({ ...r, headers: { 'x-api-key': KEY } })).statusCode, 200, r.url);
            assert.equal((await t.app.inject({ ...r, headers: { authorization: `Bearer ${KEY}` } })).statusCode, 200, r.url);
        }
    });
    it('checks the key before the body (a bad body without key is 401, not 400)', async () => {
        const res = await t.app.inject({
            method: 'POST',
            url: '/predict',
            payload: '{broken',
            headers: { 'content-type': 'application/json' },
        });
        assert.equal(json(res).code, 'UNAUTHORIZED');
    });
    it('leaves health, model, metrics, docs and V2 metadata open', async () => {
        for (const url of [
            '/health',
            '/health/live',
            '/health/ready',
            '/model',
            '/metrics',
            '/docs/json',
            '/v2',
            '/v2/models/fraudlens',
            '/v2/health/ready',
        ]) {
            assert.equal((await t.app.inject({ url })).statusCode, 200, url);
        }
    });
});
describe('POST /admin/reload', () => {
    let dir;
    let modelPath;
    let t;
    const headers = { 'x-api-key': KEY };
    before(async () => {
        dir = await mkdtemp(join(tmpdir(), 'fraudlens-reload-'));
        modelPath = join(dir, 'model.json');
        await copyFile(ULB_MODEL, modelPath);
        t = await makeApp({ API_KEY: KEY, MODEL_PATH: modelPath });
    });
    after(async () => {
        await t.app.close();
        await rm(dir, { recursive: true, force: true });
    });
    const version = async () => json(await t.app.inject({ method: 'POST', url: '/predict', payload: ulbSample(), headers }))
        .model_version;
    it('swaps in a good file (new version, new schema) and reports it', async () => {
        const before = await version();
        const text = JSON.parse(await readFile(CREDIT_MODEL, 'utf8'));
        text.version = 'reloaded-2';
        await writeFile(modelPath, JSON.stringify(text));
        const res = await t.app.inject({ method: 'POST', url: '/admin/reload', headers });
        assert.equal(res.statusCode, 200, res.body);
        const out = json(res);
        assert.deepEqual([out.reloaded, out.previous_version, out.model_version, out.features_changed], [true, before, 'reloaded-2', true]);
        assert.match(out.sha256, /^[0-9a-f]{64}$/);
        // Requests are now validated against the new model's features.
        const old = await t.app.inject({ method: 'POST', url: '/predict', payload: { Amount: 1 }, headers });
        assert.equal(json(old).code, 'REQUEST_INVALID');
        const fresh = await t.app.inject({ method: 'POST', url: '/predict', payload: { purpose: 'A43' }, headers });
        assert.equal(json(fresh).model_version, 'reloaded-2');
        const model = json(await t.app.inject({ url: '/model' }));
        assert.equal(model.version, 'reloaded-2');
        assert.equal(model.file.sha256, out.sha256);
        const metrics = (await t.app.inject({ url: '/metrics' })).body;
        assert.match(metrics, /fraudlens_model_info\{version="reloaded-2"/);
        assert.match(metrics, /fraudlens_model_reloads_total\{result="success"\} 1/);
    });
    it('refuses a corrupt file and keeps serving the old model', async () => {
        const live = json(await t.app.inject({ url: '/model' })).version;
        await writeFile(modelPath, '{"format": "fraudlens-model", "format_version": 1, "version": "x", "trees": [');
        const res = await t.app.inject({ method: 'POST', url: '/admin/reload', headers });
        assert.equal(res.statusCode, 422, res.body);
        assert.equal(json(res).code, 'MODEL_INVALID');
        assert.match(json(res).message, /previous model keeps serving/);
        const after = await t.app.inject({ method: 'POST', url: '/predict', payload: { purpose: 'A43' }, headers });
        assert.equal(after.statusCode, 200);
        assert.equal(json(after).model_version, live);
        // Structurally valid JSON that is not a model.
        await writeFile(modelPath, JSON.stringify({
            format: 'fraudlens-model',
            format_version: 1,
            version: 'bad',
            objective: 'binary:logistic',
            base_margin: 0,
            features: [],
            thresholds: {},
            training: {},
            trees: [],
        }));
        assert.equal(json(await t.app.inject({ method: 'POST', url: '/admin/reload', headers })).code, 'MODEL_INVALID');
        await rm(modelPath);
        const missing = await t.app.inject({ method: 'POST', url: '/admin/reload', headers });
        assert.equal(missing.statusCode, 400);
        assert.equal(json(missing).code, 'INPUT_UNREADABLE');
        assert.equal(json(await t.app.inject({ url: '/model' })).version, live);
        assert.match((await t.app.inject({ url: '/metrics' })).body, /fraudlens_model_reloads_total\{result="failure"\} 3/);
    });
});
//# sourceMappingURL=auth-admin.test.js.map