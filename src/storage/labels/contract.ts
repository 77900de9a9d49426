/**
 * The label store: labels kept beside the decisions, in the same backend as the decision store
 * (memory, Redis, PostgreSQL; stdout keeps nothing and answers DECISIONS_UNSUPPORTED). Labels of
 * ids not decided yet are kept and meet their decision when it arrives: the join is made at read
 * time, never at write time, so the order in which labels and decisions arrive does not matter.
 *
 * Several labels of one id: the latest `known_at` is current (ties: the one recorded last), every
 * label stays in the history.
 */

import type { LabelInput, LabelRecord, LabelsAccepted } from '../../contract/index.js';

export type { LabelInput, LabelRecord, LabelsAccepted } from '../../contract/index.js';

/** A label as the store takes it: checked, with its instants normalised and who sent it. */
export interface NewLabel {
  transaction_id: string;
  label: LabelInput['label'];
  source: LabelInput['source'];
  /** Epoch milliseconds. */
  knownAt: number;
  /** Epoch milliseconds. */
  recordedAt: number;
  labelledBy: string;
  note?: string | undefined;
}

/** The window of a joined read: decision time `since` (inclusive) to `until` (exclusive), epoch ms. */
export interface LabelledDecisionsQuery {
  since?: number | undefined;
  until?: number | undefined;
  model_version?: string | undefined;
}

/** `label` column values. */
export const LABEL_FRAUD = 1;
export const LABEL_LEGITIMATE = 0;
export const LABEL_NONE = -1;

/**
 * Every current decision (first decision of an id, or its latest rescore; never a duplicate) made
 * in the window, joined with its current label, as columns of equal length `count`. Row order is
 * by decision time, oldest first.
 */
export interface LabelledDecisions {
  count: number;
  /** Fraud probability in [0, 1]. */
  score: Float64Array;
  /** Index into DECISIONS (contract/enums.ts): 0 approve, 1 review, 2 decline. */
  decision: Uint8Array;
  /** Index into `rules` of the rule that decided (the record's rule_id), or -1 when the thresholds decided. */
  rule: Int32Array;
  rules: string[];
  /** LABEL_FRAUD, LABEL_LEGITIMATE or LABEL_NONE (no label known). */
  label: Int8Array;
  /** The record's amount, NaN when it has none. */
  amount: Float64Array;
  /** Decision time, epoch milliseconds. */
  time: Float64Array;
  /** Index into `modelVersions`. */
  modelVersion: Int32Array;
  modelVersions: string[];
}

/**
 * Sequence numbers below a watermark that a read did not see: taken by a writer whose transaction
 * had not committed yet (or rolled back). Each later read looks for them again until
 * `GAP_PATIENCE_MS` after `seenAt`, so a batch that commits after a later one is still counted.
 */
export interface SequenceGap {
  /** First and last missing sequence number, inclusive. */
  from: number;
  to: number;
  /** When a read first found it missing (ms since the epoch). */
  seenAt: number;
}

/**
 * Where an incremental read left off: the highest decision and label sequence numbers it saw, and
 * the numbers below them it has not seen yet.
 */
export interface LabelledWatermark {
  decisions: number;
  labels: number;
  decisionGaps: readonly SequenceGap[];
  labelGaps: readonly SequenceGap[];
}

/** The watermark of a read that has seen nothing. */
export const NO_WATERMARK: LabelledWatermark = Object.freeze({ decisions: 0, labels: 0, decisionGaps: [], labelGaps: [] });

/**
 * How long a missing sequence number is looked for again. A writer's transaction holds its numbers
 * at most for one batch statement or one import chunk (seconds); a number still missing after this
 * belonged to a transaction that rolled back.
 */
export const GAP_PATIENCE_MS = 5 * 60_000;

/** Most missing ranges remembered per table; beyond it the oldest are given up. */
export const MAX_GAPS = 1_000;

/**
 * What changed in a store since a watermark, for the columns /performance keeps in memory
 * (live.ts). Read in one snapshot of the store.
 */
export interface LabelledChanges {
  /**
   * Decisions stored since (first decisions and rescores; duplicates never count), ascending by
   * `seq`, current labels joined: those above the old watermark, and those that filled one of its
   * gaps (below it).
   */
  added: LabelledDecisions;
  /** The store's sequence number of each added decision, ascending. */
  addedSeq: Float64Array;
  /** Per added decision: the sequence number of the earlier decision of its id that it replaces (a rescore), or -1. */
  replaces: Float64Array;
  /** Decisions seen before (held by the reader) whose current label changed since. */
  relabelledSeq: Float64Array;
  /** Their current label: LABEL_FRAUD or LABEL_LEGITIMATE. */
  relabelled: Int8Array;
  /** Where the next read starts. */
  watermark: LabelledWatermark;
  /** The lowest sequence number of a decision still stored (retention deletes the oldest); 0 with none. */
  oldest: number;
}

/**
 * The labelled current decisions of a window with every model's verdict on each: the deciding
 * model's (`model_alias`, "champion" when the record has none) and the shadow ones. Row r, model a
 * is at r * aliases.length + a; a model that did not score a row has NaN and NO_VERDICT there.
 */
export interface LabelledVerdicts {
  count: number;
  /** Model aliases in order of first appearance. */
  aliases: string[];
  /** Latest model version seen per alias. */
  versions: string[];
  /** LABEL_FRAUD or LABEL_LEGITIMATE. */
  label: Uint8Array;
  /** NaN when unknown. */
  amount: Float64Array;
  score: Float64Array;
  /** Index into DECISIONS, or NO_VERDICT. */
  decision: Uint8Array;
}

/** `LabelledVerdicts.decision` of a model that did not score the row. */
export const NO_VERDICT = 255;

export interface LabelLookup {
  has(transactionId: string): boolean;
}

export interface LabelStoreStats {
  /** Labels stored by this instance since it was created. */
  written: number;
  connected: boolean;
}

export interface LabelStore {
  readonly backend: string;
  /** False for a store that keeps nothing (stdout): every method then rejects with DECISIONS_UNSUPPORTED. */
  readonly queryable: boolean;
  /**
   * Stores labels durably (resolves once written) and counts how many meet a stored decision.
   * Rejects with STORAGE_UNAVAILABLE when the backend cannot be reached; nothing is half-written
   * within one call on PostgreSQL (one transaction).
   */
  add(labels: readonly NewLabel[]): Promise<LabelsAccepted>;
  /** The current label and history of an id, or undefined when it has none. */
  history(transactionId: string): Promise<{ current: LabelRecord; history: LabelRecord[] } | undefined>;
  /** The current label of each id that has one. */
  current(transactionIds: readonly string[]): Promise<Map<string, LabelRecord>>;
  /**
   * For decision stores that filter in process (memory, Redis): which ids have a label, for the
   * `labelled` filter. Undefined when the decision store joins by itself (PostgreSQL, in SQL).
   */
  lookup(): Promise<LabelLookup | undefined>;
  /** The joined columnar read that /performance computes from. */
  labelledDecisions(query: LabelledDecisionsQuery): Promise<LabelledDecisions>;
  /**
   * Only what changed since `since` (NO_WATERMARK: everything), for stores too large
   * to read whole at every refresh (PostgreSQL). Absent where the whole read is cheap (memory).
   */
  labelledChanges?(since: LabelledWatermark): Promise<LabelledChanges>;
  /** The labelled decisions with every model's verdict, that GET /performance/comparison computes from. */
  labelledVerdicts(query: LabelledDecisionsQuery): Promise<LabelledVerdicts>;
  stats(): LabelStoreStats;
  close(): Promise<void>;
}
