/**
 * /predict and /explain for a model with feature definitions: the body is a raw transaction (or a
 * batch of them); entity-features.ts derives the features, then the same scoring as for
 * precomputed features runs on them (scoring.ts), so the log, the metrics, the drift observers
 * and the explanations see the derived features, never the raw fields.
 */

import type { FastifyReply } from 'fastify';

import type { Explained, Prediction } from '../contract/index.js';
import type { FraudlensContext } from './context.js';
import type { DerivedTransaction } from './entity-features.js';
import type { ExplainAdmission, RequestCall } from './explain-admission.js';
import type { RawBody, ServingModel } from './model-state.js';
import { bindTransactionId, bindTransactionIds } from './request-logger.js';
import { explainUnrecorded, type Scorer, type ScoreOptions } from './scoring.js';

export interface RawOptions {
  explain: boolean;
  top: number;
  /** ?features=true: answer the derived features too. */
  features: boolean;
  /** ?rescore=true: score a remembered transaction id again. */
  rescore?: boolean;
}

type Batch<P> = { predictions: P[]; count: number; model_version: string };

const rowWhere = (): string => 'body';
const batchWhere = (i: number): string => `body/instances/${i}`;

/** POST /predict with a raw body: derive (adding each transaction to the entity state), score, record. */
export async function predictRaw(
  ctx: FraudlensContext,
  m: ServingModel,
  body: unknown,
  opts: RawOptions,
  scorer: Scorer,
  admission: ExplainAdmission,
  reply: FastifyReply,
): Promise<Prediction | Batch<Prediction>> {
  const parsed = m.parseRawBody(body);
  if (parsed.kind === 'row')
    return (await scoreRawRows(ctx, m, [parsed.row], rowWhere, false, opts, scorer, admission, reply))[0];
  const predictions = await scoreRawRows(ctx, m, parsed.rows, batchWhere, true, opts, scorer, admission, reply);
  return { predictions, count: predictions.length, model_version: m.version };
}

/**
 * Raw transactions to predictions, in order: derive the features (adding each transaction to the
 * entity state), score and record them. /predict and V2 infer both come here, so a transaction
 * gets the same features and score whichever protocol brings it.
 * @param where message prefix per row, naming it in a refusal (`body/instances/3`)
 * @param batch explained batches (even of one row) run under the explanation budget
 */
export async function scoreRawRows(
  ctx: FraudlensContext,
  m: ServingModel,
  rows: readonly RawBody[],
  where: (i: number) => string,
  batch: boolean,
  opts: RawOptions,
  scorer: Scorer,
  admission: ExplainAdmission,
  reply: RequestCall,
): Promise<Prediction[]> {
  if (opts.explain && batch) admission.check(rows.length, reply);
  const derived = await ctx.entityFeatures.derive(m, rows, true, where);
  if (reply.log !== undefined) {
    if (derived.length === 1) bindTransactionId(reply.log, derived[0].transactionId);
    else
      bindTransactionIds(
        reply.log,
        derived.map((d) => d.transactionId),
      );
  }
  const one = (d: DerivedTransaction, raw: RawBody): Prediction => {
    const scoring: ScoreOptions = {
      explain: opts.explain,
      top: opts.top,
      elapsed: () => reply.elapsedTime,
      transactionId: d.transactionId,
      raw,
      rescore: opts.rescore === true,
    };
    const p = scorer.score(m, d.features, scoring);
    p.duplicate = d.duplicate;
    if (d.stateFallback) p.state_fallback = true;
    if (opts.features) p.features = d.features;
    return p;
  };
  return opts.explain && batch
    ? admission.run(derived.length, (i) => one(derived[i], rows[i]), reply)
    : derived.map((d, i) => one(d, rows[i]));
}

/** POST /explain with a raw body: derive from the state as it stands (changing nothing), explain, record nothing. */
export async function explainRaw(
  ctx: FraudlensContext,
  m: ServingModel,
  body: unknown,
  opts: Omit<RawOptions, 'explain'>,
  admission: ExplainAdmission,
  reply: FastifyReply,
): Promise<Explained | Batch<Explained>> {
  const parsed = m.parseRawBody(body);
  const rows = parsed.kind === 'row' ? [parsed.row] : parsed.rows;
  const derived = await ctx.entityFeatures.derive(m, rows, false, parsed.kind === 'row' ? rowWhere : batchWhere);
  const one = (d: DerivedTransaction, raw: RawBody): Explained => {
    const e = explainUnrecorded(m, d.features, opts.top, ctx.rules, { raw });
    e.transaction_id = d.transactionId;
    if (opts.features) e.features = d.features;
    return e;
  };
  if (parsed.kind === 'row') return one(derived[0], rows[0]);
  const predictions = await admission.run(derived.length, (i) => one(derived[i], rows[i]), reply);
  return { predictions, count: predictions.length, model_version: m.version };
}
