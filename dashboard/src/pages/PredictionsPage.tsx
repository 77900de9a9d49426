/**
 * Predictions: the decision store searched through GET /decisions (transaction id, decision, score,
 * time and amount ranges; newest first, a page at a time through its cursor). The first page is
 * refreshed by polling (the API has no event stream) and new rows are marked as they arrive; the
 * page shown can be saved as CSV (csv-export.ts), values as the API sent them. Choosing a row shows
 * its score and, when it was scored with ?explain=true, the stored explanation; otherwise the
 * dashboard can ask for one through POST /explain, which logs nothing: looking at a record never
 * adds one. A raw transaction's record shows its id and the features derived from it (its raw
 * fields are never logged, so it cannot be explained again).
 */

import { useEffect, useRef, useState, type FormEvent } from 'react';

import {
  DECISIONS,
  isApiError,
  type Decision,
  type DecisionsPageQuery,
  type Explained,
  type ModelInfo,
  type PredictionRecord,
} from '../api';
import { decisionsCsv, downloadText } from '../csv-export';
import { EMPTY_FILTERS, isFiltered, toQuery, type FilterField, type FilterForm } from '../decision-filters';
import { DerivedFeatures } from '../components/DerivedFeatures';
import { RiskBar } from '../components/RiskBar';
import { Empty, ErrorState, Loading } from '../components/States';
import { Waterfall } from '../components/Waterfall';
import { DECISION_LABEL, featureLabel, formatCount, formatDateTime, formatFixed, formatTime, formatValue } from '../format';
import { useApi, useResource } from '../hooks';

const POLL_MS = 2000;
/** Rows per page offered (GET /decisions answers at most MAX_DECISIONS_PAGE). */
const PAGE_SIZES = [50, 100, 200] as const;
/** Feature columns shown in the table (the rest are in the details). */
const FEATURE_COLUMNS = 3;

function Details({ record, model }: { record: PredictionRecord; model: ModelInfo | undefined }) {
  const api = useApi();
  const [fresh, setFresh] = useState<Explained | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const features = model?.features ?? [];
  const masked = Object.values(record.features).some((v) => v === '***');
  // A raw transaction's record keeps the features derived from it, never its raw fields.
  const raw = model?.derived !== undefined;
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
        {record.transaction_id !== undefined ? ` · transaction ${record.transaction_id}` : ''}
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

/** One labelled input of the search form, with its message when the entry is refused. */
function FilterInput({
  field,
  label,
  form,
  errors,
  onChange,
  ...input
}: {
  field: FilterField;
  label: string;
  form: FilterForm;
  errors: Partial<Record<FilterField, string>>;
  onChange: (field: FilterField, value: string) => void;
  type?: string;
  step?: string;
  min?: string;
  max?: string;
  placeholder?: string;
}) {
  const error = errors[field];
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={`q-${field}`}>{label}</label>
      <input
        id={`q-${field}`}
        name={field}
        type={input.type ?? 'text'}
        step={input.step}
        min={input.min}
        max={input.max}
        placeholder={input.placeholder}
        value={form[field]}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `q-${field}-error` : undefined}
        onChange={(e) => onChange(field, e.target.value)}
      />
      {error ? (
        <span id={`q-${field}-error`} className="field-error">
          {label}: {error}
        </span>
      ) : null}
    </div>
  );
}

/** A long transaction id by its end, where ids of one source usually differ. */
function shortId(id: string | undefined): string {
  if (id === undefined) return '—';
  return id.length <= 12 ? id : `…${id.slice(-10)}`;
}

/** Today's file name for a CSV export, e.g. fraudlens-decisions-2026-12-02T16-05-09Z.csv. */
function exportName(): string {
  return `fraudlens-decisions-${new Date()
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-')}.csv`;
}

