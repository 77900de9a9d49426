/**
 * Monitoring: the drift report of the chosen window. The dataset verdict first, then every
 * feature's test in a sortable table, the selected feature's baseline and current histograms
 * overlaid on the baseline's own bins, and the score distribution now against training. The
 * report is polled, so a shift in live traffic shows up without reloading.
 */

import { useMemo, useState } from 'react';

import { DRIFT_WINDOWS, isApiError, type DriftReport, type DriftWindow, type FeatureDriftReport, type ModelInfo } from '../api';
import { COLORS } from '../charts/Chart';
import { Histogram, shares } from '../charts/Histogram';
import { Empty, ErrorState, Loading } from '../components/States';
import { featureLabel, formatCompact, formatCount, formatDateTime, formatNumber, formatPercent, formatTime } from '../format';
import { useApi, useResource } from '../hooks';

const POLL_MS = 10_000;
type SortKey = 'feature' | 'type' | 'test' | 'statistic' | 'p_value' | 'threshold' | 'drifted';

/** Labels of a feature's bins: numeric ranges from the cut points, or category names. */
export function binLabels(r: FeatureDriftReport): string[] {
  if (r.baseline.categories !== undefined)
    return r.baseline.categories.map((c) => (c === '__other__' ? 'other' : c.replace(/_/g, ' ')));
  const edges = r.baseline.edges ?? [];
  if (edges.length === 0) return ['all values'];
  const f = formatCompact;
  const labels = [`≤ ${f(edges[0])}`];
  for (let i = 1; i < edges.length; i++) labels.push(`${f(edges[i - 1])}–${f(edges[i])}`);
  labels.push(`> ${f(edges[edges.length - 1])}`);
  return labels;
}

function statusOf(r: FeatureDriftReport): 'drifted' | 'stable' | 'nodata' {
  return r.not_enough_data ? 'nodata' : r.drifted ? 'drifted' : 'stable';
}

function DriftBadge({ r }: { r: FeatureDriftReport }) {
  const s = statusOf(r);
  const text = s === 'drifted' ? 'Drifted' : s === 'stable' ? 'Stable' : 'Not enough data';
  return <span className={`badge badge-${s}`}>{text}</span>;
}

function thresholdText(r: FeatureDriftReport): string {
  // A result with a p-value is a test (drift below the threshold); one with only a statistic is a
  // distance (drift at or above it); with neither there was not enough data to say.
  const t = formatNumber(r.threshold, 3);
  return r.p_value !== null ? `p < ${t}` : r.statistic !== null ? `≥ ${t}` : t;
}

function pValueText(p: number | null): string {
  if (p === null) return '—';
  return p < 1e-4 ? '< 0.0001' : formatNumber(p, 3);
}

/** Order of two rows by a column; features sort by the name shown, not the column name. */
function compare(a: FeatureDriftReport, b: FeatureDriftReport, key: SortKey, label: (feature: string) => string): number {
  switch (key) {
    case 'feature':
      return label(a.feature).localeCompare(label(b.feature));
    case 'type':
    case 'test':
      return a[key].localeCompare(b[key]);
    case 'drifted': {
      const rank = { drifted: 2, stable: 1, nodata: 0 };
      return rank[statusOf(a)] - rank[statusOf(b)];
    }
    default: {
      // Missing numbers (not enough data) sort below every number.
      const x = a[key] ?? -Infinity;
      const y = b[key] ?? -Infinity;
      return x - y;
    }
  }
}

function FeatureHistogram({ r, model, height }: { r: FeatureDriftReport; model: ModelInfo | undefined; height?: number }) {
  const spec = model?.features.find((f) => f.name === r.feature);
  const name = r.feature === 'score' && spec === undefined ? 'Score' : featureLabel(r.feature, spec);
  const drifted = statusOf(r) === 'drifted';
  return (
    <Histogram
      label={`${name}: share of rows per bin, training baseline against the current window`}
      binLabels={binLabels(r)}
      height={height}
      testId={`histogram-${r.feature}`}
      series={[
        {
          label: 'Training baseline',
          values: shares(r.baseline.counts),
          stroke: COLORS.baseline,
          fill: COLORS.baselineFill,
          size: 0.86,
        },
        {
          label: 'Current window',
          values: shares(r.current.counts),
          stroke: drifted ? COLORS.drifted : COLORS.current,
          fill: drifted ? COLORS.driftedFill : COLORS.currentFill,
          size: 0.5,
        },
      ]}
    />
  );
}

