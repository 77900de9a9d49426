/**
 * Loading the data a command scores: a CSV read with the model's feature types forced, so a text
 * cell in a numeric column is reported with its row and column, then encoded as float32 rows.
 */

import type { FraudlensModel } from '../core/engine/model.js';
import { encodeFeatures, type Table } from '../core/data/table.js';
import { featureColumnTypes, readCsv } from '../io/csv.js';

export interface ScoringData {
  table: Table;
  /** Row-major float32 features in model order (NaN = missing). */
  matrix: Float32Array;
  rows: number;
}

/**
 * @param unknownCategory how categories the model never saw are encoded (see encodeFeatures)
 */
export async function loadScoringData(path: string, model: FraudlensModel, extraColumns: readonly string[] = [], unknownCategory: 'error' | 'other' = 'error'): Promise<ScoringData> {
  const table = await readCsv(path, { types: featureColumnTypes(model.features), only: [...model.features.map((f) => f.name), ...extraColumns] });
  const matrix = encodeFeatures(table, model.features, unknownCategory);
  return { table, matrix, rows: table.numRows };
}
