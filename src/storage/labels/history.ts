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
  NO_VERDICT,
  type LabelledDecisions,
  type LabelledDecisionsQuery,
  type LabelledVerdicts,
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
  const columns = new LabelledColumns(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const label = r.transaction_id === undefined ? undefined : labelOf(r.transaction_id);
    columns.set(i, r.score, r.decision, ruleOf(r), label?.label ?? null, r.amount, Date.parse(r.timestamp), r.model_version);
  }
  return columns.out;
}

/** The joined read's columns, filled row by row (rule and model version names interned once). */
export class LabelledColumns {
  readonly out: LabelledDecisions;
  private readonly ruleIndex = new Map<string, number>();
  private readonly versionIndex = new Map<string, number>();

  constructor(n: number) {
    this.out = {
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
  }

  set(
    i: number,
    score: number,
    decision: string,
    rule: string | null,
    label: string | null,
    amount: number | null | undefined,
    timeMs: number,
    modelVersion: string,
  ): void {
    const out = this.out;
    out.score[i] = score;
    out.decision[i] = DECISIONS.indexOf(decision as (typeof DECISIONS)[number]);
    out.rule[i] = rule === null ? -1 : interned(this.ruleIndex, out.rules, rule);
    out.label[i] = label === null ? LABEL_NONE : label === 'fraud' ? LABEL_FRAUD : LABEL_LEGITIMATE;
    out.amount[i] = amount ?? Number.NaN;
    out.time[i] = timeMs;
    out.modelVersion[i] = interned(this.versionIndex, out.modelVersions, modelVersion);
  }
}

/** The index of `key` in `list`, appended (and indexed) when new. */
export function interned(index: Map<string, number>, list: string[], key: string): number {
  let i = index.get(key);
  if (i === undefined) {
    i = list.push(key) - 1;
    index.set(key, i);
  }
  return i;
}

/** One model's verdict as a record holds it. */
export interface Verdict {
  alias: string;
  model_version: string;
  score: number;
  decision: string;
}

/** The alias of the model that decided a record: "champion" when it carries none (served without challengers). */
export const DECIDER_WITHOUT_ALIAS = 'champion';

/**
 * Builds LabelledVerdicts from labelled rows (label, amount, the verdicts); aliases are numbered in
 * order of first appearance, so the columns are laid out once every row is known.
 */
export class VerdictColumns {
  private readonly rows: { fraud: boolean; amount: number; verdicts: readonly Verdict[] }[] = [];
  private readonly aliasIndex = new Map<string, number>();
  private readonly versions: string[] = [];

  add(fraud: boolean, amount: number | null | undefined, verdicts: readonly Verdict[]): void {
    for (const v of verdicts) {
      const known = this.aliasIndex.get(v.alias);
      if (known === undefined) {
        this.aliasIndex.set(v.alias, this.versions.length);
        this.versions.push(v.model_version);
      } else this.versions[known] = v.model_version;
    }
    this.rows.push({ fraud, amount: typeof amount === 'number' ? amount : NaN, verdicts });
  }

  build(): LabelledVerdicts {
    const n = this.rows.length;
    const a = this.versions.length;
    const out: LabelledVerdicts = {
      count: n,
      aliases: [...this.aliasIndex.keys()],
      versions: this.versions,
      label: new Uint8Array(n),
      amount: new Float64Array(n),
      score: new Float64Array(n * a).fill(NaN),
      decision: new Uint8Array(n * a).fill(NO_VERDICT),
    };
    for (let r = 0; r < n; r++) {
      const row = this.rows[r];
      out.label[r] = row.fraud ? LABEL_FRAUD : LABEL_LEGITIMATE;
      out.amount[r] = row.amount;
      for (const v of row.verdicts) {
        const at = r * a + this.aliasIndex.get(v.alias)!;
        const d = DECISIONS.indexOf(v.decision as (typeof DECISIONS)[number]);
        if (d < 0) continue;
        out.score[at] = v.score;
        out.decision[at] = d;
      }
    }
    return out;
  }
}

/** The deciding model's verdict, then the shadow ones, of a record. */
export function verdictsOf(
  r: Pick<PredictionRecord, 'model_alias' | 'model_version' | 'score' | 'decision' | 'shadow'>,
): Verdict[] {
  const own: Verdict = {
    alias: r.model_alias ?? DECIDER_WITHOUT_ALIAS,
    model_version: r.model_version,
    score: r.score,
    decision: r.decision,
  };
  return r.shadow === undefined ? [own] : [own, ...r.shadow];
}

/** LabelledVerdicts over records held in process (newest first), as joinColumns reads them. */
export function joinVerdicts(
  newestFirst: readonly PredictionRecord[],
  labelOf: (transactionId: string) => LabelRecord | undefined,
  q: LabelledDecisionsQuery,
): LabelledVerdicts {
  const columns = new VerdictColumns();
  const rows = currentDecisions(newestFirst).reverse();
  for (const r of rows) {
    const ms = Date.parse(r.timestamp);
    if ((q.since !== undefined && ms < q.since) || (q.until !== undefined && ms >= q.until)) continue;
    if (q.model_version !== undefined && r.model_version !== q.model_version) continue;
    const label = r.transaction_id === undefined ? undefined : labelOf(r.transaction_id);
    if (label === undefined) continue;
    columns.add(label.label === 'fraud', r.amount, verdictsOf(r));
  }
  return columns.build();
}
