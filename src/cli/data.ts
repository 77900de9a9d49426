/**
 * Loading the data a command scores: a CSV read with the model's feature types forced, so a text
 * cell in a numeric column is reported with its row and column, then encoded as float32 rows;
 * whole (loadScoringData) or in chunks of rows for files of any size (scoringChunks).
 */

import type { FraudlensModel } from '../core/engine/model.js';
import { FraudlensError } from '../core/errors.js';
import { encodeFeatures, type Table } from '../core/data/table.js';
import { featureColumnTypes, readCsv, readCsvChunks } from '../io/csv.js';
import type { CsvSourceOptions } from '../io/csv-source.js';

export interface ScoringData {
  table: Table;
  /** Row-major float32 features in model order (NaN = missing). */
  matrix: Float32Array;
  rows: number;
}

/**
 * @param unknownCategory how categories the model never saw are encoded (see encodeFeatures)
 * @param csv delimiter and notes of the CSV reader
 */
export async function loadScoringData(path: string, model: FraudlensModel, extraColumns: readonly string[] = [], unknownCategory: 'error' | 'other' = 'error', csv: CsvSourceOptions = {}): Promise<ScoringData> {
  const table = await readCsv(path, { ...csv, types: featureColumnTypes(model.features), only: [...model.features.map((f) => f.name), ...extraColumns] });
  const matrix = encodeFeatures(table, model.features, unknownCategory);
  return { table, matrix, rows: table.numRows };
}

export interface ScoringChunk {
  /** Row-major float32 features of `rows` rows in model order (NaN = missing). */
  matrix: Float32Array;
  rows: number;
  /** The 1-based data row of the chunk's first row in the file. */
  firstRow: number;
}

/**
 * The model's features of a CSV file, encoded chunk by chunk: memory is bounded by `chunkRows`,
 * and each row is encoded exactly as loadScoringData encodes it. Errors name the row in the file.
 */
export async function* scoringChunks(path: string, model: FraudlensModel, chunkRows: number, unknownCategory: 'error' | 'other' = 'error', csv: CsvSourceOptions = {}): AsyncGenerator<ScoringChunk, void, undefined> {
  const options = { ...csv, types: featureColumnTypes(model.features), only: model.features.map((f) => f.name) };
  for await (const { table, firstRow } of readCsvChunks(path, chunkRows, options)) {
    let matrix: Float32Array;
    try {
      matrix = encodeFeatures(table, model.features, unknownCategory);
    } catch (e) {
      throw atFileRow(e, firstRow);
    }
    yield { matrix, rows: table.numRows, firstRow };
  }
}

/** An error located in a chunk's table, relocated to the file's row numbering. */
function atFileRow(e: unknown, firstRow: number): unknown {
  if (!(e instanceof FraudlensError) || e.location.row === undefined) return e;
  return new FraudlensError(e.code, e.message, { ...e.location, row: e.location.row + firstRow - 1 });
}
