/**
 * `fraudlens train --data FILE.csv[.gz] --label COL --out DIR [options]`: trains a model, writes
 * DIR/model.json and DIR/drift_baseline.json, prints a summary (with --json the last line is one
 * JSON object). Warnings (e.g. few validation positives) go to stderr and, with --json, into the
 * object's `warnings`. Flag combinations are checked before the data is read.
 */
import { SingleBar, Presets } from 'cli-progress';
import { FraudlensError } from '../../core/errors.js';
import { DEFAULT_VALID_SPLIT, MIN_VALIDATION_POSITIVES, trainModel, TRAIN_DEFAULTS, VALID_SPLITS, } from '../../core/training/index.js';
import { readCsv } from '../../io/csv.js';
import { saveModelFile } from '../../io/model-file.js';
import { writeTrainingBaseline } from '../baseline.js';
import { csvReadOptions, delimiterOption, nameList, nonNegativeInt, numberIn, positiveInt, } from '../options.js';
import { POSITIVE_LABEL_HELP, prepareLabel } from '../labels.js';
import { refuseUnsuitableColumns } from '../feature-columns.js';
import { loadDefinitionsFile } from '../../io/feature-definitions-file.js';
import { definitionsHash } from '../../core/features/definitions.js';
import { deriveToTemporaryFile } from '../feature-file.js';
function validSplit(text) {
    const found = VALID_SPLITS.find((s) => s === text);
    if (found === undefined)
        throw new FraudlensError('INPUT_INVALID', `--split must be one of ${VALID_SPLITS.join(', ')}, got "${text}"`, {
            field: '--split',
        });
    return found;
}
/** Flag combinations that cannot work, refused before any file is read. */
function checkCombinations(flags) {
    const refuse = (field, message) => {
        throw new FraudlensError('INPUT_INVALID', message, { field });
    };
    if (flags.valid !== undefined && flags.validFraction !== undefined)
        refuse('--valid', 'give either --valid or --valid-fraction, not both');
    if (flags.earlyStopping > 0 && flags.valid === undefined && flags.validFraction === undefined) {
        refuse('--early-stopping', '--early-stopping needs validation rows: add --valid FILE or --valid-fraction F');
    }
    if (flags.split !== undefined && flags.validFraction === undefined) {
        refuse('--split', flags.valid !== undefined
            ? '--split chooses the rows --valid-fraction holds out; it has no effect with --valid FILE'
            : '--split chooses the rows --valid-fraction holds out: add --valid-fraction F');
    }
    if (flags.split === 'time' && flags.timeColumn === undefined)
        refuse('--time-column', '--split time needs --time-column COL (the column whose latest values form validation)');
    if (flags.timeColumn !== undefined && flags.split !== 'time')
        refuse('--time-column', '--time-column is used only with --split time');
}
export function registerTrain(program) {
    program
        .command('train')
        .description('train a gradient-boosted tree model from a CSV file')
        .requiredOption('--data <file>', 'training CSV or CSV.gz with a header')
        .requiredOption('--label <col>', 'the 0/1 label column (1 = fraud)')
        .requiredOption('--out <dir>', 'output directory: DIR/model.json and DIR/drift_baseline.json')
        .option('--trees <n>', 'boosting rounds', positiveInt('--trees'), TRAIN_DEFAULTS.trees)
        .option('--max-depth <d>', 'maximum tree depth', positiveInt('--max-depth'), TRAIN_DEFAULTS.maxDepth)
        .option('--learning-rate <eta>', 'shrinkage of each tree', numberIn('--learning-rate', 0, 1, { minExclusive: true }), TRAIN_DEFAULTS.learningRate)
        .option('--min-child-weight <w>', 'minimum hessian sum in a child', numberIn('--min-child-weight', 0, Infinity), TRAIN_DEFAULTS.minChildWeight)
        .option('--lambda <l2>', 'L2 penalty on leaf values', numberIn('--lambda', 0, Infinity), TRAIN_DEFAULTS.lambda)
        .option('--gamma <g>', 'minimum split gain', numberIn('--gamma', 0, Infinity), TRAIN_DEFAULTS.gamma)
        .option('--subsample <r>', 'share of rows per tree', numberIn('--subsample', 0, 1, { minExclusive: true }), TRAIN_DEFAULTS.subsample)
        .option('--colsample <r>', 'share of features per tree', numberIn('--colsample', 0, 1, { minExclusive: true }), TRAIN_DEFAULTS.colsample)
        .option('--scale-pos-weight <w>', 'weight of positive rows', numberIn('--scale-pos-weight', 0, Infinity, { minExclusive: true }), TRAIN_DEFAULTS.scalePosWeight)
        .option('--max-bins <n>', 'histogram bins per feature', positiveInt('--max-bins'), TRAIN_DEFAULTS.maxBins)
        .option('--seed <n>', 'seed of every random draw', nonNegativeInt('--seed'), 0)
        .option('--drop <cols>', 'columns that are not features (identifiers, timestamps)', nameList('--drop'))
        .option('--categorical <cols>', 'numeric-looking columns to treat as categories', nameList('--categorical'))
        .option('--max-categories <n>', 'refuse a categorical feature with more distinct values (likely an identifier)', positiveInt('--max-categories'), TRAIN_DEFAULTS.maxCategories)
        .option('--valid <file>', 'validation CSV (same columns)')
        .option('--valid-fraction <f>', `hold out this share of the rows for validation (which rows: --split); refused if they miss a class, a warning under ${MIN_VALIDATION_POSITIVES} positives`, numberIn('--valid-fraction', 0, 0.9, { minExclusive: true }))
        .option('--split <how>', `rows --valid-fraction holds out: stratified = a random draw of that share of each class, seeded by --seed (the default, ${DEFAULT_VALID_SPLIT}: safe for a file in any order); time = the latest rows by --time-column (the honest choice to judge a model as it will be deployed); last = the file's last rows`, validSplit)
        .option('--time-column <col>', 'with --split time: the time column (numbers, or ISO 8601 dates such as 2019-01-31 23:59:00)')
        .option('--early-stopping <n>', 'stop after N rounds without validation improvement', nonNegativeInt('--early-stopping'), 0)
        .option('--goss', 'force gradient-based one-side sampling (default: on from 100,000 training rows)')
        .option('--no-goss', 'never use gradient-based one-side sampling')
        .option('--positive-label <value>', POSITIVE_LABEL_HELP)
        .option('--target-precision <p>', 'decline threshold: the highest recall reaching this precision on validation, at the highest score giving it (default 0.9)', numberIn('--target-precision', 0, 1))
        .option('--target-recall <r>', 'review threshold: the highest score keeping this recall on validation (default 0.9)', numberIn('--target-recall', 0, 1))
        .option('--review-threshold <s>', 'override the review threshold', numberIn('--review-threshold', 0, 1))
        .option('--decline-threshold <s>', 'override the decline threshold', numberIn('--decline-threshold', 0, 1))
        .option('--name <prefix>', 'prefix of the model version')
        .option('--no-baseline', 'do not write drift_baseline.json')
        .option('--json', 'quiet; the last line printed is one JSON object')
        .option('--features <file>', 'feature definitions (docs/features.md): --data (and --valid) hold raw events; the model is trained on the derived features and carries the definitions')
        .option('--sort', 'with --features: sort raw files by event time in memory instead of refusing unsorted ones')
        .addOption(delimiterOption())
        .action(async (flags) => {
        checkCombinations(flags);
        if (flags.sort && flags.features === undefined)
            throw new FraudlensError('INPUT_INVALID', '--sort applies to raw files read with --features', { field: '--sort' });
        const forced = {};
        for (const c of flags.categorical ?? [])
            forced[c] = 'categorical';
        const defs = flags.features !== undefined ? await loadDefinitionsFile(flags.features) : undefined;
        const derived = [];
        // With definitions, each raw file is replaced by its derived features (plus the label); the
        // event id and time columns of that file are identifiers, never features.
        const source = async (path) => {
            if (defs === undefined)
                return path;
            const file = await deriveToTemporaryFile(defs, {
                data: path,
                keep: [flags.label],
                sort: flags.sort,
                csv: csvReadOptions(flags),
            });
            derived.push(file);
            return file.path;
        };
        if (defs !== undefined)
            flags.drop = [...(flags.drop ?? []), defs.event.id, defs.event.time.field];
        let table, valid;
        try {
            table = await readCsv(await source(flags.data), { types: forced, ...csvReadOptions(flags) });
            valid =
                flags.valid !== undefined
                    ? await readCsv(await source(flags.valid), { types: forced, ...csvReadOptions(flags) })
                    : undefined;
        }
        finally {
            for (const f of derived)
                await f.remove();
        }
        prepareLabel(table, flags.label, flags.positiveLabel);
        if (valid)
            prepareLabel(valid, flags.label, flags.positiveLabel);
        refuseUnsuitableColumns(table, flags);
        const options = {
            label: flags.label,
            drop: flags.drop,
            categorical: flags.categorical,
            trees: flags.trees,
            maxDepth: flags.maxDepth,
            learningRate: flags.learningRate,
            minChildWeight: flags.minChildWeight,
            lambda: flags.lambda,
            gamma: flags.gamma,
            subsample: flags.subsample,
            colsample: flags.colsample,
            scalePosWeight: flags.scalePosWeight,
            maxBins: flags.maxBins,
            seed: flags.seed,
            valid,
            validFraction: flags.validFraction,
            ...(flags.validFraction !== undefined ? { validSplit: flags.split ?? DEFAULT_VALID_SPLIT } : {}),
            ...(flags.timeColumn !== undefined ? { timeColumn: flags.timeColumn } : {}),
            maxCategories: flags.maxCategories,
            earlyStopping: flags.earlyStopping,
            ...(flags.goss !== undefined ? { goss: flags.goss } : {}),
            targetPrecision: flags.targetPrecision,
            targetRecall: flags.targetRecall,
            name: flags.name,
            dataPath: flags.data,
        };
        const bar = !flags.json && process.stderr.isTTY
            ? new SingleBar({
                format: 'training [{bar}] {value}/{total} trees | ETA {eta_formatted} {metric}',
                hideCursor: true,
                stream: process.stderr,
            }, Presets.shades_classic)
            : null;
        bar?.start(flags.trees, 0, { metric: '' });
        const started = process.hrtime.bigint();
        let result;
        try {
            result = trainModel(table, options, (round, _total, metrics) => {
                const shown = Object.entries(metrics)
                    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
                    .join(' ');
                bar?.update(round, { metric: shown });
            });
        }
        finally {
            bar?.stop();
        }
        const trainSeconds = Number(process.hrtime.bigint() - started) / 1e9;
        const { model, summary } = result;
        for (const w of summary.warnings)
            process.stderr.write(`fraudlens: warning: ${w}\n`);
        if (flags.reviewThreshold !== undefined || flags.declineThreshold !== undefined) {
            const review = flags.reviewThreshold ?? model.thresholds.review;
            const decline = flags.declineThreshold ?? model.thresholds.decline;
            if (review > decline)
                throw new FraudlensError('INPUT_INVALID', `the review threshold (${review}) must not exceed the decline threshold (${decline})`, { field: '--review-threshold' });
            model.thresholds = { review, decline, rule: 'set by --review-threshold / --decline-threshold' };
        }
        if (defs !== undefined)
            model.featureDefinitions = { hash: definitionsHash(defs), definitions: defs };
        const modelPath = await saveModelFile(flags.out, model);
        const baselinePath = flags.baseline ? await writeTrainingBaseline(flags.out, table, model) : null;
        const report = {
            model: modelPath,
            baseline: baselinePath,
            version: model.version,
            train_seconds: Math.round(trainSeconds * 1000) / 1000,
            trees: summary.trees,
            rounds_run: summary.roundsRun,
            stopped_early: summary.stoppedEarly,
            train_rows: summary.trainRows,
            train_positives: summary.trainPositives,
            valid_rows: summary.validRows,
            valid_positives: summary.validPositives,
            ...(flags.validFraction !== undefined ? { valid_split: flags.split ?? DEFAULT_VALID_SPLIT } : {}),
            warnings: summary.warnings,
            thresholds: model.thresholds,
            ...(summary.validation ? { validation: summary.validation } : {}),
            top_features: summary.importance.slice(0, 5).map((f) => f.feature),
        };
        if (flags.json) {
            process.stdout.write(`${JSON.stringify(report)}\n`);
            return;
        }
        const v = summary.validation;
        const lines = [
            `trained ${summary.trees} trees on ${summary.trainRows} rows (${summary.trainPositives} positive) in ${report.train_seconds} s${summary.stoppedEarly ? `, stopped early after ${summary.roundsRun} rounds` : ''}`,
            ...(v
                ? [
                    `validation (${v.rows} rows): ROC-AUC ${v.roc_auc.toFixed(4)}, PR-AUC ${v.pr_auc.toFixed(4)}, log loss ${v.logloss.toFixed(4)}`,
                ]
                : []),
            `thresholds: review ≥ ${model.thresholds.review.toPrecision(4)}, decline ≥ ${model.thresholds.decline.toPrecision(4)} (${model.thresholds.rule ?? ''})`,
            `most important: ${report.top_features.join(', ')}`,
            `model → ${modelPath}${baselinePath ? `\nbaseline → ${baselinePath}` : ''}`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
    });
}
//# sourceMappingURL=train.js.map