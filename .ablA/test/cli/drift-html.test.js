/**
 * The HTML drift report's generator on hand-made reports: the banner weighs the score's drift as
 * well as the features' (a moved score distribution is never shown under a green "no drift"), a
 * categorical feature with many values shows its largest categories and groups the rest, and the
 * tick labels of a numeric chart are thinned so they fit, with dates for a time feature.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OTHER_CATEGORY } from '../../src/core/drift/index.js';
import { describeReport } from '../../src/cli/commands/drift.js';
import { categoryBars, driftVerdict, edgeFormatter, numericChart, renderDriftHtml, TOP_CATEGORIES, } from '../../src/cli/drift-html.js';
/** Shares are sums of ratios of small integers. */
const SHARE_TOLERANCE = 1e-12;
const SOURCE = { data: 'current.csv', baseline: 'drift_baseline.json' };
function numeric(feature, drifted, statistic = drifted ? 0.91 : 0.02, edges = [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    const counts = edges.map(() => 10).concat(10);
    return {
        feature,
        type: 'numeric',
        test: 'ks',
        statistic,
        p_value: drifted ? 1e-9 : 0.6,
        threshold: 0.05,
        drifted,
        not_enough_data: false,
        method: 'samples',
        observations: { baseline: 1000, current: 1000 },
        baseline: { edges, counts, missing: 0 },
        current: { counts: [...counts], missing: 0 },
    };
}
function categorical(feature, names, baselineCounts, currentCounts) {
    return {
        feature,
        type: 'categorical',
        test: 'jensenshannon',
        statistic: 0.01,
        p_value: null,
        threshold: 0.1,
        drifted: false,
        not_enough_data: false,
        method: 'bins',
        observations: { baseline: 1000, current: 1000 },
        baseline: { categories: names, counts: baselineCounts, missing: 0 },
        current: { counts: currentCounts, missing: 0 },
    };
}
function report(opts) {
    const features = opts.features ?? Array.from({ length: opts.evaluated }, (_, i) => numeric(`f${i}`, i < opts.driftedFeatures));
    const share = 0.5;
    return {
        model_version: 'm-1',
        baseline_created_at: '2026-01-01T00:00:00.000Z',
        baseline_rows: 1000,
        window: null,
        rows: 1000,
        dataset_drift: {
            drifted: opts.driftedFeatures / opts.evaluated >= share,
            share,
            share_drifted: opts.driftedFeatures / opts.evaluated,
            drifted_features: opts.driftedFeatures,
            evaluated_features: opts.evaluated,
            not_enough_data: opts.notEnoughData ?? false,
        },
        drifted_features: features.filter((f) => f.drifted).map((f) => f.feature),
        prediction_drift: { ...numeric('score', opts.scoreDrifted), feature: 'score' },
        features,
        settings: { min_sample_size: 30, share, thresholds: {} },
    };
}
function banner(html) {
    const m = /<p class="verdict (\w+)" data-verdict="\w+"><strong>([^<]*)<\/strong><span>([^<]*)<\/span><\/p>/.exec(html);
    assert.ok(m, 'the report has a verdict banner');
    return { state: m[1], text: `${m[2]} ${m[3]}` };
}
describe('drift HTML report', () => {
    it('says "Prediction drift", not "no drift", when only the score distribution drifted', () => {
        const html = renderDriftHtml(report({ driftedFeatures: 1, evaluated: 6, scoreDrifted: true }), SOURCE);
        const b = banner(html);
        assert.equal(b.state, 'prediction');
        assert.match(b.text, /^Prediction drift The score distribution drifted \(ks 0\.9100/);
        assert.match(b.text, /only 1 of 6 features drifted/);
        assert.doesNotMatch(html, /No dataset drift|No drift/);
        // The command line's text report leads with the same verdict.
        assert.match(describeReport(report({ driftedFeatures: 1, evaluated: 6, scoreDrifted: true })).split('\n')[0], /: PREDICTION DRIFT: The score distribution drifted/);
    });
    it('names both when features and score drifted, and only "No drift" when neither did', () => {
        assert.deepEqual(banner(renderDriftHtml(report({ driftedFeatures: 4, evaluated: 6, scoreDrifted: true }), SOURCE)).state, 'drift');
        assert.match(banner(renderDriftHtml(report({ driftedFeatures: 4, evaluated: 6, scoreDrifted: true }), SOURCE)).text, /^Dataset and prediction drift 4 of 6 features drifted/);
        assert.match(banner(renderDriftHtml(report({ driftedFeatures: 4, evaluated: 6, scoreDrifted: false }), SOURCE)).text, /^Dataset drift .*the score distribution did not drift/);
        const calm = banner(renderDriftHtml(report({ driftedFeatures: 1, evaluated: 6, scoreDrifted: false }), SOURCE));
        assert.equal(calm.state, 'nodrift');
        assert.match(calm.text, /^No drift 1 of 6 features drifted .*the score distribution did not drift/);
        assert.equal(driftVerdict(report({ driftedFeatures: 0, evaluated: 6, scoreDrifted: true, notEnoughData: true })).state, 'nodata');
    });
    it(`shows the ${TOP_CATEGORIES} largest categories and groups the rest with the untracked ones`, () => {
        const names = [...Array.from({ length: 30 }, (_, i) => `merchant_${i}`), OTHER_CATEGORY];
        // merchant_29 is small in the baseline but the largest now: it must be among those shown.
        const baselineCounts = [...names.slice(0, 30).map((_, i) => 30 - i), 500];
        const currentCounts = [...names.slice(0, 29).map(() => 5), 300, 400];
        const f = categorical('merchant', names, baselineCounts, currentCounts);
        const bars = categoryBars(f);
        assert.equal(bars.length, TOP_CATEGORIES + 1);
        assert.equal(bars[0].label, 'merchant_29', 'ranked by the larger of the two shares');
        assert.deepEqual(bars.slice(1, TOP_CATEGORIES).map((b) => b.label), Array.from({ length: TOP_CATEGORIES - 1 }, (_, i) => `merchant_${i}`));
        const other = bars[TOP_CATEGORIES];
        assert.equal(other.label, `other (${30 - TOP_CATEGORIES} more)`);
        const sum = (xs) => xs.reduce((a, x) => a + x, 0);
        assert.ok(Math.abs(sum(bars.map((b) => b.baseline)) - 1) < SHARE_TOLERANCE, 'baseline shares add up to 1');
        assert.ok(Math.abs(sum(bars.map((b) => b.current)) - 1) < SHARE_TOLERANCE, 'current shares add up to 1');
        const html = renderDriftHtml(report({ driftedFeatures: 0, evaluated: 1, scoreDrifted: false, features: [f] }), SOURCE);
        const figure = /<figure class="categories" data-feature="merchant">([^]*?)<\/figure>/.exec(html);
        assert.ok(figure, 'the categorical feature is drawn as horizontal bars');
        assert.equal([...figure[1].matchAll(/<tr>/g)].length, TOP_CATEGORIES + 1);
        assert.match(figure[1], /the 10 largest of 30 categories, the rest grouped/);
    });
    it('thins numeric tick labels so they fit, and writes the edges of a time feature as dates', () => {
        const day = 86_400;
        const start = 1_546_300_800; // 2019-01-01
        const edges = Array.from({ length: 9 }, (_, i) => start + i * 40 * day);
        const format = edgeFormatter('unix_time', edges);
        assert.equal(format(start), '2019-01-01');
        assert.equal(edgeFormatter('event_time_ms', edges.map((e) => e * 1000))(start * 1000), '2019-01-01');
        assert.equal(edgeFormatter('city_pop', [121_061])(121_061), '121K', 'not a time feature: a compact number');
        const chart = numericChart(numeric('unix_time', true, 1, edges), 'unix_time');
        assert.match(chart.labels[0], /^≤ 2019-01-01$/);
        assert.ok(chart.ticks.length < chart.labels.length, 'not every bin is labelled');
        const gap = chart.ticks[1] - chart.ticks[0];
        assert.ok(chart.ticks.every((t, i) => i === 0 || t - chart.ticks[i - 1] === gap), 'evenly spaced');
        // Short labels on few bins all fit.
        assert.equal(numericChart(numeric('hour', false, 0.02, [6, 12, 18]), 'hour').ticks.length, 4);
    });
});
//# sourceMappingURL=drift-html.test.js.map