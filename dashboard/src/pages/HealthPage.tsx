/**
 * Health: GET /health in words, and GET /metrics turned into a few numbers and small charts —
 * decisions so far, the score distribution, request and prediction rates and memory over the
 * last minutes (from successive scrapes kept in the page), latency quantiles of /predict, and the
 * prediction log's counters. Both are polled.
 */

import { useEffect, useState } from 'react';

import { DECISIONS, type ComponentHealth, type HealthInfo, type Metrics } from '../api';
import { COLORS } from '../charts/Chart';
import { Histogram, shares } from '../charts/Histogram';
import { LineChart } from '../charts/LineChart';
import { ErrorState, Loading } from '../components/States';
import { DECISION_LABEL, formatBytes, formatCount, formatDuration, formatNumber } from '../format';
import { useApi, useResource } from '../hooks';
import { bucketCounts, buckets, gauge, infoLabels, quantile, total } from '../metrics-view';

const POLL_MS = 5000;
/** Scrapes kept for the time charts (10 minutes at the poll interval). */
const HISTORY = 120;

interface Point {
  /** Unix seconds. */
  t: number;
  requests: number | null;
  predictions: number | null;
  rss: number | null;
  heap: number | null;
}

function flatten(value: unknown, prefix = '', out: [string, string][] = [], depth = 0): [string, string][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth < 2) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out, depth + 1);
  } else {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    out.push([prefix, text.length > 120 ? `${text.slice(0, 117)}…` : text]);
  }
  return out;
}

