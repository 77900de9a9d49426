/**
 * `trainModel`: from a table with a 0/1 label column to a complete fraudlens model (ensemble,
 * feature schema with statistics, decision thresholds, training metadata). It validates the
 * data with located errors, bins the features, runs the booster and scores the validation rows.
 * No file I/O and no console: the CLI reads the CSV, draws the progress bar and writes the file.
 *
 * Parameter names and defaults follow XGBoost (`trees` = num_boost_round, `learningRate` = eta,
 * `colsample` = colsample_bytree, …) so a model can be compared with `xgb.train` one to one.
 * Validation rows, when asked for with `validFraction`, are drawn as `validSplit` says
 * (holdout.ts): by default a seeded stratified draw, or the latest rows by a time column, or the
 * file's last rows. A validation set without both classes is refused (INPUT_ONE_CLASS), one with
 * few positives gives a warning in the summary. The options, their defaults and their checks are
 * in options.ts.
 */
import { FraudlensError } from '../errors.js';
import { buildEnsemble } from '../engine/ensemble.js';
import { DEFAULT_THRESHOLDS } from '../engine/model.js';
import { binColumns, fitBinnings } from './binning.js';
import { MAX_PACKED_ROWS } from './histogram.js';
import { boost } from './boost.js';
import { calibrationTable, confusionAt, evaluateScores, validationCurves, } from './metrics.js';
import { DEFAULT_BASE_SCORE, invalid, optionName, resolveGoss, resolveNumbers } from './options.js';
import { Rng } from './random.js';
import { DEFAULT_VALID_SPLIT, lastRowsHoldOut, MIN_VALIDATION_POSITIVES, readTimes, reorderRows, stratifiedHoldOut, timeHoldOut, VALID_SPLITS, } from './holdout.js';
import { chooseThresholds } from './thresholds.js';
/** INPUT_ONE_CLASS unless `labels` hold both classes; `what` names the rows, `field` the option. */
function requireBothClasses(labels, what, advice, location) {
    let positives = 0;
    for (let i = 0; i < labels.length; i++)
        positives += labels[i];
    if (positives === 0 || positives === labels.length) {
        throw new FraudlensError('INPUT_ONE_CLASS', `the ${labels.length} ${what} are all ${positives === 0 ? '0' : '1'} (${positives} positive, ${labels.length - positives} negative); ${advice}`, location);
    }
    return positives;
}
function requireNamed(table, name, what) {
    const i = table.names.indexOf(name);
    if (i < 0) {
        const shown = table.names.slice(0, 12).join(', ') + (table.names.length > 12 ? ', …' : '');
        throw new FraudlensError('INPUT_MISSING_COLUMN', `missing ${what} column "${name}" (the file has: ${shown})`, {
            file: table.source,
            column: name,
        });
    }
    return i;
}
/** Labels of rows [from, to) as 0/1, or INPUT_BAD_LABEL naming the first bad row. */
function readLabels(table, name, from, to) {
    const col = table.columns[requireNamed(table, name, 'label')];
    const out = new Uint8Array(to - from);
    const bad = (row, shown) => {
        throw new FraudlensError('INPUT_BAD_LABEL', `label ${shown} is not 0 or 1`, {
            file: table.source,
            row: row + 1,
            column: name,
        });
    };
    if (col.kind === 'numeric') {
        for (let i = from; i < to; i++) {
            const v = col.values[i];
            if (v === 0 || v === 1)
                out[i - from] = v;
            else
                bad(i, Number.isNaN(v) ? '(missing)' : String(v));
        }
    }
    else {
        const asLabel = col.categories.map((c) => (Number(c.trim()) === 0 && c.trim() !== '' ? 0 : Number(c.trim()) === 1 ? 1 : -1));
        for (let i = from; i < to; i++) {
            const c = col.codes[i];
            const v = c < 0 ? -1 : asLabel[c];
            if (v < 0)
                bad(i, c < 0 ? '(missing)' : `"${col.categories[c]}"`);
            out[i - from] = v;
        }
    }
    return out;
}
/** Count, sum, min and max of the non-missing values, written to out[0 … 3]. */
function moments(values, out) {
    let count = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v !== v)
            continue;
        count++;
        sum += v;
        if (v < min)
            min = v;
        if (v > max)
            max = v;
    }
    out[0] = count;
    out[1] = sum;
    out[2] = min;
    out[3] = max;
}
function squaredDeviations(values, mean) {
    let sq = 0;
    for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v === v)
            sq += (v - mean) * (v - mean);
    }
    return sq;
}
function numericStats(values) {
    const m = new Float64Array(4);
    moments(values, m);
    const count = m[0];
    const mean = m[1] / count;
    const std = Math.sqrt(squaredDeviations(values, mean) / count);
    return { count, missingRate: 1 - count / values.length, min: m[2], max: m[3], mean, std };
}
function categoricalStats(codes, numCategories) {
    const counts = new Float64Array(numCategories);
    let count = 0;
    for (let i = 0; i < codes.length; i++) {
        if (codes[i] < 0)
            continue;
        counts[codes[i]]++;
        count++;
    }
    // Shares of all training rows, so frequencies plus missingRate add up to 1.
    return { count, missingRate: 1 - count / codes.length, frequencies: Array.from(counts, (c) => c / codes.length) };
}
function firstText(col) {
    if (col.kind !== 'categorical')
        return '';
    for (let i = 0; i < col.codes.length; i++)
        if (col.codes[i] >= 0)
            return col.categories[col.codes[i]];
    return '';
}
function prepareFeature(table, name, nTrain, forceCategorical, maxCategories) {
    const col = table.columns[table.names.indexOf(name)];
    const allMissing = () => {
        throw new FraudlensError('INPUT_ALL_MISSING', `feature column "${name}" has no value in the ${nTrain} training rows (drop it or fill it)`, { file: table.source, column: name });
    };
    if (col.kind === 'numeric' && !forceCategorical) {
        const values = col.values.subarray(0, nTrain);
        const stats = numericStats(values);
        if (stats.count === 0)
            allMissing();
        return {
            spec: { name, type: 'numeric', stats },
            train: { kind: 'numeric', values },
            forValid: (vcol, vtable) => {
                if (vcol.kind !== 'numeric') {
                    throw new FraudlensError('INPUT_NOT_A_NUMBER', `value "${firstText(vcol)}" of numeric feature "${name}" is not a number`, { file: vtable.source, column: name });
                }
                return { kind: 'numeric', values: vcol.values };
            },
        };
    }
    // Categorical: the model's categories are the column's, in order of first appearance.
    let categories;
    let codes;
    if (col.kind === 'categorical') {
        categories = col.categories;
        codes = col.codes;
    }
    else {
        categories = [];
        const index = new Map();
        codes = new Int32Array(col.values.length);
        for (let i = 0; i < col.values.length; i++) {
            const v = col.values[i];
            if (Number.isNaN(v)) {
                codes[i] = -1;
                continue;
            }
            const key = String(v);
            let c = index.get(key);
            if (c === undefined) {
                c = categories.length;
                categories.push(key);
                index.set(key, c);
            }
            codes[i] = c;
        }
    }
    if (categories.length > maxCategories) {
        throw new FraudlensError('INPUT_INVALID', `categorical feature "${name}" has ${categories.length} distinct values, more than the ${maxCategories} allowed; an identifier? drop it (--drop) or raise ${optionName('maxCategories')}`, { file: table.source, column: name });
    }
    const trainCodes = codes.subarray(0, nTrain);
    const stats = categoricalStats(trainCodes, categories.length);
    if (stats.count === 0)
        allMissing();
    const index = new Map();
    categories.forEach((c, k) => index.set(c, k));
    return {
        spec: { name, type: 'categorical', categories, stats },
        train: { kind: 'categorical', codes: trainCodes, numCategories: categories.length },
        forValid: (vcol) => {
            // Categories unknown to the model become missing, as they do at inference in "missing" mode.
            const out = new Int32Array(vcol.kind === 'numeric' ? vcol.values.length : vcol.codes.length);
            if (vcol.kind === 'numeric') {
                for (let i = 0; i < out.length; i++)
                    out[i] = Number.isNaN(vcol.values[i]) ? -1 : (index.get(String(vcol.values[i])) ?? -1);
            }
            else {
                const translate = vcol.categories.map((c) => index.get(c) ?? -1);
                for (let i = 0; i < out.length; i++)
                    out[i] = vcol.codes[i] < 0 ? -1 : translate[vcol.codes[i]];
            }
            return { kind: 'categorical', codes: out, numCategories: categories.length };
        },
    };
}
/** FNV-1a over the trees' numbers: a short, deterministic fingerprint for the version string. */
function fingerprint(parts) {
    let h = 0x811c9dc5;
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    for (const arr of parts) {
        for (let i = 0; i < arr.length; i++) {
            f32[0] = arr[i];
            let x = u32[0];
            for (let b = 0; b < 4; b++) {
                h ^= x & 0xff;
                h = Math.imul(h, 0x01000193);
                x >>>= 8;
            }
        }
    }
    return (h >>> 0).toString(16).padStart(8, '0').slice(0, 6);
}
/**
 * Trains a fraud model on a table.
 *
 * @param data the training data (and validation rows when `validFraction` is set)
 * @param options label, features and XGBoost-style parameters
 * @param progress called after each boosting round (round, total, validation metrics)
 * @returns the model and a summary for reports
 * @example
 *   const table = await readCsv('transactions.csv.gz');
 *   const { model, summary } = trainModel(table, { label: 'Class', validFraction: 0.2, earlyStopping: 20 });
 */
