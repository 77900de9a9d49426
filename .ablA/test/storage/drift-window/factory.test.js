/**
 * createDriftWindow (configuration to backend, and the configuration errors it reports) and the
 * window names of the CLI and the API.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildBaseline } from '../../../src/core/drift/index.js';
import { FraudlensError } from '../../../src/core/errors.js';
import { createDriftWindow, MemoryDriftWindow, RedisDriftWindow, parseWindowSpec } from '../../../src/storage/index.js';
import { demoModel, demoTable } from '../drift-window-fixtures.js';
const baseline = buildBaseline(demoTable(500, 1), demoModel(), { seed: 1 });
describe('createDriftWindow and parseWindowSpec', () => {
    it('creates the configured backend and rejects an unknown one', async () => {
        const memory = createDriftWindow(baseline, { seed: 1 });
        assert.ok(memory instanceof MemoryDriftWindow);
        const redis = createDriftWindow(baseline, { backend: 'redis', redisUrl: 'redis://127.0.0.1:1', seed: 1, flushTimeoutMs: 50 });
        assert.ok(redis instanceof RedisDriftWindow);
        await redis.close();
        assert.throws(() => createDriftWindow(baseline, { backend: 'disk' }), (err) => err instanceof FraudlensError && err.code === 'CONFIG_INVALID');
        assert.throws(() => createDriftWindow(baseline, { backend: 'redis', redisUrl: 'http://x' }), (err) => err instanceof FraudlensError && err.code === 'CONFIG_INVALID');
    });
    it('parses the window names of the CLI and the API', () => {
        assert.deepEqual(parseWindowSpec('15m'), { type: 'time', durationMs: 900_000 });
        assert.deepEqual(parseWindowSpec('1h'), { type: 'time', durationMs: 3_600_000 });
        assert.deepEqual(parseWindowSpec('24h'), { type: 'time', durationMs: 86_400_000 });
        assert.deepEqual(parseWindowSpec('500'), { type: 'count', rows: 500 });
        for (const bad of ['', '0', '-5', '1.5', '2h', 'hour', '01', '99999999', 'constructor']) {
            assert.throws(() => parseWindowSpec(bad), (err) => err instanceof FraudlensError && err.code === 'INPUT_INVALID', bad);
        }
    });
});
//# sourceMappingURL=factory.test.js.map