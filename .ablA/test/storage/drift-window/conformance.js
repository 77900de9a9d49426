/**
 * The behaviour every drift-window backend must have, written once. Each backend's test file
 * calls `runDriftWindowConformance` with a factory; backend-specific behaviour (keys on the wire,
 * faults) is tested next to it.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { buildBaseline, compileBaseline, countRows } from '../../../src/core/drift/index.js';
import { FraudlensError } from '../../../src/core/errors.js';
import { readDriftReport } from '../../../src/storage/index.js';
import { waitUntil } from '../../helpers/redis-server.js';
import { demoModel, demoTable, encodeDemo } from '../drift-window-fixtures.js';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const model = demoModel();
const baseline = buildBaseline(demoTable(2000, 101), model, { seed: 1, createdAt: '2024-01-01T00:00:00.000Z' });
const layout = compileBaseline(baseline);
const training = encodeDemo(demoTable(2000, 101), model);
const fresh = encodeDemo(demoTable(2000, 202), model);
const shifted = encodeDemo(demoTable(2000, 202, { amountScale: 1.5 }), model);
const M = training.m;
/** Row i of an encoded block. */
function row(data, i) {
    return data.x.subarray(i * M, (i + 1) * M);
}
/** Counts of rows [from, to) of a block: what any store must report for them. */
function expectedCounts(data, from, to) {
    return countRows(layout, data.x.subarray(from * M, to * M), data.scores.subarray(from, to), to - from).counts;
}
function feed(store, data, from, to, timeMs) {
    for (let i = from; i < to; i++)
        store.update(row(data, i), data.scores[i], timeMs);
}
function assertAccounted(store) {
    const s = store.stats();
    assert.equal(s.written + s.pending + s.dropped, s.updates, `stats ${JSON.stringify(s)} do not add up`);
}
/** The identity of a row, to check that sampled rows are real rows. */
function rowKey(values, offset, score) {
    return `${score}|${Array.from({ length: M }, (_, k) => values[offset + k]).join(',')}`;
}
export function runDriftWindowConformance(name, makeStore, options = {}) {
    describe(`${name}: DriftWindowStore conformance`, () => {
        const opened = [];
        let counter = 0;
        const freshNamespace = () => `drift-conformance-${name}-${process.pid}-${(counter += 1)}`;
        async function open(extra = {}, namespace = freshNamespace()) {
            counter += 1;
            const store = await makeStore({ namespace, baseline, options: { bucketMs: MINUTE, seed: 1000 + counter, ...extra } });
            opened.push(store);
            await waitUntil(() => store.stats().connected, { message: `${name} store did not connect` });
            return store;
        }
        afterEach(async () => {
            await Promise.all(opened.splice(0).map((s) => s.close()));
        });
        it('starts empty and connected; an empty window reports not enough data', async () => {
            const store = await open();
            assert.deepEqual(store.stats(), { updates: 0, written: 0, pending: 0, dropped: 0, connected: true, dropping: false });
            assert.equal(typeof store.backend, 'string');
            const now = Date.now();
            const snap = await store.read({ type: 'time', durationMs: HOUR }, now);
            assert.equal(snap.counts.rows, 0);
            assert.ok(snap.counts.counts.every((c) => c === 0));
            assert.equal(snap.sample.size, 0);
            assert.equal(snap.window.type, 'time');
            const count = await store.read({ type: 'count', rows: 100 });
            assert.deepEqual(count.window, { type: 'count', requested: 100, available: 0, source: store.backend });
            const report = await readDriftReport(store, { type: 'time', durationMs: HOUR }, {}, now);
            assert.equal(report.dataset_drift.not_enough_data, true);
            assert.ok(report.features.every((f) => f.not_enough_data && !f.drifted));
        });
        it("counts every row on the baseline's bins, exactly", async () => {
            const store = await open();
            const now = Date.now();
            feed(store, fresh, 0, 500, now);
            await store.flush();
            assert.deepEqual(store.stats(), { updates: 500, written: 500, pending: 0, dropped: 0, connected: true, dropping: false });
            const snap = await store.read({ type: 'time', durationMs: 15 * MINUTE }, now);
            assert.equal(snap.counts.rows, 500);
            assert.deepEqual(snap.counts.counts, expectedCounts(fresh, 0, 500));
            assert.equal(snap.window.type === 'time' && snap.window.source, store.backend);
        });
        it('keeps bounded samples made of real rows of the window', async () => {
            const store = await open({ bucketSampleSize: 100, sampleSize: 150 });
            const now = Date.now();
            const known = new Set();
            for (let i = 0; i < 2000; i++)
                known.add(rowKey(fresh.x, i * M, fresh.scores[i]));
            feed(store, fresh, 0, 1000, now);
            const one = await store.read({ type: 'time', durationMs: 15 * MINUTE }, now);
            assert.equal(one.sample.size, 100, 'one bucket: its 100 sampled rows');
            feed(store, fresh, 1000, 1500, now - 2 * MINUTE);
            feed(store, fresh, 1500, 2000, now - 4 * MINUTE);
            const three = await store.read({ type: 'time', durationMs: 15 * MINUTE }, now);
            assert.equal(three.counts.rows, 2000);
            assert.ok(three.sample.size >= 100 && three.sample.size <= 150, `merged sample of ${three.sample.size} rows`);
            const seen = new Set();
            for (let r = 0; r < three.sample.size; r++) {
                const key = rowKey(three.sample.values, r * M, three.sample.scores[r]);
                assert.ok(known.has(key), `sampled row ${r} is not a row that was updated`);
                seen.add(key);
            }
            assert.equal(seen.size, three.sample.size, 'no row is sampled twice');
            // Rows from every bucket: the sample is not just the newest bucket.
            const amounts = new Set(Array.from({ length: three.sample.size }, (_, r) => three.sample.values[r * M]));
            const fromOld = Array.from({ length: 500 }, (_, i) => fresh.x[(1500 + i) * M]).filter((a) => amounts.has(a)).length;
            assert.ok(fromOld > 0, 'the oldest bucket is represented');
        });
        it('counts masked (PII) features on their bins but keeps no value of theirs in any stored row', async () => {
            const masked = model.features.findIndex((f) => f.name === 'velocity');
            const store = await open({ maskedFeatures: ['velocity'], bucketSampleSize: 100, recentSize: 300 });
            const now = Date.now();
            feed(store, fresh, 0, 500, now);
            await store.flush();
            const time = await store.read({ type: 'time', durationMs: 15 * MINUTE }, now);
            // Counted exactly like any feature: the bins are what drift of a PII feature is judged on.
            assert.deepEqual(time.counts.counts, expectedCounts(fresh, 0, 500));
            const count = await store.read({ type: 'count', rows: 300 }, now);
            for (const [what, sample] of [
                ['time sample', time.sample],
                ['count sample', count.sample],
            ]) {
                assert.ok(sample.size > 0, what);
                for (let r = 0; r < sample.size; r++) {
                    assert.ok(Number.isNaN(sample.values[r * M + masked]), `${what} row ${r} keeps the masked value ${sample.values[r * M + masked]}`);
                    assert.ok(!Number.isNaN(sample.values[r * M]), `${what} row ${r} keeps the unmasked amount`);
                }
            }
            // Count windows bin the rows they keep: the masked feature has no observed value there.
            const start = layout.slotStart[masked];
            const bins = layout.valueBins[masked];
            assert.equal(count.counts.counts[start + bins], 300, 'every kept row is missing the masked feature');
            await assert.rejects(open({ maskedFeatures: ['no_such_feature'] }), (e) => e instanceof FraudlensError && e.code === 'CONFIG_INVALID' && /no_such_feature/.test(e.message));
        });
        it('time windows cover the buckets they overlap, and no others', async () => {
            const store = await open();
            const now = Date.now();
            feed(store, fresh, 0, 20, now - 3 * HOUR);
            feed(store, fresh, 20, 50, now - 30 * MINUTE);
            feed(store, fresh, 50, 90, now);
            await store.flush();
            const rows = async (durationMs) => (await store.read({ type: 'time', durationMs }, now)).counts.rows;
            assert.equal(await rows(15 * MINUTE), 40);
            assert.equal(await rows(HOUR), 70);
            assert.equal(await rows(24 * HOUR), 90);
            const snap = await store.read({ type: 'time', durationMs: HOUR }, now);
            assert.deepEqual(snap.counts.counts, expectedCounts(fresh, 20, 90));
            assert.ok(snap.window.type === 'time' &&
                snap.window.from <= now - HOUR &&
                snap.window.from > now - HOUR - MINUTE &&
                snap.window.to === now);
            // Reading at another "now" moves the window.
            assert.equal((await store.read({ type: 'time', durationMs: HOUR }, now - 2.5 * HOUR)).counts.rows, 20);
        });
        it('count windows hold the newest rows, at most recentSize', async () => {
            const store = await open({ recentSize: 50, sampleSize: 20 });
            const now = Date.now();
            feed(store, fresh, 0, 80, now);
            const last30 = await store.read({ type: 'count', rows: 30 });
            assert.deepEqual(last30.window, { type: 'count', requested: 30, available: 30, source: store.backend });
            assert.deepEqual(last30.counts.counts, expectedCounts(fresh, 50, 80));
            assert.equal(last30.sample.size, 20);
            const all = await store.read({ type: 'count', rows: 500 });
            assert.equal(all.counts.rows, 50);
            assert.deepEqual(all.counts.counts, expectedCounts(fresh, 30, 80));
        });
        it('drops and counts rows older than the retention', async () => {
            const store = await open({ retentionMs: HOUR });
            const now = Date.now();
            feed(store, fresh, 0, 5, now);
            feed(store, fresh, 5, 7, now - 2 * HOUR);
            await store.flush();
            assert.deepEqual(store.stats(), { updates: 7, written: 5, pending: 0, dropped: 2, connected: true, dropping: false });
            assert.equal((await store.read({ type: 'time', durationMs: HOUR }, now)).counts.rows, 5);
            await assert.rejects(store.read({ type: 'time', durationMs: 2 * HOUR }, now), (err) => err instanceof FraudlensError && err.code === 'INPUT_INVALID');
        });
        it('counts invalid updates as dropped, never throws', async () => {
            const store = await open();
            const now = Date.now();
            const good = row(fresh, 0);
            const invalid = [
                [null, 0.5, now],
                [good.subarray(0, 3), 0.5, now],
                [good, Number.NaN, now],
                [good, 1.5, now],
                [good, -0.1, now],
                [good, 0.5, Number.NaN],
                ['12345', 0.5, now],
                [{ length: M }, 0.5, now],
            ];
            let valid = 0;
            for (let i = 0; i < 40; i++) {
                store.update(row(fresh, i), fresh.scores[i], now);
                valid++;
                if (i < invalid.length) {
                    const [r, s, t] = invalid[i];
                    assert.doesNotThrow(() => store.update(r, s, t));
                }
                assertAccounted(store);
            }
            await store.flush();
            assert.deepEqual(store.stats(), {
                updates: valid + invalid.length,
                written: valid,
                pending: 0,
                dropped: invalid.length,
                connected: true,
                dropping: false,
            });
            // Missing values and unknown codes are not invalid: they have their own slots.
            store.update([Number.NaN, Number.NaN, -1, Number.POSITIVE_INFINITY, Number.NaN], 0.5, now);
            await store.flush();
            assert.equal(store.stats().written, valid + 1);
        });
        it('reports no drift on training rows and flags amount x 1.5, and only it', async () => {
            const now = Date.now();
            // One bucket holds everything here: let it keep a sample as large as the baseline's.
            const same = await open({ bucketSampleSize: 1000 });
            feed(same, training, 0, 2000, now);
            const quiet = await readDriftReport(same, { type: 'time', durationMs: 15 * MINUTE }, {}, now);
            assert.equal(quiet.rows, 2000);
            assert.deepEqual(quiet.drifted_features, []);
            assert.equal(quiet.prediction_drift.drifted, false);
            const moved = await open({ bucketSampleSize: 1000 });
            feed(moved, shifted, 0, 2000, now);
            const loud = await readDriftReport(moved, { type: 'time', durationMs: 15 * MINUTE }, {}, now);
            assert.deepEqual(loud.drifted_features, ['amount']);
            assert.equal(loud.dataset_drift.drifted, false);
            const byCount = await readDriftReport(moved, { type: 'count', rows: 1000 });
            assert.deepEqual(byCount.drifted_features, ['amount']);
            assert.equal(byCount.rows, 1000);
        });
        it('rejects invalid options (CONFIG_INVALID) and invalid windows (INPUT_INVALID)', async () => {
            const config = (err) => err instanceof FraudlensError && err.code === 'CONFIG_INVALID';
            for (const bad of [
                { bucketMs: 0 },
                { bucketMs: 1.5 },
                { retentionMs: 30_000 },
                { recentSize: 0 },
                { bucketSampleSize: -1 },
                { seed: 0.5 },
            ]) {
                await assert.rejects(async () => makeStore({ namespace: freshNamespace(), baseline, options: { bucketMs: MINUTE, ...bad } }), config, JSON.stringify(bad));
            }
            const store = await open();
            const input = (err) => err instanceof FraudlensError && err.code === 'INPUT_INVALID';
            for (const spec of [
                { type: 'count', rows: 0 },
                { type: 'count', rows: 2.5 },
                { type: 'time', durationMs: 0 },
                { type: 'hours', rows: 1 },
            ]) {
                await assert.rejects(store.read(spec), input, JSON.stringify(spec));
            }
        });
        it('flush and close are idempotent; updates after close are dropped', async () => {
            const store = await open();
            const now = Date.now();
            feed(store, fresh, 0, 3, now);
            await store.flush();
            await store.flush();
            await Promise.all([store.close(), store.close()]);
            await store.close();
            assert.doesNotThrow(() => store.update(row(fresh, 3), fresh.scores[3], now));
            assert.deepEqual(store.stats(), { updates: 4, written: 3, pending: 0, dropped: 1, connected: false, dropping: false });
        });
        if (options.sharedStorage === true) {
            it('two stores on one namespace share one window', async () => {
                const namespace = freshNamespace();
                const a = await open({}, namespace);
                const b = await open({}, namespace);
                const now = Date.now();
                feed(a, fresh, 0, 300, now);
                feed(b, fresh, 300, 500, now - 5 * MINUTE);
                await Promise.all([a.flush(), b.flush()]);
                for (const store of [a, b]) {
                    const snap = await store.read({ type: 'time', durationMs: HOUR }, now);
                    assert.equal(snap.counts.rows, 500);
                    assert.deepEqual(snap.counts.counts, expectedCounts(fresh, 0, 500));
                    const recent = await store.read({ type: 'count', rows: 1000 });
                    assert.equal(recent.counts.rows, 500);
                    assert.deepEqual(recent.counts.counts, expectedCounts(fresh, 0, 500));
                }
            });
        }
    });
}
//# sourceMappingURL=conformance.js.map