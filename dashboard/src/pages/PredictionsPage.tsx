/**
 * Predictions: the newest prediction records, refreshed by polling GET /logs (the API has no
 * event stream), filterable by decision. New rows are marked as they arrive. Choosing a row shows
 * its score and, when it was scored with ?explain=true, the stored explanation; otherwise the
 * dashboard can ask for one through POST /explain, which logs nothing: looking at a record never
 * adds one. A raw transaction's record shows its id and the features derived from it (its raw
 * fields are never logged, so it cannot be explained again).
 */

import { useEffect, useMemo, useRef, useState } from 'react';

import { DECISIONS, type Decision, type Explained, type ModelInfo, type PredictionRecord } from '../api';
import { DerivedFeatures } from '../components/DerivedFeatures';
import { RiskBar } from '../components/RiskBar';
import { Empty, ErrorState, Loading } from '../components/States';
import { Waterfall } from '../components/Waterfall';
import { DECISION_LABEL, featureLabel, formatCount, formatDateTime, formatFixed, formatTime, formatValue } from '../format';
import { useApi, useResource } from '../hooks';

const POLL_MS = 2000;
const LIMIT = 200;
/** Feature columns shown in the table (the rest are in the details). */
const FEATURE_COLUMNS = 3;

type Filter = 'all' | Decision;

function Details({ record, model }: { record: PredictionRecord; model: ModelInfo | undefined }) {
  const api = useApi();
  const [fresh, setFresh] = useState<Explained | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const features = model?.features ?? [];
  const masked = Object.values(record.features).some((v) => v === '***');
  // A raw transaction's record keeps the features derived from it, never its raw fields.
  const raw = record.transaction_id !== undefined;
  const explanation = record.explanation ?? fresh?.explanation;
  const thresholds = model?.thresholds ?? fresh?.thresholds ?? null;

  async function explain(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      setFresh(await api.explain(record.features));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="detail-title" data-testid="prediction-detail" data-id={record.id}>
      <h2 id="detail-title">Prediction {record.id.slice(0, 8)}</h2>
      <p className="muted small">
        {formatDateTime(record.timestamp)} · model {record.model_version} · {formatFixed(record.latency_ms, 2)} ms
        {raw ? ` · transaction ${record.transaction_id}` : ''}
      </p>
      {thresholds !== null ? <RiskBar score={record.score} decision={record.decision} thresholds={thresholds} /> : null}
      {explanation !== undefined ? (
        <>
          {record.explanation === undefined ? (
            <p className="muted small">
              Explanation computed now from the logged values, without logging them again (score {formatFixed(fresh?.score, 4)}).
            </p>
          ) : null}
          <Waterfall explanation={explanation} values={record.features} features={features} />
          {raw && model?.derived !== undefined ? (
            <>
              <h3>Features computed for this transaction</h3>
              <DerivedFeatures values={record.features} definitions={model.derived} />
            </>
          ) : null}
        </>
      ) : (
        <>
          <dl className="facts">
            {Object.entries(record.features).map(([k, v]) => (
              <div key={k}>
                <dt>
                  {featureLabel(
                    k,
                    features.find((f) => f.name === k),
                  )}
                </dt>
                <dd>{formatValue(k, v)}</dd>
              </div>
            ))}
          </dl>
          <p className="muted">This prediction was logged without an explanation.</p>
          {raw ? (
            <p className="muted">
              The log keeps the features derived from this raw transaction, not the transaction itself, so it cannot be explained
              again.
            </p>
          ) : masked ? (
            <p className="muted">Some values are masked in the log, so it cannot be explained again.</p>
          ) : (
            <button type="button" className="button" onClick={() => void explain()} disabled={busy}>
              {busy ? 'Explaining…' : 'Explain it'}
            </button>
          )}
          {error !== null ? <ErrorState error={error} what="explaining this prediction" compact /> : null}
        </>
      )}
    </section>
  );
}

