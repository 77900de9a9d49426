/**
 * Redis prediction log: records are JSON strings in one Redis list, newest at the head, trimmed
 * to `maxSize`. Each write is `MULTI; LPUSH key r1..rn; LTRIM key 0 maxSize-1; EXEC`, atomic on
 * the server, so any number of API processes can share the key and the list never exceeds its
 * bound.
 *
 * Redis being slow or gone must not reach the request path. `append` only queues the record in a
 * bounded in-process FIFO; the batching writer (common/batching-writer.ts) drains it in batches,
 * in order, whenever the connection is ready. ioredis's own offline queue is disabled (it is
 * unbounded and would resend commands behind our back); this FIFO is the only place records wait.
 * When it is full, new records are refused and counted as dropped, so what is buffered is always a
 * gap-free run of the oldest unwritten records and the in-flight batch is never disturbed. The
 * list's entries are encoded by common/redis-codec.ts.
 *
 * Delivery is at least once: a batch whose reply is lost (connection cut or command timeout
 * after the server executed it) is sent again, which can duplicate that batch in the list.
 */

import { FraudlensError } from '../../core/errors.js';
import { BatchingWriter, type BatchOutcome } from '../common/batching-writer.js';
import { positiveIntegerOption } from '../common/options.js';
import { decodeRecord, encodeRecord } from '../common/redis-codec.js';
import {
  RedisConnection,
  redisBatchingSettings,
  resolveRedisConnectionOptions,
  type RedisConnectionOptions,
} from '../common/redis-connection.js';
import { RingBuffer } from '../common/ring-buffer.js';
import {
  MAX_PAGE_SIZE,
  type DecisionPage,
  type DecisionQuery,
  type PredictionLog,
  type PredictionLogOptions,
  type PredictionLogStats,
  type PredictionRecord,
} from './contract.js';
import { checkQuery, currentDecision, markDuplicates, pageOf } from './decision-query.js';
import { checkLimit, prepareRecord, resolveCommonOptions } from './records.js';

export { DEFAULT_REDIS_URL } from '../common/redis-connection.js';

export interface RedisPredictionLogOptions extends PredictionLogOptions, RedisConnectionOptions {
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

/** What one MULTI answers: per command an error or a result; null when Redis discarded it. */
type ExecReply = [Error | null, unknown][] | null;

function unavailable(): FraudlensError {
  return new FraudlensError(
    'STORAGE_UNAVAILABLE',
    'the Redis prediction log cannot be reached to read decisions; retry once it is back',
  );
}

export class RedisPredictionLog implements PredictionLog {
  readonly backend = 'redis';
  readonly queryable = true;
  /** The full list key, prefix included. */
  readonly storageKey: string;
  private readonly key: string;
  private readonly maxSize: number;
  private readonly maskFields: ReadonlySet<string>;
  private readonly batchSize: number;
  private readonly connection: RedisConnection;
  /** Batch loop, counters, flush and close; this class decides what a batch is. */
  private readonly writer: BatchingWriter<string[], ExecReply>;
  /** Serialised records not yet confirmed by Redis, oldest first. */
  private readonly pending: RingBuffer<string>;
  /** The newest accepted records, for `latest()` when Redis cannot answer. */
  private readonly recent: RingBuffer<PredictionRecord>;
  /** Records refused before reaching the buffer: invalid, or appended after close(). */
  private refused = 0;

