/**
 * JSON schemas of the HTTP surface that follow the served model (the fixed shapes are in the
 * contract, src/contract). The transaction schema is derived from the model's feature
 * schema (numbers or null; category names as an enum; XGBoost category codes as integers), so
 * validation and the OpenAPI document follow whatever model is served. Also here: turning an ajv
 * error into a catalogue error that names the offending field, shared by every route.
 */

import type { ErrorObject } from 'ajv';

import { ErrorResponse } from '../contract/index.js';
import type { FeatureSpec } from '../core/engine/ensemble.js';
import { FraudlensError, type ErrorCode } from '../core/errors.js';

/** Largest category code accepted: float32 rows hold integers exactly only up to 2^24. */
export const MAX_CATEGORY_CODE = 16_777_216;

/** Category names shown in an "unknown category" message before it says "…". */
const NAMES_SHOWN = 12;

export type JsonSchema = Record<string, unknown>;

/** Category names listed in a feature's description in the OpenAPI document. */
const NAMES_LISTED = 50;

/** Longest category name accepted when unknown names are scored (a name is a label, not a document). */
export const MAX_CATEGORY_NAME_LENGTH = 1024;

/**
 * Schema of one feature's value in a request.
 * @param acceptUnknown category names: any string (an unknown one is scored as missing) rather
 *   than the model's names only
 */
export function featureValueSchema(f: FeatureSpec, acceptUnknown = false): JsonSchema {
  const description = f.description ?? undefined;
  if (f.type === 'numeric') {
    return { type: ['number', 'null'], ...(description ? { description } : {}) };
  }
  if (f.encoding === 'codes') {
    return {
      type: ['integer', 'null'],
      minimum: 0,
      maximum: MAX_CATEGORY_CODE,
      description: description ?? 'category code (integer)',
    };
  }
  if (acceptUnknown) {
    const known = f.categories ?? [];
    const listed =
      known
        .slice(0, NAMES_LISTED)
        .map((c) => JSON.stringify(c))
        .join(', ') + (known.length > NAMES_LISTED ? `, … (${known.length}; GET /model lists all)` : '');
    return {
      type: ['string', 'null'],
      maxLength: MAX_CATEGORY_NAME_LENGTH,
      description: `${description ? `${description}. ` : ''}Category name, one of ${listed}. Any other name is scored as a missing value and listed in unknown_categories.`,
    };
  }
  return { enum: [...(f.categories ?? []), null], ...(description ? { description } : {}) };
}

/** The request field that carries the caller's transaction id; never a feature. */
export const TRANSACTION_ID_FIELD = 'transaction_id';

/** Longest transaction id accepted (characters as the schema counts them). */
export const MAX_TRANSACTION_ID_LENGTH = 200;

/**
 * One transaction: an object of features; absent or null means missing.
 * @param acceptUnknown see featureValueSchema
 */
export function transactionSchema(features: readonly FeatureSpec[], requireAll: boolean, acceptUnknown = false): JsonSchema {
  return {
    type: 'object',
    properties: {
      ...Object.fromEntries(features.map((f) => [f.name, featureValueSchema(f, acceptUnknown)])),
      // Reserved (ServingModel refuses a model with a feature of that name): the caller's id, never scored.
      [TRANSACTION_ID_FIELD]: {
        type: 'string',
        minLength: 1,
        maxLength: MAX_TRANSACTION_ID_LENGTH,
        description:
          "The caller's transaction id: kept in the answer and the decision store; scoring it again answers the stored decision unless ?rescore=true.",
      },
    },
    additionalProperties: false,
    ...(requireAll ? { required: features.map((f) => f.name) } : {}),
  };
}

/** The batch form: `{"instances": [transaction, ...]}`, at most `limit` rows. */
export function batchSchema(row: JsonSchema, limit: number): JsonSchema {
  return {
    type: 'object',
    properties: { instances: { type: 'array', minItems: 1, maxItems: limit, items: row } },
    required: ['instances'],
    additionalProperties: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Responses: declared once in the HTTP contract (src/contract)

/** The one error body, as every route declares it for its 4xx and 5xx answers. */
export const errorResponseSchema = ErrorResponse;

// ---------------------------------------------------------------------------------------------
// Validation errors

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The value at an ajv instancePath inside `data` (undefined when absent). */
export function valueAt(data: unknown, instancePath: string): unknown {
  if (instancePath === '') return data;
  let cur: unknown = data;
  for (const seg of instancePath.slice(1).split('/')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[unescapePointer(seg)];
  }
  return cur;
}

/**
 * A client's value, short, for a message. Never throws: a hostile value (nested deeper than the
 * stack allows) must still yield a 4xx, not a 500 from the message builder.
 */
export function show(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value) && value.length > 20) return `an array of ${value.length} items`;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return Array.isArray(value) ? 'a nested array' : typeof value;
  }
  if (text === undefined) return typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const NON_FINITE_TEXT = new Set(['nan', 'infinity', '-infinity', '+infinity', 'inf', '-inf']);

