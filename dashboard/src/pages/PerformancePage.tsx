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
 * The API answers one window at a time; the page polls it and draws each answer as a point, so the
 * figures can be watched moving over time as labels arrive (the series lasts while the page is open).
 */

import { useEffect, useState } from 'react';

import type { ComparisonReport, PerformanceLevel, PerformanceReport } from '../api';
import { COLORS } from '../charts/Chart';
import { LineChart } from '../charts/LineChart';
import { Empty, ErrorState, Loading } from '../components/States';
import { formatCount, formatDateTime, formatFixed, formatPercent, formatTime } from '../format';
import { useApi, useResource } from '../hooks';

const POLL_MS = 5000;
/** Points kept in the series drawn while the page is open. */
const HISTORY = 720;
const WINDOWS = [
  { value: '1h', label: '1 h' },
  { value: '24h', label: '24 h' },
  { value: '7d', label: '7 d' },
  { value: '30d', label: '30 d' },
  { value: '90d', label: '90 d' },
  { value: 'all', label: 'All' },
] as const;
type Window = (typeof WINDOWS)[number]['value'];

/** One answer, reduced to what the chart draws (the review level: what the review cut-off flags). */
interface Point {
  t: number;
  precision: number | null;
  expectedPrecision: number | null;
  recall: number | null;
  expectedRecall: number | null;
  labelledShare: number | null;
}

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

export function PerformancePage() {
  const api = useApi();
  const [win, setWin] = useState<Window>('30d');
  const [version, setVersion] = useState<string | undefined>(undefined);
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

  const [history, setHistory] = useState<Point[]>([]);
  useEffect(() => setHistory([]), [win, version]);
  useEffect(() => {
    if (shown === undefined || report.updatedAt === null) return;
    const review = shown.all.levels.find((l) => l.level === 'review');
    const point: Point = {
      t: report.updatedAt / 1000,
      precision: review?.realized.precision ?? null,
      expectedPrecision: review?.expected.precision ?? null,
      recall: review?.realized.recall ?? null,
      expectedRecall: review?.expected.recall ?? null,
      labelledShare: shown.all.labelled_share,
    };
    setHistory((h) => [...h, point].slice(-HISTORY));
  }, [shown, report.updatedAt]);

  return (
    <div className="page-stack">
      <div className="toolbar">
        <fieldset className="segmented">
          <legend>Decisions of the last</legend>
          {WINDOWS.map((w) => (
            <label key={w.value} className={w.value === win ? 'checked' : undefined}>
              <input type="radio" name="window" value={w.value} checked={w.value === win} onChange={() => setWin(w.value)} />
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
              Over time <span className="muted small">(review level, one point per answer while this page is open)</span>
            </h2>
            {history.length < 2 ? (
              <p className="muted" data-testid="chart-waiting">
                The lines start with the next answer (every {POLL_MS / 1000} s).
              </p>
            ) : null}
            <LineChart
              label="Precision and recall, realized beside expected, and the labelled share"
              x={history.map((p) => p.t)}
              time
              height={220}
              yRange={[0, 1]}
              series={[
                { label: 'Precision', values: history.map((p) => p.precision), stroke: COLORS.current },
                {
                  label: 'Expected precision',
                  values: history.map((p) => p.expectedPrecision),
                  stroke: COLORS.current,
                  dash: [6, 4],
                },
                { label: 'Recall', values: history.map((p) => p.recall), stroke: COLORS.decline },
                { label: 'Expected recall', values: history.map((p) => p.expectedRecall), stroke: COLORS.decline, dash: [6, 4] },
                { label: 'Labelled share', values: history.map((p) => p.labelledShare), stroke: COLORS.baseline },
              ]}
              formatY={(v) => formatPercent(v, 0)}
              testId="performance-chart"
            />
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
