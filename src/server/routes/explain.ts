/**
 * POST /explain: the score, decision and exact TreeSHAP explanation of one transaction or a batch,
 * like `POST /predict?explain=true`, but nothing is recorded: no prediction-log record, no row in
 * the drift window, no decision counter. Reads that only want to look at the model (the
 * dashboard's mean |SHAP| ranking, explaining a logged record again) use it, so looking never
 * changes what the service measures. Same body, validation and API key as /predict, and the same explanation budget.
 */

import type { FastifyInstance } from 'fastify';

import { explainQuerySchema, ExplainResponse, type Explained, type ExplainQuery } from '../../contract/index.js';

import type { FraudlensContext } from '../context.js';
import type { ExplainAdmission } from '../explain-admission.js';
import { batchSchema, errorResponseSchema } from '../schemas.js';
import { explainUnrecorded } from '../scoring.js';
import { docsOnlyBody } from '../validation.js';
import { explainRaw } from '../raw-scoring.js';

export function registerExplain(app: FastifyInstance, ctx: FraudlensContext, admission: ExplainAdmission): void {
  const { config } = ctx;
  const row = ctx.models.current.rowSchema;
  app.post<{ Querystring: ExplainQuery }>(
    '/explain',
    {
      onRequest: ctx.auth.require('score'),
      schema: {
        tags: ['prediction'],
        summary: 'Explain a transaction (or a batch) without recording it',
        description:
          'Same body as POST /predict. Answers what `/predict?explain=true` would, without `id` and `latency_ms`, and records nothing: ' +
          'no prediction-log record, no drift-window row, no decision counter. For looking at the model without changing what it measures.',
        querystring: explainQuerySchema(config.explainTop),
        body: { oneOf: [row, batchSchema(row, config.batchLimit)] },
        response: { 200: ExplainResponse, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
        ...ctx.auth.security('score'),
      },
      validatorCompiler: docsOnlyBody,
    },
    async (request, reply) => {
      // The snapshot validated against is the one explained with, as in /predict.
      const m = ctx.models.current;
      const top = request.query.top ?? config.explainTop;
      // A raw transaction is read against the entity state as it stands, which it does not change.
      if (m.definitions !== null)
        return explainRaw(ctx, m, request.body, { top, features: request.query.features === true }, admission, reply);
      const parsed = m.parseBody(request.body);
      if (parsed.kind === 'row') return explainUnrecorded(m, parsed.row, top, ctx.rules, { values: parsed.values });
      const rows = parsed.rows;
      const predictions: Explained[] = await admission.run(
        rows.length,
        (i) => explainUnrecorded(m, rows[i], top, ctx.rules),
        reply,
      );
      return { predictions, count: predictions.length, model_version: m.version };
    },
  );
}
