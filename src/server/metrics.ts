/**
 * Prometheus metrics (prom-client) on a registry of the app's own, so several apps in one process
 * (tests) never share or clash. The metrics every request updates are fast-metrics.ts ones,
 * updated through label children cached here: a prediction costs a map lookup and a few
 * additions. Values owned elsewhere (the prediction log's counters, the Redis connection) are
 * read at scrape time.
 */

import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

import type { Decision } from '../core/engine/model.js';
import type { AddOutcome } from '../core/features/state-store.js';
import { predictionLogBackend, type PredictionLog } from '../storage/index.js';
import { VERSION } from '../version.js';
import { FastCounter, FastHistogram, type CounterChild, type HistogramChild } from './fast-metrics.js';
import type { ServingModel } from './model-state.js';

export interface MetricsOptions {
  env: string;
  predictionLog: PredictionLog;
  /** Also export the process metrics (CPU, memory, event-loop delay, GC). */
  processMetrics?: boolean;
}

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requestDuration: FastHistogram;
  private readonly predictions: FastCounter;
  private readonly score: HistogramChild;
  private readonly modelInfo: Gauge<'version' | 'sha256' | 'source'>;
  private readonly challengerInfo: Gauge<'alias' | 'version' | 'sha256'>;
  private readonly reloads: Counter<'result'>;
  private readonly observerErrors: Counter;
  private readonly requestChildren = new Map<string, HistogramChild>();
  private readonly decisionChildren = new Map<Decision, CounterChild>();
  private readonly unknownCategories: FastCounter;
  private readonly unknownCategoryChildren = new Map<string, CounterChild>();
  private readonly rawAdded: CounterChild;
  private readonly rawDuplicates: CounterChild;
  private readonly rawExplained: CounterChild;
  private readonly rawUnapplied: CounterChild;
  private readonly featureErrors: FastCounter;
  private readonly featureSeconds: HistogramChild;
  private readonly replays: Counter;
  private readonly shadowScorings: Counter<'alias'>;
  private readonly shadowErrors: Counter<'alias'>;

  constructor(options: MetricsOptions) {
    const registers = [this.registry];
    const log = options.predictionLog;
    new Gauge({
      name: 'fraudlens_build_info',
      help: 'fraudlens version and deployment (value 1).',
      labelNames: ['version', 'env'],
      registers,
    })
      .labels(VERSION, options.env)
      .set(1);
    const registry = this.registry;
    this.requestDuration = new FastHistogram({
      name: 'fraudlens_http_request_duration_seconds',
      help: 'HTTP request duration by route pattern, method and status code.',
      labelNames: ['method', 'route', 'status_code'],
      // Predictions take well under a millisecond; the low buckets resolve them.
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registry,
    });
    this.predictions = new FastCounter({
      name: 'fraudlens_predictions_total',
      help: 'Scored transactions by decision.',
      labelNames: ['decision'],
      registry,
    });
    this.score = new FastHistogram({
      name: 'fraudlens_prediction_score',
      help: 'Fraud probability of scored transactions.',
      buckets: [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99],
      registry,
    }).labels();
    this.unknownCategories = new FastCounter({
      name: 'fraudlens_unknown_category_total',
      help: 'Scored transactions whose category name the model does not know (scored as a missing value), by feature.',
      labelNames: ['feature'],
      registry,
    });
    const raw = new FastCounter({
      name: 'fraudlens_raw_transactions_total',
      help: 'Raw transactions whose features were derived from entity state, by outcome: added to the state, duplicate (id already seen: scored, counted once), or read (POST /explain: state unchanged).',
      labelNames: ['outcome'],
      registry,
    });
    this.rawAdded = raw.labels('added');
    this.rawDuplicates = raw.labels('duplicate');
    this.rawExplained = raw.labels('read');
    this.rawUnapplied = raw.labels('unapplied');
    this.featureErrors = new FastCounter({
      name: 'fraudlens_feature_errors_total',
      help: 'Raw transactions whose features could not be computed, by stage: input (refused with a 400 naming the field) or state (the entity state store failed).',
      labelNames: ['stage'],
      registry,
    });
    this.featureErrors.labels('input');
    this.featureErrors.labels('state');
    this.featureSeconds = new FastHistogram({
      name: 'fraudlens_feature_compute_seconds',
      help: 'Time to derive the features of one raw transaction (reading it, row features, entity state read and update, ratios).',
      buckets: [0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.1],
      registry,
    }).labels();
    this.modelInfo = new Gauge({
      name: 'fraudlens_model_info',
      help: 'The model being served (value 1).',
      labelNames: ['version', 'sha256', 'source'],
      registers,
    });
    this.challengerInfo = new Gauge({
      name: 'fraudlens_challenger_info',
      help: 'The challengers scored in the shadow of the champion, by alias (value 1).',
      labelNames: ['alias', 'version', 'sha256'],
      registers,
    });
    this.reloads = new Counter({
      name: 'fraudlens_model_reloads_total',
      help: 'Model reload attempts by result.',
      labelNames: ['result'],
      registers,
    });
    this.observerErrors = new Counter({
      name: 'fraudlens_score_observer_errors_total',
      help: 'Exceptions thrown by onScored observers (plugins).',
      registers,
    });

    this.shadowScorings = new Counter({
      name: 'fraudlens_shadow_scorings_total',
      help: 'Transactions scored in the shadow (after the response) by a model that did not decide them, by model alias.',
      labelNames: ['alias'],
      registers,
    });
    this.shadowErrors = new Counter({
      name: 'fraudlens_shadow_errors_total',
      help: 'Shadow scorings that failed, by model alias: left out of the record, never affecting a response.',
      labelNames: ['alias'],
      registers,
    });
    this.replays = new Counter({
      name: 'fraudlens_decision_replays_total',
      help: 'Requests for a transaction id this process had decided: answered with the stored decision, not scored again.',
      registers,
    });
    new Gauge({
      name: 'fraudlens_prediction_log_buffered',
      help: 'Prediction records waiting in this process for their backend.',
      labelNames: ['backend'],
      registers,
      collect() {
        this.labels(log.backend).set(log.stats().buffered);
      },
    });
    // The log keeps the running totals; these counters follow them at scrape time.
    const follow = (name: string, help: string, read: () => number): void => {
      let seen = 0;
      new Counter({
        name,
        help,
        labelNames: ['backend'],
        registers,
        collect() {
          const now = read();
          if (now > seen) this.labels(log.backend).inc(now - seen);
          else this.labels(log.backend).inc(0);
          seen = Math.max(seen, now);
        },
      });
    };
    follow(
      'fraudlens_prediction_log_dropped_total',
      'Prediction records that will never be stored (buffer full, invalid, or lost at shutdown).',
      () => log.stats().dropped,
    );
    follow(
      'fraudlens_prediction_log_written_total',
      'Prediction records confirmed stored by the backend.',
      () => log.stats().written,
    );
    follow(
      'fraudlens_decisions_duplicate_total',
      'Decisions stored flagged as duplicates: a transaction id scored again without ?rescore=true after this process forgot it, or on another replica.',
      () => log.stats().duplicates,
    );
    // Whatever the backend: a store cut off from its server (Redis, PostgreSQL) reports 0.
    new Gauge({
      name: 'fraudlens_prediction_log_connected',
      help: 'Whether the prediction log backend accepts writes (1) or not (0: its server is away and records wait in the bounded buffer).',
      labelNames: ['backend'],
      registers,
      collect() {
        this.labels(log.backend).set(log.stats().connected ? 1 : 0);
      },
    });
    // The older name, kept for existing dashboards and alerts: backends that need Redis only.
    if (predictionLogBackend(log.backend)?.service === 'redis') {
      new Gauge({
        name: 'fraudlens_redis_connected',
        help: 'Whether the Redis prediction log is connected (1) or not (0).',
        registers,
        collect() {
          this.set(log.stats().connected ? 1 : 0);
        },
      });
    }
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'fraudlens_' });
  }

  /** Records one finished HTTP request; `route` is the pattern (e.g. /v2/models/:name). */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.requestChild(method, route, statusCode).observe(seconds);
  }

  /**
   * The recorder of one route's finished requests, made once per route: it keeps the histogram
   * child of the last method and status it saw, so a route answering the same way request after
   * request (the hot path) builds no label key.
   */
  requestObserver(route: string): (method: string, statusCode: number, seconds: number) => void {
    let lastMethod = '';
    let lastStatus = -1;
    let child: HistogramChild | undefined;
    return (method, statusCode, seconds) => {
      if (child === undefined || method !== lastMethod || statusCode !== lastStatus) {
        child = this.requestChild(method, route, statusCode);
        lastMethod = method;
        lastStatus = statusCode;
      }
      child.observe(seconds);
    };
  }

  private requestChild(method: string, route: string, statusCode: number): HistogramChild {
    const key = `${method} ${route} ${statusCode}`;
    let child = this.requestChildren.get(key);
    if (child === undefined) {
      child = this.requestDuration.labels(method, route, String(statusCode));
      this.requestChildren.set(key, child);
    }
    return child;
  }

  recordPrediction(decision: Decision, score: number): void {
    let child = this.decisionChildren.get(decision);
    if (child === undefined) {
      child = this.predictions.labels(decision);
      this.decisionChildren.set(decision, child);
    }
    child.inc();
    this.score.observe(score);
  }

  /** Counts one transaction whose `feature` held a category name the model does not know. */
  recordUnknownCategory(feature: string): void {
    this.unknownCategoryChild(feature).inc();
  }

  private unknownCategoryChild(feature: string): CounterChild {
    let child = this.unknownCategoryChildren.get(feature);
    if (child === undefined) {
      child = this.unknownCategories.labels(feature);
      this.unknownCategoryChildren.set(feature, child);
    }
    return child;
  }

  setModel(m: ServingModel): void {
    // Every named categorical feature shows a series from the start (at 0), so rate() works.
    m.features.forEach((f, j) => {
      if (m.kindOf(j) === 'names') this.unknownCategoryChild(f.name);
    });
    this.modelInfo.reset();
    this.modelInfo.labels(m.version, m.sha256, m.model.training.source ?? 'unknown').set(1);
  }

  /** The challengers in force (at start, and after each lineup the registry swapped in). */
  setChallengers(challengers: readonly { alias: string; model: ServingModel }[]): void {
    this.challengerInfo.reset();
    for (const c of challengers) this.challengerInfo.labels(c.alias, c.model.version, c.model.sha256).set(1);
  }

  /** Counts one raw transaction by what the entity state did with it. */
  recordRawTransaction(outcome: AddOutcome | 'read', seconds: number): void {
    const counter =
      outcome === 'added'
        ? this.rawAdded
        : outcome === 'duplicate'
          ? this.rawDuplicates
          : outcome === 'unapplied'
            ? this.rawUnapplied
            : this.rawExplained;
    counter.inc();
    this.featureSeconds.observe(seconds);
  }

  recordFeatureError(stage: 'input' | 'state'): void {
    this.featureErrors.labels(stage).inc();
  }

  recordReload(ok: boolean): void {
    this.reloads.labels(ok ? 'success' : 'failure').inc();
  }

  recordObserverError(): void {
    this.observerErrors.inc();
  }

  /**
   * The shadow counters of one model alias, bound once (a labelled lookup per increment would cost
   * more than the increment): scorings, and scorings that threw.
   */
  shadowCounters(alias: string): { scored: () => void; failed: () => void } {
    const scored = this.shadowScorings.labels(alias);
    const failed = this.shadowErrors.labels(alias);
    return { scored: () => scored.inc(), failed: () => failed.inc() };
  }

  /** A transaction id answered with its stored decision instead of being scored again. */
  recordReplay(): void {
    this.replays.inc();
  }
}
