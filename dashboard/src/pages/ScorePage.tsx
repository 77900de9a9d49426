/**
 * Score: a form built from what the served model takes, the risk bar and the SHAP waterfall of the
 * answer. A model scored on precomputed features gets one input per feature; a model with feature
 * definitions gets the raw transaction they name (time, id, card, merchant, amount, …) and the
 * page also shows the features the server derived from it and from the card's and merchant's
 * history (form-inputs.ts builds both). The form is filled with a real transaction when one is
 * available (see examples.ts); what is drawn are the API's numbers as received. Once a value
 * differs from the loaded example, the form stops claiming that example's label.
 *
 * "Score" sends POST /predict: the prediction is logged and, for a raw transaction, added to the
 * entity state, as a real one would be. "Try without recording" sends POST /explain: the same
 * numbers from the same state, and nothing is stored; loading a raw example uses it too, so the
 * history changes only when someone presses Score.
 */

import { useMemo, useRef, useState, type FormEvent } from 'react';

import { isApiError, type Explained, type ModelInfo, type Prediction, type Transaction } from '../api';
import { DerivedFeatures } from '../components/DerivedFeatures';
import { RiskBar } from '../components/RiskBar';
import { Empty, ErrorState } from '../components/States';
import { Waterfall } from '../components/Waterfall';
import { definitionsStart, demoExamples, logExamples, rawExamples, statsStart, type Example } from '../examples';
import { freshTexts, instantOf, modelInputs, readForm, toTexts, type FormInput, type Texts } from '../form-inputs';
import { formatFixed } from '../format';
import { useApi, useResource } from '../hooks';

interface Scored {
  answer: Prediction | Explained;
  /** What was sent. */
  values: Transaction;
  /** POST /predict (logged, added to the entity state) rather than POST /explain. */
  recorded: boolean;
}

function startingPoint(model: ModelInfo): Example {
  return model.derived !== undefined
    ? {
        values: definitionsStart(model, model.derived),
        source: 'a starting point from the definitions and training statistics; not a real transaction',
        origin: 'a starting point from the definitions and training statistics',
      }
    : {
        values: statsStart(model.features),
        source: 'training statistics (means and most frequent categories); not a real transaction',
        origin: 'the training statistics (means and most frequent categories)',
      };
}

