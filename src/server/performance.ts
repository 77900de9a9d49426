/**
 * Live performance for the server: GET /performance's report and GET /performance/history's buckets
 * from the label store's joined columnar read (src/core/performance computes both), and the
 * Prometheus gauges of the same figures.
 *
 * Reports and gauges compute from the decisions and labels kept in memory (PerformanceSource),
 * read at most FRAUDLENS_PERFORMANCE_REFRESH_MS ago: whole once at start, in the background, then
 * only what changed. The gauges are filled at scrape time, so no timer runs between scrapes
 * (nothing to stop at shutdown).
 */

import { Gauge, type Registry } from 'prom-client';

import {
  DEFAULT_PERFORMANCE_WINDOW,
  EXPECTED_NOTE,
  type PerformanceFigures,
  type PerformanceHistoryReport,
  type PerformanceReport,
} from '../contract/index.js';
import { parseWindow } from '../core/features/definitions.js';
import { computePerformance, computePerformanceHistory } from '../core/performance/index.js';
import { FraudlensError } from '../core/errors.js';
import { LiveLabelledDecisions, type LabelledDecisions, type LabelStore } from '../storage/index.js';

/** The decisions and labels as read at one instant. */
export interface PerformanceSnapshot {
  columns: LabelledDecisions;
  /** When the read started (ms since the epoch): nothing stored after it is in `columns`. */
  readAt: number;
}

/**
 * How long a request waits for the first read before it is refused with 503 PERFORMANCE_LOADING:
 * a small store is read within it, so tests and the demo never see the refusal; a million
 * decisions in PostgreSQL take tens of seconds (BENCHMARKS.md), which no request should hang for.
 */
export const FIRST_READ_WAIT_MS = 1000;
/** Retry-After of PERFORMANCE_LOADING, in seconds: a fraction of the first read of a large store. */
export const FIRST_READ_RETRY_AFTER_S = 5;
/**
 * Reports computed again after each read, before anyone asks: the dashboard's and the gauges'
 * few windows; a million decisions cost about 170 ms of CPU each (BENCHMARKS.md).
 */
export const REWARMED_REPORTS = 8;
/**
 * Reports kept per snapshot: windows, versions and buckets are the caller's to choose, so without
 * a bound a client asking for ever new ones would grow the cache until the next read (a 1,000-bucket
 * history is about half a megabyte). Past it the query asked first is forgotten.
 */
export const MAX_CACHED_REPORTS = 64;

/**
 * The decisions and their labels, as columns in memory, and the reports computed from them.
 *
 * `start()` begins the first read at once, in the background (PostgreSQL only). A store that can tell what changed
 * (PostgreSQL: `labelledChanges`) is then read incrementally, at most every `refreshMs`, only the
 * decisions and labels stored since the last read (LiveLabelledDecisions); another (memory) is read
 * whole. A call finding the last read older than `refreshMs` gets it while the next one loads (one at
 * a time); with `refreshMs` 0 every call waits for a fresh read. Until the first read is done, a call
 * waits up to FIRST_READ_WAIT_MS and then gets PERFORMANCE_LOADING.
 *
 * Reports (and histories) are cached per query (window, model version, bucket) for the snapshot
 * they came from: a warm request costs the serialisation only. A new snapshot (every `refreshMs` at most, the clock bucket of
 * `to` and of the maturities) computes the reports asked for since the last one again, in the
 * background, so they are ready before the next request.
 */
export class PerformanceSource {
  private snapshot: PerformanceSnapshot | undefined;
  private loading: Promise<PerformanceSnapshot> | undefined;
  private readonly live: LiveLabelledDecisions | undefined;
  /**
   * Reports (GET /performance's and /performance/history's) by their query, in the order first
   * asked (a Map keeps insertion order), each with how to compute it again from a new snapshot.
   */
  private readonly reports = new Map<string, CachedReport>();
  /** When the first read finished, and how long it took (ms); undefined before. */
  firstRead: { at: number; ms: number } | undefined;

  constructor(
    readonly store: LabelStore,
    private readonly refreshMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.live = store.labelledChanges !== undefined ? new LiveLabelledDecisions() : undefined;
  }

