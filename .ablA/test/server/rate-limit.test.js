/**
 * The rate limit (on GET /model; /health and /metrics are exempt) against hostile traffic: a forged X-Forwarded-For does not buy a new budget
 * (no hop trusted by default; with FRAUDLENS_TRUST_PROXY_HOPS=1 only the entry the proxy appended
 * counts), two app instances sharing a real, private redis-server share one budget per client,
 * and a Redis that is killed or frozen (SIGSTOP) never fails or stalls a request: counting goes
 * local. No timing assertions: waits are bounded polls.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startRedisServer, waitUntil } from '../helpers/redis-server.js';
import { makeApp } from './helpers.js';
const MAX = 3;
const LIMITED = { FRAUDLENS_RATE_LIMIT_MAX: String(MAX), FRAUDLENS_RATE_LIMIT_WINDOW_MS: '600000' };
async function status(t, headers = {}, remoteAddress = '127.0.0.1') {
    const res = await t.app.inject({ url: '/model', headers, remoteAddress });
    if (res.statusCode === 429)
        assert.equal(JSON.parse(res.body).code, 'RATE_LIMITED');
    return res.statusCode;
}
describe('rate limit: whose address counts', () => {
    it('trusts no proxy by default: a forged X-Forwarded-For is the same client', async () => {
        const t = await makeApp(LIMITED);
        try {
            for (let i = 0; i < MAX; i++)
                assert.equal(await status(t, { 'x-forwarded-for': `203.0.113.${i}` }), 200);
            assert.equal(await status(t, { 'x-forwarded-for': '198.51.100.7' }), 429, 'a new forged address gets no new budget');
            assert.equal(await status(t, {}, '127.0.0.2'), 200, 'another socket address is another client');
        }
        finally {
            await t.app.close();
        }
    });
    it('with one trusted hop, the entry the proxy appended is the client and the ones left of it are ignored', async () => {
        const t = await makeApp({ ...LIMITED, FRAUDLENS_TRUST_PROXY_HOPS: '1' });
        try {
            // nginx appends the address it saw: a client forging the header only adds entries on the left.
            for (let i = 0; i < MAX; i++)
                assert.equal(await status(t, { 'x-forwarded-for': `203.0.113.${i}, 192.0.2.10` }), 200);
            assert.equal(await status(t, { 'x-forwarded-for': '198.51.100.7, 192.0.2.10' }), 429);
            assert.equal(await status(t, { 'x-forwarded-for': '192.0.2.10' }), 429);
            assert.equal(await status(t, { 'x-forwarded-for': '203.0.113.0, 192.0.2.11' }), 200, 'another real client has its own budget');
        }
        finally {
            await t.app.close();
        }
    });
});
describe('rate limit shared through Redis', () => {
    let redis;
    before(async () => {
        redis = await startRedisServer();
    });
    after(async () => {
        await redis.dispose();
    });
    /** Waits until `n` rate-limit connections are open on the server, so counts go to Redis. */
    async function connected(n) {
        const raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
        try {
            await waitUntil(async () => (await raw.client('LIST')).split('\n').filter((l) => l.includes('name=fraudlens-rate-limit')).length >= n, {
                message: `${n} rate-limit clients connected`,
            });
        }
        finally {
            await raw.quit();
        }
    }
    it('two app instances (two workers or replicas) share one budget per client', async () => {
        const env = { ...LIMITED, FRAUDLENS_RATE_LIMIT_STORE: 'redis', REDIS_URL: redis.url };
        const a = await makeApp(env);
        const b = await makeApp(env);
        try {
            await connected(2);
            assert.equal(await status(a), 200);
            assert.equal(await status(b), 200);
            assert.equal(await status(a), 200);
            assert.equal(await status(b), 429, `${MAX} requests were spent across both instances`);
            assert.equal(await status(a), 429);
        }
        finally {
            await Promise.all([a.app.close(), b.app.close()]);
        }
    });
    it('LOGGING_HANDLER=redis shares the counts without more settings', async () => {
        const t = await makeApp({
            ...LIMITED,
            LOGGING_HANDLER: 'redis',
            REDIS_URL: redis.url,
            REDIS_LOGS_KEY: 'rate-limit-test-log',
        });
        try {
            assert.equal(t.config.rateLimitStore, 'redis');
        }
        finally {
            await t.app.close();
        }
    });
    it('Redis frozen (SIGSTOP) or killed: every request is still answered, counted in the process', async () => {
        const env = { ...LIMITED, FRAUDLENS_RATE_LIMIT_STORE: 'redis', REDIS_URL: redis.url };
        const t = await makeApp(env);
        try {
            await connected(1);
            assert.equal(await status(t, {}, '127.0.0.5'), 200);
            redis.pause();
            try {
                // Each answer comes after at most the store's command timeout; none is a 5xx.
                const frozen = [];
                for (let i = 0; i < MAX + 1; i++)
                    frozen.push(await status(t, {}, '127.0.0.6'));
                assert.deepEqual(frozen, [200, 200, 200, 429], 'the limit still holds, per process');
            }
            finally {
                redis.resume();
            }
            await redis.kill();
            const killed = [];
            for (let i = 0; i < MAX + 1; i++)
                killed.push(await status(t, {}, '127.0.0.7'));
            assert.deepEqual(killed, [200, 200, 200, 429]);
        }
        finally {
            await t.app.close();
        }
    });
});
//# sourceMappingURL=rate-limit.test.js.map