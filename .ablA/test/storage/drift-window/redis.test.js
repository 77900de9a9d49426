/**
 * Redis drift window against real, private redis-server processes: the shared conformance suite
 * (including two stores sharing one window), what lands on the wire (hashes of counts, trimmed
 * sample sets, the recent list, expiries), and the faults: Redis absent at start, and killed
 * while updates keep coming.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { buildBaseline, compileBaseline, countRows } from '../../../src/core/drift/index.js';
import { RedisDriftWindow } from '../../../src/storage/index.js';
import { createRedisServer, startRedisServer, waitUntil } from '../../helpers/redis-server.js';
import { runDriftWindowConformance } from './conformance.js';
import { demoModel, demoTable, encodeDemo } from '../drift-window-fixtures.js';
let server;
before(async () => {
    server = await startRedisServer();
});
after(async () => {
    await server.dispose();
});
runDriftWindowConformance('redis', (spec) => new RedisDriftWindow(spec.baseline, { ...spec.options, url: server.url, keyPrefix: `${spec.namespace}:` }), {
    sharedStorage: true,
});
const MINUTE = 60_000;
const model = demoModel();
const baseline = buildBaseline(demoTable(1000, 7), model, { seed: 1, createdAt: '2024-01-01T00:00:00.000Z' });
const layout = compileBaseline(baseline);
const data = encodeDemo(demoTable(3000, 8), model);
const m = data.m;
/** Stores of the current test, closed after it even when an assertion failed (an open client would keep the process alive). */
const opened = [];
afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
});
function track(store) {
    opened.push(store);
    return store;
}
function feed(store, from, to, timeMs) {
    for (let i = from; i < to; i++)
        store.update(data.x.subarray(i * m, (i + 1) * m), data.scores[i], timeMs);
}
async function withRaw(url, fn) {
    const raw = new Redis(url, { maxRetriesPerRequest: 1 });
    try {
        return await fn(raw);
    }
    finally {
        await raw.quit();
    }
}
/** Fault tests reconnect quickly and give up flushing soon, so waits stay short. */
function faultOptions(url, prefix, extra = {}) {
    return { url, keyPrefix: prefix, bucketMs: MINUTE, seed: 5, reconnectMaxDelayMs: 100, flushTimeoutMs: 300, ...extra };
}
describe('RedisDriftWindow wire format', () => {
    it('HINCRBYs per-bucket hashes, trims the sample set, caps the recent list, and sets expiries', async () => {
        const store = track(new RedisDriftWindow(baseline, {
            url: server.url,
            keyPrefix: 'wire:',
            bucketMs: MINUTE,
            bucketSampleSize: 40,
            recentSize: 25,
            seed: 1,
        }));
        assert.match(store.namespace, /^wire:demo-test-1:[0-9a-f]{16}:$/);
        const now = Date.now();
        const start = now - (now % MINUTE);
        feed(store, 0, 300, now);
        await store.flush();
        await withRaw(server.url, async (raw) => {
            const hash = await raw.hgetall(`${store.namespace}c:${start}`);
            assert.equal(hash.rows, '300');
            const counts = new Float64Array(layout.numSlots);
            for (const [field, value] of Object.entries(hash))
                if (field !== 'rows')
                    counts[Number(field)] = Number(value);
            assert.deepEqual(counts, countRows(layout, data.x.subarray(0, 300 * m), data.scores.subarray(0, 300), 300).counts);
            assert.equal(await raw.zcard(`${store.namespace}s:${start}`), 40);
            assert.equal(await raw.llen(`${store.namespace}recent`), 25);
            const ttl = await raw.pttl(`${store.namespace}c:${start}`);
            assert.ok(ttl > 24 * 60 * MINUTE && ttl <= 24 * 60 * MINUTE + MINUTE, `counts expire after the retention plus a bucket (pttl ${ttl})`);
            assert.ok((await raw.pttl(`${store.namespace}s:${start}`)) > 0);
            assert.ok((await raw.pttl(`${store.namespace}recent`)) > 0);
        });
        await store.close();
    });
    it('keeps a bucket sample uniform across writers: the smallest keys of both', async () => {
        const options = { url: server.url, keyPrefix: 'uniform:', bucketMs: MINUTE, bucketSampleSize: 100 };
        const a = track(new RedisDriftWindow(baseline, { ...options, seed: 11 }));
        const b = track(new RedisDriftWindow(baseline, { ...options, seed: 12 }));
        const now = Date.now();
        // a writes rows 0..1999, b rows 2000..2999: a third of the bucket's sample should come from b.
        feed(a, 0, 2000, now);
        feed(b, 2000, 3000, now);
        await Promise.all([a.flush(), b.flush()]);
        const snap = await a.read({ type: 'time', durationMs: MINUTE }, now);
        assert.equal(snap.counts.rows, 3000);
        assert.equal(snap.sample.size, 100);
        const key = (values, r, score) => `${score}|${Array.from({ length: m }, (_, k) => values[r * m + k]).join(',')}`;
        const fromB = new Set(Array.from({ length: 1000 }, (_, i) => key(data.x, 2000 + i, data.scores[2000 + i])));
        let hits = 0;
        for (let r = 0; r < 100; r++)
            if (fromB.has(key(snap.sample.values, r, snap.sample.scores[r])))
                hits++;
        // Binomial(100, 1/3): mean 33, sd 4.7; 15..52 is four sd either side.
        assert.ok(hits >= 15 && hits <= 52, `${hits} of 100 sampled rows come from the second writer`);
        await Promise.all([a.close(), b.close()]);
    });
    it('keeps no value of a masked (PII) feature in any key: every stored row has it as NaN', async () => {
        const masked = model.features.findIndex((f) => f.name === 'amount');
        const store = track(new RedisDriftWindow(baseline, {
            url: server.url,
            keyPrefix: 'pii:',
            bucketMs: MINUTE,
            bucketSampleSize: 40,
            recentSize: 25,
            seed: 1,
            maskedFeatures: ['amount'],
        }));
        const unmasked = track(new RedisDriftWindow(baseline, { url: server.url, keyPrefix: 'pii:', bucketMs: MINUTE, seed: 2 }));
        assert.notEqual(store.namespace, unmasked.namespace, 'a replica keeping the values never writes where the masking one reads');
        feed(store, 0, 300, Date.now());
        await store.flush();
        const amounts = new Set(Array.from({ length: 300 }, (_, i) => data.x[i * m + masked]));
        await withRaw(server.url, async (raw) => {
            const keys = await raw.keys('pii:*');
            let rowsSeen = 0;
            for (const key of keys) {
                const type = await raw.type(key);
                // Rows: sample set members (key, score, values) and recent list items (score, values).
                const [members, offset] = type === 'zset'
                    ? [await raw.zrange(key, '0', '-1'), 16]
                    : type === 'list'
                        ? [await raw.lrange(key, 0, -1), 8]
                        : [[], 0];
                for (const member of members) {
                    const value = Buffer.from(member, 'base64').readFloatLE(offset + 4 * masked);
                    assert.ok(Number.isNaN(value), `${key} keeps the masked value ${value}${amounts.has(value) ? ' (a raw amount sent)' : ''}`);
                    rowsSeen++;
                }
                if (type === 'hash') {
                    // Counts: slot numbers and row totals only.
                    for (const field of Object.keys(await raw.hgetall(key)))
                        assert.match(field, /^(rows|\d+)$/);
                }
            }
            assert.equal(rowsSeen, 40 + 25, 'the bucket sample and the recent list were both checked');
        });
        const snap = await store.read({ type: 'time', durationMs: MINUTE });
        assert.deepEqual(snap.counts.counts, countRows(layout, data.x.subarray(0, 300 * m), data.scores.subarray(0, 300), 300).counts, 'counted on its bins all the same');
        await store.close();
    });
    it('keeps windows of different baselines apart', async () => {
        const other = buildBaseline(demoTable(1000, 7), model, { seed: 1, bins: 5 });
        const a = track(new RedisDriftWindow(baseline, { url: server.url, keyPrefix: 'apart:', seed: 1 }));
        const b = track(new RedisDriftWindow(other, { url: server.url, keyPrefix: 'apart:', seed: 2 }));
        assert.notEqual(a.namespace, b.namespace);
        const now = Date.now();
        feed(a, 0, 50, now);
        await a.flush();
        assert.equal((await b.read({ type: 'time', durationMs: MINUTE }, now)).counts.rows, 0);
        await Promise.all([a.close(), b.close()]);
    });
});
describe('RedisDriftWindow faults', () => {
    it('Redis down at start: updates return, rows wait, reads answer locally, then everything is written', async () => {
        const idle = await createRedisServer();
        try {
            const store = track(new RedisDriftWindow(baseline, faultOptions(idle.url, 'down:')));
            const now = Date.now();
            feed(store, 0, 100, now);
            assert.deepEqual(store.stats(), { updates: 100, written: 0, pending: 100, dropped: 0, connected: false, dropping: false });
            const local = await store.read({ type: 'time', durationMs: MINUTE }, now);
            assert.equal(local.window.source, 'local');
            assert.equal(local.counts.rows, 100);
            await idle.start();
            await waitUntil(() => store.stats().written === 100, { message: 'pending rows were not written after Redis came up' });
            assert.deepEqual(store.stats(), { updates: 100, written: 100, pending: 0, dropped: 0, connected: true, dropping: false });
            const remote = await store.read({ type: 'time', durationMs: MINUTE }, now);
            assert.equal(remote.window.source, 'redis');
            assert.deepEqual(remote.counts, local.counts);
            await store.close();
        }
        finally {
            await idle.dispose();
        }
    });
    it('Redis killed mid-stream: updates never throw, state says disconnected, rows are written after a restart', async () => {
        const victim = await startRedisServer();
        try {
            const store = track(new RedisDriftWindow(baseline, faultOptions(victim.url, 'killed:')));
            await waitUntil(() => store.stats().connected, { message: 'store did not connect' });
            const now = Date.now();
            let next = 0;
            let stopAt = 3000;
            // A producer that keeps updating, a little at a time, through the kill.
            const producer = (async () => {
                while (next < stopAt) {
                    for (let k = 0; k < 10 && next < stopAt; k++, next++) {
                        assert.doesNotThrow(() => store.update(data.x.subarray(next * m, (next + 1) * m), data.scores[next], now));
                    }
                    await new Promise((resolve) => setTimeout(resolve, 1));
                }
            })();
            // Enough rows first for the bucket's sample set to be full, so a cut-off is in force.
            await waitUntil(() => store.stats().written >= 500, { message: 'too little was written before the kill' });
            await victim.kill();
            await waitUntil(() => !store.stats().connected, { message: 'store did not notice the kill' });
            const atKill = next;
            stopAt = Math.min(3000, atKill + 200);
            await producer;
            const down = store.stats();
            assert.equal(down.connected, false);
            assert.ok(down.pending >= 200, `rows updated while Redis is down wait in process (${down.pending})`);
            assert.equal(down.written + down.pending + down.dropped, down.updates);
            // The drift endpoint keeps answering from this process.
            const local = await store.read({ type: 'time', durationMs: MINUTE }, now);
            assert.equal(local.window.source, 'local');
            assert.equal(local.counts.rows, down.updates);
            await victim.start();
            await waitUntil(() => store.stats().pending === 0 && store.stats().connected, {
                message: 'pending rows were not written after the restart',
            });
            assert.deepEqual(store.stats(), { updates: next, written: next, pending: 0, dropped: 0, connected: true, dropping: false });
            // The killed server lost its data (no persistence); the restarted one holds every row that
            // was still pending at the kill, and never more rows than were updated.
            const remote = await store.read({ type: 'time', durationMs: MINUTE }, now);
            assert.equal(remote.window.source, 'redis');
            assert.ok(remote.counts.rows >= next - atKill && remote.counts.rows <= next, `${remote.counts.rows} rows in Redis after ${next} updates, ${atKill} before the kill`);
            // Their sample is complete too: the old server's cut-off did not thin it.
            assert.equal(remote.sample.size, Math.min(250, remote.counts.rows));
        }
        finally {
            await victim.dispose();
        }
    });
    it('a bucket whose write fails on a live connection is retried alone: nothing lost, nothing counted twice', async () => {
        const store = track(new RedisDriftWindow(baseline, faultOptions(server.url, 'wrongtype:')));
        await waitUntil(() => store.stats().connected, { message: 'store did not connect' });
        const now = Date.now();
        const start = now - (now % MINUTE);
        const clobbered = `${store.namespace}c:${start}`;
        await withRaw(server.url, (raw) => raw.set(clobbered, 'a string, not a hash'));
        feed(store, 0, 50, now);
        feed(store, 50, 80, now - MINUTE);
        await store.flush(); // gives up after 300 ms: the newer bucket fails with WRONGTYPE each time
        assert.deepEqual(store.stats(), { updates: 80, written: 30, pending: 50, dropped: 0, connected: true, dropping: false });
        await withRaw(server.url, (raw) => raw.del(clobbered));
        await waitUntil(() => store.stats().written === 80, { message: 'the failed bucket was not retried' });
        const snap = await store.read({ type: 'time', durationMs: 15 * MINUTE }, now);
        assert.equal(snap.counts.rows, 80);
        assert.deepEqual(snap.counts.counts, countRows(layout, data.x.subarray(0, 80 * m), data.scores.subarray(0, 80), 80).counts);
        const recent = await store.read({ type: 'count', rows: 1000 });
        assert.equal(recent.counts.rows, 80, 'the recent list got every row once');
        await store.close();
    });
    it('close() with Redis down gives up after the flush timeout and counts what is left as dropped', async () => {
        const idle = await createRedisServer();
        try {
            const store = track(new RedisDriftWindow(baseline, faultOptions(idle.url, 'closed-down:')));
            feed(store, 0, 7, Date.now());
            await store.close();
            assert.deepEqual(store.stats(), { updates: 7, written: 0, pending: 0, dropped: 7, connected: false, dropping: false });
        }
        finally {
            await idle.dispose();
        }
    });
});
//# sourceMappingURL=redis.test.js.map