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

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { predictQuerySchema, PredictResponse, type Prediction, type PredictQuery } from '../../contract/index.js';

import { docsOnlyBody } from '../validation.js';
import type { FraudlensContext } from '../context.js';
import { batchSchema, errorResponseSchema } from '../schemas.js';
import { bindTransactionId, bindTransactionIds } from '../request-logger.js';
import { splitTransactionId, type Scorer } from '../scoring.js';
import type { Transaction } from '../model-state.js';
import type { ExplainAdmission } from '../explain-admission.js';
import { predictRaw } from '../raw-scoring.js';

export function registerPredict(app: FastifyInstance, ctx: FraudlensContext, scorer: Scorer, admission: ExplainAdmission): void {
  const { config } = ctx;
  const row = ctx.models.current.rowSchema;
  app.post<{ Querystring: PredictQuery }>(
    '/predict',
    {
      onRequest: ctx.auth.require('score'),
      schema: {
        tags: ['prediction'],
        summary: 'Score a transaction (or a batch)',
        description:
          'Body: the transaction as a JSON object of features (null or absent = missing value), or `{"instances": [...]}` with at most ' +
          `${config.batchLimit} transactions. With \`?explain=true\` each prediction carries \`explanation\`: \`base_value\` and \`contributions\` ` +
          'are in margin (log-odds) units and add up to `margin`; `score` = sigmoid(margin). The body schema shown is the model served at start-up; GET /model shows the live one. ' +
          'A transaction may carry the reserved field `transaction_id` (never a feature): answered, logged and stored with the decision; the same id again answers the remembered decision (`replayed: true`) unless `?rescore=true` (docs/api.md, Transaction identity). ' +
          'A model with feature definitions takes raw transactions instead (event time, id, raw fields; other fields ignored): the server derives the features from the entity state, and `?features=true` answers them.',
        querystring: predictQuerySchema(config.explainTop),
        body: { oneOf: [row, batchSchema(row, config.batchLimit)] },
        response: { 200: PredictResponse, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
        ...ctx.auth.security('score'),
      },
      validatorCompiler: docsOnlyBody,
    },
    async (request: FastifyRequest<{ Querystring: PredictQuery }>, reply: FastifyReply) => {
      const m = ctx.models.current;
      if (m.definitions !== null) {
        const raw = {
          explain: request.query.explain === true,
          top: request.query.top ?? config.explainTop,
          features: request.query.features === true,
          rescore: request.query.rescore === true,
        };
        return predictRaw(ctx, m, request.body, raw, scorer, admission, reply);
      }
      const parsed = m.parseBody(request.body);
      const explain = request.query.explain === true;
      const top = request.query.top ?? config.explainTop;
      const rescore = request.query.rescore === true;
      const elapsed = () => reply.elapsedTime;
      // The reserved transaction_id is split off: kept in the answer and the record, never scored.
      const one = (t: Transaction, values?: Float64Array): Prediction => {
        const { features, transactionId } = splitTransactionId(t);
        return scorer.score(m, features, { explain, top, elapsed, transactionId, rescore, values });
      };
      if (parsed.kind === 'row') {
        // Scored with the row parseBody filled while checking it (nothing ran in between).
        const p = one(parsed.row, parsed.values);
        bindTransactionId(request.log, p.transaction_id);
        return p;
      }
      let predictions: Prediction[];
      if (explain) {
        const rows = parsed.rows;
        predictions = await admission.run(rows.length, (i) => one(rows[i]), reply);
      } else {
        predictions = new Array(parsed.rows.length);
        for (let i = 0; i < parsed.rows.length; i++) predictions[i] = one(parsed.rows[i]);
      }
      bindTransactionIds(
        request.log,
        predictions.map((p) => p.transaction_id),
      );
      return { predictions, count: predictions.length, model_version: m.version };
    },
  );
}
