/**
 * Words for derived features, built from their definitions: what `fraudlens info` and GET /model
 * list, and what an explanation shows beside a value ("transactions of this card in the last
 * hour: 7"). One function per definition, so every place says the same thing.
 */

import { parseWindow, type AggregationDefinition, type FeatureDefinitions } from './definitions.js';

const UNITS: readonly [seconds: number, one: string, many: string][] = [
  [86_400, 'day', 'days'],
  [3_600, 'hour', 'hours'],
  [60, 'minute', 'minutes'],
  [1, 'second', 'seconds'],
];

/**
 * A window in words: `1h` → "the last hour", `24h` → "the last 24 hours", `90s` → "the last 90 seconds".
 * @param window a window as the definitions write it (`all` or `<n>s|m|h|d`)
 */
export function describeWindow(window: string): string {
  const seconds = parseWindow(window);
  if (seconds === Infinity) return 'so far';
  // In the unit written when it divides the window (24h stays hours), else the largest that does.
  const written = window[window.length - 1];
  const unit = UNITS.find(([s, one]) => one[0] === written && seconds % s === 0) ?? UNITS.find(([s]) => seconds % s === 0)!;
  const n = seconds / unit[0];
  return n === 1 ? `in the last ${unit[1]}` : `in the last ${n} ${unit[2]}`;
}

function entityWords(defs: FeatureDefinitions, entity: string): string {
  const keys = defs.entities[entity];
  const name = entity.replace(/_/g, ' ');
  return Array.isArray(keys) && keys.length > 1 ? `this ${name} pair` : `this ${name}`;
}

function describeAggregation(defs: FeatureDefinitions, a: AggregationDefinition): string {
  const of = entityWords(defs, a.entity);
  const when = describeWindow(a.window);
  switch (a.op) {
    case 'count':
      return `transactions of ${of} ${when}`;
    case 'sum':
      return `total ${a.field} of ${of} ${when}`;
    case 'mean':
      return `mean ${a.field} of ${of} ${when}`;
    case 'min':
      return `smallest ${a.field} of ${of} ${when}`;
    case 'max':
      return `largest ${a.field} of ${of} ${when}`;
    case 'std':
      return `standard deviation of ${a.field} of ${of} ${when}`;
    case 'distinct_count':
      return `distinct ${a.field} values of ${of} ${when}`;
    case 'time_since_last':
      return `seconds since the previous transaction of ${of}`;
    case 'last':
      return `${a.field} of the previous transaction of ${of}`;
  }
}

/**
 * Every derived feature of `defs` with a short description, in output order (row features,
 * aggregations, ratios).
 * @example describeFeatures(defs)[0] // { name: 'card_count_1h', how: 'transactions of this card in the last hour' }
 */
export function describeFeatures(defs: FeatureDefinitions): { name: string; how: string }[] {
  const zone = defs.event.timezone;
  return [
    ...defs.row_features.map((f) => {
      let how: string;
      switch (f.kind) {
        case 'value':
          how = `${f.field} of the transaction`;
          break;
        case 'hour_of_day':
          how = `hour of the day (${zone})`;
          break;
        case 'day_of_week':
          how = `day of the week, 0 = Monday (${zone})`;
          break;
        case 'age_years':
          how = `age in years from ${f.birth_date}`;
          break;
        case 'distance_km':
          how = `km from (${f.from.join(', ')}) to (${f.to.join(', ')})`;
          break;
      }
      return { name: f.name, how };
    }),
    ...defs.aggregations.map((a) => ({ name: a.name, how: describeAggregation(defs, a) })),
    ...defs.ratios.map((r) => ({ name: r.name, how: `${r.numerator} / ${r.denominator}` })),
  ];
}

/**
 * For each raw field of `defs`, the derived features computed from it (directly, through an
 * entity key, or through a ratio of features that read it), in output order: what a client shows
 * beside an input ("used by distance_km").
 * @example fieldReaders(defs).get('dob') // ['age']
 */
export function fieldReaders(defs: FeatureDefinitions): Map<string, string[]> {
  const readsOf = new Map<string, string[]>();
  for (const f of defs.row_features) {
    readsOf.set(
      f.name,
      f.kind === 'value'
        ? [f.field]
        : f.kind === 'age_years'
          ? [f.birth_date]
          : f.kind === 'distance_km'
            ? [...f.from, ...f.to]
            : [defs.event.time.field],
    );
  }
  for (const a of defs.aggregations) {
    readsOf.set(a.name, [...defs.entities[a.entity], ...(a.field !== undefined ? [a.field] : []), defs.event.time.field]);
  }
  for (const r of defs.ratios) readsOf.set(r.name, [...(readsOf.get(r.numerator) ?? []), ...(readsOf.get(r.denominator) ?? [])]);
  const readers = new Map<string, string[]>(Object.keys(defs.fields).map((field) => [field, []]));
  for (const [feature, fields] of readsOf) for (const field of new Set(fields)) readers.get(field)?.push(feature);
  return readers;
}
