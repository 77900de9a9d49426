/**
 * Reading and writing model files. A path may hold a fraudlens model or an XGBoost JSON model;
 * the document's shape tells which. Writes are atomic so a crash never leaves half a model.
 */

import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FraudlensError } from '../core/errors.js';
import { modelFromJson, serializeModel, type FraudlensModel } from '../core/engine/model.js';
import { importXgboost, isXgboostModelJson, parseXgboostJsonText } from '../core/engine/xgboost.js';
import { openAtomicWriter } from './atomic-stream.js';

export const MODEL_FILE_NAME = 'model.json';

export interface LoadModelOptions {
  /** For XGBoost models without names (or to rename): one name per feature. */
  featureNames?: readonly string[];
}

/** Loads a fraudlens or XGBoost model; errors name the file. */
export async function loadModelFile(path: string, options: LoadModelOptions = {}): Promise<FraudlensModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FraudlensError('INPUT_UNREADABLE', code === 'ENOENT' ? 'no such model file' : `cannot read model file (${code ?? (e as Error).message})`, { file: path });
  }
  return parseModelText(text, path, options);
}

/** Parses model text (either format), re-labelling errors with the file they came from. */
export function parseModelText(text: string, path: string, options: LoadModelOptions = {}): FraudlensModel {
  try {
    if (text.trim() === '') throw new FraudlensError('MODEL_INVALID', 'the model file is empty');
    const raw = parseXgboostJsonText(text);
    if (isXgboostModelJson(raw)) return importXgboost(raw, { ...options, sourcePath: path });
    if (options.featureNames) throw new FraudlensError('INPUT_INVALID', '--feature-names applies to XGBoost models only; fraudlens models carry their names', { field: 'feature-names' });
    return modelFromJson(raw);
  } catch (e) {
    if (e instanceof FraudlensError && e.location.file === undefined) {
      throw new FraudlensError(e.code, e.message, { ...e.location, file: path });
    }
    throw e;
  }
}

/** Writes `DIR/model.json` (or the given .json path) atomically; returns the path written. */
export async function saveModelFile(target: string, model: FraudlensModel): Promise<string> {
  const path = target.endsWith('.json') ? target : join(target, MODEL_FILE_NAME);
  await mkdir(dirname(path), { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new FraudlensError('INPUT_UNREADABLE', `cannot create the output directory (${e.code ?? e.message})`, { file: dirname(path) });
  });
  const writer = await openAtomicWriter(path);
  try {
    await writer.write(serializeModel(model));
    await writer.commit();
  } catch (e) {
    await writer.abort();
    throw e;
  }
  return path;
}
