/**
 * Labels: what became known about a transaction after it was decided (a chargeback, an analyst's
 * verdict, a customer's report). POST /labels records one or a batch; GET /labels/{transaction_id}
 * answers the current label and its history; decisions carry their current label.
 *
 * Rule for several labels of one transaction id: the one with the latest `known_at` is current
 * (equal `known_at`: the one recorded last); every label is kept in the history.
 */

import { Type, type Static } from 'typebox';

import { StringEnum } from './schema.js';

export const LABEL_VALUES = ['fraud', 'legitimate'] as const;
export type LabelValue = (typeof LABEL_VALUES)[number];
export const LABEL_SOURCES = ['chargeback', 'analyst', 'customer_report', 'simulation', 'other'] as const;
export type LabelSource = (typeof LABEL_SOURCES)[number];

/** Most labels one POST /labels batch holds. */
export const MAX_LABELS_BATCH = 10_000;
/** Longest note kept with a label. */
export const MAX_LABEL_NOTE = 1000;

const labelInputFields = {
  transaction_id: Type.String({ minLength: 1, maxLength: 200, description: 'The transaction id the decision was made for.' }),
  label: StringEnum(LABEL_VALUES, { description: 'What the transaction turned out to be.' }),
  source: StringEnum(LABEL_SOURCES, { description: 'Where the label comes from.' }),
  known_at: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'ISO 8601 instant at which the label became known (default: when it is recorded).',
    }),
  ),
  note: Type.Optional(Type.String({ maxLength: MAX_LABEL_NOTE, description: 'Free text kept with the label.' })),
};

export const LabelInput = Type.Object(labelInputFields, { additionalProperties: false });
export type LabelInput = Static<typeof LabelInput>;

/**
 * Body of POST /labels: one label, or `{labels: [...]}`; merged into one object schema, the server
 * requires one form or the other (INPUT_INVALID naming the field otherwise).
 */
export const LabelsBody = Type.Object(
  {
    ...Type.Partial(LabelInput).properties,
    labels: Type.Optional(Type.Array(LabelInput, { minItems: 1, maxItems: MAX_LABELS_BATCH })),
  },
  { additionalProperties: false, description: 'One label, or a batch {labels: [...]}.' },
);
export type LabelsBody = Static<typeof LabelsBody>;

/** What POST /labels answers. accepted = joined + pending. */
export const LabelsAccepted = Type.Object(
  {
    accepted: Type.Integer({ description: 'Labels stored.' }),
    joined: Type.Integer({ description: 'Of those, labels of a transaction id with a stored decision.' }),
    pending: Type.Integer({
      description: 'Of those, labels of an id not decided yet: kept, and joined when its decision arrives.',
    }),
  },
  { additionalProperties: false },
);
export type LabelsAccepted = Static<typeof LabelsAccepted>;

/** One stored label. */
export const LabelRecord = Type.Object(
  {
    transaction_id: Type.String(),
    label: StringEnum(LABEL_VALUES),
    source: StringEnum(LABEL_SOURCES),
    known_at: Type.String({ description: 'ISO 8601 instant at which the label became known.' }),
    recorded_at: Type.String({ description: 'ISO 8601 instant at which this service recorded it.' }),
    labelled_by: Type.String({ description: 'The name of the API key that sent it ("anonymous" without API keys).' }),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type LabelRecord = Static<typeof LabelRecord>;

/** What GET /labels/{transaction_id} answers (404 NOT_FOUND when the id has no label). */
export const LabelHistory = Type.Object(
  {
    transaction_id: Type.String(),
    current: LabelRecord,
    history: Type.Array(LabelRecord, { description: 'Every label of the id, oldest known_at first (ties: in recording order).' }),
  },
  { additionalProperties: false },
);
export type LabelHistory = Static<typeof LabelHistory>;

/** A decision's current label: the label record, or null when none is known. */
export const DecisionLabel = Type.Unsafe<LabelRecord | null>({
  type: ['object', 'null'],
  properties: LabelRecord.properties,
  required: LabelRecord.required,
  additionalProperties: false,
  description: 'The current label of the transaction (latest known_at wins), or null when none is known yet.',
});

/** `?limit&cursor` of GET /review. */
export function reviewQuerySchema(maxLimit: number) {
  return Type.Object(
    {
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxLimit, default: 50 })),
      cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'next_cursor of the previous page.' })),
    },
    { additionalProperties: false },
  );
}
export type ReviewQuery = { limit: number; cursor?: string | undefined };
