/**
 * The request body of a model with feature definitions: a raw transaction (event time, id and the
 * raw fields the definitions read), not features. Derived from the definitions, so /docs, GET
 * /model's request_schema and the dashboard show what the served model reads. Other fields are
 * allowed (a payment message is sent as it is) and ignored. It lives in the server, not in
 * src/contract, because it is built from core's definitions and the contract imports nothing.
 */

import type { FeatureDefinitions, FieldType } from '../core/features/definitions.js';

type JsonSchema = Record<string, unknown>;

const FIELD_SCHEMAS: Record<FieldType, (name: string) => JsonSchema> = {
  key: (name) => ({
    type: ['string', 'number', 'null'],
    description: `Identifier ${name} (an entity key; a number is read as its decimal text). Never a feature unless a definition names it.`,
  }),
  number: () => ({
    type: ['number', 'string', 'null'],
    description: 'A number (or its decimal text); null, "" or absent: missing.',
  }),
  category: () => ({ type: ['string', 'number', 'null'], description: 'A category name; null, "" or absent: missing.' }),
  date: () => ({ type: ['string', 'null'], description: 'A date YYYY-MM-DD; null, "" or absent: missing.' }),
  text: () => ({ type: ['string', 'number', 'null'], description: 'Free text; read only where a definition names it.' }),
};

/** The raw fields that must be present: the event time, the id and every entity key field. */
export function requiredRawFields(defs: FeatureDefinitions): string[] {
  const keys = Object.values(defs.entities).flatMap((k) => (Array.isArray(k) ? k : [k]));
  return [...new Set([defs.event.time.field, defs.event.id, ...keys])];
}

/**
 * JSON schema of one raw transaction for `defs`.
 * @example rawTransactionSchema(model.featureDefinitions.definitions).required // ['unix_time', 'trans_num', 'cc_num', …]
 */
export function rawTransactionSchema(defs: FeatureDefinitions): JsonSchema {
  const { time, id, timezone } = defs.event;
  const unix = time.format === 'unix_seconds' || time.format === 'unix_millis';
  const properties: Record<string, JsonSchema> = {
    [time.field]: {
      type: unix ? ['number', 'string'] : 'string',
      description:
        `Event time, ${time.format}` +
        (time.format === 'datetime' ? ` (YYYY-MM-DD HH:MM:SS[.fff] in ${timezone})` : '') +
        '. Aggregations see the entity events strictly earlier than it.',
    },
    [id]: {
      type: ['string', 'number'],
      description: 'Transaction id: a repeated id is scored again but counted once in the entity state.',
    },
  };
  for (const [name, type] of Object.entries(defs.fields)) {
    if (name !== time.field && name !== id) properties[name] = FIELD_SCHEMAS[type](name);
  }
  return {
    type: 'object',
    properties,
    required: requiredRawFields(defs),
    additionalProperties: true,
    description:
      'A raw transaction: the server derives the model features from it and from the entity state. Other fields are ignored.',
  };
}
