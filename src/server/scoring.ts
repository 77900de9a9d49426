/**
 * Scoring one validated transaction, shared by /predict and V2 infer: margin from the predictor
 * (no allocation), decision from the model's thresholds, an explanation only when asked, then the
 * prediction record to the log and the row to the observers. Everything here is synchronous, so
 * the model's scratch row is never shared between two requests.
 */

import { randomUUID } from 'node:crypto';

import type { FastifyBaseLogger } from 'fastify';

import {
  CHAMPION_ALIAS,
  type Decision,
  type Explained,
  type Explanation,
  type Prediction,
  type RiskLevel,
  type TopContribution,
} from '../contract/index.js';
import { UNKNOWN_CATEGORY_CODE } from '../core/data/table.js';
import { decide } from '../core/engine/model.js';
import { sigmoid } from '../core/engine/predict.js';
import { checkAdditivity } from '../core/explanation/treeshap.js';
import { FraudlensError } from '../core/errors.js';
import type { PredictionRecord } from '../storage/index.js';
import { isoInstant } from '../storage/prediction-log/instant.js';
import type { FraudlensContext } from './context.js';
import { TRANSACTION_ID_FIELD } from './schemas.js';
import type { RawBody, ServingModel, Transaction } from './model-state.js';
import type { RulesHolder } from './rules.js';
import { routedToCanary, type Lineup, type ShadowModel } from './challengers.js';

const RISK: Record<Decision, RiskLevel> = { approve: 'low', review: 'medium', decline: 'high' };

let isoMs = -1;
let isoText = '';

/** The current time as ISO 8601; records of one millisecond share one string (the log compares it first). */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = isoInstant(ms);
  }
  return isoText;
}

export interface ScoreOptions {
  explain: boolean;
  /** Features listed in explanation.top. */
  top: number;
  /** Milliseconds since the request started (reply.elapsedTime). */
  elapsed: () => number;
  /** The caller's transaction id (the reserved field, or a raw transaction's event id): answered and logged. */
  transactionId?: string | undefined;
  /** The raw transaction (models with feature definitions): rules may read its fields. */
  raw?: RawBody;
  /** ?rescore=true: score a transaction id again even when its decision is remembered. */
  rescore?: boolean;
  /**
   * The transaction's row as the model's readRow filled it (its scratch row, unknownFeatures set);
   * absent: read here with toRow.
   */
  values?: Float64Array;
}

/**
 * Splits the reserved `transaction_id` off a validated transaction of precomputed features. Most
 * requests carry none and cost one property read.
 */
export function splitTransactionId(t: Transaction): { features: Transaction; transactionId: string | undefined } {
  const id = t[TRANSACTION_ID_FIELD];
  if (id === undefined) return { features: t, transactionId: undefined };
  const { [TRANSACTION_ID_FIELD]: _id, ...features } = t;
  return { features, transactionId: id as string };
}

/** The explanation of the row just scored, from the model's scratch buffers. */
function explain(m: ServingModel, t: Transaction, margin: number, top: number): Explanation {
  if (m.explainer === null) {
    throw new FraudlensError(
      'MODEL_UNSUPPORTED',
      `explanations are not available for this model: ${m.explainerError ?? 'unsupported trees'}`,
      { field: 'explain' },
    );
  }
  const phi = m.explainer.explainRow(m.row, m.contribs);
  checkAdditivity(phi, margin);
  const n = m.names.length;
  const contributions: Record<string, number> = {};
  for (let j = 0; j < n; j++) contributions[m.names[j]] = phi[j];
  const k = Math.min(top, n);
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => Math.abs(phi[b]) - Math.abs(phi[a]) || a - b);
  const list: TopContribution[] = new Array(k);
  for (let i = 0; i < k; i++) {
    const j = order[i];
    list[i] = { feature: m.names[j], value: m.displayValue(t, j), contribution: phi[j] };
    if (m.descriptions !== null) list[i].description = m.descriptions[j];
  }
  return { base_value: phi[n], margin, units: 'log-odds', contributions, top: list };
}

