/**
 * The background writer the Redis stores share (the prediction log and the drift window). Each
 * store keeps its own bounded buffer and decides what a batch is; this piece owns the rest of
 * the loop around it: the connection, one batch in flight at a time, the retry after a failure,
 * `flush()`, the read-your-writes wait and `close()`.
 *
 * Redis being slow or gone must never reach the request path. The connection is opened with
 * ioredis's offline queue and its own resending disabled, so a command issued while Redis is
 * away fails at once and the store's buffer stays the only place data waits. A lost connection
 * resumes writing on 'ready'; a failure on a live connection (timeout, server-side error) is
 * retried after a jittered exponential backoff.
 *
 * A store plugs in through `BufferedBatches`: whether anything waits, how to send the next
 * batch, its accepted and settled counters (what `flush()` waits on), and what to give up when
 * the writer stops. The store reports each batch's outcome back with `batchSucceeded()` or
 * `batchFailed()`.
 */

import { Redis } from 'ioredis';

import { FraudlensError } from '../core/errors.js';
import { ConditionWaiters, positiveIntegerOption } from './shared.js';

/** Connection and timing options every Redis-backed store takes. */
export interface RedisWriterOptions {
  /** redis:// or rediss:// URL (default redis://127.0.0.1:6379). */
  url?: string | undefined;
  /** Longest `flush()` waits, including for Redis to come back (default 5,000 ms). */
  flushTimeoutMs?: number | undefined;
  /** A command without a reply after this long fails and is retried (default 5,000 ms). */
  commandTimeoutMs?: number | undefined;
  /** Give up one connection attempt after this long (default 2,000 ms). */
  connectTimeoutMs?: number | undefined;
  /** Cap of the exponential reconnect backoff (default 2,000 ms). */
  reconnectMaxDelayMs?: number | undefined;
}

/** `RedisWriterOptions` checked, with the defaults filled in. */
export interface RedisWriterSettings {
  url: string;
  flushTimeoutMs: number;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  reconnectMaxDelayMs: number;
}

/** How the writer reaches into a store's buffer. */
export interface BufferedBatches {
  /** Whether anything waits to be sent. */
  hasUnsent(): boolean;
  /**
   * Takes the next batch and sends it on `client`; called only when the connection is ready and
   * no other batch is in flight. The store must end it with `batchSucceeded()` or
   * `batchFailed()`, unless `batchInFlight` has turned false meanwhile (close() gave up on it).
   */
  sendBatch(): void;
  /** Items ever accepted into the buffer. */
  accepted(): number;
  /** Items that left the buffer for good (written or dropped); `flush()` waits for `accepted()`. */
  settled(): number;
  /**
   * Called once by close(), after the last wait: counts what never reached Redis as dropped and
   * releases it. A returned promise is awaited before the connection is closed.
   */
  abandonUnwritten(): Promise<void> | void;
  /** Called on every (re)connection, before writing resumes. */
  onReady?(): void;
}

/** What tells one store's connection apart: its name on the server and the prefix ioredis adds to keys. */
export interface RedisClientOptions {
  connectionName: string;
  keyPrefix?: string | undefined;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const DEFAULT_FLUSH_TIMEOUT_MS = 5_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
const DEFAULT_RECONNECT_MAX_DELAY_MS = 2_000;
const BASE_DELAY_MS = 50;
/** How long a read lets this process's own pending writes land before reading. */
const READ_YOUR_WRITES_WAIT_MS = 1_000;
/** Past the command timeout, how long close() still gives an in-flight batch to settle. */
const IN_FLIGHT_GRACE_MS = 100;

function backoff(attempt: number, capMs: number): number {
  const exponential = Math.min(BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1), capMs);
  // Jitter spreads the reconnects of many API processes after a shared Redis restart.
  return Math.round(exponential * (0.9 + Math.random() * 0.1));
}

/**
 * Checks the connection and timing options; CONFIG_INVALID names the bad one.
 * @param subject how the messages name the options' owner, e.g. 'Prediction log'
 */
