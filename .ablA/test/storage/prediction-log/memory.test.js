/**
 * Memory backend: the shared conformance suite, plus its defaults and option checks (the ring
 * buffer it is built on: test/storage/common/ring-buffer.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FraudlensError } from '../../../src/core/errors.js';
import { MemoryPredictionLog } from '../../../src/storage/index.js';
import { makeRecord, runPredictionLogConformance } from './conformance.js';
runPredictionLogConformance('memory', (spec) => new MemoryPredictionLog({ maxSize: spec.maxSize, maskFields: spec.maskFields }));
describe('MemoryPredictionLog', () => {
    it('defaults to a 5000-record window', async () => {
        const store = new MemoryPredictionLog();
        for (let i = 0; i < 5003; i += 1)
            store.append(makeRecord(i));
        const all = await store.latest(10_000);
        assert.equal(all.length, 5000);
        assert.equal(all[0].id, 'p-5002');
        assert.equal(all[4999].id, 'p-3');
    });
    it('with capacity 1 keeps exactly the newest record', async () => {
        const store = new MemoryPredictionLog({ maxSize: 1 });
        store.append(makeRecord(0));
        store.append(makeRecord(1));
        assert.deepEqual((await store.latest(5)).map((r) => r.id), ['p-1']);
    });
    it('rejects invalid options with CONFIG_INVALID', () => {
        const isConfigError = (err) => err instanceof FraudlensError && err.code === 'CONFIG_INVALID';
        assert.throws(() => new MemoryPredictionLog({ maxSize: 0 }), isConfigError);
        assert.throws(() => new MemoryPredictionLog({ maxSize: 1.5 }), isConfigError);
        assert.throws(() => new MemoryPredictionLog({ maskFields: [''] }), isConfigError);
        assert.throws(() => new MemoryPredictionLog({ maskFields: 'email' }), isConfigError);
    });
});
//# sourceMappingURL=memory.test.js.map