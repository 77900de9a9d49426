/**
 * The behaviour every prediction-log backend must have, written once. Each backend's test file
 * calls `runPredictionLogConformance` with a factory; backend-specific behaviour (wire formats,
 * faults) is tested next to it.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { FraudlensError } from '../../../src/core/errors.js';
import { waitUntil } from '../../helpers/redis-server.js';
const DECISIONS = ['approve', 'review', 'decline'];
/** A valid record; `i` makes id, timestamp, score and features distinct. */
export function makeRecord(i, prefix = 'p') {
    return {
        id: `${prefix}-${i}`,
        timestamp: new Date(Date.UTC(2024, 0, 1, 12, 0, 0) + i * 1000).toISOString(),
        model_version: 'gbt-2024.01',
        score: (i % 100) / 100,
        decision: DECISIONS[i % 3],
        risk_level: i % 2 === 0 ? 'low' : 'high',
        latency_ms: 0.25 + i,
        features: { amount: 10.5 + i, merchant_category: 'grocery', device_age_days: null },
    };
}
/** What a record looks like after storage: JSON's view of it (undefined members vanish). */
function stored(record) {
    return JSON.parse(JSON.stringify(record));
}
function ids(records) {
    return records.map((r) => r.id);
}
function assertAccounted(store, appended) {
    const s = store.stats();
    assert.equal(s.written + s.buffered + s.dropped, appended, `stats ${JSON.stringify(s)} do not account for ${appended} appends`);
}
export function runPredictionLogConformance(name, makeStore, options = {}) {
    const shared = options.sharedStorage === true;
    describe(`${name}: PredictionLog conformance`, () => {
        const opened = [];
        let counter = 0;
        const freshNamespace = () => `conformance-${name}-${process.pid}-${(counter += 1)}`;
        async function open(spec = {}) {
            const store = await makeStore({ namespace: freshNamespace(), ...spec });
            opened.push(store);
            await waitUntil(() => store.stats().connected, { message: `${name} store did not connect` });
            return store;
        }
        afterEach(async () => {
            await Promise.all(opened.splice(0).map((s) => s.close()));
        });
        it('starts empty and connected', async () => {
            const store = await open();
            assert.deepEqual(await store.latest(10), []);
            assert.deepEqual(store.stats(), { buffered: 0, dropped: 0, written: 0, connected: true, dropping: false });
            assert.equal(typeof store.backend, 'string');
        });
        it('returns appended records newest first, unchanged, without an explicit flush', async () => {
            const store = await open();
            const records = [0, 1, 2, 3, 4].map((i) => makeRecord(i));
            records[2] = {
                ...records[2],
                explanation: { base_value: -2.1, contributions: [{ feature: 'amount', value: 12.5, shap: 0.4 }] },
            };
            for (const r of records)
                store.append(r);
            assert.deepEqual(await store.latest(10), records.map(stored).reverse());
        });
        it('honours the limit and caps it at what is stored', async () => {
            const store = await open();
            for (let i = 0; i < 7; i += 1)
                store.append(makeRecord(i));
            await store.flush();
            assert.deepEqual(await store.latest(0), []);
            assert.deepEqual(ids(await store.latest(1)), ['p-6']);
            assert.deepEqual(ids(await store.latest(3)), ['p-6', 'p-5', 'p-4']);
            assert.deepEqual(ids(await store.latest(7)), ['p-6', 'p-5', 'p-4', 'p-3', 'p-2', 'p-1', 'p-0']);
            assert.equal((await store.latest(1_000_000)).length, 7);
        });
        it('rejects a limit that is not a non-negative integer', async () => {
            const store = await open();
            store.append(makeRecord(0));
            for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3']) {
                await assert.rejects(store.latest(bad), (err) => err instanceof FraudlensError && err.code === 'INPUT_INVALID');
            }
        });
        it('keeps only the newest maxSize records', async () => {
            const store = await open({ maxSize: 5 });
            for (let i = 0; i < 12; i += 1)
                store.append(makeRecord(i));
            await store.flush();
            assert.deepEqual(ids(await store.latest(100)), ['p-11', 'p-10', 'p-9', 'p-8', 'p-7']);
            // Trimming is retention, not loss: every record was written.
            assert.equal(store.stats().written, 12);
            assert.equal(store.stats().dropped, 0);
        });
        it('masks the configured feature values, in features and in explanation entries', async () => {
            const store = await open({ maskFields: ['email', 'card_number'] });
            const record = {
                ...makeRecord(1),
                features: { amount: 99.9, email: 'jane@example.com', card_number: '4111111111111111', country: 'FR' },
                explanation: {
                    base_value: -1.5,
                    contributions: [
                        { feature: 'email', value: 'jane@example.com', shap: 0.7 },
                        { feature: 'amount', value: 99.9, shap: 0.2 },
                    ],
                },
            };
            const before = structuredClone(record);
            store.append(record);
            store.append(makeRecord(2)); // has none of the masked features: nothing is added
            const [plain, masked] = await store.latest(2);
            assert.deepEqual(masked.features, { amount: 99.9, email: '***', card_number: '***', country: 'FR' });
            assert.deepEqual(masked.explanation, {
                base_value: -1.5,
                contributions: [
                    { feature: 'email', value: '***', shap: 0.7 },
                    { feature: 'amount', value: 99.9, shap: 0.2 },
                ],
            });
            assert.deepEqual(plain.features, makeRecord(2).features);
            assert.deepEqual(record, before, 'the caller’s record must not be modified');
        });
        it('stores a snapshot: later changes to the caller’s object do not leak in', async () => {
            const store = await open();
            const contributions = [{ feature: 'amount', value: 13.5, shap: 0.3 }];
            const record = { ...makeRecord(3), explanation: { contributions } };
            store.append(record);
            record.score = 0.99;
            record.features.amount = -1;
            contributions[0].shap = -5;
            const [got] = await store.latest(1);
            assert.equal(got.score, makeRecord(3).score);
            assert.equal(got.features.amount, makeRecord(3).features.amount);
            assert.deepEqual(got.explanation, { contributions: [{ feature: 'amount', value: 13.5, shap: 0.3 }] });
        });
        it('frozen features: stored as given when JSON holds them, else normalised, masked, or refused', async () => {
            const plain = await open();
            plain.append({ ...makeRecord(1), features: Object.freeze({ amount: 12.5, country: 'FR', device: null }) });
            plain.append({ ...makeRecord(2), features: Object.freeze({ amount: Number.POSITIVE_INFINITY, country: 'DE' }) });
            plain.append({ ...makeRecord(3), features: Object.freeze({ amount: 10n }) });
            const [second, first] = await plain.latest(10);
            assert.deepEqual(first.features, { amount: 12.5, country: 'FR', device: null });
            assert.deepEqual(second.features, { amount: null, country: 'DE' }, 'a non-finite number is stored as null, as JSON would');
            assert.equal(plain.stats().dropped, 1, 'a value that is not a feature value is refused, frozen or not');
            const masking = await open({ maskFields: ['email'] });
            masking.append({ ...makeRecord(4), features: Object.freeze({ amount: 1, email: 'jane@example.com' }) });
            const [masked] = await masking.latest(1);
            assert.deepEqual(masked.features, { amount: 1, email: '***' });
        });
        it('counts every record: invalid ones are dropped, never thrown', async () => {
            const store = await open();
            const cyclic = { base_value: 0 };
            cyclic.self = cyclic;
            const invalid = [
                { ...makeRecord(100), decision: 'maybe' },
                { ...makeRecord(101), score: Number.NaN },
                { ...makeRecord(102), timestamp: 'yesterday' },
                { ...makeRecord(103), features: { amount: 10n } },
                { ...makeRecord(104), features: { nested: { a: 1 } } },
                { ...makeRecord(105), explanation: { shap: [1n] } },
                { ...makeRecord(106), explanation: cyclic },
                null,
            ];
            let appended = 0;
            for (let i = 0; i < 20; i += 1) {
                store.append(makeRecord(i));
                appended += 1;
                if (i < invalid.length) {
                    assert.doesNotThrow(() => store.append(invalid[i]));
                    appended += 1;
                }
                assertAccounted(store, appended);
            }
            await store.flush();
            assert.deepEqual(store.stats(), { buffered: 0, dropped: invalid.length, written: 20, connected: true, dropping: false });
            assert.equal((await store.latest(100)).length, 20);
        });
        it('flush and close are idempotent; appends after close are counted as dropped', async () => {
            const store = await open();
            store.append(makeRecord(0));
            await store.flush();
            await store.flush();
            await Promise.all([store.close(), store.close()]);
            await store.close();
            assert.doesNotThrow(() => store.append(makeRecord(1)));
            const s = store.stats();
            assert.equal(s.connected, false);
            assert.equal(s.written, 1);
            assert.equal(s.dropped, 1);
            assert.equal(s.buffered, 0);
            await store.flush();
            // Reads keep working after close (from what the process still holds).
            assert.ok(Array.isArray(await store.latest(5)));
        });
        if (shared) {
            it('two instances on the same storage: nothing lost, each writer’s order kept', async () => {
                const namespace = freshNamespace();
                const a = await open({ namespace });
                const b = await open({ namespace });
                for (let i = 0; i < 40; i += 1) {
                    a.append(makeRecord(i, 'a'));
                    b.append(makeRecord(i, 'b'));
                    // Let the writers interleave their batches rather than send everything at the end.
                    if (i % 10 === 9)
                        await new Promise((resolve) => setImmediate(resolve));
                }
                await Promise.all([a.flush(), b.flush()]);
                for (const reader of [a, b]) {
                    const all = ids(await reader.latest(1000));
                    assert.equal(all.length, 80);
                    const expect = (p) => Array.from({ length: 40 }, (_, i) => `${p}-${39 - i}`);
                    assert.deepEqual(all.filter((id) => id.startsWith('a-')), expect('a'));
                    assert.deepEqual(all.filter((id) => id.startsWith('b-')), expect('b'));
                }
            });
            it('two instances on the same storage share the maxSize bound', async () => {
                const namespace = freshNamespace();
                const a = await open({ namespace, maxSize: 30 });
                const b = await open({ namespace, maxSize: 30 });
                for (let i = 0; i < 25; i += 1) {
                    a.append(makeRecord(i, 'a'));
                    b.append(makeRecord(i, 'b'));
                }
                await Promise.all([a.flush(), b.flush()]);
                // A reader with a larger bound sees the true length: latest() alone caps at maxSize.
                const wide = await open({ namespace, maxSize: 1000 });
                assert.equal((await wide.latest(1000)).length, 30);
                assert.equal(a.stats().written + b.stats().written, 50);
            });
        }
        else {
            it('two instances are independent', async () => {
                const namespace = freshNamespace();
                const a = await open({ namespace });
                const b = await open({ namespace });
                a.append(makeRecord(0, 'a'));
                b.append(makeRecord(0, 'b'));
                b.append(makeRecord(1, 'b'));
                assert.deepEqual(ids(await a.latest(10)), ['a-0']);
                assert.deepEqual(ids(await b.latest(10)), ['b-1', 'b-0']);
            });
        }
    });
}
//# sourceMappingURL=conformance.js.map