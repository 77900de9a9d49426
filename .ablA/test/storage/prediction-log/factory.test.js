/**
 * createPredictionLog: configuration to backend, and the configuration errors it reports.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { FraudlensError } from '../../../src/core/errors.js';
import { MemoryPredictionLog, RedisPredictionLog, StdoutPredictionLog, createPredictionLog, } from '../../../src/storage/index.js';
import { freePort } from '../../helpers/redis-server.js';
import { makeRecord } from './conformance.js';
const isConfigError = (err) => err instanceof FraudlensError && err.code === 'CONFIG_INVALID';
describe('createPredictionLog', () => {
    it('builds each backend', async () => {
        const memory = createPredictionLog({ handler: 'memory', maxSize: 10 });
        assert.ok(memory instanceof MemoryPredictionLog);
        assert.equal(memory.backend, 'memory');
        const sink = new PassThrough();
        const chunks = [];
        sink.on('data', (c) => chunks.push(c.toString('utf8')));
        const stdout = createPredictionLog({ handler: 'stdout', textFormat: true, stream: sink });
        assert.ok(stdout instanceof StdoutPredictionLog);
        stdout.append(makeRecord(1));
        await stdout.flush();
        assert.match(chunks.join(''), / - api - INFO - Prédiction effectuée: 1 \(prob=0\.01\)\n$/);
        // Nothing listens on this port; the store must still be created and closable.
        const redis = createPredictionLog({
            handler: 'redis',
            redisUrl: `redis://127.0.0.1:${await freePort()}`,
            flushTimeoutMs: 50,
        });
        assert.ok(redis instanceof RedisPredictionLog);
        assert.equal(redis.backend, 'redis');
        await Promise.all([memory.close(), stdout.close(), redis.close()]);
    });
    it('passes maskFields to the backend', async () => {
        const store = createPredictionLog({ handler: 'memory', maskFields: ['merchant_category'] });
        store.append(makeRecord(0));
        assert.equal((await store.latest(1))[0].features.merchant_category, '***');
    });
    it('reports an unknown handler or an invalid value as CONFIG_INVALID', () => {
        assert.throws(() => createPredictionLog({ handler: 'file' }), isConfigError);
        assert.throws(() => createPredictionLog({ handler: 'memory', maxSize: -5 }), isConfigError);
        assert.throws(() => createPredictionLog({ handler: 'stdout', bufferSize: 0 }), isConfigError);
        assert.throws(() => createPredictionLog({ handler: 'redis', redisUrl: 'localhost:6379' }), isConfigError);
        assert.throws(() => createPredictionLog({ handler: 'redis', redisUrl: 'http://localhost:6379' }), isConfigError);
        assert.throws(() => createPredictionLog({ handler: 'redis', redisKey: '' }), isConfigError);
    });
});
//# sourceMappingURL=factory.test.js.map