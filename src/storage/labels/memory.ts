/**
 * Labels kept in process, beside the memory decision store: lost on restart like its decisions.
 * Also the in-process half of the Redis store's reads (history.ts holds the shared rules).
 */

import type { PredictionLog, PredictionRecord } from '../prediction-log/contract.js';
import type {
  LabelLookup,
  LabelledDecisions,
  LabelledDecisionsQuery,
  LabelledVerdicts,
  LabelRecord,
  LabelsAccepted,
  LabelStore,
  LabelStoreStats,
  NewLabel,
} from './contract.js';
import { joinColumns, joinVerdicts, labelRecordOf, orderHistory } from './history.js';

/** Every record a decision store holds in process, newest first (its `latest` is capped at its size). */
export async function everyDecision(log: PredictionLog): Promise<PredictionRecord[]> {
  return log.latest(Number.MAX_SAFE_INTEGER);
}

export class MemoryLabelStore implements LabelStore {
  readonly backend = 'memory';
  readonly queryable = true;
  /** Transaction id → its labels in recording order. */
  private readonly labels = new Map<string, LabelRecord[]>();
  private written = 0;

  constructor(private readonly decisions: PredictionLog) {}

  async add(labels: readonly NewLabel[]): Promise<LabelsAccepted> {
    const decided = new Set<string>();
    for (const r of await everyDecision(this.decisions)) if (r.transaction_id !== undefined) decided.add(r.transaction_id);
    let joined = 0;
    for (const l of labels) {
      const list = this.labels.get(l.transaction_id);
      const record = labelRecordOf(l);
      if (list === undefined) this.labels.set(l.transaction_id, [record]);
      else list.push(record);
      if (decided.has(l.transaction_id)) joined += 1;
    }
    this.written += labels.length;
    return { accepted: labels.length, joined, pending: labels.length - joined };
  }

  private currentOf(id: string): LabelRecord | undefined {
    const list = this.labels.get(id);
    if (list === undefined) return undefined;
    const ordered = orderHistory(list);
    return ordered[ordered.length - 1];
  }

  async history(transactionId: string): Promise<{ current: LabelRecord; history: LabelRecord[] } | undefined> {
    const list = this.labels.get(transactionId);
    if (list === undefined) return undefined;
    const history = orderHistory(list);
    return { current: history[history.length - 1], history };
  }

  async current(transactionIds: readonly string[]): Promise<Map<string, LabelRecord>> {
    const out = new Map<string, LabelRecord>();
    for (const id of transactionIds) {
      const c = this.currentOf(id);
      if (c !== undefined) out.set(id, c);
    }
    return out;
  }

  async lookup(): Promise<LabelLookup> {
    return this.labels;
  }

  async labelledDecisions(query: LabelledDecisionsQuery): Promise<LabelledDecisions> {
    return joinColumns(await everyDecision(this.decisions), (id) => this.currentOf(id), query);
  }

  async labelledVerdicts(query: LabelledDecisionsQuery): Promise<LabelledVerdicts> {
    return joinVerdicts(await everyDecision(this.decisions), (id) => this.currentOf(id), query);
  }

  stats(): LabelStoreStats {
    return { written: this.written, connected: true };
  }

  async close(): Promise<void> {}
}