  /**
   * Begins the first read in the background (a failure is retried by the next call), for a store
   * read incrementally (PostgreSQL), whose first read takes seconds. A store read whole (memory) is
   * read at the first call instead: read at start, it would answer the empty start-up state until
   * the next refresh.
   */
  start(): void {
    if (this.store.queryable && this.live !== undefined) this.load(this.clock()).catch(() => undefined);
  }

  /** The last read (see the class comment for when it is refreshed). */
  async read(): Promise<PerformanceSnapshot> {
    const now = this.clock();
    const last = this.snapshot;
    if (last !== undefined && now - last.readAt < this.refreshMs) return last;
    const loading = this.load(now);
    if (this.refreshMs === 0) return loading;
    if (last === undefined) return this.firstRead === undefined ? this.awaitFirst(loading) : loading;
    // A failed background read keeps the last snapshot; the next call tries again.
    loading.catch(() => undefined);
    return last;
  }

  /**
   * The report of the decisions made in `window` before the last read, optionally of one model version.
   *
   * @param window `<n>s|m|h|d` or `all` (validated by the route's schema)
   * @example await source.report('30d', undefined)
   */
  async report(window: string, modelVersion: string | undefined): Promise<PerformanceReport> {
    const backend = this.store.backend;
    return this.cachedOrComputed(reportKey('report', window, modelVersion), (snapshot) =>
      computeReport(snapshot, window, modelVersion, backend),
    );
  }

  /**
   * The figures per time bucket of the decisions made in `window` before the last read (the same
   * snapshot, cache and refresh as `report`, so the two agree).
   *
   * @param window `<n>s|m|h|d` or `all` (validated by the route's schema)
   * @param bucket `<n>s|m|h|d` (validated by the route's schema)
   * @throws FraudlensError HISTORY_TOO_MANY_BUCKETS when the window holds more than MAX_HISTORY_BUCKETS
   * @example await source.history('30d', '1d', undefined)
   */
  async history(window: string, bucket: string, modelVersion: string | undefined): Promise<PerformanceHistoryReport> {
    const backend = this.store.backend;
    return this.cachedOrComputed(reportKey(`history\u0000${bucket}`, window, modelVersion), (snapshot) =>
      computeHistory(snapshot, window, bucket, modelVersion, backend),
    );
  }

  /** The report of the newest snapshot for this window and model version when computed already (no computation here). */
  cached(window: string, modelVersion: string | undefined): PerformanceReport | undefined {
    const entry = this.reports.get(reportKey('report', window, modelVersion));
    return entry !== undefined && entry.from === this.snapshot ? (entry.report as PerformanceReport) : undefined;
  }

  private async cachedOrComputed<T extends PerformanceReport | PerformanceHistoryReport>(
    key: string,
    compute: (snapshot: PerformanceSnapshot) => T,
  ): Promise<T> {
    await this.read();
    // The newest snapshot, taken with no await before the computation, so columns kept in memory
    // cannot change under it.
    const snapshot = this.snapshot!;
    const cached = this.reports.get(key);
    if (cached !== undefined && cached.from === snapshot) return cached.report as T;
    // A refusal (too many buckets) is thrown before anything is cached.
    const report = compute(snapshot);
    this.reports.delete(key);
    this.reports.set(key, { from: snapshot, compute, report });
    if (this.reports.size > MAX_CACHED_REPORTS) this.reports.delete(this.reports.keys().next().value!);
    return report;
  }

