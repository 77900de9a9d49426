/**
 * The Redis connection of one store, as the batching writer sees it (a `WriterConnection`), and
 * the connection options every Redis-backed store takes.
 *
 * Redis being slow or gone must never reach the request path. The connection is opened with
 * ioredis's offline queue and its own resending disabled, so a command issued while Redis is away
 * fails at once and the store's buffer stays the only place data waits; the writer resumes on
 * 'ready'.
 */
import { Redis } from 'ioredis';
import { FraudlensError } from '../../core/errors.js';
import { backoffDelay } from './batching-writer.js';
import { positiveIntegerOption } from './options.js';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const DEFAULT_FLUSH_TIMEOUT_MS = 5_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
const DEFAULT_RECONNECT_MAX_DELAY_MS = 2_000;
/**
 * Checks the connection and timing options; CONFIG_INVALID names the bad one.
 * @param subject how the messages name the options' owner, e.g. 'Prediction log'
 */
export function resolveRedisConnectionOptions(options, subject) {
    const flushTimeoutMs = positiveIntegerOption('flushTimeoutMs', options.flushTimeoutMs, DEFAULT_FLUSH_TIMEOUT_MS, subject);
    const commandTimeoutMs = positiveIntegerOption('commandTimeoutMs', options.commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS, subject);
    const reconnectMaxDelayMs = positiveIntegerOption('reconnectMaxDelayMs', options.reconnectMaxDelayMs, DEFAULT_RECONNECT_MAX_DELAY_MS, subject);
    const connectTimeoutMs = positiveIntegerOption('connectTimeoutMs', options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, subject);
    const url = options.url ?? DEFAULT_REDIS_URL;
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')) {
        throw new FraudlensError('CONFIG_INVALID', `The Redis URL must look like redis://host:port, got "${url}".`, {
            field: 'redisUrl',
        });
    }
    return { url, flushTimeoutMs, commandTimeoutMs, connectTimeoutMs, reconnectMaxDelayMs };
}
/** The batching writer's timing for a Redis store: a failed batch is retried on the reconnect backoff. */
export function redisBatchingSettings(settings) {
    return {
        flushTimeoutMs: settings.flushTimeoutMs,
        retryMaxDelayMs: settings.reconnectMaxDelayMs,
        writeTimeoutMs: settings.commandTimeoutMs,
    };
}
export class RedisConnection {
    /** The client; stores write batches and read through it. */
    client;
    constructor(settings, identity) {
        this.client = new Redis(settings.url, {
            keyPrefix: identity.keyPrefix,
            connectionName: identity.connectionName,
            // Commands issued while not ready fail at once instead of piling up inside ioredis.
            enableOfflineQueue: false,
            // A command cut off by a disconnect is rejected at once, never replayed by ioredis:
            // the store decides what to resend, so order and counts stay in one place.
            maxRetriesPerRequest: 0,
            autoResendUnfulfilledCommands: false,
            retryStrategy: (attempt) => backoffDelay(attempt, settings.reconnectMaxDelayMs),
            connectTimeout: settings.connectTimeoutMs,
            commandTimeout: settings.commandTimeoutMs,
        });
        // Without a listener ioredis reports every failed reconnect on the console; the state is
        // visible through the stores' stats().connected instead.
        this.client.on('error', () => undefined);
    }
    get ready() {
        return this.client.status === 'ready';
    }
    watch(listener) {
        this.client.on('ready', () => listener.ready());
        this.client.on('close', () => listener.lost());
    }
    async close() {
        if (this.client.status === 'ready') {
            await this.client.quit().catch(() => this.client.disconnect());
        }
        else {
            this.client.disconnect();
        }
    }
}
//# sourceMappingURL=redis-connection.js.map