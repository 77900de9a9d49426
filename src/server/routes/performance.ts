/**
 * GET /performance: realized precision, recall, false-positive rate, fraud amount caught and the
 * AUCs of the labelled decisions, per model version, decision level and label maturity, beside the
 * figures the scores alone lead one to expect (server/performance.ts builds the report).
 */

import type { FastifyInstance } from 'fastify';

import { PerformanceQuery, PerformanceReport } from '../../contract/index.js';
import type { LabelStore } from '../../storage/labels/contract.js';
import { requireApiKey, securityOf } from '../auth.js';
import type { FraudlensContext } from '../context.js';
import { performanceReport } from '../performance.js';
import { errorResponseSchema } from '../schemas.js';

export function registerPerformance(app: FastifyInstance, ctx: FraudlensContext, store: LabelStore): void {
  const { config } = ctx;
  app.get<{ Querystring: PerformanceQuery }>(
    '/performance',
    {
      onRequest: requireApiKey(config.apiKey),
      schema: {
        tags: ['performance'],
        summary: 'Realized and expected performance of the decisions, from the labels that have arrived',
        description:
          'Per model version: the share of decisions labelled, ROC-AUC and PR-AUC of the scores over labelled decisions, and per decision level (review = review or decline, decline, each rule) precision, recall, false-positive rate and fraud amount caught; the same for decisions older than 7, 30 and 60 days, whose labels have had time to arrive. ' +
          'Beside each level, the precision, recall and false-positive rate expected from the scores alone (confidence-based, as NannyML CBPE): valid only while the scores stay calibrated, not under concept drift.',
        querystring: PerformanceQuery,
        response: { 200: PerformanceReport, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
        ...securityOf(config.apiKey),
      },
    },
    async (request) => performanceReport(store, request.query.window, request.query.model_version, Date.now()),
  );
}
