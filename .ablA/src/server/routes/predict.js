/**
 * POST /predict: one transaction (a JSON object of features) or a batch `{"instances": [...]}`,
 * scored with the live model; `?explain=true` adds exact TreeSHAP contributions.
 *
 * The body is validated inside the handler against the model snapshot the handler then scores
 * with (Fastify's own body validation would check against the model of start-up and could race a
 * reload); the route still declares the schema so /docs shows it.
 *
 * Explained batches run under the shared explanation budget (explain-admission.ts), so single
 * predictions stay fast meanwhile.
 */
import { predictQuerySchema, PredictResponse } from '../../contract/index.js';
import { requireApiKey, securityOf } from '../auth.js';
import { docsOnlyBody } from '../validation.js';
import { batchSchema, errorResponseSchema } from '../schemas.js';
export function registerPredict(app, ctx, scorer, admission) {
    const { config } = ctx;
    const row = ctx.models.current.rowSchema;
    app.post('/predict', {
        onRequest: requireApiKey(config.apiKey),
        schema: {
            tags: ['prediction'],
            summary: 'Score a transaction (or a batch)',
            description: 'Body: the transaction as a JSON object of features (null or absent = missing value), or `{"instances": [...]}` with at most ' +
                `${config.batchLimit} transactions. With \`?explain=true\` each prediction carries \`explanation\`: \`base_value\` and \`contributions\` ` +
                'are in margin (log-odds) units and add up to `margin`; `score` = sigmoid(margin). The body schema shown is the model served at start-up; GET /model shows the live one.',
            querystring: predictQuerySchema(config.explainTop),
            body: { oneOf: [row, batchSchema(row, config.batchLimit)] },
            response: { 200: PredictResponse, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
            ...securityOf(config.apiKey),
        },
        validatorCompiler: docsOnlyBody,
    }, async (request, reply) => {
        const m = ctx.models.current;
        const parsed = m.parseBody(request.body);
        const opts = {
            explain: request.query.explain === true,
            top: request.query.top ?? config.explainTop,
            elapsed: () => reply.elapsedTime,
        };
        if (parsed.kind === 'row')
            return scorer.score(m, parsed.row, opts);
        if (opts.explain) {
            const rows = parsed.rows;
            const predictions = await admission.run(rows.length, (i) => scorer.score(m, rows[i], opts), reply);
            return { predictions, count: predictions.length, model_version: m.version };
        }
        const predictions = new Array(parsed.rows.length);
        for (let i = 0; i < parsed.rows.length; i++)
            predictions[i] = scorer.score(m, parsed.rows[i], opts);
        return { predictions, count: predictions.length, model_version: m.version };
    });
}
//# sourceMappingURL=predict.js.map