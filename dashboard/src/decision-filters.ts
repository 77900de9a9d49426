/**
 * The Predictions page's search form: what a person types (text, as the inputs hold it) and the
 * GET /decisions filters it becomes. Checked here before anything is sent, so a bad entry is named
 * beside its field; the server checks again and names the field the same way (its 4xx `field`).
 */

import type { Decision, DecisionsPageQuery } from './api';

/** The form as typed: every field is the input's text ('' = no filter). */
export interface FilterForm {
  transaction_id: string;
  decision: Decision | 'all';
  score_min: string;
  score_max: string;
  /** `<input type="datetime-local">` text, read in the browser's time zone. */
  from: string;
  to: string;
  amount_min: string;
  amount_max: string;
}

export const EMPTY_FILTERS: FilterForm = {
  transaction_id: '',
  decision: 'all',
  score_min: '',
  score_max: '',
  from: '',
  to: '',
  amount_min: '',
  amount_max: '',
};

export type FilterField = keyof FilterForm;

/** The query a valid form becomes, or the message for each field that is not. */
export type FilterResult = { ok: true; query: DecisionsPageQuery } | { ok: false; errors: Partial<Record<FilterField, string>> };

function numberOf(text: string): number | null | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

function instantOf(text: string): string | null | undefined {
  if (text.trim() === '') return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * The GET /decisions filters of a form.
 * @example toQuery({ ...EMPTY_FILTERS, decision: 'review', score_min: '0.5' }) // { ok: true, query: { decision: 'review', score_min: 0.5 } }
 */
export function toQuery(form: FilterForm): FilterResult {
  const errors: Partial<Record<FilterField, string>> = {};
  const query: DecisionsPageQuery = {};
  const id = form.transaction_id.trim();
  if (id !== '') query.transaction_id = id;
  if (form.decision !== 'all') query.decision = form.decision;

  for (const field of ['score_min', 'score_max'] as const) {
    const v = numberOf(form[field]);
    if (v === null || (v !== undefined && (v < 0 || v > 1))) errors[field] = 'a score between 0 and 1';
    else if (v !== undefined) query[field] = v;
  }
  if (query.score_min !== undefined && query.score_max !== undefined && query.score_min > query.score_max)
    errors.score_max = 'at least the lowest score';

  for (const field of ['amount_min', 'amount_max'] as const) {
    const v = numberOf(form[field]);
    if (v === null) errors[field] = 'a number';
    else if (v !== undefined) query[field] = v;
  }
  if (query.amount_min !== undefined && query.amount_max !== undefined && query.amount_min > query.amount_max)
    errors.amount_max = 'at least the lowest amount';

  for (const field of ['from', 'to'] as const) {
    const v = instantOf(form[field]);
    if (v === null) errors[field] = 'a date and time';
    else if (v !== undefined) query[field] = v;
  }
  if (query.from !== undefined && query.to !== undefined && query.from >= query.to) errors.to = 'after "from"';

  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, query };
}

/** Whether any filter is set (the page then says it shows matches, not the newest decisions). */
export function isFiltered(query: DecisionsPageQuery): boolean {
  return Object.entries(query).some(([k, v]) => k !== 'limit' && k !== 'cursor' && v !== undefined);
}
