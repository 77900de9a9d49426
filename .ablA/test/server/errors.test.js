/**
 * Every bad request gets a 4xx `{error, code, message, statusCode[, field]}` with a stable code
 * and the field at fault; nothing a client sends produces a 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ERROR_CATALOGUE } from '../../src/core/errors.js';
import { CREDIT_MODEL, json, makeApp, ulbSample, ULB_MODEL } from './helpers.js';
function assertError(res, code, field, message) {
    const body = json(res);
    assert.equal(body.code, code, res.body);
    assert.equal(res.statusCode, ERROR_CATALOGUE[code].statusCode, res.body);
    assert.equal(body.statusCode, res.statusCode);
    assert.equal(typeof body.error, 'string');
    assert.equal(typeof body.message, 'string');
    assert.match(String(res.headers['content-type']), /application\/json/);
    if (field !== undefined)
        assert.equal(body.field, field, res.body);
    if (message !== undefined)
        assert.match(body.message, message);
    return body;
}
const JSON_HEADERS = { 'content-type': 'application/json' };
describe('input errors on /predict', () => {
    let t;
    let credit;
    before(async () => {
        t = await makeApp({ FRAUDLENS_BODY_LIMIT: '4096', FRAUDLENS_BATCH_LIMIT: '3' });
        credit = await makeApp({ MODEL_PATH: CREDIT_MODEL, FRAUDLENS_UNKNOWN_CATEGORIES: 'reject' });
    });
    after(async () => {
        await t.app.close();
        await credit.app.close();
    });
    const post = (app, payload, url = '/predict', headers = {}) => app.app.inject({ method: 'POST', url, payload: payload, headers });
    it('malformed JSON → REQUEST_MALFORMED_JSON', async () => {
        assertError(await post(t, '{"Amount": 1,', '/predict', JSON_HEADERS), 'REQUEST_MALFORMED_JSON', 'body');
        assertError(await post(t, '{"Amount": NaN}', '/predict', JSON_HEADERS), 'REQUEST_MALFORMED_JSON', 'body', /NaN/);
        assertError(await post(t, '', '/predict', JSON_HEADERS), 'REQUEST_MALFORMED_JSON', 'body');
        assertError(await post(t, '{"__proto__": {"x": 1}}', '/predict', JSON_HEADERS), 'REQUEST_MALFORMED_JSON');
    });
    it('wrong JSON type for a feature → INPUT_WRONG_TYPE naming it', async () => {
        const b = assertError(await post(t, { ...ulbSample(), Amount: 'twelve' }), 'INPUT_WRONG_TYPE', 'Amount');
        assert.match(b.message, /^body\/Amount must be number or null/);
        assertError(await post(t, { ...ulbSample(), V3: true }), 'INPUT_WRONG_TYPE', 'V3');
        assertError(await post(t, { ...ulbSample(), V3: [1] }), 'INPUT_WRONG_TYPE', 'V3');
        assertError(await post(t, { ...ulbSample(), V3: '12' }), 'INPUT_WRONG_TYPE', 'V3');
    });
    it('Infinity (1e999) or "NaN" where a number is required → INPUT_NOT_A_NUMBER', async () => {
        assertError(await post(t, '{"Amount": 1e999}', '/predict', JSON_HEADERS), 'INPUT_NOT_A_NUMBER', 'Amount', /finite/);
        assertError(await post(t, '{"Amount": -1e999}', '/predict', JSON_HEADERS), 'INPUT_NOT_A_NUMBER', 'Amount');
        assertError(await post(t, { Amount: 'NaN' }), 'INPUT_NOT_A_NUMBER', 'Amount', /null for a missing value/);
        assertError(await post(t, { Amount: 'Infinity' }), 'INPUT_NOT_A_NUMBER', 'Amount');
    });
    it('unknown field → REQUEST_INVALID naming it (typos are not silently missing values)', async () => {
        assertError(await post(t, { ...ulbSample(), amount: 3 }), 'REQUEST_INVALID', 'amount', /unknown field "amount"/);
    });
    it('body that is not an object → REQUEST_INVALID', async () => {
        assertError(await post(t, '[1, 2]', '/predict', JSON_HEADERS), 'REQUEST_INVALID', undefined, /^body must be object/);
        assertError(await post(t, '42', '/predict', JSON_HEADERS), 'REQUEST_INVALID');
        assertError(await post(t, '"x"', '/predict', JSON_HEADERS), 'REQUEST_INVALID');
        assertError(await post(t, 'null', '/predict', JSON_HEADERS), 'REQUEST_INVALID');
        assertError(await t.app.inject({ method: 'POST', url: '/predict' }), 'REQUEST_INVALID');
    });
    it('unknown category name in strict mode → INPUT_UNKNOWN_CATEGORY; bad codes too', async () => {
        const b = assertError(await post(credit, { purpose: 'yacht' }), 'INPUT_UNKNOWN_CATEGORY', 'purpose');
        assert.match(b.message, /"A40"/);
        assert.match(b.message, /"yacht"/);
        assertError(await post(credit, { purpose: 3 }), 'INPUT_WRONG_TYPE', 'purpose');
        assertError(await post(credit, { job: -1 }), 'INPUT_UNKNOWN_CATEGORY', 'job');
        assertError(await post(credit, { job: 1.5 }), 'INPUT_WRONG_TYPE', 'job');
        assertError(await post(credit, { job: 'A171' }), 'INPUT_WRONG_TYPE', 'job');
        // A code no split lists is routed like XGBoost does (left), not refused.
        assert.equal((await post(credit, { job: 99 })).statusCode, 200);
    });
    it('oversized body → REQUEST_TOO_LARGE (413)', async () => {
        const big = JSON.stringify({ ...ulbSample(), pad: 'x'.repeat(5000) });
        assertError(await post(t, big, '/predict', JSON_HEADERS), 'REQUEST_TOO_LARGE', 'body', /4096 bytes/);
    });
    it('oversized or empty batch; bad rows named with their index', async () => {
        const row = { Amount: 1 };
        assertError(await post(t, { instances: [row, row, row, row] }), 'REQUEST_TOO_LARGE', 'instances', /at most 3/);
        assertError(await post(t, { instances: [] }), 'REQUEST_INVALID', 'instances');
        assertError(await post(t, { instances: 'all' }), 'REQUEST_INVALID', 'instances');
        const b = assertError(await post(t, { instances: [row, { Amount: 'x' }] }), 'INPUT_WRONG_TYPE', 'Amount');
        assert.match(b.message, /^body\/instances\/1\/Amount/);
        assertError(await post(t, { instances: [row], extra: 1 }), 'REQUEST_INVALID', 'extra');
    });
    it('bad query parameters → REQUEST_INVALID naming them', async () => {
        assertError(await post(t, ulbSample(), '/predict?explain=maybe'), 'REQUEST_INVALID', 'explain');
        assertError(await post(t, ulbSample(), '/predict?top=-1'), 'REQUEST_INVALID', 'top');
        assertError(await post(t, ulbSample(), '/predict?explian=true'), 'REQUEST_INVALID', 'explian');
        assertError(await t.app.inject({ url: '/logs?limit=100000' }), 'REQUEST_INVALID', 'limit', /<= 1000/);
        assertError(await t.app.inject({ url: '/logs?limit=ten' }), 'REQUEST_INVALID', 'limit');
    });
    it('non-JSON content type → UNSUPPORTED_MEDIA_TYPE (415)', async () => {
        assertError(await post(t, 'Amount=1', '/predict', { 'content-type': 'application/x-www-form-urlencoded' }), 'UNSUPPORTED_MEDIA_TYPE', 'content-type');
        assertError(await post(t, '{"Amount": 1}', '/predict', { 'content-type': 'text/plain' }), 'UNSUPPORTED_MEDIA_TYPE');
    });
});
describe('routing errors', () => {
    let t;
    before(async () => {
        t = await makeApp();
    });
    after(() => t.app.close());
    it('unknown route → NOT_FOUND (404)', async () => {
        assertError(await t.app.inject({ url: '/predictions' }), 'NOT_FOUND', 'url');
        assertError(await t.app.inject({ method: 'POST', url: '/v3/anything', payload: {} }), 'NOT_FOUND');
    });
    it('wrong method → METHOD_NOT_ALLOWED (405) with an Allow header', async () => {
        const res = await t.app.inject({ method: 'GET', url: '/predict' });
        assertError(res, 'METHOD_NOT_ALLOWED', 'method');
        assert.equal(res.headers.allow, 'POST');
        assertError(await t.app.inject({ method: 'DELETE', url: '/health' }), 'METHOD_NOT_ALLOWED');
        assertError(await t.app.inject({ method: 'GET', url: '/v2/models/fraudlens/infer' }), 'METHOD_NOT_ALLOWED');
        assertError(await t.app.inject({ method: 'PUT', url: '/predict?explain=true', payload: {} }), 'METHOD_NOT_ALLOWED');
    });
    it('bad percent-encoding in the URL → REQUEST_INVALID', async () => {
        assertError(await t.app.inject({ url: '/v2/models/%E0%A4%A' }), 'REQUEST_INVALID', 'url');
    });
});
describe('rate limit', () => {
    it('answers RATE_LIMITED (429) past the limit; health stays open', async () => {
        const t = await makeApp({ FRAUDLENS_RATE_LIMIT_MAX: '2' });
        try {
            for (let i = 0; i < 2; i++)
                assert.equal((await t.app.inject({ method: 'POST', url: '/predict', payload: {} })).statusCode, 200);
            const res = await t.app.inject({ method: 'POST', url: '/predict', payload: {} });
            assertError(res, 'RATE_LIMITED');
            assert.ok(res.headers['retry-after'] !== undefined);
            for (let i = 0; i < 4; i++)
                assert.equal((await t.app.inject({ url: '/health' })).statusCode, 200);
        }
        finally {
            await t.app.close();
        }
    });
});
/** Deterministic generator (mulberry32) for the fuzz test below. */
function rng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let x = a;
        x = Math.imul(x ^ (x >>> 15), x | 1);
        x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
        return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
}
describe('hostile shapes', () => {
    it('answers a value nested deeper than the stack with a 4xx', async () => {
        const t = await makeApp();
        try {
            const deep = `{"Amount": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
            const res = await t.app.inject({ method: 'POST', url: '/predict', payload: deep, headers: { ...JSON_HEADERS } });
            assert.ok(res.statusCode >= 400 && res.statusCode < 500, res.body.slice(0, 300));
            const v2 = `{"inputs":[{"name":"Amount","shape":[1],"datatype":"FP64","data":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}]}`;
            const res2 = await t.app.inject({ method: 'POST', url: '/v2/models/fraudlens/infer', payload: v2, headers: JSON_HEADERS });
            assert.ok(res2.statusCode >= 400 && res2.statusCode < 500, res2.body.slice(0, 300));
        }
        finally {
            await t.app.close();
        }
    });
    it('does not read inherited properties as features (a feature named toString or constructor)', async () => {
        const names = ['toString', 'constructor', ...Array.from({ length: 28 }, (_, i) => `f${i}`)];
        const { readModelFile } = await import('../../src/io/model-file.js');
        const { model } = await readModelFile(ULB_MODEL, { featureNames: names });
        const t = await makeApp({ FRAUDLENS_BODY_LIMIT: '1048576' }, { model: { model, path: ULB_MODEL, sha256: '0'.repeat(64) } });
        try {
            const absent = json(await t.app.inject({ method: 'POST', url: '/predict', payload: { f0: 1 } }));
            const nulls = json(await t.app.inject({ method: 'POST', url: '/predict', payload: { f0: 1, toString: null, constructor: null } }));
            assert.equal(absent.score, nulls.score);
            const given = await t.app.inject({
                method: 'POST',
                url: '/predict?explain=true',
                payload: { toString: 5, constructor: 7 },
            });
            assert.equal(given.statusCode, 200, given.body);
        }
        finally {
            await t.app.close();
        }
    });
});
describe('no 500 from input', () => {
    it('random bodies on every POST route answer 200 or a catalogued 4xx', async () => {
        const t = await makeApp({ MODEL_PATH: CREDIT_MODEL, FRAUDLENS_BATCH_LIMIT: '5' });
        const rand = rng(20261121);
        const pick = (xs) => xs[Math.floor(rand() * xs.length)];
        const scalars = [null, 0, -1, 1.5, 1e308, 'A11', 'A43', '', 'x', true, false, [], {}, [1, 2], { a: 1 }, 2 ** 40];
        const keys = [
            'checking_status',
            'purpose',
            'job',
            'age_years',
            'credit_amount',
            'instances',
            'inputs',
            'name',
            'shape',
            'datatype',
            'data',
            '__proto__',
            'constructor',
        ];
        const value = (depth) => {
            if (depth > 2 || rand() < 0.6)
                return pick(scalars);
            if (rand() < 0.5)
                return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
            return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, () => [pick(keys), value(depth + 1)]));
        };
        const urls = ['/predict', '/predict?explain=true', '/v2/models/fraudlens/infer', '/admin/reload'];
        try {
            for (let i = 0; i < 300; i++) {
                const body = rand() < 0.1 ? '{"broken": ' : JSON.stringify(value(0));
                const res = await t.app.inject({ method: 'POST', url: pick(urls), payload: body, headers: JSON_HEADERS });
                assert.ok(res.statusCode < 500, `${res.statusCode} for ${body}: ${res.body}`);
                if (res.statusCode >= 400)
                    assert.ok(json(res).code in ERROR_CATALOGUE, res.body);
            }
        }
        finally {
            await t.app.close();
        }
    });
});
//# sourceMappingURL=errors.test.js.map