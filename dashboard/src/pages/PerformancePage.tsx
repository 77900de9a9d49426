/**
 * Performance: how the model really does, from the labels that have arrived (GET /performance),
 * beside what its scores alone expect (marked as an estimate, with the API's own note on when it
 * holds). Per decision level (review, decline, each rule): precision, recall and false-positive
 * rate realized | expected, and the fraud amount caught; the labelled share, because recent
 * decisions are mostly unlabelled; the same for decisions old enough for their labels to arrive.
 *
 * Below, champion against challengers (GET /performance/comparison): on the same labelled
 * transactions, each model's precision, recall, PR-AUC and fraud amount caught at its own
 * thresholds, its agreement with the champion and the drift of its scores, and which model decides
 * the canary share.
 *
 * The chart draws the figures over time from GET /performance/history: per time bucket of the
 * window, realized beside expected precision and recall of the chosen level, and the labelled share,
 * computed by the server from the same decisions and labels as the tables above.
 */

import { useState } from 'react';

import type {
  ComparisonReport,
  PerformanceHistoryBucket,
  PerformanceHistoryReport,
  PerformanceLevel,
  PerformanceReport,
} from '../api';
import { COLORS } from '../charts/Chart';
import { LineChart } from '../charts/LineChart';
import { Empty, ErrorState, Loading } from '../components/States';
import { formatCount, formatDateTime, formatFixed, formatPercent, formatTime } from '../format';
import { useApi, useResource } from '../hooks';

const POLL_MS = 5000;
/**
 * The windows, each with the bucket lengths offered for its chart, shortest first, and its default:
 * from a handful to a few hundred points, all within the server's cap of 1000 buckets per window.
 */
const WINDOWS = [
  { value: '1h', label: '1 h', buckets: ['1m', '5m', '15m'], bucket: '5m' },
  { value: '24h', label: '24 h', buckets: ['15m', '1h', '6h'], bucket: '1h' },
  { value: '7d', label: '7 d', buckets: ['1h', '6h', '1d'], bucket: '6h' },
  { value: '30d', label: '30 d', buckets: ['6h', '1d', '7d'], bucket: '1d' },
  { value: '90d', label: '90 d', buckets: ['1d', '7d'], bucket: '1d' },
  { value: 'all', label: 'All', buckets: ['1d', '7d', '30d'], bucket: '7d' },
] as const;
type Window = (typeof WINDOWS)[number]['value'];
const UNIT_NAMES: Record<string, string> = { s: 's', m: 'min', h: 'h', d: 'd' };
/** "6h" → "6 h", as the window labels read. */
const bucketLabel = (b: string): string => `${b.slice(0, -1)} ${UNIT_NAMES[b[b.length - 1]]}`;
const HISTORY_LEVELS = [
  { value: 'review', label: 'Review or decline' },
  { value: 'decline', label: 'Decline' },
] as const;
type HistoryLevelName = (typeof HISTORY_LEVELS)[number]['value'];

function levelName(l: PerformanceLevel): string {
  if (l.level === 'rule') return `Rule ${l.rule ?? ''}`;
  return l.level === 'review' ? 'Review or decline' : 'Decline';
}

/** "realized | expected", the estimate set apart. */
function Pair({ realized, expected, testId }: { realized: number | null; expected: number | null; testId?: string }) {
  return (
    <td className="num" data-testid={testId} data-realized={realized ?? ''} data-expected={expected ?? ''}>
      {formatPercent(realized)} <span className="muted small estimate">| {formatPercent(expected)}</span>
    </td>
  );
}