export function resolveRedisWriterOptions(options: RedisWriterOptions, subject: string): RedisWriterSettings {
  const flushTimeoutMs = positiveIntegerOption('flushTimeoutMs', options.flushTimeoutMs, DEFAULT_FLUSH_TIMEOUT_MS, subject);
  const commandTimeoutMs = positiveIntegerOption('commandTimeoutMs', options.commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS, subject);
  const reconnectMaxDelayMs = positiveIntegerOption(
    'reconnectMaxDelayMs',
    options.reconnectMaxDelayMs,
    DEFAULT_RECONNECT_MAX_DELAY_MS,
    subject,
  );
  const connectTimeoutMs = positiveIntegerOption('connectTimeoutMs', options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, subject);

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

export class BufferedRedisWriter {
  readonly client: Redis;
  private readonly settings: RedisWriterSettings;
  private readonly batches: BufferedBatches;
  private readonly waiters = new ConditionWaiters();
  private inFlight = false;
  private pumpScheduled = false;
  private writeFailures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  /** Set once close() stops the writer; from then on nothing more is sent. */
  private stopped = false;
  // Bound once: scheduling a write happens on every append and must not allocate.
  private readonly runScheduledPump = (): void => {
    this.pumpScheduled = false;
    this.pump();
  };
  private readonly retryPump = (): void => {
    this.retryTimer = undefined;
    this.pump();
  };

  constructor(settings: RedisWriterSettings, identity: RedisClientOptions, batches: BufferedBatches) {
    this.settings = settings;
    this.batches = batches;
    this.client = new Redis(settings.url, {
      keyPrefix: identity.keyPrefix,
      connectionName: identity.connectionName,
      // Commands issued while not ready fail at once instead of piling up inside ioredis.
      enableOfflineQueue: false,
      // A command cut off by a disconnect is rejected at once, never replayed by ioredis:
      // the store decides what to resend, so order and counts stay in one place.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (attempt) => backoff(attempt, settings.reconnectMaxDelayMs),
      connectTimeout: settings.connectTimeoutMs,
      commandTimeout: settings.commandTimeoutMs,
    });
    this.client.on('ready', () => {
      this.batches.onReady?.();
      this.writeFailures = 0;
      this.schedulePump();
      this.waiters.notify();
    });
    this.client.on('close', () => this.waiters.notify());
    // Without a listener ioredis reports every failed reconnect on the console; the state is
    // visible through the stores' stats().connected instead.
    this.client.on('error', () => undefined);
  }

  get connected(): boolean {
    return !this.stopped && this.client.status === 'ready';
  }

  /** True from the first close() on: the store then refuses new items. */
  get isClosing(): boolean {
    return this.closing !== undefined;
  }

  /** A batch awaits its reply. False once close() has given up on it: a late reply must then change nothing. */
  get batchInFlight(): boolean {
    return this.inFlight;
  }

  /** Defers the write so the items of one event-loop turn share one MULTI. */
  schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(this.runScheduledPump);
  }

  private pump(): void {
    if (this.inFlight || this.stopped || !this.batches.hasUnsent() || this.client.status !== 'ready') return;
    this.inFlight = true;
    this.batches.sendBatch();
  }

  /** The batch in flight is in Redis: on to the next one. */
  batchSucceeded(): void {
    this.inFlight = false;
    this.writeFailures = 0;
    this.waiters.notify();
    this.pump();
  }

  /**
   * The batch in flight failed and is back in the store's buffer. A lost connection resumes on
   * 'ready'; the timer covers failures on a live connection (timeout, a server-side error).
   */
  batchFailed(): void {
    this.inFlight = false;
    this.writeFailures += 1;
    this.waiters.notify();
    if (!this.stopped && this.retryTimer === undefined) {
      this.retryTimer = setTimeout(this.retryPump, backoff(this.writeFailures, this.settings.reconnectMaxDelayMs));
      this.retryTimer.unref();
    }
  }

  /** Lets what this process accepted so far land (briefly, while connected) before a read. */
  async awaitOwnWrites(): Promise<void> {
    const target = this.batches.accepted();
    this.schedulePump();
    await this.waiters.waitFor(() => this.batches.settled() >= target || !this.connected, READ_YOUR_WRITES_WAIT_MS);
  }

  /** Waits, up to the flush timeout, until everything accepted so far has settled. */
  async flush(): Promise<void> {
    const target = this.batches.accepted();
    this.schedulePump();
    await this.waiters.waitFor(() => this.batches.settled() >= target || this.stopped, this.settings.flushTimeoutMs);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await this.flush();
    this.stopped = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    // A batch still in flight settles within the command timeout; wait so it is counted right.
    await this.waiters.waitFor(() => !this.inFlight, this.settings.commandTimeoutMs + IN_FLIGHT_GRACE_MS);
    const released = this.batches.abandonUnwritten();
    this.inFlight = false;
    if (released !== undefined) await released;
    if (this.client.status === 'ready') {
      await this.client.quit().catch(() => this.client.disconnect());
    } else {
      this.client.disconnect();
    }
    this.waiters.notify();
  }
}
