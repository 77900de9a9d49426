/**
 * Drift on real data: the ULB credit-card sample (984 rows, 30 features) with the peers' XGBoost
 * model, through the whole path (baseline, window store, report). A random split of the rows
 * shows no dataset drift at the default settings; Amount x 1.5 flags Amount and nothing else.
 * Skipped, with a message, where ../shared is not present.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { encodeFeatures } from '../../src/core/data/table.js';
import { DriftRandom, buildBaseline } from '../../src/core/drift/index.js';
import { Predictor } from '../../src/core/engine/predict.js';
import { importXgboost, parseXgboostJsonText } from '../../src/core/engine/xgboost.js';
import { readCsv } from '../../src/io/csv.js';
import { MemoryDriftWindow, readDriftReport } from '../../src/storage/index.js';
import { sharedPath } from '../helpers/paths.js';
const DATA = sharedPath('data', 'ulb_creditcard_balanced.csv.gz');
const MODEL = sharedPath('peers', 'model', 'model.json');
const missing = [DATA, MODEL].filter((p) => !existsSync(p));
const skip = missing.length > 0 ? `real data not found (${missing.join(', ')}); set FRAUDLENS_SHARED to the shared folder to run it` : false;
/** The rows `index` of a table (every column copied). */
function subset(table, index, scaleColumn, factor = 1) {
    const columns = table.columns.map((col, c) => {
        if (col.kind === 'numeric') {
            const scale = table.names[c] === scaleColumn ? factor : 1;
            return { kind: 'numeric', values: Float64Array.from(index, (i) => col.values[i] * scale) };
        }
        return { kind: 'categorical', categories: col.categories, codes: Int32Array.from(index, (i) => col.codes[i]) };
    });
    return { source: table.source, names: table.names, numRows: index.length, columns };
}
/** Scores `table` into a fresh memory window and reports on its newest rows. */
async function report(baseline, model, table) {
    const x = encodeFeatures(table, model.features);
    const scores = new Predictor(model.ensemble).predictProba(x, table.numRows);
    const store = new MemoryDriftWindow(baseline, { seed: 9, recentSize: 2000, sampleSize: 2000 });
    const m = model.features.length;
    for (let i = 0; i < table.numRows; i++)
        store.update(x.subarray(i * m, (i + 1) * m), scores[i]);
    const out = await readDriftReport(store, { type: 'count', rows: 2000 });
    await store.close();
    return out;
}
describe('drift on the ULB credit-card data', { skip }, () => {
    it('a random split shows no dataset drift; Amount x 1.5 flags Amount and only it', async () => {
        const model = importXgboost(parseXgboostJsonText(readFileSync(MODEL, 'utf8')));
        const table = await readCsv(DATA);
        assert.equal(table.numRows, 984);
        // A seeded random split into two halves.
        const order = Int32Array.from({ length: table.numRows }, (_, i) => i);
        const rng = new DriftRandom(2024);
        for (let i = order.length - 1; i > 0; i--) {
            const j = rng.below(i + 1);
            [order[i], order[j]] = [order[j], order[i]];
        }
        const half = order.length >> 1;
        const reference = subset(table, order.subarray(0, half));
        const baseline = buildBaseline(reference, model, { seed: 1 });
        const split = await report(baseline, model, subset(table, order.subarray(half)));
        assert.equal(split.rows, 492);
        // 492 baseline rows: the small-baseline rule, KS on raw values (the reservoir holds them all).
        assert.ok(split.features.every((f) => f.test === 'ks' && f.method === 'samples' && !f.not_enough_data));
        assert.equal(split.dataset_drift.drifted, false, `dataset drift on a random split: ${split.drifted_features.join(', ')}`);
        assert.ok(split.dataset_drift.share_drifted < 0.2, `share drifted ${split.dataset_drift.share_drifted}`);
        assert.equal(split.features.find((f) => f.feature === 'Amount').drifted, false);
        // The other half with Amount x 1.5: Amount flags; no other verdict changes.
        const shifted = await report(baseline, model, subset(table, order.subarray(half), 'Amount', 1.5));
        const amount = shifted.features.find((f) => f.feature === 'Amount');
        assert.equal(amount.drifted, true);
        assert.ok(amount.p_value !== null && amount.p_value < 1e-4, `Amount p-value ${amount.p_value}`);
        for (const f of shifted.features) {
            if (f.feature === 'Amount')
                continue;
            const before = split.features.find((g) => g.feature === f.feature);
            assert.equal(f.drifted, before.drifted, `${f.feature} changed its verdict`);
            assert.equal(f.statistic, before.statistic, `${f.feature} changed its statistic`);
        }
        // A copy of the reference rows with Amount x 1.5: exactly Amount drifts.
        const copy = await report(baseline, model, subset(table, order.subarray(0, half), 'Amount', 1.5));
        assert.deepEqual(copy.drifted_features, ['Amount']);
        assert.equal(copy.dataset_drift.drifted, false);
        const same = await report(baseline, model, reference);
        assert.deepEqual(same.drifted_features, []);
        assert.equal(same.prediction_drift.drifted, false);
    });
});
//# sourceMappingURL=real-data.test.js.map