/**
 * The Score form's inputs, built from what the served model takes: one input per feature for a
 * model scored on precomputed features, or, for a model with feature definitions, the raw
 * transaction its definitions name (event time, transaction id, entity keys, numbers, categories,
 * dates), each typed by its field type. The page renders and reads both the same way; only this
 * module knows the difference.
 */

import type { DerivedFeatures, FeatureSpec, ModelInfo, RawField, Transaction } from './api';
import { featureLabel, formatNumber } from './format';

export type InputKind = 'number' | 'code' | 'select' | 'text' | 'date' | 'datetime';

export interface FormInput {
  name: string;
  label: string;
  kind: InputKind;
  /** Choices of a select. */
  options?: readonly string[];
  hint: string;
  /** The server refuses a transaction without it. */
  required: boolean;
  /** Renewed for every transaction rather than taken from an example: the id, and the time (now). */
  fresh?: 'id' | 'time';
}

export type Texts = Record<string, string>;

/** Derived features named in a hint before "and N more". */
const READERS_NAMED = 2;

function rangeHint(f: FeatureSpec | undefined): string {
  const s = f?.stats;
  if (f?.type !== 'numeric' || s === undefined) return '';
  const parts: string[] = [];
  if (typeof s.min === 'number' && typeof s.max === 'number')
    parts.push(`training range ${formatNumber(s.min, 6)} – ${formatNumber(s.max, 6)}`);
  if (typeof s.mean === 'number') parts.push(`mean ${formatNumber(s.mean, 4)}`);
  return parts.join(', ');
}

function isNamedCategorical(f: FeatureSpec | undefined): f is FeatureSpec & { categories: string[] } {
  return f !== undefined && f.type === 'categorical' && f.encoding !== 'codes' && (f.categories?.length ?? 0) > 0;
}

/** One input per model feature (a model scored on precomputed features). */
export function featureInputs(features: readonly FeatureSpec[]): FormInput[] {
  return features.map((f) => {
    const codes = f.type === 'categorical' && f.encoding === 'codes';
    return {
      name: f.name,
      label: featureLabel(f.name, f),
      kind: isNamedCategorical(f) ? 'select' : codes ? 'code' : 'number',
      ...(isNamedCategorical(f) ? { options: f.categories } : {}),
      hint: codes ? 'category code' : rangeHint(f),
      required: false,
    };
  });
}

function readersHint(field: RawField): string {
  const r = field.read_by;
  if (r.length === 0) return 'read by no feature';
  if (r.length === 1 && r[0] === field.name) return '';
  const named = r.slice(0, READERS_NAMED).join(', ');
  return `feeds ${named}${r.length > READERS_NAMED ? ` and ${r.length - READERS_NAMED} more` : ''}`;
}

/** The raw transaction a model with definitions takes: time, id, then the fields in definitions order. */
export function rawInputs(model: ModelInfo, derived: DerivedFeatures): FormInput[] {
  const specs = new Map(model.features.map((f) => [f.name, f]));
  const { event } = derived;
  const inputs: FormInput[] = [
    {
      name: event.time_field,
      label: 'Time of the transaction',
      kind: 'datetime',
      hint: `wall time in ${event.timezone}; now unless you change it`,
      required: true,
      fresh: 'time',
    },
    {
      name: event.id_field,
      label: 'Transaction id',
      kind: 'text',
      hint: 'a new one after every scoring; the same id again is counted once',
      required: true,
      fresh: 'id',
    },
  ];
  for (const field of derived.fields) {
    // A field the model also takes as it is (a feature of the same name) borrows its categories and range.
    const spec = field.read_by.includes(field.name) ? specs.get(field.name) : undefined;
    const feeds = readersHint(field);
    const base = { name: field.name, label: featureLabel(field.name), required: field.required };
    if (field.type === 'category' && isNamedCategorical(spec)) {
      inputs.push({ ...base, kind: 'select', options: spec.categories, hint: feeds });
    } else if (field.type === 'number') {
      inputs.push({ ...base, kind: 'number', hint: [rangeHint(spec), feeds].filter(Boolean).join('; ') });
    } else if (field.type === 'date') {
      inputs.push({ ...base, kind: 'date', hint: feeds });
    } else {
      const what = field.type === 'key' ? 'identifier' : '';
      inputs.push({ ...base, kind: 'text', hint: [what, feeds].filter(Boolean).join('; ') });
    }
  }
  return inputs;
}

