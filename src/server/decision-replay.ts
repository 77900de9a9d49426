/**
 * Transaction identity on the request path: the decisions of the most recent transaction ids this
 * process made, so that scoring an id again answers its decision instead of making a second one.
 *
 * The exact rule (docs/api.md, "Transaction identity"):
 *   - an id this process decided among its last FRAUDLENS_DECISION_REPLAY_SIZE ids is answered
 *     with that decision, flagged `replayed: true`; nothing is scored, recorded or counted but
 *     fraudlens_decision_replays_total;
 *   - `?rescore=true` scores it again; the new decision is recorded with `repeat: 'rescore'` and
 *     becomes the current one (here and in the store);
 *   - an id beyond that horizon (older, or decided by another replica) is scored again; the store
 *     stores it flagged `repeat: 'duplicate'` and counts it (fraudlens_decisions_duplicate_total),
 *     and keeps answering the first decision for it (GET /decisions/{transaction_id}).
 * A lookup in the store on every request would put a database round trip on the request path;
 * this bounded map plus the store's own check keeps it off while never storing a silent repeat.
 */

import type { Prediction } from '../contract/index.js';

export class DecisionReplay {
  readonly capacity: number;
  /** Insertion-ordered: the first key is the oldest id. */
  private readonly decisions = new Map<string, Prediction>();

  /** @param capacity ids remembered (0: none, every id is scored) */
  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** The decision this process made for `transactionId`, if it still remembers it. */
  get(transactionId: string): Prediction | undefined {
    return this.capacity === 0 ? undefined : this.decisions.get(transactionId);
  }

  /** Remembers the decision of `transactionId` (replacing an older one), forgetting the oldest id beyond capacity. */
  remember(transactionId: string, prediction: Prediction): void {
    if (this.capacity === 0) return;
    // Deleted first so that a rescored id moves to the newest end.
    this.decisions.delete(transactionId);
    this.decisions.set(transactionId, prediction);
    if (this.decisions.size > this.capacity) this.decisions.delete(this.decisions.keys().next().value as string);
  }

  get size(): number {
    return this.decisions.size;
  }
}
