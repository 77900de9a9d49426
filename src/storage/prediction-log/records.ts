/**
 * What every prediction-log backend does to a record and its options before storing anything:
 * option validation, record preparation (validation, PII masking, snapshotting) and the `latest()`
 * limit check. Keeping them in one place is what makes the backends behave identically on the
 * same input.
 */

import { FraudlensError } from '../../core/errors.js';
import { positiveIntegerOption } from '../common/options.js';
import { instantMs } from './instant.js';
import {
  DEFAULT_MAX_SIZE,
  MASKED_VALUE,
  type FeatureValue,
  type PredictionExplanation,
  type PredictionLogOptions,
  type PredictionRecord,
  type Reason,
} from './contract.js';

const DECISIONS: ReadonlySet<string> = new Set(['approve', 'review', 'decline']);

export interface ResolvedCommonOptions {
  maxSize: number;
  maskFields: ReadonlySet<string>;
}

export function resolveCommonOptions(options: PredictionLogOptions): ResolvedCommonOptions {
  const maxSize = positiveIntegerOption('maxSize', options.maxSize, DEFAULT_MAX_SIZE);
  const fields = options.maskFields ?? [];
  if (!Array.isArray(fields) || fields.some((f) => typeof f !== 'string' || f.length === 0)) {
    throw new FraudlensError('CONFIG_INVALID', 'Prediction log option maskFields must be a list of feature names.', {
      field: 'maskFields',
    });
  }
  return { maxSize, maskFields: new Set(fields) };
}

/** Rejects a `latest()` limit that is not a non-negative integer; caps it at the retention size. */
export function checkLimit(limit: unknown, maxSize: number): number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) {
    throw new FraudlensError(
      'INPUT_INVALID',
      `The number of log records to read must be a non-negative integer, got ${String(limit)}.`,
      {
        field: 'limit',
      },
    );
  }
  return Math.min(limit, maxSize);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deeper than this, an "explanation" is taken to be a cycle or a mistake, not data. */
const MAX_EXPLANATION_DEPTH = 32;

class NotJsonData extends Error {}

/**
 * Deep-copies an explanation as JSON data, masking `value` in every `{ feature: <masked>, value }`
 * object. Non-finite numbers become null (as JSON would make them); values JSON cannot hold
 * (bigint, functions, cycles) throw, so the record is refused the same way by every backend.
 */
function copyExplanation(value: unknown, masked: ReadonlySet<string>, depth = 0): unknown {
  if (depth > MAX_EXPLANATION_DEPTH) throw new NotJsonData('explanation nested too deeply');
  if (value === undefined) return null; // only reached for array holes, as JSON prints them
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map((v) => copyExplanation(v, masked, depth + 1));
  if (!isPlainObject(value)) throw new NotJsonData(`explanation holds a ${typeof value}`);
  if (isStoredAsIs(value, masked)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = copyExplanation(v, masked, depth + 1);
  }
  if (typeof value.feature === 'string' && masked.has(value.feature) && 'value' in value) out.value = MASKED_VALUE;
  return out;
}

/**
 * Whether a frozen object can be shared instead of copied: nobody can change it, its values are
 * what JSON holds (strings, booleans, finite numbers, null) and nothing in it is masked. The
 * reasons of a decision are such objects (one per model and decision), so recording them costs
 * no copy.
 */
function isStoredAsIs(value: Record<string, unknown>, masked: ReadonlySet<string>): boolean {
  if (!Object.isFrozen(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  if (masked.size > 0 && typeof value.feature === 'string' && masked.has(value.feature)) return false;
  const values = Object.values(value);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false;
    } else if (v !== null && typeof v !== 'string' && typeof v !== 'boolean') return false;
  }
  return true;
}

/** Sets an own data property, even one named `__proto__` (which assignment would not create). */
function put(target: Record<string, FeatureValue>, name: string, value: FeatureValue): void {
  if (name === '__proto__') Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
  else target[name] = value;
}

