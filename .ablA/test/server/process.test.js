/**
 * Over real sockets: the server started in-process (startServer) and as a `fraudlens serve` child
 * process. Graceful shutdown is proven without timing assertions: a request whose headers the
 * server has acknowledged (100 Continue) is in flight when SIGTERM arrives; its body is sent
 * afterwards, it must still get its 200, its record must be flushed, and the process exits 0.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configFromValues } from '../../src/server/config.js';
import { startServer } from '../../src/server/start.js';
import { freePort } from '../helpers/redis-server.js';
import { CLI_ENTRY } from '../helpers/cli.js';
import { ulbSample, ULB_MODEL } from './helpers.js';
/** Keep-alive connections held open across SIGTERM in the drain test. */
const KEEP_ALIVE_CLIENTS = 16;
/** The shutdown timeout in the unreachable-Redis test, and what the process may add to it (exit, log writes). */
const SHORT_SHUTDOWN_TIMEOUT_MS = 1_000;
const EXIT_SLACK_MS = 3_000;
function readReply(res) {
    return new Promise((resolve, reject) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        res.on('error', reject);
    });
}
/** One request on a fresh connection (no keep-alive), so cluster workers take turns. */
function call(url, method = 'GET', body, headers = {}) {
    return new Promise((resolve, reject) => {
        const req = request(url, {
            method,
            agent: false,
            headers: {
                ...(body !== undefined
                    ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }
                    : {}),
                ...headers,
            },
        }, (res) => {
            readReply(res).then(resolve, reject);
        });
        req.on('error', reject);
        req.end(body);
    });
}
/**
 * Starts POST /predict with `Expect: 100-continue` and resolves once the server has parsed the
 * headers (the request is in flight); `send()` then writes the body and resolves with the reply.
 */
