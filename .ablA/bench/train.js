/**
 * Training benchmark against the XGBoost reference (`/work/shared/peers/train_xgb.py`): same
 * split (first 80 % of rows train, last 20 % test, file order; or a separate --test file), same
 * parameters (depth 6, eta 0.1, 200 rounds, seed 0), timing of `trainModel` only (the CSV is read before the clock
 * starts, as XGBoost's timing excludes pandas; with --expose-gc the reader's garbage is collected
 * first), wall and CPU seconds, then test ROC-AUC and PR-AUC from the engine's predictor.
 *
 * Usage: node --expose-gc bench/train.js DATA.csv[.gz] --label Class [--test TEST.csv[.gz]] [--only a,b,…]
 *          [--drop a,b] [--categorical a,b]
 *          [--goss auto|on|off|TOP,OTHER] [--base-score 0.5] [--repeat 1] [--option key=value ...]
 * Prints one JSON line per run.
 */
import { readCsv } from '../src/io/csv.js';
import { encodeFeatures } from '../src/core/data/table.js';
import { Predictor } from '../src/core/engine/predict.js';
import { averagePrecision, rocAuc, trainModel } from '../src/core/training/index.js';
function arg(name) {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
}
function slice(table, from, to) {
    const columns = table.columns.map((c) => c.kind === 'numeric'
        ? { kind: 'numeric', values: c.values.subarray(from, to) }
        : { kind: 'categorical', codes: c.codes.subarray(from, to), categories: c.categories });
    return { source: table.source, names: table.names, numRows: to - from, columns };
}
async function main() {
    const path = process.argv[2];
    const label = arg('--label') ?? 'Class';
    const list = (s) => (s ? s.split(',').filter((x) => x !== '') : []);
    const options = { label, drop: list(arg('--drop')), categorical: list(arg('--categorical')) };
    const goss = arg('--goss');
    if (goss === 'on')
        options.goss = true;
    else if (goss === 'off')
        options.goss = false;
    else if (goss !== undefined && goss !== 'auto') {
        const [topRate, otherRate] = goss.split(',').map(Number);
        options.goss = { topRate, otherRate };
    }
    if (arg('--base-score') !== undefined)
        options.baseScore = Number(arg('--base-score'));
    for (let i = 0; i < process.argv.length; i++) {
        if (process.argv[i] !== '--option')
            continue;
        const [k, v] = process.argv[i + 1].split('=');
        options[k] = Number(v);
    }
    const repeat = Number(arg('--repeat') ?? '1');
    const t0 = performance.now();
    const types = {};
    for (const c of options.categorical ?? [])
        types[c] = 'categorical';
    const only = arg('--only') !== undefined ? list(arg('--only')) : undefined;
    const table = await readCsv(path, { types, ...(only !== undefined ? { only } : {}) });
    const loadSeconds = (performance.now() - t0) / 1000;
    // Either a separate test file, or the last 20 % of the rows.
    const testPath = arg('--test');
    const nTest = testPath === undefined ? Math.round(table.numRows * 0.2) : 0;
    const nTrain = table.numRows - nTest;
    const train = slice(table, 0, nTrain);
    const test = testPath === undefined
        ? slice(table, nTrain, table.numRows)
        : await readCsv(testPath, { types, ...(only !== undefined ? { only } : {}) });
    for (let r = 0; r < repeat; r++) {
        globalThis.gc?.();
        const cpu0 = process.cpuUsage();
        const start = performance.now();
        const { model, summary } = trainModel(train, { ...options, createdAt: '2026-01-01T00:00:00Z' });
        const seconds = (performance.now() - start) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const x = encodeFeatures(test, model.features, 'missing');
        const probs = new Predictor(model.ensemble).predictProba(x, test.numRows);
        const labelCol = test.columns[test.names.indexOf(label)];
        const y = new Uint8Array(test.numRows);
        if (labelCol.kind === 'numeric')
            for (let i = 0; i < y.length; i++)
                y[i] = labelCol.values[i];
        console.log(JSON.stringify({
            data: path.split('/').pop(),
            rows: table.numRows,
            trainRows: nTrain,
            testRows: test.numRows,
            options: { ...options, drop: undefined, categorical: undefined },
            goss: model.training.parameters?.goss ?? null,
            loadSeconds: +loadSeconds.toFixed(3),
            trainSeconds: +seconds.toFixed(3),
            trainCpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(3),
            trees: model.ensemble.numTrees,
            nodes: model.ensemble.numNodes,
            baseMargin: +summary.baseMargin.toFixed(4),
            testRocAuc: +rocAuc(probs, y).toFixed(6),
            testPrAuc: +averagePrecision(probs, y).toFixed(6),
        }));
    }
}
main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
});
//# sourceMappingURL=train.js.map