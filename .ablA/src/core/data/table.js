/**
 * A column-oriented table of typed columns: what the CSV reader produces and what training,
 * evaluation, scoring and drift consume. Numeric columns are Float64Array with NaN for missing;
 * categorical columns are integer codes into a per-column category list, -1 for missing.
 */
import { FraudlensError } from '../errors.js';
export function columnIndex(table, name) {
    return table.names.indexOf(name);
}
/** Returns the named column or throws INPUT_MISSING_COLUMN naming the file. */
export function requireColumn(table, name) {
    const i = table.names.indexOf(name);
    if (i < 0) {
        throw new FraudlensError('INPUT_MISSING_COLUMN', `missing column "${name}" (the file has: ${table.names.slice(0, 12).join(', ')}${table.names.length > 12 ? ', …' : ''})`, { file: table.source, column: name });
    }
    return table.columns[i];
}
/**
 * The code that marks "a category the model does not know" in rows handed to drift monitoring
 * (the scored row holds NaN there). Real codes are never negative.
 */
export const UNKNOWN_CATEGORY_CODE = -1;
/**
 * Encodes the model's features of a table into one row-major float32 matrix (NaN = missing,
 * categories as the model's codes), the layout every predictor reads.
 *
 * @param unknownCategory what to do with a category the model has never seen: 'error' names the
 *   row and column; 'missing' treats it as a missing value (routes by each split's default
 *   direction, the rule scoring uses); 'other' gives it UNKNOWN_CATEGORY_CODE (for drift, which
 *   counts it as a new category; never for scoring).
 * @param unknownCounts when given (one slot per feature), receives the number of cells per
 *   feature that held a category the model does not know (added to what it holds)
 */
export function encodeFeatures(table, features, unknownCategory = 'error', unknownCounts) {
    const n = table.numRows;
    const m = features.length;
    const out = new Float32Array(n * m);
    for (let j = 0; j < m; j++) {
        const spec = features[j];
        const col = requireColumn(table, spec.name);
        if (spec.type === 'numeric') {
            if (col.kind !== 'numeric') {
                // A numeric feature read as text: find the first cell that is not a number to name it.
                const bad = firstNonMissing(col);
                throw new FraudlensError('INPUT_NOT_A_NUMBER', `value "${col.categories[col.codes[bad]]}" is not a number`, { file: table.source, row: bad + 1, column: spec.name });
            }
            const v = col.values;
            for (let i = 0; i < n; i++)
                out[i * m + j] = v[i];
        }
        else if (spec.encoding === 'codes') {
            for (let i = 0; i < n; i++)
                out[i * m + j] = categoryCode(table, col, i, spec);
        }
        else {
            const modelCats = spec.categories ?? [];
            const lookup = new Map();
            modelCats.forEach((c, k) => lookup.set(c, k));
            if (col.kind === 'categorical') {
                // Translate the table's codes to the model's codes once per distinct category.
                const translate = new Float32Array(col.categories.length);
                for (let k = 0; k < col.categories.length; k++) {
                    const code = lookup.get(col.categories[k]);
                    translate[k] = code === undefined ? UNKNOWN : code;
                }
                const codes = col.codes;
                for (let i = 0; i < n; i++) {
                    const c = codes[i];
                    if (c < 0) {
                        out[i * m + j] = NaN;
                        continue;
                    }
                    const t = translate[c];
                    if (t === UNKNOWN) {
                        if (unknownCategory === 'error')
                            throw unknownCategoryError(table, i, spec, col.categories[c]);
                        out[i * m + j] = unknownCategory === 'other' ? UNKNOWN_CATEGORY_CODE : NaN;
                        if (unknownCounts !== undefined)
                            unknownCounts[j]++;
                    }
                    else
                        out[i * m + j] = t;
                }
            }
            else {
                // Categories that happen to look like numbers ("1", "2") arrive as a numeric column.
                const v = col.values;
                for (let i = 0; i < n; i++) {
                    if (Number.isNaN(v[i])) {
                        out[i * m + j] = NaN;
                        continue;
                    }
                    const code = lookup.get(String(v[i]));
                    if (code === undefined) {
                        if (unknownCategory === 'error')
                            throw unknownCategoryError(table, i, spec, String(v[i]));
                        out[i * m + j] = unknownCategory === 'other' ? UNKNOWN_CATEGORY_CODE : NaN;
                        if (unknownCounts !== undefined)
                            unknownCounts[j]++;
                    }
                    else
                        out[i * m + j] = code;
                }
            }
        }
    }
    return out;
}
/**
 * A copy of rows encoded with the 'other' rule as scoring reads them: UNKNOWN_CATEGORY_CODE in a
 * categorical feature becomes NaN (missing), so scores follow the scoring rule.
 */
