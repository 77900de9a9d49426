/**
 * Conformance with XGBoost: every fixture (the project's own copies, and ../shared/peers/fixtures
 * when it exists) must give XGBoost's leaves exactly, and its margins, probabilities and SHAP
 * values within the tolerances the fixtures' README states.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importXgboost, parseXgboostJsonText } from '../../src/core/engine/xgboost.js';
import { Predictor, sigmoid } from '../../src/core/engine/predict.js';
import { TreeExplainer, checkAdditivity } from '../../src/core/explanation/treeshap.js';
import { fixturePath, sharedPath } from '../helpers/paths.js';
/** Against XGBoost's own float32 output. */
const VS_XGBOOST = { margin: 1e-4, prob: 1e-6, contribs: 1e-4 };
/** Against the float64 reference reading (ref_xgb.py): our arithmetic is float64 too. */
const VS_FLOAT64 = { margin: 1e-9, prob: 1e-12, contribs: 1e-9 };
function fixtureFiles(dir) {
    if (!existsSync(dir))
        return [];
    return readdirSync(dir)
        .filter((f) => f.endsWith('.fixture.json'))
        .map((f) => ({ fixture: join(dir, f), model: join(dir, f.replace('.fixture.json', '.model.json')) }));
}
const sets = [
    { label: 'project', files: fixtureFiles(fixturePath('xgboost')) },
    ...['ulb_subset', 'synthetic'].map((d) => ({ label: `shared/${d}`, files: fixtureFiles(sharedPath('peers', 'fixtures', d)) })),
];
function maxAbsDiff(a, b) {
    let worst = 0;
    for (let i = 0; i < a.length; i++)
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
    return worst;
}
test('the project ships its own XGBoost fixtures', () => {
    assert.ok(sets[0].files.length >= 4, 'fixtures/xgboost holds at least four fixtures');
});
for (const set of sets) {
    for (const { model: modelPath, fixture: fixturePath } of set.files) {
        test(`${set.label}/${fixturePath.split('/').pop()}`, () => {
            const fx = JSON.parse(readFileSync(fixturePath, 'utf8'));
            const model = importXgboost(parseXgboostJsonText(readFileSync(modelPath, 'utf8')));
            const predictor = new Predictor(model.ensemble);
            const explainer = new TreeExplainer(model.ensemble, predictor);
            const rows = fx.rows.map((r) => r.map((v) => (v === null ? NaN : v)));
            const m = model.features.length;
            const flat = new Float32Array(rows.length * m);
            rows.forEach((r, i) => flat.set(r, i * m));
            const batchMargins = predictor.predictMargins(flat, rows.length);
            const batchShap = explainer.explainBatch(flat, rows.length);
            let worst = { margin: 0, prob: 0, contribs: 0, margin64: 0, prob64: 0, contribs64: 0 };
            rows.forEach((row, i) => {
                const leaves = predictor.predictLeaves(row);
                assert.deepEqual(Array.from(leaves), fx.expected.leaf[i].map(Number), `row ${i}: leaves`);
                const margin = predictor.predictRowMargin(row);
                assert.equal(margin, batchMargins[i], `row ${i}: single-row and batch margins agree`);
                const shap = explainer.explainRow(row);
                assert.deepEqual(Array.from(shap), Array.from(batchShap.subarray(i * (m + 1), (i + 1) * (m + 1))), `row ${i}: single-row and batch SHAP agree`);
                checkAdditivity(shap, margin);
                worst = {
                    margin: Math.max(worst.margin, Math.abs(margin - fx.expected.margin[i])),
                    prob: Math.max(worst.prob, Math.abs(sigmoid(margin) - fx.expected.prob[i])),
                    contribs: Math.max(worst.contribs, maxAbsDiff(shap, fx.expected.contribs[i])),
                    margin64: fx.expected_f64 ? Math.max(worst.margin64, Math.abs(margin - fx.expected_f64.margin[i])) : 0,
                    prob64: fx.expected_f64 ? Math.max(worst.prob64, Math.abs(sigmoid(margin) - fx.expected_f64.prob[i])) : 0,
                    contribs64: fx.expected_f64 ? Math.max(worst.contribs64, maxAbsDiff(shap, fx.expected_f64.contribs[i])) : 0,
                };
            });
            assert.ok(worst.margin <= VS_XGBOOST.margin, `margin vs XGBoost off by ${worst.margin}`);
            assert.ok(worst.prob <= VS_XGBOOST.prob, `probability vs XGBoost off by ${worst.prob}`);
            assert.ok(worst.contribs <= VS_XGBOOST.contribs, `SHAP vs XGBoost off by ${worst.contribs}`);
            assert.ok(worst.margin64 <= VS_FLOAT64.margin, `margin vs float64 reference off by ${worst.margin64}`);
            assert.ok(worst.prob64 <= VS_FLOAT64.prob, `probability vs float64 reference off by ${worst.prob64}`);
            assert.ok(worst.contribs64 <= VS_FLOAT64.contribs, `SHAP vs float64 reference off by ${worst.contribs64}`);
        });
    }
}
//# sourceMappingURL=xgboost-fixtures.test.js.map