/**
 * GET /logs?limit=50: the newest prediction records, newest first (bounded page). With any of the
 * decision filters (those of GET /decisions) it answers the first page of that query instead, in
 * the same shape.
 */

import type { FastifyInstance } from 'fastify';

import { DECISION_FILTERS, logsQuerySchema, LogsResponse, type LogsQuery } from '../../contract/index.js';

import type { FraudlensContext } from '../context.js';
import { errorResponseSchema } from '../schemas.js';

export function registerLogs(app: FastifyInstance, ctx: FraudlensContext): void {
  const { config } = ctx;
  app.get<{ Querystring: LogsQuery }>(
    '/logs',
    {
      onRequest: ctx.auth.require('decisions:read'),
      schema: {
        tags: ['logs'],
        summary: 'Latest prediction records, newest first',
        description: `Records of this process (memory or stdout handler) or of every process sharing the store (redis, postgres). PII fields are masked. At most ${config.logsLimit} per call. The filters of GET /decisions apply too (the order is then by decision time; the stdout handler cannot filter).`,
        querystring: logsQuerySchema(config.logsLimit),
        response: {
          200: LogsResponse,
          '4xx': errorResponseSchema,
          '5xx': errorResponseSchema,
        },
        ...ctx.auth.security('decisions:read'),
      },
    },
    async (request) => {
      const query = request.query;
      const filtered = DECISION_FILTERS.some((f) => query[f] !== undefined);
      const logs = filtered ? (await ctx.predictionLog.query(query)).records : await ctx.predictionLog.latest(query.limit);
      return { logs, count: logs.length, backend: ctx.predictionLog.backend };
    },
  );
}
