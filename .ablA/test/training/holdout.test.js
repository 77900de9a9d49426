/**
 * Held-out validation rows: the stratified draw is exact per class and a pure function of the
 * seed; the time split takes the latest rows (ties by file order); time columns parse as numbers
 * or ISO 8601; and trainModel refuses validation sets of one class, warns on few positives and
 * refuses early stopping without validation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromColumns } from '../../src/core/data/table.js';
import { modelToJson } from '../../src/core/engine/model.js';
import { lastRowsHoldOut, MIN_VALIDATION_POSITIVES, readTimes, reorderRows, stratifiedHoldOut, timeHoldOut, } from '../../src/core/training/holdout.js';
import { Rng } from '../../src/core/training/random.js';
import { trainModel } from '../../src/core/training/train.js';
import { expectError, labelsOf, syntheticTable } from './helpers.js';
const CREATED_AT = '2026-01-01T00:00:00Z';
/** Metrics of one validation set from models trained on the same rows in another order. */
const SUM_ORDER_TOLERANCE = 1e-9;
const BASE = { label: 'fraud', trees: 10, createdAt: CREATED_AT };
/** Checks the order is a permutation with training rows, then validation rows, each ascending. */
function assertWellFormed(h, n) {
    assert.equal(h.order.length, n);
    assert.equal(new Set(h.order).size, n);
    const cut = n - h.validRows;
    for (let k = 1; k < n; k++)
        if (k !== cut)
            assert.ok(h.order[k] > h.order[k - 1], `order not ascending at ${k}`);
}
function validLabels(labels, h) {
    return Array.from(h.order.subarray(labels.length - h.validRows), (i) => labels[i]);
}
/** 1,000 rows sorted by label (the export that defeated a last-rows split): 937 negatives, 63 positives. */
const SORTED = Uint8Array.from({ length: 1000 }, (_, i) => (i >= 937 ? 1 : 0));
test('stratified: exactly round(P·f) positives and round(N·f) negatives', () => {
    for (const fraction of [0.1, 0.2, 0.25, 0.5]) {
        const h = stratifiedHoldOut(SORTED, fraction, new Rng(0));
        assertWellFormed(h, SORTED.length);
        const v = validLabels(SORTED, h);
        const pos = v.filter((y) => y === 1).length;
        assert.equal(pos, Math.round(63 * fraction), `positives at ${fraction}`);
        assert.equal(v.length - pos, Math.round(937 * fraction), `negatives at ${fraction}`);
        assert.equal(h.validRows, v.length);
    }
});
test('stratified: the same seed gives the same rows, another seed other rows', () => {
    const a = stratifiedHoldOut(SORTED, 0.2, new Rng(7));
    const b = stratifiedHoldOut(SORTED, 0.2, new Rng(7));
    const c = stratifiedHoldOut(SORTED, 0.2, new Rng(8));
    assert.deepEqual(a.order, b.order);
    assert.notDeepEqual(a.order, c.order);
    // Drawn from the whole file, not a block of it.
    const valid = a.order.subarray(SORTED.length - a.validRows);
    assert.ok(valid[0] < 100 && valid[valid.length - 1] > 900, `valid rows span ${valid[0]}…${valid[valid.length - 1]}`);
});
test('time: the latest rows by time, ties broken by file order', () => {
    const times = Float64Array.of(5, 1, 9, 3, 9, 2, 7, 9);
    // Sorted by (time, row): 1(1) 5(2) 3(3) 0(5) 6(7) 2(9) 4(9) 7(9); the latest 3 are rows 2, 4, 7.
    const h = timeHoldOut(times, 3 / 8);
    assertWellFormed(h, 8);
    assert.deepEqual(Array.from(h.order), [0, 1, 3, 5, 6, 2, 4, 7]);
    // Two of the three time-9 rows: the later ones in the file.
    assert.deepEqual(Array.from(timeHoldOut(times, 2 / 8).order.subarray(6)), [4, 7]);
});
test('last: the file order, the last rows held out', () => {
    const h = lastRowsHoldOut(10, 0.2);
    assert.deepEqual(Array.from(h.order), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(h.validRows, 2);
});
test('time columns: numbers as they are, ISO 8601 text as instants, bad cells named by row', () => {
    const t = tableFromColumns('t.csv', {
        iso: ['2019-01-01 00:01:35', '2019-01-01T00:00:00Z', '2019-01-02', '2019-01-01T02:00:00+03:00'],
        num: [3, 1, 2, 4],
    });
    assert.deepEqual(Array.from(readTimes(t, 'num', 'timeColumn')), [3, 1, 2, 4]);
    const iso = readTimes(t, 'iso', 'timeColumn');
    assert.equal(iso[0] - iso[1], 95_000);
    assert.equal(iso[2] - iso[1], 86_400_000);
    assert.equal(iso[1] - iso[3], 3_600_000);
    const bad = tableFromColumns('b.csv', { when: ['2019-01-01', 'yesterday'] });
    expectError(() => readTimes(bad, 'when', 'timeColumn'), 'INPUT_INVALID', (e) => {
        assert.equal(e.location.row, 2);
        assert.equal(e.location.column, 'when');
        assert.match(e.message, /"yesterday", neither a number nor an ISO 8601 date-time/);
    });
    const missing = tableFromColumns('m.csv', { when: [1, NaN] });
    expectError(() => readTimes(missing, 'when', 'timeColumn'), 'INPUT_INVALID', (e) => assert.equal(e.location.row, 2));
});
test('reorderRows copies the kept columns in the new order', () => {
    const t = tableFromColumns('r.csv', { x: [10, 20, 30], c: ['a', 'b', 'a'] });
    const r = reorderRows(t, Int32Array.of(2, 0, 1));
    assert.deepEqual(Array.from(labelsOf(r, 'x')), [30, 10, 20]);
    const c = r.columns[1];
    assert.equal(c.kind, 'categorical');
    assert.deepEqual(Array.from(c.codes, (k) => c.categories[k]), ['a', 'a', 'b']);
    const onlyC = reorderRows(t, Int32Array.of(1, 2, 0), ['c']);
    assert.deepEqual(onlyC.names, ['c']);
    assert.equal(onlyC.columns.length, 1);
});
/** The synthetic table sorted by label: every positive at the end, as in a label-sorted export. */
function labelSorted(rows) {
    const t = syntheticTable(rows, 3);
    const y = labelsOf(t, 'fraud');
    const order = Int32Array.from(Array.from({ length: rows }, (_, i) => i).sort((a, b) => y[a] - y[b] || a - b));
    return reorderRows(t, order);
}
test('trainModel: a last-rows split of a label-sorted file is refused with the counts; the default stratified split trains', () => {
    const sorted = labelSorted(2000);
    const positives = labelsOf(sorted, 'fraud').reduce((a, b) => a + b, 0);
    assert.ok(positives > 100 && positives < 400, `${positives} positives`);
    expectError(() => trainModel(sorted, { ...BASE, validFraction: 0.1, validSplit: 'last' }), 'INPUT_ONE_CLASS', (e) => {
        assert.equal(e.location.field, 'validFraction');
        assert.match(e.message, /the 200 validation rows held out by validFraction \(--valid-fraction\) 0\.1 with the last split are all 1 \(200 positive, 0 negative\)/);
    });
    const { summary, model } = trainModel(sorted, { ...BASE, validFraction: 0.1 });
    assert.equal(summary.validPositives, Math.round(positives * 0.1));
    assert.equal(summary.validRows, Math.round(positives * 0.1) + Math.round((2000 - positives) * 0.1));
    assert.equal(summary.trainRows, 2000 - summary.validRows);
    assert.equal(summary.trainPositives, positives - summary.validPositives);
    assert.ok(Number.isFinite(summary.validation.roc_auc));
    assert.equal(model.training.parameters?.validSplit, 'stratified');
});
test('trainModel: the time split of a time-sorted file holds out what the last-rows split does', () => {
    const t = syntheticTable(1500, 5);
    const time = Array.from({ length: 1500 }, (_, i) => new Date(Date.UTC(2019, 0, 1) + i * 60_000).toISOString().replace('T', ' ').slice(0, 19));
    const timeColumn = tableFromColumns('time', { time }).columns[0];
    const withTime = { ...t, names: [...t.names, 'time'], columns: [...t.columns, timeColumn] };
    // Shuffled rows: the time split must put them back in time order.
    const shuffled = reorderRows(withTime, Int32Array.from(Array.from({ length: 1500 }, (_, i) => (i * 7) % 1500)));
    const byTime = trainModel(shuffled, { ...BASE, drop: ['time'], validFraction: 0.2, validSplit: 'time', timeColumn: 'time' });
    const byLast = trainModel(withTime, { ...BASE, drop: ['time'], validFraction: 0.2, validSplit: 'last' });
    assert.equal(byTime.summary.validRows, 300);
    assert.equal(byTime.summary.validPositives, byLast.summary.validPositives);
    // Same rows; the training rows are summed in another order, so the last bits may differ.
    for (const key of ['roc_auc', 'pr_auc', 'logloss', 'brier']) {
        assert.ok(Math.abs(byTime.summary.validation[key] - byLast.summary.validation[key]) < SUM_ORDER_TOLERANCE, key);
    }
    // On the file already in time order, the two splits are the same split: the same model.
    const sortedByTime = trainModel(withTime, {
        ...BASE,
        drop: ['time'],
        validFraction: 0.2,
        validSplit: 'time',
        timeColumn: 'time',
    });
    assert.deepEqual(modelToJson(sortedByTime.model).trees, modelToJson(byLast.model).trees);
    assert.deepEqual(sortedByTime.model.thresholds, byLast.model.thresholds);
    assert.equal(byTime.model.training.parameters?.timeColumn, 'time');
    expectError(() => trainModel(shuffled, { ...BASE, drop: ['time'], validFraction: 0.2, validSplit: 'time' }), 'INPUT_INVALID', (e) => assert.equal(e.location.field, 'timeColumn'));
    expectError(() => trainModel(shuffled, { ...BASE, validFraction: 0.2, timeColumn: 'time' }), 'INPUT_INVALID', (e) => assert.equal(e.location.field, 'timeColumn'));
    expectError(() => trainModel(shuffled, { ...BASE, validFraction: 0.2, validSplit: 'time', timeColumn: 'when' }), 'INPUT_MISSING_COLUMN');
});
test('trainModel: a validation table of one class is refused; few validation positives warn', () => {
    const t = syntheticTable(1200, 9);
    const negatives = reorderRows(t, Int32Array.from(Array.from({ length: 1200 }, (_, i) => i).filter((i) => labelsOf(t, 'fraud')[i] === 0)));
    expectError(() => trainModel(t, { ...BASE, valid: negatives }), 'INPUT_ONE_CLASS', (e) => {
        assert.equal(e.location.field, 'valid');
        assert.match(e.message, /validation labels of synthetic are all 0 \(0 positive, \d+ negative\)/);
    });
    // 1200 rows, about 10 % positive: a 10 % hold-out has about 12 positives.
    const few = trainModel(t, { ...BASE, validFraction: 0.1 });
    assert.ok(few.summary.validPositives < MIN_VALIDATION_POSITIVES);
    assert.equal(few.summary.warnings.length, 1);
    assert.match(few.summary.warnings[0], new RegExp(`only ${few.summary.validPositives} positive validation row\\(s\\), fewer than ${MIN_VALIDATION_POSITIVES}`));
    const enough = trainModel(syntheticTable(4000, 9), { ...BASE, validFraction: 0.25 });
    assert.ok(enough.summary.validPositives >= MIN_VALIDATION_POSITIVES);
    assert.deepEqual(enough.summary.warnings, []);
});
test('trainModel: early stopping without validation rows is refused, naming the option', () => {
    expectError(() => trainModel(syntheticTable(300, 1), { ...BASE, earlyStopping: 5 }), 'INPUT_INVALID', (e) => {
        assert.equal(e.location.field, 'earlyStopping');
        assert.match(e.message, /earlyStopping \(--early-stopping\) needs validation rows/);
    });
});
//# sourceMappingURL=holdout.test.js.map