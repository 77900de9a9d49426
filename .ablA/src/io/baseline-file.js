/**
 * Loading and saving `drift_baseline.json`, and the whole "baseline for a model from a CSV file"
 * step behind `fraudlens baseline --model FILE --data FILE.csv[.gz] --out FILE`. Saving is atomic
 * (writeFileAtomic), so a crash mid-write leaves the previous baseline, never a broken one.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FraudlensError } from '../core/errors.js';
import { BASELINE_FILE_NAME, buildBaseline, serializeBaseline } from '../core/drift/baseline.js';
import { parseBaseline } from '../core/drift/baseline-validation.js';
import { writeFileAtomic } from './atomic.js';
import { featureColumnTypes, readCsv } from './csv.js';
/**
 * Where a model's baseline lives: `drift_baseline.json` in the model file's directory.
 * @param modelPath path of the model file
 * @example baselinePathFor('models/demo/model.json') // 'models/demo/drift_baseline.json'
 */
export function baselinePathFor(modelPath) {
    return join(dirname(modelPath), BASELINE_FILE_NAME);
}
/**
 * Reads and validates a baseline file. INPUT_UNREADABLE when the file cannot be read;
 * BASELINE_INVALID (naming the file and the field) when it is malformed or does not fit the model.
 * @param path the baseline file
 * @param model when given, the model it must describe
 */
export async function loadBaseline(path, model) {
    let text;
    try {
        text = await readFile(path, 'utf8');
    }
    catch (err) {
        const code = err.code ?? err.message;
        throw new FraudlensError('INPUT_UNREADABLE', `cannot read the drift baseline (${code}); build one with "fraudlens baseline"`, { file: path });
    }
    try {
        return parseBaseline(text, model);
    }
    catch (err) {
        if (err instanceof FraudlensError)
            throw new FraudlensError(err.code, err.message, { ...err.location, file: path });
        throw err;
    }
}
/**
 * Writes a baseline file atomically.
 * @param path destination (usually baselinePathFor(modelPath))
 * @param baseline the baseline to save
 */
export async function saveBaseline(path, baseline) {
    await writeFileAtomic(path, serializeBaseline(baseline));
}
/**
 * Reads the reference data, builds the baseline and (when outPath is given) saves it atomically.
 * @param options model, data file, destination, and the baseline options (bins, reservoir size, seed)
 * @example await baselineFromCsv({ model, dataPath: 'data/train.csv.gz', outPath: baselinePathFor(modelPath) });
 */
export async function baselineFromCsv(options) {
    const { model, dataPath, outPath, csv, ...baselineOptions } = options;
    const table = await readCsv(dataPath, {
        ...csv,
        only: model.features.map((f) => f.name),
        types: featureColumnTypes(model.features),
    });
    const baseline = buildBaseline(table, model, baselineOptions);
    if (outPath !== undefined)
        await saveBaseline(outPath, baseline);
    return baseline;
}
//# sourceMappingURL=baseline-file.js.map