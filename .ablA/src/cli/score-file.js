/**
 * Scoring a CSV file of any size: rows are read, encoded and scored a chunk at a time through the
 * engine's batch API, so memory is bounded by the chunk size, not the file. `predict` writes each
 * chunk as it comes; other commands can fold the chunks into their own summaries.
 */
import { Predictor } from '../core/engine/predict.js';
import { TreeExplainer } from '../core/explanation/treeshap.js';
import { scoringChunks } from './data.js';
/** Rows scored at a time: large enough to amortise the batch call, small enough to stay in cache-sized buffers. */
export const SCORE_CHUNK_ROWS = 8192;
/**
 * @example for await (const c of scoreCsvFile('big.csv', model)) write(c.margins.subarray(0, c.rows));
 */
export async function* scoreCsvFile(path, model, options = {}) {
    const chunkRows = options.chunkRows ?? SCORE_CHUNK_ROWS;
    const predictor = new Predictor(model.ensemble);
    const explainer = options.explain ? new TreeExplainer(model.ensemble, predictor) : null;
    const margins = new Float64Array(chunkRows);
    const shap = explainer ? new Float64Array(chunkRows * (model.features.length + 1)) : null;
    for await (const chunk of scoringChunks(path, model, chunkRows, options.unknownCategory ?? 'missing', options.csv, options.unknownCounts)) {
        predictor.predictMargins(chunk.matrix, chunk.rows, margins);
        if (explainer && shap)
            explainer.explainBatch(chunk.matrix, chunk.rows, shap);
        yield { rows: chunk.rows, firstRow: chunk.firstRow, margins, shap };
    }
}
//# sourceMappingURL=score-file.js.map