function Verdict({ report }: { report: DriftReport }) {
  const d = report.dataset_drift;
  const state = d.not_enough_data ? 'nodata' : d.drifted ? 'drifted' : 'stable';
  // Below the dataset verdict, a drifted feature or a moved score distribution is still news.
  const scoreDrifted = report.prediction_drift.drifted;
  const some = state === 'stable' && (d.drifted_features > 0 || scoreDrifted);
  const what = [
    d.drifted_features > 0 ? `${d.drifted_features} feature${d.drifted_features === 1 ? '' : 's'}` : '',
    scoreDrifted ? 'the score distribution' : '',
  ]
    .filter(Boolean)
    .join(' and ');
  const headline =
    state === 'drifted'
      ? 'Dataset drift detected'
      : state === 'nodata'
        ? 'Not enough data yet'
        : some
          ? `No dataset drift, but ${what} drifted`
          : 'No dataset drift';
  const w = report.window;
  return (
    <section
      className={`card verdict verdict-${some ? 'partial' : state}`}
      aria-labelledby="verdict-title"
      data-testid="drift-verdict"
      data-state={state}
    >
      <h2 id="verdict-title">{headline}</h2>
      <p>
        {state === 'nodata' ? (
          <>
            The tests need at least {formatCount(report.settings.min_sample_size)} rows per feature; this window holds{' '}
            {formatCount(report.rows)}.
          </>
        ) : (
          <>
            <strong>
              {d.drifted_features} of {d.evaluated_features}
            </strong>{' '}
            features drifted ({formatPercent(d.share_drifted, 0)}); the dataset counts as drifted from {formatPercent(d.share, 0)}
            .{report.drifted_features.length > 0 ? ` Drifted: ${report.drifted_features.join(', ')}.` : ''}
          </>
        )}
      </p>
      <dl className="facts">
        <div>
          <dt>Rows in the window</dt>
          <dd data-testid="drift-rows">{formatCount(report.rows)}</dd>
        </div>
        <div>
          <dt>Window</dt>
          <dd>
            {w === null
              ? '—'
              : w.type === 'time'
                ? `${formatTime(new Date(w.from).toISOString())} – ${formatTime(new Date(w.to).toISOString())}`
                : `last ${formatCount(w.available)} of ${formatCount(w.requested)} rows`}
          </dd>
        </div>
        <div>
          <dt>Baseline</dt>
          <dd>
            {formatCount(report.baseline_rows)} training rows, {formatDateTime(report.baseline_created_at)}
          </dd>
        </div>
        <div>
          <dt>Score distribution</dt>
          <dd>
            <DriftBadge r={report.prediction_drift} /> {report.prediction_drift.test_title}
          </dd>
        </div>
      </dl>
    </section>
  );
}

