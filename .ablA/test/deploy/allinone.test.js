/**
 * deploy/start-allinone.sh run natively, as the all-in-one image runs it: a real redis-server on a
 * free port and the real API from the compiled CLI. Checks a healthy start (prediction logged to
 * that Redis), that a child dying stops the whole container, and that SIGTERM shuts both down
 * cleanly with the log flushed into Redis's append-only file.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { API_ENTRY, apiEnv, deployPath, freePort, getJson, missing, postJson, Proc, sampleTransaction, tempDir, waitUntil, } from './helpers.js';
const skip = missing({ 'redis-server': 'redis-server', bash: 'bash' });
async function startAllInOne() {
    const apiPort = await freePort();
    let redisPort = await freePort();
    while (redisPort === apiPort)
        redisPort = await freePort();
    const dataDir = tempDir('allinone');
    const t0 = Date.now();
    const proc = new Proc('bash', [deployPath('start-allinone.sh'), process.execPath, API_ENTRY, 'serve'], {
        env: apiEnv({
            LOG_LEVEL: 'info',
            API_PORT: String(apiPort),
            REDIS_PORT: String(redisPort),
            REDIS_DATA_DIR: dataDir,
            REDIS_SERVER: 'redis-server',
        }),
        cwd: dataDir,
    });
    await waitUntil(() => {
        if (!proc.running)
            throw new Error(`start-allinone.sh exited:\n${proc.output}`);
        return proc.output.includes('start-allinone: healthy after');
    }, { timeoutMs: 30_000, intervalMs: 25, message: 'start-allinone.sh did not report a healthy start' });
    return { proc, url: `http://127.0.0.1:${apiPort}`, redisPort, dataDir, startedMs: Date.now() - t0 };
}
async function redisPid(port) {
    const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    try {
        await client.connect();
        const info = await client.info('server');
        const m = /process_id:(\d+)/.exec(info);
        if (m === null)
            throw new Error(`no process_id in INFO server:\n${info}`);
        return Number(m[1]);
    }
    finally {
        client.disconnect();
    }
}
function processGone(pid) {
    try {
        process.kill(pid, 0);
        return false;
    }
    catch {
        return true;
    }
}
describe('start-allinone.sh (Redis + API in one container)', { skip, timeout: 90_000 }, () => {
    test('starts Redis, then the API, reports healthy, and the prediction log goes to that Redis', async (t) => {
        const aio = await startAllInOne();
        try {
            const startMs = /healthy after (\d+) ms/.exec(aio.proc.output)?.[1];
            t.diagnostic(`all-in-one healthy after ${startMs} ms by its own clock (${aio.startedMs} ms seen from the test)`);
            const health = await getJson(`${aio.url}/health`);
            assert.equal(health.status, 200);
            assert.equal(health.body.status, 'healthy');
            assert.equal(health.body.redis_connected, true);
            assert.equal(health.body.logging_handler, 'redis');
            const p = await postJson(`${aio.url}/predict`, sampleTransaction());
            assert.equal(p.status, 200, JSON.stringify(p.body));
            await waitUntil(async () => (await getJson(`${aio.url}/logs?limit=5`)).body.count >= 1, {
                timeoutMs: 5_000,
                message: 'the record did not reach Redis',
            });
            const client = new Redis({ host: '127.0.0.1', port: aio.redisPort, lazyConnect: true });
            await client.connect();
            assert.equal(await client.llen('api_logs'), 1);
            assert.equal(await client.config('GET', 'maxmemory-policy').then((r) => r[1]), 'allkeys-lru');
            client.disconnect();
        }
        finally {
            aio.proc.killAll();
        }
    });
    test('the API dying stops Redis and the script, with a non-zero status', async () => {
        const aio = await startAllInOne();
        try {
            const apiPid = (await getJson(`${aio.url}/health`)).body.pid;
            const rPid = await redisPid(aio.redisPort);
            process.kill(apiPid, 'SIGKILL');
            const exit = await aio.proc.exited(15_000);
            assert.notEqual(exit.code, 0, 'a dead API makes the container exit non-zero');
            assert.match(aio.proc.output, /the API exited unexpectedly/);
            await waitUntil(() => processGone(rPid), { timeoutMs: 5_000, message: 'redis-server still running' });
        }
        finally {
            aio.proc.killAll();
        }
    });
    test('Redis dying stops the API and the script, with a non-zero status', async () => {
        const aio = await startAllInOne();
        try {
            const apiPid = (await getJson(`${aio.url}/health`)).body.pid;
            process.kill(await redisPid(aio.redisPort), 'SIGKILL');
            const exit = await aio.proc.exited(20_000);
            assert.notEqual(exit.code, 0);
            assert.match(aio.proc.output, /Redis exited unexpectedly/);
            await waitUntil(() => processGone(apiPid), { timeoutMs: 5_000, message: 'the API still running' });
        }
        finally {
            aio.proc.killAll();
        }
    });
    test('SIGTERM stops the API (log flushed) and then Redis (append-only file synced), exit status 0', async () => {
        const aio = await startAllInOne();
        try {
            const apiPid = (await getJson(`${aio.url}/health`)).body.pid;
            const rPid = await redisPid(aio.redisPort);
            for (let i = 0; i < 5; i++)
                assert.equal((await postJson(`${aio.url}/predict`, sampleTransaction(i))).status, 200);
            const exit = await aio.proc.stop('SIGTERM', 20_000);
            assert.deepEqual(exit, { code: 0, signal: null }, aio.proc.output);
            assert.ok(processGone(apiPid) && processGone(rPid), 'both children are gone');
            assert.match(aio.proc.output, /shut down: prediction log flushed/);
            // Redis 7 keeps its append-only file as a directory of parts; the records are in it.
            const aofDir = join(aio.dataDir, 'appendonlydir');
            assert.ok(existsSync(aofDir), 'Redis wrote an append-only file');
            const aof = readdirSync(aofDir)
                .map((f) => readFileSync(join(aofDir, f), 'latin1'))
                .join('');
            assert.ok((aof.match(/api_logs/g) ?? []).length >= 1, 'the prediction records are in the append-only file');
        }
        finally {
            aio.proc.killAll();
        }
    });
});
//# sourceMappingURL=allinone.test.js.map