/**
 * Private, throw-away redis-server processes for tests, so no test ever touches a Redis the
 * machine runs for other purposes (such as the one on 6379).
 *
 * Each server listens on 127.0.0.1 on a port that was free when it was chosen, keeps its files in
 * its own temp directory and persists nothing (`--save "" --appendonly no`): stopping it loses
 * the data, as a crash would. The handle keeps its port across stop/start, which is what fault
 * tests need ("Redis goes away, then comes back at the same address").
 *
 *   const server = await startRedisServer();          // running, answers PING
 *   const idle = await createRedisServer();           // port reserved, nothing listening yet
 *   await server.kill();                              // SIGKILL, like a crash
 *   await server.start();                             // same port again, waits for PING
 *   await server.dispose();                           // stop and remove the temp dir
 *
 * Servers still running when the test process exits are killed. The binary is
 * /usr/bin/redis-server unless REDIS_SERVER_BIN says otherwise.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
const live = new Set();
let exitHookInstalled = false;
function installExitHook() {
    if (exitHookInstalled)
        return;
    exitHookInstalled = true;
    // A failed assertion must not leave redis-server processes behind.
    process.on('exit', () => {
        for (const child of live)
            child.kill('SIGKILL');
    });
}
/** A TCP port on 127.0.0.1 that nothing listened on a moment ago. */
export async function freePort() {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    server.close();
    await once(server, 'close');
    if (address === null || typeof address === 'string')
        throw new Error('could not obtain a free port');
    return address.port;
}
/**
 * Polls `condition` every `intervalMs` until it returns true; rejects with `message` (and the
 * last error the condition threw, if any) once `timeoutMs` has passed. For "eventually" checks
 * without timing assertions.
 */
export async function waitUntil(condition, { timeoutMs = 10_000, intervalMs = 20, message = 'condition not met', } = {}) {
    const deadline = Date.now() + timeoutMs;
    let lastError;
    for (;;) {
        try {
            if (await condition())
                return;
        }
        catch (err) {
            lastError = err;
        }
        if (Date.now() >= deadline) {
            const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
            throw new Error(`${message} within ${timeoutMs} ms${detail}`);
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
}
/** One PING attempt with a client that neither queues nor retries. */
async function answersPing(port) {
    const client = new Redis({
        host: '127.0.0.1',
        port,
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: 1_000,
    });
    client.on('error', () => undefined);
    try {
        await client.connect();
        return (await client.ping()) === 'PONG';
    }
    catch {
        return false;
    }
    finally {
        client.disconnect();
    }
}
export class RedisTestServer {
    port;
    dir;
    binary;
    extraArgs;
    startTimeoutMs;
    child;
    output = '';
    constructor(port, dir, options = {}) {
        this.port = port;
        this.dir = dir;
        this.binary = options.binary ?? process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';
        this.extraArgs = options.extraArgs ?? [];
        this.startTimeoutMs = options.startTimeoutMs ?? 10_000;
    }
    /** redis://127.0.0.1:<port> */
    get url() {
        return `redis://127.0.0.1:${this.port}`;
    }
    get running() {
        return this.child !== undefined;
    }
    /** The last few kilobytes the server printed, for failure messages. */
    get log() {
        return this.output;
    }
    /** Starts the server on this handle's port and resolves once it answers PING. */
    async start() {
        if (this.child !== undefined)
            throw new Error(`redis-server on port ${this.port} is already running`);
        if (!existsSync(this.binary))
            throw new Error(`redis-server binary not found at ${this.binary} (set REDIS_SERVER_BIN)`);
        installExitHook();
        const args = [
            '--port',
            String(this.port),
            '--bind',
            '127.0.0.1',
            '--dir',
            this.dir,
            '--save',
            '',
            '--appendonly',
            'no',
            '--daemonize',
            'no',
            '--logfile',
            '',
            ...this.extraArgs,
        ];
        const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        this.child = child;
        live.add(child);
        let exited = false;
        const keep = (chunk) => {
            this.output = (this.output + chunk.toString('utf8')).slice(-8_192);
        };
        child.stdout?.on('data', keep);
        child.stderr?.on('data', keep);
        child.once('exit', () => {
            exited = true;
            live.delete(child);
            if (this.child === child)
                this.child = undefined;
        });
        const deadline = Date.now() + this.startTimeoutMs;
        for (;;) {
            // Checked before each PING so a server that failed to bind is reported at once.
            if (exited)
                throw new Error(`redis-server on port ${this.port} exited during start-up:\n${this.output}`);
            if (await answersPing(this.port))
                return;
            if (Date.now() >= deadline) {
                await this.stop('SIGKILL');
                throw new Error(`redis-server on port ${this.port} did not answer PING within ${this.startTimeoutMs} ms:\n${this.output}`);
            }
            await new Promise((resolve) => setTimeout(resolve, 25));
        }
    }
    /** Stops the server (SIGTERM: clean shutdown; SIGKILL: a crash) and waits for it to exit. */
    async stop(signal = 'SIGTERM') {
        const child = this.child;
        if (child === undefined)
            return;
        const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit');
        child.kill(signal);
        await exited;
        this.child = undefined;
    }
    /** The server's process id (undefined when it is not running). */
    get pid() {
        return this.child?.pid;
    }
    /** SIGSTOP: the server freezes with its connections open, answering nothing (resume() undoes it). */
    pause() {
        if (this.child === undefined)
            throw new Error(`redis-server on port ${this.port} is not running`);
        process.kill(this.child.pid, 'SIGSTOP');
    }
    /** SIGCONT: a paused server answers again. */
    resume() {
        if (this.child !== undefined)
            process.kill(this.child.pid, 'SIGCONT');
    }
    /** SIGKILL: the server vanishes without closing connections gracefully. */
    kill() {
        return this.stop('SIGKILL');
    }
    /** Stops (SIGTERM) and starts again on the same port; the data is gone. */
    async restart() {
        await this.stop();
        await this.start();
    }
    /** Stops the server and removes its directory. */
    async dispose() {
        await this.stop('SIGKILL');
        await rm(this.dir, { recursive: true, force: true });
    }
}
/** A handle with a reserved port and temp dir and nothing listening yet; call start(). */
export async function createRedisServer(options = {}) {
    const dir = await mkdtemp(join(tmpdir(), 'fraudlens-redis-'));
    return new RedisTestServer(options.port ?? (await freePort()), dir, options);
}
/**
 * A running server on a free port. Another process may grab the chosen port between the check
 * and redis-server's bind, so a failed start is retried on a fresh port a few times.
 */
export async function startRedisServer(options = {}) {
    const attempts = options.port === undefined ? 3 : 1;
    let lastError;
    for (let i = 0; i < attempts; i += 1) {
        const server = await createRedisServer(options);
        try {
            await server.start();
            return server;
        }
        catch (err) {
            lastError = err;
            await server.dispose();
        }
    }
    throw lastError;
}
//# sourceMappingURL=redis-server.js.map