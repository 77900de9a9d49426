/**
 * Live performance for the server: GET /performance's report from the label store's joined
 * columnar read (src/core/performance computes it), and the Prometheus gauges of the same figures.
 *
 * Reports and gauges compute from snapshots of the store's read (PerformanceSource), at most
 * FRAUDLENS_PERFORMANCE_REFRESH_MS old. The gauges are filled at scrape time, so no timer runs
 * between scrapes (nothing to stop at shutdown).
 */

import { Gauge, type Registry } from 'prom-client';

import { DEFAULT_PERFORMANCE_WINDOW, EXPECTED_NOTE, type PerformanceFigures, type PerformanceReport } from '../contract/index.js';
import { parseWindow } from '../core/features/definitions.js';
import { computePerformance } from '../core/performance/index.js';
import type { LabelledDecisions, LabelStore } from '../storage/labels/contract.js';

/** The decisions and labels as read at one instant. */
export interface PerformanceSnapshot {
  columns: LabelledDecisions;
  /** When the read started (ms since the epoch): nothing stored after it is in `columns`. */
  readAt: number;
}

/**
 * The label store's joined read of every decision, kept for `refreshMs`: reading a million
 * decisions and their labels takes seconds, computing their figures tens of milliseconds. The first
 * call waits for the first read; a call after `refreshMs` gets the last read while the next one
 * loads (one at a time); with `refreshMs` 0 every call waits for a fresh read.
 */
export class PerformanceSource {
  private snapshot: PerformanceSnapshot | undefined;
  private loading: Promise<PerformanceSnapshot> | undefined;

  constructor(
    readonly store: LabelStore,
    private readonly refreshMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async read(): Promise<PerformanceSnapshot> {
    const now = this.clock();
    const last = this.snapshot;
    if (last !== undefined && now - last.readAt < this.refreshMs) return last;
    const loading = this.load(now);
    if (last === undefined || this.refreshMs === 0) return loading;
    // A failed background read keeps the last snapshot; the next call tries again.
    loading.catch(() => undefined);
    return last;
  }

  private load(now: number): Promise<PerformanceSnapshot> {
    if (this.loading === undefined) {
      this.loading = this.store
        .labelledDecisions({})
        .then((columns) => (this.snapshot = { columns, readAt: now }))
        .finally(() => (this.loading = undefined));
    }
    return this.loading;
  }
}

/**
 * The report of the decisions made in `window` before now, optionally of one model version.
 *
 * @param source the snapshots of the label store's joined read (rejects DECISIONS_UNSUPPORTED on stdout)
 * @param window `<n>s|m|h|d` or `all` (validated by the route's schema)
 * @example await performanceReport(source, '30d', undefined)
 */
export async function performanceReport(
  source: PerformanceSource,
  window: string,
  modelVersion: string | undefined,
): Promise<PerformanceReport> {
  const { columns, readAt } = await source.read();
  // Ages are measured from the read: a decision stored since is not in the columns anyway.
  const now = readAt;
  const span = parseWindow(window) * 1000;
  const since = Number.isFinite(span) ? now - span : undefined;
  return {
    window,
    from: since === undefined ? null : new Date(since).toISOString(),
    to: new Date(now).toISOString(),
    expected_note: EXPECTED_NOTE,
    versions: computePerformance(columns, now, { since, modelVersion }),
    backend: source.store.backend,
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

  constructor(
    registry: Registry,
    private readonly source: PerformanceSource,
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

  /** The report the gauges show, over the default window; one computation shared by all gauges of a scrape. */
  private current(): Promise<PerformanceReport | undefined> {
    if (this.report === undefined) {
      // A store that keeps nothing (stdout) or cannot be read leaves the gauges empty: no stale figures.
      this.report = this.source.store.queryable
        ? performanceReport(this.source, DEFAULT_PERFORMANCE_WINDOW, undefined).catch(() => undefined)
        : Promise.resolve(undefined);
      // Forgotten once this scrape's gauges have all asked for it (they collect in one tick of awaits).
      void this.report.finally(() => setImmediate(() => (this.report = undefined)));
    }
    return this.report;
  }
}

const ESTIMATES = ['realized', 'expected'] as const;

function maturityName(f: Figures): string {
  return f.older_than_days === undefined ? 'all' : `${f.older_than_days}d`;
}
