/**
 * Reads a CSV file (optionally gzip-compressed) into typed column tables: whole, or in chunks of
 * rows for files larger than memory. Rows come from csv-source.ts (delimiter, ragged rows, read
 * errors); this module decides column types and names the row and column of a bad cell.
 *
 * Type inference: a column is numeric while every non-missing cell parses as a finite number; the
 * first cell that does not turns it categorical (earlier numbers keep their shortest decimal text).
 * `types` forces a column's type: a forced-numeric column rejects text with INPUT_NOT_A_NUMBER.
 */
import { FraudlensError } from '../core/errors.js';
import { openCsvRows } from './csv-source.js';
/** Cells read as missing values, as pandas reads them by default (the common subset). */
const MISSING_TOKENS = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', '-nan']);
class ColumnBuilder {
    numeric;
    forced;
    values = new Float64Array(1024);
    codes = new Int32Array(0);
    categories = [];
    index = new Map();
    length = 0;
    constructor(forced) {
        this.forced = forced;
        this.numeric = forced !== 'categorical';
        if (!this.numeric)
            this.codes = new Int32Array(1024);
    }
    code(s) {
        let c = this.index.get(s);
        if (c === undefined) {
            c = this.categories.length;
            this.categories.push(s);
            this.index.set(s, c);
        }
        return c;
    }
    switchToCategorical() {
        this.numeric = false;
        this.codes = new Int32Array(Math.max(1024, this.values.length));
        for (let i = 0; i < this.length; i++) {
            const v = this.values[i];
            this.codes[i] = Number.isNaN(v) ? -1 : this.code(String(v));
        }
        this.values = new Float64Array(0);
    }
    /** Returns false when a forced-numeric column meets text. */
    push(cell) {
        const i = this.length;
        if (this.numeric) {
            if (i === this.values.length) {
                const grown = new Float64Array(i * 2);
                grown.set(this.values);
                this.values = grown;
            }
            if (MISSING_TOKENS.has(cell)) {
                this.values[i] = NaN;
            }
            else {
                const v = Number(cell);
                if (Number.isFinite(v) && cell.trim() !== '') {
                    this.values[i] = v;
                }
                else {
                    if (this.forced === 'numeric')
                        return false;
                    this.switchToCategorical();
                    return this.push(cell);
                }
            }
        }
        else {
            if (i === this.codes.length) {
                const grown = new Int32Array(i * 2);
                grown.set(this.codes);
                this.codes = grown;
            }
            this.codes[i] = MISSING_TOKENS.has(cell) ? -1 : this.code(cell);
        }
        this.length = i + 1;
        return true;
    }
    finish() {
        if (this.numeric)
            return { kind: 'numeric', values: this.values.slice(0, this.length) };
        return { kind: 'categorical', codes: this.codes.slice(0, this.length), categories: this.categories };
    }
}
/**
 * Reads a whole CSV file into a table. A file with a header and no data row is INPUT_EMPTY.
 * @example const table = await readCsv('data/demo/transactions.csv.gz');
 */
export async function readCsv(path, options = {}) {
    const csv = await openCsvRows(path, options);
    const chunk = new ChunkBuilder(path, csv.names, options);
    for await (const record of csv.rows()) {
        chunk.push(record);
        if (options.maxRows !== undefined && chunk.rows >= options.maxRows)
            break;
    }
    if (chunk.rows === 0)
        throw noDataRows(path);
    return chunk.finish();
}
/**
 * Reads a CSV file as consecutive tables of at most `chunkRows` rows, so memory is bounded by the
 * chunk, not the file. Types are inferred per chunk (force them with `types` where it matters);
 * errors name the row in the file. A file with a header and no data row is INPUT_EMPTY.
 * @example for await (const { table, firstRow } of readCsvChunks('big.csv', 8192)) { … }
 */
export async function* readCsvChunks(path, chunkRows, options = {}) {
    const csv = await openCsvRows(path, options);
    let firstRow = 1;
    let chunk = new ChunkBuilder(path, csv.names, options, firstRow - 1);
    for await (const record of csv.rows()) {
        chunk.push(record);
        if (chunk.rows === chunkRows) {
            yield { table: chunk.finish(), firstRow };
            firstRow += chunkRows;
            chunk = new ChunkBuilder(path, csv.names, options, firstRow - 1);
        }
    }
    if (chunk.rows > 0)
        yield { table: chunk.finish(), firstRow };
    else if (firstRow === 1)
        throw noDataRows(path);
}
function noDataRows(path) {
    return new FraudlensError('INPUT_EMPTY', 'the file has a header but no data rows', { file: path });
}
/** Column builders for the kept columns of consecutive rows. */
class ChunkBuilder {
    path;
    names;
    rowsBefore;
    rows = 0;
    builders;
    /** @param rowsBefore data rows of the file before this chunk (for error locations) */
    constructor(path, names, options, rowsBefore = 0) {
        this.path = path;
        this.names = names;
        this.rowsBefore = rowsBefore;
        const keep = options.only ? new Set(options.only) : null;
        if (keep) {
            for (const k of keep)
                if (!names.includes(k))
                    throw new FraudlensError('INPUT_MISSING_COLUMN', `missing column "${k}" (the file has: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''})`, { file: path, column: k });
        }
        const types = options.types ?? {};
        this.builders = names.map((n) => (keep === null || keep.has(n) ? new ColumnBuilder(types[n]) : null));
    }
    push(record) {
        this.rows++;
        const builders = this.builders;
        for (let j = 0; j < builders.length; j++) {
            const b = builders[j];
            if (b !== null && !b.push(record[j])) {
                throw new FraudlensError('INPUT_NOT_A_NUMBER', `value "${truncate(record[j])}" is not a number`, {
                    file: this.path,
                    row: this.rowsBefore + this.rows,
                    column: this.names[j],
                });
            }
        }
    }
    finish() {
        const names = [];
        const columns = [];
        this.builders.forEach((b, j) => {
            if (b !== null) {
                names.push(this.names[j]);
                columns.push(b.finish());
            }
        });
        return { source: this.path, names, numRows: this.rows, columns };
    }
}
function truncate(s) {
    return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
/**
 * The column types a model's features force when reading its data: numeric features reject text;
 * categories by name stay text ("01" is not 1); code-encoded categories are read as numbers.
 */
export function featureColumnTypes(features) {
    const types = {};
    for (const f of features) {
        if (f.type === 'numeric')
            types[f.name] = 'numeric';
        else if (f.encoding !== 'codes')
            types[f.name] = 'categorical';
    }
    return types;
}
//# sourceMappingURL=csv.js.map