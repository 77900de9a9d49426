/**
 * Scoring a CSV file of any size: rows are read, encoded and scored a chunk at a time through the
 * engine's batch API, so memory is bounded by the chunk size, not the file. `predict` writes each
 * chunk as it comes; other commands can fold the chunks into their own summaries.
 */

import type { FraudlensModel } from '../core/engine/model.js';
import type { UnknownCategoryRule } from '../core/data/table.js';
import { Predictor } from '../core/engine/predict.js';
import { TreeExplainer } from '../core/explanation/treeshap.js';
import type { CsvSourceOptions } from '../io/csv-source.js';
import { scoringChunks } from './data.js';

/** Rows scored at a time: large enough to amortise the batch call, small enough to stay in cache-sized buffers. */
export const SCORE_CHUNK_ROWS = 8192;

export interface ScoredChunk {
  rows: number;
  /** The 1-based data row of the chunk's first row in the file. */
  firstRow: number;
  /** Margins of the chunk's rows in [0, rows); the buffer is reused by the next chunk. */
  margins: Float64Array;
  /** With `explain`: (features + 1) SHAP values per row, bias last; reused by the next chunk. */
  shap: Float64Array | null;
}

export interface ScoreFileOptions {
  explain?: boolean;
  chunkRows?: number;
  unknownCategory?: UnknownCategoryRule;
  /** Per feature, adds the cells whose category the model does not know. */
  unknownCounts?: Float64Array;
  csv?: CsvSourceOptions;
}

/**
 * @example for await (const c of scoreCsvFile('big.csv', model)) write(c.margins.subarray(0, c.rows));
 */
export async function* scoreCsvFile(
  path: string,
  model: FraudlensModel,
  options: ScoreFileOptions = {},
): AsyncGenerator<ScoredChunk, void, undefined> {
  const chunkRows = options.chunkRows ?? SCORE_CHUNK_ROWS;
  const predictor = new Predictor(model.ensemble);
  const explainer = options.explain ? new TreeExplainer(model.ensemble, predictor) : null;
  const margins = new Float64Array(chunkRows);
  const shap = explainer ? new Float64Array(chunkRows * (model.features.length + 1)) : null;
  for await (const chunk of scoringChunks(
    path,
    model,
    chunkRows,
    options.unknownCategory ?? 'missing',
    options.csv,
    options.unknownCounts,
  )) {
    predictor.predictMargins(chunk.matrix, chunk.rows, margins);
    if (explainer && shap) explainer.explainBatch(chunk.matrix, chunk.rows, shap);
    yield { rows: chunk.rows, firstRow: chunk.firstRow, margins, shap };
  }
}
