/**
 * The dashboard's static files beside the API: served at `/` with their own CSP and caching,
 * while unknown paths keep the API's JSON 404 (no catch-all), also with CORS enabled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DASHBOARD_CSP } from '../../src/server/routes/dashboard.js';
import { json, makeApp } from './helpers.js';
function builtDashboard() {
    const root = mkdtempSync(join(tmpdir(), 'fraudlens-dash-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>fraudlens</title><script type="module" src="/assets/app-1a2b.js"></script>');
    writeFileSync(join(root, 'assets', 'app-1a2b.js'), 'console.log("dashboard")');
    return root;
}
test('serves index.html at / and hashed assets with long caching', async () => {
    const { app } = await makeApp({}, { dashboardDir: builtDashboard() });
    try {
        const page = await app.inject({ method: 'GET', url: '/' });
        assert.equal(page.statusCode, 200);
        assert.match(page.headers['content-type'], /text\/html/);
        assert.equal(page.headers['content-security-policy'], DASHBOARD_CSP);
        assert.equal(page.headers['cache-control'], 'no-cache');
        assert.match(page.body, /<title>fraudlens<\/title>/);
        const asset = await app.inject({ method: 'GET', url: '/assets/app-1a2b.js' });
        assert.equal(asset.statusCode, 200);
        assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
        const api = await app.inject({ method: 'GET', url: '/health' });
        assert.match(api.headers['content-security-policy'], /default-src 'none'/, 'API answers keep the strict policy');
    }
    finally {
        await app.close();
    }
});
test('unknown paths stay JSON 404s, with and without CORS', async () => {
    const settings = [{}, { FRAUDLENS_CORS_ORIGINS: 'http://localhost:5173' }];
    for (const values of settings) {
        const { app } = await makeApp(values, { dashboardDir: builtDashboard() });
        try {
            const res = await app.inject({ method: 'GET', url: '/no/such/page' });
            assert.equal(res.statusCode, 404);
            assert.equal(json(res).code, 'NOT_FOUND');
        }
        finally {
            await app.close();
        }
    }
});
test('without a built dashboard, / is a JSON 404', async () => {
    const { app } = await makeApp({}, { dashboardDir: null });
    try {
        const res = await app.inject({ method: 'GET', url: '/' });
        assert.equal(res.statusCode, 404);
        assert.equal(json(res).code, 'NOT_FOUND');
    }
    finally {
        await app.close();
    }
});
//# sourceMappingURL=dashboard.test.js.map