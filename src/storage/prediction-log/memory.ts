/**
 * In-process prediction log: a ring buffer holding the newest `maxSize` records. Meant for
 * development, tests and single-process deployments that only need the recent window; nothing
 * survives a restart. Writes are "confirmed" as soon as they are in the ring.
 */

import type { PredictionLog, PredictionLogOptions, PredictionLogStats, PredictionRecord } from './contract.js';
import { RingBuffer } from '../common/ring-buffer.js';
import { checkLimit, prepareRecord, resolveCommonOptions } from './records.js';

export type MemoryPredictionLogOptions = PredictionLogOptions;

export class MemoryPredictionLog implements PredictionLog {
  readonly backend = 'memory';
  private readonly ring: RingBuffer<PredictionRecord>;
  private readonly maskFields: ReadonlySet<string>;
  private written = 0;
  private dropped = 0;
  private closed = false;

  constructor(options: MemoryPredictionLogOptions = {}) {
    const { maxSize, maskFields } = resolveCommonOptions(options);
    this.ring = new RingBuffer(maxSize);
    this.maskFields = maskFields;
  }

  append(record: PredictionRecord): void {
    const prepared = this.closed ? undefined : prepareRecord(record, this.maskFields);
    if (prepared === undefined) {
      this.dropped += 1;
      return;
    }
    this.ring.push(prepared);
    this.written += 1;
  }

  async latest(limit: number): Promise<PredictionRecord[]> {
    return this.ring.newest(checkLimit(limit, this.ring.capacity));
  }

  stats(): PredictionLogStats {
    // Nothing waits, so nothing is lost for lack of room.
    return { buffered: 0, dropped: this.dropped, written: this.written, connected: !this.closed, dropping: false };
  }

  async flush(): Promise<void> {
    // Nothing is ever pending: append stores synchronously.
  }

  async close(): Promise<void> {
    // The retained records stay readable after close; only new appends are refused.
    this.closed = true;
  }
}
