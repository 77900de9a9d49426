/**
 * The prediction-log contract. Every prediction the API makes is handed to a `PredictionLog`;
 * the backends (memory, stdout, redis) differ only in where records end up. The contract is
 * written so that logging can never hurt the request path: `append` is synchronous, never
 * throws and never waits on I/O, and every record that does not make it to storage is counted.
 */

import {
  MAX_DECISIONS_PAGE,
  type DecisionFilter,
  type DecisionOrder,
  type PredictionRecord as LoggedPrediction,
} from '../../contract/index.js';

export type { Decision, DecisionFilter, FeatureValue, Reason } from '../../contract/index.js';

/**
 * The explanation attached to a prediction (e.g. SHAP contributions): any JSON object. The store
 * treats it as opaque except for PII masking (see `maskFields`). Typed as `object` so that an
 * explanation declared as an interface can be passed without an index signature.
 */
export type PredictionExplanation = object;

/**
 * One prediction as logged: the HTTP contract's record (GET /logs lists them), except that the
 * store accepts any explanation object.
 */
export type PredictionRecord = Omit<LoggedPrediction, 'explanation'> & { explanation?: PredictionExplanation | undefined };

/**
 * Counters of one store instance, since it was created.
 * Invariant: records appended = written + buffered + dropped.
 */
export interface PredictionLogStats {
  /** Accepted records not yet confirmed by the backend. */
  buffered: number;
  /**
   * Records that will never be stored: invalid or unserialisable, over the buffer bound,
   * appended after `close()`, or still buffered when `close()` gave up waiting.
   */
  dropped: number;
  /** Records confirmed stored. Retention trimming (`maxSize`) does not decrease it. */
  written: number;
  /** Whether the backend currently accepts writes. */
  connected: boolean;
  /**
   * Whether records are being lost although the backend looks connected: the buffer is full, or
   * records were dropped for lack of room (or failed to write) since the buffer was last empty.
   * Cleared once the backlog has drained. Invalid records do not count: they are the caller's.
   */
  dropping: boolean;
  /**
   * Decisions the store found repeating a transaction id it already held (neither the first
   * decision of that id nor a deliberate rescore): stored flagged `repeat: 'duplicate'`.
   */
  duplicates: number;
}

/** A read of the decision store: filters (AND), a page size, the cursor of the previous page. */
export interface DecisionQuery extends DecisionFilter {
  /** Positive integer, capped at the store's page bound; otherwise INPUT_INVALID. */
  limit: number;
  cursor?: string | undefined;
  /** 'desc' (default): newest first; 'asc': oldest first. A cursor holds its order. */
  order?: DecisionOrder | undefined;
  /**
   * Which transaction ids have a label, for the `labelled` filter of the stores that filter in
   * process (the label store's `lookup()`); PostgreSQL joins its labels table instead.
   */
  labelled_ids?: { has(transactionId: string): boolean } | undefined;
}

/** A page of decisions in the query's order (decision time, then id); `next_cursor` is null on the last page. */
export interface DecisionPage {
  records: PredictionRecord[];
  next_cursor: string | null;
}

export interface PredictionLog {
  /** 'memory' | 'stdout' | 'redis'. */
  readonly backend: string;
  /**
   * Records one prediction. Synchronous, never throws, never waits on I/O. The store keeps a
   * snapshot: later changes to the caller's objects do not reach it (frozen `features` that need
   * no masking or normalising are kept as they are, since they cannot change).
   */
  append(record: PredictionRecord): void;
  /**
   * Up to `limit` of the newest stored records, newest first. `limit` must be a non-negative
   * integer (otherwise the promise rejects with INPUT_INVALID); it is capped at `maxSize`.
   * Never rejects because a backend is unavailable: it then answers from the in-process copy.
   */
  latest(limit: number): Promise<PredictionRecord[]>;
  /**
   * Whether `query` and `get` answer. A store that keeps nothing readable (stdout) says false, and
   * its `query` and `get` reject with DECISIONS_UNSUPPORTED.
   */
  readonly queryable: boolean;
  /**
   * The decisions that pass every filter, newest first (decision time, then id), one page at a
   * time. Rejects with INPUT_INVALID for a bad filter or cursor (naming the field), and with
   * STORAGE_UNAVAILABLE when a durable backend cannot be reached (in-process copies are partial).
   */
  query(query: DecisionQuery): Promise<DecisionPage>;
  /**
   * The current decision of a transaction id: the newest that is not flagged as a duplicate
   * (the first decision, or the latest rescore), or undefined. Rejects as `query` does.
   */
  get(transactionId: string): Promise<PredictionRecord | undefined>;
  stats(): PredictionLogStats;
  /** Resolves once every record appended before the call is written, or a bounded wait ran out. */
  flush(): Promise<void>;
  /** Flushes, then releases the backend. Idempotent; later appends are counted as dropped. */
  close(): Promise<void>;
}

/** Options every backend accepts. */
export interface PredictionLogOptions {
  /** How many of the newest records are retained (default 5000). */
  maxSize?: number | undefined;
  /**
   * Feature names whose values are stored as "***": in `features`, and in any object of the
   * explanation shaped `{ feature: <masked name>, value: ... }`.
   */
  maskFields?: readonly string[] | undefined;
}

export const DEFAULT_MAX_SIZE = 5000;
/** Most decisions one `query` page holds (the HTTP contract's bound). */
export const MAX_PAGE_SIZE = MAX_DECISIONS_PAGE;
export const MASKED_VALUE = '***';
