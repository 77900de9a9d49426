/**
 * The label column as the trainer and evaluator need it: 0/1, 1 = fraud. Labels that are not 0/1
 * (German credit's class is 1 = good, 2 = bad; yes/no; fraud/legit) need `--positive-label V`,
 * which turns the column into 1 where it equals V, compared without regard to case, and 0
 * elsewhere; missing labels stay missing so the trainer still reports them. Without the flag, a
 * column holding other values is refused with the values found and the flag to use.
 */
import { FraudlensError } from '../core/errors.js';
import { requireColumn } from '../core/data/table.js';
/** Help text of `--positive-label`, shared by the commands that read labels. */
export const POSITIVE_LABEL_HELP = 'label value that means fraud, when the label is not 0/1 (others become 0; case-insensitive)';
/** Distinct non-0/1 values named in the message at most. */
const SHOWN_VALUES = 6;
/** Values that usually mean "fraud", offered first as the --positive-label example. */
const LIKELY_POSITIVE = new Set(['1', 'yes', 'y', 'true', 't', 'fraud', 'fraudulent', 'positive', 'pos']);
/**
 * Makes the label column 0/1: binarized by `positive` when given, else checked.
 * @param positive the value of `--positive-label`, if any
 * @example prepareLabel(table, 'is_fraud', 'Yes') // "yes", "YES" and "Yes" become 1
 */
export function prepareLabel(table, name, positive) {
    if (positive !== undefined)
        binarizeLabel(table, name, positive);
    else
        requireBinaryLabel(table, name);
}
export function binarizeLabel(table, name, positive) {
    const col = requireColumn(table, name);
    const values = new Float64Array(table.numRows);
    if (col.kind === 'numeric') {
        for (let i = 0; i < table.numRows; i++) {
            values[i] = Number.isNaN(col.values[i])
                ? NaN
                : String(col.values[i]) === positive || col.values[i] === Number(positive)
                    ? 1
                    : 0;
        }
    }
    else {
        const wanted = positive.toLowerCase();
        const isPositive = col.categories.map((c) => (c.toLowerCase() === wanted ? 1 : 0));
        for (let i = 0; i < table.numRows; i++)
            values[i] = col.codes[i] < 0 ? NaN : isPositive[col.codes[i]];
    }
    table.columns[table.names.indexOf(name)] = { kind: 'numeric', values };
}
/**
 * INPUT_BAD_LABEL when the column holds values other than 0 and 1 (missing cells aside), naming
 * what it holds and suggesting `--positive-label`. A column holding both 0 and 1 is left to the
 * reader of the labels, whose message names the first bad row.
 */
export function requireBinaryLabel(table, name) {
    const col = requireColumn(table, name);
    const others = nonBinaryValues(col);
    if (others.length === 0)
        return;
    const found = distinctValues(col);
    // A 0/1 column with a stray value: the trainer's message names the row, which is what helps.
    if (found.some((v) => isBinary(v) && Number(v) === 0) && found.some((v) => isBinary(v) && Number(v) === 1))
        return;
    const shown = found
        .slice(0, SHOWN_VALUES)
        .map((v) => `"${v}"`)
        .join(', ') + (found.length > SHOWN_VALUES ? ', …' : '');
    const example = found.find((v) => LIKELY_POSITIVE.has(v.toLowerCase())) ?? others[0];
    const quoted = /^[\w.-]+$/.test(example) ? example : `'${example}'`;
    throw new FraudlensError('INPUT_BAD_LABEL', `the label column holds ${found.length === 2 ? 'two values' : `${found.length} distinct values`}, ${shown}, not 0/1: say which value means fraud with --positive-label <value> (e.g. --positive-label ${quoted}; case-insensitive, every other value becomes 0)`, { file: table.source, column: name });
}
/** Whether a label value reads as 0 or 1 (text trimmed, as the trainer reads it). */
function isBinary(text) {
    const t = text.trim();
    return t !== '' && (Number(t) === 0 || Number(t) === 1);
}
/** Up to SHOWN_VALUES distinct values that are neither 0 nor 1, in order of appearance. */
function nonBinaryValues(col) {
    if (col.kind === 'categorical')
        return col.categories.filter((c) => !isBinary(c)).slice(0, SHOWN_VALUES);
    const out = new Set();
    for (let i = 0; i < col.values.length && out.size < SHOWN_VALUES; i++) {
        const v = col.values[i];
        if (!Number.isNaN(v) && v !== 0 && v !== 1)
            out.add(String(v));
    }
    return [...out];
}
/** The column's distinct non-missing values (up to SHOWN_VALUES + 1), in order of appearance. */
function distinctValues(col) {
    if (col.kind === 'categorical')
        return col.categories.slice(0, SHOWN_VALUES + 1);
    const out = new Set();
    for (let i = 0; i < col.values.length && out.size <= SHOWN_VALUES; i++)
        if (!Number.isNaN(col.values[i]))
            out.add(String(col.values[i]));
    return [...out];
}
//# sourceMappingURL=labels.js.map