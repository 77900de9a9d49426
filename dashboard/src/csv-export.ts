/**
 * CSV of the decisions a page shows, written by csv-stringify (quoting, delimiters in values) with
 * its formula escaping on: a transaction id or category such as `=HYPERLINK(…)` would otherwise
 * run as a formula when the file is opened in a spreadsheet (numbers are left alone). Values are
 * written as the API answered them, so a masked PII value stays `***`.
 */

import { stringify } from 'csv-stringify/browser/esm/sync';

import type { FeatureSpec, PredictionRecord } from './api';

/** The decision's own columns, before one column per feature. */
export const RECORD_COLUMNS = [
  'transaction_id',
  'timestamp',
  'decision',
  'score',
  'risk_level',
  'amount',
  'label',
  'label_source',
  'labelled_by',
  'reasons',
  'model_version',
  'rules_version',
  'id',
] as const;

/**
 * The features of `records`, in the model's order, then any the model does not list (a record of
 * an earlier model version) in the order first met.
 */
export function featureColumns(records: readonly PredictionRecord[], features: readonly FeatureSpec[]): string[] {
  const seen = new Set<string>();
  for (const r of records) for (const name of Object.keys(r.features)) seen.add(name);
  const ordered = features.map((f) => f.name).filter((n) => seen.has(n));
  const known = new Set(ordered);
  return [...ordered, ...[...seen].filter((n) => !known.has(n))];
}

/**
 * The CSV text of `records` (a header line, then one line per record, in the order given).
 * @example decisionsCsv(page.decisions, model.features)
 */
export function decisionsCsv(records: readonly PredictionRecord[], features: readonly FeatureSpec[]): string {
  const featureNames = featureColumns(records, features);
  const rows = records.map((r) => [
    r.transaction_id ?? '',
    r.timestamp,
    r.decision,
    r.score,
    r.risk_level,
    r.amount ?? '',
    // Empty when no label is known (null) or the server does not join labels (absent).
    r.label?.label ?? '',
    r.label?.source ?? '',
    r.label?.labelled_by ?? '',
    (r.reasons ?? []).map((reason) => reason.code).join('; '),
    r.model_version,
    r.rules_version ?? '',
    r.id,
    // A missing feature value (null) is an empty cell, as pandas writes NaN.
    ...featureNames.map((n) => r.features[n] ?? ''),
  ]);
  return stringify(rows, {
    header: true,
    columns: [...RECORD_COLUMNS, ...featureNames],
    escape_formulas: true,
    // Shortest round-trip text, the same digits the API sent.
    cast: { number: (v) => String(v) },
  });
}

/** Offers `text` as a file download named `name`. */
export function downloadText(text: string, name: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The click has handed the blob to the download; freeing it at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
