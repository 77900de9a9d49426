/**
 * Scoring shapes: what POST /predict and POST /explain answer, and the prediction record that
 * GET /logs lists. The request body (a transaction) follows the served model, so its schema is
 * built by the server from the model's features; here is only its TypeScript shape.
 */

import { Type, type Static } from 'typebox';

import { logsFilterFields, Repeat, type DecisionFilter } from './decisions.js';
import { DECISIONS, RISK_LEVELS } from './enums.js';
import { DecisionLabel } from './labels.js';
import { Reason } from './rules.js';
import { MapOf, NullableString, StringEnum } from './schema.js';

export const Decision = StringEnum(DECISIONS);
export type Decision = Static<typeof Decision>;

export const RiskLevel = StringEnum(RISK_LEVELS);
export type RiskLevel = Static<typeof RiskLevel>;

/** A feature value as sent and logged: a number, a category name, or null for a missing value. */
export const FeatureValue = Type.Unsafe<number | string | null>({ type: ['number', 'string', 'null'] });
export type FeatureValue = Static<typeof FeatureValue>;

/** One transaction: feature name -> value (absent or null: missing). */
export type Transaction = Record<string, FeatureValue>;

export const Thresholds = Type.Object(
  {
    review: Type.Number({ description: 'Scores at or above this are reviewed.' }),
    decline: Type.Number({ description: 'Scores at or above this are declined.' }),
    rule: Type.Optional(Type.String({ description: 'How the thresholds were chosen, in words.' })),
  },
  { additionalProperties: false },
);
export type Thresholds = Static<typeof Thresholds>;

export const TopContribution = Type.Object(
  {
    feature: Type.String(),
    value: Type.Unsafe<FeatureValue>({
      type: ['number', 'string', 'null'],
      description: 'The value sent, or derived from a raw transaction (null: missing).',
    }),
    contribution: Type.Number(),
    description: Type.Optional(
      Type.String({
        description:
          'For a feature derived from a raw transaction: what it is, in words ("transactions of this card in the last hour").',
      }),
    ),
  },
  { additionalProperties: false },
);
export type TopContribution = Static<typeof TopContribution>;

export const Explanation = Type.Object(
  {
    base_value: Type.Number({ description: 'Expected margin over the training data (log-odds), not a probability.' }),
    margin: Type.Number({ description: 'Model output before the sigmoid (log-odds).' }),
    units: StringEnum(['log-odds']),
    contributions: MapOf(Type.Number()),
    top: Type.Array(TopContribution),
  },
  {
    additionalProperties: false,
    description:
      'Exact TreeSHAP values in margin (log-odds) units: base_value + sum(contributions) = margin, and score = sigmoid(margin).',
  },
);
export type Explanation = Static<typeof Explanation>;

/** The champion's alias; challengers have their own (FRAUDLENS_CHALLENGERS). */
export const CHAMPION_ALIAS = 'champion';
/** A challenger's alias: lowercase letters, digits, '-' and '_', starting with a letter. */
export const MODEL_ALIAS_PATTERN = '^[a-z][a-z0-9_-]{0,31}$';

export const ModelAlias = Type.String({
  pattern: MODEL_ALIAS_PATTERN,
  description:
    'The model that decided: "champion", or the alias of the challenger the canary share routed this transaction to. Present when the server runs challengers.',
});

/** One model's verdict on a transaction another model decided (docs/challengers.md). */
export const ShadowScore = Type.Object(
  {
    alias: Type.String({ pattern: MODEL_ALIAS_PATTERN }),
    model_version: Type.String(),
    score: Type.Number({ description: 'Fraud probability in [0, 1].' }),
    decision: Decision,
  },
  { additionalProperties: false },
);
export type ShadowScore = Static<typeof ShadowScore>;

