/**
 * Model: what GET /model says about the served model — version, training data, validation
 * metrics, thresholds, curves and confusion matrices when the metadata carries them, calibration —
 * and global feature importance as mean |SHAP|, averaged over a sample of real transactions that
 * POST /explain explains. That route records nothing, so opening this page never adds predictions
 * to the log or rows to the drift window: looking does not change what is measured.
 */

import { useEffect, useRef, useState, type ReactNode } from 'react';

import { modelCurves, type ConfusionMatrix, type Explanation, type ModelInfo, type Transaction } from '../api';
import { COLORS } from '../charts/Chart';
import { LineChart } from '../charts/LineChart';
import { Empty, ErrorState } from '../components/States';
import { DEMO_FEATURES, DEMO_SOURCE } from '../demo-data';
import { IMPORTANCE_SAMPLE } from '../demo-sample';
import { demoExamples } from '../examples';
import { featureLabel, formatCount, formatDateTime, formatFixed, formatNumber, formatPercent } from '../format';
import { useApi } from '../hooks';

interface ImportanceRow {
  feature: string;
  value: number;
}

function Bars({ rows, unit, testId, label }: { rows: ImportanceRow[]; unit: string; testId: string; label: string }) {
  const top = Math.max(...rows.map((r) => r.value), 0) || 1;
  return (
    <table className="bars" data-testid={testId}>
      <caption className="visually-hidden">{label}</caption>
      <thead className="visually-hidden">
        <tr>
          <th scope="col">Feature</th>
          <th scope="col">{unit}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.feature} data-feature={r.feature} data-value={String(r.value)}>
            <th scope="row">{r.feature}</th>
            <td>
              <span className="bar-track" aria-hidden="true">
                <span className="bar-fill" style={{ width: `${(r.value / top) * 100}%` }} />
              </span>
              <span className="bar-value">{formatNumber(r.value, 3)}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Confusion({ name, m }: { name: string; m: ConfusionMatrix }) {
  const precision = m.tp + m.fp > 0 ? m.tp / (m.tp + m.fp) : null;
  const recall = m.tp + m.fn > 0 ? m.tp / (m.tp + m.fn) : null;
  return (
    <table className="confusion" data-testid={`confusion-${name}`}>
      <caption>
        At the {name} threshold ({formatFixed(m.threshold, 4)}): precision {formatPercent(precision)}, recall{' '}
        {formatPercent(recall)}
      </caption>
      <thead>
        <tr>
          <td />
          <th scope="col">Flagged</th>
          <th scope="col">Not flagged</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">Fraud</th>
          <td className="tp">{formatCount(m.tp)}</td>
          <td className="fn">{formatCount(m.fn)}</td>
        </tr>
        <tr>
          <th scope="row">Legitimate</th>
          <td className="fp">{formatCount(m.fp)}</td>
          <td className="tn">{formatCount(m.tn)}</td>
        </tr>
      </tbody>
    </table>
  );
}

/** Curve points sorted by x (the chart needs ascending x; PR curves usually come by threshold). */
function byX(xs: readonly number[], ys: readonly number[]): { x: number[]; y: number[] } {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b] || ys[a] - ys[b]);
  return { x: order.map((i) => xs[i]), y: order.map((i) => ys[i]) };
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** Rows for the importance estimate: the demo sample when it fits the served model. */
function sampleRows(model: ModelInfo): Transaction[] | null {
  if (demoExamples(model) === null) return null;
  return IMPORTANCE_SAMPLE.rows.map((r) => Object.fromEntries(DEMO_FEATURES.map((f, j) => [f, r[j]])) as Transaction);
}

