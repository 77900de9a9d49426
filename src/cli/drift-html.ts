/**
 * The offline drift report as one self-contained HTML file: the verdicts in a table and, per
 * feature and for the score, the baseline and current distributions as overlaid bar charts drawn
 * by uPlot (its script and stylesheet are inlined, so the file opens anywhere without a network).
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { DriftReport, FeatureDriftReport } from '../core/drift/index.js';

const require = createRequire(import.meta.url);

function asset(path: string): string {
  return readFileSync(require.resolve(path), 'utf8');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function fmt(v: number | null): string {
  return v === null ? '—' : Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2);
}

/** Bin labels and both sides' shares (share of each side's counted rows, so sizes compare). */
function chartData(f: FeatureDriftReport): { labels: string[]; baseline: number[]; current: number[] } {
  const b = f.baseline.counts;
  const c = f.current.counts;
  const bt = b.reduce((a, x) => a + x, 0) || 1;
  const ct = c.reduce((a, x) => a + x, 0) || 1;
  let labels: string[];
  if (f.baseline.categories) labels = f.baseline.categories.map((x) => (x === '__other__' ? 'other' : x));
  else {
    const e = f.baseline.edges ?? [];
    const short = (x: number): string => (x !== 0 && Math.abs(x) < 0.01 ? x.toExponential(1) : Number(x.toPrecision(3)).toString());
    labels = b.map((_, i) => (i === 0 ? `≤ ${e.length > 0 ? short(e[0]) : '∞'}` : i === e.length ? `> ${short(e[e.length - 1])}` : `≤ ${short(e[i])}`));
  }
  return { labels, baseline: b.map((x) => x / bt), current: c.map((x) => x / ct) };
}

export function renderDriftHtml(report: DriftReport, source: { data: string; baseline: string }): string {
  const charts = [report.prediction_drift, ...report.features].map((f) => ({ name: f === report.prediction_drift ? 'score' : f.feature, drifted: f.drifted, ...chartData(f) }));
  const verdict = report.dataset_drift.not_enough_data ? 'Not enough data' : report.dataset_drift.drifted ? 'Dataset drift' : 'No dataset drift';
  const rows = [report.prediction_drift, ...report.features]
    .map((f) => {
      const name = f === report.prediction_drift ? 'score (model output)' : f.feature;
      const state = f.not_enough_data ? 'not enough data' : f.drifted ? 'drifted' : 'ok';
      const fresh = f.current.new_categories;
      const newCell = fresh === undefined ? '' : fresh === 0 ? '0' : `${fresh} (${((100 * fresh) / Math.max(1, report.rows)).toFixed(1)}%)`;
      return `<tr class="${state.replace(/ /g, '-')}"><td>${escapeHtml(name)}</td><td>${f.type}</td><td>${f.test}</td><td>${fmt(f.statistic)}</td><td>${fmt(f.p_value)}</td><td>${f.threshold}</td><td>${state}</td><td>${newCell}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>fraudlens drift report</title>
<style>${asset('uplot/dist/uPlot.min.css')}
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d232b}
h1{font-size:1.5rem} .verdict{font-size:1.2rem;font-weight:600;padding:.5rem .8rem;border-radius:6px;display:inline-block}
.drift{background:#fde2e1;color:#8a1c14} .nodrift{background:#dff3e4;color:#135c2c} .nodata{background:#eee;color:#444}
table{border-collapse:collapse;width:100%;margin:1rem 0} th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left}
tr.drifted td{background:#fff1f0;font-weight:600} .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:1rem}
figure{margin:0;border:1px solid #e3e3e3;border-radius:6px;padding:.5rem} figcaption{font-weight:600} .muted{color:#5b6470}
</style></head><body>
<h1>Drift report</h1>
<p class="muted">Model ${escapeHtml(report.model_version)} · baseline ${escapeHtml(source.baseline)} (${report.baseline_rows} rows, ${escapeHtml(report.baseline_created_at)}) · current data ${escapeHtml(source.data)} (${report.rows} rows)</p>
<p class="verdict ${report.dataset_drift.not_enough_data ? 'nodata' : report.dataset_drift.drifted ? 'drift' : 'nodrift'}">${verdict}: ${report.dataset_drift.drifted_features} of ${report.dataset_drift.evaluated_features} features drifted (dataset drift at a share of ${report.dataset_drift.share})</p>
<table><thead><tr><th>feature</th><th>type</th><th>test</th><th>statistic</th><th>p-value</th><th>threshold</th><th>verdict</th><th title="rows in categories the model does not know (scored as missing values, counted in &quot;other&quot;)">new categories</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Distributions (share of rows per baseline bin: baseline vs current)</h2>
<div class="charts" id="charts"></div>
<script>${asset('uplot/dist/uPlot.iife.min.js')}</script>
<script>
const charts = ${scriptJson(charts)};
const root = document.getElementById('charts');
for (const c of charts) {
  const fig = document.createElement('figure');
  const cap = document.createElement('figcaption');
  cap.textContent = c.name + (c.drifted ? ' (drifted)' : '');
  fig.appendChild(cap);
  root.appendChild(fig);
  const xs = c.labels.map((_, i) => i);
  new uPlot({
    width: 330, height: 200,
    legend: { live: false },
    scales: { x: { time: false, range: [-0.5, xs.length - 0.5] }, y: { range: (_, min, max) => [0, Math.max(max, 1e-9) * 1.08] } },
    axes: [{ values: (_, ticks) => ticks.map((t) => c.labels[t] ?? ''), size: 40 }, { values: (_, t) => t.map((v) => (100 * v).toFixed(v < 0.1 ? 1 : 0) + '%') }],
    series: [{}, { label: 'baseline', fill: 'rgba(70,110,180,.45)', stroke: '#466eb4', paths: uPlot.paths.bars({ size: [0.4], align: -1 }), points: { show: false } },
                 { label: 'current', fill: 'rgba(220,110,40,.45)', stroke: '#dc6e28', paths: uPlot.paths.bars({ size: [0.4], align: 1 }), points: { show: false } }],
  }, [xs, c.baseline, c.current], fig);
}
</script></body></html>
`;
}
