/**
 * Score: a form generated from the served model's feature schema, the risk bar and the SHAP
 * waterfall of the answer. The form is filled with a real transaction when one is available (see
 * examples.ts); scoring always asks for the explanation, and what is drawn are the API's numbers
 * as received. Once a value differs from the loaded example, the form stops claiming that
 * example's label: it says the values were edited from it.
 */

import { useMemo, useState, type FormEvent } from 'react';

import { isApiError, type FeatureSpec, type ModelInfo, type Prediction, type Transaction } from '../api';
import { RiskBar } from '../components/RiskBar';
import { Empty, ErrorState } from '../components/States';
import { Waterfall } from '../components/Waterfall';
import { demoExamples, logExamples, statsStart, type Example } from '../examples';
import { featureLabel, formatFixed, formatNumber } from '../format';
import { useApi, useResource } from '../hooks';

type Texts = Record<string, string>;

function toTexts(values: Transaction, features: readonly FeatureSpec[]): Texts {
  const texts: Texts = {};
  for (const f of features) {
    const v = values[f.name];
    texts[f.name] = v === null || v === undefined ? '' : String(v);
  }
  return texts;
}

/** The form's text as a transaction; numeric fields that do not parse are reported by name. */
function toTransaction(texts: Texts, features: readonly FeatureSpec[]): { values: Transaction; errors: Record<string, string> } {
  const values: Transaction = {};
  const errors: Record<string, string> = {};
  for (const f of features) {
    const text = (texts[f.name] ?? '').trim();
    if (text === '') {
      values[f.name] = null;
    } else if (f.type === 'numeric' || f.encoding === 'codes') {
      const v = Number(text);
      if (!Number.isFinite(v)) errors[f.name] = 'Enter a number, or leave empty for a missing value.';
      else if (f.encoding === 'codes' && (!Number.isInteger(v) || v < 0))
        errors[f.name] = 'Enter a category code (a whole number ≥ 0).';
      else values[f.name] = v;
    } else {
      values[f.name] = text;
    }
  }
  return { values, errors };
}

function rangeHint(f: FeatureSpec): string {
  const s = f.stats;
  if (f.type !== 'numeric' || s === undefined) return f.encoding === 'codes' ? 'category code' : '';
  const parts: string[] = [];
  if (typeof s.min === 'number' && typeof s.max === 'number')
    parts.push(`training range ${formatNumber(s.min, 6)} – ${formatNumber(s.max, 6)}`);
  if (typeof s.mean === 'number') parts.push(`mean ${formatNumber(s.mean, 4)}`);
  return parts.join(', ');
}

interface Scored {
  prediction: Prediction;
  values: Transaction;
}

