/**
 * Loading the data a command scores: a CSV read with the model's feature types forced, so a text
 * cell in a numeric column is reported with its row and column, then encoded as float32 rows;
 * whole (loadScoringData) or in chunks of rows for files of any size (scoringChunks).
 */
import { FraudlensError } from '../core/errors.js';
import { encodeFeatures } from '../core/data/table.js';
import { featureColumnTypes, readCsv, readCsvChunks } from '../io/csv.js';
/**
 * @param unknownCategory how categories the model never saw are encoded (see encodeFeatures):
 *   'missing' scores them as missing values, 'error' stops at the first (--strict-categories)
 * @param csv delimiter and notes of the CSV reader
 */
export async function loadScoringData(path, model, extraColumns = [], unknownCategory = 'missing', csv = {}) {
    const table = await readCsv(path, {
        ...csv,
        types: featureColumnTypes(model.features),
        only: [...model.features.map((f) => f.name), ...extraColumns],
    });
    const unknownCategories = new Float64Array(model.features.length);
    const matrix = encodeFeatures(table, model.features, unknownCategory, unknownCategories);
    return { table, matrix, rows: table.numRows, unknownCategories };
}
/** The `--strict-categories` flag of the commands that score a file. */
export function addStrictCategoriesOption(command) {
    return command.option('--strict-categories', 'stop with INPUT_UNKNOWN_CATEGORY on a category the model does not know (default: score it as a missing value and count it)');
}
/** The encoding rule a command's `--strict-categories` flag selects. */
export function unknownCategoryRule(opts) {
    return opts.strictCategories === true ? 'error' : 'missing';
}
/** Feature name → cells with an unknown category, only the features that had any. */
export function unknownCategorySummary(model, counts) {
    const out = {};
    model.features.forEach((f, j) => {
        if (counts[j] > 0)
            out[f.name] = counts[j];
    });
    return out;
}
/** One stderr line naming the features that held unknown categories, or nothing when none did. */
export function reportUnknownCategories(summary) {
    const parts = Object.entries(summary).map(([name, n]) => `${name} ${n} row${n === 1 ? '' : 's'}`);
    if (parts.length > 0)
        process.stderr.write(`categories the model does not know, scored as missing values: ${parts.join(', ')}\n`);
}
/**
 * The model's features of a CSV file, encoded chunk by chunk: memory is bounded by `chunkRows`,
 * and each row is encoded exactly as loadScoringData encodes it. Errors name the row in the file.
 * @param unknownCounts per feature, adds the cells whose category the model does not know
 */
export async function* scoringChunks(path, model, chunkRows, unknownCategory = 'missing', csv = {}, unknownCounts) {
    const options = { ...csv, types: featureColumnTypes(model.features), only: model.features.map((f) => f.name) };
    for await (const { table, firstRow } of readCsvChunks(path, chunkRows, options)) {
        let matrix;
        try {
            matrix = encodeFeatures(table, model.features, unknownCategory, unknownCounts);
        }
        catch (e) {
            throw atFileRow(e, firstRow);
        }
        yield { matrix, rows: table.numRows, firstRow };
    }
}
/** An error located in a chunk's table, relocated to the file's row numbering. */
function atFileRow(e, firstRow) {
    if (!(e instanceof FraudlensError) || e.location.row === undefined)
        return e;
    return new FraudlensError(e.code, e.message, { ...e.location, row: e.location.row + firstRow - 1 });
}
//# sourceMappingURL=data.js.map