function find(h: HealthInfo, ...keys: string[]): unknown {
  for (const k of keys) {
    const path = k.split('.');
    let cur: unknown = h;
    for (const p of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
    if (cur !== undefined && cur !== null) return cur;
  }
  return undefined;
}

/** The parts /health reports on (drift, entity state, model registry, …), by name. */
function componentsOf(h: HealthInfo): [string, ComponentHealth][] {
  return Object.entries(h.components ?? {});
}

/** A component's name as words: `model_registry` → "model registry". */
function partName(name: string): string {
  return name.replace(/_/g, ' ');
}

const COMPONENT_BADGE: Record<ComponentHealth['status'], string> = { ok: 'stable', degraded: 'degraded', off: 'nodata' };

/** One row per component: its status and its whole detail (a refusal's reason is in it). */
function ComponentsTable({ h }: { h: HealthInfo }) {
  const components = componentsOf(h);
  if (components.length === 0) return null;
  return (
    <table className="data-table health-components" data-testid="health-components">
      <caption className="muted small">Parts of the service, as each reports itself</caption>
      <thead>
        <tr>
          <th scope="col">Part</th>
          <th scope="col">Status</th>
          <th scope="col">Detail</th>
        </tr>
      </thead>
      <tbody>
        {components.map(([name, c]) => (
          <tr key={name} data-component={name} data-status={c.status}>
            <th scope="row">{partName(name)}</th>
            <td>
              <span className={`badge badge-${COMPONENT_BADGE[c.status]}`}>{c.status}</span>
              {c.redis_connected === false ? ' Redis unreachable' : ''}
            </td>
            <td data-testid="component-detail">{c.detail ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function HealthWords({ h }: { h: HealthInfo }) {
  const status = String(h.status ?? 'unknown');
  const lower = status.toLowerCase();
  const level = ['ok', 'up', 'healthy', 'ready', 'pass'].includes(lower)
    ? 'stable'
    : lower === 'degraded'
      ? 'degraded'
      : 'drifted';
  const version = find(h, 'model_version', 'model.version');
  const uptime = find(h, 'uptime_s', 'uptime_seconds', 'uptime');
  const logBackend = find(h, 'logging_handler', 'prediction_log.backend');
  // Judged by the state each store reports, not by its backend's name: any backend cut off from
  // its server (Redis today, PostgreSQL tomorrow) reads the same.
  const logConnected = find(h, 'prediction_log.connected');
  const dropped = find(h, 'prediction_log.dropped');
  const drift = find(h, 'components.drift.status');
  const driftDetail = find(h, 'components.drift.detail');
  const impaired: string[] = [];
  if (logConnected === false)
    impaired.push(
      `the ${typeof logBackend === 'string' ? `${logBackend} ` : ''}prediction log is disconnected and records wait in a bounded buffer`,
    );
  // Every part judged by the state it reports, so a new component is named here without a change.
  for (const [name, c] of componentsOf(h))
    if (c.status === 'degraded') impaired.push(`${partName(name)}${c.detail !== undefined ? ` (${c.detail})` : ''}`);
  const headline =
    level === 'stable'
      ? 'The API is up and answering.'
      : level === 'degraded'
        ? 'The API answers predictions, but part of it is impaired' + (impaired.length > 0 ? `: ${impaired.join('; ')}.` : '.')
        : 'The API does not report itself healthy (it may be shutting down).';
  return (
    <p className="health-words" data-testid="health-words" data-status={status}>
      <span className={`badge badge-${level}`}>{status}</span> {headline}
      {typeof version === 'string' ? ` It serves model ${version}.` : ''}
      {typeof uptime === 'number' ? ` Running for ${formatDuration(uptime)}.` : ''}
      {typeof logBackend === 'string' ? ` Predictions are logged to ${logBackend}.` : ''}
      {typeof dropped === 'number' && dropped > 0 ? ` ${formatCount(dropped)} prediction records were dropped.` : ''}
      {drift === 'off' ? ` Drift monitoring is off${typeof driftDetail === 'string' ? `: ${driftDetail}` : ''}.` : ''}
    </p>
  );
}

function decisionRows(m: Metrics): { decision: string; count: number }[] {
  return DECISIONS.map((d) => ({
    decision: d,
    count: total(m, 'fraudlens_predictions_total', 'fraudlens_predictions_total', { decision: d }) ?? 0,
  }));
}

export function HealthPage() {
  const api = useApi();
  const health = useResource('health', (s) => api.health(s), POLL_MS);
  const metrics = useResource('metrics', (s) => api.metrics(s), POLL_MS);
  const [history, setHistory] = useState<Point[]>([]);

  const m = metrics.data;
  useEffect(() => {
    if (m === undefined || metrics.updatedAt === null) return;
    const point: Point = {
      t: metrics.updatedAt / 1000,
      requests: total(m, 'fraudlens_http_request_duration_seconds', 'fraudlens_http_request_duration_seconds_count'),
      predictions: total(m, 'fraudlens_predictions_total'),
      rss: gauge(m, 'fraudlens_process_resident_memory_bytes'),
      heap: gauge(m, 'fraudlens_nodejs_heap_size_used_bytes'),
    };
    setHistory((h) => [...h, point].slice(-HISTORY));
  }, [m, metrics.updatedAt]);

  // Rates between successive scrapes; a counter that went down means a restart, not a rate.
  const rates = history.slice(1).map((p, i) => {
    const prev = history[i];
    const dt = p.t - prev.t;
    const rate = (a: number | null, b: number | null): number | null =>
      a !== null && b !== null && dt > 0 && a >= b ? (a - b) / dt : null;
    return { t: p.t, requests: rate(p.requests, prev.requests), predictions: rate(p.predictions, prev.predictions) };
  });

  const predictLatency = m ? buckets(m.get('fraudlens_http_request_duration_seconds'), (l) => l.route === '/predict') : null;
  const scoreBuckets = m ? buckets(m.get('fraudlens_prediction_score')) : null;
  const build = m ? infoLabels(m, 'fraudlens_build_info') : null;
  const modelInfo = m ? infoLabels(m, 'fraudlens_model_info') : null;
  const startTime = m ? gauge(m, 'fraudlens_process_start_time_seconds') : null;
  const lag = m ? gauge(m, 'fraudlens_nodejs_eventloop_lag_p99_seconds') : null;
  const ms = (v: number | null): string => (v === null ? '—' : `${formatNumber(v * 1000, 3)} ms`);

  return (
    <div className="page-stack">
      <div className="page-grid health-grid">
        <section className="card" aria-labelledby="health-title">
          <h2 id="health-title">Service</h2>
          {health.error !== undefined ? (
            <ErrorState error={health.error} what="GET /health" compact={health.data !== undefined} />
          ) : null}
          {health.data === undefined ? (
            health.loading ? (
              <Loading what="health" />
            ) : null
          ) : (
            <>
              <HealthWords h={health.data} />
              <ComponentsTable h={health.data} />
              <dl className="facts compact">
                {flatten(health.data)
                  .filter(([k]) => k !== 'status' && !k.startsWith('components.'))
                  .map(([k, v]) => (
                    <div key={k}>
                      <dt>{k}</dt>
                      <dd>{v}</dd>
                    </div>
                  ))}
              </dl>
            </>
          )}
        </section>

        <section className="card" aria-labelledby="process-title">
          <h2 id="process-title">Process</h2>
          {metrics.error !== undefined ? (
            <ErrorState error={metrics.error} what="GET /metrics" compact={m !== undefined} />
          ) : null}
          {m === undefined ? (
            metrics.loading ? (
              <Loading what="metrics" />
            ) : null
          ) : (
            <dl className="facts" data-testid="process-facts">
              <div>
                <dt>fraudlens</dt>
                <dd>{build ? `${build.version ?? '?'} (${build.env ?? '?'})` : '—'}</dd>
              </div>
              <div>
                <dt>Model</dt>
                <dd>{modelInfo?.version ?? '—'}</dd>
              </div>
              <div>
                <dt>Up for</dt>
                <dd>{startTime !== null ? formatDuration(Date.now() / 1000 - startTime) : '—'}</dd>
              </div>
              <div>
                <dt>Memory (resident)</dt>
                <dd>{formatBytes(gauge(m, 'fraudlens_process_resident_memory_bytes') ?? NaN)}</dd>
              </div>
              <div>
                <dt>Event-loop delay p99</dt>
                <dd>{ms(lag)}</dd>
              </div>
              <div>
                <dt>/predict latency</dt>
                <dd data-testid="predict-latency">
                  {predictLatency
                    ? `p50 ${ms(quantile(predictLatency, 0.5))}, p95 ${ms(quantile(predictLatency, 0.95))}, p99 ${ms(quantile(predictLatency, 0.99))}`
                    : 'no requests yet'}
                </dd>
              </div>
              <div>
                <dt>Prediction log</dt>
                <dd>
                  {formatCount(total(m, 'fraudlens_prediction_log_written_total'))} written,{' '}
                  {formatCount(gauge(m, 'fraudlens_prediction_log_buffered'))} waiting,{' '}
                  {formatCount(total(m, 'fraudlens_prediction_log_dropped_total'))} dropped
                  {gauge(m, 'fraudlens_prediction_log_connected') === 0 ? ' — backend disconnected' : ''}
                </dd>
              </div>
            </dl>
          )}
        </section>
      </div>

      {m !== undefined ? (
        <div className="page-grid health-grid">
          <section className="card" aria-labelledby="decisions-title">
            <h2 id="decisions-title">Decisions since start</h2>
            <table className="bars" data-testid="decision-counts">
              <caption className="visually-hidden">Predictions per decision since the server started</caption>
              <tbody>
                {decisionRows(m).map((r) => {
                  const sum = decisionRows(m).reduce((a, b) => a + b.count, 0) || 1;
                  return (
                    <tr key={r.decision} data-decision={r.decision} data-value={r.count}>
                      <th scope="row">{DECISION_LABEL[r.decision]}</th>
                      <td>
                        <span className="bar-track" aria-hidden="true">
                          <span className={`bar-fill fill-${r.decision}`} style={{ width: `${(r.count / sum) * 100}%` }} />
                        </span>
                        <span className="bar-value">{formatCount(r.count)}</span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {scoreBuckets !== null ? (
              <>
                <h3>Scores since start</h3>
                <Histogram
                  label="Share of predictions per score bucket since the server started"
                  binLabels={bucketCounts(scoreBuckets, (v) => formatNumber(v, 2)).labels}
                  series={[
                    {
                      label: 'Predictions',
                      values: shares(bucketCounts(scoreBuckets, (v) => formatNumber(v, 2)).counts),
                      stroke: COLORS.current,
                      fill: COLORS.currentFill,
                      size: 0.8,
                    },
                  ]}
                  height={180}
                  testId="score-buckets"
                />
              </>
            ) : null}
          </section>

          <section className="card" aria-labelledby="traffic-title">
            <h2 id="traffic-title">Traffic and memory, last minutes</h2>
            {rates.length < 2 ? (
              <p className="muted">Collecting: the rates need a few scrapes ({POLL_MS / 1000} s apart).</p>
            ) : (
              <>
                <LineChart
                  label="Requests and predictions per second"
                  x={rates.map((r) => r.t)}
                  time
                  height={160}
                  series={[
                    { label: 'Requests/s', values: rates.map((r) => r.requests), stroke: COLORS.baseline },
                    { label: 'Predictions/s', values: rates.map((r) => r.predictions), stroke: COLORS.current },
                  ]}
                  formatY={(v) => formatNumber(v, 3)}
                  testId="rate-chart"
                />
                <LineChart
                  label="Resident memory and used heap"
                  x={history.map((p) => p.t)}
                  time
                  height={140}
                  series={[
                    { label: 'Resident', values: history.map((p) => p.rss), stroke: COLORS.baseline },
                    { label: 'Heap used', values: history.map((p) => p.heap), stroke: COLORS.review },
                  ]}
                  formatY={(v) => formatBytes(v)}
                  testId="memory-chart"
                />
              </>
            )}
          </section>
        </div>
      ) : null}
    </div>
  );
}
