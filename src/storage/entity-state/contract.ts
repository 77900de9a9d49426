/**
 * The entity-state contract. The feature engine (core/features) reads every aggregation of an
 * event from an `EntityStateStore` and then adds the event to it; this wing keeps that interface
 * as it is and adds what a store outside the process needs: its backend name, counters and the
 * connection state that /health and /metrics judge it by, and close(). The backends (memory,
 * redis) differ only in where the states live; one conformance suite holds them to the same
 * aggregates.
 *
 * A store never makes a prediction fail: when its backend cannot be reached, `readThenAdd`
 * still fills the aggregations (from the last state this process knew, or an empty one),
 * resolves 'unapplied' (the caller flags its answer as degraded) and counts the event as dropped.
 */

import type { AddOutcome, EntityStateStore } from '../../core/features/index.js';

export type { AddOutcome, EntityStateStore, EntityStateJson } from '../../core/features/index.js';

/**
 * Counters of one store instance since it was created.
 * Invariant: updates = written + duplicates + pending + dropped.
 */
export interface EntityStateStats {
  /** Events offered to readThenAdd. */
  updates: number;
  /** Events added to the store ('added'). */
  written: number;
  /** Events whose id was seen within the dedupe horizon: read, not added ('duplicate'). */
  duplicates: number;
  /** Events sent to the backend, awaiting its answer. */
  pending: number;
  /**
   * Events whose update could not be applied ('unapplied'): the backend was unreachable, did not
   * answer in time, or the store was closed. Their features came from the last known state.
   */
  dropped: number;
  /** Whether the backend takes updates now (always, for the in-process store). */
  connected: boolean;
  /** Updates are being lost: some were dropped since the last one that was applied. */
  dropping: boolean;
}

export interface EntityStateBackendStore extends EntityStateStore {
  /** Its name in ENTITY_STATE_BACKENDS (factory.ts): 'memory' | 'redis'. */
  readonly backend: string;
  readThenAdd(event: Parameters<EntityStateStore['readThenAdd']>[0], out: Float64Array): AddOutcome | Promise<AddOutcome>;
  stats(): EntityStateStats;
  /** Releases the backend. Idempotent; a remote store applies nothing afterwards (counted as dropped). */
  close(): Promise<void>;
}