/** The amount a decision records: the raw field's number, else the feature's; undefined when neither is a finite number. */
function amountOf(field: string, t: Transaction, raw: RawBody | undefined): number | undefined {
  const v = raw !== undefined ? (raw as Record<string, unknown>)[field] : t[field];
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  // A raw number field may come as text ("356.09"), which the feature definitions read as the number.
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Scores and explains `t` (already validated against `m`) without recording anything: no log
 * record, no drift-window row, no decision counter. For reads such as the dashboard's importance
 * estimate, which must not change what the service measures.
 * @param top features listed in explanation.top
 * @param from.raw the raw transaction (models with feature definitions): rules may read its fields
 * @param from.values t's row as m.readRow filled it; absent: read here with toRow
 */
export function explainUnrecorded(
  m: ServingModel,
  t: Transaction,
  top: number,
  rules: RulesHolder,
  from: { raw?: RawBody; values?: Float64Array } = {},
): Explained {
  const raw = from.raw;
  const margin = m.predictor.predictRowMargin(from.values ?? m.toRow(t));
  const score = sigmoid(margin);
  const thresholds = m.model.thresholds;
  const compiled = rules.for(m);
  const position = compiled === null ? -1 : compiled.first(score, t, raw ?? null);
  const rule = position >= 0 ? compiled!.rules[position] : null;
  const decision = rule !== null ? rule.decision : decide(score, thresholds);
  const explanation = explain(m, t, margin, top);
  const explained: Explained = {
    model_version: m.version,
    score,
    decision,
    risk_level: RISK[decision],
    thresholds,
    reasons: rules.reasons(m, t, thresholds, decision, rule, true),
    explanation,
  };
  if (rule !== null) explained.rule_id = rule.id;
  if (compiled !== null) explained.rules_version = compiled.version;
  // Flagged as /predict flags them, but not counted: a read changes no metric.
  if (m.unknownCount > 0)
    explained.unknown_categories = Array.from(m.unknownFeatures.subarray(0, m.unknownCount), (j) => m.names[j]);
  return explained;
}

export class Scorer {
  private readonly ctx: FraudlensContext;
  private readonly log: FastifyBaseLogger;
  private readonly failedObservers = new Set<unknown>();
  /** The field recorded as `amount`; null when it is masked (PII), since the amount would unmask it. */
  private readonly amountField: string | null;

  constructor(ctx: FraudlensContext, log: FastifyBaseLogger) {
    this.ctx = ctx;
    this.log = log;
    const field = ctx.config.amountField;
    this.amountField = ctx.config.piiFields.includes(field) ? null : field;
  }

  /**
   * Scores `t` (already validated against `m`), records it and returns the prediction.
   * @param m the model snapshot the request uses from start to end
   */
  score(m: ServingModel, t: Transaction, opts: ScoreOptions): Prediction {
    const transactionId = opts.transactionId;
    if (transactionId !== undefined && opts.rescore !== true) {
      const decided = this.ctx.decisionReplay.get(transactionId);
      if (decided !== undefined) {
        this.ctx.metrics.recordReplay();
        return { ...decided, replayed: true };
      }
    }
    const prediction = this.scoreNew(m, t, opts);
    if (transactionId !== undefined) this.ctx.decisionReplay.remember(transactionId, prediction);
    return prediction;
  }

  private scoreNew(champion: ServingModel, t: Transaction, opts: ScoreOptions): Prediction {
    // The canary share is decided by its challenger; the champion then scores in the shadow. One
    // lineup from start to end: the registry may replace it meanwhile.
    const lineup = this.ctx.challengers.current;
    const canary = lineup.canary;
    const routed = canary !== null && routedToCanary(opts.transactionId, canary.share);
    const m = routed ? canary.challenger.model : champion;
    // A canary challenger reads the transaction with its own features; the filled row is the champion's.
    const row = routed || opts.values === undefined ? m.toRow(t) : opts.values;
    const margin = m.predictor.predictRowMargin(row);
    const score = sigmoid(margin);
    const thresholds = m.model.thresholds;
    // Rules first (block, review, allow; the first match decides), else the thresholds.
    const rules = this.ctx.rules;
    const compiled = rules.for(m);
    const position = compiled === null ? -1 : compiled.first(score, t, opts.raw ?? null);
    const rule = position >= 0 ? compiled!.rules[position] : null;
    const decision = rule !== null ? rule.decision : decide(score, thresholds);
    const explanation = opts.explain ? explain(m, t, margin, opts.top) : undefined;
    // Before flagUnknown: the reasons' TreeSHAP reads the row as scored.
    const reasons = rules.reasons(m, t, thresholds, decision, rule, explanation !== undefined);
    const prediction: Prediction = {
      id: randomUUID(),
      model_version: m.version,
      score,
      decision,
      risk_level: RISK[decision],
      thresholds,
      latency_ms: opts.elapsed(),
      reasons,
    };
    if (rule !== null) {
      prediction.rule_id = rule.id;
      rules.recordDecision(rule);
    }
    if (compiled !== null) prediction.rules_version = compiled.version;
    if (opts.transactionId !== undefined) prediction.transaction_id = opts.transactionId;
    if (m.unknownCount > 0) prediction.unknown_categories = this.flagUnknown(m, row);
    if (explanation !== undefined) prediction.explanation = explanation;
    const shadowed = lineup.challengers.length > 0;
    if (shadowed) prediction.model_alias = routed ? canary.challenger.alias : CHAMPION_ALIAS;
    this.record(
      m,
      t,
      row,
      prediction,
      opts.rescore === true && opts.transactionId !== undefined,
      opts.raw,
      shadowed ? lineup : null,
      routed ? champion : null,
    );
    return prediction;
  }

  /**
   * The features of the row just scored whose category the model did not know: counted in the
   * metrics, and marked in the row for the observers (drift counts them as new categories) now
   * that prediction and explanation are done with it.
   */
  private flagUnknown(m: ServingModel, row: Float64Array): string[] {
    const names: string[] = new Array(m.unknownCount);
    for (let k = 0; k < m.unknownCount; k++) {
      const j = m.unknownFeatures[k];
      names[k] = m.names[j];
      row[j] = UNKNOWN_CATEGORY_CODE;
      this.ctx.metrics.recordUnknownCategory(m.names[j]);
    }
    return names;
  }

  /**
   * Appends the decision record and tells the observers. With challengers the record waits in the
   * shadow queue until the other models scored the transaction, after the response went out.
   * @param lineup the challengers of this transaction; null: none, the record is appended at once
   * @param shadowChampion the champion, when a canary challenger decided: the observers then see
   *   the champion's row and score from its shadow scoring, so drift follows the champion's inputs
   */
  private record(
    m: ServingModel,
    t: Transaction,
    row: Float64Array,
    p: Prediction,
    rescore: boolean,
    raw: RawBody | undefined,
    lineup: Lineup | null,
    shadowChampion: ServingModel | null,
  ): void {
    const ctx = this.ctx;
    ctx.metrics.recordPrediction(p.decision, p.score);
    const record: PredictionRecord = {
      id: p.id,
      timestamp: isoNow(),
      model_version: p.model_version,
      score: p.score,
      decision: p.decision,
      risk_level: p.risk_level,
      latency_ms: p.latency_ms,
      // Frozen, the log keeps the request's own object instead of copying it (nothing else
      // writes to it once validated).
      features: Object.freeze(t),
    };
    if (p.transaction_id !== undefined) record.transaction_id = p.transaction_id;
    const amount = this.amountField === null ? undefined : amountOf(this.amountField, t, raw);
    if (amount !== undefined) record.amount = amount;
    if (p.rules_version !== undefined) record.rules_version = p.rules_version;
    record.reasons = p.reasons;
    if (rescore) record.repeat = 'rescore';
    if (p.explanation !== undefined) record.explanation = p.explanation;
    if (lineup === null) ctx.predictionLog.append(record);
    else {
      record.model_alias = p.model_alias;
      ctx.shadow.push(record, t, raw, othersThan(lineup, p.model_alias!, shadowChampion));
    }
    if (shadowChampion === null) this.notify(row, p.score, m);
  }

  /** Tells the onScored observers of a scored row (the champion's); one that throws is counted and logged once. */
  readonly notify = (row: Float64Array, score: number, m: ServingModel): void => {
    const observers = this.ctx.onScored;
    for (let i = 0; i < observers.length; i++) {
      try {
        observers[i](row, score, m);
      } catch (err) {
        this.ctx.metrics.recordObserverError();
        if (!this.failedObservers.has(observers[i])) {
          this.failedObservers.add(observers[i]);
          this.log.error({ err }, 'an onScored observer threw; further errors of this observer are only counted');
        }
      }
    }
  };
}

/** The models that did not decide, champion first (the lineup's own list for every transaction the champion decides). */
function othersThan(lineup: Lineup, alias: string, champion: ServingModel | null): readonly ShadowModel[] {
  if (champion === null) return lineup.shadowModels;
  const others: ShadowModel[] = [{ alias: CHAMPION_ALIAS, model: champion }];
  for (const c of lineup.challengers) if (c.alias !== alias) others.push({ alias: c.alias, model: c.model });
  return others;
}
