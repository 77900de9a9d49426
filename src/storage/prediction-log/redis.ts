/**
 * Redis prediction log: records are JSON strings in one Redis list, newest at the head, trimmed
 * to `maxSize`. Each write is `MULTI; LPUSH key r1..rn; LTRIM key 0 maxSize-1; EXEC`, atomic on
 * the server, so any number of API processes can share the key and the list never exceeds its
 * bound.
 *
 * Redis being slow or gone must not reach the request path. `append` only queues the record in a
 * bounded in-process FIFO; a single background writer (BufferedRedisWriter) drains it in
 * batches, in order, whenever the connection is ready. ioredis's own offline queue is disabled (it is unbounded and would
 * resend commands behind our back); this FIFO is the only place records wait. When it is full,
 * new records are refused and counted as dropped, so what is buffered is always a gap-free run
 * of the oldest unwritten records and the in-flight batch is never disturbed.
 *
 * Delivery is at least once: a batch whose reply is lost (connection cut or command timeout
 * after the server executed it) is sent again, which can duplicate that batch in the list.
 */

import { FraudlensError } from '../core/errors.js';
import { BufferedRedisWriter, resolveRedisWriterOptions, type RedisWriterOptions } from './buffered-writer.js';
import type { PredictionLog, PredictionLogOptions, PredictionLogStats, PredictionRecord } from './prediction-log.js';
import { RingBuffer } from './ring.js';
import { checkLimit, positiveIntegerOption, prepareRecord, resolveCommonOptions } from './shared.js';

export { DEFAULT_REDIS_URL } from './buffered-writer.js';

export interface RedisPredictionLogOptions extends PredictionLogOptions, RedisWriterOptions {
  /** List key (default 'api_logs'). */
  key?: string | undefined;
  /** Prefix prepended to the key, e.g. 'fraudlens:' (default none). */
  keyPrefix?: string | undefined;
  /** Most records waiting in process for Redis (default 10,000); more are dropped. */
  bufferSize?: number | undefined;
  /** Most records per MULTI (default 500). */
  batchSize?: number | undefined;
}

export const DEFAULT_REDIS_KEY = 'api_logs';
export const DEFAULT_REDIS_BUFFER_SIZE = 10_000;
const DEFAULT_BATCH_SIZE = 500;

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
  /** Connection, batch loop, flush and close; this class decides what a batch is. */
  private readonly writer: BufferedRedisWriter;
  /** Serialised records not yet confirmed by Redis, oldest first. */
  private readonly pending: RingBuffer<string>;
  /** The newest accepted records, for `latest()` when Redis cannot answer. */
  private readonly recent: RingBuffer<PredictionRecord>;
  /** Records ever accepted into `pending`; with `pending.size` it tells flush() what has left. */
  private accepted = 0;
  private written = 0;
  private dropped = 0;
  /** A record was refused for lack of room since the buffer was last empty. */
  private lostSinceDrain = false;

  constructor(options: RedisPredictionLogOptions = {}) {
    const { maxSize, maskFields } = resolveCommonOptions(options);
    this.maxSize = maxSize;
    this.maskFields = maskFields;
    const bufferSize = positiveIntegerOption('bufferSize', options.bufferSize, DEFAULT_REDIS_BUFFER_SIZE);
    this.batchSize = positiveIntegerOption('batchSize', options.batchSize, DEFAULT_BATCH_SIZE);
    const settings = resolveRedisWriterOptions(options, 'Prediction log');
    const key = options.key ?? DEFAULT_REDIS_KEY;
    const keyPrefix = options.keyPrefix ?? '';
    if (typeof key !== 'string' || key.length === 0 || typeof keyPrefix !== 'string') {
      throw new FraudlensError('CONFIG_INVALID', 'The Redis key must be a non-empty string.', { field: 'key' });
    }
    this.key = key;
    this.storageKey = keyPrefix + key;
    this.pending = new RingBuffer(bufferSize);
    this.recent = new RingBuffer(maxSize);

    this.writer = new BufferedRedisWriter(
      settings,
      { connectionName: 'fraudlens-prediction-log', keyPrefix },
      {
        hasUnsent: () => this.pending.size > 0,
        sendBatch: () => this.sendBatch(),
        accepted: () => this.accepted,
        settled: () => this.accepted - this.pending.size,
        abandonUnwritten: () => {
          this.dropped += this.pending.size;
          this.pending.clear();
        },
      },
    );
  }

  append(record: PredictionRecord): void {
    const prepared = !this.writer.isClosing && !this.pending.isFull ? prepareRecord(record, this.maskFields) : undefined;
    if (prepared === undefined) {
      this.dropped += 1;
      // Redis slow, frozen or away long enough to fill the buffer: records are being lost.
      if (this.pending.isFull) this.lostSinceDrain = true;
      return;
    }
    // Serialised now, not at write time: the buffer then holds exactly what will be sent.
    this.pending.push(JSON.stringify(prepared));
    this.recent.push(prepared);
    this.accepted += 1;
    // Appends of the same event-loop turn share one MULTI.
    this.writer.schedulePump();
  }

  /** Sends the oldest buffered records; they leave the buffer only once Redis confirms them. */
  private sendBatch(): void {
    const batch = this.pending.oldest(this.batchSize);
    // LPUSH with several values pushes them left to right, so the last (newest) ends at the head.
    this.writer.client
      .multi()
      .lpush(this.key, ...batch)
      .ltrim(this.key, 0, this.maxSize - 1)
      .exec()
      .then((replies) => {
        if (replies === null) throw new Error('Redis discarded the transaction');
        for (const [err] of replies) if (err) throw err;
        // close() gave up on this batch and counted its records as dropped: not written after all.
        if (!this.writer.batchInFlight) return;
        this.pending.discardOldest(batch.length);
        this.written += batch.length;
        if (this.pending.size === 0) this.lostSinceDrain = false;
        this.writer.batchSucceeded();
      })
      .catch(() => {
        if (!this.writer.batchInFlight) return;
        // The batch stays at the head of the buffer, to be sent again.
        this.writer.batchFailed();
      });
  }

  async latest(limit: number): Promise<PredictionRecord[]> {
    const n = checkLimit(limit, this.maxSize);
    if (n === 0) return [];
    if (this.writer.connected) {
      await this.writer.awaitOwnWrites();
      try {
        const rows = await this.writer.client.lrange(this.key, 0, n - 1);
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
    return { buffered: this.pending.size, dropped: this.dropped, written: this.written, connected: this.writer.connected, dropping: this.lostSinceDrain || this.pending.isFull };
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