const predictionFields = {
  id: Type.String(),
  model_version: Type.String(),
  score: Type.Number({ description: 'Fraud probability in [0, 1].' }),
  decision: Decision,
  risk_level: RiskLevel,
  thresholds: Thresholds,
  latency_ms: Type.Number({ description: 'Time spent in the server until the answer was ready.' }),
  reasons: Type.Array(Reason, {
    description:
      'Why: first the rule or threshold that decided, then (for review and decline decisions, or with ?explain=true) the features pushing most towards fraud, in words.',
  }),
  rule_id: Type.Optional(
    Type.String({ description: 'The id of the rule that decided; absent when the model thresholds decided.' }),
  ),
  rules_version: Type.Optional(
    Type.String({ description: 'The rules in force (GET /rules); absent when the server has no rules file.' }),
  ),
  transaction_id: Type.Optional(
    Type.String({
      description: "The caller's transaction id: the request's reserved `transaction_id` field, or a raw transaction's event id.",
    }),
  ),
  replayed: Type.Optional(
    Type.Boolean({
      description:
        'Present (true) when this transaction id was decided before by this process: the stored decision is answered as it was, nothing is scored or recorded again (?rescore=true scores it again).',
    }),
  ),
  duplicate: Type.Optional(
    Type.Boolean({
      description:
        'True when a raw transaction with this id was already seen within the dedupe horizon: scored again, counted once in the entity state.',
    }),
  ),
  state_fallback: Type.Optional(
    Type.Boolean({
      description:
        'Present (true) when the shared entity state could not take this raw transaction (Redis away or slow): its features come from the last state this replica knew, and the update is counted as dropped.',
    }),
  ),
  features: Type.Optional(
    MapOf(FeatureValue, {
      description: 'With ?features=true on a raw transaction: every derived feature (name -> value, null: missing).',
    }),
  ),
  unknown_categories: Type.Optional(
    Type.Array(Type.String(), {
      description:
        'Present only when the transaction held category names the model does not know: those features, which were scored as missing values.',
    }),
  ),
  model_alias: Type.Optional(ModelAlias),
};

export const Prediction = Type.Object(
  { ...predictionFields, explanation: Type.Optional(Explanation) },
  { additionalProperties: false },
);
export type Prediction = Static<typeof Prediction>;

/** A prediction that was never recorded (POST /explain): no log id, no latency, always explained. */
const { id: _id, latency_ms: _latency, ...explainedFields } = predictionFields;
export const Explained = Type.Object({ ...explainedFields, explanation: Explanation }, { additionalProperties: false });
export type Explained = Static<typeof Explained>;

export interface Batch<P> {
  predictions: P[];
  count: number;
  model_version: string;
}
export type BatchPrediction = Batch<Prediction>;
export type BatchExplained = Batch<Explained>;

/**
 * What POST /predict answers: one prediction, or a batch `{predictions, count, model_version}`,
 * merged into one object schema (an anyOf would make serialisation slow).
 */
export const PredictResponse = Type.Object(
  {
    ...Type.Partial(Prediction).properties,
    predictions: Type.Optional(Type.Array(Prediction)),
    count: Type.Optional(Type.Integer()),
  },
  {
    additionalProperties: false,
    description: 'A single transaction gets one prediction; a batch gets {predictions, count, model_version}.',
  },
);
export type PredictResponse = Static<typeof PredictResponse>;

/** What POST /explain answers: one explained prediction or a batch of them, merged as above. */
export const ExplainResponse = Type.Object(
  {
    ...Type.Partial(Explained).properties,
    predictions: Type.Optional(Type.Array(Explained)),
    count: Type.Optional(Type.Integer()),
  },
  {
    additionalProperties: false,
    description: 'A single transaction gets one explained prediction; a batch gets {predictions, count, model_version}.',
  },
);
export type ExplainResponse = Static<typeof ExplainResponse>;

