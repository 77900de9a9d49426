/**
 * The redis prediction log against a real private redis-server: predictions keep answering 200
 * when Redis is down at start or goes away under load, /health says degraded, records wait in
 * the bounded buffer (overflow counted in /metrics) and reach Redis once it is back.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createRedisServer, startRedisServer, waitUntil } from '../helpers/redis-server.js';
import { json, makeApp, ulbSample } from './helpers.js';
const servers = [];
after(async () => {
    for (const s of servers)
        await s.dispose();
});
async function llen(server, key = 'api_logs') {
    const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
        await client.connect();
        return await client.llen(key);
    }
    finally {
        client.disconnect();
    }
}
const health = async (t) => json(await t.app.inject({ url: '/health' }));
const metric = async (t, name) => {
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)$`, 'm').exec((await t.app.inject({ url: '/metrics' })).body);
    assert.ok(m, `metric ${name} missing`);
    return Number(m[1]);
};
const predict = async (t, n) => {
    for (let i = 0; i < n; i++) {
        const res = await t.app.inject({ method: 'POST', url: '/predict', payload: { ...ulbSample(), V2: i } });
        assert.equal(res.statusCode, 200, res.body);
    }
};
describe('LOGGING_HANDLER=redis', () => {
    it('survives Redis going away and coming back on the same port (stop/restart)', async () => {
        const server = await startRedisServer();
        servers.push(server);
        const t = await makeApp({ LOGGING_HANDLER: 'redis', REDIS_URL: server.url });
        try {
            await waitUntil(async () => (await health(t)).redis_connected === true, { message: 'redis connected' });
            assert.equal((await health(t)).status, 'healthy');
            assert.equal(await metric(t, 'fraudlens_redis_connected'), 1);
            await predict(t, 5);
            await waitUntil(async () => (await llen(server)) === 5, { message: '5 records in Redis' });
            // Redis dies while 100 predictions are in flight: every one still answers 200.
            const burst = Array.from({ length: 100 }, (_, i) => t.app.inject({ method: 'POST', url: '/predict', payload: { ...ulbSample(), V3: i } }));
            await server.kill();
            const answers = await Promise.all(burst);
            assert.deepEqual([...new Set(answers.map((r) => r.statusCode))], [200]);
            await waitUntil(async () => (await health(t)).redis_connected === false, { message: 'redis disconnect noticed' });
            // Records of the burst are either written before the crash or still buffered: none dropped.
            const afterBurst = await health(t);
            assert.equal(afterBurst.prediction_log.dropped, 0);
            const burstBuffered = afterBurst.prediction_log.buffered;
            const h = await health(t);
            assert.equal(h.status, 'degraded');
            assert.equal(await metric(t, 'fraudlens_redis_connected'), 0);
            await predict(t, 20);
            assert.equal((await health(t)).prediction_log.buffered, burstBuffered + 20);
            assert.equal(await metric(t, 'fraudlens_prediction_log_buffered'), burstBuffered + 20);
            // /logs still answers, from the in-process copy.
            assert.equal(json(await t.app.inject({ url: '/logs?limit=10' })).count, 10);
            await server.start(); // same port; the data of before the crash is gone
            await waitUntil(async () => (await health(t)).status === 'healthy', { message: 'healthy again' });
            // What was buffered reaches the new (empty) server; a batch cut off by the crash may be sent
            // twice (the log delivers at least once), so the list holds at least the buffered records.
            await waitUntil(async () => (await health(t)).prediction_log.buffered === 0, { message: 'buffer drained after restart' });
            assert.ok((await llen(server)) >= burstBuffered + 20);
            const after = await health(t);
            assert.equal(after.prediction_log.dropped, 0);
            assert.equal(after.prediction_log.written, 125);
            assert.equal(await metric(t, 'fraudlens_prediction_log_written_total'), 125);
        }
        finally {
            await t.app.close();
        }
    });
    it('starts with Redis down, answers 200, counts overflow, and catches up when Redis starts', async () => {
        const server = await createRedisServer(); // port reserved, nothing listening
        servers.push(server);
        const t = await makeApp({ LOGGING_HANDLER: 'redis', REDIS_URL: server.url, FRAUDLENS_LOG_BUFFER_SIZE: '8' });
        try {
            const h = await health(t);
            assert.equal(h.status, 'degraded');
            assert.equal(h.redis_connected, false);
            assert.equal((await t.app.inject({ url: '/health/ready' })).statusCode, 200);
            await predict(t, 12);
            assert.equal(await metric(t, 'fraudlens_prediction_log_buffered'), 8);
            assert.equal(await metric(t, 'fraudlens_prediction_log_dropped_total'), 4);
            await server.start();
            await waitUntil(async () => (await llen(server)) === 8, { message: '8 buffered records written' });
            assert.equal((await health(t)).status, 'healthy');
            assert.equal(await metric(t, 'fraudlens_prediction_log_dropped_total'), 4);
        }
        finally {
            await t.app.close();
        }
    });
    it('uses REDIS_LOGS_KEY and the REDIS_HOST/REDIS_PORT/REDIS_DB form', async () => {
        const server = await startRedisServer();
        servers.push(server);
        const t = await makeApp({
            LOGGING_HANDLER: 'redis',
            REDIS_HOST: '127.0.0.1',
            REDIS_PORT: String(server.port),
            REDIS_DB: '0',
            REDIS_LOGS_KEY: 'fraudlens_test_logs',
        });
        try {
            await predict(t, 3);
            await waitUntil(async () => (await llen(server, 'fraudlens_test_logs')) === 3, {
                message: 'records under the configured key',
            });
            const logs = json(await t.app.inject({ url: '/logs?limit=3' }));
            assert.equal(logs.backend, 'redis');
            assert.deepEqual(logs.logs.map((l) => l.features.V2), [2, 1, 0]);
        }
        finally {
            await t.app.close();
        }
    });
});
//# sourceMappingURL=redis.test.js.map