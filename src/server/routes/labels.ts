/**
 * Labels and the analyst's reads: POST /labels (one or a batch), GET /labels/{transaction_id},
 * GET /review (decisions waiting for a verdict, oldest first) and GET /auth/me (who a key is and
 * what it may do). Labels go to the label store beside the decisions (storage/labels).
 */

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';

import {
  AuthMe,
  DecisionsResponse,
  LabelHistory,
  LabelsAccepted,
  LabelsBody,
  MAX_DECISIONS_PAGE,
  reviewQuerySchema,
  type LabelInput,
  type ReviewQuery,
} from '../../contract/index.js';
import { FraudlensError } from '../../core/errors.js';
import { toNewLabel, type NewLabel, type PredictionRecord } from '../../storage/index.js';
import { ANONYMOUS, callerOf } from '../auth.js';
import type { FraudlensContext } from '../context.js';
import { errorResponseSchema } from '../schemas.js';

const TransactionParams = Type.Object(
  { transaction_id: Type.String({ minLength: 1, maxLength: 200, description: "The caller's transaction id." }) },
  { additionalProperties: false },
);

/** The one-label form of the body, its fields required (the merged schema makes them optional). */
function single(body: LabelsBody): LabelInput {
  for (const field of ['transaction_id', 'label', 'source'] as const) {
    if (body[field] === undefined) {
      throw new FraudlensError('INPUT_INVALID', `a label needs ${field} (or send a batch as {labels: [...]})`, { field });
    }
  }
  return body as LabelInput;
}

/** Attaches each decision's current label (null when none). */
async function withLabels(ctx: FraudlensContext, records: PredictionRecord[]): Promise<PredictionRecord[]> {
  const ids = records.flatMap((r) => (r.transaction_id === undefined ? [] : [r.transaction_id]));
  const current = await ctx.labelStore.current(ids);
  return records.map((r) => ({
    ...r,
    label: (r.transaction_id === undefined ? undefined : current.get(r.transaction_id)) ?? null,
  }));
}

/** A page of decisions with their labels, the `labelled` filter served by the label store when in process. */
export async function labelledPage(
  ctx: FraudlensContext,
  query: Parameters<FraudlensContext['predictionLog']['query']>[0],
): Promise<{ decisions: PredictionRecord[]; count: number; next_cursor: string | null; backend: string }> {
  const q =
    query.labelled === undefined || !ctx.predictionLog.queryable
      ? query
      : { ...query, labelled_ids: await ctx.labelStore.lookup() };
  const page = await ctx.predictionLog.query(q);
  const decisions = await withLabels(ctx, page.records);
  return { decisions, count: decisions.length, next_cursor: page.next_cursor, backend: ctx.predictionLog.backend };
}

export { withLabels };

export function registerLabels(app: FastifyInstance, ctx: FraudlensContext): void {
  const { auth } = ctx;
  const limit = Math.min(ctx.config.logsLimit, MAX_DECISIONS_PAGE);

  app.get(
    '/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who the presented API key is, and what it may do',
        description:
          'The name, role and permissions of the key (roles and permissions: docs/api.md). Without API keys configured: name and role null, every permission but admin.',
        response: { 200: AuthMe, '4xx': errorResponseSchema },
        ...auth.security('score'),
      },
    },
    async (request: FastifyRequest) => auth.me(request),
  );

  app.post<{ Body: LabelsBody }>(
    '/labels',
    {
      onRequest: auth.require('labels:write'),
      schema: {
        tags: ['labels'],
        summary: 'Record labels: what transactions turned out to be',
        description:
          'One label {transaction_id, label, source, known_at?, note?} or a batch {labels: [...]}. Labels of ids not decided yet are kept and joined when the decision arrives. ' +
          "Several labels of one id: the latest known_at is current (ties: recorded last); all stay in the history. `labelled_by` is the API key's name.",
        body: LabelsBody,
        response: { 200: LabelsAccepted, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
        ...auth.security('labels:write'),
      },
    },
    async (request) => {
      const body = request.body;
      const by = callerOf(request).name ?? ANONYMOUS;
      const now = Date.now();
      let labels: NewLabel[];
      if (body.labels !== undefined) {
        const stray = (['transaction_id', 'label', 'source', 'known_at', 'note'] as const).find((k) => body[k] !== undefined);
        if (stray !== undefined) {
          throw new FraudlensError('INPUT_INVALID', `send either one label or {labels: [...]}, not ${stray} beside labels`, {
            field: stray,
          });
        }
        labels = body.labels.map((l, i) => toNewLabel(l, `labels/${i}/`, by, now));
      } else {
        labels = [toNewLabel(single(body), '', by, now)];
      }
      return ctx.labelStore.add(labels);
    },
  );

  app.get<{ Params: { transaction_id: string } }>(
    '/labels/:transaction_id',
    {
      onRequest: auth.require('decisions:read'),
      schema: {
        tags: ['labels'],
        summary: 'The current label of a transaction id and its history',
        params: TransactionParams,
        response: { 200: LabelHistory, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
        ...auth.security('decisions:read'),
      },
    },
    async (request) => {
      const id = request.params.transaction_id;
      const found = await ctx.labelStore.history(id);
      if (found === undefined)
        throw new FraudlensError('NOT_FOUND', `no label is stored for transaction_id "${id}"`, { field: 'transaction_id' });
      return { transaction_id: id, ...found };
    },
  );

  app.get<{ Querystring: ReviewQuery }>(
    '/review',
    {
      onRequest: auth.require('decisions:read'),
      schema: {
        tags: ['labels'],
        summary: 'The review queue: decisions to review that have no label yet, oldest first',
        description: `The same as GET /decisions?decision=review&labelled=false&order=asc; at most ${limit} per page, next_cursor for the next.`,
        querystring: reviewQuerySchema(limit),
        response: { 200: DecisionsResponse, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
        ...auth.security('decisions:read'),
      },
    },
    async (request) =>
      labelledPage(ctx, {
        decision: 'review',
        labelled: false,
        order: 'asc',
        limit: request.query.limit,
        cursor: request.query.cursor,
      }),
  );
}