export function PredictionsPage({ model }: { model: ModelInfo | undefined }) {
  const api = useApi();
  const [live, setLive] = useState(true);
  const [filter, setFilter] = useState<Filter>('all');
  const [selected, setSelected] = useState<PredictionRecord | null>(null);
  const logs = useResource(`logs:${live ? 'live' : 'paused'}`, (signal) => api.logs(LIMIT, signal), live ? POLL_MS : undefined);
  const records = logs.data;

  // Rows not seen in the previous answer are marked as new (not on the first answer).
  const seen = useRef<Set<string> | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [announce, setAnnounce] = useState('');
  useEffect(() => {
    if (records === undefined) return;
    const ids = new Set(records.map((r) => r.id));
    if (seen.current !== null) {
      const added = records.filter((r) => !seen.current!.has(r.id)).map((r) => r.id);
      setFresh(new Set(added));
      if (added.length > 0) setAnnounce(`${added.length} new prediction${added.length === 1 ? '' : 's'}`);
    }
    seen.current = ids;
  }, [records]);

  const counts = useMemo(() => {
    const c: Record<Decision, number> = { approve: 0, review: 0, decline: 0 };
    for (const r of records ?? []) if (r.decision in c) c[r.decision]++;
    return c;
  }, [records]);
  const shown = (records ?? []).filter((r) => filter === 'all' || r.decision === filter);
  // Raw transactions carry their own id: a column once any record has one, in place of a feature's.
  const withIds = (records ?? []).some((r) => r.transaction_id !== undefined);
  const columns = (model?.features ?? []).slice(0, withIds ? FEATURE_COLUMNS - 1 : FEATURE_COLUMNS);

  return (
    <div className="page-stack">
      <div className="toolbar">
        <fieldset className="segmented">
          <legend>Decision</legend>
          {(['all', ...DECISIONS] as Filter[]).map((d) => (
            <label key={d} className={d === filter ? 'checked' : undefined}>
              <input type="radio" name="decision" value={d} checked={d === filter} onChange={() => setFilter(d)} />
              {d === 'all' ? 'All' : DECISION_LABEL[d]}
              {records !== undefined ? <span className="count"> {d === 'all' ? records.length : counts[d]}</span> : null}
            </label>
          ))}
        </fieldset>
        <button type="button" className="button" aria-pressed={!live} onClick={() => setLive(!live)}>
          {live ? 'Pause' : 'Resume live updates'}
        </button>
        <span className="muted small">
          {live ? <span className="live-dot" aria-hidden="true" /> : null}
          {live ? 'Live' : 'Paused'}
          {logs.updatedAt !== null ? ` · updated ${formatTime(new Date(logs.updatedAt).toISOString())}` : ''}
        </span>
        <span className="visually-hidden" aria-live="polite">
          {announce}
        </span>
      </div>
      {logs.error !== undefined ? (
        <ErrorState error={logs.error} what="loading the prediction log" onRetry={logs.reload} compact={records !== undefined} />
      ) : null}
      {records === undefined ? (
        logs.loading ? (
          <Loading what="the latest predictions" />
        ) : null
      ) : records.length === 0 ? (
        <Empty title="No predictions yet">
          <p>
            Score a transaction on the Score page, or replay the hold-out data with <code>fraudlens simulate</code>; new
            predictions appear here by themselves.
          </p>
        </Empty>
      ) : (
        <div className="page-grid predictions-grid">
          <section className="card" aria-labelledby="latest-title">
            <h2 id="latest-title">
              Latest predictions{' '}
              <span className="muted small">
                ({formatCount(shown.length)} shown of the newest {formatCount(records.length)})
              </span>
            </h2>
            <div className="table-scroll tall">
              <table className="data-table" data-testid="predictions-table">
                <caption className="visually-hidden">Newest first. Choose a row to see its explanation.</caption>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col" className="num">
                      Score
                    </th>
                    <th scope="col">Decision</th>
                    {withIds ? <th scope="col">Transaction</th> : null}
                    {columns.map((f) => (
                      <th scope="col" key={f.name}>
                        {/* A derived feature's description is a sentence: the short label fits a column. */}
                        {model?.derived !== undefined ? featureLabel(f.name) : featureLabel(f.name, f)}
                      </th>
                    ))}
                    <th scope="col">
                      <span className="visually-hidden">Details</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((r) => (
                    <tr
                      key={r.id}
                      data-id={r.id}
                      data-decision={r.decision}
                      className={
                        [fresh.has(r.id) ? 'new' : '', selected?.id === r.id ? 'selected' : ''].join(' ').trim() || undefined
                      }
                    >
                      <td>{formatTime(r.timestamp)}</td>
                      <td className="num">{formatFixed(r.score, 4)}</td>
                      <td>
                        <span className={`decision decision-${r.decision} small`}>
                          {DECISION_LABEL[r.decision] ?? r.decision}
                        </span>
                      </td>
                      {withIds ? (
                        <td className="mono" title={r.transaction_id}>
                          {r.transaction_id?.slice(0, 8) ?? '—'}
                        </td>
                      ) : null}
                      {columns.map((f) => (
                        <td key={f.name}>{formatValue(f.name, r.features[f.name])}</td>
                      ))}
                      <td>
                        <button
                          type="button"
                          className="link-button"
                          aria-pressed={selected?.id === r.id}
                          onClick={() => setSelected(r)}
                        >
                          Explain<span className="visually-hidden"> prediction {r.id.slice(0, 8)}</span>
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {shown.length === 0 ? (
                <p className="muted pad">
                  No {DECISION_LABEL[filter as Decision]?.toLowerCase()} decisions among the newest {formatCount(records.length)}{' '}
                  predictions.
                </p>
              ) : null}
            </div>
          </section>
          {selected !== null ? (
            <Details key={selected.id} record={selected} model={model} />
          ) : (
            <section className="card">
              <Empty title="Choose a prediction">
                <p>Its score and the reasons behind it appear here.</p>
              </Empty>
            </section>
          )}
        </div>
      )}
    </div>
  );
}
