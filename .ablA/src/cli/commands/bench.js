/**
 * `fraudlens bench --model FILE --data FILE.csv[.gz] [--rows N] --json`: throughput of batch
 * prediction and batch TreeSHAP, and single-row latency percentiles, on one thread.
 */
import { Predictor, sigmoid } from '../../core/engine/predict.js';
import { TreeExplainer } from '../../core/explanation/treeshap.js';
import { readModelFile } from '../../io/model-file.js';
import { loadScoringData } from '../data.js';
import { positiveInt } from '../options.js';
/** Rows explained in the batch TreeSHAP measurement (as the peer's benchmark does). */
const EXPLAIN_ROWS = 20_000;
const SINGLE_CALLS = 2_000;
const REPEATS = 3;
export function registerBench(program) {
    program
        .command('bench')
        .description('measure batch and single-row speed of prediction and TreeSHAP on this machine')
        .requiredOption('--model <file>', 'a fraudlens model or an XGBoost JSON model')
        .requiredOption('--data <file>', 'CSV or CSV.gz with the model features')
        .option('--rows <n>', 'rows for batch prediction (the data is tiled to reach it)', positiveInt('--rows'))
        .option('--json', 'print one JSON line')
        .action(async (opts) => {
        const { model } = await readModelFile(opts.model);
        const data = await loadScoringData(opts.data, model);
        const m = model.features.length;
        const rows = opts.rows ?? data.rows;
        const x = tile(data.matrix, data.rows, m, rows);
        const t0 = process.hrtime.bigint();
        const predictor = new Predictor(model.ensemble);
        const explainer = new TreeExplainer(model.ensemble, predictor);
        const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
        const margins = new Float64Array(rows);
        const predictSeconds = best(REPEATS, () => predictor.predictMargins(x, rows, margins));
        const explainRows = Math.min(rows, EXPLAIN_ROWS);
        const shap = new Float64Array(explainRows * (m + 1));
        const explainSeconds = best(REPEATS, () => explainer.explainBatch(x, explainRows, shap));
        const row = new Float64Array(m);
        const shapRow = new Float64Array(m + 1);
        const single = latencies(SINGLE_CALLS, data.rows, m, data.matrix, row, () => sigmoid(predictor.predictRowMargin(row)));
        const singleExplain = latencies(SINGLE_CALLS, data.rows, m, data.matrix, row, () => explainer.explainRow(row, shapRow));
        const both = latencies(SINGLE_CALLS, data.rows, m, data.matrix, row, () => {
            sigmoid(predictor.predictRowMargin(row));
            explainer.explainRow(row, shapRow);
        });
        const result = {
            model: opts.model,
            data: opts.data,
            rows,
            features: m,
            trees: model.ensemble.numTrees,
            max_depth: model.ensemble.maxDepth,
            threads: 1,
            node: process.version,
            explainer_setup_ms: round(loadMs, 1),
            explainer_table_mib: round(explainer.tableBytes / 2 ** 20, 1),
            predict_rows_per_s: Math.round(rows / predictSeconds),
            explain_rows: explainRows,
            explain_rows_per_s: Math.round(explainRows / explainSeconds),
            single_predict_p50_us: round(single.p50, 2),
            single_predict_p99_us: round(single.p99, 2),
            single_explain_p50_us: round(singleExplain.p50, 2),
            single_explain_p99_us: round(singleExplain.p99, 2),
            single_predict_explain_p50_us: round(both.p50, 2),
            single_predict_explain_p99_us: round(both.p99, 2),
        };
        if (opts.json)
            process.stdout.write(`${JSON.stringify(result)}\n`);
        else
            for (const [k, v] of Object.entries(result))
                process.stdout.write(`${k.padEnd(32)} ${v}\n`);
    });
}
function tile(x, have, m, want) {
    if (want === have)
        return x;
    const out = new Float32Array(want * m);
    for (let r = 0; r < want; r += have)
        out.set(x.subarray(0, Math.min(have, want - r) * m), r * m);
    return out;
}
/** Best wall time of several runs, after one warm-up run. */
function best(repeats, run) {
    run();
    let bestSeconds = Infinity;
    for (let i = 0; i < repeats; i++) {
        const t = process.hrtime.bigint();
        run();
        bestSeconds = Math.min(bestSeconds, Number(process.hrtime.bigint() - t) / 1e9);
    }
    return bestSeconds;
}
/** Per-call latency percentiles (µs), cycling through the data's rows, after a warm-up. */
function latencies(calls, rows, m, x, row, call) {
    const times = new Float64Array(calls);
    for (let i = 0; i < calls; i++) {
        const r = i % rows;
        for (let j = 0; j < m; j++)
            row[j] = x[r * m + j];
        call();
    }
    for (let i = 0; i < calls; i++) {
        const r = i % rows;
        for (let j = 0; j < m; j++)
            row[j] = x[r * m + j];
        const t = process.hrtime.bigint();
        call();
        times[i] = Number(process.hrtime.bigint() - t) / 1e3;
    }
    times.sort();
    return { p50: times[Math.floor(calls * 0.5)], p99: times[Math.floor(calls * 0.99)] };
}
function round(v, digits) {
    const f = 10 ** digits;
    return Math.round(v * f) / f;
}
//# sourceMappingURL=bench.js.map