/**
 * Redis prediction log: records are JSON strings in one Redis list, newest at the head, trimmed
 * to `maxSize`. Each write is one Lua script per batch (LPUSH of every record, LTRIM), atomic on
 * the server, so any number of API processes can share the key and the list never exceeds its
 * bound.
 *
 * Transaction identity is decided at write time, in that script, against `<key>:first` (a hash:
 * transaction id → id of its first decision while that decision is in the list): a record
 * repeating a transaction id that has another first decision is stored flagged
 * `repeat: 'duplicate'` and counted, whichever replica wrote the first. Reads take the flag as
 * stored. `<key>:marks` keeps the hash trimmed with the list.
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
import { RedisScript } from '../common/redis-script.js';
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
import { checkQuery, currentDecision, pageOf } from './decision-query.js';
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

/**
 * One batch. KEYS: the list; the hash transaction id → id of its first decision still in the list;
 * the marks list, kept beside the records (pushed and trimmed with them): for a first decision
 * "<length of id>:<id><transaction id>", else "". ARGV[1]: the list's bound; then per record, oldest
 * first: its transaction id ('' for none, or for a deliberate rescore), its id, its JSON.
 * A record that already is its transaction id's first decision is a batch sent again after its
 * reply was lost: skipped, not stored twice. A first decision leaving the list leaves the hash
 * too, so a later repeat is a new first, as in the memory log. Returns the number of duplicates.
 * The flag is added by rewriting the JSON's closing brace: the record holds no `repeat` then.
 */
const APPEND_LUA = `
local max = tonumber(ARGV[1])
local duplicates = 0
for i = 2, #ARGV, 3 do
  local tid, id, rec = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local mark, store = '', true
  if tid ~= '' then
    local first = redis.call('HGET', KEYS[2], tid)
    if not first then
      redis.call('HSET', KEYS[2], tid, id)
      mark = #id .. ':' .. id .. tid
    elseif first == id then
      store = false
    else
      rec = string.sub(rec, 1, -2) .. ',"repeat":"duplicate"}'
      duplicates = duplicates + 1
    end
  end
  if store then
    redis.call('LPUSH', KEYS[1], rec)
    redis.call('LPUSH', KEYS[3], mark)
  end
end
for _, mark in ipairs(redis.call('LRANGE', KEYS[3], max, -1)) do
  if mark ~= '' then
    local colon = string.find(mark, ':', 1, true)
    local n = tonumber(string.sub(mark, 1, colon - 1))
    local id, tid = string.sub(mark, colon + 1, colon + n), string.sub(mark, colon + n + 1)
    if redis.call('HGET', KEYS[2], tid) == id then redis.call('HDEL', KEYS[2], tid) end
  end
end
redis.call('LTRIM', KEYS[1], 0, max - 1)
redis.call('LTRIM', KEYS[3], 0, max - 1)
return duplicates
`;
const APPEND = new RedisScript(APPEND_LUA);

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
  private readonly writer: BatchingWriter<PredictionRecord[], number>;
  /** Prepared records not yet confirmed by Redis, oldest first (serialised by the batch write). */
  private readonly pending: RingBuffer<PredictionRecord>;
  /** The script's keys: the list, the first-decision hash, the marks beside the list. */
  private readonly scriptKeys: readonly string[];
  /** The newest accepted records, for `latest()` when Redis cannot answer. */
  private readonly recent: RingBuffer<PredictionRecord>;
  /** Records refused before reaching the buffer: invalid, or appended after close(). */
  private refused = 0;
  private duplicates = 0;

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
    this.scriptKeys = [key, `${key}:first`, `${key}:marks`];
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
    this.pending.push(prepared);
    this.recent.push(prepared);
    // Appends of the same event-loop turn share one MULTI.
    this.writer.add();
  }

  /** One script run: records pushed oldest first, so the newest ends at the head. */
  private async writeBatch(batch: PredictionRecord[]): Promise<number> {
    const args: string[] = new Array(1 + 3 * batch.length);
    args[0] = String(this.maxSize);
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i];
      args[1 + 3 * i] = r.transaction_id !== undefined && r.repeat === undefined ? r.transaction_id : '';
      args[2 + 3 * i] = r.id;
      args[3 + 3 * i] = encodeRecord(r);
    }
    return Number(await APPEND.run(this.connection, this.scriptKeys, args));
  }

  private settleBatch(batch: PredictionRecord[], reply: number | undefined): BatchOutcome {
    // A failed batch stays at the head of the buffer, to be sent again.
    if (reply === undefined) return { written: 0, retry: true };
    this.pending.discardOldest(batch.length);
    this.duplicates += reply;
    return { written: batch.length, retry: false };
  }

  /** Decision reads scan the whole list (at most maxSize records); duplicates come flagged as written. */
  async query(query: DecisionQuery): Promise<DecisionPage> {
    const checked = checkQuery(query, MAX_PAGE_SIZE);
    return pageOf(await this.allRecords(), checked);
  }

  async get(transactionId: string): Promise<PredictionRecord | undefined> {
    return currentDecision(await this.allRecords(), transactionId);
  }

  /** Every record of the list, newest first, duplicates flagged as written; STORAGE_UNAVAILABLE when Redis cannot answer. */
  private async allRecords(): Promise<PredictionRecord[]> {
    if (!this.writer.connected) throw unavailable();
    await this.writer.awaitOwnWrites();
    let rows: string[];
    try {
      rows = await this.connection.client.lrange(this.key, 0, this.maxSize - 1);
    } catch {
      throw unavailable();
    }
    const records: PredictionRecord[] = [];
    for (const row of rows) {
      const record = decodeRecord(row);
      if (record !== undefined) records.push(record);
    }
    return records;
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
      duplicates: this.duplicates,
    };
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
