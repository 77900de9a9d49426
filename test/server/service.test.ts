/**
 * Health, logs (with PII masking), metrics, docs, security headers, CORS, draining, and the
 * extension points (onScored observers, plugins registering routes).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FraudlensError } from '../../src/core/errors.js';
import type { FraudlensPlugin } from '../../src/server/context.js';
import { MemoryPredictionLog } from '../../src/storage/index.js';
import { CREDIT_MODEL, json, makeApp, ulbSample } from './helpers.js';

describe('health', () => {
  it('reports healthy with the Python fields and more', async () => {
    const t = await makeApp();
    try {
      const h = json<Record<string, unknown>>(await t.app.inject({ url: '/health' }));
      assert.equal(h.status, 'healthy');
      assert.equal(h.model_loaded, true);
      assert.equal(h.redis_connected, null);
      assert.equal(h.logging_handler, 'memory');
      assert.equal(typeof h.version, 'string');
      assert.equal(typeof h.model_version, 'string');
      assert.deepEqual(json(await t.app.inject({ url: '/health/live' })), { status: 'alive' });
      assert.equal(json(await t.app.inject({ url: '/health/ready' })).status, 'ready');
    } finally {
      await t.app.close();
    }
  });

  it('while draining: health unhealthy (503), readiness NOT_READY, data routes refused, metrics open', async () => {
    const t = await makeApp();
    try {
      t.app.fraudlens.state.draining = true;
      const h = await t.app.inject({ url: '/health' });
      assert.equal(h.statusCode, 503);
      assert.equal(json(h).status, 'unhealthy');
      for (const url of ['/health/ready', '/v2/health/ready', '/v2/models/fraudlens/ready']) {
        const r = await t.app.inject({ url });
        assert.equal(r.statusCode, 503, url);
        assert.equal(json(r).code, 'NOT_READY');
      }
      const p = await t.app.inject({ method: 'POST', url: '/predict', payload: {} });
      assert.equal(json(p).code, 'NOT_READY');
      assert.equal(p.headers.connection, 'close');
      assert.equal((await t.app.inject({ url: '/metrics' })).statusCode, 200);
    } finally {
      await t.app.close();
    }
  });
});

describe('GET /logs', () => {
  it('returns the newest records first, bounded by limit, with PII fields masked', async () => {
    const t = await makeApp({ FRAUDLENS_PII_FIELDS: 'Amount,Time' });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/predict?explain=true&top=30',
          payload: { ...ulbSample(), V1: i },
        });
        ids.push(json<{ id: string }>(res).id);
      }
      const out = json<{
        logs: { id: string; features: Record<string, unknown>; explanation: { top: { feature: string; value: unknown }[] } }[];
        count: number;
      }>(await t.app.inject({ url: '/logs?limit=2' }));
      assert.equal(out.count, 2);
      assert.deepEqual(
        out.logs.map((l) => l.id),
        [ids[2], ids[1]],
      );
      const rec = out.logs[0];
      assert.equal(rec.features.Amount, '***');
      assert.equal(rec.features.Time, '***');
      assert.equal(rec.features.V1, 2);
      assert.equal(rec.explanation.top.find((x) => x.feature === 'Amount')?.value, '***');
      assert.equal(json<{ count: number }>(await t.app.inject({ url: '/logs' })).count, 3);
    } finally {
      await t.app.close();
    }
  });

  it('refuses PII fields that are not features (a typo would leave data unmasked)', async () => {
    await assert.rejects(
      makeApp({ FRAUDLENS_PII_FIELDS: 'amount' }),
      (e: unknown) => e instanceof FraudlensError && e.code === 'CONFIG_INVALID' && /"amount"/.test(e.message),
    );
  });
});

describe('GET /metrics', () => {
  it('exports request durations, predictions by decision, scores, model info and log counters', async () => {
    const t = await makeApp({ MODEL_PATH: CREDIT_MODEL });
    try {
      await t.app.inject({
        method: 'POST',
        url: '/predict',
        payload: { checking_status: 'A11', duration_months: 48, credit_amount: 12000 },
      });
      await t.app.inject({ method: 'POST', url: '/predict', payload: { checking_status: 'A14' } });
      await t.app.inject({ method: 'POST', url: '/predict', payload: { purpose: 3 } });
      await t.app.inject({ url: '/v2/models/nope' });
      await t.app.inject({ url: '/no/such/route' });
      const res = await t.app.inject({ url: '/metrics' });
      assert.match(String(res.headers['content-type']), /text\/plain/);
      const text = res.body;
      assert.match(text, /fraudlens_http_request_duration_seconds_count\{method="POST",route="\/predict",status_code="200"\} 2/);
      assert.match(text, /fraudlens_http_request_duration_seconds_count\{method="POST",route="\/predict",status_code="400"\} 1/);
      assert.match(text, /route="\/v2\/models\/:name",status_code="404"/);
      assert.match(text, /route="unmatched",status_code="404"/);
      const decisions = [...text.matchAll(/fraudlens_predictions_total\{decision="(\w+)"\} (\d+)/g)].reduce(
        (s, m) => s + Number(m[2]),
        0,
      );
      assert.equal(decisions, 2);
      assert.match(text, /fraudlens_prediction_score_count 2/);
      assert.match(text, /fraudlens_model_info\{version="credit-names-1",sha256="[0-9a-f]{64}",source="xgboost import"\} 1/);
      assert.match(text, /fraudlens_prediction_log_buffered\{backend="memory"\} 0/);
      assert.match(text, /fraudlens_prediction_log_dropped_total\{backend="memory"\} 0/);
      assert.match(text, /fraudlens_prediction_log_written_total\{backend="memory"\} 2/);
      assert.doesNotMatch(text, /fraudlens_redis_connected/);
    } finally {
      await t.app.close();
    }
  });
});

describe('docs and headers', () => {
  it('serves the OpenAPI document with the model-derived request schema at /docs', async () => {
    const t = await makeApp({ MODEL_PATH: CREDIT_MODEL, API_KEY: 'k'.repeat(20) });
    try {
      const doc = json<{ openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown }>> }>(
        await t.app.inject({ url: '/docs/json' }),
      );
      assert.equal(doc.openapi, '3.0.3');
      for (const p of ['/predict', '/health', '/model', '/logs', '/metrics', '/admin/reload', '/v2/models/{name}/infer'])
        assert.ok(p in doc.paths, p);
      const text = JSON.stringify(doc.paths['/predict'].post.requestBody);
      assert.match(text, /A410/, 'the category names are shown');
      assert.ok(doc.paths['/predict'].post.security !== undefined);
      const ui = await t.app.inject({ url: '/docs' });
      assert.equal(ui.statusCode, 200);
      assert.match(ui.body, /<html/i);
      // The viewer gets a policy that lets its own scripts run; API answers load nothing.
      assert.match(String(ui.headers['content-security-policy']), /script-src 'self'/);
    } finally {
      await t.app.close();
    }
  });

  it('sets security headers; CORS only for configured origins', async () => {
    const closed = await makeApp();
    const open = await makeApp({ FRAUDLENS_CORS_ORIGINS: 'https://dash.example.com' });
    try {
      const r = await closed.app.inject({ url: '/health', headers: { origin: 'https://dash.example.com' } });
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.equal(r.headers['x-frame-options'], 'DENY');
      assert.match(String(r.headers['content-security-policy']), /default-src 'none'/);
      const notFound = await closed.app.inject({ url: '/nowhere' });
      assert.equal(notFound.headers['x-content-type-options'], 'nosniff');
      assert.equal(r.headers['access-control-allow-origin'], undefined);
      const ok = await open.app.inject({ url: '/health', headers: { origin: 'https://dash.example.com' } });
      assert.equal(ok.headers['access-control-allow-origin'], 'https://dash.example.com');
      const other = await open.app.inject({ url: '/health', headers: { origin: 'https://evil.example.com' } });
      assert.notEqual(other.headers['access-control-allow-origin'], 'https://evil.example.com');
      const pre = await open.app.inject({
        method: 'OPTIONS',
        url: '/predict',
        headers: { origin: 'https://dash.example.com', 'access-control-request-method': 'POST' },
      });
      assert.equal(pre.statusCode, 204);
    } finally {
      await closed.app.close();
      await open.app.close();
    }
  });
});

describe('extension points', () => {
  it('calls onScored observers with the row (codes, NaN for missing) and the score', async () => {
    const seen: { row: number[]; score: number }[] = [];
    const plugin: FraudlensPlugin = (_app, ctx) => {
      ctx.onScored.push((row, score) => seen.push({ row: Array.from(row), score }));
    };
    const t = await makeApp({ MODEL_PATH: CREDIT_MODEL }, { plugins: [plugin] });
    try {
      const p = json<{ score: number }>(
        await t.app.inject({ method: 'POST', url: '/predict', payload: { checking_status: 'A13', duration_months: 6 } }),
      );
      await t.app.inject({
        method: 'POST',
        url: '/v2/models/fraudlens/infer',
        payload: { inputs: [{ name: 'age_years', shape: [2], datatype: 'FP64', data: [30, 40] }] },
      });
      assert.equal(seen.length, 3);
      assert.equal(seen[0].score, p.score);
      assert.equal(seen[0].row[0], 2); // A13 is code 2
      assert.equal(seen[0].row[1], 6);
      assert.ok(Number.isNaN(seen[0].row[2]));
      assert.equal(seen[2].row[12], 40); // age_years
    } finally {
      await t.app.close();
    }
  });

  it('counts a throwing observer without failing the prediction', async () => {
    const t = await makeApp(
      {},
      {
        plugins: [
          (_app, ctx) =>
            void ctx.onScored.push(() => {
              throw new Error('observer bug');
            }),
        ],
      },
    );
    try {
      for (let i = 0; i < 2; i++)
        assert.equal((await t.app.inject({ method: 'POST', url: '/predict', payload: {} })).statusCode, 200);
      assert.match((await t.app.inject({ url: '/metrics' })).body, /fraudlens_score_observer_errors_total 2/);
    } finally {
      await t.app.close();
    }
  });

  it('releases the prediction log when a plugin fails at start-up', async () => {
    const log = new MemoryPredictionLog();
    const failing: FraudlensPlugin = () => {
      throw new Error('plugin cannot start');
    };
    await assert.rejects(makeApp({}, { predictionLog: log, plugins: [failing] }), /plugin cannot start/);
    log.append({
      id: 'x',
      timestamp: new Date().toISOString(),
      model_version: 'v',
      score: 0.1,
      decision: 'approve',
      risk_level: 'low',
      latency_ms: 1,
      features: {},
    });
    assert.equal(log.stats().dropped, 1, 'the log was closed');
  });

  it('lets a plugin add routes that share the error handler and API-key hooks', async () => {
    const plugin: FraudlensPlugin = (app, ctx) => {
      app.get('/drift', { onRequest: ctx.auth.require('drift:read') }, async () => {
        throw new FraudlensError('INPUT_INVALID', 'window must be 1h', { field: 'window' });
      });
    };
    const t = await makeApp({ API_KEY: 'z'.repeat(16) }, { plugins: [plugin] });
    try {
      assert.equal(json(await t.app.inject({ url: '/drift' })).code, 'UNAUTHORIZED');
      const r = await t.app.inject({ url: '/drift', headers: { 'x-api-key': 'z'.repeat(16) } });
      assert.deepEqual(json(r), {
        error: 'Bad Request',
        code: 'INPUT_INVALID',
        message: 'window must be 1h',
        statusCode: 400,
        field: 'window',
      });
      assert.equal(json(await t.app.inject({ method: 'POST', url: '/drift' })).code, 'METHOD_NOT_ALLOWED');
    } finally {
      await t.app.close();
    }
  });
});