/** The inputs for the served model: raw fields when it derives its features, else its features. */
export function modelInputs(model: ModelInfo): FormInput[] {
  return model.derived !== undefined ? rawInputs(model, model.derived) : featureInputs(model.features);
}

// ---------------------------------------------------------------------------------------------
// Time in the definitions' zone

const WALL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

function zoneFormat(zone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

function wallParts(ms: number, zone: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const p of zoneFormat(zone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  return parts;
}

/**
 * The wall time of instant `ms` in `zone`, as a datetime-local input holds it.
 * @example wallTime(Date.UTC(2019, 2, 10, 12), 'America/New_York') // '2019-03-10T08:00:00'
 */
export function wallTime(ms: number, zone: string): string {
  const p = wallParts(ms, zone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

/** The instant whose wall time in `zone` is `text` (YYYY-MM-DDTHH:MM[:SS]); null when it does not parse. */
export function instantOf(text: string, zone: string): number | null {
  const m = WALL.exec(text.trim());
  if (m === null) return null;
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  const offset = (ms: number): number => {
    const p = wallParts(ms, zone);
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - Math.floor(ms / 1000) * 1000;
  };
  // Twice: the offset at the first guess may differ across a summer-time switch.
  let ms = asUtc - offset(asUtc);
  ms = asUtc - offset(ms);
  return Number.isFinite(ms) ? ms : null;
}

/** The event time as the definitions' format wants it. */
function eventTime(text: string, event: DerivedFeatures['event']): number | string | null {
  const ms = instantOf(text, event.timezone);
  if (ms === null) return null;
  switch (event.time_format) {
    case 'unix_seconds':
      return Math.floor(ms / 1000);
    case 'unix_millis':
      return ms;
    case 'iso8601':
      return new Date(ms).toISOString();
    default: {
      // datetime: the wall time itself, in the definitions' zone.
      const m = WALL.exec(text.trim())!;
      return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6] ?? '00'}`;
    }
  }
}

/** A random transaction id: 32 hex digits, like the Sparkov data's. */
export function newTransactionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The texts of the `fresh` inputs for a new transaction: a new id, the time now. */
export function freshTexts(inputs: readonly FormInput[], derived: DerivedFeatures | undefined, now = Date.now()): Texts {
  const texts: Texts = {};
  for (const i of inputs) {
    if (i.fresh === 'id') texts[i.name] = newTransactionId();
    else if (i.fresh === 'time' && derived !== undefined) texts[i.name] = wallTime(now, derived.event.timezone);
  }
  return texts;
}

/** An example's values as the form's texts; the fresh inputs come from `fresh`. */
export function toTexts(values: Transaction, inputs: readonly FormInput[], fresh: Texts): Texts {
  const texts: Texts = {};
  for (const i of inputs) {
    const v = values[i.name];
    texts[i.name] = i.fresh !== undefined ? (fresh[i.name] ?? '') : v === null || v === undefined ? '' : String(v);
  }
  return texts;
}

/** The form's texts as what is sent; inputs that do not read are reported by name. */
export function readForm(
  texts: Texts,
  inputs: readonly FormInput[],
  derived: DerivedFeatures | undefined,
): { values: Transaction; errors: Record<string, string> } {
  const values: Transaction = {};
  const errors: Record<string, string> = {};
  for (const i of inputs) {
    const text = (texts[i.name] ?? '').trim();
    if (text === '') {
      if (i.required) errors[i.name] = 'Required: the server refuses a transaction without it.';
      // A raw transaction leaves a missing field out; a feature vector says null.
      else if (derived === undefined) values[i.name] = null;
      continue;
    }
    switch (i.kind) {
      case 'number': {
        const v = Number(text);
        if (!Number.isFinite(v)) errors[i.name] = 'Enter a number, or leave empty for a missing value.';
        else values[i.name] = v;
        break;
      }
      case 'code': {
        const v = Number(text);
        if (!Number.isInteger(v) || v < 0) errors[i.name] = 'Enter a category code (a whole number ≥ 0).';
        else values[i.name] = v;
        break;
      }
      case 'datetime': {
        const v = derived !== undefined ? eventTime(text, derived.event) : null;
        if (v === null) errors[i.name] = 'Enter a date and time.';
        else values[i.name] = v;
        break;
      }
      case 'date':
        if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) errors[i.name] = 'Enter a date (YYYY-MM-DD).';
        else values[i.name] = text;
        break;
      default:
        values[i.name] = text;
    }
  }
  return { values, errors };
}
