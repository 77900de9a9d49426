/**
 * The offline drift report as one self-contained HTML file: a verdict banner, the verdicts in a
 * table and, per feature and for the score, the baseline and current distributions side by side.
 * Numeric bins are overlaid bar charts drawn by uPlot (its script and stylesheet are inlined, so
 * the file opens anywhere without a network); categories are horizontal bars in plain HTML, the
 * most frequent few with the rest grouped, so a feature with hundreds of values stays readable.
 *
 * The banner weighs the score too: a model whose output distribution moved is news even when too
 * few features drifted to call it dataset drift.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { OTHER_CATEGORY } from '../core/drift/index.js';
const require = createRequire(import.meta.url);
/** Categories drawn one by one; the rest (and the baseline's untracked "other") share one bar. */
export const TOP_CATEGORIES = 10;
/** Numeric chart size; the plot leaves room for the y axis; one tick label's room per character. */
const CHART_WIDTH = 330;
const CHART_HEIGHT = 200;
const Y_AXIS_PX = 60;
const LABEL_PX_PER_CHAR = 7.5;
const LABEL_GAP_PX = 12;
/** Epoch seconds from 2000-01-01 to 2100-01-01: edges in this range of a "time" feature are dates. */
const EPOCH_S_RANGE = [946_684_800, 4_102_444_800];
const TIME_NAME = /time|date|timestamp|epoch/i;
const DAY_S = 86_400;
function asset(path) {
    return readFileSync(require.resolve(path), 'utf8');
}
function escapeHtml(s) {
    return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
/** JSON that is safe inside a <script> element. */
function scriptJson(value) {
    return JSON.stringify(value).replace(/</g, '\\u003c');
}
function fmt(v) {
    return v === null ? '—' : Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2);
}
function percent(share) {
    return `${(100 * share).toFixed(share < 0.1 ? 1 : 0)}%`;
}
/**
 * The report's overall verdict: dataset drift (enough features drifted), else prediction drift
 * (the score distribution moved), else no drift; "not enough data" when the features could not be
 * judged.
 * @example driftVerdict(report).title // 'Prediction drift'
 */
export function driftVerdict(report) {
    const d = report.dataset_drift;
    const p = report.prediction_drift;
    const features = `${d.drifted_features} of ${d.evaluated_features} features drifted (dataset drift from a share of ${d.share})`;
    const score = `the score distribution drifted (${p.test} ${fmt(p.statistic)}${p.p_value !== null ? `, p-value ${fmt(p.p_value)}` : ''})`;
    if (d.not_enough_data)
        return { state: 'nodata', title: 'Not enough data', detail: `${report.rows} rows are too few to judge the features.` };
    if (d.drifted)
        return {
            state: 'drift',
            title: p.drifted ? 'Dataset and prediction drift' : 'Dataset drift',
            detail: p.drifted ? `${features}, and ${score}.` : `${features}; the score distribution did not drift.`,
        };
    if (p.drifted)
        return {
            state: 'prediction',
            title: 'Prediction drift',
            detail: `${score.charAt(0).toUpperCase()}${score.slice(1)}, although only ${features}.`,
        };
    return {
        state: 'nodrift',
        title: 'No drift',
        detail: `${features}; the score distribution did not drift${p.not_enough_data ? ' (not enough scores to judge it)' : ''}.`,
    };
}
/** Share of each bin in one side's counted rows (so both sides compare whatever their sizes). */
function shares(counts) {
    const total = counts.reduce((a, x) => a + x, 0) || 1;
    return counts.map((x) => x / total);
}
/**
 * The categories shown for a categorical feature: the `top` largest by share (on either side),
 * then one bar for everything else, including the baseline's bucket of untracked categories.
 */
