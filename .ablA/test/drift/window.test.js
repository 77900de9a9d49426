/**
 * The window logic: bin lookups at their edge cases, the slot layout, bottom-k samples (bound,
 * exactness, uniformity, merging), and the drift report: identical data gives no drift, a shifted
 * amount is flagged (and nothing else), empty and tiny windows say "not enough data".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BottomKSample, DriftRandom, OTHER_CATEGORY, binIndex, buildBaseline, buildDriftReport, compileBaseline, countRows, emptyCounts, emptySample, mergeSamples, sampleAsPart, sampleRows, windowFromRows, } from '../../src/core/drift/index.js';
import { UNKNOWN_CATEGORY_CODE } from '../../src/core/data/table.js';
import { FraudlensError } from '../../src/core/errors.js';
import { demoModel, demoTable, encodeDemo } from '../storage/drift-window-fixtures.js';
const model = demoModel();
/** Counts and a uniform sample of a whole table, as a window store would hold them. */
function windowOf(baseline, rows, seed, options = {}, sampleSize = 1000) {
    const { x, scores, m } = encodeDemo(demoTable(rows, seed, options), model);
    const layout = compileBaseline(baseline);
    return {
        counts: countRows(layout, x, scores, rows),
        sample: sampleRows(x, scores, rows, m, sampleSize, new DriftRandom(seed)),
    };
}
function feature(report, name) {
    const f = report.features.find((x) => x.feature === name);
    assert.ok(f !== undefined, `no report entry for ${name}`);
    return f;
}
describe('binIndex', () => {
    const edges = Float64Array.of(1, 2, 3);
    it('puts a value equal to an edge in the bin below (right-closed bins)', () => {
        assert.equal(binIndex(edges, 1), 0);
        assert.equal(binIndex(edges, 2), 1);
        assert.equal(binIndex(edges, 3), 2);
    });
    it('opens the first bin below and the last above', () => {
        assert.equal(binIndex(edges, -1e300), 0);
        assert.equal(binIndex(edges, Number.NEGATIVE_INFINITY), 0);
        assert.equal(binIndex(edges, 3.0000001), 3);
        assert.equal(binIndex(edges, Number.POSITIVE_INFINITY), 3);
    });
    it('finds interior values, handles one edge, no edge, signed zero, and NaN', () => {
        assert.equal(binIndex(edges, 1.5), 1);
        assert.equal(binIndex(edges, 2.999), 2);
        assert.equal(binIndex([0], -0), 0);
        assert.equal(binIndex([0], 1e-300), 1);
        assert.equal(binIndex([], 42), 0);
        assert.equal(binIndex(edges, Number.NaN), -1);
    });
    it('agrees with a linear scan on many edges', () => {
        const many = Float64Array.from({ length: 37 }, (_, i) => i * i - 100);
        for (let v = -150; v <= 1400; v += 7.5) {
            assert.equal(binIndex(many, v), many.filter((e) => e < v).length, `value ${v}`);
        }
    });
});
describe('DriftLayout', () => {
    const baseline = buildBaseline(demoTable(2000, 1), model, { seed: 1 });
    const layout = compileBaseline(baseline);
    const slots = new Int32Array(6);
    const local = (j) => slots[j] - layout.slotStart[j];
    it('lays every feature out as value bins plus a missing slot, then the score', () => {
        assert.equal(layout.numFeatures, 5);
        assert.equal(layout.valueBins[0], 10, 'amount: deciles');
        assert.equal(layout.valueBins[2], 5, 'channel: 4 categories + other');
        assert.equal(layout.valueBins[3], 3, 'is_new: 0, 1, above');
        assert.equal(layout.numSlots, layout.slotStart[6]);
        assert.equal(compileBaseline(baseline), layout, 'compiled once per baseline');
    });
    it('maps missing and non-finite numbers to the missing slot', () => {
        layout.slotsOf([Number.NaN, Number.POSITIVE_INFINITY, 0, Number.NEGATIVE_INFINITY, 1], 0.5, slots);
        assert.equal(slots[0], layout.missingSlot(0));
        assert.equal(slots[1], layout.missingSlot(1));
        assert.equal(slots[3], layout.missingSlot(3));
        assert.equal(local(2), 0, 'code 0 is "web", the most frequent');
    });
    it('maps codes the baseline does not keep by name to "other", NaN to missing', () => {
        const other = layout.valueBins[2] - 1;
        for (const code of [-3, 4, 99, 2.5, 1e9]) {
            layout.slotsOf([1, 1, code, 0, 1], 0.5, slots);
            assert.equal(local(2), other, `code ${code}`);
        }
        layout.slotsOf([1, 1, Number.NaN, 0, 1], 0.5, slots);
        assert.equal(slots[2], layout.missingSlot(2));
        layout.slotsOf([1, 1, 3, 0, 1], 0.5, slots);
        assert.equal(local(2), baseline.features[2].type === 'categorical' ? baseline.features[2].codes.indexOf(3) : -1);
    });
    it('counts a category the model does not know (-1) in its own slot, folded into "other" for the tests', () => {
        const other = layout.valueBins[2] - 1;
        assert.equal(layout.newCategorySlot(0), -1, 'numeric features have none');
        const newSlot = layout.newCategorySlot(2);
        assert.equal(newSlot, layout.missingSlot(2) + 1);
        assert.equal(layout.slotStart[3], newSlot + 1, 'the slot belongs to the feature');
        layout.slotsOf([1, 1, UNKNOWN_CATEGORY_CODE, 0, 1], 0.5, slots);
        assert.equal(slots[2], newSlot);
        const values = Float32Array.of(1, 1, UNKNOWN_CATEGORY_CODE, 0, 1, 1, 1, 99, 0, 1, 1, 1, 0, 0, 1);
        const counts = countRows(layout, values, Float64Array.of(0.1, 0.2, 0.3), 3);
        assert.equal(counts.counts[newSlot], 1);
        const folded = layout.valueCounts(counts.counts, 2);
        assert.equal(folded[other], 2, 'new category + unkept code 99');
        assert.equal(folded.reduce((a, b) => a + b, 0), 3);
        const report = buildDriftReport(baseline, { counts, sample: emptySample(5) });
        assert.equal(report.features[2].current.new_categories, 1);
        assert.equal(report.features[2].current.counts[other], 2);
        assert.equal(report.features[0].current.new_categories, undefined);
    });
    it('bins the score on its own edges, and reads a row at an offset', () => {
        const edges = baseline.score.edges;
        layout.slotsOf([1, 1, 0, 0, 1], 1, slots);
        assert.equal(local(5), edges.filter((e) => e < 1).length);
        const block = Float32Array.of(9, 9, 9, 9, 9, 500, 3, 1, 1, 2.5);
        layout.slotsOf(block, 0, slots, 5);
        assert.equal(local(0), binIndex(baseline.features[0].type === 'numeric' ? baseline.features[0].edges : [], Math.fround(500)));
        assert.equal(local(5), 0);
    });
    it('counts the training rows exactly as the baseline did (float32 values on both sides)', () => {
        const table = demoTable(2000, 1);
        const { x, scores, rows } = encodeDemo(table, model);
        const counts = countRows(layout, x, scores, rows);
        assert.equal(counts.rows, 2000);
        baseline.features.forEach((f, j) => {
            const start = layout.slotStart[j];
            assert.deepEqual(Array.from(counts.counts.subarray(start, start + layout.valueBins[j])), f.counts, f.name);
            assert.equal(counts.counts[layout.missingSlot(j)], f.missing, `${f.name} missing`);
        });
        const s = layout.slotStart[5];
        assert.deepEqual(Array.from(counts.counts.subarray(s, s + layout.valueBins[5])), baseline.score.counts);
    });
});
describe('BottomKSample and mergeSamples', () => {
    /** Offers rows whose single value is their index; returns the keys drawn. */
    function stream(sample, n, rng, first = 0) {
        const keys = new Float64Array(n);
        const row = new Float32Array(1);
        for (let i = 0; i < n; i++) {
            keys[i] = rng.next();
            row[0] = first + i;
            sample.offer(keys[i], row, (first + i) / 1e6);
        }
        return keys;
    }
    it('keeps at most capacity rows: exactly the ones with the smallest keys', () => {
        const s = new BottomKSample(100, 1);
        const keys = stream(s, 5000, new DriftRandom(1));
        assert.equal(s.size, 100);
        assert.equal(s.seen, 5000);
        const kept = Array.from(s.values.subarray(0, 100)).sort((a, b) => a - b);
        const expected = Array.from(keys.keys())
            .sort((a, b) => keys[a] - keys[b])
            .slice(0, 100)
            .sort((a, b) => a - b);
        assert.deepEqual(kept, expected);
        assert.equal(s.threshold(), Math.max(...Array.from(s.keys)));
        const none = new BottomKSample(0, 1);
        stream(none, 10, new DriftRandom(2));
        assert.equal(none.size, 0);
    });
    it('is uniform: the mean kept index is near the middle of the stream', () => {
        const s = new BottomKSample(500, 1);
        stream(s, 20_000, new DriftRandom(7));
        const mean = Array.from(s.values).reduce((a, v) => a + v, 0) / 500;
        // Standard error of the mean: 20000 / sqrt(12 * 500) ~ 258; six of them is a loose bound.
        assert.ok(Math.abs(mean - 10_000) < 1550, `mean kept index ${mean}`);
    });
    it('merges parts into exactly the bottom-k of the union when k fits every part', () => {
        const rng = new DriftRandom(3);
        const parts = [];
        const all = [];
        for (let p = 0; p < 5; p++) {
            const s = new BottomKSample(60, 1);
            const n = [10, 500, 1000, 59, 3000][p];
            const keys = stream(s, n, rng, p * 10_000);
            keys.forEach((k, i) => all.push({ key: k, value: p * 10_000 + i }));
            parts.push(s);
        }
        const merged = mergeSamples(parts.map(sampleAsPart), 1, 60);
        assert.equal(merged.size, 60);
        const expected = all
            .sort((a, b) => a.key - b.key)
            .slice(0, 60)
            .map((r) => r.value)
            .sort((a, b) => a - b);
        assert.deepEqual(Array.from(merged.values).sort((a, b) => a - b), expected);
    });
    it('when more rows are asked than parts keep, returns every row below the smallest cut-off', () => {
        const rng = new DriftRandom(4);
        const parts = [new BottomKSample(50, 1), new BottomKSample(50, 1), new BottomKSample(50, 1)];
        const keyOf = new Map();
        [400, 30, 2000].forEach((n, p) => stream(parts[p], n, rng, p * 10_000).forEach((k, i) => keyOf.set(p * 10_000 + i, k)));
        const merged = mergeSamples(parts.map(sampleAsPart), 1, 1000);
        const tau = Math.min(parts[0].threshold(), parts[2].threshold());
        const below = [...keyOf.values()].filter((k) => k <= tau).length;
        assert.equal(merged.size, below);
        for (const v of merged.values)
            assert.ok(keyOf.get(v) <= tau);
        assert.ok(merged.size >= 50 && merged.size <= 150);
        assert.equal(mergeSamples([], 3, 10).size, 0);
    });
    it('sampleRows draws without replacement, bounded, reproducibly', () => {
        const values = Float32Array.from({ length: 300 }, (_, i) => i);
        const scores = Float64Array.from({ length: 300 }, (_, i) => i / 300);
        const a = sampleRows(values, scores, 300, 1, 50, new DriftRandom(9));
        assert.equal(a.size, 50);
        assert.equal(new Set(a.values).size, 50);
        for (let r = 0; r < 50; r++)
            assert.equal(a.scores[r], a.values[r] / 300);
        assert.deepEqual(sampleRows(values, scores, 300, 1, 50, new DriftRandom(9)), a);
        assert.equal(sampleRows(values, scores, 20, 1, 50, new DriftRandom(9)).size, 20);
    });
});
describe('buildDriftReport', () => {
    const small = buildBaseline(demoTable(600, 21), model, { seed: 2 });
    const large = buildBaseline(demoTable(5000, 22), model, { seed: 2 });
    it('on the training rows themselves: no drift, zero statistics', () => {
        const { x, scores, rows } = encodeDemo(demoTable(600, 21), model);
        const report = buildDriftReport(small, { values: x, scores, rows, sampleSize: 1000, random: new DriftRandom(1) });
        assert.equal(report.rows, 600);
        assert.deepEqual(report.drifted_features, []);
        assert.equal(report.dataset_drift.drifted, false);
        assert.equal(report.dataset_drift.evaluated_features, 5);
        assert.equal(report.prediction_drift.drifted, false);
        for (const f of report.features) {
            assert.equal(f.not_enough_data, false, f.feature);
            assert.ok(f.statistic !== null && Math.abs(f.statistic) < 1e-12, `${f.feature}: statistic ${f.statistic}`);
            assert.deepEqual(f.current.counts, f.baseline.counts, `${f.feature}: same counts`);
        }
    });
    it('builds the same report from rows as from their counts and sample, as a store would hold them', () => {
        const { x, scores, rows, m } = encodeDemo(demoTable(3000, 23, { amountScale: 1.2 }), model);
        const layout = compileBaseline(large);
        const fromRows = buildDriftReport(large, { values: x, scores, rows }, { share: 0.3 });
        // The defaults for rows: every row counted, a sample of the baseline's reservoir size drawn with seed 0.
        const contents = windowFromRows(layout, { values: x, scores, rows });
        assert.deepEqual(contents.counts, countRows(layout, x, scores, rows));
        assert.deepEqual(contents.sample, sampleRows(x, scores, rows, m, large.options.reservoir_size, new DriftRandom(0)));
        assert.equal(contents.sample.size, 1000);
        assert.deepEqual(fromRows, buildDriftReport(large, contents, { share: 0.3 }));
        assert.equal(fromRows.rows, 3000);
        assert.equal(fromRows.window, null);
        // The sample size and generator reach the sample-based tests only; the counts cover every row.
        const fewer = buildDriftReport(large, { values: x, scores, rows, sampleSize: 40, random: new DriftRandom(5) }, { share: 0.3 });
        assert.deepEqual(fewer.features.map((f) => f.current), fromRows.features.map((f) => f.current));
        const amount = feature(fewer, 'amount');
        assert.equal(amount.method, 'samples');
        assert.ok(amount.observations.current <= 40 && amount.observations.current >= 30, `${amount.observations.current} sampled amounts`);
    });
    it('small baseline: KS on samples for continuous features, chi-squared for the rest', () => {
        const report = buildDriftReport(small, windowOf(small, 400, 31));
        assert.deepEqual(report.features.map((f) => [f.feature, f.test, f.method]), [
            ['amount', 'ks', 'samples'],
            ['hour', 'ks', 'samples'],
            ['channel', 'chisquare', 'bins'],
            ['is_new', 'chisquare', 'bins'],
            ['velocity', 'ks', 'samples'],
        ]);
        assert.equal(report.dataset_drift.drifted, false);
        assert.equal(feature(report, 'amount').drifted, false);
    });
    it('small baseline: amount x 1.5 is flagged by KS', () => {
        const report = buildDriftReport(small, windowOf(small, 400, 31, { amountScale: 1.5 }));
        const amount = feature(report, 'amount');
        assert.equal(amount.drifted, true);
        assert.ok(amount.p_value !== null && amount.p_value < 1e-4, `p-value ${amount.p_value}`);
    });
    it('large baseline: a fresh sample shows no drift; amount x 1.5 flags amount and only it', () => {
        // A 2000-row window sample: large enough for the distances (see the registry's rule).
        const same = buildDriftReport(large, windowOf(large, 3000, 41, {}, 2000));
        assert.deepEqual(same.features.map((f) => f.test), ['wasserstein', 'wasserstein', 'jensenshannon', 'jensenshannon', 'wasserstein']);
        assert.deepEqual(same.drifted_features, []);
        assert.equal(same.dataset_drift.drifted, false);
        const shifted = buildDriftReport(large, windowOf(large, 3000, 41, { amountScale: 1.5 }, 2000));
        assert.deepEqual(shifted.drifted_features, ['amount']);
        assert.equal(shifted.dataset_drift.drifted, false, 'one feature of five is below the 0.5 share');
        assert.equal(shifted.dataset_drift.drifted_features, 1);
        const withLowShare = buildDriftReport(large, windowOf(large, 3000, 41, { amountScale: 1.5 }, 2000), { share: 0.2 });
        assert.equal(withLowShare.dataset_drift.drifted, true);
    });
    it('large baseline, window sample of 1000: p-value tests, same verdicts', () => {
        const same = buildDriftReport(large, windowOf(large, 3000, 41));
        assert.deepEqual(same.features.map((f) => f.test), ['ks', 'ks', 'jensenshannon', 'chisquare', 'ks']);
        assert.deepEqual(same.drifted_features, []);
        const shifted = buildDriftReport(large, windowOf(large, 3000, 41, { amountScale: 1.5 }));
        assert.deepEqual(shifted.drifted_features, ['amount']);
    });
    it('without samples, falls back to the bins and still flags the shift', () => {
        const { counts } = windowOf(large, 3000, 41, { amountScale: 1.5 });
        const report = buildDriftReport(large, { counts, sample: emptySample(5) });
        const amount = feature(report, 'amount');
        assert.equal(amount.method, 'bins');
        assert.equal(amount.test, 'wasserstein');
        assert.equal(amount.drifted, true);
        assert.deepEqual(report.drifted_features, ['amount']);
    });
    it('an empty window says not enough data everywhere, without an exception', () => {
        for (const b of [small, large]) {
            const report = buildDriftReport(b, { counts: emptyCounts(compileBaseline(b)), sample: emptySample(5) });
            assert.equal(report.rows, 0);
            for (const f of [...report.features, report.prediction_drift]) {
                assert.equal(f.not_enough_data, true, f.feature);
                assert.equal(f.drifted, false);
                assert.equal(f.statistic, null);
                assert.equal(f.p_value, null);
            }
            assert.deepEqual(report.dataset_drift, {
                drifted: false,
                share: 0.5,
                share_drifted: 0,
                drifted_features: 0,
                evaluated_features: 0,
                not_enough_data: true,
            });
        }
    });
    it('a tiny window (10 rows, even wildly shifted) says not enough data, never drift', () => {
        const { counts, sample } = windowOf(small, 10, 51, { amountScale: 50, channelShares: [0, 0, 0, 1] });
        const report = buildDriftReport(small, { counts, sample });
        assert.equal(report.rows, 10);
        assert.ok(report.features.every((f) => f.not_enough_data && !f.drifted));
        assert.equal(report.dataset_drift.drifted, false);
        // The threshold is a setting: with minSampleSize 5 the same window is judged.
        const judged = buildDriftReport(small, { counts, sample }, { minSampleSize: 5 });
        assert.equal(feature(judged, 'amount').drifted, true);
    });
    it('flags a changed channel mix and shows unseen categories in "other"', () => {
        const { counts, sample } = windowOf(large, 2000, 61, { channelShares: [0.1, 0.1, 0.4, 0.4] });
        const report = buildDriftReport(large, { counts, sample });
        const channel = feature(report, 'channel');
        assert.equal(channel.drifted, true);
        assert.deepEqual(channel.baseline.categories, ['web', 'pos', 'atm', 'phone', OTHER_CATEGORY]);
        const layout = compileBaseline(large);
        const c = emptyCounts(layout);
        const slots = new Int32Array(6);
        for (let i = 0; i < 50; i++) {
            layout.slotsOf([10, 3, -1, 0, 1], 0.3, slots);
            for (const s of slots)
                c.counts[s]++;
            c.rows++;
        }
        const unseen = feature(buildDriftReport(large, { counts: c, sample: emptySample(5) }), 'channel');
        assert.deepEqual(unseen.current.counts, [0, 0, 0, 0, 50]);
        assert.equal(unseen.drifted, true);
    });
    it('honours forced tests and threshold overrides, and rejects options that cannot apply', () => {
        const { counts, sample } = windowOf(large, 2000, 71, {}, 2000);
        const report = buildDriftReport(large, { counts, sample }, { tests: { amount: 'psi', is_new: 'ks' }, scoreTest: 'ks', thresholds: { wasserstein: 0 } });
        assert.equal(feature(report, 'amount').test, 'psi');
        assert.equal(feature(report, 'is_new').test, 'ks');
        assert.equal(report.prediction_drift.test, 'ks');
        // Threshold 0 makes every distance a drift: the override reached the statistic.
        assert.equal(feature(report, 'hour').drifted, true);
        const invalid = (err) => err instanceof FraudlensError && err.code === 'INPUT_INVALID';
        assert.throws(() => buildDriftReport(large, { counts, sample }, { tests: { channel: 'ks' } }), invalid);
        assert.throws(() => buildDriftReport(large, { counts, sample }, { tests: { nope: 'ks' } }), invalid);
        assert.throws(() => buildDriftReport(large, { counts, sample }, { share: 0 }), invalid);
        const coarse = buildBaseline(demoTable(300, 1), model, { bins: 4 });
        assert.throws(() => buildDriftReport(coarse, { counts, sample }), invalid, 'counts of another baseline');
    });
    it('is plain JSON (no NaN, no undefined)', () => {
        const empty = buildDriftReport(small, {
            counts: emptyCounts(compileBaseline(small)),
            sample: emptySample(5),
            window: { type: 'count', requested: 100, available: 0, source: 'memory' },
        });
        const full = buildDriftReport(large, windowOf(large, 500, 81));
        for (const r of [empty, full])
            assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
    });
});
//# sourceMappingURL=window.test.js.map