export function PredictionsPage({ model }: { model: ModelInfo | undefined }) {
  const api = useApi();
  const [live, setLive] = useState(true);
  const [form, setForm] = useState<FilterForm>(EMPTY_FILTERS);
  const [errors, setErrors] = useState<Partial<Record<FilterField, string>>>({});
  const [applied, setApplied] = useState<DecisionsPageQuery>({});
  const [pageSize, setPageSize] = useState<number>(PAGE_SIZES[0]);
  // cursors[i] opens page i (page 0 has none): the API's cursors only go on, so the way back is kept here.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [selected, setSelected] = useState<PredictionRecord | null>(null);
  const pageIndex = cursors.length - 1;
  const cursor = cursors[pageIndex];
  // Only the first page moves as decisions arrive; later pages are fixed by their cursor.
  const polling = live && pageIndex === 0;
  const query: DecisionsPageQuery = { ...applied, limit: pageSize, ...(cursor !== undefined ? { cursor } : {}) };
  const page = useResource(
    `decisions:${JSON.stringify(query)}:${polling ? 'live' : 'fixed'}`,
    (signal) => api.decisions(query, signal),
    polling ? POLL_MS : undefined,
  );
  const records = page.data?.decisions;
  const filtered = isFiltered(applied);

  // Rows not seen in the previous answer are marked as new (not on the first answer of a query).
  const seen = useRef<{ key: string; ids: Set<string> } | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [announce, setAnnounce] = useState('');
  const queryKey = JSON.stringify(query);
  useEffect(() => {
    if (records === undefined) return;
    const ids = new Set(records.map((r) => r.id));
    if (seen.current !== null && seen.current.key === queryKey) {
      const before = seen.current.ids;
      const added = records.filter((r) => !before.has(r.id)).map((r) => r.id);
      setFresh(new Set(added));
      if (added.length > 0) setAnnounce(`${added.length} new prediction${added.length === 1 ? '' : 's'}`);
    } else setFresh(new Set());
    seen.current = { key: queryKey, ids };
  }, [records, queryKey]);

  function apply(next: FilterForm): void {
    const result = toQuery(next);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    setApplied(result.query);
    setCursors([undefined]);
  }
  function change(field: FilterField, value: string): void {
    setForm((f) => ({ ...f, [field]: value }));
  }
  function submit(e: FormEvent): void {
    e.preventDefault();
    apply(form);
  }
  function chooseDecision(d: Decision | 'all'): void {
    const next = { ...form, decision: d };
    setForm(next);
    apply(next);
  }

  // Raw transactions carry their own id: a column once any record has one, in place of a feature's.
  const withIds = (records ?? []).some((r) => r.transaction_id !== undefined);
  const columns = (model?.features ?? []).slice(0, withIds ? FEATURE_COLUMNS - 1 : FEATURE_COLUMNS);
  const serverField = isApiError(page.error) && page.error.status < 500 ? page.error.field : undefined;

  return (
    <div className="page-stack">
      <form className="card search-form" aria-label="Search decisions" onSubmit={submit} noValidate>
        <fieldset className="segmented">
          <legend>Decision</legend>
          {(['all', ...DECISIONS] as const).map((d) => (
            <label key={d} className={d === form.decision ? 'checked' : undefined}>
              <input type="radio" name="decision" value={d} checked={d === form.decision} onChange={() => chooseDecision(d)} />
              {d === 'all' ? 'All' : DECISION_LABEL[d]}
            </label>
          ))}
        </fieldset>
        <div className="search-fields">
          <FilterInput field="transaction_id" label="Transaction id" form={form} errors={errors} onChange={change} />
          <FilterInput
            field="score_min"
            label="Score from"
            type="number"
            step="any"
            min="0"
            max="1"
            placeholder="0"
            form={form}
            errors={errors}
            onChange={change}
          />
          <FilterInput
            field="score_max"
            label="Score to"
            type="number"
            step="any"
            min="0"
            max="1"
            placeholder="1"
            form={form}
            errors={errors}
            onChange={change}
          />
          <FilterInput
            field="amount_min"
            label="Amount from"
            type="number"
            step="any"
            form={form}
            errors={errors}
            onChange={change}
          />
          <FilterInput
            field="amount_max"
            label="Amount to"
            type="number"
            step="any"
            form={form}
            errors={errors}
            onChange={change}
          />
          <FilterInput
            field="from"
            label="Decided from"
            type="datetime-local"
            step="1"
            form={form}
            errors={errors}
            onChange={change}
          />
          <FilterInput
            field="to"
            label="Decided before"
            type="datetime-local"
            step="1"
            form={form}
            errors={errors}
            onChange={change}
          />
        </div>
        <div className="button-row">
          <button type="submit" className="button primary">
            Search
          </button>
          <button
            type="button"
            className="button"
            disabled={!filtered && form === EMPTY_FILTERS}
            onClick={() => {
              setForm(EMPTY_FILTERS);
              apply(EMPTY_FILTERS);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <div className="toolbar">
        <button type="button" className="button" aria-pressed={!live} onClick={() => setLive(!live)}>
          {live ? 'Pause' : 'Resume live updates'}
        </button>
        <span className="muted small">
          {polling ? <span className="live-dot" aria-hidden="true" /> : null}
          {polling ? 'Live' : live ? 'Live on the first page only' : 'Paused'}
          {page.updatedAt !== null ? ` · updated ${formatTime(new Date(page.updatedAt).toISOString())}` : ''}
        </span>
        <span className="visually-hidden" aria-live="polite">
          {announce}
        </span>
      </div>
      {page.error !== undefined ? (
        <ErrorState
          error={page.error}
          what={
            serverField ? `searching the decisions (the API refused ${serverField})` : 'searching the decisions (GET /decisions)'
          }
          onRetry={page.reload}
          compact={records !== undefined}
        />
      ) : null}
      {records === undefined ? (
        page.loading ? (
          <Loading what="the decisions" />
        ) : null
      ) : records.length === 0 && pageIndex === 0 ? (
        filtered ? (
          <Empty title="No decision matches these filters">
            <p>Widen the ranges or clear the filters.</p>
          </Empty>
        ) : (
          <Empty title="No predictions yet">
            <p>
              Score a transaction on the Score page, or replay the hold-out data with <code>fraudlens simulate</code>; new
              predictions appear here by themselves.
            </p>
          </Empty>
        )
      ) : (
        <div className="page-grid predictions-grid">
          <section className="card" aria-labelledby="latest-title">
            <div className="card-head">
              <h2 id="latest-title">
                {filtered ? 'Matching decisions' : 'Latest predictions'}{' '}
                <span className="muted small" data-testid="page-range">
                  (page {pageIndex + 1}: {formatCount(records.length)} shown, newest first)
                </span>
              </h2>
              <button
                type="button"
                className="button"
                disabled={records.length === 0}
                onClick={() => downloadText(decisionsCsv(records, model?.features ?? []), exportName())}
              >
                Export CSV<span className="visually-hidden"> of the {records.length} decisions shown</span>
              </button>
            </div>
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
                  {records.map((r) => (
                    <tr
                      key={r.id}
                      data-id={r.id}
                      data-decision={r.decision}
                      data-transaction-id={r.transaction_id}
                      className={
                        [fresh.has(r.id) ? 'new' : '', selected?.id === r.id ? 'selected' : ''].join(' ').trim() || undefined
                      }
                    >
                      <td title={r.timestamp}>{formatTime(r.timestamp)}</td>
                      <td className="num">{formatFixed(r.score, 4)}</td>
                      <td>
                        <span className={`decision decision-${r.decision} small`}>
                          {DECISION_LABEL[r.decision] ?? r.decision}
                        </span>
                      </td>
                      {withIds ? (
                        <td className="mono" title={r.transaction_id}>
                          {shortId(r.transaction_id)}
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
              {records.length === 0 ? <p className="muted pad">No more decisions.</p> : null}
            </div>
            <nav className="pager" aria-label="Pages of decisions">
              <button
                type="button"
                className="button"
                disabled={pageIndex === 0}
                onClick={() => setCursors((c) => c.slice(0, -1))}
              >
                ← Newer
              </button>
              <button
                type="button"
                className="button"
                disabled={page.data?.next_cursor == null}
                onClick={() => {
                  const next = page.data?.next_cursor;
                  if (next != null) setCursors((c) => [...c, next]);
                }}
              >
                Older →
              </button>
              <label className="small">
                Rows per page{' '}
                <select
                  value={pageSize}
                  onChange={(e) => {
                    setPageSize(Number(e.target.value));
                    setCursors([undefined]);
                  }}
                >
                  {PAGE_SIZES.map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </label>
            </nav>
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
