/**
 * The in-process entity state: core's MemoryStateStore (the embedded default and the offline
 * replay use it directly), with the counters and close() of the storage contract.
 */

import { MemoryStateStore, type AddOutcome, type EventRecord, type FeaturePlan } from '../../core/features/index.js';
import type { EntityStateBackendStore, EntityStateStats } from './contract.js';

export class MemoryEntityStateStore extends MemoryStateStore implements EntityStateBackendStore {
  readonly backend: string = 'memory';
  private written = 0;
  private duplicates = 0;

  constructor(plan: FeaturePlan) {
    super(plan);
  }

  override readThenAdd(event: EventRecord, out: Float64Array): AddOutcome {
    const outcome = super.readThenAdd(event, out);
    if (outcome === 'added') this.written++;
    else this.duplicates++;
    return outcome;
  }

  stats(): EntityStateStats {
    return {
      updates: this.written + this.duplicates,
      written: this.written,
      duplicates: this.duplicates,
      pending: 0,
      dropped: 0,
      connected: true,
      dropping: false,
    };
  }

  /** Nothing to release: the states live as long as the process (or this object). */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