function LevelsTable({ levels, testId }: { levels: readonly PerformanceLevel[]; testId: string }) {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid={testId}>
        <caption className="visually-hidden">Realized figures, then the estimate from the scores after the bar</caption>
        <thead>
          <tr>
            <th scope="col">Level</th>
            <th scope="col" className="num">
              Decisions
            </th>
            <th scope="col" className="num">
              Labelled
            </th>
            <th scope="col" className="num">
              Precision <span className="muted small">| expected</span>
            </th>
            <th scope="col" className="num">
              Recall <span className="muted small">| expected</span>
            </th>
            <th scope="col" className="num">
              False-positive rate <span className="muted small">| expected</span>
            </th>
            <th scope="col" className="num">
              Fraud amount caught
            </th>
          </tr>
        </thead>
        <tbody>
          {levels.map((l) => (
            <tr key={`${l.level}:${l.rule ?? ''}`} data-level={l.level} data-rule={l.rule}>
              <th scope="row">{levelName(l)}</th>
              <td className="num">{formatCount(l.realized.decisions)}</td>
              <td className="num">{formatCount(l.realized.labelled)}</td>
              <Pair realized={l.realized.precision} expected={l.expected.precision} testId="precision" />
              <Pair realized={l.realized.recall} expected={l.expected.recall} testId="recall" />
              <Pair realized={l.realized.false_positive_rate} expected={l.expected.false_positive_rate} testId="fpr" />
              <td className="num">{formatFixed(l.realized.fraud_amount_caught, 2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Champion and challengers side by side (shown once the server runs challengers). */
function ComparisonCard({ data }: { data: ComparisonReport }) {
  const canary = data.canary;
  return (
    <section className="card" aria-labelledby="perf-comparison-title" data-testid="comparison">
      <h2 id="perf-comparison-title">
        Champion and challengers{' '}
        <span className="muted small">
          · {formatCount(data.transactions)} labelled transactions every model scored ({formatCount(data.frauds)} frauds)
        </span>
      </h2>
      <p className="muted small" data-testid="comparison-canary">
        {canary === null
          ? 'The champion decides every transaction; the challengers score in the shadow, after the answer.'
          : `Canary: ${canary.alias} decides ${formatPercent(canary.share)} of transactions (by the hash of their id); the champion decides the rest. Every other model scores in the shadow.`}
      </p>
      <div className="table-scroll">
        <table className="data-table" data-testid="comparison-table">
          <caption className="visually-hidden">Each model on the same labelled transactions, at its own thresholds</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col" className="num">
                Decides
              </th>
              <th scope="col" className="num">
                Precision
              </th>
              <th scope="col" className="num">
                Recall
              </th>
              <th scope="col" className="num">
                PR-AUC
              </th>
              <th scope="col" className="num">
                Fraud amount caught
              </th>
              <th scope="col" className="num">
                Agreement
              </th>
              <th scope="col" className="num">
                Score drift <span className="muted small">mean |Δ| · KS</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.models.map((m) => (
              <tr key={m.alias} data-alias={m.alias} data-role={m.role}>
                <th scope="row">
                  {m.alias} <span className="muted small">{m.model_version}</span>
                </th>
                <td className="num" data-testid="canary-share" data-value={m.canary_share}>
                  {formatPercent(m.canary_share)}
                </td>
                <td className="num" data-testid="precision" data-value={m.precision ?? ''}>
                  {formatPercent(m.precision)}
                </td>
                <td className="num" data-testid="recall" data-value={m.recall ?? ''}>
                  {formatPercent(m.recall)}
                </td>
                <td className="num" data-testid="pr-auc" data-value={m.pr_auc ?? ''}>
                  {formatFixed(m.pr_auc, 4)}
                </td>
                <td className="num" data-testid="amount-caught" data-value={m.fraud_amount_caught}>
                  {formatFixed(m.fraud_amount_caught, 2)}
                </td>
                <td className="num" data-testid="agreement" data-value={m.agreement ?? ''}>
                  {m.role === 'champion' ? '—' : formatPercent(m.agreement)}
                </td>
                <td className="num" data-testid="score-drift" data-value={m.mean_abs_score_difference ?? ''}>
                  {m.role === 'champion'
                    ? '—'
                    : `${formatFixed(m.mean_abs_score_difference, 4)} · ${formatFixed(m.score_ks_statistic, 3)}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The chart's text alternative and what the end-to-end test reads: one row per bucket, as the route answers it. */
function HistoryTable({ buckets, level }: { buckets: readonly PerformanceHistoryBucket[]; level: HistoryLevelName }) {
  return (
    <details className="chart-data">
      <summary>Figures per bucket</summary>
      <div className="table-scroll">
        <table className="data-table" data-testid="history-table">
          <caption className="visually-hidden">
            Each bucket: decisions, labelled share, precision and recall realized | expected
          </caption>
          <thead>
            <tr>
              <th scope="col">Bucket ending</th>
              <th scope="col" className="num">
                Decisions
              </th>
              <th scope="col" className="num">
                Labelled
              </th>
              <th scope="col" className="num">
                Precision <span className="muted small">| expected</span>
              </th>
              <th scope="col" className="num">
                Recall <span className="muted small">| expected</span>
              </th>
              <th scope="col" className="num">
                Fraud amount caught
              </th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => {
              const l = b.levels.find((x) => x.level === level);
              return (
                <tr key={b.to} data-from={b.from} data-to={b.to}>
                  <th scope="row">{formatDateTime(b.to)}</th>
                  <td className="num" data-testid="decisions" data-value={b.decisions}>
                    {formatCount(b.decisions)}
                  </td>
                  <td className="num" data-testid="labelled-share" data-value={b.labelled_share ?? ''}>
                    {formatPercent(b.labelled_share)}
                  </td>
                  <Pair realized={l?.realized.precision ?? null} expected={l?.expected.precision ?? null} testId="precision" />
                  <Pair realized={l?.realized.recall ?? null} expected={l?.expected.recall ?? null} testId="recall" />
                  <td className="num">{formatFixed(l?.realized.fraud_amount_caught ?? null, 2)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** Realized beside expected precision and recall of one level, and the labelled share, per bucket (GET /performance/history). */
function HistoryChart({
  history,
  modelVersion,
  level,
}: {
  history: PerformanceHistoryReport;
  modelVersion: string;
  level: HistoryLevelName;
}) {
  const buckets = history.versions.find((v) => v.model_version === modelVersion)?.buckets ?? [];
  // Each point is a bucket, drawn at its end: the figures as they stood for the decisions up to then.
  const x = buckets.map((b) => Date.parse(b.to) / 1000);
  // The axis spans the buckets, from the first one's start: left to itself, the chart library
  // pads a single point by years.
  const xRange: [number, number] | undefined =
    buckets.length === 0 ? undefined : [Date.parse(buckets[0].from) / 1000, x[x.length - 1]];
  const of = (f: (l: PerformanceHistoryBucket['levels'][number]) => number | null) =>
    buckets.map((b) => {
      const l = b.levels.find((v) => v.level === level);
      return l === undefined ? null : f(l);
    });
  return (
    <LineChart
      label="Precision and recall per bucket, realized beside expected, and the labelled share"
      x={x}
      time
      height={240}
      {...(xRange !== undefined ? { xRange } : {})}
      yRange={[0, 1]}
      series={[
        { label: 'Precision', values: of((l) => l.realized.precision), stroke: COLORS.current, points: true },
        {
          label: 'Expected precision',
          values: of((l) => l.expected.precision),
          stroke: COLORS.current,
          dash: [6, 4],
        },
        { label: 'Recall', values: of((l) => l.realized.recall), stroke: COLORS.decline, points: true },
        { label: 'Expected recall', values: of((l) => l.expected.recall), stroke: COLORS.decline, dash: [6, 4] },
        {
          label: 'Labelled share',
          values: buckets.map((b) => b.labelled_share),
          stroke: COLORS.baseline,
          points: true,
        },
      ]}
      formatY={(v) => formatPercent(v, 0)}
      testId="performance-chart"
    >
      <HistoryTable buckets={buckets} level={level} />
    </LineChart>
  );
}

export function PerformancePage() {
  const api = useApi();
  const [win, setWin] = useState<Window>('30d');
  const [version, setVersion] = useState<string | undefined>(undefined);
  const shownWindow = WINDOWS.find((w) => w.value === win)!;
  const windowBuckets: readonly string[] = shownWindow.buckets;
  const [chosenBucket, setBucket] = useState<string>(shownWindow.bucket);
  const bucket = windowBuckets.includes(chosenBucket) ? chosenBucket : shownWindow.bucket;
  const [level, setLevel] = useState<HistoryLevelName>('review');
  const history = useResource<PerformanceHistoryReport>(
    `history:${win}:${bucket}:${version ?? ''}`,
    (signal) =>
      api.performanceHistory({ window: win, bucket, ...(version !== undefined ? { model_version: version } : {}) }, signal),
    POLL_MS,
  );
  const report = useResource<PerformanceReport>(
    `performance:${win}:${version ?? ''}`,
    (signal) => api.performance({ window: win, ...(version !== undefined ? { model_version: version } : {}) }, signal),
    POLL_MS,
  );
  const comparison = useResource<ComparisonReport>(
    `comparison:${win}`,
    (signal) => api.comparison({ window: win }, signal),
    POLL_MS,
  );
  const data = report.data;
  // The version shown: the one chosen, else the one with the most decisions.
  const shown =
    data?.versions.find((v) => v.model_version === version) ??
    [...(data?.versions ?? [])].sort((a, b) => b.all.decisions - a.all.decisions)[0];

  return (
    <div className="page-stack">
      <div className="toolbar">
        <fieldset className="segmented">
          <legend>Decisions of the last</legend>
          {WINDOWS.map((w) => (
            <label key={w.value} className={w.value === win ? 'checked' : undefined}>
              <input
                type="radio"
                name="window"
                value={w.value}
                checked={w.value === win}
                onChange={() => {
                  // Each window starts at its own default bucket.
                  setWin(w.value);
                  setBucket(w.bucket);
                }}
              />
              {w.label}
            </label>
          ))}
        </fieldset>
        {data !== undefined && data.versions.length > 0 ? (
          <label className="small">
            Model version{' '}
            <select
              value={shown?.model_version ?? ''}
              onChange={(e) => setVersion(e.target.value === '' ? undefined : e.target.value)}
              data-testid="version-select"
            >
              {data.versions.map((v) => (
                <option key={v.model_version} value={v.model_version}>
                  {v.model_version} ({formatCount(v.all.decisions)})
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <span className="muted small">
          {report.updatedAt !== null ? `updated ${formatTime(new Date(report.updatedAt).toISOString())}` : ''}
        </span>
      </div>
      {report.error !== undefined ? (
        <ErrorState
          error={report.error}
          what="loading the performance figures (GET /performance)"
          onRetry={report.reload}
          compact={data !== undefined}
        />
      ) : null}
      {data === undefined ? (
        report.loading ? (
          <Loading what="the performance figures" />
        ) : null
      ) : shown === undefined ? (
        <Empty title="No decisions in this window">
          <p>Decisions and the labels that arrive for them (POST /labels, fraudlens labels import) are measured here.</p>
        </Empty>
      ) : (
        <>
          <p className="notice estimate-note" data-testid="expected-note">
            <strong>Expected figures are an estimate.</strong> {data.expected_note}
          </p>
          <section className="card" aria-labelledby="perf-summary-title">
            <h2 id="perf-summary-title">
              Model {shown.model_version}{' '}
              <span className="muted small">
                ·{' '}
                {data.from !== null
                  ? `${formatDateTime(data.from)} to ${formatDateTime(data.to)}`
                  : `all decisions until ${formatDateTime(data.to)}`}
              </span>
            </h2>
            <dl className="facts" data-testid="perf-summary">
              <div>
                <dt>Decisions</dt>
                <dd data-testid="perf-decisions">{formatCount(shown.all.decisions)}</dd>
              </div>
              <div>
                <dt>Labelled</dt>
                <dd data-testid="perf-labelled-share" data-value={shown.all.labelled_share ?? ''}>
                  {formatCount(shown.all.labelled)} ({formatPercent(shown.all.labelled_share)})
                </dd>
              </div>
              <div>
                <dt>Frauds · legitimate</dt>
                <dd>
                  {formatCount(shown.all.frauds)} · {formatCount(shown.all.legitimate)}
                </dd>
              </div>
              <div>
                <dt>Frauds the scores expect</dt>
                <dd>{formatFixed(shown.all.expected_frauds, 1)}</dd>
              </div>
              <div>
                <dt>ROC-AUC · PR-AUC</dt>
                <dd data-testid="perf-auc">
                  {formatFixed(shown.all.roc_auc, 4)} · {formatFixed(shown.all.pr_auc, 4)}
                </dd>
              </div>
              <div>
                <dt>Fraud amount</dt>
                <dd>{formatFixed(shown.all.fraud_amount, 2)}</dd>
              </div>
            </dl>
            <LevelsTable levels={shown.all.levels} testId="perf-levels" />
          </section>
          <section className="card" aria-labelledby="perf-time-title">
            <h2 id="perf-time-title">
              Over time{' '}
              <span className="muted small">(one point per {bucketLabel(bucket)} of decisions, at its end; expected dashed)</span>
            </h2>
            <div className="toolbar">
              <fieldset className="segmented">
                <legend>Bucket</legend>
                {windowBuckets.map((b) => (
                  <label key={b} className={b === bucket ? 'checked' : undefined}>
                    <input type="radio" name="bucket" value={b} checked={b === bucket} onChange={() => setBucket(b)} />
                    {bucketLabel(b)}
                  </label>
                ))}
              </fieldset>
              <label className="small">
                Level{' '}
                <select value={level} onChange={(e) => setLevel(e.target.value as HistoryLevelName)} data-testid="history-level">
                  {HISTORY_LEVELS.map((l) => (
                    <option key={l.value} value={l.value}>
                      {l.label}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            {history.error !== undefined ? (
              <ErrorState
                error={history.error}
                what="loading the figures over time (GET /performance/history)"
                onRetry={history.reload}
                compact
              />
            ) : null}
            {history.data === undefined ? (
              history.loading ? (
                <Loading what="the figures over time" />
              ) : null
            ) : (
              <HistoryChart history={history.data} modelVersion={shown.model_version} level={level} />
            )}
          </section>
          {comparison.data !== undefined && comparison.data.models.length > 1 ? <ComparisonCard data={comparison.data} /> : null}
          <section className="card" aria-labelledby="perf-maturity-title">
            <h2 id="perf-maturity-title">By label maturity</h2>
            <p className="muted small">
              Decisions old enough for their chargebacks to have arrived: their realized figures are the ones to trust.
            </p>
            {shown.by_maturity.map((m) => (
              <div key={m.older_than_days} data-testid={`maturity-${m.older_than_days}`}>
                <h3>
                  Older than {m.older_than_days} days{' '}
                  <span className="muted small">
                    · {formatCount(m.decisions)} decisions, {formatPercent(m.labelled_share)} labelled
                  </span>
                </h3>
                {m.decisions > 0 ? <LevelsTable levels={m.levels} testId={`perf-levels-${m.older_than_days}`} /> : null}
              </div>
            ))}
          </section>
        </>
      )}
    </div>
  );
}