export function MonitoringPage({ model }: { model: ModelInfo | undefined }) {
  const api = useApi();
  const [win, setWin] = useState<DriftWindow>('1h');
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 }>({ key: 'drifted', dir: -1 });
  const [chosen, setChosen] = useState<string | null>(null);
  const drift = useResource(`drift:${win}`, (signal) => api.drift(win, signal), POLL_MS);
  const report = drift.data;

  const rows = useMemo(() => {
    if (report === undefined) return [];
    const list = [...report.features];
    // Ties keep the model's feature order.
    const label = (name: string): string =>
      featureLabel(
        name,
        model?.features.find((f) => f.name === name),
      );
    return list.sort(
      (a, b) => compare(a, b, sort.key, label) * sort.dir || report.features.indexOf(a) - report.features.indexOf(b),
    );
  }, [report, sort, model]);

  const withPValues = report?.features.some((f) => f.p_value !== null) ?? false;
  const selected =
    report === undefined
      ? undefined
      : (report.features.find((f) => f.feature === chosen) ?? report.features.find((f) => f.drifted) ?? report.features[0]);

  function header(key: SortKey, text: string, numeric = false) {
    const active = sort.key === key;
    return (
      <th
        scope="col"
        aria-sort={active ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}
        className={numeric ? 'num' : undefined}
      >
        <button
          type="button"
          className="sort"
          onClick={() =>
            setSort({
              key,
              dir: active ? (sort.dir === 1 ? -1 : 1) : key === 'feature' || key === 'type' || key === 'test' ? 1 : -1,
            })
          }
        >
          {text}
          <span aria-hidden="true" className="sort-mark">
            {active ? (sort.dir === 1 ? '▲' : '▼') : '↕'}
          </span>
        </button>
      </th>
    );
  }

  return (
    <div className="page-stack">
      <div className="toolbar">
        <fieldset className="segmented">
          <legend>Window</legend>
          {DRIFT_WINDOWS.map((w) => (
            <label key={w.value} className={w.value === win ? 'checked' : undefined}>
              <input type="radio" name="window" value={w.value} checked={w.value === win} onChange={() => setWin(w.value)} />
              {w.label}
            </label>
          ))}
        </fieldset>
        <span className="muted small" aria-live="polite">
          {drift.updatedAt !== null
            ? `Updated ${formatTime(new Date(drift.updatedAt).toISOString())}, every ${POLL_MS / 1000} s`
            : ''}
        </span>
        <button type="button" className="button" onClick={drift.reload}>
          Refresh
        </button>
      </div>

      {drift.error !== undefined ? (
        isApiError(drift.error) && (drift.error.code === 'NOT_FOUND' || drift.error.code === 'METHOD_NOT_ALLOWED') ? (
          <Empty title="No drift data: this API does not report drift">
            <p>
              GET /drift answered “{drift.error.message}”. Drift monitoring needs a baseline (drift_baseline.json beside the
              model) and a server that offers /drift.
            </p>
          </Empty>
        ) : (
          <ErrorState error={drift.error} what="loading the drift report" onRetry={drift.reload} compact={report !== undefined} />
        )
      ) : null}
      {report === undefined ? (
        drift.loading ? (
          <Loading what="the drift report" />
        ) : null
      ) : report.rows === 0 ? (
        <>
          <Verdict report={report} />
          <Empty title="No drift data yet: no predictions in this window">
            <p>
              Send traffic to the API, for instance{' '}
              <code>fraudlens simulate --target {api.baseUrl || pageOrigin()} --rate 20 --duration 120</code>, then watch this
              page fill in.
            </p>
          </Empty>
        </>
      ) : (
        <>
          <Verdict report={report} />
          <div className="page-grid monitor-grid">
            <section className="card" aria-labelledby="features-title">
              <h2 id="features-title">Features</h2>
              <div className="table-scroll">
                <table className="data-table" data-testid="drift-table">
                  <caption className="visually-hidden">
                    Drift test per feature. The column buttons sort the table; a feature's name shows its histogram.
                  </caption>
                  <thead>
                    <tr>
                      {header('feature', 'Feature')}
                      {header('test', 'Test')}
                      {header('statistic', 'Statistic', true)}
                      {withPValues ? header('p_value', 'p-value', true) : null}
                      {header('threshold', 'Threshold', true)}
                      {header('drifted', 'Drift')}
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr
                        key={r.feature}
                        data-feature={r.feature}
                        data-drifted={String(r.drifted)}
                        className={selected?.feature === r.feature ? 'selected' : undefined}
                      >
                        <th scope="row">
                          <button
                            type="button"
                            className="link-button feature-button"
                            aria-pressed={selected?.feature === r.feature}
                            onClick={() => setChosen(r.feature)}
                          >
                            {featureLabel(
                              r.feature,
                              model?.features.find((f) => f.name === r.feature),
                            )}
                            <span className="field-name">{r.feature}</span>
                          </button>
                        </th>
                        <td>{r.test_title}</td>
                        <td className="num">{r.statistic === null ? '—' : formatNumber(r.statistic, 3)}</td>
                        {withPValues ? <td className="num">{pValueText(r.p_value)}</td> : null}
                        <td className="num">{thresholdText(r)}</td>
                        <td>
                          <DriftBadge r={r} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
            {selected !== undefined ? (
              <section className="card" aria-labelledby="hist-title">
                <h2 id="hist-title">
                  {featureLabel(
                    selected.feature,
                    model?.features.find((f) => f.name === selected.feature),
                  )}
                  : baseline vs current <DriftBadge r={selected} />
                </h2>
                <FeatureHistogram r={selected} model={model} />
                <p className="muted small">
                  {selected.test_title} on {selected.method === 'samples' ? 'samples of the raw values' : 'the bin counts'} (
                  {formatCount(selected.observations.baseline)} training and {formatCount(selected.observations.current)} current
                  observations); bars are the shares of all rows per training bin
                  {selected.baseline.missing + selected.current.missing > 0
                    ? `; missing values (not tested): ${formatCount(selected.baseline.missing)} in training, ${formatCount(selected.current.missing)} now`
                    : ''}
                  .
                </p>
              </section>
            ) : null}
          </div>
          <section className="card" aria-labelledby="score-dist-title">
            <h2 id="score-dist-title">
              Score distribution: now vs training <DriftBadge r={report.prediction_drift} />
            </h2>
            <FeatureHistogram r={{ ...report.prediction_drift, feature: 'score' }} model={undefined} height={200} />
          </section>
        </>
      )}
    </div>
  );
}

function pageOrigin(): string {
  return window.location.origin;
}
