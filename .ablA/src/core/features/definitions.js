/**
 * Feature definitions: the one declarative source of the derived features, the same offline
 * (`fraudlens features`, training) and online (scoring raw transactions). A definitions object is
 * checked once against a closed JSON schema (unknown keys refused), then for consistency (names
 * unique, references to earlier entries, field types), and frozen. Every refusal is
 * FEATURES_DEFINITION_INVALID with the path of the offending entry (`aggregations[3].window`).
 * Parsing YAML/JSON text is the caller's (io/); this module sees plain values only.
 */
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import { FraudlensError } from '../errors.js';
/** The field types of raw events. Only `number` and `category` values become features unless a `value` row feature names a `key` or `text` field. */
export const FIELD_TYPES = ['key', 'number', 'category', 'date', 'text'];
export const TIME_FORMATS = ['unix_seconds', 'unix_millis', 'iso8601', 'datetime'];
export const ROW_FEATURE_KINDS = ['value', 'hour_of_day', 'day_of_week', 'age_years', 'distance_km'];
/** Aggregation ops, and whether each reads a field value (and of which types). */
export const AGGREGATION_OPS = {
    count: { field: false },
    sum: { field: 'number' },
    mean: { field: 'number' },
    min: { field: 'number' },
    max: { field: 'number' },
    std: { field: 'number' },
    distinct_count: { field: 'key_or_category' },
    time_since_last: { field: false },
    last: { field: 'number' },
};
/** Windows span from one minute to thirty days, or `all` (the entity's whole history). */
export const MIN_WINDOW_SECONDS = 60;
export const MAX_WINDOW_SECONDS = 30 * 86_400;
const WINDOW_UNITS = { s: 1, m: 60, h: 3600, d: 86_400 };
const NAME = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$', maxLength: 128 };
const FIELD_REF = { type: 'string', minLength: 1, maxLength: 256 };
const COORDS = { type: 'array', items: FIELD_REF, minItems: 2, maxItems: 2 };
const rowFeature = (kind, props = {}) => ({
    type: 'object',
    additionalProperties: false,
    required: ['name', 'kind', ...Object.keys(props)],
    properties: { name: NAME, kind: { const: kind }, ...props },
});
/** The closed JSON schema of a definitions file (version 1). */
export const DEFINITIONS_SCHEMA = {
    type: 'object',
    additionalProperties: false,
    required: ['version', 'event', 'fields'],
    properties: {
        version: { const: 1 },
        event: {
            type: 'object',
            additionalProperties: false,
            required: ['time', 'id'],
            properties: {
                time: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['field', 'format'],
                    properties: { field: FIELD_REF, format: { enum: [...TIME_FORMATS] } },
                },
                id: FIELD_REF,
                timezone: { type: 'string', minLength: 1 },
            },
        },
        fields: { type: 'object', propertyNames: FIELD_REF, additionalProperties: { enum: [...FIELD_TYPES] } },
        entities: {
            type: 'object',
            propertyNames: NAME,
            additionalProperties: { anyOf: [FIELD_REF, { type: 'array', items: FIELD_REF, minItems: 1, maxItems: 2 }] },
        },
        row_features: {
            type: 'array',
            maxItems: 1000,
            items: {
                type: 'object',
                required: ['kind'],
                properties: { kind: { enum: [...ROW_FEATURE_KINDS] } },
                discriminator: { propertyName: 'kind' },
                oneOf: [
                    rowFeature('value', { field: FIELD_REF }),
                    rowFeature('hour_of_day'),
                    rowFeature('day_of_week'),
                    rowFeature('age_years', { birth_date: FIELD_REF }),
                    rowFeature('distance_km', { from: COORDS, to: COORDS }),
                ],
            },
        },
        aggregations: {
            type: 'array',
            maxItems: 1000,
            items: {
                type: 'object',
                additionalProperties: false,
                required: ['name', 'entity', 'op'],
                properties: {
                    name: NAME,
                    entity: NAME,
                    op: { enum: Object.keys(AGGREGATION_OPS) },
                    field: FIELD_REF,
                    window: { type: 'string', pattern: '^(all|[1-9][0-9]{0,7}[smhd])$' },
                },
            },
        },
        ratios: {
            type: 'array',
            maxItems: 1000,
            items: {
                type: 'object',
                additionalProperties: false,
                required: ['name', 'numerator', 'denominator'],
                properties: { name: NAME, numerator: NAME, denominator: NAME },
            },
        },
    },
};
const ajv = new Ajv({ strict: false, allErrors: false, discriminator: true, verbose: true });
const validateSchema = ajv.compile(DEFINITIONS_SCHEMA);
function invalid(path, message) {
    // The path leads the message (not location.field) so every surface shows it the same way.
    return new FraudlensError('FEATURES_DEFINITION_INVALID', `${path === '' ? '(top level)' : path}: ${message}`);
}
/** `/aggregations/3/window` → `aggregations[3].window`. */
function readablePath(pointer) {
    let out = '';
    for (const raw of pointer.split('/').slice(1)) {
        const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
        out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
    }
    return out;
}
function schemaMessage(e) {
    let path = readablePath(e.instancePath);
    const p = e.params;
    switch (e.keyword) {
        case 'additionalProperties':
            return { path, message: `unknown key "${String(p.additionalProperty)}"` };
        case 'required':
            return { path, message: `"${String(p.missingProperty)}" is required` };
        case 'enum':
            return { path, message: `must be one of ${p.allowedValues.join(', ')}, got ${JSON.stringify(e.data)}` };
        case 'const':
            return { path, message: `must be ${JSON.stringify(p.allowedValue)}, got ${JSON.stringify(e.data)}` };
        case 'pattern':
            return {
                path,
                message: path.endsWith('.window')
                    ? `a window is <n>s, <n>m, <n>h, <n>d or "all", got ${JSON.stringify(e.data)}`
                    : `${JSON.stringify(e.data)} is not a valid name (letters, digits, _ . -, not starting with a digit)`,
            };
        case 'discriminator':
            return { path: path === '' ? path : `${path}.kind`, message: `kind must be one of ${ROW_FEATURE_KINDS.join(', ')}` };
        case 'propertyNames':
            path = `${path}${path === '' ? '' : '.'}${String(p.propertyName)}`;
            return { path, message: 'is not a valid name' };
        default:
            return { path, message: e.message ?? 'is invalid' };
    }
}
/**
 * Window text → seconds (`all` → Infinity).
 * @example parseWindow('24h') // 86400
 */