  private awaitFirst(loading: Promise<PerformanceSnapshot>): Promise<PerformanceSnapshot> {
    let timer: NodeJS.Timeout | undefined;
    const refused = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new FraudlensError(
              'PERFORMANCE_LOADING',
              `the decisions and labels are still being read for the first time; retry in ${FIRST_READ_RETRY_AFTER_S} s`,
              { field: 'performance' },
            ),
          ),
        FIRST_READ_WAIT_MS,
      );
    });
    return Promise.race([loading, refused]).finally(() => clearTimeout(timer));
  }

  private load(now: number): Promise<PerformanceSnapshot> {
    if (this.loading === undefined) {
      const started = performance.now();
      this.loading = this.readColumns()
        .then((columnsNow) => {
          // Applied and published in one synchronous step: no report sees new data under an old `to`.
          const columns = columnsNow();
          this.firstRead ??= { at: this.clock(), ms: performance.now() - started };
          const snapshot = (this.snapshot = { columns, readAt: now });
          // With refreshMs 0 every call reads afresh: a report computed ahead would never be answered.
          if (this.refreshMs > 0) this.rewarm(snapshot);
          else this.reports.clear();
          return snapshot;
        })
        .finally(() => (this.loading = undefined));
    }
    return this.loading;
  }

  /**
   * Computes again, in the background, the reports asked for since the last read (at most
   * REWARMED_REPORTS), so that the requests after a refresh find them ready. One per turn of the
   * event loop, so scoring requests are not held up behind all of them.
   */
  private rewarm(snapshot: PerformanceSnapshot): void {
    const keys = [...this.reports.entries()]
      .filter(([, entry]) => entry.from !== snapshot)
      .map(([key, entry]) => ({ key, compute: entry.compute }));
    // Reports of the old snapshot are no longer answered: only the new one's are kept.
    this.reports.clear();
    for (const { key, compute } of keys.slice(-REWARMED_REPORTS)) {
      setImmediate(() => {
        if (this.snapshot !== snapshot || this.reports.has(key)) return;
        try {
          this.reports.set(key, { from: snapshot, compute, report: compute(snapshot) });
        } catch {
          // A history of window=all may outgrow its bucket cap as time passes: the next request gets the 400.
        }
      });
    }
  }

  /** Reads the store; the columns come from calling the result (for kept columns, that applies the changes read). */
  private async readColumns(): Promise<() => LabelledDecisions> {
    const live = this.live;
    if (live === undefined) {
      const whole = await this.store.labelledDecisions({});
      return () => whole;
    }
    const changes = await this.store.labelledChanges!(live.watermark);
    return () => {
      live.apply(changes);
      return live.columns();
    };
  }
}

/** A cached report, and how to compute it from another snapshot. */
interface CachedReport {
  from: PerformanceSnapshot;
  compute: (snapshot: PerformanceSnapshot) => PerformanceReport | PerformanceHistoryReport;
  report: PerformanceReport | PerformanceHistoryReport;
}

const reportKey = (kind: string, window: string, modelVersion: string | undefined): string =>
  `${kind}\u0000${window}\u0000${modelVersion ?? ''}`;

/** The report of one snapshot: ages are measured from the read, since nothing stored after it is in the columns. */
function computeReport(
  snapshot: PerformanceSnapshot,
  window: string,
  modelVersion: string | undefined,
  backend: string,
): PerformanceReport {
  const now = snapshot.readAt;
  const span = parseWindow(window) * 1000;
  const since = Number.isFinite(span) ? now - span : undefined;
  return {
    window,
    from: since === undefined ? null : new Date(since).toISOString(),
    to: new Date(now).toISOString(),
    expected_note: EXPECTED_NOTE,
    versions: computePerformance(snapshot.columns, now, { since, modelVersion }),
    backend,
  };
}

/**
 * GET /performance/history's report of one snapshot: the buckets end at the read, as `computeReport`'s
 * window does, so the buckets partition exactly the decisions that report judges.
 */
function computeHistory(
  snapshot: PerformanceSnapshot,
  window: string,
  bucket: string,
  modelVersion: string | undefined,
  backend: string,
): PerformanceHistoryReport {
  const now = snapshot.readAt;
  const span = parseWindow(window) * 1000;
  const since = Number.isFinite(span) ? now - span : undefined;
  const versions = computePerformanceHistory(snapshot.columns, now, parseWindow(bucket) * 1000, { since, modelVersion });
  const iso = (ms: number): string => new Date(ms).toISOString();
  const first = versions.length > 0 ? versions[0].buckets[0].from : since;
  return {
    window,
    bucket,
    from: first === undefined ? null : iso(first),
    to: iso(now),
    expected_note: EXPECTED_NOTE,
    versions: versions.map((v) => ({
      model_version: v.model_version,
      buckets: v.buckets.map((b) => ({ ...b, from: iso(b.from), to: iso(b.to) })),
    })),
    backend,
  };
}

/**
 * The report of the decisions made in `window` before the last read, optionally of one model version.
 *
 * @param source the decisions and labels in memory (rejects DECISIONS_UNSUPPORTED on stdout)
 * @param window `<n>s|m|h|d` or `all` (validated by the route's schema)
 * @example await performanceReport(source, '30d', undefined)
 */
export function performanceReport(
  source: PerformanceSource,
  window: string,
  modelVersion: string | undefined,
): Promise<PerformanceReport> {
  return source.report(window, modelVersion);
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
