/**
 * /health judges the prediction log by its state, not by its connection alone: a Redis frozen
 * with SIGSTOP (the TCP connection stays up, nothing answers) and a stdout reader that stopped
 * reading both fill the bounded buffer and drop records, and /health must say degraded with the
 * count while that lasts, and healthy again once the backlog has drained. Real private
 * redis-server; no timing assertions (bounded polls).
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { StdoutPredictionLog } from '../../src/storage/index.js';
import { startRedisServer, waitUntil } from '../helpers/redis-server.js';
import { json, makeApp, ulbSample } from './helpers.js';
const BUFFER = 5;
const health = async (t) => json(await t.app.inject({ url: '/health' }));
async function predict(t, n) {
    for (let i = 0; i < n; i++) {
        const res = await t.app.inject({ method: 'POST', url: '/predict', payload: { ...ulbSample(), V2: i } });
        assert.equal(res.statusCode, 200, res.body);
    }
}
describe('/health while the Redis log is frozen (SIGSTOP)', () => {
    let redis;
    before(async () => {
        redis = await startRedisServer();
    });
    after(async () => {
        redis.resume();
        await redis.dispose();
    });
    it('is degraded with the dropped count while records are dropped, healthy again after the drain', async () => {
        const t = await makeApp({ LOGGING_HANDLER: 'redis', REDIS_URL: redis.url, FRAUDLENS_LOG_BUFFER_SIZE: String(BUFFER) });
        try {
            await predict(t, 1);
            await waitUntil(async () => (await health(t)).prediction_log.written === 1, { message: 'the first record reached Redis' });
            assert.equal((await health(t)).status, 'healthy');
            redis.pause();
            try {
                // The connection stays up: only the full buffer tells that records are being lost.
                await predict(t, BUFFER + 10);
                const frozen = await health(t);
                assert.ok(frozen.prediction_log.dropped >= 10, JSON.stringify(frozen));
                assert.equal(frozen.prediction_log.dropping, true);
                assert.equal(frozen.status, 'degraded', JSON.stringify(frozen));
            }
            finally {
                redis.resume();
            }
            await waitUntil(async () => (await health(t)).status === 'healthy', { message: 'healthy once the buffer drained' });
            const drained = await health(t);
            assert.equal(drained.prediction_log.buffered, 0);
            assert.equal(drained.prediction_log.dropping, false);
            assert.ok(drained.prediction_log.dropped >= 10, 'the count of what was lost stays');
        }
        finally {
            await t.app.close();
        }
    });
});
describe('/health with a stdout log whose reader stopped reading', () => {
    it('is degraded once the stream holds the whole buffer and records are dropped', async () => {
        // A reader that never takes a line: no write callback ever fires.
        const stalled = new Writable({ write: () => undefined });
        const predictionLog = new StdoutPredictionLog({ stream: stalled, bufferSize: BUFFER, flushTimeoutMs: 50 });
        const t = await makeApp({ LOGGING_HANDLER: 'stdout' }, { predictionLog });
        try {
            await predict(t, BUFFER - 1);
            assert.equal((await health(t)).status, 'healthy', 'a backlog within the buffer is not a loss');
            await predict(t, 3);
            const h = await health(t);
            assert.equal(h.status, 'degraded', JSON.stringify(h));
            assert.equal(h.prediction_log.dropping, true);
            assert.equal(h.prediction_log.buffered, BUFFER);
            assert.equal(h.prediction_log.dropped, 2);
        }
        finally {
            await t.app.close();
            stalled.destroy();
        }
    });
});
//# sourceMappingURL=health-dropping.test.js.map