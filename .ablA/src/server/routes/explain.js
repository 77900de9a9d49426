/**
 * POST /explain: the score, decision and exact TreeSHAP explanation of one transaction or a batch,
 * like `POST /predict?explain=true`, but nothing is recorded: no prediction-log record, no row in
 * the drift window, no decision counter. Reads that only want to look at the model (the
 * dashboard's mean |SHAP| ranking, explaining a logged record again) use it, so looking never
 * changes what the service measures. Same body, validation and API key as /predict, and the same explanation budget.
 */
import { explainQuerySchema, ExplainResponse } from '../../contract/index.js';
import { requireApiKey, securityOf } from '../auth.js';
import { batchSchema, errorResponseSchema } from '../schemas.js';
import { explainUnrecorded } from '../scoring.js';
import { docsOnlyBody } from '../validation.js';
export function registerExplain(app, ctx, admission) {
    const { config } = ctx;
    const row = ctx.models.current.rowSchema;
    app.post('/explain', {
        onRequest: requireApiKey(config.apiKey),
        schema: {
            tags: ['prediction'],
            summary: 'Explain a transaction (or a batch) without recording it',
            description: 'Same body as POST /predict. Answers what `/predict?explain=true` would, without `id` and `latency_ms`, and records nothing: ' +
                'no prediction-log record, no drift-window row, no decision counter. For looking at the model without changing what it measures.',
            querystring: explainQuerySchema(config.explainTop),
            body: { oneOf: [row, batchSchema(row, config.batchLimit)] },
            response: { 200: ExplainResponse, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
            ...securityOf(config.apiKey),
        },
        validatorCompiler: docsOnlyBody,
    }, async (request, reply) => {
        // The snapshot validated against is the one explained with, as in /predict.
        const m = ctx.models.current;
        const parsed = m.parseBody(request.body);
        const top = request.query.top ?? config.explainTop;
        if (parsed.kind === 'row')
            return explainUnrecorded(m, parsed.row, top);
        const rows = parsed.rows;
        const predictions = await admission.run(rows.length, (i) => explainUnrecorded(m, rows[i], top), reply);
        return { predictions, count: predictions.length, model_version: m.version };
    });
}
//# sourceMappingURL=explain.js.map