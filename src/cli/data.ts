/**
 * Loading the data a command scores: a CSV read with the model's feature types forced, so a text
 * cell in a numeric column is reported with its row and column, then encoded as float32 rows.
 */

import type { FraudlensModel } from '../core/engine/model.js';
import { encodeFeatures, type Table } from '../core/data/table.js';
import { readCsv } from '../io/csv.js';

export interface ScoringData {
  table: Table;
  /** Row-major float32 features in model order (NaN = missing). */
  matrix: Float32Array;
  rows: number;
}

export async function loadScoringData(path: string, model: FraudlensModel, extraColumns: readonly string[] = []): Promise<ScoringData> {
  const types: Record<string, 'numeric' | 'categorical'> = {};
  for (const f of model.features) {
    if (f.type === 'numeric') types[f.name] = 'numeric';
    else if (f.encoding !== 'codes') types[f.name] = 'categorical';
  }
  const table = await readCsv(path, { types, only: [...model.features.map((f) => f.name), ...extraColumns] });
  const matrix = encodeFeatures(table, model.features);
  return { table, matrix, rows: table.numRows };
}
