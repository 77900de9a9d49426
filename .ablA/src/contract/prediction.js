/**
 * Scoring shapes: what POST /predict and POST /explain answer, and the prediction record that
 * GET /logs lists. The request body (a transaction) follows the served model, so its schema is
 * built by the server from the model's features; here is only its TypeScript shape.
 */
import { Type } from 'typebox';
import { DECISIONS, RISK_LEVELS } from './enums.js';
import { MapOf, StringEnum } from './schema.js';
export const Decision = StringEnum(DECISIONS);
export const RiskLevel = StringEnum(RISK_LEVELS);
/** A feature value as sent and logged: a number, a category name, or null for a missing value. */
export const FeatureValue = Type.Unsafe({ type: ['number', 'string', 'null'] });
export const Thresholds = Type.Object({
    review: Type.Number({ description: 'Scores at or above this are reviewed.' }),
    decline: Type.Number({ description: 'Scores at or above this are declined.' }),
    rule: Type.Optional(Type.String({ description: 'How the thresholds were chosen, in words.' })),
}, { additionalProperties: false });
export const TopContribution = Type.Object({
    feature: Type.String(),
    value: Type.Unsafe({ type: ['number', 'string', 'null'], description: 'The value sent (null: missing).' }),
    contribution: Type.Number(),
}, { additionalProperties: false });
export const Explanation = Type.Object({
    base_value: Type.Number({ description: 'Expected margin over the training data (log-odds), not a probability.' }),
    margin: Type.Number({ description: 'Model output before the sigmoid (log-odds).' }),
    units: StringEnum(['log-odds']),
    contributions: MapOf(Type.Number()),
    top: Type.Array(TopContribution),
}, {
    additionalProperties: false,
    description: 'Exact TreeSHAP values in margin (log-odds) units: base_value + sum(contributions) = margin, and score = sigmoid(margin).',
});
const predictionFields = {
    id: Type.String(),
    model_version: Type.String(),
    score: Type.Number({ description: 'Fraud probability in [0, 1].' }),
    decision: Decision,
    risk_level: RiskLevel,
    thresholds: Thresholds,
    latency_ms: Type.Number({ description: 'Time spent in the server until the answer was ready.' }),
    unknown_categories: Type.Optional(Type.Array(Type.String(), {
        description: 'Present only when the transaction held category names the model does not know: those features, which were scored as missing values.',
    })),
};
export const Prediction = Type.Object({ ...predictionFields, explanation: Type.Optional(Explanation) }, { additionalProperties: false });
/** A prediction that was never recorded (POST /explain): no log id, no latency, always explained. */
const { id: _id, latency_ms: _latency, ...explainedFields } = predictionFields;
export const Explained = Type.Object({ ...explainedFields, explanation: Explanation }, { additionalProperties: false });
/**
 * What POST /predict answers: one prediction, or a batch `{predictions, count, model_version}`,
 * merged into one object schema (an anyOf would make serialisation slow).
 */
export const PredictResponse = Type.Object({
    ...Type.Partial(Prediction).properties,
    predictions: Type.Optional(Type.Array(Prediction)),
    count: Type.Optional(Type.Integer()),
}, {
    additionalProperties: false,
    description: 'A single transaction gets one prediction; a batch gets {predictions, count, model_version}.',
});
/** What POST /explain answers: one explained prediction or a batch of them, merged as above. */
export const ExplainResponse = Type.Object({
    ...Type.Partial(Explained).properties,
    predictions: Type.Optional(Type.Array(Explained)),
    count: Type.Optional(Type.Integer()),
}, {
    additionalProperties: false,
    description: 'A single transaction gets one explained prediction; a batch gets {predictions, count, model_version}.',
});
/** One logged prediction. Masked (PII) feature values hold "***". */
export const PredictionRecord = Type.Object({
    id: Type.String(),
    timestamp: Type.String({ description: 'ISO 8601 instant at which the prediction was made.' }),
    model_version: Type.String(),
    score: Type.Number({ description: 'Fraud probability in [0, 1].' }),
    decision: Decision,
    risk_level: RiskLevel,
    latency_ms: Type.Number(),
    features: MapOf(FeatureValue),
    explanation: Type.Optional(Explanation),
}, { additionalProperties: false });
export const LogsResponse = Type.Object({
    logs: Type.Array(PredictionRecord),
    count: Type.Integer(),
    backend: Type.String(),
}, { additionalProperties: false });
/** Most features an explanation lists in `top`. */
export const MAX_TOP = 10_000;
/**
 * `?explain=&top=` of POST /predict.
 * @param defaultTop features listed when `top` is absent (the server's setting), for the description
 */
export function predictQuerySchema(defaultTop) {
    return Type.Object({
        explain: Type.Optional(Type.Boolean({ default: false, description: 'Add exact TreeSHAP contributions.' })),
        top: Type.Optional(Type.Integer({
            minimum: 0,
            maximum: MAX_TOP,
            description: `Features listed in explanation.top (default ${defaultTop}).`,
        })),
    }, { additionalProperties: false });
}
/** `?top=` of POST /explain (see predictQuerySchema). */
export function explainQuerySchema(defaultTop) {
    return Type.Object({
        top: Type.Optional(Type.Integer({
            minimum: 0,
            maximum: MAX_TOP,
            description: `Features listed in explanation.top (default ${defaultTop}).`,
        })),
    }, { additionalProperties: false });
}
/**
 * `?limit=` of GET /logs.
 * @param maxLimit the most records one call returns (the server's setting)
 */
export function logsQuerySchema(maxLimit) {
    return Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxLimit, default: 50 })) }, { additionalProperties: false });
}
//# sourceMappingURL=prediction.js.map