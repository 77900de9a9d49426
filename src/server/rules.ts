/**
 * The rules beside the model, as the server holds them: the rules file in force, compiled once per
 * model it runs beside (a model reload recompiles them before the swap, and a model whose
 * features the rules need is refused), reloaded like models (validated first; a bad file is
 * refused with its path and the rules in force keep serving), and counted per rule in /metrics.
 *
 * Scoring asks `for(m)` for the compiled set of the model snapshot it scores with; finding the
 * deciding rule allocates nothing (core/rules). Reason codes are built here: the deciding rule
 * or threshold always, and the features pushing towards fraud when the TreeSHAP values are at
 * hand or worth their cost (review and decline decisions; FRAUDLENS_REASON_FEATURES).
 */

import { Counter, Gauge, type Registry } from 'prom-client';

import type { Reason, RulesReport } from '../contract/index.js';
import type { Decision, DecisionThresholds } from '../core/engine/model.js';
import { FraudlensError } from '../core/errors.js';
import {
  featureReason,
  rulesVocabulary,
  thresholdReasons,
  topFraudFeatures,
  type CompiledRule,
  type CompiledRules,
} from '../core/rules/index.js';
import { compileRulesFile, readRulesFile, type RulesFile } from '../io/rules-file.js';
import type { ServerConfig } from './config.js';
import { FastCounter, type CounterChild } from './fast-metrics.js';
import type { ModelHolder, ServingModel, Transaction } from './model-state.js';

interface LiveRules {
  file: RulesFile;
  loadedAt: string;
  /** The set compiled for each model it has run beside (null: it does not fit that model). */
  byModel: WeakMap<ServingModel, CompiledRules | null>;
}

/** Most reason features (FRAUDLENS_REASON_FEATURES' maximum). */
const MAX_REASON_FEATURES = 100;

export class RulesHolder {
  private live: LiveRules | null = null;
  /** The rules that come with a model being swapped in (swapWithModel); undefined: the rules in force stay. */
  private staged: { file: RulesFile | null } | undefined;
  private pending: Promise<unknown> = Promise.resolve();
  private readonly decisions: FastCounter;
  private readonly children = new Map<CompiledRule, CounterChild>();
  private readonly info: Gauge<'version'>;
  private readonly reloads: Counter<'result'>;
  /** The threshold reasons of each model's thresholds, built once. */
  private readonly byThresholds = new WeakMap<DecisionThresholds, Readonly<Record<Decision, Reason>>>();
  /** Scratch for the indices of the top features (reasons are built synchronously). */
  private readonly top = new Int32Array(MAX_REASON_FEATURES);

  private constructor(
    private readonly config: ServerConfig,
    private readonly models: ModelHolder,
    registry: Registry,
  ) {
    this.decisions = new FastCounter({
      name: 'fraudlens_rule_decisions_total',
      help: 'Transactions decided by a rule, by rule id and action (the rest were decided by the model thresholds: fraudlens_predictions_total minus these).',
      labelNames: ['rule', 'action'],
      registry,
    });
    this.info = new Gauge({
      name: 'fraudlens_rules_info',
      help: 'The rules in force (value 1).',
      labelNames: ['version'],
      registers: [registry],
    });
    this.reloads = new Counter({
      name: 'fraudlens_rules_reloads_total',
      help: 'Rules reload attempts by result.',
      labelNames: ['result'],
      registers: [registry],
    });
  }

  /**
   * Reads and compiles the configured rules file against the model in force (a bad file stops
   * the start with RULES_INVALID naming it), and makes every model reload check the rules fit.
   */
  static async create(
    config: ServerConfig,
    models: ModelHolder,
    registry: Registry,
    rulesPath: string | null = config.rulesPath,
  ): Promise<RulesHolder> {
    const holder = new RulesHolder(config, models, registry);
    if (rulesPath !== null) holder.install(await readRulesFile(rulesPath));
    models.beforeSwap((next) => holder.checkModel(next));
    // Runs in the same tick as the swap, so no request sees the new model with the old rules.
    models.onChange(() => {
      if (holder.staged === undefined) return;
      if (holder.staged.file === null) {
        holder.live = null;
        holder.info.reset();
      } else holder.install(holder.staged.file);
      holder.staged = undefined;
    });
    return holder;
  }

  /**
   * Swaps in the model at `path` together with `rules` (null: no rules), as the model registry
   * stores them: the rules are checked against the new model before the swap and put in force in
   * the same tick, or neither changes.
   */
  async swapWithModel(path: string, rules: RulesFile | null): Promise<{ previous: ServingModel; current: ServingModel }> {
    this.staged = { file: rules };
    try {
      return await this.models.reload(path);
    } finally {
      this.staged = undefined;
    }
  }

