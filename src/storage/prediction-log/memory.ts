/**
 * In-process prediction log: a ring buffer holding the newest `maxSize` records. Meant for
 * development, tests and single-process deployments that only need the recent window; nothing
 * survives a restart. Writes are "confirmed" as soon as they are in the ring. As a decision store
 * it answers queries over the ring and knows the current decision of every transaction id still
 * in it, which is also how it flags a repeated id as a duplicate.
 */

import type {
  DecisionPage,
  DecisionQuery,
  PredictionLog,
  PredictionLogOptions,
  PredictionLogStats,
  PredictionRecord,
} from './contract.js';
import { MAX_PAGE_SIZE } from './contract.js';
import { RingBuffer } from '../common/ring-buffer.js';
import { checkQuery, pageOf } from './decision-query.js';
import { checkLimit, prepareRecord, resolveCommonOptions } from './records.js';

export type MemoryPredictionLogOptions = PredictionLogOptions;

export class MemoryPredictionLog implements PredictionLog {
  readonly backend = 'memory';
  readonly queryable = true;
  private readonly ring: RingBuffer<PredictionRecord>;
  private readonly maskFields: ReadonlySet<string>;
  /** Transaction id → its current decision (first, or latest rescore), while that record is in the ring. */
  private readonly current = new Map<string, PredictionRecord>();
  private written = 0;
  private dropped = 0;
  private duplicates = 0;
  private closed = false;

  constructor(options: MemoryPredictionLogOptions = {}) {
    const { maxSize, maskFields } = resolveCommonOptions(options);
    this.ring = new RingBuffer(maxSize);
    this.maskFields = maskFields;
  }

  append(record: PredictionRecord): void {
    let prepared = this.closed ? undefined : prepareRecord(record, this.maskFields);
    if (prepared === undefined) {
      this.dropped += 1;
      return;
    }
    const id = prepared.transaction_id;
    if (id !== undefined) prepared = this.identify(prepared, id);
    const evicted = this.ring.push(prepared);
    if (evicted?.transaction_id !== undefined && this.current.get(evicted.transaction_id) === evicted) {
      this.current.delete(evicted.transaction_id);
    }
    this.written += 1;
  }

  /** Flags a repeated transaction id as a duplicate, or makes the record its id's current decision. */
  private identify(record: PredictionRecord, id: string): PredictionRecord {
    if (record.repeat === undefined && this.current.has(id)) {
      this.duplicates += 1;
      return Object.freeze({ ...record, repeat: 'duplicate' as const });
    }
    if (record.repeat !== 'duplicate') this.current.set(id, record);
    return record;
  }

  async latest(limit: number): Promise<PredictionRecord[]> {
    return this.ring.newest(checkLimit(limit, this.ring.capacity));
  }

  async query(query: DecisionQuery): Promise<DecisionPage> {
    return pageOf(this.ring.newest(this.ring.capacity), checkQuery(query, MAX_PAGE_SIZE));
  }

  async get(transactionId: string): Promise<PredictionRecord | undefined> {
    return this.current.get(transactionId);
  }

  stats(): PredictionLogStats {
    // Nothing waits, so nothing is lost for lack of room.
    return {
      buffered: 0,
      dropped: this.dropped,
      written: this.written,
      connected: !this.closed,
      dropping: false,
      duplicates: this.duplicates,
    };
  }

  async flush(): Promise<void> {
    // Nothing is ever pending: append stores synchronously.
  }

  async close(): Promise<void> {
    // The retained records stay readable after close; only new appends are refused.
    this.closed = true;
  }
}