async function inFlightPredict(url, body) {
    const req = request(`${url}/predict`, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), expect: '100-continue' },
    });
    const response = new Promise((resolve, reject) => {
        req.on('response', (res) => {
            readReply(res).then(resolve, reject);
        });
        req.on('error', reject);
    });
    req.flushHeaders();
    await once(req, 'continue');
    return {
        send: () => {
            req.end(body);
            return response;
        },
    };
}
describe('startServer on a real socket', () => {
    let server;
    before(async () => {
        const config = configFromValues({
            LOG_LEVEL: 'silent',
            MODEL_PATH: ULB_MODEL,
            API_HOST: '127.0.0.1',
            API_PORT: '0',
            FRAUDLENS_BODY_LIMIT: '2048',
        });
        server = await startServer(config, { handleSignals: false });
    });
    after(() => server.shutdown('test end'));
    it('answers /predict, /health and errors over HTTP', async () => {
        const ok = await call(`${server.url}/predict`, 'POST', JSON.stringify(ulbSample()));
        assert.equal(ok.status, 200);
        assert.equal(typeof JSON.parse(ok.body).score, 'number');
        assert.equal(ok.headers['x-content-type-options'], 'nosniff');
        assert.equal((await call(`${server.url}/health`)).status, 200);
        const big = await call(`${server.url}/predict`, 'POST', JSON.stringify({ pad: 'x'.repeat(4000) }));
        assert.equal(big.status, 413);
        assert.equal(JSON.parse(big.body).code, 'REQUEST_TOO_LARGE');
        const bad = await call(`${server.url}/predict`, 'POST', '{"Amount":');
        assert.equal(JSON.parse(bad.body).code, 'REQUEST_MALFORMED_JSON');
        const keepAlive = await fetch(`${server.url}/v2/health/live`);
        assert.deepEqual(await keepAlive.json(), { live: true });
    });
    it('finishes an in-flight request on shutdown, then refuses connections', async () => {
        const pending = await inFlightPredict(server.url, JSON.stringify(ulbSample()));
        const done = server.shutdown('test');
        const reply = await pending.send();
        assert.equal(reply.status, 200);
        await done;
        await server.closed;
        const stats = server.app.fraudlens.predictionLog.stats();
        assert.equal(stats.dropped, 0);
        await assert.rejects(call(`${server.url}/health`), /ECONNREFUSED/);
    });
});
/** A `fraudlens serve` child; resolves once its "listening" line names the URL. */
async function spawnServe(args, env, cwd) {
    const child = spawn(process.execPath, [CLI_ENTRY, 'serve', ...args], {
        cwd,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    const url = await new Promise((resolve, reject) => {
        child.stderr.setEncoding('utf8').on('data', (c) => {
            err += c;
            const m = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"fraudlens listening"|"msg":"fraudlens listening"[^\n]*"url":"(http:\/\/[^"]+)"/.exec(err);
            if (m)
                resolve(m[1] ?? m[2]);
        });
        child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${err}`)));
    });
    return { child, url, stdout: () => out, stderr: () => err };
}
async function runServe(args, env, cwd) {
    const child = spawn(process.execPath, [CLI_ENTRY, 'serve', ...args], {
        cwd,
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
    const [code] = (await once(child, 'exit'));
    return { code, stderr: err };
}
describe('fraudlens serve (child process)', () => {
    let cwd;
    before(async () => {
        cwd = await mkdtemp(join(tmpdir(), 'fraudlens-serve-'));
    });
    after(() => rm(cwd, { recursive: true, force: true }));
    it('on SIGTERM finishes the in-flight request, flushes its record and exits 0', async () => {
        const s = await spawnServe(['--model', ULB_MODEL, '--host', '127.0.0.1', '--port', '0'], { LOGGING_HANDLER: 'stdout', LOG_LEVEL: 'info' }, cwd);
        const exited = once(s.child, 'exit');
        const first = await call(`${s.url}/predict`, 'POST', JSON.stringify(ulbSample()));
        assert.equal(first.status, 200);
        const pending = await inFlightPredict(s.url, JSON.stringify({ ...ulbSample(), V1: 0.5 }));
        s.child.kill('SIGTERM');
        const last = await pending.send();
        assert.equal(last.status, 200, last.body);
        const [code, signal] = (await exited);
        assert.equal(signal, null, s.stderr());
        assert.equal(code, 0, s.stderr());
        const records = s
            .stdout()
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l));
        const ids = records.map((r) => r.id);
        assert.ok(ids.includes(JSON.parse(first.body).id));
        assert.ok(ids.includes(JSON.parse(last.body).id), 'the in-flight prediction was flushed before exit');
        assert.match(s.stderr(), /prediction log flushed and closed/);
    });
    it('on SIGTERM answers follow-ups on open keep-alive connections with 503 NOT_READY and Connection: close', async () => {
        // A long grace so the follow-ups land inside it however slow the machine; it ends early once every client has gone.
        const s = await spawnServe(['--model', ULB_MODEL, '--host', '127.0.0.1', '--port', '0'], { LOG_LEVEL: 'info', FRAUDLENS_SHUTDOWN_GRACE_MS: '30000' }, cwd);
        const exited = once(s.child, 'exit');
        const agent = new Agent({ keepAlive: true, maxSockets: KEEP_ALIVE_CLIENTS });
        const get = (path) => new Promise((resolve, reject) => {
            const req = request(`${s.url}${path}`, { agent }, (res) => {
                readReply(res).then(resolve, reject);
            });
            req.on('error', reject);
            req.end();
        });
        try {
            const warm = await Promise.all(Array.from({ length: KEEP_ALIVE_CLIENTS }, () => get('/model')));
            assert.ok(warm.every((r) => r.status === 200));
            const pooled = Object.values(agent.freeSockets).flat().length;
            assert.ok(pooled > 1, `keep-alive sockets in the pool: ${pooled}`);
            s.child.kill('SIGTERM');
            // On a pooled connection, /health turns 503 once the server drains (health stays readable).
            for (let i = 0; i < 200; i++) {
                if ((await get('/health')).status === 503)
                    break;
                await new Promise((r) => setTimeout(r, 10));
            }
            const followUps = await Promise.all(Array.from({ length: KEEP_ALIVE_CLIENTS }, () => get('/model')));
            for (const r of followUps) {
                assert.equal(r.status, 503, r.body);
                assert.equal(JSON.parse(r.body).code, 'NOT_READY');
                assert.equal(r.headers.connection, 'close');
                assert.equal(r.headers['x-content-type-options'], 'nosniff');
            }
        }
        finally {
            agent.destroy();
        }
        const [code] = (await exited);
        assert.equal(code, 0, s.stderr());
        // Refusals are routine during a drain: logged at info (30), without a stack.
        const refusals = s
            .stderr()
            .split('\n')
            .filter((l) => l.includes('"request refused"'));
        assert.ok(refusals.length >= KEEP_ALIVE_CLIENTS, s.stderr());
        for (const line of refusals) {
            const entry = JSON.parse(line);
            assert.equal(entry.level, 30, line);
            assert.equal(entry.err, undefined, line);
        }
    });
    it('with Redis unreachable, exits within the shutdown timeout and logs the records it could not flush as dropped', async () => {
        const nobody = await freePort();
        const s = await spawnServe(['--model', ULB_MODEL, '--host', '127.0.0.1', '--port', '0', '--logging-handler', 'redis'], {
            LOG_LEVEL: 'info',
            REDIS_URL: `redis://127.0.0.1:${nobody}/0`,
            FRAUDLENS_SHUTDOWN_TIMEOUT_MS: String(SHORT_SHUTDOWN_TIMEOUT_MS),
        }, cwd);
        const exited = once(s.child, 'exit');
        const predictions = 3;
        for (let i = 0; i < predictions; i++)
            assert.equal((await call(`${s.url}/predict`, 'POST', JSON.stringify(ulbSample()))).status, 200);
        const started = Date.now();
        s.child.kill('SIGTERM');
        const [code] = (await exited);
        const took = Date.now() - started;
        assert.equal(code, 0, s.stderr());
        assert.ok(took < SHORT_SHUTDOWN_TIMEOUT_MS + EXIT_SLACK_MS, `shutdown took ${took} ms with a ${SHORT_SHUTDOWN_TIMEOUT_MS} ms timeout`);
        const timeout = s
            .stderr()
            .split('\n')
            .find((l) => l.includes('shutdown timeout'));
        assert.ok(timeout !== undefined, s.stderr());
        const entry = JSON.parse(timeout);
        assert.ok(entry.unflushed >= predictions, timeout);
        assert.match(entry.msg, /prediction records could not be flushed and are dropped/);
    });
    it('runs --workers 2 sharing one port and stops them all on SIGTERM', async () => {
        const s = await spawnServe(['--model', ULB_MODEL, '--host', '127.0.0.1', '--port', '0', '--workers', '2'], { LOG_LEVEL: 'info' }, cwd);
        // listen(0) in cluster workers shares one random port. The second worker may still be
        // starting when the first reports, so ask until both have answered (bounded attempts).
        const exited = once(s.child, 'exit');
        const pids = new Set();
        for (let i = 0; i < 400 && pids.size < 2; i++)
            pids.add(JSON.parse((await call(`${s.url}/health`)).body).pid);
        assert.equal(pids.size, 2, 'both workers answered on the shared port');
        assert.ok(!pids.has(s.child.pid), 'requests are served by workers, not the primary');
        s.child.kill('SIGTERM');
        const [code] = (await exited);
        assert.equal(code, 0, s.stderr());
    });
    it('exits 2 naming the setting on a bad configuration', async () => {
        const bad = await runServe(['--model', ULB_MODEL], { FRAUDLENS_BATCH_LIMIT: 'lots' }, cwd);
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /CONFIG_INVALID: .*FRAUDLENS_BATCH_LIMIT must be an integer, got "lots"/);
        const unknown = await runServe(['--model', ULB_MODEL], { FRAUDLENS_WORKER: '2' }, cwd);
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /unknown setting FRAUDLENS_WORKER .*did you mean FRAUDLENS_WORKERS/);
        const flag = await runServe(['--model', ULB_MODEL, '--port', '-5'], {}, cwd);
        assert.equal(flag.code, 2);
        assert.match(flag.stderr, /API_PORT must be >= 0.*flag --port/);
    });
    it('exits 2 on a missing or corrupt model file', async () => {
        const missing = await runServe(['--model', join(cwd, 'nope.json')], {}, cwd);
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /INPUT_UNREADABLE/);
        const corrupt = join(cwd, 'corrupt.json');
        await writeFile(corrupt, '{"learner": {"gradient_booster": ');
        const broken = await runServe(['--model', corrupt], {}, cwd);
        assert.equal(broken.code, 2);
        assert.match(broken.stderr, /MODEL_INVALID/);
    });
});
//# sourceMappingURL=process.test.js.map