export function unknownAsMissing(matrix, features) {
    const out = matrix.slice();
    const m = features.length;
    for (let j = 0; j < m; j++) {
        if (features[j].type !== 'categorical')
            continue;
        for (let k = j; k < out.length; k += m)
            if (out[k] === UNKNOWN_CATEGORY_CODE)
                out[k] = NaN;
    }
    return out;
}
/** A cell of a code-encoded categorical feature: a non-negative integer, or NaN when missing. */
function categoryCode(table, col, i, spec) {
    let v;
    let text;
    if (col.kind === 'numeric') {
        v = col.values[i];
        if (Number.isNaN(v))
            return NaN;
        text = String(v);
    }
    else {
        if (col.codes[i] < 0)
            return NaN;
        text = col.categories[col.codes[i]];
        v = Number(text);
    }
    if (!Number.isInteger(v) || v < 0 || v > MAX_CATEGORY_CODE) {
        throw new FraudlensError('INPUT_UNKNOWN_CATEGORY', `"${text}" is not a category code (a non-negative integer up to ${MAX_CATEGORY_CODE})`, { file: table.source, row: i + 1, column: spec.name });
    }
    return v;
}
/** Largest category code accepted: float32 holds integers exactly up to 2^24. */
export const MAX_CATEGORY_CODE = 2 ** 24;
/** Marks a table category the model does not know, in the translation table. */
const UNKNOWN = -2;
function firstNonMissing(col) {
    for (let i = 0; i < col.codes.length; i++)
        if (col.codes[i] >= 0)
            return i;
    return 0;
}
function unknownCategoryError(table, row, spec, value) {
    const known = spec.categories ?? [];
    return new FraudlensError('INPUT_UNKNOWN_CATEGORY', `unknown category "${value}" (the model knows ${known.length}: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''})`, { file: table.source, row: row + 1, column: spec.name });
}
/** Builds a table column by column from plain arrays (tests, request bodies). */
export function tableFromColumns(source, data) {
    const names = Object.keys(data);
    let numRows = -1;
    const columns = names.map((name) => {
        const arr = data[name];
        if (numRows < 0)
            numRows = arr.length;
        else if (arr.length !== numRows)
            throw new FraudlensError('INPUT_RAGGED_ROW', `column "${name}" has ${arr.length} values, expected ${numRows}`, { column: name });
        if (arr.length > 0 && typeof arr[0] !== 'number' && !(arr instanceof Float64Array)) {
            const categories = [];
            const index = new Map();
            const codes = new Int32Array(arr.length);
            for (let i = 0; i < arr.length; i++) {
                const s = arr[i];
                if (s === null || s === '') {
                    codes[i] = -1;
                    continue;
                }
                let c = index.get(s);
                if (c === undefined) {
                    c = categories.length;
                    categories.push(s);
                    index.set(s, c);
                }
                codes[i] = c;
            }
            return { kind: 'categorical', codes, categories };
        }
        return { kind: 'numeric', values: Float64Array.from(arr) };
    });
    return { source, names, numRows: Math.max(0, numRows), columns };
}
//# sourceMappingURL=table.js.map