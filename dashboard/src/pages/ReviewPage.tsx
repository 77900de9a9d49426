/**
 * Review: the analyst's queue. GET /review lists the decisions sent to review that nobody has
 * labelled yet, oldest first; the oldest opens with its score, reasons, features and explanation.
 * One press marks it fraud or legitimate (POST /labels, source "analyst"; the server records who
 * from the API key's name) and the next one opens. Keys F, L and S do the same as the buttons
 * (fraud, legitimate, skip); they are shown beside them and ignored while typing a note.
 *
 * The queue is polled, so new review decisions join at its end and one labelled elsewhere (a
 * chargeback, another analyst) leaves it. A skipped decision stays in the queue for the next visit.
 */

import { useCallback, useEffect, useRef, useState } from 'react';

import type { Explained, ModelInfo, PredictionRecord } from '../api';
import { DerivedFeatures } from '../components/DerivedFeatures';
import { RiskBar } from '../components/RiskBar';
import { Empty, ErrorState, Loading } from '../components/States';
import { Waterfall } from '../components/Waterfall';
import { featureLabel, formatCount, formatDateTime, formatFixed, formatValue } from '../format';
import { useApi, useApiContext, useResource } from '../hooks';

const POLL_MS = 5000;
/** Decisions fetched per page of the queue. */
const QUEUE_PAGE = 50;

/** The keys of the page, one list: the buttons, the handler and the legend read it. */
const SHORTCUTS = [
  { key: 'f', action: 'fraud', title: 'Fraud' },
  { key: 'l', action: 'legitimate', title: 'Legitimate' },
  { key: 's', action: 'skip', title: 'Skip' },
] as const;
type Action = (typeof SHORTCUTS)[number]['action'];

/** Whether a key press belongs to a text field (then it is typing, not a shortcut). */
function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

/**
 * A record's explanation: the stored one, else computed now by POST /explain from its values (which
 * records nothing). A raw transaction's record keeps only the features derived from it, and a
 * masked value cannot be sent back: neither can be explained again.
 */
function useExplanation(
  record: PredictionRecord,
  raw: boolean,
): { explained: Explained | null; error: unknown; why: string | null } {
  const api = useApi();
  const [state, setState] = useState<{ explained: Explained | null; error: unknown }>({ explained: null, error: null });
  const masked = Object.values(record.features).some((v) => v === '***');
  const why =
    record.explanation !== undefined
      ? null
      : raw
        ? 'This decision was stored without an explanation, and its raw transaction is not kept, so it cannot be explained again; its reasons above name the features that weighed most.'
        : masked
          ? 'Some values are masked in the log, so it cannot be explained again.'
          : null;
  useEffect(() => {
    if (why !== null || record.explanation !== undefined) return;
    const controller = new AbortController();
    api.explain(record.features, { signal: controller.signal }).then(
      (explained) => setState({ explained, error: null }),
      (error: unknown) => {
        if ((error as Error).name !== 'AbortError') setState({ explained: null, error });
      },
    );
    return () => controller.abort();
  }, [api, record, why]);
  return { explained: state.explained, error: state.error, why };
}

function Reasons({ record }: { record: PredictionRecord }) {
  const reasons = record.reasons ?? [];
  if (reasons.length === 0) return <p className="muted">No reasons were stored with this decision.</p>;
  return (
    <ol className="reasons" data-testid="review-reasons">
      {reasons.map((r, i) => (
        <li key={`${r.code}-${i}`} data-code={r.code} data-kind={r.kind}>
          {r.text}
          <span className="field-name">{r.code}</span>
        </li>
      ))}
    </ol>
  );
}

