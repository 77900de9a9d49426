/**
 * Reading decisions, written once for every backend that answers from records in process (memory,
 * and Redis, which reads its bounded list whole): the query's checks, its filters, the order
 * (newest decision time first, then id, descending) and the opaque cursor. PostgreSQL answers the
 * same query in SQL; the conformance suite holds both to the same answers.
 */

import { DECISIONS } from '../../contract/index.js';
import { FraudlensError } from '../../core/errors.js';
import type { DecisionPage, DecisionQuery, PredictionRecord } from './contract.js';

/** A query checked once: instants as epoch milliseconds, the cursor decoded. */
export interface CheckedQuery {
  limit: number;
  transactionId: string | undefined;
  decision: string | undefined;
  scoreMin: number | undefined;
  scoreMax: number | undefined;
  fromMs: number | undefined;
  toMs: number | undefined;
  modelVersion: string | undefined;
  rule: string | undefined;
  amountMin: number | undefined;
  amountMax: number | undefined;
  labelled: boolean | undefined;
  /** Which ids have a label (in-process stores; required with `labelled`). */
  labelledIds: { has(transactionId: string): boolean } | undefined;
  ascending: boolean;
  /** Decisions strictly after this position (in the query's order) are returned. */
  after: { ms: number; iso: string; id: string } | undefined;
}

const invalid = (field: string, message: string): FraudlensError => new FraudlensError('INPUT_INVALID', message, { field });

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw invalid(field, `${field} must be a non-empty string.`);
  return value;
}

/** A finite number (scores, amounts), or undefined. */
function optionalScore(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, `${field} must be a finite number.`);
  return value;
}

function optionalInstant(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw invalid(field, `${field} must be an ISO 8601 instant such as 2024-01-31T12:00:00Z, got ${String(value)}.`);
  return ms;
}

/** The cursor of the page that ends with `record`: its decision time, id and the order, opaque to callers. */
export function encodeCursor(record: PredictionRecord, ascending = false): string {
  const key = [new Date(Date.parse(record.timestamp)).toISOString(), record.id];
  if (ascending) key.push('asc');
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: unknown, ascending: boolean): CheckedQuery['after'] {
  if (cursor === undefined) return undefined;
  const bad = invalid('cursor', 'cursor is not one this service gave out (pass next_cursor of the previous page as it is).');
  if (typeof cursor !== 'string') throw bad;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== (ascending ? 3 : 2) ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string'
  )
    throw bad;
  if (ascending && parsed[2] !== 'asc') throw bad;
  const ms = Date.parse(parsed[0]);
  if (Number.isNaN(ms)) throw bad;
  return { ms, iso: new Date(ms).toISOString(), id: parsed[1] };
}

/**
 * Checks a query (INPUT_INVALID naming the field) and caps its limit.
 * @param maxLimit the most records one page holds
 */
export function checkQuery(query: DecisionQuery, maxLimit: number): CheckedQuery {
  if (typeof query !== 'object' || query === null) throw invalid('query', 'a decision query must be an object.');
  const { limit } = query;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
    throw invalid('limit', `limit must be a positive integer, got ${String(limit)}.`);
  }
  const decision = optionalString(query.decision, 'decision');
  if (decision !== undefined && !(DECISIONS as readonly string[]).includes(decision)) {
    throw invalid('decision', `decision must be one of ${DECISIONS.join(', ')}, got ${decision}.`);
  }
  const order = query.order ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw invalid('order', `order must be asc or desc, got ${String(order)}.`);
  const ascending = order === 'asc';
  let labelled: boolean | undefined;
  if (query.labelled !== undefined) {
    if (typeof query.labelled !== 'boolean') throw invalid('labelled', 'labelled must be true or false.');
    labelled = query.labelled;
  }
  const checked: CheckedQuery = {
    limit: Math.min(limit, maxLimit),
    transactionId: optionalString(query.transaction_id, 'transaction_id'),
    decision,
    scoreMin: optionalScore(query.score_min, 'score_min'),
    scoreMax: optionalScore(query.score_max, 'score_max'),
    fromMs: optionalInstant(query.from, 'from'),
    toMs: optionalInstant(query.to, 'to'),
    modelVersion: optionalString(query.model_version, 'model_version'),
    rule: optionalString(query.rule, 'rule'),
    amountMin: optionalScore(query.amount_min, 'amount_min'),
    amountMax: optionalScore(query.amount_max, 'amount_max'),
    labelled,
    labelledIds: query.labelled_ids,
    ascending,
    after: decodeCursor(query.cursor, ascending),
  };
  return checked;
}

/** Whether `record` passes every filter of `q` (the cursor aside). */
export function matches(record: PredictionRecord, q: CheckedQuery): boolean {
  if (q.transactionId !== undefined && record.transaction_id !== q.transactionId) return false;
  if (q.decision !== undefined && record.decision !== q.decision) return false;
  if (q.scoreMin !== undefined && !(record.score >= q.scoreMin)) return false;
  if (q.scoreMax !== undefined && !(record.score <= q.scoreMax)) return false;
  if (q.modelVersion !== undefined && record.model_version !== q.modelVersion) return false;
  if (q.fromMs !== undefined || q.toMs !== undefined) {
    const ms = Date.parse(record.timestamp);
    if (q.fromMs !== undefined && ms < q.fromMs) return false;
    if (q.toMs !== undefined && ms >= q.toMs) return false;
  }
  if (q.rule !== undefined && !(record.reasons ?? []).some((r) => r.code === q.rule)) return false;
  if (q.amountMin !== undefined && !(record.amount !== undefined && record.amount >= q.amountMin)) return false;
  if (q.amountMax !== undefined && !(record.amount !== undefined && record.amount <= q.amountMax)) return false;
  if (q.labelled !== undefined) {
    const has = record.transaction_id !== undefined && q.labelledIds !== undefined && q.labelledIds.has(record.transaction_id);
    if (has !== q.labelled) return false;
  }
  return true;
}

/** Newest first: decision time descending, then id descending (ids are compared as strings, as SQL's C collation does). */
function newestFirst(a: { ms: number; id: string }, b: { ms: number; id: string }): number {
  if (a.ms !== b.ms) return b.ms - a.ms;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * One page of `records` (any order) for a checked query.
 * @param records every record the backend holds
 */
export function pageOf(records: readonly PredictionRecord[], q: CheckedQuery): DecisionPage {
  const keyed: { ms: number; id: string; iso: string; record: PredictionRecord }[] = [];
  const order = q.ascending ? (a: typeof q.after & {}, b: typeof q.after & {}) => newestFirst(b, a) : newestFirst;
  for (const record of records) {
    if (!matches(record, q)) continue;
    const key = { ms: Date.parse(record.timestamp), id: record.id, iso: '', record };
    if (q.after !== undefined && order(q.after, key) >= 0) continue;
    keyed.push(key);
  }
  keyed.sort(order);
  const page = keyed.slice(0, q.limit).map((k) => k.record);
  const more = keyed.length > q.limit;
  return { records: page, next_cursor: more ? encodeCursor(page[page.length - 1], q.ascending) : null };
}

/** The current decision of a transaction among `records` (newest first): the newest that is not a duplicate. */
export function currentDecision(records: readonly PredictionRecord[], transactionId: string): PredictionRecord | undefined {
  return records.find((r) => r.transaction_id === transactionId && r.repeat !== 'duplicate');
}