export function parseWindow(text) {
    if (text === 'all')
        return Infinity;
    const n = Number(text.slice(0, -1));
    return n * WINDOW_UNITS[text[text.length - 1]];
}
function checkTimezone(zone) {
    try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
    }
    catch {
        return false;
    }
}
/**
 * Checks a parsed definitions file and returns it normalized (defaults filled in: timezone UTC,
 * window `all`, entity keys as lists, missing sections empty) and frozen.
 * @throws FraudlensError FEATURES_DEFINITION_INVALID naming the path of the first offending entry
 * @example const defs = validateDefinitions(YAML.parse(text));
 */
export function validateDefinitions(input) {
    if (!validateSchema(input)) {
        const { path, message } = schemaMessage(validateSchema.errors[0]);
        throw invalid(path, message);
    }
    const raw = input;
    const timezone = raw.event.timezone ?? 'UTC';
    if (!checkTimezone(timezone))
        throw invalid('event.timezone', `unknown time zone "${timezone}" (an IANA name such as UTC or Europe/Paris)`);
    const fields = { ...raw.fields };
    const eventFields = new Set([raw.event.time.field, raw.event.id]);
    if (raw.event.time.field === raw.event.id)
        throw invalid('event.id', 'the event id and the event time must be different fields');
    for (const f of eventFields)
        if (f in fields)
            throw invalid(`fields.${f}`, 'the event id and time fields are declared under event, not under fields');
    const fieldOfType = (path, name, allowed) => {
        const type = fields[name];
        if (type === undefined)
            throw invalid(path, `unknown field "${name}" (declare it under fields)`);
        if (!allowed.includes(type))
            throw invalid(path, `field "${name}" is a ${type}; this needs ${allowed.join(' or ')}`);
    };
    const entities = {};
    for (const [name, keys] of Object.entries(raw.entities ?? {})) {
        const list = typeof keys === 'string' ? [keys] : [...keys];
        list.forEach((k, i) => fieldOfType(Array.isArray(keys) ? `entities.${name}[${i}]` : `entities.${name}`, k, ['key', 'category']));
        if (list.length === 2 && list[0] === list[1])
            throw invalid(`entities.${name}`, 'a key pair needs two different fields');
        entities[name] = list;
    }
    // Every feature name, with whether it is numeric (ratios may only use numeric ones).
    const declared = new Map();
    const declare = (path, name, numeric) => {
        if (declared.has(name))
            throw invalid(`${path}.name`, `feature "${name}" is defined twice`);
        declared.set(name, numeric);
    };
    const rowFeatures = (raw.row_features ?? []).map((f, i) => {
        const path = `row_features[${i}]`;
        switch (f.kind) {
            case 'value':
                fieldOfType(`${path}.field`, f.field, ['number', 'category', 'key', 'text']);
                declare(path, f.name, fields[f.field] === 'number');
                return { name: f.name, kind: f.kind, field: f.field };
            case 'age_years':
                fieldOfType(`${path}.birth_date`, f.birth_date, ['date']);
                declare(path, f.name, true);
                return { name: f.name, kind: f.kind, birth_date: f.birth_date };
            case 'distance_km':
                f.from.forEach((c, j) => fieldOfType(`${path}.from[${j}]`, c, ['number']));
                f.to.forEach((c, j) => fieldOfType(`${path}.to[${j}]`, c, ['number']));
                declare(path, f.name, true);
                return { name: f.name, kind: f.kind, from: [f.from[0], f.from[1]], to: [f.to[0], f.to[1]] };
            default:
                declare(path, f.name, true);
                return { name: f.name, kind: f.kind };
        }
    });
    const aggregations = (raw.aggregations ?? []).map((a, i) => {
        const path = `aggregations[${i}]`;
        if (!(a.entity in entities))
            throw invalid(`${path}.entity`, `unknown entity "${a.entity}" (declare it under entities)`);
        const needs = AGGREGATION_OPS[a.op].field;
        if (needs === false && a.field !== undefined)
            throw invalid(`${path}.field`, `${a.op} reads no field; remove "field"`);
        if (needs !== false) {
            if (a.field === undefined)
                throw invalid(path, `"field" is required for ${a.op}`);
            fieldOfType(`${path}.field`, a.field, needs === 'number' ? ['number'] : ['key', 'category']);
        }
        const window = a.window ?? 'all';
        const seconds = parseWindow(window);
        if (seconds < MIN_WINDOW_SECONDS || (seconds > MAX_WINDOW_SECONDS && seconds !== Infinity)) {
            throw invalid(`${path}.window`, `a window spans 1m to 30d (or "all"), got "${window}"`);
        }
        declare(path, a.name, true);
        return a.field === undefined
            ? { name: a.name, entity: a.entity, op: a.op, window }
            : { name: a.name, entity: a.entity, op: a.op, field: a.field, window };
    });
    const ratios = (raw.ratios ?? []).map((r, i) => {
        const path = `ratios[${i}]`;
        for (const side of ['numerator', 'denominator']) {
            const numeric = declared.get(r[side]);
            if (numeric === undefined)
                throw invalid(`${path}.${side}`, `"${r[side]}" is not a feature declared before this ratio`);
            if (!numeric)
                throw invalid(`${path}.${side}`, `"${r[side]}" is not numeric`);
        }
        declare(path, r.name, true);
        return { name: r.name, numerator: r.numerator, denominator: r.denominator };
    });
    return deepFreeze({
        version: 1,
        event: { time: { field: raw.event.time.field, format: raw.event.time.format }, id: raw.event.id, timezone },
        fields,
        entities,
        row_features: rowFeatures,
        aggregations,
        ratios,
    });
}
/** Names of the derived features in output order: row features, aggregations, ratios. */
export function featureNames(defs) {
    return [...defs.row_features.map((f) => f.name), ...defs.aggregations.map((a) => a.name), ...defs.ratios.map((r) => r.name)];
}
/** JSON with object keys sorted, so equal definitions hash equally whatever their key order. */
function canonicalJson(value) {
    if (Array.isArray(value))
        return `[${value.map(canonicalJson).join(',')}]`;
    if (value !== null && typeof value === 'object') {
        const obj = value;
        return `{${Object.keys(obj)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
            .join(',')}}`;
    }
    return JSON.stringify(value);
}
/**
 * SHA-256 (hex) of the normalized definitions: the same for a YAML file and its JSON twin, and for
 * files that differ only in key order, comments or defaults written out.
 */
export function definitionsHash(defs) {
    return createHash('sha256').update(canonicalJson(defs)).digest('hex');
}
function deepFreeze(value) {
    if (value !== null && typeof value === 'object') {
        for (const v of Object.values(value))
            deepFreeze(v);
        Object.freeze(value);
    }
    return value;
}
//# sourceMappingURL=definitions.js.map