export interface ValidationOptions {
  /** 'body', 'querystring', 'params', 'headers'. */
  context: string;
  /** The data that failed (to show the offending value). */
  data?: unknown;
  /** Feature names: a path ending in one of these is an input (feature) error. */
  features?: ReadonlySet<string>;
}

/**
 * The catalogue error for the first ajv error: message `body/amount must be number or null`,
 * `field` the feature (or parameter) at fault.
 */
export function validationError(err: ErrorObject, opts: ValidationOptions): FraudlensError {
  const path = err.instancePath;
  const segments = path === '' ? [] : path.slice(1).split('/').map(unescapePointer);
  const last = segments[segments.length - 1];
  const where = `${opts.context}${path}`;
  const value = opts.data === undefined ? undefined : valueAt(opts.data, path);
  const isFeature = last !== undefined && (opts.features?.has(last) ?? false);
  let code: ErrorCode = 'REQUEST_INVALID';
  let field: string | undefined = last;
  let message: string;
  switch (err.keyword) {
    case 'type': {
      const types = ([] as string[]).concat(err.params.type as string | string[]);
      const want = types.join(' or ');
      if (typeof value === 'number' && !Number.isFinite(value)) {
        code = 'INPUT_NOT_A_NUMBER';
        message = `${where} must be a finite number${types.includes('null') ? ' or null' : ''}, got ${show(value)}`;
      } else if (
        typeof value === 'string' &&
        NON_FINITE_TEXT.has(value.trim().toLowerCase()) &&
        types.some((t) => t === 'number' || t === 'integer')
      ) {
        code = 'INPUT_NOT_A_NUMBER';
        message = `${where} must be ${want}, got the string ${show(value)}${types.includes('null') ? ' (send null for a missing value)' : ''}`;
      } else {
        code = isFeature ? 'INPUT_WRONG_TYPE' : 'REQUEST_INVALID';
        message = `${where} must be ${want}${value === undefined ? '' : `, got ${show(value)}`}`;
      }
      break;
    }
    case 'enum': {
      const allowed = (err.params.allowedValues as unknown[]) ?? [];
      const listed =
        allowed.slice(0, NAMES_SHOWN).map(show).join(', ') +
        (allowed.length > NAMES_SHOWN ? `, … (${allowed.length} values)` : '');
      code =
        typeof value === 'string' && isFeature ? 'INPUT_UNKNOWN_CATEGORY' : isFeature ? 'INPUT_WRONG_TYPE' : 'REQUEST_INVALID';
      message = `${where} must be one of ${listed}, got ${show(value)}`;
      break;
    }
    case 'minimum':
    case 'maximum':
      code = isFeature ? 'INPUT_UNKNOWN_CATEGORY' : 'REQUEST_INVALID';
      message = `${where} ${err.message ?? 'is out of range'}, got ${show(value)}`;
      break;
    case 'maxLength':
      code = isFeature ? 'INPUT_INVALID' : 'REQUEST_INVALID';
      message = `${where} ${err.message ?? 'is too long'}`;
      break;
    case 'additionalProperties': {
      field = String(err.params.additionalProperty);
      message = `${where === opts.context ? opts.context : where} has an unknown field ${show(field)}${opts.features ? ' (not a feature of the model)' : ''}`;
      break;
    }
    case 'required': {
      field = String(err.params.missingProperty);
      if (opts.features?.has(field)) code = 'INPUT_MISSING_COLUMN';
      message = `${where} must have the field ${show(field)}`;
      break;
    }
    case 'maxItems':
      if (last === 'instances' || last === 'inputs' || last === 'data') code = 'REQUEST_TOO_LARGE';
      message = `${where} ${err.message ?? 'has too many items'}`;
      break;
    default:
      message = `${where} ${err.message ?? 'is invalid'}`;
  }
  return new FraudlensError(code, message, field !== undefined ? { field } : {});
}
