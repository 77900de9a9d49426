/**
 * `fraudlens baseline --model FILE --data FILE.csv[.gz] --out FILE`: the drift baseline of a model
 * (for imported models; trained ones get it at training time).
 * `fraudlens drift --baseline FILE --data FILE.csv[.gz] [--model FILE] [--json] [--html F]`: the
 * drift report of a batch of production rows against a baseline, offline.
 */
import { dirname, join } from 'node:path';
import { Predictor } from '../../core/engine/predict.js';
import { unknownAsMissing } from '../../core/data/table.js';
import { buildDriftReport } from '../../core/drift/index.js';
import { baselineFromCsv, loadBaseline } from '../../io/baseline-file.js';
import { MODEL_FILE_NAME, readModelFile } from '../../io/model-file.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { loadScoringData } from '../data.js';
import { csvReadOptions, delimiterOption, nonNegativeInt, numberIn, positiveInt } from '../options.js';
import { driftVerdict, renderDriftHtml } from '../drift-html.js';
export function registerDrift(program) {
    program
        .command('baseline')
        .description('build the drift baseline of a model from reference data (its training data)')
        .requiredOption('--model <file>', 'a fraudlens model or an XGBoost JSON model')
        .requiredOption('--data <file>', 'reference CSV or CSV.gz with the model features')
        .requiredOption('--out <file>', 'where to write the baseline (usually drift_baseline.json beside the model)')
        .option('--bins <n>', 'quantile bins per numeric feature', positiveInt('--bins'))
        .option('--reservoir <n>', 'rows kept as a sample for sample-based tests', positiveInt('--reservoir'))
        .option('--seed <n>', 'seed of the sample', nonNegativeInt('--seed'), 0)
        .addOption(delimiterOption())
        .action(async (opts) => {
        const { model } = await readModelFile(opts.model);
        const baseline = await baselineFromCsv({
            model,
            dataPath: opts.data,
            outPath: opts.out,
            bins: opts.bins,
            reservoirSize: opts.reservoir,
            seed: opts.seed,
            csv: csvReadOptions(opts),
        });
        process.stderr.write(`baseline of ${baseline.rows} rows, ${baseline.features.length} features → ${opts.out}\n`);
    });
    program
        .command('drift')
        .description('compare a batch of rows with a drift baseline, per feature and on the score')
        .requiredOption('--baseline <file>', 'drift_baseline.json')
        .requiredOption('--data <file>', 'current rows: CSV or CSV.gz with the model features')
        .option('--model <file>', 'the model (default: model.json beside the baseline)')
        .option('--share <f>', 'share of drifted features that makes dataset drift', numberIn('--share', 0, 1, { minExclusive: true }), 0.5)
        .option('--json', 'print the report as one JSON object')
        .option('--html <file>', 'also write a self-contained HTML report with charts')
        .addOption(delimiterOption())
        .action(async (opts) => {
        const { model } = await readModelFile(opts.model ?? join(dirname(opts.baseline), MODEL_FILE_NAME));
        const baseline = await loadBaseline(opts.baseline, model);
        // Categories the model never saw are counted as new categories (in the baseline's "other"
        // bucket for the tests) and scored as missing values, as predict and the API score them.
        const data = await loadScoringData(opts.data, model, [], 'other', csvReadOptions(opts));
        const scores = new Predictor(model.ensemble).predictProba(unknownAsMissing(data.matrix, model.features), data.rows);
        // Every row counted; the sample-based tests see a uniform sample of the baseline's reservoir size (seed 0).
        const report = buildDriftReport(baseline, { values: data.matrix, scores, rows: data.rows }, { share: opts.share });
        if (opts.html)
            await writeFileAtomic(opts.html, renderDriftHtml(report, { data: opts.data, baseline: opts.baseline }));
        if (opts.json) {
            process.stdout.write(`${JSON.stringify(report)}\n`);
            return;
        }
        process.stdout.write(`${describeReport(report)}\n`);
    });
}
export function describeReport(r) {
    // The same verdict as the HTML report's banner: a drifted score is news without dataset drift too.
    const verdict = driftVerdict(r);
    const loud = verdict.state === 'drift' || verdict.state === 'prediction';
    const lines = [
        `${r.rows} rows against a baseline of ${r.baseline_rows}: ${loud ? verdict.title.toUpperCase() : verdict.title.toLowerCase()}: ${verdict.detail}`,
        `score distribution: ${r.prediction_drift.not_enough_data ? 'not enough data' : `${r.prediction_drift.test} ${fmt(r.prediction_drift.statistic)}${r.prediction_drift.drifted ? ' — DRIFTED' : ''}`}`,
        'feature                  test           statistic   p-value     threshold  verdict',
        ...r.features.map((f) => `${f.feature.padEnd(24)} ${f.test.padEnd(14)} ${fmt(f.statistic).padEnd(11)} ${fmt(f.p_value).padEnd(11)} ${String(f.threshold).padEnd(10)} ${f.not_enough_data ? 'not enough data' : f.drifted ? 'DRIFTED' : 'ok'}`),
        ...r.features
            .filter((f) => (f.current.new_categories ?? 0) > 0)
            .map((f) => `${f.feature}: ${f.current.new_categories} rows (${((100 * f.current.new_categories) / Math.max(1, r.rows)).toFixed(1)}%) in categories the model does not know`),
    ];
    return lines.join('\n');
}
function fmt(v) {
    return v === null ? '—' : Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2);
}
//# sourceMappingURL=drift.js.map