function Features({ record, model }: { record: PredictionRecord; model: ModelInfo | undefined }) {
  if (model?.derived !== undefined) return <DerivedFeatures values={record.features} definitions={model.derived} />;
  return (
    <dl className="facts compact" data-testid="review-features">
      {Object.entries(record.features).map(([k, v]) => (
        <div key={k}>
          <dt>
            {featureLabel(
              k,
              model?.features.find((f) => f.name === k),
            )}
          </dt>
          <dd>{formatValue(k, v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Case({
  record,
  model,
  busy,
  onAction,
  note,
  setNote,
}: {
  record: PredictionRecord;
  model: ModelInfo | undefined;
  busy: boolean;
  onAction: (a: Action) => void;
  note: string;
  setNote: (v: string) => void;
}) {
  const { explained, error, why } = useExplanation(record, model?.derived !== undefined);
  const explanation = record.explanation ?? explained?.explanation;
  const thresholds = model?.thresholds ?? explained?.thresholds ?? null;
  const features = model?.features ?? [];
  return (
    <section
      className="card review-case"
      aria-labelledby="case-title"
      data-testid="review-case"
      data-transaction-id={record.transaction_id}
    >
      <h2 id="case-title">
        Transaction <span className="mono">{record.transaction_id}</span>
      </h2>
      <p className="muted small">
        Decided {formatDateTime(record.timestamp)} · model {record.model_version}
        {record.amount !== undefined ? ` · amount ${formatFixed(record.amount, 2)}` : ''} · score{' '}
        <span data-testid="review-score">{formatFixed(record.score, 4)}</span>
      </p>
      {thresholds !== null ? <RiskBar score={record.score} decision={record.decision} thresholds={thresholds} /> : null}
      <div className="review-actions">
        <label className="review-note">
          Note (optional)
          <input type="text" maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <div className="button-row">
          {SHORTCUTS.map((s) => (
            <button
              key={s.action}
              type="button"
              className={`button${s.action === 'fraud' ? ' danger' : s.action === 'legitimate' ? ' primary' : ''}`}
              disabled={busy}
              aria-keyshortcuts={s.key.toUpperCase()}
              onClick={() => onAction(s.action)}
            >
              {s.title} <kbd>{s.key.toUpperCase()}</kbd>
            </button>
          ))}
        </div>
      </div>
      <h3>Reasons</h3>
      <Reasons record={record} />
      <h3>Explanation</h3>
      {explanation !== undefined ? (
        <Waterfall explanation={explanation} values={record.features} features={features} />
      ) : why !== null ? (
        <p className="muted">{why}</p>
      ) : error !== null ? (
        <ErrorState error={error} what="explaining this decision" compact />
      ) : (
        <Loading what="the explanation" />
      )}
      <h3>{model?.derived !== undefined ? 'Features computed for this transaction' : 'Features'}</h3>
      <Features record={record} model={model} />
    </section>
  );
}

export function ReviewPage({ model }: { model: ModelInfo | undefined }) {
  const api = useApi();
  const { me } = useApiContext();
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const queue = useResource(
    `review:${cursor ?? ''}`,
    (signal) => api.review({ limit: QUEUE_PAGE, ...(cursor !== undefined ? { cursor } : {}) }, signal),
    POLL_MS,
  );
  // Decisions dealt with on this visit: labelled (they leave the queue at its next answer) or skipped.
  const [handled, setHandled] = useState<ReadonlyMap<string, Action>>(new Map());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState('');
  const [last, setLast] = useState<{ id: string; action: Action } | null>(null);
  const [count, setCount] = useState(0);

  const waiting = (queue.data?.decisions ?? []).filter((r) => r.transaction_id !== undefined && !handled.has(r.transaction_id));
  const current = waiting[0];
  const nextCursor = queue.data?.next_cursor ?? null;

  // Everything on this page dealt with: go on to the queue's next page, if it has one.
  useEffect(() => {
    if (queue.data !== undefined && waiting.length === 0 && nextCursor !== null) setCursor(nextCursor);
  }, [queue.data, waiting.length, nextCursor]);

  const act = useCallback(
    async (action: Action): Promise<void> => {
      if (current === undefined || busy) return;
      const id = current.transaction_id!;
      setError(null);
      if (action !== 'skip') {
        setBusy(true);
        try {
          await api.label({
            transaction_id: id,
            label: action,
            source: 'analyst',
            ...(note.trim() !== '' ? { note: note.trim() } : {}),
          });
          setCount((c) => c + 1);
        } catch (e) {
          setError(e);
          return;
        } finally {
          setBusy(false);
        }
      }
      setHandled((h) => new Map(h).set(id, action));
      setLast({ id, action });
      setNote('');
    },
    [api, busy, current, note],
  );

  const actRef = useRef(act);
  actRef.current = act;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.altKey || e.ctrlKey || e.metaKey || e.repeat || typing(e.target)) return;
      const shortcut = SHORTCUTS.find((s) => s.key === e.key.toLowerCase());
      if (shortcut === undefined) return;
      e.preventDefault();
      void actRef.current(shortcut.action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="page-stack">
      <div className="toolbar">
        <p className="muted small shortcuts" data-testid="shortcuts">
          Keys:{' '}
          {SHORTCUTS.map((s) => (
            <span key={s.key}>
              <kbd>{s.key.toUpperCase()}</kbd> {s.title.toLowerCase()}{' '}
            </span>
          ))}
          · labels are recorded as {me?.name ? <strong>{me.name}</strong> : 'this key'} (source analyst)
        </p>
        <span className="muted small" data-testid="review-progress" aria-live="polite">
          {count > 0 ? `${formatCount(count)} labelled on this visit` : ''}
          {last !== null ? ` · last: ${last.id} ${last.action === 'skip' ? 'skipped' : `marked ${last.action}`}` : ''}
        </span>
      </div>
      {queue.error !== undefined ? (
        <ErrorState
          error={queue.error}
          what="loading the review queue (GET /review)"
          onRetry={queue.reload}
          compact={queue.data !== undefined}
        />
      ) : null}
      {error !== null ? <ErrorState error={error} what="recording the label (POST /labels)" compact /> : null}
      {queue.data === undefined ? (
        queue.loading ? (
          <Loading what="the review queue" />
        ) : null
      ) : current === undefined ? (
        <Empty title="Nothing waits for review">
          <p>
            Decisions sent to review appear here, oldest first, until someone labels them. Skipped ones come back on your next
            visit.
          </p>
        </Empty>
      ) : (
        <div className="page-grid review-grid">
          <section className="card" aria-labelledby="queue-title">
            <h2 id="queue-title">
              Waiting{' '}
              <span className="muted small">
                ({formatCount(waiting.length)}
                {nextCursor !== null ? '+' : ''}, oldest first)
              </span>
            </h2>
            <ol className="queue" data-testid="review-queue">
              {waiting.map((r) => (
                <li
                  key={r.id}
                  data-transaction-id={r.transaction_id}
                  aria-current={r === current ? 'true' : undefined}
                  className={r === current ? 'selected' : undefined}
                >
                  <span className="mono">{r.transaction_id}</span>
                  <span className="muted small">
                    {formatDateTime(r.timestamp)} · {formatFixed(r.score, 4)}
                  </span>
                </li>
              ))}
            </ol>
          </section>
          <Case
            key={current.id}
            record={current}
            model={model}
            busy={busy}
            onAction={(a) => void act(a)}
            note={note}
            setNote={setNote}
          />
        </div>
      )}
    </div>
  );
}
