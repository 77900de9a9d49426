/**
 * Redis prediction log: records are JSON strings in one Redis list, newest at the head, trimmed
 * to `maxSize`. Each write is `MULTI; LPUSH key r1..rn; LTRIM key 0 maxSize-1; EXEC`, atomic on
 * the server, so any number of API processes can share the key and the list never exceeds its
 * bound.
 *
 * Redis being slow or gone must not reach the request path. `append` only queues the record in a
 * bounded in-process FIFO; a single background writer drains it in batches, in order, whenever
 * the connection is ready. ioredis's own offline queue is disabled (it is unbounded and would
 * resend commands behind our back); this FIFO is the only place records wait. When it is full,
 * new records are refused and counted as dropped, so what is buffered is always a gap-free run
 * of the oldest unwritten records and the in-flight batch is never disturbed.
 *
 * Delivery is at least once: a batch whose reply is lost (connection cut or command timeout
 * after the server executed it) is sent again, which can duplicate that batch in the list.
 */

import { Redis } from 'ioredis';

import { FraudlensError } from '../core/errors.js';
import type { PredictionLog, PredictionLogOptions, PredictionLogStats, PredictionRecord } from './prediction-log.js';
import { RingBuffer } from './ring.js';
import { ConditionWaiters, checkLimit, positiveIntegerOption, prepareRecord, resolveCommonOptions } from './shared.js';

export interface RedisPredictionLogOptions extends PredictionLogOptions {
  /** redis:// or rediss:// URL (default redis://127.0.0.1:6379). */
  url?: string | undefined;
  /** List key (default 'api_logs'). */
  key?: string | undefined;
  /** Prefix prepended to the key, e.g. 'fraudlens:' (default none). */
  keyPrefix?: string | undefined;
  /** Most records waiting in process for Redis (default 10,000); more are dropped. */
  bufferSize?: number | undefined;
  /** Most records per MULTI (default 500). */
  batchSize?: number | undefined;
  /** Longest `flush()` waits, including for Redis to come back (default 5,000 ms). */
  flushTimeoutMs?: number | undefined;
  /** Cap of the exponential reconnect backoff (default 2,000 ms). */
  reconnectMaxDelayMs?: number | undefined;
  /** A command without a reply after this long fails and is retried (default 5,000 ms). */
  commandTimeoutMs?: number | undefined;
  /** Give up one connection attempt after this long (default 2,000 ms). */
  connectTimeoutMs?: number | undefined;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_REDIS_KEY = 'api_logs';
export const DEFAULT_REDIS_BUFFER_SIZE = 10_000;
const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_FLUSH_TIMEOUT_MS = 5_000;
const DEFAULT_RECONNECT_MAX_DELAY_MS = 2_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
const BASE_DELAY_MS = 50;
/** How long `latest()` lets this process's own pending records land before reading. */
const READ_YOUR_WRITES_WAIT_MS = 1_000;

function backoff(attempt: number, capMs: number): number {
  const exponential = Math.min(BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1), capMs);
  // Jitter spreads the reconnects of many API processes after a shared Redis restart.
  return Math.round(exponential * (0.9 + Math.random() * 0.1));
}

function parseStored(raw: string): PredictionRecord | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as PredictionRecord) : undefined;
  } catch {
    // Another writer put something that is not JSON on the key; skip it rather than fail reads.
    return undefined;
  }
}

export class RedisPredictionLog implements PredictionLog {
  readonly backend = 'redis';
  /** The full list key, prefix included. */
  readonly storageKey: string;
  private readonly key: string;
  private readonly maxSize: number;
  private readonly maskFields: ReadonlySet<string>;
  private readonly batchSize: number;
  private readonly flushTimeoutMs: number;
  private readonly commandTimeoutMs: number;
  private readonly reconnectMaxDelayMs: number;
  private readonly client: Redis;
  /** Serialised records not yet confirmed by Redis, oldest first. */
  private readonly pending: RingBuffer<string>;
  /** The newest accepted records, for `latest()` when Redis cannot answer. */
  private readonly recent: RingBuffer<PredictionRecord>;
  private readonly waiters = new ConditionWaiters();
  /** Records ever accepted into `pending`; with `pending.size` it tells flush() what has left. */
  private accepted = 0;
  private written = 0;
  private dropped = 0;
  private batchInFlight = false;
  /** Bumped when close() abandons the buffer, so a late reply cannot count those records again. */
  private epoch = 0;
  private pumpScheduled = false;
  private writeFailures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  /** Set once close() stops the writer; from then on nothing more is sent. */
  private stopped = false;

