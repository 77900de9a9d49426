/**
 * GET /decisions (filters and cursor pages, newest first) and GET /decisions/{transaction_id}
 * (the current decision of a transaction, with its explanation when one was computed): reads of
 * the decision store, which is the prediction log (memory, redis, postgres; stdout keeps nothing
 * to read and answers DECISIONS_UNSUPPORTED).
 */

import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';

import {
  DecisionsResponse,
  decisionsQuerySchema,
  MAX_DECISIONS_PAGE,
  PredictionRecord,
  type DecisionsQuery,
} from '../../contract/index.js';
import { FraudlensError } from '../../core/errors.js';
import type { FraudlensContext } from '../context.js';
import { labelledPage, withLabels } from './labels.js';
import { errorResponseSchema } from '../schemas.js';

const TransactionParams = Type.Object(
  { transaction_id: Type.String({ minLength: 1, maxLength: 200, description: "The caller's transaction id." }) },
  { additionalProperties: false },
);

export function registerDecisions(app: FastifyInstance, ctx: FraudlensContext): void {
  const { config } = ctx;
  const limit = Math.min(config.logsLimit, MAX_DECISIONS_PAGE);
  app.get<{ Querystring: DecisionsQuery }>(
    '/decisions',
    {
      onRequest: ctx.auth.require('decisions:read'),
      schema: {
        tags: ['decisions'],
        summary: 'Stored decisions, filtered, newest first, one page at a time',
        description:
          'Filters combine with AND: transaction_id, decision, score_min/score_max (inclusive), from (inclusive)/to (exclusive) ISO 8601 instants, model_version, rule (a reason code), labelled, amount_min/amount_max (inclusive). ' +
          `Ordered by decision time then id, newest first (order=asc: oldest first); each decision carries its current label (null when none); pass next_cursor as ?cursor= (with the same filters) for the next page. At most ${limit} per page. PII fields are masked.`,
        querystring: decisionsQuerySchema(limit),
        response: { 200: DecisionsResponse, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
        ...ctx.auth.security('decisions:read'),
      },
    },
    async (request) => labelledPage(ctx, request.query),
  );

  app.get<{ Params: { transaction_id: string } }>(
    '/decisions/:transaction_id',
    {
      onRequest: ctx.auth.require('decisions:read'),
      schema: {
        tags: ['decisions'],
        summary: 'The current decision of a transaction id',
        description:
          'The first decision of the id, or its latest rescore; decisions flagged as duplicates are listed by GET /decisions?transaction_id= but never answered here. Carries the explanation when one was computed (?explain=true at scoring time).',
        params: TransactionParams,
        response: { 200: PredictionRecord, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
        ...ctx.auth.security('decisions:read'),
      },
    },
    async (request) => {
      const id = request.params.transaction_id;
      const record = await ctx.predictionLog.get(id);
      if (record === undefined) {
        throw new FraudlensError('NOT_FOUND', `no decision is stored for transaction_id "${id}"`, { field: 'transaction_id' });
      }
      return (await withLabels(ctx, [record]))[0];
    },
  );
}
