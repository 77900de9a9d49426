/**
 * The explanation of one score as a waterfall: it starts at the model's base value (its average
 * output over the training data), each feature's SHAP contribution moves it left or right, and it
 * ends at this transaction's output, whose sigmoid is the score. The steps are in log-odds because
 * that is where they add up exactly; the axis also shows the matching probabilities.
 *
 * It is an HTML table, not a canvas: the feature, its value and its contribution are real text
 * for screen readers and for tests, and the bars are decoration hidden from assistive technology.
 */

import type { Explanation, FeatureSpec, Transaction } from '../api';
import { featureLabel, formatFixed, formatPercent, formatSigned, formatValue, sigmoid } from '../format';

export interface WaterfallProps {
  explanation: Explanation;
  /** The transaction's values, shown beside each feature. */
  values: Transaction;
  features: readonly FeatureSpec[];
  /** Rows before the smallest contributions are pooled into one. */
  maxRows?: number;
}

interface Step {
  key: string;
  label: string;
  value: string;
  contribution: number;
  from: number;
  to: number;
  /** Feature names pooled into this row (more than one for "other features"). */
  features: string[];
}

/** A round step for about `count` ticks over [lo, hi]. */
function tickStep(lo: number, hi: number, count: number): number {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

export function waterfallSteps(
  explanation: Explanation,
  values: Transaction,
  features: readonly FeatureSpec[],
  maxRows: number,
): Step[] {
  const specs = new Map(features.map((f) => [f.name, f]));
  const names = Object.keys(explanation.contributions);
  const order = names
    .map((name, i) => ({ name, i, c: explanation.contributions[name] }))
    .sort((a, b) => Math.abs(b.c) - Math.abs(a.c) || a.i - b.i);
  const shown = order.length > maxRows ? order.slice(0, maxRows - 1) : order;
  const pooled = order.length > maxRows ? order.slice(maxRows - 1) : [];
  const steps: Step[] = [];
  let at = explanation.base_value;
  for (const { name, c } of shown) {
    steps.push({
      key: name,
      label: featureLabel(name, specs.get(name)),
      value: formatValue(name, values[name]),
      contribution: c,
      from: at,
      to: at + c,
      features: [name],
    });
    at += c;
  }
  if (pooled.length > 0) {
    let sum = 0;
    for (const p of pooled) sum += p.c;
    steps.push({
      key: '__other__',
      label: `${pooled.length} other features`,
      value: '',
      contribution: sum,
      from: at,
      to: at + sum,
      features: pooled.map((p) => p.name),
    });
  }
  return steps;
}

export function Waterfall({ explanation, values, features, maxRows = 12 }: WaterfallProps) {
  const steps = waterfallSteps(explanation, values, features, maxRows);
  const base = explanation.base_value;
  const out = explanation.margin;
  let lo = Math.min(base, out);
  let hi = Math.max(base, out);
  for (const s of steps) {
    lo = Math.min(lo, s.from, s.to);
    hi = Math.max(hi, s.from, s.to);
  }
  const span = hi - lo || 1;
  lo -= span * 0.04;
  hi += span * 0.04;
  const pos = (x: number): number => ((x - lo) / (hi - lo)) * 100;
  const step = tickStep(lo, hi, 6);
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);

  return (
    <div className="waterfall-wrap">
      <table className="waterfall" data-testid="waterfall" data-base={String(base)} data-margin={String(out)}>
        <caption>
          Why this score: starting from the model’s average output ({formatFixed(base, 3)} log-odds,{' '}
          {formatPercent(sigmoid(base), 2)}), each feature pushes the transaction <span className="up">towards fraud</span> or{' '}
          <span className="down">towards legitimate</span>, ending at {formatFixed(out, 3)} log-odds ={' '}
          {formatPercent(sigmoid(out), 2)}.
        </caption>
        <thead>
          <tr>
            <th scope="col">Feature and value</th>
            <th scope="col" className="num">
              Effect
            </th>
            <th scope="col" className="wf-bar-head">
              <span className="visually-hidden">Bar</span>
            </th>
          </tr>
        </thead>
        <tbody>
          <tr className="wf-total">
            <th scope="row">
              Base value <span className="wf-value">average over training</span>
            </th>
            <td className="num" data-testid="waterfall-base">
              {formatFixed(base, 3)}
            </td>
            <td className="wf-bar" aria-hidden="true">
              <span className="wf-marker" style={{ left: `${pos(base)}%` }} />
            </td>
          </tr>
          {steps.map((s) => {
            const left = pos(Math.min(s.from, s.to));
            const width = Math.max(0.4, Math.abs(pos(s.to) - pos(s.from)));
            const dir = s.contribution >= 0 ? 'up' : 'down';
            return (
              <tr key={s.key} className="wf-step" data-feature={s.key} data-contribution={String(s.contribution)}>
                <th scope="row">
                  {s.label}
                  {s.value !== '' ? <span className="wf-value">{s.value}</span> : null}
                </th>
                <td className={`num ${dir}`}>{formatSigned(s.contribution, 3)}</td>
                <td className="wf-bar" aria-hidden="true">
                  <span className="wf-guide" style={{ left: `${pos(s.from)}%` }} />
                  <span className={`wf-step-bar ${dir}`} style={{ left: `${left}%`, width: `${width}%` }} />
                </td>
              </tr>
            );
          })}
          <tr className="wf-total">
            <th scope="row">
              Model output <span className="wf-value">score = sigmoid(output)</span>
            </th>
            <td className="num" data-testid="waterfall-output">
              {formatFixed(out, 3)}
            </td>
            <td className="wf-bar" aria-hidden="true">
              <span className="wf-marker end" style={{ left: `${pos(out)}%` }} />
            </td>
          </tr>
        </tbody>
        <tfoot aria-hidden="true">
          <tr>
            <td colSpan={2} className="wf-axis-label">
              log-odds (probability)
            </td>
            <td className="wf-axis">
              {ticks.map((t) => (
                <span key={t} style={{ left: `${pos(t)}%` }}>
                  {Number(t.toPrecision(6))}
                  <br />
                  <small>{formatPercent(sigmoid(t), sigmoid(t) < 0.01 ? 2 : 0)}</small>
                </span>
              ))}
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