  /** Compiles `file` for the model in force and puts it in force. */
  private install(file: RulesFile): void {
    const m = this.models.current;
    const compiled = compileFor(file, m);
    const byModel = new WeakMap<ServingModel, CompiledRules | null>([[m, compiled]]);
    for (const r of compiled.rules) this.decisions.labels(r.id, r.action);
    this.info.reset();
    this.info.labels(file.version).set(1);
    this.live = { file, loadedAt: new Date().toISOString(), byModel };
  }

  /** The rules compiled for model snapshot `m`, or null when there are none (the thresholds decide). */
  for(m: ServingModel): CompiledRules | null {
    const live = this.live;
    if (live === null) return null;
    const known = live.byModel.get(m);
    if (known !== undefined) return known;
    // A snapshot the rules were never checked against (a request that began before a reload of
    // the rules and holds the previous model): compile once; if they do not fit, thresholds only.
    let compiled: CompiledRules | null;
    try {
      compiled = compileFor(live.file, m);
    } catch {
      compiled = null;
    }
    live.byModel.set(m, compiled);
    return compiled;
  }

  /** Refuses a model the rules in force cannot run beside (they read a name it lacks). */
  private checkModel(next: ServingModel): void {
    const file = this.staged !== undefined ? this.staged.file : (this.live?.file ?? null);
    if (file === null) return;
    try {
      const compiled = compileFor(file, next);
      if (this.staged === undefined) this.live!.byModel.set(next, compiled);
    } catch (e) {
      if (!(e instanceof FraudlensError)) throw e;
      const which = this.staged !== undefined ? 'stored with' : 'in force';
      throw new FraudlensError(
        e.code,
        `the rules ${which} (${file.version}) do not fit the new model, which is refused: ${e.message}`,
        e.location,
      );
    }
  }

  /** Re-reads FRAUDLENS_RULES_PATH, compiles it for the model in force, then swaps; one reload at a time. */
  reload(): Promise<{ previous: string; current: RulesFile; rules: number }> {
    const path = this.config.rulesPath;
    const run = async () => {
      if (path === null)
        throw new FraudlensError(
          'RULES_NOT_CONFIGURED',
          'the server was started without FRAUDLENS_RULES_PATH: there is no rules file to reload',
        );
      try {
        const file = await readRulesFile(path);
        const previous = this.live?.file.version ?? 'none';
        this.install(file);
        this.reloads.labels('success').inc();
        return { previous, current: file, rules: file.definition.rules.length };
      } catch (e) {
        this.reloads.labels('failure').inc();
        throw e;
      }
    };
    const result = this.pending.then(run, run);
    this.pending = result.catch(() => undefined);
    return result;
  }

  /** The version in force, or undefined without rules. */
  get version(): string | undefined {
    return this.live?.file.version;
  }

  report(): RulesReport {
    const live = this.live;
    if (live === null) return { configured: false, version: null, sha256: null, path: null, loaded_at: null, rules: [] };
    const compiled = this.for(this.models.current);
    const rules = compiled?.rules ?? [];
    return {
      configured: true,
      version: live.file.version,
      sha256: live.file.sha256,
      path: live.file.path,
      loaded_at: live.loadedAt,
      rules: rules.map((r, order) => ({ id: r.id, action: r.action, when: r.when, reason: r.reason, order })),
    };
  }

  /** Counts a decision made by `rule`. */
  recordDecision(rule: CompiledRule): void {
    let child = this.children.get(rule);
    if (child === undefined) {
      child = this.decisions.labels(rule.id, rule.action);
      this.children.set(rule, child);
    }
    child.inc();
  }

  /**
   * The reasons of a decision: the deciding rule or threshold, then the features pushing most
   * towards fraud. Those need the row's TreeSHAP values: when the request explained it they are
   * in `m.contribs` already (`explained`); otherwise they are computed for review and decline
   * decisions only, so approvals stay at the cost of a prediction.
   */
  reasons(
    m: ServingModel,
    t: Transaction,
    thresholds: DecisionThresholds,
    decision: Decision,
    rule: CompiledRule | null,
    explained: boolean,
  ): Reason[] {
    let fixed = this.byThresholds.get(thresholds);
    if (fixed === undefined) this.byThresholds.set(thresholds, (fixed = thresholdReasons(thresholds)));
    const reasons: Reason[] = [rule !== null ? rule.reasonCode : fixed[decision]];
    const k = this.config.reasonFeatures;
    if (k === 0 || m.explainer === null) return reasons;
    if (!explained) {
      if (decision === 'approve') return reasons;
      m.explainer.explainRow(m.row, m.contribs);
    }
    const phi = m.contribs;
    const count = topFraudFeatures(phi, m.names.length, k, this.top);
    for (let i = 0; i < count; i++) {
      const j = this.top[i];
      const description = m.descriptions?.[j] ?? m.features[j].description ?? null;
      reasons.push(featureReason(m.names[j], description, m.displayValue(t, j), phi[j]));
    }
    return reasons;
  }
}

function compileFor(file: RulesFile, m: ServingModel): CompiledRules {
  return compileRulesFile(file, rulesVocabulary(m.features, m.definitions));
}
