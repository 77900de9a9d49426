/**
 * The decision store's shapes: the reasons a decision carries, the filters of GET /decisions and
 * GET /logs, and a page of decisions with its cursor. A decision record is the prediction record
 * (prediction.ts): the prediction log is the decision store.
 */

import { Type, type Static } from 'typebox';

import { DECISIONS } from './enums.js';
import { StringEnum } from './schema.js';

/** The reasons a decision carries are the rules' (rules.ts): the rule or threshold that decided, then features. */
export { Reason } from './rules.js';

/** Why a stored decision is not the first one of its transaction id. */
export const REPEATS = ['duplicate', 'rescore'] as const;
export const Repeat = StringEnum(REPEATS, {
  description:
    'Absent for the first decision of a transaction id. "duplicate": the id was scored again without ?rescore=true after the replay cache forgot it (or on another replica); the first decision stays the one GET /decisions/{transaction_id} answers. "rescore": scored again on purpose (?rescore=true); it becomes the current decision.',
});
export type Repeat = Static<typeof Repeat>;

/** Most decisions one page holds. */
export const MAX_DECISIONS_PAGE = 1000;

const filterFields = {
  transaction_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only this transaction id.' })),
  decision: Type.Optional(StringEnum(DECISIONS, { description: 'Only this decision.' })),
  score_min: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Only scores at or above this.' })),
  score_max: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Only scores at or below this.' })),
  from: Type.Optional(
    Type.String({ minLength: 1, maxLength: 40, description: 'Only decisions made at or after this ISO 8601 instant.' }),
  ),
  to: Type.Optional(
    Type.String({ minLength: 1, maxLength: 40, description: 'Only decisions made before this ISO 8601 instant.' }),
  ),
  model_version: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only this model version.' })),
  rule: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only decisions with a reason of this code.' })),
  labelled: Type.Optional(
    Type.Boolean({ description: 'true: only decisions whose transaction has a label; false: only those without.' }),
  ),
  amount_min: Type.Optional(
    Type.Number({ description: 'Only decisions whose amount is at or above this (no amount: left out).' }),
  ),
  amount_max: Type.Optional(
    Type.Number({ description: 'Only decisions whose amount is at or below this (no amount: left out).' }),
  ),
};

/** The filters, as the store takes them (all optional, combined with AND). */
export type DecisionFilter = {
  transaction_id?: string | undefined;
  decision?: (typeof DECISIONS)[number] | undefined;
  score_min?: number | undefined;
  score_max?: number | undefined;
  from?: string | undefined;
  to?: string | undefined;
  model_version?: string | undefined;
  rule?: string | undefined;
  labelled?: boolean | undefined;
  amount_min?: number | undefined;
  amount_max?: number | undefined;
};

/** The orders a page of decisions can come in: by decision time, then id. */
export const DECISION_ORDERS = ['desc', 'asc'] as const;
export type DecisionOrder = (typeof DECISION_ORDERS)[number];

/** The names of the filters, listed once (the stores and the routes read them). */
export const DECISION_FILTERS = Object.keys(filterFields) as (keyof DecisionFilter)[];

/** `?…` of GET /decisions: the filters, a page size and the cursor of the previous page. */
export function decisionsQuerySchema(maxLimit: number) {
  return Type.Object(
    {
      ...filterFields,
      order: Type.Optional(
        StringEnum(DECISION_ORDERS, {
          description: 'desc (default): newest first; asc: oldest first (by decision time, then id).',
        }),
      ),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxLimit, default: 50 })),
      cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'next_cursor of the previous page.' })),
    },
    { additionalProperties: false },
  );
}
export type DecisionsQuery = DecisionFilter & { limit: number; cursor?: string | undefined; order?: DecisionOrder | undefined };

/** `?…` of GET /logs: the page size and the same filters. */
export function logsFilterFields() {
  return filterFields;
}