export function categoryBars(f, top = TOP_CATEGORIES) {
    const names = f.baseline.categories ?? [];
    const b = shares(f.baseline.counts);
    const c = shares(f.current.counts);
    const tracked = names.map((name, i) => ({ name, i })).filter((x) => x.name !== OTHER_CATEGORY);
    tracked.sort((x, y) => Math.max(b[y.i], c[y.i]) - Math.max(b[x.i], c[x.i]) || x.i - y.i);
    const shown = tracked.slice(0, top);
    const bars = shown.map(({ name, i }) => ({ label: name, title: name, baseline: b[i], current: c[i] }));
    const rest = tracked.slice(top);
    const other = names.indexOf(OTHER_CATEGORY);
    const restBaseline = rest.reduce((a, x) => a + b[x.i], 0) + (other >= 0 ? b[other] : 0);
    const restCurrent = rest.reduce((a, x) => a + c[x.i], 0) + (other >= 0 ? c[other] : 0);
    if (restBaseline > 0 || restCurrent > 0) {
        const what = rest.length > 0
            ? `${rest.length} more categor${rest.length === 1 ? 'y' : 'ies'} and those the baseline does not track`
            : 'categories the baseline does not track';
        bars.push({
            label: rest.length > 0 ? `other (${rest.length} more)` : 'other',
            title: `other: ${what}`,
            baseline: restBaseline,
            current: restCurrent,
        });
    }
    return bars;
}
/** Bin edges as short tick text: dates for a time feature in epoch seconds or ms, else 3 digits. */
export function edgeFormatter(feature, edges) {
    const inRange = (scale) => edges.length > 0 && edges.every((e) => e / scale >= EPOCH_S_RANGE[0] && e / scale <= EPOCH_S_RANGE[1]);
    const scale = TIME_NAME.test(feature) ? (inRange(1) ? 1 : inRange(1000) ? 1000 : 0) : 0;
    if (scale > 0) {
        const spanDays = (edges[edges.length - 1] - edges[0]) / scale / DAY_S;
        // Days apart: the date; within a few days: the date and hour.
        const length = spanDays > 3 ? 10 : 16;
        return (x) => new Date((x / scale) * 1000).toISOString().slice(0, length).replace('T', ' ');
    }
    const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });
    return (x) => (x !== 0 && Math.abs(x) < 0.01 ? x.toExponential(1) : compact.format(x));
}
/** Bin labels ("≤ edge", last "> edge"), which of them fit under the chart, and both sides' shares. */
export function numericChart(f, name) {
    const e = f.baseline.edges ?? [];
    const short = edgeFormatter(f.feature, e);
    const labels = f.baseline.counts.map((_, i) => (i === e.length ? `> ${short(e[e.length - 1])}` : `≤ ${short(e[i])}`));
    const longest = labels.reduce((a, l) => Math.max(a, l.length), 0);
    const perBin = (CHART_WIDTH - Y_AXIS_PX) / Math.max(1, labels.length);
    const step = Math.max(1, Math.ceil((longest * LABEL_PX_PER_CHAR + LABEL_GAP_PX) / perBin));
    const ticks = labels.map((_, i) => i).filter((i) => i % step === 0);
    return { name, drifted: f.drifted, labels, ticks, baseline: shares(f.baseline.counts), current: shares(f.current.counts) };
}
function categoryFigure(f) {
    const bars = categoryBars(f);
    // Bars are drawn against the largest share in this chart, so small shares stay visible.
    const largest = bars.reduce((a, x) => Math.max(a, x.baseline, x.current), 0) || 1;
    const total = (f.baseline.categories ?? []).filter((x) => x !== OTHER_CATEGORY).length;
    const rows = bars
        .map((bar) => {
        const line = (side, share) => `<div class="hbar ${side}"><span style="width:${((100 * share) / largest).toFixed(2)}%"></span><em>${percent(share)}</em></div>`;
        return `<tr><th scope="row" title="${escapeHtml(bar.title)}">${escapeHtml(bar.label)}</th><td>${line('baseline', bar.baseline)}${line('current', bar.current)}</td></tr>`;
    })
        .join('');
    const note = total > TOP_CATEGORIES ? `the ${TOP_CATEGORIES} largest of ${total} categories, the rest grouped` : `${total} categories`;
    return `<figure class="categories" data-feature="${escapeHtml(f.feature)}"><figcaption>${escapeHtml(f.feature)}${f.drifted ? ' (drifted)' : ''} <span class="muted">${note}</span></figcaption>
<table class="cat"><tbody>${rows}</tbody></table>
<p class="legend"><i class="baseline"></i>baseline <i class="current"></i>current</p></figure>`;
}
export function renderDriftHtml(report, source) {
    const all = [report.prediction_drift, ...report.features];
    const nameOf = (f) => (f === report.prediction_drift ? 'score' : f.feature);
    const numeric = all.filter((f) => f.baseline.categories === undefined).map((f) => numericChart(f, nameOf(f)));
    const figures = all
        .map((f) => f.baseline.categories === undefined
        ? `<figure class="numeric" data-chart="${numeric.findIndex((c) => c.name === nameOf(f))}"></figure>`
        : categoryFigure(f))
        .join('\n');
    const verdict = driftVerdict(report);
    const rows = all
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
h1{font-size:1.5rem} .verdict{padding:.5rem .8rem;border-radius:6px;display:inline-block;border-left:6px solid}
.verdict strong{font-size:1.2rem;display:block} .verdict span{display:block}
.drift{background:#fde2e1;color:#8a1c14} .prediction{background:#fff0d6;color:#7a4a00} .nodrift{background:#dff3e4;color:#135c2c} .nodata{background:#eee;color:#444}
table{border-collapse:collapse;width:100%;margin:1rem 0} th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left}
tr.drifted td{background:#fff1f0;font-weight:600} .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:1rem}
figure{margin:0;border:1px solid #e3e3e3;border-radius:6px;padding:.5rem} figcaption{font-weight:600} .muted{color:#5b6470;font-weight:400}
table.cat{margin:.4rem 0;table-layout:fixed} table.cat th{width:36%;font-weight:400;font-size:12px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;padding:.15rem .4rem .15rem 0;border:0}
table.cat td{padding:.15rem 0;border:0} .hbar{position:relative;height:10px;margin:1px 0;font-size:11px;line-height:10px;padding-right:3.6em}
.hbar span{display:block;height:100%;min-width:1px} .hbar em{position:absolute;right:0;top:0;font-style:normal;color:#333}
.hbar.baseline span,i.baseline{background:rgba(70,110,180,.55)} .hbar.current span,i.current{background:rgba(220,110,40,.6)}
.legend{margin:.2rem 0 0;font-size:12px;color:#5b6470} .legend i{display:inline-block;width:10px;height:10px;margin:0 .3rem 0 .8rem;vertical-align:-1px}
</style></head><body>
<h1>Drift report</h1>
<p class="muted">Model ${escapeHtml(report.model_version)} · baseline ${escapeHtml(source.baseline)} (${report.baseline_rows} rows, ${escapeHtml(report.baseline_created_at)}) · current data ${escapeHtml(source.data)} (${report.rows} rows)</p>
<p class="verdict ${verdict.state}" data-verdict="${verdict.state}"><strong>${escapeHtml(verdict.title)}</strong><span>${escapeHtml(verdict.detail)}</span></p>
<table><thead><tr><th>feature</th><th>type</th><th>test</th><th>statistic</th><th>p-value</th><th>threshold</th><th>verdict</th><th title="rows in categories the model does not know (scored as missing values, counted in &quot;other&quot;)">new categories</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Distributions (share of rows per baseline bin: baseline vs current)</h2>
<div class="charts" id="charts">
${figures}
</div>
<script>${asset('uplot/dist/uPlot.iife.min.js')}</script>
<script>
const charts = ${scriptJson(numeric)};
for (const fig of document.querySelectorAll('figure[data-chart]')) {
  const c = charts[Number(fig.dataset.chart)];
  const cap = document.createElement('figcaption');
  cap.textContent = c.name + (c.drifted ? ' (drifted)' : '');
  fig.appendChild(cap);
  const xs = c.labels.map((_, i) => i);
  new uPlot({
    width: ${CHART_WIDTH}, height: ${CHART_HEIGHT},
    legend: { live: false },
    scales: { x: { time: false, range: [-0.5, xs.length - 0.5] }, y: { range: (_, min, max) => [0, Math.max(max, 1e-9) * 1.08] } },
    axes: [{ splits: () => c.ticks, values: (_, ticks) => ticks.map((t) => c.labels[t] ?? ''), size: 40 },
           { values: (_, t) => t.map((v) => (100 * v).toFixed(v < 0.1 ? 1 : 0) + '%') }],
    series: [{}, { label: 'baseline', fill: 'rgba(70,110,180,.45)', stroke: '#466eb4', paths: uPlot.paths.bars({ size: [0.4], align: -1 }), points: { show: false } },
                 { label: 'current', fill: 'rgba(220,110,40,.45)', stroke: '#dc6e28', paths: uPlot.paths.bars({ size: [0.4], align: 1 }), points: { show: false } }],
  }, [xs, c.baseline, c.current], fig);
}
</script></body></html>
`;
}
//# sourceMappingURL=drift-html.js.map