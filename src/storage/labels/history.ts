/**
 * Label histories and the join with decisions, written once for the stores that keep or read
 * them in process (memory, Redis): the rule for the current label, the record shape, and the
 * columnar joined read. PostgreSQL does the same in SQL; the conformance suite holds all to the
 * same answers.
 */

import { DECISIONS } from '../../contract/index.js';
import type { PredictionRecord } from '../prediction-log/contract.js';
import {
  LABEL_FRAUD,
  LABEL_LEGITIMATE,
  LABEL_NONE,
  type LabelledDecisions,
  type LabelledDecisionsQuery,
  type LabelRecord,
  type NewLabel,
} from './contract.js';

/** The stored shape of a label. */
export function labelRecordOf(l: NewLabel): LabelRecord {
  const r: LabelRecord = {
    transaction_id: l.transaction_id,
    label: l.label,
    source: l.source,
    known_at: new Date(l.knownAt).toISOString(),
    recorded_at: new Date(l.recordedAt).toISOString(),
    labelled_by: l.labelledBy,
  };
  if (l.note !== undefined) r.note = l.note;
  return r;
}

/**
 * A history in recording order, sorted as answered: oldest known_at first, ties in recording
 * order (a stable sort); the current label is then its last entry.
 */
export function orderHistory(recorded: readonly LabelRecord[]): LabelRecord[] {
  return [...recorded].sort((a, b) => Date.parse(a.known_at) - Date.parse(b.known_at));
}

/**
 * The current decision of every transaction id, plus every decision without an id, from records
 * newest first: the newest that is not a duplicate (the first decision or the latest rescore).
 */
export function currentDecisions(newestFirst: readonly PredictionRecord[]): PredictionRecord[] {
  const seen = new Set<string>();
  const out: PredictionRecord[] = [];
  for (const r of newestFirst) {
    if (r.repeat === 'duplicate') continue;
    const id = r.transaction_id;
    if (id !== undefined) {
      if (seen.has(id)) continue;
      seen.add(id);
    }
    out.push(r);
  }
  return out;
}

/** The rule that decided a record: its first reason when that is a rule's, else null. */
export function ruleOf(r: PredictionRecord): string | null {
  const first = r.reasons?.[0];
  return first !== undefined && first.kind === 'rule' ? first.code : null;
}

/**
 * The joined columnar read over records held in process.
 * @param newestFirst every decision record the store holds, newest first
 * @param labelOf the current label of an id
 */
export function joinColumns(
  newestFirst: readonly PredictionRecord[],
  labelOf: (transactionId: string) => LabelRecord | undefined,
  q: LabelledDecisionsQuery,
): LabelledDecisions {
  const rows = currentDecisions(newestFirst).filter((r) => {
    const ms = Date.parse(r.timestamp);
    if (q.since !== undefined && ms < q.since) return false;
    if (q.until !== undefined && ms >= q.until) return false;
    return q.model_version === undefined || r.model_version === q.model_version;
  });
  rows.reverse();
  const n = rows.length;
  const out: LabelledDecisions = {
    count: n,
    score: new Float64Array(n),
    decision: new Uint8Array(n),
    rule: new Int32Array(n),
    rules: [],
    label: new Int8Array(n),
    amount: new Float64Array(n),
    time: new Float64Array(n),
    modelVersion: new Int32Array(n),
    modelVersions: [],
  };
  const ruleIndex = new Map<string, number>();
  const versionIndex = new Map<string, number>();
  const indexOf = (map: Map<string, number>, list: string[], key: string): number => {
    let i = map.get(key);
    if (i === undefined) {
      i = list.length;
      list.push(key);
      map.set(key, i);
    }
    return i;
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    out.score[i] = r.score;
    out.decision[i] = DECISIONS.indexOf(r.decision);
    const rule = ruleOf(r);
    out.rule[i] = rule === null ? -1 : indexOf(ruleIndex, out.rules, rule);
    const label = r.transaction_id === undefined ? undefined : labelOf(r.transaction_id);
    out.label[i] = label === undefined ? LABEL_NONE : label.label === 'fraud' ? LABEL_FRAUD : LABEL_LEGITIMATE;
    out.amount[i] = r.amount ?? Number.NaN;
    out.time[i] = Date.parse(r.timestamp);
    out.modelVersion[i] = indexOf(versionIndex, out.modelVersions, r.model_version);
  }
  return out;
}
