/**
 * Small schema builders the contract needs beyond TypeBox's own. Each produces the JSON Schema
 * the server always sent (`type: ['number', 'null']`, `enum`, `additionalProperties: {...}`)
 * rather than TypeBox's `anyOf` or `patternProperties` forms, because fast-json-stringify
 * serialises those forms much more slowly and the OpenAPI document would change.
 */
import { Type } from 'typebox';
/** A string that is one of `values`, as `{ type: 'string', enum: [...] }`. */
export function StringEnum(values, options = {}) {
    return Type.Unsafe({ type: 'string', enum: [...values], ...options });
}
/** A number or null, as `{ type: ['number', 'null'] }`. */
export function NullableNumber(options = {}) {
    return Type.Unsafe({ type: ['number', 'null'], ...options });
}
/** A boolean or null, as `{ type: ['boolean', 'null'] }`. */
export function NullableBoolean(options = {}) {
    return Type.Unsafe({ type: ['boolean', 'null'], ...options });
}
/** An object with any keys whose values all match `value`, as `{ additionalProperties: value }`. */
export function MapOf(value, options = {}) {
    return Type.Unsafe({ type: 'object', additionalProperties: value, ...options });
}
//# sourceMappingURL=schema.js.map