/**
 * Small schema builders the contract needs beyond TypeBox's own. Each produces the JSON Schema
 * the server always sent (`type: ['number', 'null']`, `enum`, `additionalProperties: {...}`)
 * rather than TypeBox's `anyOf` or `patternProperties` forms, because fast-json-stringify
 * serialises those forms much more slowly and the OpenAPI document would change.
 */

import { Type, type Static, type TSchema, type TUnsafe } from 'typebox';

/** A string that is one of `values`, as `{ type: 'string', enum: [...] }`. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** A number or null, as `{ type: ['number', 'null'] }`. */
export function NullableNumber(options: { description?: string } = {}): TUnsafe<number | null> {
  return Type.Unsafe<number | null>({ type: ['number', 'null'], ...options });
}

/** A string or null, as `{ type: ['string', 'null'] }`. */
export function NullableString(options: { description?: string } = {}): TUnsafe<string | null> {
  return Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });
}

/** A boolean or null, as `{ type: ['boolean', 'null'] }`. */
export function NullableBoolean(options: { description?: string } = {}): TUnsafe<boolean | null> {
  return Type.Unsafe<boolean | null>({ type: ['boolean', 'null'], ...options });
}

/** An object with any keys whose values all match `value`, as `{ additionalProperties: value }`. */
export function MapOf<T extends TSchema>(value: T, options: { description?: string } = {}): TUnsafe<Record<string, Static<T>>> {
  return Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: value, ...options });
}
