/**
 * POST /predict: one transaction (a JSON object of features) or a batch `{"instances": [...]}`,
 * scored with the live model; `?explain=true` adds exact TreeSHAP contributions.
 *
 * The body is validated inside the handler against the model snapshot the handler then scores
 * with (Fastify's own body validation would check against the model of start-up and could race a
 * reload); the route still declares the schema so /docs shows it.
 *
 * Explaining costs far more than scoring: an explained batch runs in chunks that yield to the
 * event loop, and the rows being explained at once are bounded (FRAUDLENS_EXPLAIN_MAX_ROWS,
 * beyond it 503 OVERLOADED with Retry-After), so single predictions stay fast meanwhile.
 */

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { FraudlensError } from '../../core/errors.js';
import { requireApiKey, securityOf } from '../auth.js';
import { docsOnlyBody } from '../validation.js';
import type { FraudlensContext } from '../context.js';
import { batchSchema, errorResponseSchema, explanationSchema, predictionSchema } from '../schemas.js';
import type { Prediction, ScoreOptions, Scorer } from '../scoring.js';
import type { ServingModel, Transaction } from '../model-state.js';

/** Rows of an explained batch between two yields to the event loop (a few ms of work), so other requests interleave. */
const EXPLAIN_CHUNK_ROWS = 32;
/** What Retry-After tells a client refused with OVERLOADED, in seconds. */
const OVERLOADED_RETRY_AFTER_S = 1;

/**
 * Explained batch rows in progress, over all requests, bounded by FRAUDLENS_EXPLAIN_MAX_ROWS.
 * A batch is always admitted when no other is being explained, so a limit below the batch size
 * slows explain traffic down but never refuses it outright. Single rows are explained within one
 * turn of the event loop and need no admission.
 */
class ExplainAdmission {
  private inFlight = 0;
  constructor(private readonly maxRows: number) {}

  /** Reserves `rows` or throws OVERLOADED. */
  acquire(rows: number): void {
    if (this.inFlight > 0 && this.inFlight + rows > this.maxRows) {
      throw new FraudlensError('OVERLOADED', `${this.inFlight} rows are being explained and this batch adds ${rows}, over the limit of ${this.maxRows}; retry in ${OVERLOADED_RETRY_AFTER_S} s or send smaller batches`, { field: 'explain' });
    }
    this.inFlight += rows;
  }

  release(rows: number): void {
    this.inFlight -= rows;
  }
}

interface PredictQuery {
  explain?: boolean;
  top?: number;
}

/** One prediction or a batch, merged into one object schema (no anyOf: serialisation stays fast). */
const responseSchema = {
  type: 'object',
  description: 'A single transaction gets one prediction; a batch gets {predictions, count, model_version}.',
  properties: {
    ...(predictionSchema.properties as Record<string, unknown>),
    explanation: explanationSchema,
    predictions: { type: 'array', items: predictionSchema },
    count: { type: 'integer' },
  },
};

export function registerPredict(app: FastifyInstance, ctx: FraudlensContext, scorer: Scorer): void {
  const { config } = ctx;
  const row = ctx.models.current.rowSchema;
  const admission = new ExplainAdmission(config.explainMaxRows);

  /** An explained batch, in chunks that yield between them; its rows are reserved meanwhile. */
  const explainBatch = async (m: ServingModel, rows: Transaction[], opts: ScoreOptions, reply: FastifyReply): Promise<Prediction[]> => {
    try {
      admission.acquire(rows.length);
    } catch (e) {
      void reply.header('retry-after', String(OVERLOADED_RETRY_AFTER_S));
      throw e;
    }
    try {
      const predictions: Prediction[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        if (i > 0 && i % EXPLAIN_CHUNK_ROWS === 0) await yieldToEventLoop();
        predictions[i] = scorer.score(m, rows[i], opts);
      }
      return predictions;
    } finally {
      admission.release(rows.length);
    }
  };
  app.post<{ Querystring: PredictQuery }>(
    '/predict',
    {
      onRequest: requireApiKey(config.apiKey),
      schema: {
        tags: ['prediction'],
        summary: 'Score a transaction (or a batch)',
        description:
          'Body: the transaction as a JSON object of features (null or absent = missing value), or `{"instances": [...]}` with at most ' +
          `${config.batchLimit} transactions. With \`?explain=true\` each prediction carries \`explanation\`: \`base_value\` and \`contributions\` ` +
          'are in margin (log-odds) units and add up to `margin`; `score` = sigmoid(margin). The body schema shown is the model served at start-up; GET /model shows the live one.',
        querystring: {
          type: 'object',
          properties: {
            explain: { type: 'boolean', default: false, description: 'Add exact TreeSHAP contributions.' },
            top: { type: 'integer', minimum: 0, maximum: 10_000, description: `Features listed in explanation.top (default ${config.explainTop}).` },
          },
          additionalProperties: false,
        },
        body: { oneOf: [row, batchSchema(row, config.batchLimit)] },
        response: { 200: responseSchema, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
        ...securityOf(config.apiKey),
      },
      validatorCompiler: docsOnlyBody,
    },
    async (request: FastifyRequest<{ Querystring: PredictQuery }>, reply: FastifyReply) => {
      const m = ctx.models.current;
      const parsed = m.parseBody(request.body);
      const opts = { explain: request.query.explain === true, top: request.query.top ?? config.explainTop, elapsed: () => reply.elapsedTime };
      if (parsed.kind === 'row') return scorer.score(m, parsed.row, opts);
      if (opts.explain) {
        const predictions = await explainBatch(m, parsed.rows, opts, reply);
        return { predictions, count: predictions.length, model_version: m.version };
      }
      const predictions: Prediction[] = new Array(parsed.rows.length);
      for (let i = 0; i < parsed.rows.length; i++) predictions[i] = scorer.score(m, parsed.rows[i], opts);
      return { predictions, count: predictions.length, model_version: m.version };
    },
  );
}
