/**
 * The label store beside a decision store: the same backend, so labels live where the decisions
 * do. stdout keeps no decisions and no labels; Redis labels are not written yet (see README of #16).
 */

import { FraudlensError } from '../../core/errors.js';
import type { PredictionLog } from '../prediction-log/contract.js';
import { MemoryPredictionLog } from '../prediction-log/memory.js';
import { PostgresPredictionLog } from '../prediction-log/postgres.js';
import type { LabelStore } from './contract.js';
import { MemoryLabelStore } from './memory.js';
import { PostgresLabelStore } from './postgres.js';

/** A store for a decision store that keeps no labels: every call rejects with DECISIONS_UNSUPPORTED. */
class UnsupportedLabelStore implements LabelStore {
  readonly queryable = false;
  constructor(readonly backend: string) {}
  private refuse(): Promise<never> {
    return Promise.reject(
      new FraudlensError(
        'DECISIONS_UNSUPPORTED',
        `the ${this.backend} decision store keeps no labels; use LOGGING_HANDLER=memory or postgres (DATABASE_URL)`,
        { field: 'LOGGING_HANDLER' },
      ),
    );
  }
  add = () => this.refuse();
  history = () => this.refuse();
  current = () => this.refuse();
  lookup = () => this.refuse();
  labelledDecisions = () => this.refuse();
  labelledVerdicts = () => this.refuse();
  stats() {
    return { written: 0, connected: false };
  }
  async close(): Promise<void> {}
}

export function createLabelStore(decisions: PredictionLog): LabelStore {
  if (decisions instanceof PostgresPredictionLog) return new PostgresLabelStore(decisions);
  if (decisions instanceof MemoryPredictionLog) return new MemoryLabelStore(decisions);
  return new UnsupportedLabelStore(decisions.backend);
}
