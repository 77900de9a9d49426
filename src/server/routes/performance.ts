/**
 * GET /performance: realized precision, recall, false-positive rate, fraud amount caught and the
 * AUCs of the labelled decisions, per model version, decision level and label maturity, beside the
 * figures the scores alone lead one to expect (server/performance.ts builds the report); GET
 * /performance/history, the same per time bucket from the same snapshot; and the Prometheus gauges of the same figures, from the same snapshots of the label store's read.
 */

import type { FastifyInstance } from 'fastify';

import {
  ComparisonQuery,
  ComparisonReport,
  DEFAULT_HISTORY_BUCKET,
  HISTORY_MAX_BUCKETS,
  PerformanceHistoryQuery,
  PerformanceHistoryReport,
  PerformanceQuery,
  PerformanceReport,
} from '../../contract/index.js';
import { ComparisonCache } from '../comparison.js';
import type { FraudlensContext } from '../context.js';
import { FraudlensError } from '../../core/errors.js';
import { FIRST_READ_RETRY_AFTER_S, PerformanceGauges, performanceReport, PerformanceSource } from '../performance.js';
import { errorResponseSchema } from '../schemas.js';

export function registerPerformance(app: FastifyInstance, ctx: FraudlensContext): void {
  const source = new PerformanceSource(ctx.labelStore, ctx.config.performanceRefreshMs);
  const comparisons = new ComparisonCache(ctx, ctx.config.performanceRefreshMs);
  new PerformanceGauges(ctx.metrics.registry, source);
  // The first read of every decision starts with the server, not with the first request.
  source.start();
  app.get<{ Querystring: PerformanceQuery }>(
    '/performance',
    {
      onRequest: ctx.auth.require('performance:read'),
      schema: {
        tags: ['performance'],
        summary: 'Realized and expected performance of the decisions, from the labels that have arrived',
        description:
          'Per model version: the share of decisions labelled, ROC-AUC and PR-AUC of the scores over labelled decisions, and per decision level (review = review or decline, decline, each rule) precision, recall, false-positive rate and fraud amount caught; the same for decisions older than 7, 30 and 60 days, whose labels have had time to arrive. ' +
          'Beside each level, the precision, recall and false-positive rate expected from the scores alone (confidence-based, as NannyML CBPE): valid only while the scores stay calibrated, not under concept drift. ' +
          'Computed from the decisions and labels as read at most FRAUDLENS_PERFORMANCE_REFRESH_MS ago (`to`), kept in memory: read whole once at start, then only what changed. ' +
          'Until that first read is done (tens of seconds for a million decisions in PostgreSQL), the answer is 503 PERFORMANCE_LOADING with Retry-After.',
        querystring: PerformanceQuery,
        response: { 200: PerformanceReport, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
        ...ctx.auth.security('performance:read'),
      },
    },
    async (request, reply) => {
      try {
        return await performanceReport(source, request.query.window, request.query.model_version);
      } catch (err) {
        if (err instanceof FraudlensError && err.code === 'PERFORMANCE_LOADING')
          void reply.header('retry-after', String(FIRST_READ_RETRY_AFTER_S));
        throw err;
      }
    },
  );
  app.get<{ Querystring: PerformanceHistoryQuery }>(
    '/performance/history',
    {
      onRequest: ctx.auth.require('performance:read'),
      schema: {
        tags: ['performance'],
        summary: 'Realized and expected precision and recall per time bucket, with the labelled share',
        description:
          `The decisions of the window cut into buckets of \`bucket\` (default ${DEFAULT_HISTORY_BUCKET}), counted back from \`to\`, per model version, oldest first, empty buckets included: per bucket the decisions, the labelled share, the frauds and the fraud amount, and per level (review = review or decline, decline) realized precision, recall and fraud amount caught over the labelled decisions of the bucket, beside the precision and recall expected from the scores alone (as GET /performance: valid only while the scores stay calibrated). ` +
          `Computed from the same decisions and labels in memory as GET /performance, at the same \`to\`: the buckets' counts add up to its figures for the window. At most ${HISTORY_MAX_BUCKETS} buckets (else 400 HISTORY_TOO_MANY_BUCKETS naming \`bucket\`). ` +
          'Until the first read is done, 503 PERFORMANCE_LOADING with Retry-After.',
        querystring: PerformanceHistoryQuery,
        response: { 200: PerformanceHistoryReport, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
        ...ctx.auth.security('performance:read'),
      },
    },
    async (request, reply) => {
      try {
        return await source.history(request.query.window, request.query.bucket, request.query.model_version);
      } catch (err) {
        if (err instanceof FraudlensError && err.code === 'PERFORMANCE_LOADING')
          void reply.header('retry-after', String(FIRST_READ_RETRY_AFTER_S));
        throw err;
      }
    },
  );
  app.get<{ Querystring: ComparisonQuery }>(
    '/performance/comparison',
    {
      onRequest: ctx.auth.require('performance:read'),
      schema: {
        tags: ['performance'],
        summary: 'Champion against challengers on the same labelled transactions',
        description:
          'For the champion and each challenger in force (FRAUDLENS_CHALLENGERS, or the other aliases of the model registry), over the labelled transactions of the window that every one of them scored (deciding, or in the shadow): precision and recall at its own thresholds (flagged = review or decline), PR-AUC (average precision), ROC-AUC and the fraud amount caught; for each challenger, its decision agreement with the champion, the mean absolute score difference and the Kolmogorov-Smirnov statistic between the two score distributions. `canary` says which challenger decides the canary share (docs/challengers.md). ' +
          'Computed from the decisions and labels as read at most FRAUDLENS_PERFORMANCE_REFRESH_MS ago (`to`), per window; a change of the models served reads again at once.',
        querystring: ComparisonQuery,
        response: { 200: ComparisonReport, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
        ...ctx.auth.security('performance:read'),
      },
    },
    async (request) => comparisons.report(request.query.window),
  );
}
