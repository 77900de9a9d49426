/**
 * Live performance for the server: GET /performance's report from the label store's joined
 * columnar read (src/core/performance computes it), and the Prometheus gauges of the same figures.
 *
 * The gauges are filled at scrape time from a report over the default window, recomputed at most
 * once per `PERFORMANCE_GAUGES_TTL_MS`: a scrape every 15 s then costs one read of the decisions
 * a minute, and no timer runs between scrapes (nothing to stop at shutdown).
 */

import { Gauge, type Registry } from 'prom-client';

import { DEFAULT_PERFORMANCE_WINDOW, EXPECTED_NOTE, type PerformanceFigures, type PerformanceReport } from '../contract/index.js';
import { parseWindow } from '../core/features/definitions.js';
import { computePerformance } from '../core/performance/index.js';
import type { LabelStore } from '../storage/labels/contract.js';

/** How long the gauges' report is reused before a scrape recomputes it. */
export const PERFORMANCE_GAUGES_TTL_MS = 60_000;

/**
 * The report of the decisions made in `window` before `now`, optionally of one model version.
 *
 * @param store the label store (its joined read; rejects DECISIONS_UNSUPPORTED on stdout)
 * @param window `<n>s|m|h|d` or `all` (validated by the route's schema)
 * @example await performanceReport(ctx.labelStore, '30d', undefined, Date.now())
 */
export async function performanceReport(
  store: LabelStore,
  window: string,
  modelVersion: string | undefined,
  now: number,
): Promise<PerformanceReport> {
  const span = parseWindow(window) * 1000;
  const since = Number.isFinite(span) ? now - span : undefined;
  // `until` is exclusive: a decision made at `now` itself is in.
  const columns = await store.labelledDecisions({ since, until: now + 1, model_version: modelVersion });
  return {
    window,
    from: since === undefined ? null : new Date(since).toISOString(),
    to: new Date(now).toISOString(),
    expected_note: EXPECTED_NOTE,
    versions: computePerformance(columns, now),
    backend: store.backend,
  };
}

const levelName = (key: { level: string; rule?: string | undefined }): string =>
  key.level === 'rule' ? `rule:${key.rule}` : key.level;

type Figures = PerformanceFigures & { older_than_days?: number };

/**
 * Gauges of the realized and expected figures per model version, maturity (`all`, `7d`, `30d`,
 * `60d`) and level (`review`, `decline`, `rule:<id>`). A figure that cannot be known (nothing
 * labelled yet) has no series rather than a made-up value.
 */
export class PerformanceGauges {
  private report: Promise<PerformanceReport | undefined> | undefined;
  private computedAt = -Infinity;

  constructor(
    registry: Registry,
    private readonly store: LabelStore,
    private readonly clock: () => number = Date.now,
    private readonly ttlMs = PERFORMANCE_GAUGES_TTL_MS,
  ) {
    const registers = [registry];
    const refresh = (): Promise<PerformanceReport | undefined> => this.current();
    const perVersion = (name: string, help: string, read: (f: Figures) => number | null): void => {
      new Gauge({
        name,
        help,
        labelNames: ['model_version', 'maturity'],
        registers,
        async collect() {
          const report = await refresh();
          this.reset();
          for (const v of report?.versions ?? []) {
            for (const f of [v.all, ...v.by_maturity] as Figures[]) {
              const x = read(f);
              if (x !== null) this.labels(v.model_version, maturityName(f)).set(x);
            }
          }
        },
      });
    };
    const perLevel = (
      name: string,
      help: string,
      labels: string[],
      read: (l: PerformanceFigures['levels'][number]) => (number | null)[],
    ): void => {
      new Gauge({
        name,
        help,
        labelNames: ['model_version', 'maturity', 'level', ...labels],
        registers,
        async collect() {
          const report = await refresh();
          this.reset();
          for (const v of report?.versions ?? []) {
            for (const f of [v.all, ...v.by_maturity] as Figures[]) {
              for (const level of f.levels) {
                const values = read(level);
                // One series per extra label value (the estimate kinds), or one series without extra labels.
                if (labels.length === 0) {
                  if (values[0] !== null) this.labels(v.model_version, maturityName(f), levelName(level)).set(values[0]);
                } else {
                  ESTIMATES.forEach((kind, k) => {
                    const x = values[k];
                    if (x !== null) this.labels(v.model_version, maturityName(f), levelName(level), kind).set(x);
                  });
                }
              }
            }
          }
        },
      });
    };
    perVersion(
      'fraudlens_performance_labelled_share',
      'Share of decisions labelled so far, by model version and maturity.',
      (f) => f.labelled_share,
    );
    perVersion('fraudlens_performance_roc_auc', 'ROC-AUC of the scores over labelled decisions.', (f) => f.roc_auc);
    perVersion('fraudlens_performance_pr_auc', 'Average precision of the scores over labelled decisions.', (f) => f.pr_auc);
    perVersion(
      'fraudlens_performance_decisions',
      'Decisions in the default window, by model version and maturity.',
      (f) => f.decisions,
    );
    perLevel(
      'fraudlens_performance_precision',
      'Precision of a decision level: realized (labelled decisions) or expected (from the scores; holds only without concept drift).',
      ['estimate'],
      (l) => [l.realized.precision, l.expected.precision],
    );
    perLevel(
      'fraudlens_performance_recall',
      'Recall of a decision level: realized or expected (from the scores; holds only without concept drift).',
      ['estimate'],
      (l) => [l.realized.recall, l.expected.recall],
    );
    perLevel(
      'fraudlens_performance_false_positive_rate',
      'False-positive rate of a decision level: realized or expected (from the scores; holds only without concept drift).',
      ['estimate'],
      (l) => [l.realized.false_positive_rate, l.expected.false_positive_rate],
    );
    perLevel(
      'fraudlens_performance_fraud_amount_caught',
      'Sum of the amounts of the labelled frauds a decision level caught.',
      [],
      (l) => [l.realized.fraud_amount_caught],
    );
  }

  /** The report the gauges show: recomputed when older than the TTL; one computation shared by all gauges of a scrape. */
  private current(): Promise<PerformanceReport | undefined> {
    const now = this.clock();
    if (this.report === undefined || now - this.computedAt >= this.ttlMs) {
      this.computedAt = now;
      // A store that keeps nothing (stdout) or cannot be read leaves the gauges empty: no stale figures.
      this.report = this.store.queryable
        ? performanceReport(this.store, DEFAULT_PERFORMANCE_WINDOW, undefined, now).catch(() => {
            this.computedAt = -Infinity;
            return undefined;
          })
        : Promise.resolve(undefined);
    }
    return this.report;
  }
}

const ESTIMATES = ['realized', 'expected'] as const;

function maturityName(f: Figures): string {
  return f.older_than_days === undefined ? 'all' : `${f.older_than_days}d`;
}