  constructor(options: RedisPredictionLogOptions = {}) {
    const { maxSize, maskFields } = resolveCommonOptions(options);
    this.maxSize = maxSize;
    this.maskFields = maskFields;
    const bufferSize = positiveIntegerOption('bufferSize', options.bufferSize, DEFAULT_REDIS_BUFFER_SIZE);
    this.batchSize = positiveIntegerOption('batchSize', options.batchSize, DEFAULT_BATCH_SIZE);
    const settings = resolveRedisConnectionOptions(options, 'Prediction log');
    const key = options.key ?? DEFAULT_REDIS_KEY;
    const keyPrefix = options.keyPrefix ?? '';
    if (typeof key !== 'string' || key.length === 0 || typeof keyPrefix !== 'string') {
      throw new FraudlensError('CONFIG_INVALID', 'The Redis key must be a non-empty string.', { field: 'key' });
    }
    this.key = key;
    this.storageKey = keyPrefix + key;
    this.pending = new RingBuffer(bufferSize);
    this.recent = new RingBuffer(maxSize);

    this.connection = new RedisConnection(settings, { connectionName: 'fraudlens-prediction-log', keyPrefix });
    this.writer = new BatchingWriter(
      this.connection,
      {
        hasUnsent: () => this.pending.size > 0,
        // The oldest buffered records; they leave the buffer only once Redis confirms them.
        take: () => this.pending.oldest(this.batchSize),
        write: (batch) => this.writeBatch(batch),
        settle: (batch, reply) => this.settleBatch(batch, reply),
        release: () => this.pending.clear(),
      },
      redisBatchingSettings(settings),
    );
  }

  append(record: PredictionRecord): void {
    if (this.pending.isFull) {
      // Redis slow, frozen or away long enough to fill the buffer: records are being lost.
      this.writer.refuse();
      return;
    }
    const prepared = this.writer.isClosing ? undefined : prepareRecord(record, this.maskFields);
    if (prepared === undefined) {
      this.refused += 1;
      return;
    }
    // Serialised now, not at write time: the buffer then holds exactly what will be sent.
    this.pending.push(encodeRecord(prepared));
    this.recent.push(prepared);
    // Appends of the same event-loop turn share one MULTI.
    this.writer.add();
  }

  /** One MULTI: LPUSH with several values pushes them left to right, so the newest ends at the head. */
  private writeBatch(batch: string[]): Promise<ExecReply> {
    return this.connection.client
      .multi()
      .lpush(this.key, ...batch)
      .ltrim(this.key, 0, this.maxSize - 1)
      .exec();
  }

  private settleBatch(batch: string[], reply: ExecReply | undefined): BatchOutcome {
    const failed = reply === undefined || reply === null || reply.some(([err]) => err !== null);
    // A failed batch stays at the head of the buffer, to be sent again.
    if (failed) return { written: 0, retry: true };
    this.pending.discardOldest(batch.length);
    return { written: batch.length, retry: false };
  }

  /**
   * Decision reads scan the whole list (at most maxSize records) and flag repeated transaction ids
   * as they read: Redis cannot tell at write time without a script per record.
   */
  async query(query: DecisionQuery): Promise<DecisionPage> {
    const checked = checkQuery(query, MAX_PAGE_SIZE);
    return pageOf(await this.allRecords(), checked);
  }

  async get(transactionId: string): Promise<PredictionRecord | undefined> {
    return currentDecision(await this.allRecords(), transactionId);
  }

  /** Every record of the list, newest first, duplicates flagged; STORAGE_UNAVAILABLE when Redis cannot answer. */
  private async allRecords(): Promise<PredictionRecord[]> {
    if (!this.writer.connected) throw unavailable();
    await this.writer.awaitOwnWrites();
    let rows: string[];
    try {
      rows = await this.connection.client.lrange(this.key, 0, this.maxSize - 1);
    } catch {
      throw unavailable();
    }
    const oldestFirst: PredictionRecord[] = [];
    for (let i = rows.length - 1; i >= 0; i--) {
      const record = decodeRecord(rows[i]);
      if (record !== undefined) oldestFirst.push(record);
    }
    return markDuplicates(oldestFirst).reverse();
  }

  async latest(limit: number): Promise<PredictionRecord[]> {
    const n = checkLimit(limit, this.maxSize);
    if (n === 0) return [];
    if (this.writer.connected) {
      await this.writer.awaitOwnWrites();
      try {
        const rows = await this.connection.client.lrange(this.key, 0, n - 1);
        const records: PredictionRecord[] = [];
        for (const row of rows) {
          // Entries other writers left that are not records are skipped rather than fail reads.
          const record = decodeRecord(row);
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
    const w = this.writer;
    return {
      buffered: w.pending,
      dropped: this.refused + w.dropped,
      written: w.written,
      connected: w.connected,
      dropping: w.dropping || this.pending.isFull,
      // Flagged when read (query, get), not counted at write time.
      duplicates: 0,
    };
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
