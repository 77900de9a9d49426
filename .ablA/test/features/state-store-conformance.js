/**
 * The cases every EntityStateStore must pass (in process now; Redis to follow): each backend's test
 * file calls runStateStoreConformance with a factory. Cases are small and exact, so a failure
 * names the rule that broke.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateDefinitions } from '../../src/core/features/definitions.js';
import { compilePlan, newEventRecord } from '../../src/core/features/plan.js';
const DEFINITIONS = validateDefinitions({
    version: 1,
    event: { time: { field: 't', format: 'unix_seconds' }, id: 'id' },
    fields: { card: 'key', merchant: 'key', amt: 'number' },
    entities: { card: 'card', card_merchant: ['card', 'merchant'] },
    aggregations: [
        { name: 'count_1m', entity: 'card', op: 'count', window: '1m' },
        { name: 'sum_1m', entity: 'card', op: 'sum', field: 'amt', window: '1m' },
        { name: 'max_all', entity: 'card', op: 'max', field: 'amt' },
        { name: 'merchants_1m', entity: 'card', op: 'distinct_count', field: 'merchant', window: '1m' },
        { name: 'since_last', entity: 'card', op: 'time_since_last' },
        { name: 'pair_count', entity: 'card_merchant', op: 'count' },
    ],
});
export function runStateStoreConformance(backend, makeStore) {
    const plan = compilePlan(DEFINITIONS);
    const at = (name) => plan.names.indexOf(name);
    /** Sends events [id, time, card, merchant, amt] in order; returns each outcome and its aggregations by name. */
    async function send(store, events) {
        const record = newEventRecord(plan);
        const out = new Float64Array(plan.names.length);
        const results = [];
        for (const [id, time, card, merchant, amt] of events) {
            record.id = id;
            record.time = time;
            record.strings[plan.stringFields.indexOf('card')] = card;
            record.strings[plan.stringFields.indexOf('merchant')] = merchant;
            record.numbers[plan.numberFields.indexOf('amt')] = amt;
            const outcome = await store.readThenAdd(record, out);
            results.push({ outcome, values: Object.fromEntries(plan.names.map((n) => [n, out[at(n)]])) });
        }
        return results;
    }
    describe(`EntityStateStore conformance: ${backend}`, () => {
        it('reads strictly earlier events in [t - W, t), then adds', async () => {
            const r = await send(await makeStore(plan), [
                ['a', 0, 'c', 'm1', 10],
                ['b', 30, 'c', 'm2', 20],
                ['c', 60, 'c', 'm1', 5], // sees a (exactly 60 s before: inside) and b
                ['d', 61, 'c', 'm1', 1], // a left the window
            ]);
            assert.deepEqual(r.map((x) => x.values.count_1m), [0, 1, 2, 2]);
            assert.deepEqual(r.map((x) => x.values.sum_1m), [0, 10, 30, 25]);
            assert.deepEqual(r.map((x) => x.values.merchants_1m), [0, 1, 2, 2]);
            assert.deepEqual(r.map((x) => x.values.max_all), [NaN, 10, 20, 20]);
            assert.deepEqual(r.map((x) => x.values.since_last), [NaN, 30, 30, 1]);
            assert.deepEqual(r.map((x) => x.values.pair_count), [0, 0, 1, 2]);
        });
        it('equal times do not see each other', async () => {
            const r = await send(await makeStore(plan), [
                ['a', 100, 'c', 'm', 1],
                ['b', 100, 'c', 'm', 2],
                ['c', 101, 'c', 'm', 3],
            ]);
            assert.deepEqual(r.map((x) => x.values.count_1m), [0, 0, 2]);
            assert.deepEqual(r.map((x) => x.values.pair_count), [0, 0, 2]);
        });
        it('a missing key gives missing aggregations and is not added', async () => {
            const r = await send(await makeStore(plan), [
                ['a', 0, 'c', '', 1],
                ['b', 1, '', 'm', 2],
                ['c', 2, 'c', 'm', 3],
            ]);
            assert.ok(Number.isNaN(r[0].values.pair_count));
            assert.equal(r[0].values.count_1m, 0);
            assert.ok(Number.isNaN(r[1].values.count_1m));
            assert.equal(r[2].values.count_1m, 1, 'only event a of card c');
            assert.equal(r[2].values.merchants_1m, 0, 'an empty merchant is not a distinct value');
            assert.equal(r[2].values.pair_count, 0);
        });
        it('a duplicate id is read but counted once', async () => {
            const store = await makeStore(plan);
            const r = await send(store, [
                ['a', 0, 'c', 'm', 1],
                ['a', 5, 'c', 'm', 1],
                ['b', 10, 'c', 'm', 1],
            ]);
            assert.deepEqual(r.map((x) => x.outcome), ['added', 'duplicate', 'added']);
            assert.equal(r[1].values.count_1m, 1);
            assert.equal(r[2].values.count_1m, 1);
            assert.deepEqual(await store.entityCounts(), [1, 1]);
        });
        it('exports an entity state as JSON, and nothing for an unknown entity', async () => {
            const store = await makeStore(plan);
            await send(store, [['a', 0, 'c', 'm', 7]]);
            const state = await store.exportEntity('card', ['c']);
            assert.ok(state !== undefined);
            assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
            assert.equal(await store.exportEntity('card', ['unknown']), undefined);
            assert.ok((await store.exportEntity('card_merchant', ['c', 'm'])) !== undefined);
        });
    });
}
//# sourceMappingURL=state-store-conformance.js.map