/**
 * Reading and writing model files: the one reader every command and the server use. A path may
 * hold a fraudlens model or an XGBoost JSON model; the document's shape tells which. The reader
 * also fingerprints the file's bytes (SHA-256) so operators can tell which file is live. Writes
 * are atomic so a crash never leaves half a model.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FraudlensError } from '../core/errors.js';
import { modelFromJson, serializeModel } from '../core/engine/model.js';
import { importXgboost, isXgboostModelJson, parseXgboostJsonText } from '../core/engine/xgboost.js';
import { openAtomicWriter } from './atomic-stream.js';
export const MODEL_FILE_NAME = 'model.json';
/**
 * Reads and parses a model file (either format); errors carry catalogue codes and name the file.
 *
 * @example const { model, sha256 } = await readModelFile('models/demo/model.json');
 */
export async function readModelFile(path, options = {}) {
    let bytes;
    try {
        bytes = await readFile(path);
    }
    catch (e) {
        const code = e.code;
        throw new FraudlensError('INPUT_UNREADABLE', code === 'ENOENT' ? 'no such model file' : `cannot read model file (${code ?? e.message})`, { file: path });
    }
    const model = parseModelText(bytes.toString('utf8'), path, options);
    return { model, path, sha256: createHash('sha256').update(bytes).digest('hex') };
}
/** Parses model text (either format), re-labelling errors with the file they came from. */
function parseModelText(text, path, options = {}) {
    const featureNames = options.featureNames !== undefined && options.featureNames.length > 0 ? options.featureNames : undefined;
    try {
        if (text.trim() === '')
            throw new FraudlensError('MODEL_INVALID', 'the model file is empty');
        const raw = parseXgboostJsonText(text);
        if (options.format === 'xgboost' || isXgboostModelJson(raw)) {
            return importXgboost(raw, {
                featureNames,
                version: options.version,
                sourcePath: path,
                categories: options.categories?.names,
            });
        }
        if (featureNames)
            throw new FraudlensError('INPUT_INVALID', '--feature-names applies to XGBoost models only; fraudlens models carry their names', { field: 'feature-names' });
        return modelFromJson(raw);
    }
    catch (e) {
        if (e instanceof FraudlensError && e.location.file === undefined) {
            const aboutCategories = options.categories !== undefined && e.location.field?.startsWith('categories') === true;
            throw new FraudlensError(e.code, e.message, { ...e.location, file: aboutCategories ? options.categories.file : path });
        }
        throw e;
    }
}
/** Writes `DIR/model.json` (or the given .json path) atomically; returns the path written. */
export async function saveModelFile(target, model) {
    const path = target.endsWith('.json') ? target : join(target, MODEL_FILE_NAME);
    await mkdir(dirname(path), { recursive: true }).catch((e) => {
        throw new FraudlensError('INPUT_UNREADABLE', `cannot create the output directory (${e.code ?? e.message})`, {
            file: dirname(path),
        });
    });
    const writer = await openAtomicWriter(path);
    try {
        await writer.write(serializeModel(model));
        await writer.commit();
    }
    catch (e) {
        await writer.abort();
        throw e;
    }
    return path;
}
//# sourceMappingURL=model-file.js.map