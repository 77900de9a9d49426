/**
 * /health and /metrics judge the prediction log by the `connected` state it reports, not by its
 * backend's name: a stdout log whose stream broke (EPIPE: the reader went away) is cut off like a
 * Redis log without Redis, so the service says degraded, while redis_connected stays null (no
 * Redis involved) and the backend-neutral gauge reads 0. A future PostgreSQL log gets the same.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { StdoutPredictionLog } from '../../src/storage/index.js';
import { waitUntil } from '../helpers/redis-server.js';
import { json, makeApp, ulbSample } from './helpers.js';
const health = async (t) => json(await t.app.inject({ url: '/health' }));
const metricsText = async (t) => (await t.app.inject({ url: '/metrics' })).body;
describe('/health and /metrics judge the log by its connected state', () => {
    it('memory: connected, healthy, gauge 1, no Redis gauge', async () => {
        const t = await makeApp({ LOGGING_HANDLER: 'memory' });
        try {
            const h = await health(t);
            assert.equal(h.status, 'healthy');
            assert.equal(h.prediction_log.connected, true);
            assert.equal(h.redis_connected, null);
            const text = await metricsText(t);
            assert.match(text, /^fraudlens_prediction_log_connected\{backend="memory"\} 1$/m);
            assert.doesNotMatch(text, /fraudlens_redis_connected/);
        }
        finally {
            await t.app.close();
        }
    });
    it('a backend other than Redis that is cut off makes the service degraded', async () => {
        const broken = new Writable({
            write(_chunk, _encoding, callback) {
                callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
            },
        });
        const predictionLog = new StdoutPredictionLog({ stream: broken, flushTimeoutMs: 50 });
        const t = await makeApp({ LOGGING_HANDLER: 'stdout' }, { predictionLog });
        try {
            assert.equal((await health(t)).status, 'healthy');
            const res = await t.app.inject({ method: 'POST', url: '/predict', payload: ulbSample() });
            assert.equal(res.statusCode, 200, 'a cut-off log never fails a prediction');
            await waitUntil(() => !predictionLog.stats().connected, { message: 'the stream error was not noticed' });
            const h = await health(t);
            assert.equal(h.logging_handler, 'stdout');
            assert.equal(h.prediction_log.connected, false);
            assert.equal(h.status, 'degraded', JSON.stringify(h));
            assert.equal(h.redis_connected, null, 'no Redis is involved');
            const text = await metricsText(t);
            assert.match(text, /^fraudlens_prediction_log_connected\{backend="stdout"\} 0$/m);
            assert.doesNotMatch(text, /fraudlens_redis_connected/);
        }
        finally {
            await t.app.close();
        }
    });
});
//# sourceMappingURL=health-connected.test.js.map