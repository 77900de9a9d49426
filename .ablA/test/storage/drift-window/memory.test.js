/**
 * Memory drift window: the shared conformance suite, plus what only the in-process backend
 * promises (bounded memory over many buckets, the ring wrapping around).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildBaseline, compileBaseline, countRows } from '../../../src/core/drift/index.js';
import { MemoryDriftWindow } from '../../../src/storage/index.js';
import { runDriftWindowConformance } from './conformance.js';
import { demoModel, demoTable, encodeDemo } from '../drift-window-fixtures.js';
runDriftWindowConformance('memory', (spec) => new MemoryDriftWindow(spec.baseline, spec.options));
const model = demoModel();
const baseline = buildBaseline(demoTable(500, 1), model, { seed: 1 });
const data = encodeDemo(demoTable(3000, 2), model);
const m = data.m;
describe('MemoryDriftWindow', () => {
    it('forgets buckets beyond the retention as time moves on', async () => {
        const store = new MemoryDriftWindow(baseline, { bucketMs: 1000, retentionMs: 10_000, seed: 1 });
        const t0 = 1_700_000_000_000;
        // One row per second for ten minutes: 600 buckets seen, at most 11 kept.
        for (let i = 0; i < 600; i++)
            store.update(data.x.subarray(i * m, (i + 1) * m), data.scores[i], t0 + i * 1000);
        const now = t0 + 599 * 1000;
        const snap = await store.read({ type: 'time', durationMs: 10_000 }, now);
        assert.equal(snap.counts.rows, 11);
        assert.equal((await store.read({ type: 'time', durationMs: 10_000 }, t0 + 100_000)).counts.rows, 0, 'old buckets are gone');
        assert.deepEqual(store.stats(), { updates: 600, written: 600, pending: 0, dropped: 0, connected: true, dropping: false });
    });
    it('keeps the ring of recent rows in order across many wrap-arounds', async () => {
        const store = new MemoryDriftWindow(baseline, { recentSize: 37, seed: 2 });
        const layout = compileBaseline(baseline);
        for (let i = 0; i < 3000; i++) {
            store.update(data.x.subarray(i * m, (i + 1) * m), data.scores[i]);
            if (i % 97 === 0 || i === 2999) {
                const n = Math.min(i + 1, 37);
                const snap = await store.read({ type: 'count', rows: 37 });
                const from = i + 1 - n;
                const expected = countRows(layout, data.x.subarray(from * m, (i + 1) * m), data.scores.subarray(from, i + 1), n);
                assert.deepEqual(snap.counts, expected, `after ${i + 1} rows`);
            }
        }
    });
});
//# sourceMappingURL=memory.test.js.map