function ShapImportance({ model }: { model: ModelInfo }) {
  const api = useApi();
  const [rows, setRows] = useState<ImportanceRow[] | null>(null);
  const [count, setCount] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const sample = sampleRows(model);

  function average(explanations: Explanation[]): void {
    const sums = new Map<string, number>();
    for (const e of explanations) {
      for (const [name, c] of Object.entries(e.contributions)) sums.set(name, (sums.get(name) ?? 0) + Math.abs(c));
    }
    const n = explanations.length;
    setRows([...sums].map(([feature, s]) => ({ feature, value: s / n })).sort((a, b) => b.value - a.value));
    setCount(n);
  }

  async function compute(transactions: Transaction[]): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const batch = await api.explainBatch(transactions, { top: 0 });
      average(batch.predictions.map((p) => p.explanation));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  // Nothing is recorded by POST /explain, so the hold-out estimate is made as soon as the page opens.
  const started = useRef(false);
  useEffect(() => {
    if (started.current || sample === null) return;
    started.current = true;
    void compute(sample);
    // Once per page: the sample and the model do not change while it is open.
  }, []);

  async function computeFromLog(): Promise<void> {
    setBusy(true);
    try {
      const records = await api.logs(500);
      if (model.derived !== undefined) {
        // A raw transaction's record keeps its derived features, not the raw fields /explain takes:
        // the explanations stored with the records (scored with ?explain=true) are averaged instead.
        const stored = records.filter((r) => r.model_version === model.version).flatMap((r) => r.explanation ?? []);
        if (stored.length === 0)
          throw new Error('the prediction log holds no explained transactions of this model yet (score with ?explain=true)');
        setError(null);
        average(stored);
        setBusy(false);
        return;
      }
      const usable = records
        .filter((r) => r.model_version === model.version && !Object.values(r.features).includes('***'))
        .map((r) => r.features);
      if (usable.length === 0) throw new Error('the prediction log holds no usable transactions of this model yet');
      await compute(usable);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="shap-title">
      <h2 id="shap-title">Global feature importance (mean |SHAP|)</h2>
      {rows !== null ? (
        <>
          <Bars
            rows={rows.map((r) => ({
              ...r,
              feature: featureLabel(
                r.feature,
                model.features.find((f) => f.name === r.feature),
              ),
            }))}
            unit="mean |SHAP| (log-odds)"
            testId="shap-importance"
            label="Mean absolute SHAP value per feature"
          />
          <p className="muted small">
            {`Average size of each feature's contribution (log-odds) over ${formatCount(count)} transactions${sample !== null && count === sample.length ? ` of ${DEMO_SOURCE} (every ${IMPORTANCE_SAMPLE.every}th row and all ${IMPORTANCE_SAMPLE.frauds} frauds)` : ' from the prediction log'}.`}
          </p>
        </>
      ) : (
        <Empty title={busy ? 'Computing…' : 'Not computed yet'}>
          <p>
            The dashboard averages the size of each feature's contribution over real transactions explained by{' '}
            <code>POST /explain</code>, which logs nothing and leaves the drift windows as they are.
          </p>
        </Empty>
      )}
      <div className="button-row">
        {sample !== null ? (
          <button type="button" className="button" disabled={busy} onClick={() => void compute(sample)}>
            {busy ? 'Explaining…' : `Compute from ${sample.length} hold-out transactions`}
          </button>
        ) : null}
        <button type="button" className="button" disabled={busy} onClick={() => void computeFromLog()}>
          Compute from the latest logged predictions
        </button>
      </div>
      {error !== null ? <ErrorState error={error} what="computing feature importance" compact /> : null}
    </section>
  );
}

export function ModelPage({ model }: { model: ModelInfo }) {
  const t = model.training;
  const metrics = t?.metrics;
  const data = t?.data;
  const params = t?.parameters ?? {};
  const curves = modelCurves(model);
  const calibration = (t?.extra?.calibration ?? []).filter((b) => b.count > 0).sort((a, b) => a.meanPredicted - b.meanPredicted);
  const gain = t?.extra?.importance ?? [];
  const paramKeys = [
    'trees',
    'maxDepth',
    'learningRate',
    'lambda',
    'minChildWeight',
    'subsample',
    'colsample',
    'earlyStopping',
    'seed',
  ].filter((k) => params[k] !== undefined && params[k] !== null);

  return (
    <div className="page-stack">
      <div className="page-grid model-grid">
        <section className="card" aria-labelledby="model-title">
          <h2 id="model-title">Model</h2>
          <dl className="facts">
            <Fact term="Version">
              <span data-testid="model-version">{model.version}</span>
            </Fact>
            <Fact term="Objective">{model.objective ?? '—'}</Fact>
            <Fact term="Trees">{model.trees !== undefined ? formatCount(model.trees) : (t?.extra?.trees ?? '—')}</Fact>
            <Fact term="Features">
              {model.features.length} ({model.features.map((f) => f.name).join(', ')})
            </Fact>
            {model.loaded_at !== undefined ? <Fact term="Loaded">{formatDateTime(model.loaded_at)}</Fact> : null}
            {model.path !== undefined ? (
              <Fact term="File">
                <code>{model.path}</code>
              </Fact>
            ) : null}
            {model.sha256 !== undefined ? (
              <Fact term="SHA-256">
                <code title={model.sha256}>{model.sha256.slice(0, 16)}…</code>
              </Fact>
            ) : null}
          </dl>
        </section>

        <section className="card" aria-labelledby="thresholds-title">
          <h2 id="thresholds-title">Decision thresholds</h2>
          {model.thresholds !== null ? (
            <>
              <dl className="facts" data-testid="model-thresholds">
                <Fact term="Review from score">{formatFixed(model.thresholds.review, 4)}</Fact>
                <Fact term="Decline from score">{formatFixed(model.thresholds.decline, 4)}</Fact>
              </dl>
              {model.thresholds.rule ? <p className="small">{model.thresholds.rule}</p> : null}
            </>
          ) : (
            <p className="muted">The model metadata has no thresholds.</p>
          )}
        </section>

        <section className="card" aria-labelledby="training-title">
          <h2 id="training-title">Training</h2>
          {t === undefined ? (
            <p className="muted">The model metadata says nothing about its training.</p>
          ) : (
            <dl className="facts">
              <Fact term="Trained">
                {formatDateTime(t.createdAt)} {t.source ? `by ${t.source}` : ''}
              </Fact>
              <Fact term="Data">{data?.path ? <code>{data.path}</code> : '—'}</Fact>
              <Fact term="Rows">
                {formatCount(data?.rows)}
                {data?.positives !== undefined && data.rows
                  ? ` (${formatCount(data.positives)} frauds, ${formatPercent(data.positives / data.rows, 2)})`
                  : ''}
              </Fact>
              <Fact term="Label">{data?.label ?? '—'}</Fact>
              {paramKeys.length > 0 ? (
                <Fact term="Parameters">{paramKeys.map((k) => `${k} ${String(params[k])}`).join(' · ')}</Fact>
              ) : null}
            </dl>
          )}
        </section>

        <section className="card" aria-labelledby="metrics-title">
          <h2 id="metrics-title">Validation metrics</h2>
          {metrics === undefined ? (
            <p className="muted">No validation metrics in the model metadata.</p>
          ) : (
            <dl className="facts metrics" data-testid="model-metrics">
              <Fact term="ROC-AUC">{formatFixed(metrics.roc_auc, 4)}</Fact>
              <Fact term="PR-AUC (average precision)">{formatFixed(metrics.pr_auc, 4)}</Fact>
              <Fact term="Log loss">{formatFixed(metrics.logloss, 5)}</Fact>
              <Fact term="Brier score">{formatFixed(metrics.brier, 5)}</Fact>
              <Fact term="Validation rows">
                {formatCount(metrics.rows)} ({formatCount(metrics.positives)} frauds)
              </Fact>
            </dl>
          )}
        </section>
      </div>

      <div className="page-grid model-grid">
        <section className="card" aria-labelledby="roc-title">
          <h2 id="roc-title">ROC and precision–recall curves</h2>
          {curves.roc || curves.pr ? (
            <div className="chart-pair">
              {curves.roc ? (
                <LineChart
                  label="ROC curve: true positive rate against false positive rate on validation data"
                  x={byX(curves.roc.fpr, curves.roc.tpr).x}
                  xLabel="False positive rate"
                  yLabel="True positive rate"
                  xRange={[0, 1]}
                  yRange={[0, 1]}
                  legend={false}
                  series={[{ label: 'ROC', values: byX(curves.roc.fpr, curves.roc.tpr).y, stroke: COLORS.current }]}
                  testId="roc-chart"
                />
              ) : null}
              {curves.pr ? (
                <LineChart
                  label="Precision–recall curve on validation data"
                  x={byX(curves.pr.recall, curves.pr.precision).x}
                  xLabel="Recall"
                  yLabel="Precision"
                  xRange={[0, 1]}
                  yRange={[0, 1]}
                  legend={false}
                  series={[{ label: 'Precision', values: byX(curves.pr.recall, curves.pr.precision).y, stroke: COLORS.drifted }]}
                  testId="pr-chart"
                />
              ) : null}
            </div>
          ) : (
            <Empty title="Not in the model metadata">
              <p>
                This model file keeps ROC-AUC and PR-AUC but not the curves (fraudlens train stores them; imported models do not
                have them). They are drawn once <code>training.extra.curves</code> carries{' '}
                <code>roc: {'{fpr, tpr, thresholds}'}</code> and <code>pr: {'{precision, recall, thresholds}'}</code> (validation
                points).
              </p>
            </Empty>
          )}
          <h3>Confusion matrices at the thresholds</h3>
          {curves.confusion?.review || curves.confusion?.decline ? (
            <div className="chart-pair">
              {curves.confusion.review ? <Confusion name="review" m={curves.confusion.review} /> : null}
              {curves.confusion.decline ? <Confusion name="decline" m={curves.confusion.decline} /> : null}
            </div>
          ) : (
            <Empty title="Not in the model metadata">
              <p>
                Drawn once <code>training.extra.curves.confusion</code> carries <code>review</code> and <code>decline</code>, each{' '}
                <code>{'{threshold, tp, fp, tn, fn}'}</code> on the validation rows.
              </p>
            </Empty>
          )}
        </section>

        <section className="card" aria-labelledby="calibration-title">
          <h2 id="calibration-title">Calibration</h2>
          {calibration.length >= 2 ? (
            <LineChart
              label="Calibration: observed fraud rate against mean predicted score per score bin, validation data"
              x={calibration.map((b) => b.meanPredicted)}
              xLabel="Mean predicted score"
              yLabel="Observed fraud rate"
              xRange={[0, 1]}
              yRange={[0, 1]}
              series={[
                { label: 'Observed', values: calibration.map((b) => b.observedRate), stroke: COLORS.current, points: true },
                { label: 'Perfect', values: calibration.map((b) => b.meanPredicted), stroke: COLORS.baseline, dash: [4, 4] },
              ]}
              formatX={(v) => formatNumber(v, 2)}
              formatY={(v) => formatNumber(v, 2)}
              testId="calibration-chart"
            >
              <details className="chart-data">
                <summary>Show the numbers</summary>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Score bin</th>
                      <th scope="col">Rows</th>
                      <th scope="col">Mean predicted</th>
                      <th scope="col">Observed rate</th>
                    </tr>
                  </thead>
                  <tbody>
                    {calibration.map((b) => (
                      <tr key={b.lower}>
                        <th scope="row">
                          {formatNumber(b.lower, 2)}–{formatNumber(b.upper, 2)}
                        </th>
                        <td>{formatCount(b.count)}</td>
                        <td>{formatFixed(b.meanPredicted, 4)}</td>
                        <td>{formatFixed(b.observedRate, 4)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </LineChart>
          ) : (
            <p className="muted">No calibration table in the model metadata.</p>
          )}
          <p className="muted small">Bins with few rows are noisy: most validation transactions score below 0.1.</p>
        </section>
      </div>

      <div className="page-grid model-grid">
        <ShapImportance model={model} />
        <section className="card" aria-labelledby="gain-title">
          <h2 id="gain-title">Split gain (from training)</h2>
          {gain.length > 0 ? (
            <>
              <Bars
                rows={[...gain]
                  .sort((a, b) => b.gain - a.gain)
                  .map((g) => ({
                    feature: featureLabel(
                      g.feature,
                      model.features.find((f) => f.name === g.feature),
                    ),
                    value: g.gain,
                  }))}
                unit="total gain"
                testId="gain-importance"
                label="Total split gain per feature"
              />
              <p className="muted small">
                Total loss reduction of the splits on each feature: how much the trees use it, not how much it moves a given
                score.
              </p>
            </>
          ) : (
            <p className="muted">The model metadata has no split statistics.</p>
          )}
        </section>
      </div>
    </div>
  );
}