  constructor(options: RedisPredictionLogOptions = {}) {
    const { maxSize, maskFields } = resolveCommonOptions(options);
    this.maxSize = maxSize;
    this.maskFields = maskFields;
    const bufferSize = positiveIntegerOption('bufferSize', options.bufferSize, DEFAULT_REDIS_BUFFER_SIZE);
    this.batchSize = positiveIntegerOption('batchSize', options.batchSize, DEFAULT_BATCH_SIZE);
    this.flushTimeoutMs = positiveIntegerOption('flushTimeoutMs', options.flushTimeoutMs, DEFAULT_FLUSH_TIMEOUT_MS);
    this.commandTimeoutMs = positiveIntegerOption('commandTimeoutMs', options.commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS);
    this.reconnectMaxDelayMs = positiveIntegerOption(
      'reconnectMaxDelayMs',
      options.reconnectMaxDelayMs,
      DEFAULT_RECONNECT_MAX_DELAY_MS,
    );
    const connectTimeoutMs = positiveIntegerOption('connectTimeoutMs', options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS);

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
    const key = options.key ?? DEFAULT_REDIS_KEY;
    const keyPrefix = options.keyPrefix ?? '';
    if (typeof key !== 'string' || key.length === 0 || typeof keyPrefix !== 'string') {
      throw new FraudlensError('CONFIG_INVALID', 'The Redis key must be a non-empty string.', { field: 'key' });
    }
    this.key = key;
    this.storageKey = keyPrefix + key;
    this.pending = new RingBuffer(bufferSize);
    this.recent = new RingBuffer(maxSize);

    this.client = new Redis(url, {
      keyPrefix,
      connectionName: 'fraudlens-prediction-log',
      // Commands issued while not ready fail at once instead of piling up inside ioredis.
      enableOfflineQueue: false,
      // A command cut off by a disconnect is rejected at once, never replayed by ioredis:
      // the writer below decides what to resend, so order and counts stay in one place.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (attempt) => backoff(attempt, this.reconnectMaxDelayMs),
      connectTimeout: connectTimeoutMs,
      commandTimeout: this.commandTimeoutMs,
    });
    this.client.on('ready', () => {
      this.writeFailures = 0;
      this.schedulePump();
      this.waiters.notify();
    });
    this.client.on('close', () => this.waiters.notify());
    // Without a listener ioredis reports every failed reconnect on the console; the state is
    // visible through stats().connected instead.
    this.client.on('error', () => undefined);
  }

  private get connected(): boolean {
    return !this.stopped && this.client.status === 'ready';
  }

  append(record: PredictionRecord): void {
    const prepared = this.closing === undefined && !this.pending.isFull ? prepareRecord(record, this.maskFields) : undefined;
    if (prepared === undefined) {
      this.dropped += 1;
      return;
    }
    // Serialised now, not at write time: the buffer then holds exactly what will be sent.
    this.pending.push(JSON.stringify(prepared));
    this.recent.push(prepared);
    this.accepted += 1;
    this.schedulePump();
  }

  /** Defers the write so appends of the same event-loop turn share one MULTI. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.batchInFlight || this.stopped || this.pending.size === 0 || this.client.status !== 'ready') return;
    const batch = this.pending.oldest(this.batchSize);
    const epoch = this.epoch;
    this.batchInFlight = true;
    // LPUSH with several values pushes them left to right, so the last (newest) ends at the head.
    this.client
      .multi()
      .lpush(this.key, ...batch)
      .ltrim(this.key, 0, this.maxSize - 1)
      .exec()
      .then((replies) => {
        if (replies === null) throw new Error('Redis discarded the transaction');
        for (const [err] of replies) if (err) throw err;
        if (epoch !== this.epoch) return;
        this.pending.discardOldest(batch.length);
        this.written += batch.length;
        this.writeFailures = 0;
        this.batchInFlight = false;
        this.waiters.notify();
        this.pump();
      })
      .catch(() => {
        if (epoch !== this.epoch) return;
        // The batch stays at the head of the buffer. A lost connection is resumed by 'ready';
        // the timer covers failures on a live connection (timeout, a server-side error).
        this.batchInFlight = false;
        this.writeFailures += 1;
        this.waiters.notify();
        if (!this.stopped && this.retryTimer === undefined) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.pump();
          }, backoff(this.writeFailures, this.reconnectMaxDelayMs));
          this.retryTimer.unref();
        }
      });
  }

  /** True once every record accepted before `target` has left the buffer (or writing stopped). */
  private drainedUpTo(target: number): boolean {
    return this.accepted - this.pending.size >= target;
  }

  async latest(limit: number): Promise<PredictionRecord[]> {
    const n = checkLimit(limit, this.maxSize);
    if (n === 0) return [];
    if (this.connected) {
      const target = this.accepted;
      this.schedulePump();
      await this.waiters.waitFor(() => this.drainedUpTo(target) || !this.connected, READ_YOUR_WRITES_WAIT_MS);
      try {
        const rows = await this.client.lrange(this.key, 0, n - 1);
        const records: PredictionRecord[] = [];
        for (const row of rows) {
          const record = parseStored(row);
          if (record !== undefined) records.push(record);
        }
        return records;
      } catch {
        // Fall back to the in-process copy below.
      }
    }
    return this.recent.newest(n);
  }

  stats(): PredictionLogStats {
    return { buffered: this.pending.size, dropped: this.dropped, written: this.written, connected: this.connected };
  }

  async flush(): Promise<void> {
    const target = this.accepted;
    this.schedulePump();
    await this.waiters.waitFor(() => this.drainedUpTo(target) || this.stopped, this.flushTimeoutMs);
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
    await this.waiters.waitFor(() => !this.batchInFlight, this.commandTimeoutMs + 100);
    this.dropped += this.pending.size;
    this.pending.clear();
    this.epoch += 1;
    this.batchInFlight = false;
    if (this.client.status === 'ready') {
      await this.client.quit().catch(() => this.client.disconnect());
    } else {
      this.client.disconnect();
    }
    this.waiters.notify();
  }
}