export function trainModel(data, options, progress) {
    const num = resolveNumbers(options);
    // The held-out split may reorder the rows (training rows first); everything below reads `table`.
    let table = data;
    const stoppingMetric = options.stoppingMetric ?? 'logloss';
    if (stoppingMetric !== 'logloss' && stoppingMetric !== 'pr_auc')
        invalid('stoppingMetric', `must be "logloss" or "pr_auc", got ${JSON.stringify(stoppingMetric)}`);
    if (options.baseScore !== undefined && !(options.baseScore > 0 && options.baseScore < 1))
        invalid('baseScore', `must be a probability in (0, 1), got ${options.baseScore}`);
    if (typeof options.label !== 'string' || options.label === '')
        invalid('label', 'must name the label column');
    if (table.numRows === 0)
        throw new FraudlensError('INPUT_EMPTY', 'the table holds no data rows', { file: table.source });
    requireNamed(table, options.label, 'label');
    const drop = new Set(options.drop ?? []);
    for (const d of drop)
        requireNamed(table, d, 'dropped');
    const forceCat = new Set(options.categorical ?? []);
    for (const c of forceCat)
        requireNamed(table, c, 'categorical');
    const featureNames = table.names.filter((n) => n !== options.label && !drop.has(n));
    if (featureNames.length === 0)
        throw new FraudlensError('INPUT_INVALID', 'no feature columns are left once the label and dropped columns are removed', {
            file: table.source,
        });
    const validSplit = options.validSplit ?? DEFAULT_VALID_SPLIT;
    if (!VALID_SPLITS.includes(validSplit))
        invalid('validSplit', `must be one of ${VALID_SPLITS.join(', ')}, got ${JSON.stringify(validSplit)}`);
    if (validSplit === 'time' && options.valid === undefined && num.validFraction > 0) {
        if (typeof options.timeColumn !== 'string' || options.timeColumn === '')
            invalid('timeColumn', 'must name the time column when validSplit is "time"');
        requireNamed(table, options.timeColumn, 'time');
    }
    else if (options.timeColumn !== undefined) {
        invalid('timeColumn', `${optionName('timeColumn')} is used only by validSplit "time" with a validFraction`);
    }
    const hasValidation = options.valid !== undefined || num.validFraction > 0;
    if (num.earlyStopping > 0 && !hasValidation) {
        invalid('earlyStopping', `${optionName('earlyStopping')} needs validation rows: give ${optionName('valid')} or ${optionName('validFraction')}`);
    }
    const rng = new Rng(num.seed);
    // Held-out validation rows: the table is reordered so that training rows come first. Labels
    // (and times) are read on the file's order first, so that errors name the file's rows.
    let heldOut = null;
    if (options.valid === undefined && num.validFraction > 0) {
        const fraction = num.validFraction;
        if (validSplit === 'last')
            heldOut = lastRowsHoldOut(table.numRows, fraction);
        else {
            const allLabels = readLabels(table, options.label, 0, table.numRows);
            requireBothClasses(allLabels, `labels of ${table.source}`, 'training needs both classes', {
                file: table.source,
                column: options.label,
            });
            heldOut =
                validSplit === 'stratified'
                    ? stratifiedHoldOut(allLabels, fraction, rng.fork(30))
                    : timeHoldOut(readTimes(table, options.timeColumn, optionName('timeColumn')), fraction);
            table = reorderRows(table, heldOut.order, [options.label, ...featureNames]);
        }
    }
    const nValidHere = heldOut?.validRows ?? 0;
    const nTrain = table.numRows - nValidHere;
    if (nTrain < 2)
        throw new FraudlensError('INPUT_EMPTY', `only ${nTrain} training row(s) remain after holding out validation rows`, {
            file: table.source,
        });
    if (heldOut !== null && nValidHere < 1) {
        throw new FraudlensError('INPUT_EMPTY', `validFraction ${num.validFraction} of ${table.numRows} rows leaves no validation row`, { file: table.source });
    }
    if (nTrain > MAX_PACKED_ROWS) {
        throw new FraudlensError('INPUT_INVALID', `${nTrain} training rows is more than the ${MAX_PACKED_ROWS} one model can learn from; sample the data`, { file: table.source });
    }
    const goss = resolveGoss(options.goss, nTrain);
    const labels = readLabels(table, options.label, 0, nTrain);
    const positives = requireBothClasses(labels, heldOut !== null
        ? `training labels left after holding out ${nValidHere} validation rows (${validSplit} split)`
        : 'training labels', 'training needs both classes', { file: table.source, column: options.label });
    const prepared = featureNames.map((name) => prepareFeature(table, name, nTrain, forceCat.has(name), num.maxCategories));
    // Validation rows: an explicit table, or the held-out rows (the tail once reordered).
    let validColumns = null;
    let validLabels = null;
    let validPositives = 0;
    const warnings = [];
    if (options.valid !== undefined) {
        const vt = options.valid;
        if (vt.numRows === 0)
            throw new FraudlensError('INPUT_EMPTY', 'the validation table holds no data rows', { file: vt.source });
        validLabels = readLabels(vt, options.label, 0, vt.numRows);
        validPositives = requireBothClasses(validLabels, `validation labels of ${vt.source}`, 'validation metrics and the decision thresholds need both classes', { file: vt.source, column: options.label, field: 'valid' });
        validColumns = prepared.map((p) => p.forValid(vt.columns[requireNamed(vt, p.spec.name, 'feature')], vt));
    }
    else if (nValidHere > 0) {
        validLabels = readLabels(table, options.label, nTrain, table.numRows);
        validPositives = requireBothClasses(validLabels, `validation rows held out by ${optionName('validFraction')} ${num.validFraction} with the ${validSplit} split`, validSplit === 'stratified'
            ? `raise ${optionName('validFraction')} or give ${optionName('valid')}`
            : `use validSplit "stratified" (--split stratified), or give ${optionName('valid')}`, { file: table.source, column: options.label, field: 'validFraction' });
        validColumns = prepared.map((p) => {
            const whole = p.forValid(table.columns[table.names.indexOf(p.spec.name)], table);
            return whole.kind === 'numeric'
                ? { kind: 'numeric', values: whole.values.subarray(nTrain) }
                : { kind: 'categorical', codes: whole.codes.subarray(nTrain), numCategories: whole.numCategories };
        });
    }
    if (validLabels !== null && validPositives < MIN_VALIDATION_POSITIVES) {
        warnings.push(`only ${validPositives} positive validation row(s), fewer than ${MIN_VALIDATION_POSITIVES}: the validation metrics and the thresholds chosen on them are noisy`);
    }
    const binnings = fitBinnings(prepared.map((p) => p.train), {
        maxBins: num.maxBins,
        maxCategoryBins: num.maxCategoryBins,
        sampleRows: num.binSampleRows,
        minCategoryCount: num.minCategoryCount,
    }, rng.fork(10));
    const binned = binColumns(prepared.map((p) => p.train), binnings);
    const validBinned = validColumns !== null ? binColumns(validColumns, binnings) : null;
    const params = {
        trees: num.trees,
        maxDepth: num.maxDepth,
        learningRate: num.learningRate,
        minChildWeight: num.minChildWeight,
        lambda: num.lambda,
        gamma: num.gamma,
        subsample: num.subsample,
        colsample: num.colsample,
        scalePosWeight: num.scalePosWeight,
        baseScore: options.baseScore ?? DEFAULT_BASE_SCORE,
        earlyStoppingRounds: num.earlyStopping,
        stoppingMetric,
        goss,
        maxCatThreshold: num.maxCatThreshold,
    };
    const result = boost(binned, labels, params, rng.fork(20), validBinned !== null && validLabels !== null ? { binned: validBinned, labels: validLabels } : null, progress);
    const ensemble = buildEnsemble(prepared.length, result.baseMargin, result.trees);
    let thresholds = DEFAULT_THRESHOLDS;
    let validation;
    let calibration;
    let curves;
    if (result.validMargin !== null && validLabels !== null) {
        const vm = result.validMargin;
        const probs = new Float64Array(vm.length);
        for (let i = 0; i < vm.length; i++)
            probs[i] = 1 / (1 + Math.exp(-vm[i]));
        thresholds = chooseThresholds(probs, validLabels, { targetPrecision: num.targetPrecision, targetRecall: num.targetRecall });
        const metrics = evaluateScores(probs, validLabels);
        const at = (t) => {
            const c = confusionAt(probs, validLabels, t);
            return { threshold: t, precision: c.precision, recall: c.recall, f1: c.f1 };
        };
        validation = { ...metrics, review: at(thresholds.review), decline: at(thresholds.decline) };
        calibration = calibrationTable(probs, validLabels);
        // For the dashboard's ROC / PR charts and confusion matrices.
        curves = {
            ...validationCurves(probs, validLabels),
            confusion: {
                review: confusionAt(probs, validLabels, thresholds.review),
                decline: confusionAt(probs, validLabels, thresholds.decline),
            },
        };
    }
    const importance = prepared
        .map((p, f) => ({ feature: p.spec.name, gain: result.gain[f], splits: result.splitCount[f] }))
        .filter((x) => x.splits > 0)
        .sort((a, b) => b.gain - a.gain || a.feature.localeCompare(b.feature));
    const createdAt = options.createdAt === undefined ? new Date() : new Date(options.createdAt);
    if (Number.isNaN(createdAt.getTime()))
        invalid('createdAt', `is not a date: ${JSON.stringify(options.createdAt)}`);
    const createdIso = createdAt.toISOString();
    const version = `${options.name ?? 'model'}-${createdIso.slice(0, 10)}-${fingerprint([ensemble.value, ensemble.threshold, ensemble.feature])}`;
    const parameters = {
        ...num,
        stoppingMetric,
        baseScore: params.baseScore,
        baseMarginRule: 'logit(baseScore)',
        goss,
        ...(heldOut !== null ? { validSplit, ...(validSplit === 'time' ? { timeColumn: options.timeColumn } : {}) } : {}),
        drop: [...drop],
        categorical: prepared.filter((p) => p.spec.type === 'categorical').map((p) => p.spec.name),
    };
    const training = {
        source: 'fraudlens train',
        createdAt: createdIso,
        data: {
            ...(options.dataPath !== undefined ? { path: options.dataPath } : {}),
            rows: nTrain,
            positives,
            label: options.label,
        },
        parameters,
        ...(validation !== undefined
            ? {
                metrics: {
                    roc_auc: validation.roc_auc,
                    pr_auc: validation.pr_auc,
                    logloss: validation.logloss,
                    brier: validation.brier,
                    rows: validation.rows,
                    positives: validation.positives,
                },
            }
            : {}),
        extra: {
            roundsRun: result.roundsRun,
            trees: result.bestRound,
            stoppedEarly: result.stoppedEarly,
            importance,
            ...(calibration !== undefined ? { calibration } : {}),
            ...(curves !== undefined ? { curves } : {}),
        },
    };
    const model = {
        version,
        objective: 'binary:logistic',
        features: prepared.map((p) => p.spec),
        ensemble,
        thresholds,
        training,
    };
    const summary = {
        trainRows: nTrain,
        trainPositives: positives,
        validRows: validLabels?.length ?? 0,
        validPositives,
        features: prepared.length,
        roundsRun: result.roundsRun,
        trees: result.bestRound,
        stoppedEarly: result.stoppedEarly,
        baseMargin: result.baseMargin,
        ...(validation !== undefined ? { validation } : {}),
        ...(calibration !== undefined ? { calibration } : {}),
        thresholds,
        importance,
        history: result.history,
        warnings,
    };
    return { model, summary };
}
//# sourceMappingURL=train.js.map