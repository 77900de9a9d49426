/**
 * XGBoost categorical models imported with their category names (fixtures/xgboost/
 * categorical.categories.json, exported from pandas by scripts/make_xgb_categorical_fixture.py):
 * the features then take names, a row scored by name gives exactly the margin of the same row by
 * code (and XGBoost's own), an unknown name scores as missing (as XGBoost scores a name outside
 * the training categories fed through pandas: categorical.unknown_names.json), and names that cannot belong to
 * the model are refused naming the feature. Also through the CLI: import --categories, then
 * predict on a CSV of names against a CSV of codes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFeatures, tableFromColumns } from '../../src/core/data/table.js';
import { importXgboost, parseXgboostJsonText } from '../../src/core/engine/xgboost.js';
import { Predictor } from '../../src/core/engine/predict.js';
import { FraudlensError } from '../../src/core/errors.js';
import { runCli } from '../helpers/cli.js';
import { fixturePath } from '../helpers/paths.js';
/** Against XGBoost's own float32 output (as in xgboost-fixtures.test.ts). */
const VS_XGBOOST_MARGIN = 1e-4;
const MODEL_PATH = fixturePath('xgboost', 'categorical.model.json');
const CATEGORIES_PATH = fixturePath('xgboost', 'categorical.categories.json');
const raw = parseXgboostJsonText(readFileSync(MODEL_PATH, 'utf8'));
const categories = JSON.parse(readFileSync(CATEGORIES_PATH, 'utf8'));
const fixture = JSON.parse(readFileSync(fixturePath('xgboost', 'categorical.fixture.json'), 'utf8'));
/** The fixture's rows with known codes (its other rows hold codes past the last category). */
const known = fixture.rows.map((r, i) => ({ r, i })).filter(({ i }) => fixture.row_kind[i] !== 'unseen_category');
/** The fixture rows as a table: codes, or names for the features in `named`. */
function tableOf(rows, named) {
    const data = {};
    fixture.feature_names.forEach((name, j) => {
        const names = named[name];
        data[name] =
            names === undefined
                ? rows.map(({ r }) => (r[j] === null ? NaN : r[j]))
                : rows.map(({ r }) => (r[j] === null ? null : names[r[j]]));
    });
    return tableFromColumns('rows', data);
}
test('with names, the categorical features take names; without, codes', () => {
    const byName = importXgboost(raw, { categories });
    const byCode = importXgboost(raw);
    const purpose = byName.features.find((f) => f.name === 'purpose');
    assert.equal(purpose.encoding, undefined, 'names (the default encoding)');
    assert.deepEqual(purpose.categories, categories.purpose);
    assert.equal(byCode.features.find((f) => f.name === 'purpose').encoding, 'codes');
    const some = importXgboost(raw, { categories: { purpose: categories.purpose } });
    assert.equal(some.features.find((f) => f.name === 'checking_status').encoding, 'codes', 'features not listed keep codes');
});
test('scoring by name equals scoring by code, and XGBoost', () => {
    const byName = importXgboost(raw, { categories });
    const byCode = importXgboost(raw);
    const xNames = encodeFeatures(tableOf(known, categories), byName.features);
    const xCodes = encodeFeatures(tableOf(known, {}), byCode.features);
    const mName = new Predictor(byName.ensemble).predictMargins(xNames, known.length);
    const mCode = new Predictor(byCode.ensemble).predictMargins(xCodes, known.length);
    assert.deepEqual(Array.from(mName), Array.from(mCode));
    known.forEach(({ i }, k) => assert.ok(Math.abs(mName[k] - fixture.expected.margin[i]) <= VS_XGBOOST_MARGIN, `row ${i}`));
});
test('an unknown name scores as a missing value', () => {
    const byName = importXgboost(raw, { categories });
    const purpose = fixture.feature_names.indexOf('purpose');
    const first = known.find(({ r }) => r[purpose] !== null).r;
    const table = tableOf([{ r: first }, { r: first.map((v, j) => (j === purpose ? null : v)) }, { r: first }], categories);
    const column = table.columns[purpose];
    column.codes[0] = column.categories.push('A4711') - 1;
    const x = encodeFeatures(table, byName.features, 'missing');
    const margins = new Predictor(byName.ensemble).predictMargins(x, 3);
    assert.equal(margins[0], margins[1]);
    assert.notEqual(margins[0], margins[2], 'the known name scores otherwise');
});
test('an unknown name scores as XGBoost scores it through pandas (code -1: missing), on every categorical feature', () => {
    const given = JSON.parse(readFileSync(fixturePath('xgboost', 'categorical.unknown_names.json'), 'utf8'));
    const byName = importXgboost(raw, { categories });
    const data = {};
    fixture.feature_names.forEach((name, j) => {
        data[name] = categories[name]
            ? given.rows.map((r) => r[j])
            : given.rows.map((r) => (r[j] === null ? NaN : r[j]));
    });
    const counts = new Float64Array(byName.features.length);
    const x = encodeFeatures(tableFromColumns('unknown', data), byName.features, 'missing', counts);
    const margins = new Predictor(byName.ensemble).predictMargins(x, given.rows.length);
    given.margin.forEach((expected, k) => assert.ok(Math.abs(margins[k] - expected) <= VS_XGBOOST_MARGIN, `row ${k} (${given.unknown[k]} unknown): ${margins[k]} vs XGBoost ${expected}`));
    byName.features.forEach((f, j) => assert.equal(counts[j], given.unknown.filter((u) => u === f.name).length, f.name));
});
test('names that cannot belong to the model are refused, naming the feature', () => {
    const cases = [
        [{ nope: ['a'] }, 'categories.nope', /not a feature/],
        [{ age_years: ['a'] }, 'categories.age_years', /numeric feature/],
        [{ purpose: categories.purpose.slice(0, 3) }, 'categories.purpose', /lists 3 names but the model's splits use code/],
        [{ purpose: [...categories.purpose.slice(0, 9), 'A40'] }, 'categories.purpose', /"A40" twice/],
        [{ purpose: [] }, 'categories.purpose', /non-empty list/],
        [{ purpose: [...categories.purpose.slice(0, 9), null] }, 'categories.purpose', /must be a category name/],
    ];
    for (const [given, field, message] of cases) {
        assert.throws(() => importXgboost(raw, { categories: given }), (e) => e instanceof FraudlensError && e.code === 'INPUT_INVALID' && e.location.field === field && message.test(e.message), JSON.stringify(given).slice(0, 80));
    }
});
test('CLI: import --categories, then predict on names scores like predict on codes', async () => {
    const work = mkdtempSync(join(tmpdir(), 'fraudlens-xgb-cats-'));
    const named = await runCli([
        'import',
        '--from',
        'xgboost',
        '--model',
        MODEL_PATH,
        '--categories',
        CATEGORIES_PATH,
        '--out',
        join(work, 'named'),
    ]);
    assert.equal(named.code, 0, named.stderr);
    assert.match(named.stdout, /13 categorical by name/);
    const csv = (byName) => {
        const lines = [fixture.feature_names.join(',')];
        for (const { r } of known) {
            lines.push(r
                .map((v, j) => v === null
                ? ''
                : byName && categories[fixture.feature_names[j]]
                    ? categories[fixture.feature_names[j]][v]
                    : String(v))
                .join(','));
        }
        return `${lines.join('\n')}\n`;
    };
    writeFileSync(join(work, 'names.csv'), csv(true));
    writeFileSync(join(work, 'codes.csv'), csv(false));
    const a = await runCli([
        'predict',
        '--model',
        join(work, 'named', 'model.json'),
        '--data',
        join(work, 'names.csv'),
        '--out',
        join(work, 'a.csv'),
    ]);
    const b = await runCli(['predict', '--model', MODEL_PATH, '--data', join(work, 'codes.csv'), '--out', join(work, 'b.csv')]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(readFileSync(join(work, 'a.csv'), 'utf8'), readFileSync(join(work, 'b.csv'), 'utf8'));
    writeFileSync(join(work, 'bad.json'), JSON.stringify({ purpose: ['A40'] }));
    const bad = await runCli([
        'import',
        '--from',
        'xgboost',
        '--model',
        MODEL_PATH,
        '--categories',
        join(work, 'bad.json'),
        '--out',
        join(work, 'bad'),
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^fraudlens: error INPUT_INVALID: .*bad\.json.*purpose/);
});
//# sourceMappingURL=xgboost-categories.test.js.map