/**
 * The drift routes' shapes. The names of the drift statistics live in the engine's registry
 * (DRIFT_STATISTICS), which this leaf module cannot import: `test` is a string here, and the
 * server passes the registry's names to `driftReportSchema` so its schema carries them as an
 * enum. Clients need no list of names: each result says whether it has a p-value (`p_value` is a
 * number or null) and the report's settings list the thresholds in force.
 */
import { Type } from 'typebox';
import { NullableNumber, StringEnum } from './schema.js';
const numbers = Type.Array(Type.Number());
const TEST_DESCRIPTION = 'Statistic the registry chose: ks or chisquare (p-values) for baselines up to 1000 rows, wasserstein or jensenshannon (distances) above.';
/** The `test` field: any name for clients, the registry's names as an enum in the server's schema. */
function testSchema(names) {
    return names === null
        ? Type.String({ description: TEST_DESCRIPTION })
        : Type.Unsafe({ type: 'string', enum: [...names], description: TEST_DESCRIPTION });
}
function featureDriftSchema(names) {
    return Type.Object({
        feature: Type.String({ description: '"score" for the prediction drift entry.' }),
        type: StringEnum(['numeric', 'categorical']),
        test: testSchema(names),
        statistic: NullableNumber({ description: 'Test statistic or distance; null when there was not enough data.' }),
        p_value: NullableNumber({
            description: 'p-value of p-value tests; null for distances and when there was not enough data.',
        }),
        threshold: Type.Number({ description: 'Drift when the p-value is below it, or the distance at or above it.' }),
        drifted: Type.Boolean(),
        not_enough_data: Type.Boolean({ description: 'Fewer than 30 observed values on a side: never drifted.' }),
        method: StringEnum(['samples', 'bins'], {
            description: 'Whether the test ran on raw sampled values or on counts on the baseline bins.',
        }),
        observations: Type.Object({ baseline: Type.Number(), current: Type.Number() }, { additionalProperties: false }),
        baseline: Type.Object({
            edges: Type.Optional(numbers),
            categories: Type.Optional(Type.Array(Type.String())),
            counts: numbers,
            missing: Type.Number(),
        }, {
            additionalProperties: false,
            description: 'Baseline histogram: right-closed bins on edges (numeric), or categories with "__other__" last.',
        }),
        current: Type.Object({
            counts: numbers,
            missing: Type.Number(),
            new_categories: Type.Optional(Type.Number({
                description: 'Categorical features: rows in categories the model does not know (scored as missing values; counted in "__other__").',
            })),
        }, { additionalProperties: false, description: 'The window on the same bins.' }),
    }, { additionalProperties: false });
}
const DriftWindowInfo = Type.Unsafe({
    type: ['object', 'null'],
    description: 'The window read. source: memory (this process), redis (every replica), or local (Redis unreachable: this process only).',
    properties: {
        type: { type: 'string', enum: ['time', 'count'] },
        duration_ms: { type: 'number' },
        from: { type: 'number', description: 'Start of the oldest bucket read (epoch ms).' },
        to: { type: 'number' },
        requested: { type: 'number' },
        available: { type: 'number' },
        source: { type: 'string' },
    },
    required: ['type', 'source'],
    additionalProperties: false,
});
/**
 * The schema of GET /drift's report.
 * @param names the drift statistics' names (the server passes the registry's); null: any string
 */
export function driftReportSchema(names) {
    const feature = featureDriftSchema(names);
    return Type.Object({
        model_version: Type.String(),
        baseline_created_at: Type.String(),
        baseline_rows: Type.Number(),
        window: DriftWindowInfo,
        rows: Type.Number({ description: 'Predictions in the window.' }),
        dataset_drift: Type.Object({
            drifted: Type.Boolean(),
            share: Type.Number(),
            share_drifted: Type.Number(),
            drifted_features: Type.Number(),
            evaluated_features: Type.Number(),
            not_enough_data: Type.Boolean(),
        }, { additionalProperties: false }),
        drifted_features: Type.Array(Type.String()),
        prediction_drift: feature,
        features: Type.Array(feature),
        settings: Type.Object({
            min_sample_size: Type.Number(),
            share: Type.Number(),
            thresholds: Type.Unsafe({
                type: 'object',
                description: 'Threshold overrides in force, by statistic.',
                ...(names === null
                    ? { additionalProperties: { type: 'number' } }
                    : { properties: Object.fromEntries(names.map((t) => [t, { type: 'number' }])), additionalProperties: false }),
            }),
        }, { additionalProperties: false }),
    }, { additionalProperties: false });
}
export const DriftReport = driftReportSchema(null);
/** `?window=`: validated by the handler, for its precise message. */
export const WindowQuery = Type.Object({
    window: Type.Optional(Type.String({
        maxLength: 32,
        default: '1h',
        description: '15m, 1h or 24h (time windows), or a number of recent predictions (1 to 1000000).',
    })),
}, { additionalProperties: false });
/** The baseline file (validated by the handler, which names the field at fault). */
export const BaselineBody = Type.Object({
    format: Type.Optional(Type.String()),
    format_version: Type.Optional(Type.Integer()),
    model_version: Type.Optional(Type.String()),
    created_at: Type.Optional(Type.String()),
    rows: Type.Optional(Type.Integer()),
    options: Type.Optional(Type.Object({}, { additionalProperties: true })),
    features: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
    score: Type.Optional(Type.Object({}, { additionalProperties: true })),
}, {
    additionalProperties: true,
    description: 'A drift baseline as `fraudlens baseline` writes it (format "fraudlens-drift-baseline", version 1), for the served model.',
});
export const BaselineSaved = Type.Object({
    saved: Type.Boolean(),
    path: Type.String(),
    model_version: Type.String(),
    created_at: Type.String(),
    rows: Type.Number(),
    window_kept: Type.Boolean({
        description: 'The new baseline has the same bins, so the window goes on; false: a new window started.',
    }),
    source: Type.Optional(Type.String({ description: 'from-window only: where the window was read (memory, redis or local).' })),
}, { additionalProperties: false });
//# sourceMappingURL=drift.js.map