export function ScorePage({ model }: { model: ModelInfo }) {
  const api = useApi();
  const features = model.features;
  const demo = useMemo(() => demoExamples(model), [model]);
  // Only when the demo examples do not fit the served model are logged predictions consulted.
  const logged = useResource(`examples:${model.version}:${demo === null ? 'logs' : 'demo'}`, async (signal) =>
    demo === null ? logExamples(model, await api.logs(500, signal)) : null,
  );
  const examples = demo ?? logged.data ?? { legitimate: null, fraudulent: null };

  const initial: Example = demo?.legitimate ?? {
    values: statsStart(features),
    source: 'training statistics (means and most frequent categories); not a real transaction',
    origin: 'the training statistics (means and most frequent categories)',
  };
  const [texts, setTexts] = useState<Texts>(() => toTexts(initial.values, features));
  // The example the form was last filled with, and its values as the form shows them.
  const [loaded, setLoaded] = useState<{ example: Example; texts: Texts }>(() => ({
    example: initial,
    texts: toTexts(initial.values, features),
  }));
  const edited = features.some((f) => (texts[f.name] ?? '') !== (loaded.texts[f.name] ?? ''));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [scored, setScored] = useState<Scored | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function score(fromTexts: Texts): Promise<void> {
    const { values, errors } = toTransaction(fromTexts, features);
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const prediction = await api.predict(values, { explain: true });
      setScored({ prediction, values });
    } catch (e) {
      setError(e);
      if (isApiError(e) && e.field !== undefined && features.some((f) => f.name === e.field))
        setFieldErrors({ [e.field]: e.message });
    } finally {
      setBusy(false);
    }
  }

  function load(example: Example): void {
    const next = toTexts(example.values, features);
    setTexts(next);
    setLoaded({ example, texts: next });
    void score(next);
  }

  function onSubmit(e: FormEvent): void {
    e.preventDefault();
    void score(texts);
  }

  const exampleReason =
    demo === null
      ? logged.loading
        ? 'looking for examples in the prediction log…'
        : 'no approved and declined predictions in the log yet'
      : '';

  return (
    <div className="page-grid score-grid">
      <section className="card" aria-labelledby="tx-title">
        <h2 id="tx-title">Transaction</h2>
        <div className="button-row">
          <button
            type="button"
            className="button"
            disabled={examples.legitimate === null || busy}
            onClick={() => examples.legitimate && load(examples.legitimate)}
            title={examples.legitimate ? examples.legitimate.source : exampleReason}
          >
            Load a typical legitimate one
          </button>
          <button
            type="button"
            className="button"
            disabled={examples.fraudulent === null || busy}
            onClick={() => examples.fraudulent && load(examples.fraudulent)}
            title={examples.fraudulent ? examples.fraudulent.source : exampleReason}
          >
            Load a typical fraudulent one
          </button>
        </div>
        <p className="muted small" data-testid="example-source" data-edited={edited}>
          {edited ? `Values edited from ${loaded.example.origin}.` : `Values from ${loaded.example.source}.`}
        </p>
        <form onSubmit={onSubmit} className="tx-form" noValidate aria-describedby="form-help">
          <p id="form-help" className="visually-hidden">
            Leave a numeric field empty to send it as a missing value.
          </p>
          {features.map((f) => {
            const id = `f-${f.name}`;
            const hintId = `${id}-hint`;
            const errId = `${id}-err`;
            const err = fieldErrors[f.name];
            const hint = rangeHint(f);
            const described = [hint ? hintId : '', err ? errId : ''].filter(Boolean).join(' ') || undefined;
            const isSelect = f.type === 'categorical' && f.encoding !== 'codes' && (f.categories?.length ?? 0) > 0;
            return (
              <div className={`field${err ? ' invalid' : ''}`} key={f.name}>
                <label htmlFor={id}>
                  {featureLabel(f.name, f)} <span className="field-name">{f.name}</span>
                </label>
                {isSelect ? (
                  <select
                    id={id}
                    name={f.name}
                    value={texts[f.name] ?? ''}
                    onChange={(e) => setTexts({ ...texts, [f.name]: e.target.value })}
                    aria-describedby={described}
                    aria-invalid={err ? true : undefined}
                  >
                    <option value="">(missing)</option>
                    {(f.categories ?? []).map((c) => (
                      <option key={c} value={c}>
                        {c.replace(/_/g, ' ')}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    id={id}
                    name={f.name}
                    type="number"
                    step="any"
                    inputMode="decimal"
                    value={texts[f.name] ?? ''}
                    onChange={(e) => setTexts({ ...texts, [f.name]: e.target.value })}
                    aria-describedby={described}
                    aria-invalid={err ? true : undefined}
                  />
                )}
                {hint ? (
                  <small id={hintId} className="hint">
                    {hint}
                  </small>
                ) : null}
                {err ? (
                  <small id={errId} className="field-error">
                    {err}
                  </small>
                ) : null}
              </div>
            );
          })}
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? 'Scoring…' : 'Score'}
            </button>
          </div>
        </form>
      </section>

      <section className="card result" aria-labelledby="result-title" aria-live="polite" aria-busy={busy}>
        <h2 id="result-title">Risk and explanation</h2>
        {error !== null ? <ErrorState error={error} what="scoring this transaction" /> : null}
        {scored === null ? (
          error === null ? (
            <Empty title="No score yet">
              <p>Press Score, or load a typical transaction, to see its fraud risk and why.</p>
            </Empty>
          ) : null
        ) : (
          <div className={busy ? 'stale' : ''}>
            <RiskBar
              score={scored.prediction.score}
              decision={scored.prediction.decision}
              thresholds={scored.prediction.thresholds}
            />
            <p className="muted small">
              Model {scored.prediction.model_version} · answered in {formatFixed(scored.prediction.latency_ms, 2)} ms · prediction{' '}
              {scored.prediction.id}
            </p>
            {scored.prediction.explanation ? (
              <Waterfall explanation={scored.prediction.explanation} values={scored.values} features={features} />
            ) : (
              <p className="muted">The API returned no explanation for this model.</p>
            )}
          </div>
        )}
      </section>
    </div>
  );
}
