/**
 * The drift baseline: what buildBaseline summarises (checked against brute-force counts over the
 * float32 values the model sees), determinism under a seed, the file format round trip, and
 * parseBaseline's validation (BASELINE_INVALID naming the field), including the fit to a model.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tableFromColumns } from '../../src/core/data/table.js';
import { BASELINE_FORMAT, buildBaseline, parseBaseline, serializeBaseline, } from '../../src/core/drift/index.js';
import { FraudlensError } from '../../src/core/errors.js';
import { writeFileAtomic } from '../../src/io/atomic.js';
import { baselineFromCsv, baselinePathFor, loadBaseline, saveBaseline } from '../../src/io/baseline-file.js';
import { demoModel, demoTable, encodeDemo } from '../storage/drift-window-fixtures.js';
/** Relative tolerance for means and standard deviations computed two ways. */
const STAT_TOLERANCE = 1e-9;
const model = demoModel();
const table = demoTable(2000, 11);
const CREATED = '2024-05-01T00:00:00.000Z';
const baseline = buildBaseline(table, model, { seed: 3, createdAt: CREATED });
function numeric(b, name) {
    const f = b.features.find((x) => x.name === name);
    assert.ok(f !== undefined && f.type === 'numeric', `${name} is numeric`);
    return f;
}
function categorical(b, name) {
    const f = b.features.find((x) => x.name === name);
    assert.ok(f !== undefined && f.type === 'categorical', `${name} is categorical`);
    return f;
}
/** Non-missing float32 values of column j of the encoded table. */
function column(j) {
    const { x, rows, m } = encodeDemo(table, model);
    const out = [];
    for (let i = 0; i < rows; i++)
        if (!Number.isNaN(x[i * m + j]))
            out.push(x[i * m + j]);
    return out;
}
function close(actual, expected, what) {
    assert.ok(actual !== null, `${what} is null`);
    assert.ok(Math.abs(actual - expected) <= STAT_TOLERANCE * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}
function isBaselineError(field) {
    return (err) => {
        assert.ok(err instanceof FraudlensError, `expected a FraudlensError, got ${String(err)}`);
        assert.equal(err.code, 'BASELINE_INVALID');
        assert.equal(err.location.field, field, `error names "${err.location.field}" (${err.message})`);
        return true;
    };
}
describe('buildBaseline', () => {
    it('writes the header: format, version, model version, rows, options', () => {
        assert.equal(baseline.format, BASELINE_FORMAT);
        assert.equal(baseline.format_version, 1);
        assert.equal(baseline.model_version, model.version);
        assert.equal(baseline.created_at, CREATED);
        assert.equal(baseline.rows, 2000);
        assert.deepEqual(baseline.options, { bins: 10, reservoir_size: 1000, seed: 3, max_categories: 50 });
        assert.deepEqual(baseline.features.map((f) => f.name), model.features.map((f) => f.name));
    });
    it('cuts a continuous feature at deciles and counts right-closed bins exactly', () => {
        const f = numeric(baseline, 'amount');
        const values = column(0).sort((a, b) => a - b);
        assert.equal(f.edges.length, 9);
        for (let i = 1; i < f.edges.length; i++)
            assert.ok(f.edges[i] > f.edges[i - 1]);
        // Brute force: bin i holds edges[i-1] < x <= edges[i].
        const expected = new Array(10).fill(0);
        for (const v of values)
            expected[f.edges.filter((e) => e < v).length]++;
        assert.deepEqual(f.counts, expected);
        // Deciles: every bin holds about a tenth of the rows (ties on cents allow a little slack).
        for (const c of f.counts)
            assert.ok(Math.abs(c - 200) <= 20, `bin count ${c} is far from 200`);
        // numpy's linear interpolation at the 10 % quantile.
        const h = (values.length - 1) * 0.1;
        const lo = Math.floor(h);
        assert.equal(f.edges[0], values[lo] + (h - lo) * (values[lo + 1] - values[lo]));
    });
    it('records mean, population std, min, max, missing rate and distinct values', () => {
        const velocity = numeric(baseline, 'velocity');
        const values = column(4);
        const mean = values.reduce((s, v) => s + v, 0) / values.length;
        const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
        close(velocity.mean, mean, 'mean');
        close(velocity.std, std, 'std');
        assert.equal(velocity.min, Math.min(...values));
        assert.equal(velocity.max, Math.max(...values));
        assert.equal(velocity.missing, 2000 - values.length);
        assert.ok(velocity.missing > 100 && velocity.missing < 300, `about 10 % missing, got ${velocity.missing}`);
        assert.equal(velocity.missing_rate, velocity.missing / 2000);
        assert.equal(velocity.counts.reduce((s, c) => s + c, 0), values.length);
        assert.equal(numeric(baseline, 'hour').distinct, 24);
    });
    it('gives a low-cardinality feature one bin per value and an empty bin above the largest', () => {
        const f = numeric(baseline, 'is_new');
        assert.deepEqual(f.edges, [0, 1]);
        const ones = column(3).filter((v) => v === 1).length;
        assert.deepEqual(f.counts, [2000 - ones, ones, 0]);
        assert.equal(f.distinct, 2);
    });
    it('keeps a bounded uniform sample of the observed float32 values, sorted', () => {
        const amount = numeric(baseline, 'amount');
        assert.equal(amount.sample.length, 1000);
        const pool = new Map();
        for (const v of column(0))
            pool.set(v, (pool.get(v) ?? 0) + 1);
        for (let i = 0; i < amount.sample.length; i++) {
            const v = amount.sample[i];
            if (i > 0)
                assert.ok(v >= amount.sample[i - 1], 'sample is ascending');
            assert.equal(Math.fround(v), v, 'sample values are float32');
            const left = pool.get(v) ?? 0;
            assert.ok(left > 0, `sampled value ${v} is not in the data (or drawn twice)`);
            pool.set(v, left - 1);
        }
        // Without replacement from 2000 rows, half of them: the sample median sits near the data median.
        const sortedAll = column(0).sort((a, b) => a - b);
        const median = sortedAll[1000];
        const below = amount.sample.filter((v) => v < median).length;
        assert.ok(below > 430 && below < 570, `${below} of 1000 sampled values below the median`);
        // A missing-heavy feature samples only observed values.
        assert.ok(numeric(baseline, 'velocity').sample.every((v) => Number.isFinite(v)));
        // A tiny reservoir is honoured.
        const small = buildBaseline(table, model, { reservoirSize: 7, seed: 1 });
        assert.equal(numeric(small, 'amount').sample.length, 7);
    });
    it('counts categories by frequency, with the model codes, an "other" bucket and unknown categories in it', () => {
        const f = categorical(baseline, 'channel');
        assert.equal(f.encoding, 'names');
        assert.deepEqual(f.categories, ['web', 'pos', 'atm', 'phone']);
        assert.deepEqual(f.codes, [0, 1, 2, 3]);
        assert.equal(f.counts.length, 5);
        assert.equal(f.counts[4], 0, 'nothing falls in "other" when every category is kept');
        assert.equal(f.counts.reduce((s, c) => s + c, 0) + f.missing, 2000);
        const two = categorical(buildBaseline(table, model, { maxCategories: 2 }), 'channel');
        assert.deepEqual(two.categories, ['web', 'pos']);
        assert.deepEqual(two.counts, [f.counts[0], f.counts[1], f.counts[2] + f.counts[3]]);
        const odd = tableFromColumns('odd', {
            amount: [1, 2, 3, 4],
            hour: [1, 2, 3, 4],
            channel: ['web', 'crypto', null, 'crypto'],
            is_new: [0, 0, 1, 0],
            velocity: [1, 1, 1, 1],
        });
        const c = categorical(buildBaseline(odd, model), 'channel');
        assert.deepEqual(c.categories, ['web']);
        assert.deepEqual(c.counts, [1, 2], 'a category the model does not know is "other", not missing');
        assert.equal(c.missing, 1);
    });
    it("describes the model's score distribution on the training rows", () => {
        const { scores } = encodeDemo(table, model);
        const s = baseline.score;
        assert.equal(s.counts.reduce((a, c) => a + c, 0), 2000);
        assert.equal(s.min, Math.min(...scores));
        assert.equal(s.max, Math.max(...scores));
        close(s.mean, scores.reduce((a, v) => a + v, 0) / scores.length, 'score mean');
        // The demo model has a handful of leaf combinations, hence few distinct scores.
        assert.ok(s.distinct >= 2 && s.distinct <= 12, `distinct scores: ${s.distinct}`);
        assert.equal(s.sample.length, 1000);
    });
    it('is deterministic under a seed, and the seed matters', () => {
        const again = buildBaseline(table, model, { seed: 3, createdAt: CREATED });
        assert.deepEqual(again, baseline);
        const other = buildBaseline(table, model, { seed: 4, createdAt: CREATED });
        assert.notDeepEqual(numeric(other, 'amount').sample, numeric(baseline, 'amount').sample);
        assert.deepEqual(numeric(other, 'amount').counts, numeric(baseline, 'amount').counts, 'only the samples depend on the seed');
    });
    it('rejects bad options and empty data', () => {
        const invalid = (err) => err instanceof FraudlensError && err.code === 'INPUT_INVALID';
        assert.throws(() => buildBaseline(table, model, { bins: 1 }), invalid);
        assert.throws(() => buildBaseline(table, model, { bins: 2.5 }), invalid);
        assert.throws(() => buildBaseline(table, model, { reservoirSize: -1 }), invalid);
        assert.throws(() => buildBaseline(table, model, { seed: 0.5 }), invalid);
        assert.throws(() => buildBaseline(table, model, { createdAt: 'yesterday' }), invalid);
        const empty = tableFromColumns('empty', { amount: [], hour: [], channel: [], is_new: [], velocity: [] });
        assert.throws(() => buildBaseline(empty, model), (err) => err instanceof FraudlensError && err.code === 'INPUT_EMPTY');
    });
});
describe('serializeBaseline / parseBaseline', () => {
    const text = serializeBaseline(baseline);
    it('round-trips exactly, with and without the model', () => {
        assert.deepEqual(parseBaseline(text), baseline);
        assert.deepEqual(parseBaseline(text, model), baseline);
        assert.equal(serializeBaseline(parseBaseline(text)), text);
    });
    it('writes arrays of numbers on one line and float32 samples as short decimals', () => {
        const amountLine = text.split('\n').find((l) => l.trimStart().startsWith('"edges"'));
        assert.ok(amountLine !== undefined && amountLine.trimEnd().endsWith('],'), 'edges on one line');
        // 2000 cent amounts: their float32 values print as at most 2 decimals, not 17 digits.
        const sampleLine = text.split('\n').find((l) => l.trimStart().startsWith('"sample"'));
        const longest = Math.max(...sampleLine
            .slice(sampleLine.indexOf('[') + 1, sampleLine.lastIndexOf(']'))
            .split(', ')
            .map((s) => s.length));
        assert.ok(longest <= 9, `longest sample literal has ${longest} characters`);
        assert.ok(text.length < 200_000, `file is ${text.length} characters`);
    });
    const cases = [
        ['wrong format', (b) => (b.format = 'something-else'), 'format'],
        ['newer version', (b) => (b.format_version = 2), 'format_version'],
        ['no model version', (b) => (b.model_version = ''), 'model_version'],
        ['bad date', (b) => (b.created_at = 'soon'), 'created_at'],
        ['negative rows', (b) => (b.rows = -1), 'rows'],
        ['bins out of range', (b) => (b.options.bins = 1), 'options.bins'],
        ['no features', (b) => (b.features = []), 'features'],
        ['duplicate feature', (b) => (b.features[1].name = 'amount'), 'features[1].name'],
        ['unknown type', (b) => (b.features[0].type = 'text'), 'features[0].type'],
        ['unsorted edges', (b) => b.features[0].edges.reverse(), 'features[0].edges[1]'],
        ['counts of the wrong length', (b) => b.features[0].counts.pop(), 'features[0].counts'],
        ['fractional count', (b) => (b.features[0].counts[0] += 0.5), 'features[0].counts[0]'],
        ['counts not adding up to rows', (b) => (b.features[0].counts[0] += 1), 'features[0].counts'],
        ['missing rate off', (b) => (b.features[4].missing_rate = 0.5), 'features[4].missing_rate'],
        ['std negative', (b) => (b.features[0].std = -1), 'features[0].std'],
        ['sample larger than the reservoir', (b) => (b.options.reservoir_size = 10), 'features[0].sample'],
        [
            'sample value outside [min, max]',
            (b) => (b.features[0].sample[0] = -5),
            'features[0].sample[0]',
        ],
        [
            'sample value not a number',
            (b) => (b.features[0].sample[3] = null),
            'features[0].sample[3]',
        ],
        ['bad encoding', (b) => (b.features[2].encoding = 'latin1'), 'features[2].encoding'],
        [
            'duplicate category',
            (b) => (b.features[2].categories[1] = 'web'),
            'features[2].categories',
        ],
        ['duplicate code', (b) => (b.features[2].codes[1] = 0), 'features[2].codes'],
        ['codes of the wrong length', (b) => b.features[2].codes.pop(), 'features[2].codes'],
        ['score out of [0, 1]', (b) => (b.score.max = 1.5), 'score'],
        ['score counts not adding up', (b) => (b.score.counts[0] += 1), 'score.counts'],
    ];
    for (const [what, mutate, field] of cases) {
        it(`rejects ${what} (field ${field})`, () => {
            const copy = JSON.parse(text);
            mutate(copy);
            assert.throws(() => parseBaseline(JSON.stringify(copy)), isBaselineError(field));
        });
    }
    it('rejects text that is not JSON or not an object', () => {
        assert.throws(() => parseBaseline('{"format": '), isBaselineError('(root)'));
        assert.throws(() => parseBaseline('[1, 2]'), isBaselineError('(root)'));
    });
    it('checks the fit to a model: version, names, order, types, categories', () => {
        assert.throws(() => parseBaseline(text, demoModel('another-version')), isBaselineError('model_version'));
        const renamed = demoModel();
        renamed.features[1] = { ...renamed.features[1], name: 'hour_of_day' };
        assert.throws(() => parseBaseline(text, renamed), isBaselineError('features[1].name'));
        const retyped = demoModel();
        retyped.features[3] = { name: 'is_new', type: 'categorical', categories: ['0', '1'] };
        assert.throws(() => parseBaseline(text, retyped), isBaselineError('features[3].type'));
        const fewer = demoModel();
        fewer.features.pop();
        assert.throws(() => parseBaseline(text, fewer), isBaselineError('features'));
        const recoded = demoModel();
        recoded.features[2] = { ...recoded.features[2], categories: ['pos', 'web', 'atm', 'phone'] };
        assert.throws(() => parseBaseline(text, recoded), isBaselineError('features[2].codes[0]'));
        const unknown = demoModel();
        unknown.features[2] = { ...unknown.features[2], categories: ['web', 'pos', 'atm'] };
        assert.throws(() => parseBaseline(text, unknown), isBaselineError('features[2].categories[3]'));
    });
});
describe('baseline files', () => {
    it('saves atomically beside the model, loads back, and names the file in errors', async () => {
        const dir = await mkdtemp(join(tmpdir(), 'fraudlens-baseline-'));
        try {
            const path = baselinePathFor(join(dir, 'model.json'));
            assert.equal(path, join(dir, 'drift_baseline.json'));
            await saveBaseline(path, baseline);
            assert.deepEqual(await loadBaseline(path, model), baseline);
            assert.deepEqual(await readdir(dir), ['drift_baseline.json'], 'no temporary file is left behind');
            await writeFile(path, '{"format": "fraudlens-drift-baseline", "format_version": 1}');
            await assert.rejects(loadBaseline(path), (err) => {
                assert.ok(err instanceof FraudlensError);
                assert.equal(err.code, 'BASELINE_INVALID');
                assert.equal(err.location.file, path);
                assert.equal(err.location.field, 'model_version');
                return true;
            });
            await assert.rejects(loadBaseline(join(dir, 'absent.json')), (err) => err instanceof FraudlensError && err.code === 'INPUT_UNREADABLE');
        }
        finally {
            await rm(dir, { recursive: true, force: true });
        }
    });
    it('writeFileAtomic replaces whole files and leaves the old one when the write fails', async () => {
        const dir = await mkdtemp(join(tmpdir(), 'fraudlens-atomic-'));
        try {
            const path = join(dir, 'file.txt');
            await writeFileAtomic(path, 'first');
            await writeFileAtomic(path, 'second, longer');
            assert.equal(await readFile(path, 'utf8'), 'second, longer');
            await assert.rejects(writeFileAtomic(join(dir, 'missing-dir', 'x.txt'), 'data'), (err) => err.code === 'ENOENT');
            // Data that cannot be written (not a string or bytes) fails after the temp file exists.
            await assert.rejects(writeFileAtomic(path, 42));
            assert.equal(await readFile(path, 'utf8'), 'second, longer');
            assert.deepEqual(await readdir(dir), ['file.txt']);
        }
        finally {
            await rm(dir, { recursive: true, force: true });
        }
    });
    it('builds a baseline from a CSV file for a model (fraudlens baseline)', async () => {
        const dir = await mkdtemp(join(tmpdir(), 'fraudlens-baseline-csv-'));
        try {
            const csv = join(dir, 'train.csv');
            const lines = ['amount,hour,channel,is_new,velocity,label'];
            const { x, rows, m } = encodeDemo(table, model);
            for (let i = 0; i < 300; i++) {
                const v = Array.from(x.subarray(i * m, (i + 1) * m));
                lines.push([v[0], v[1], ['web', 'pos', 'atm', 'phone'][v[2]], v[3], Number.isNaN(v[4]) ? '' : v[4], i % 2].join(','));
            }
            assert.ok(rows >= 300);
            await writeFile(csv, `${lines.join('\n')}\n`);
            const out = join(dir, 'drift_baseline.json');
            const built = await baselineFromCsv({ model, dataPath: csv, outPath: out, seed: 5, createdAt: CREATED });
            assert.equal(built.rows, 300);
            assert.deepEqual(await loadBaseline(out, model), built);
        }
        finally {
            await rm(dir, { recursive: true, force: true });
        }
    });
});
//# sourceMappingURL=baseline.test.js.map