function FormField({
  input,
  text,
  error,
  onChange,
}: {
  input: FormInput;
  text: string;
  error: string | undefined;
  onChange: (v: string) => void;
}) {
  const id = `f-${input.name}`;
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const described = [input.hint ? hintId : '', error ? errId : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: input.name,
    value: text,
    'aria-describedby': described,
    'aria-invalid': error ? true : undefined,
    'aria-required': input.required || undefined,
  };
  const type = { number: 'number', code: 'number', text: 'text', date: 'date', datetime: 'datetime-local', select: '' }[
    input.kind
  ];
  return (
    <div className={`field${error ? ' invalid' : ''}`} data-kind={input.kind}>
      <label htmlFor={id}>
        {input.label}
        {input.required ? (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}{' '}
        <span className="field-name">{input.name}</span>
      </label>
      {input.kind === 'select' ? (
        <select {...common} onChange={(e) => onChange(e.target.value)}>
          <option value="">(missing)</option>
          {(input.options ?? []).map((c) => (
            <option key={c} value={c}>
              {c.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          type={type}
          {...(input.kind === 'number' || input.kind === 'code' ? { step: 'any', inputMode: 'decimal' as const } : {})}
          {...(input.kind === 'datetime' ? { step: 1 } : {})}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {input.hint ? (
        <small id={hintId} className="hint">
          {input.hint}
        </small>
      ) : null}
      {error ? (
        <small id={errId} className="field-error">
          {error}
        </small>
      ) : null}
    </div>
  );
}

export function ScorePage({ model }: { model: ModelInfo }) {
  const api = useApi();
  const derived = model.derived;
  const inputs = useMemo(() => modelInputs(model), [model]);
  const demo = useMemo(() => (model.derived !== undefined ? rawExamples(model.derived) : demoExamples(model)), [model]);
  // The log holds derived features, never raw fields: it gives examples only to a feature model.
  const fromLog = demo === null && derived === undefined;
  const logged = useResource(`examples:${model.version}:${fromLog ? 'logs' : 'none'}`, async (signal) =>
    fromLog ? logExamples(model, await api.logs(500, signal)) : null,
  );
  const examples = demo ?? logged.data ?? { legitimate: null, fraudulent: null };

  const [initial] = useState<Example>(() => demo?.legitimate ?? startingPoint(model));
  // The id and time the form filled in itself: renewed after each recorded transaction unless edited.
  const fresh = useRef<Texts>(freshTexts(inputs, derived));
  const [texts, setTexts] = useState<Texts>(() => toTexts(initial.values, inputs, fresh.current));
  // The example the form was last filled with, and its values as the form shows them.
  const [loaded, setLoaded] = useState<{ example: Example; texts: Texts }>(() => ({
    example: initial,
    texts: toTexts(initial.values, inputs, fresh.current),
  }));
  const edited = inputs.some((i) => i.fresh === undefined && (texts[i.name] ?? '') !== (loaded.texts[i.name] ?? ''));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [scored, setScored] = useState<Scored | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function score(fromTexts: Texts, record: boolean): Promise<void> {
    const { values, errors } = readForm(fromTexts, inputs, derived);
    setFieldErrors(errors);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const features = derived !== undefined;
      const answer = record ? await api.predict(values, { explain: true, features }) : await api.explain(values, { features });
      setScored({ answer, values, recorded: record });
      if (record && derived !== undefined) {
        // The id was used: the next transaction gets a new one, and the time moves on unless set by
        // hand, at least a second past this one: history counts only strictly earlier events, so a
        // second click within the same second would not see this transaction.
        const before = fresh.current;
        const sent = instantOf(fromTexts[derived.event.time_field] ?? '', derived.event.timezone);
        fresh.current = freshTexts(inputs, derived, Math.max(Date.now(), (sent ?? 0) + 1000));
        setTexts((t) => {
          const next = { ...t };
          for (const i of inputs)
            if (i.fresh === 'id' || (i.fresh === 'time' && t[i.name] === before[i.name])) next[i.name] = fresh.current[i.name];
          return next;
        });
      }
    } catch (e) {
      setError(e);
      if (isApiError(e) && e.field !== undefined && inputs.some((i) => i.name === e.field))
        setFieldErrors({ [e.field]: e.message });
    } finally {
      setBusy(false);
    }
  }

  function load(example: Example): void {
    fresh.current = freshTexts(inputs, derived);
    const next = toTexts(example.values, inputs, fresh.current);
    setTexts(next);
    setLoaded({ example, texts: next });
    // A raw example is tried, not recorded: the entity state changes only on Score.
    void score(next, derived === undefined);
  }

  function onSubmit(e: FormEvent): void {
    e.preventDefault();
    void score(texts, true);
  }

  const exampleReason = fromLog
    ? logged.loading
      ? 'looking for examples in the prediction log…'
      : 'no approved and declined predictions in the log yet'
    : 'no raw example fits the fields this model reads';
  const answer = scored?.answer;

  return (
    <div className="page-grid score-grid">
      <section className="card" aria-labelledby="tx-title">
        <h2 id="tx-title">{derived !== undefined ? 'Raw transaction' : 'Transaction'}</h2>
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
        {derived !== undefined ? (
          <p className="notice small" data-testid="record-notice">
            This model computes its features from the card’s and merchant’s history. <strong>Score</strong> records the
            transaction like a real one: it is logged and added to that history, so the next transaction of the same card sees it
            (a new id is filled in after each one; the same id again is counted once). <strong>Try without recording</strong>{' '}
            gives the same score, features and explanation from the history as it is, and stores nothing.
          </p>
        ) : null}
        <form onSubmit={onSubmit} className="tx-form" noValidate aria-describedby="form-help">
          <p id="form-help" className="visually-hidden">
            Leave a field empty to send it as a missing value.
          </p>
          {inputs.map((i) => (
            <FormField
              key={i.name}
              input={i}
              text={texts[i.name] ?? ''}
              error={fieldErrors[i.name]}
              onChange={(v) => setTexts({ ...texts, [i.name]: v })}
            />
          ))}
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? 'Scoring…' : 'Score'}
            </button>
            <button type="button" className="button" disabled={busy} onClick={() => void score(texts, false)}>
              Try without recording
            </button>
          </div>
        </form>
      </section>

      <section className="card result" aria-labelledby="result-title" aria-live="polite" aria-busy={busy}>
        <h2 id="result-title">Risk and explanation</h2>
        {error !== null ? <ErrorState error={error} what="scoring this transaction" /> : null}
        {scored === null || answer === undefined ? (
          error === null ? (
            <Empty title="No score yet">
              <p>Press Score, or load a typical transaction, to see its fraud risk and why.</p>
            </Empty>
          ) : null
        ) : (
          <div className={busy ? 'stale' : ''}>
            <RiskBar score={answer.score} decision={answer.decision} thresholds={answer.thresholds} />
            <p className="muted small" data-testid="score-meta" data-recorded={scored.recorded}>
              Model {answer.model_version}
              {'id' in answer ? ` · answered in ${formatFixed(answer.latency_ms, 2)} ms · prediction ${answer.id}` : ''}
              {answer.transaction_id !== undefined ? ` · transaction ${answer.transaction_id}` : ''}
              {scored.recorded ? '' : ' · not recorded (POST /explain)'}
            </p>
            {answer.duplicate ? (
              <p className="notice small">This transaction id was seen before: scored again, counted once in the history.</p>
            ) : null}
            {answer.state_fallback ? (
              <p className="notice small">
                The shared entity state did not answer: these features come from the last state this server knew.
              </p>
            ) : null}
            <div className={derived !== undefined && answer.features !== undefined ? 'result-split' : ''}>
              {answer.explanation ? (
                <Waterfall
                  explanation={answer.explanation}
                  values={derived !== undefined ? (answer.features ?? {}) : scored.values}
                  features={model.features}
                />
              ) : (
                <p className="muted">The API returned no explanation for this model.</p>
              )}
              {derived !== undefined && answer.features !== undefined ? (
                <div>
                  <h3>Features computed for this transaction</h3>
                  <DerivedFeatures values={answer.features} definitions={derived} />
                </div>
              ) : null}
            </div>
          </div>
        )}
      </section>
    </div>
  );
}