/**
 * Validates a record and returns the frozen snapshot that gets stored: features and explanation
 * copied (so a caller reusing its objects cannot rewrite history), masked, and reduced to what
 * JSON can hold (non-finite numbers become null), so every backend returns the same thing.
 * Frozen features that need no change are kept as they are instead of copied.
 * Returns undefined for a record that does not satisfy the contract; callers count it as dropped.
 */
export function prepareRecord(record: PredictionRecord, masked: ReadonlySet<string>): PredictionRecord | undefined {
  try {
    return snapshot(record, masked);
  } catch {
    // Exotic input (throwing getters, a proxy, data JSON cannot hold) is refused, never thrown.
    return undefined;
  }
}

/**
 * Whether frozen features can be stored as they are: every value already what JSON holds (null, a
 * string or a finite number). Sharing a frozen object is safe (nobody can change it) and spares
 * the copy, the larger part of what logging costs a request.
 */
function isStorable(features: Record<string, FeatureValue>): boolean {
  // Object.values: a third of what for-in with own-property checks costs on a frozen object.
  const values = Object.values(features);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return false;
    } else if (value !== null && typeof value !== 'string') {
      return false;
    }
  }
  return true;
}

/** `hasOwnProperty.call` in for-in compiles to a shape check; `Object.hasOwn` stays a call. */
const hasOwn = Object.prototype.hasOwnProperty;

/** A frozen copy with masked values replaced and non-finite numbers as null; undefined if a value is not a feature value. */
function copyFeatures(
  features: Record<string, FeatureValue>,
  masked: ReadonlySet<string>,
): Record<string, FeatureValue> | undefined {
  // for-in, not Object.entries: no [name, value] pair to allocate per property.
  const copy: Record<string, FeatureValue> = {};
  for (const name in features) {
    if (!hasOwn.call(features, name)) continue;
    const value = features[name];
    if (masked.size > 0 && masked.has(name)) put(copy, name, MASKED_VALUE);
    else if (value === null || typeof value === 'string') put(copy, name, value);
    else if (typeof value === 'number') put(copy, name, Number.isFinite(value) ? value : null);
    else return undefined;
  }
  return Object.freeze(copy);
}

/** Reasons are JSON objects with a string code and text (anything more is kept as data). */
function isReasonList(reasons: unknown): boolean {
  if (!Array.isArray(reasons)) return false;
  for (const r of reasons) {
    if (!isPlainObject(r) || typeof r.code !== 'string' || typeof r.text !== 'string') return false;
  }
  return true;
}

/** The fields of a shadow verdict. */
const SHADOW_KEYS = 4;

/** Shadow scores: what the other models made of the transaction (alias, version, a finite score, a decision). */
function isShadowList(shadow: unknown): shadow is NonNullable<PredictionRecord['shadow']> {
  if (!Array.isArray(shadow)) return false;
  for (const e of shadow) {
    if (!isPlainObject(e) || typeof e.alias !== 'string' || typeof e.model_version !== 'string') return false;
    if (typeof e.score !== 'number' || !Number.isFinite(e.score)) return false;
    if (typeof e.decision !== 'string' || !DECISIONS.has(e.decision)) return false;
  }
  return true;
}

function isInstant(timestamp: string): boolean {
  return !Number.isNaN(instantMs(timestamp));
}

/**
 * Whether everything but the features' values satisfies the contract: the fields' types, a
 * parseable timestamp, a known decision, plain objects for `features` and `explanation`, well-formed
 * reasons and shadow verdicts. A backend that stores the record its own way (memory) checks with
 * this, so it refuses what `prepareRecord` refuses.
 */