/** One logged prediction. Masked (PII) feature values hold "***". */
export const PredictionRecord = Type.Object(
  {
    id: Type.String(),
    timestamp: Type.String({ description: 'ISO 8601 instant at which the prediction was made.' }),
    model_version: Type.String(),
    score: Type.Number({ description: 'Fraud probability in [0, 1].' }),
    decision: Decision,
    risk_level: RiskLevel,
    latency_ms: Type.Number(),
    transaction_id: Type.Optional(
      Type.String({
        description:
          "The caller's transaction id: the reserved `transaction_id` field of the request, or a raw transaction's event id.",
      }),
    ),
    rules_version: Type.Optional(Type.String({ description: 'The version of the rules in force when the decision was made.' })),
    reasons: Type.Optional(
      Type.Array(Reason, { description: 'Why: the rule that decided, the features that pushed towards fraud.' }),
    ),
    repeat: Type.Optional(Repeat),
    amount: Type.Optional(
      Type.Number({
        description:
          "The transaction's amount: the raw field named by the definitions' `event.amount`, or the feature named by the AMOUNT_FIELD setting; absent when neither names one.",
      }),
    ),
    label: Type.Optional(DecisionLabel),
    features: MapOf(FeatureValue, {
      description: 'The features scored: for a raw transaction, the derived features (never its raw fields).',
    }),
    explanation: Type.Optional(Explanation),
    model_alias: Type.Optional(ModelAlias),
    shadow: Type.Optional(
      Type.Array(ShadowScore, {
        description:
          'What the other models (challengers, or the champion when a challenger decided) made of the same transaction, scored after the response was sent.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type PredictionRecord = Static<typeof PredictionRecord>;

/** A page of GET /decisions, newest first; `next_cursor` is null on the last page. */
export const DecisionsResponse = Type.Object(
  {
    decisions: Type.Array(PredictionRecord),
    count: Type.Integer(),
    next_cursor: NullableString({
      description: 'Pass as ?cursor= (with the same filters) for the next page; null when there is none.',
    }),
    backend: Type.String(),
  },
  { additionalProperties: false },
);
export type DecisionsResponse = Static<typeof DecisionsResponse>;

export const LogsResponse = Type.Object(
  {
    logs: Type.Array(PredictionRecord),
    count: Type.Integer(),
    backend: Type.String(),
  },
  { additionalProperties: false },
);
export type LogsResponse = Static<typeof LogsResponse>;

/** Most features an explanation lists in `top`. */
export const MAX_TOP = 10_000;

const FEATURES_FLAG = Type.Boolean({
  default: false,
  description: 'For a model with feature definitions: add `features`, the derived features of each raw transaction.',
});

/**
 * `?explain=&top=&features=` of POST /predict.
 * @param defaultTop features listed when `top` is absent (the server's setting), for the description
 */
export function predictQuerySchema(defaultTop: number) {
  return Type.Object(
    {
      explain: Type.Optional(Type.Boolean({ default: false, description: 'Add exact TreeSHAP contributions.' })),
      features: Type.Optional(FEATURES_FLAG),
      rescore: Type.Optional(
        Type.Boolean({
          default: false,
          description:
            'Score a transaction id again even when this process remembers its decision; the new decision is stored as a rescore and becomes the current one.',
        }),
      ),
      top: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: MAX_TOP,
          description: `Features listed in explanation.top (default ${defaultTop}).`,
        }),
      ),
    },
    { additionalProperties: false },
  );
}
export type PredictQuery = Static<ReturnType<typeof predictQuerySchema>>;

/** `?top=` of POST /explain (see predictQuerySchema). */
export function explainQuerySchema(defaultTop: number) {
  return Type.Object(
    {
      top: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: MAX_TOP,
          description: `Features listed in explanation.top (default ${defaultTop}).`,
        }),
      ),
      features: Type.Optional(FEATURES_FLAG),
    },
    { additionalProperties: false },
  );
}
export type ExplainQuery = Static<ReturnType<typeof explainQuerySchema>>;

/**
 * `?limit=` of GET /logs.
 * @param maxLimit the most records one call returns (the server's setting)
 */
export function logsQuerySchema(maxLimit: number) {
  return Type.Object(
    { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxLimit, default: 50 })), ...logsFilterFields() },
    { additionalProperties: false },
  );
}
/** After validation the default is filled in. */
export type LogsQuery = { limit: number } & DecisionFilter;
