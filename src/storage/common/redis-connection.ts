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
import { backoffDelay, type BatchingSettings, type ConnectionListener, type WriterConnection } from './batching-writer.js';
import { positiveIntegerOption } from './options.js';

/** Connection and timing options every Redis-backed store takes. */
export interface RedisConnectionOptions {
  /** redis:// or rediss:// URL (default redis://127.0.0.1:6379). */
  url?: string | undefined;
  /** Longest `flush()` waits, including for Redis to come back (default 5,000 ms). */
  flushTimeoutMs?: number | undefined;
  /** A command without a reply after this long fails and is retried (default 5,000 ms). */
  commandTimeoutMs?: number | undefined;
  /** Give up one connection attempt after this long (default 2,000 ms). */
  connectTimeoutMs?: number | undefined;
  /** Cap of the exponential reconnect (and retry) backoff (default 2,000 ms). */
  reconnectMaxDelayMs?: number | undefined;
}

/** `RedisConnectionOptions` checked, with the defaults filled in. */
export interface RedisConnectionSettings {
  url: string;
  flushTimeoutMs: number;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  reconnectMaxDelayMs: number;
}

/** What tells one store's connection apart: its name on the server and the prefix ioredis adds to keys. */
export interface RedisClientIdentity {
  connectionName: string;
  keyPrefix?: string | undefined;
  /**
   * Commands issued in one tick leave in one write (ioredis auto-pipelining), in the order issued:
   * for a store with many small calls in flight, one system call per batch instead of per call.
   */
  autoPipelining?: boolean | undefined;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const DEFAULT_FLUSH_TIMEOUT_MS = 5_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
const DEFAULT_RECONNECT_MAX_DELAY_MS = 2_000;

/**
 * Checks the connection and timing options; CONFIG_INVALID names the bad one.
 * @param subject how the messages name the options' owner, e.g. 'Prediction log'
 */
export function resolveRedisConnectionOptions(options: RedisConnectionOptions, subject: string): RedisConnectionSettings {
  const flushTimeoutMs = positiveIntegerOption('flushTimeoutMs', options.flushTimeoutMs, DEFAULT_FLUSH_TIMEOUT_MS, subject);
  const commandTimeoutMs = positiveIntegerOption(
    'commandTimeoutMs',
    options.commandTimeoutMs,
    DEFAULT_COMMAND_TIMEOUT_MS,
    subject,
  );
  const reconnectMaxDelayMs = positiveIntegerOption(
    'reconnectMaxDelayMs',
    options.reconnectMaxDelayMs,
    DEFAULT_RECONNECT_MAX_DELAY_MS,
    subject,
  );
  const connectTimeoutMs = positiveIntegerOption(
    'connectTimeoutMs',
    options.connectTimeoutMs,
    DEFAULT_CONNECT_TIMEOUT_MS,
    subject,
  );

  const url = options.url ?? DEFAULT_REDIS_URL;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
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
export function redisBatchingSettings(settings: RedisConnectionSettings): BatchingSettings {
  return {
    flushTimeoutMs: settings.flushTimeoutMs,
    retryMaxDelayMs: settings.reconnectMaxDelayMs,
    writeTimeoutMs: settings.commandTimeoutMs,
  };
}

export class RedisConnection implements WriterConnection {
  /** The client; stores write batches and read through it. */
  readonly client: Redis;

  constructor(settings: RedisConnectionSettings, identity: RedisClientIdentity) {
    this.client = new Redis(settings.url, {
      keyPrefix: identity.keyPrefix,
      connectionName: identity.connectionName,
      // Commands issued while not ready fail at once instead of piling up inside ioredis.
      enableOfflineQueue: false,
      enableAutoPipelining: identity.autoPipelining === true,
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

  get ready(): boolean {
    return this.client.status === 'ready';
  }

  watch(listener: ConnectionListener): void {
    this.client.on('ready', () => listener.ready());
    this.client.on('close', () => listener.lost());
  }

  async close(): Promise<void> {
    if (this.client.status === 'ready') {
      await this.client.quit().catch(() => this.client.disconnect());
    } else {
      this.client.disconnect();
    }
  }
}