export function isValidHead(record: PredictionRecord): boolean {
  if (!isPlainObject(record)) return false;
  const { id, timestamp, model_version, score, decision, risk_level, latency_ms, transaction_id, features, explanation } = record;
  const { rules_version, reasons, repeat, amount, model_alias, shadow } = record;
  if (typeof id !== 'string' || typeof model_version !== 'string' || typeof risk_level !== 'string') return false;
  if (typeof timestamp !== 'string' || !isInstant(timestamp)) return false;
  if (typeof score !== 'number' || !Number.isFinite(score)) return false;
  if (typeof latency_ms !== 'number' || !Number.isFinite(latency_ms)) return false;
  if (typeof decision !== 'string' || !DECISIONS.has(decision)) return false;
  if (!isPlainObject(features)) return false;
  if (explanation !== undefined && !isPlainObject(explanation)) return false;
  if (transaction_id !== undefined && typeof transaction_id !== 'string') return false;
  if (rules_version !== undefined && typeof rules_version !== 'string') return false;
  if (repeat !== undefined && repeat !== 'duplicate' && repeat !== 'rescore') return false;
  if (reasons !== undefined && !isReasonList(reasons)) return false;
  if (amount !== undefined && (typeof amount !== 'number' || !Number.isFinite(amount))) return false;
  if (model_alias !== undefined && typeof model_alias !== 'string') return false;
  if (shadow !== undefined && !isShadowList(shadow)) return false;
  return true;
}

/** The reasons as stored: a copy of the list, masked, sharing the reasons that can be shared (`isSharedReason`). */
export function storedReasons(reasons: readonly Reason[], masked: ReadonlySet<string>): Reason[] {
  return copyExplanation(reasons, masked) as Reason[];
}

/**
 * Whether a reason is stored as it is, without a copy: frozen, plain, JSON data and nothing masked.
 * The threshold and rule reasons are such objects, one per model and decision.
 */
export function isSharedReason(reason: Reason, masked: ReadonlySet<string>): boolean {
  return isPlainObject(reason) && isStoredAsIs(reason as unknown as Record<string, unknown>, masked);
}

/** The explanation as stored: a masked deep copy of its JSON data (a frozen storable object is shared). Throws on data JSON cannot hold. */
export function storedExplanation(explanation: PredictionExplanation, masked: ReadonlySet<string>): PredictionExplanation {
  return copyExplanation(explanation, masked) as PredictionExplanation;
}

/** The shadow verdicts as stored: a frozen list of frozen verdicts (what the shadow queue makes) cannot change, so it is kept, not copied. */
export function storedShadow(shadow: NonNullable<PredictionRecord['shadow']>): NonNullable<PredictionRecord['shadow']> {
  return Object.isFrozen(shadow) && shadow.every((e) => Object.isFrozen(e) && Object.keys(e).length === SHADOW_KEYS)
    ? shadow
    : shadow.map((e) => Object.freeze({ alias: e.alias, model_version: e.model_version, score: e.score, decision: e.decision }));
}

function snapshot(record: PredictionRecord, masked: ReadonlySet<string>): PredictionRecord | undefined {
  if (!isValidHead(record)) return undefined;
  const { id, timestamp, model_version, score, decision, risk_level, latency_ms, transaction_id, features, explanation } = record;
  const { rules_version, reasons, repeat, amount, model_alias, shadow } = record;
  const stored =
    masked.size === 0 && Object.isFrozen(features) && isStorable(features) ? features : copyFeatures(features, masked);
  if (stored === undefined) return undefined;
  const out: PredictionRecord = { id, timestamp, model_version, score, decision, risk_level, latency_ms, features: stored };
  if (transaction_id !== undefined) out.transaction_id = transaction_id;
  if (rules_version !== undefined) out.rules_version = rules_version;
  if (amount !== undefined) out.amount = amount;
  if (reasons !== undefined) out.reasons = storedReasons(reasons, masked);
  if (repeat !== undefined) out.repeat = repeat;
  if (model_alias !== undefined) out.model_alias = model_alias;
  if (shadow !== undefined) out.shadow = storedShadow(shadow);
  if (explanation !== undefined) out.explanation = storedExplanation(explanation, masked);
  return Object.freeze(out);
}
