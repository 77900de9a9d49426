/**
 * Which rows of one table become validation rows when training holds a share of them out
 * (`validFraction`). Three ways, one list ({@link VALID_SPLITS}):
 *
 * - `stratified` (the default): a seeded random draw of the same share of each class, exactly
 *   round(P · f) positives and round(N · f) negatives. The sensible default for a file of unknown
 *   order: a time-sorted or label-sorted export cannot leave validation with one class.
 * - `time`: the latest rows by a time column (ties broken by file order, later rows first into
 *   validation). The honest choice for deployment evaluation: the model is judged on the rows
 *   that come after the ones it learnt from, as it will be in production.
 * - `last`: the last rows of the file as it is. Only right when the file is known to be in time
 *   order; kept for models trained that way.
 *
 * The result is a row order, training rows first then validation rows (each in file order), and
 * `reorderRows` applies it to a table so the trainer can keep reading training rows as a prefix.
 */
import { FraudlensError } from '../errors.js';
import { sampleSorted } from './random.js';
/** The ways of holding validation rows out of one table; the first is the default. */
export const VALID_SPLITS = ['stratified', 'time', 'last'];
export const DEFAULT_VALID_SPLIT = VALID_SPLITS[0];
/**
 * Below this many validation positives the validation metrics and the thresholds chosen on them
 * are noisy (one fraud moves recall by more than 3 points): training warns.
 */
export const MIN_VALIDATION_POSITIVES = 30;
/** Train rows then valid rows, each ascending, from a 0/1 validation mask. */
function orderFromMask(isValid, validRows) {
    const n = isValid.length;
    const order = new Int32Array(n);
    let t = 0;
    let v = n - validRows;
    for (let i = 0; i < n; i++)
        order[isValid[i] === 1 ? v++ : t++] = i;
    return { order, validRows };
}
/**
 * A stratified random hold-out: exactly round(P · fraction) of the P positive rows and
 * round(N · fraction) of the N negative rows, drawn uniformly by `rng`.
 *
 * @param labels 0/1 per row
 * @param fraction share of each class to hold out, in (0, 1)
 * @param rng the seeded generator (equal seeds, equal splits)
 * @example stratifiedHoldOut(labels, 0.2, new Rng(0)).validRows
 */
export function stratifiedHoldOut(labels, fraction, rng) {
    const n = labels.length;
    let positives = 0;
    for (let i = 0; i < n; i++)
        positives += labels[i];
    const isValid = new Uint8Array(n);
    let validRows = 0;
    for (const cls of [1, 0]) {
        const classRows = cls === 1 ? positives : n - positives;
        const chosen = sampleSorted(classRows, Math.round(classRows * fraction), rng);
        // chosen[] are ranks within the class in file order: walk the class's rows once.
        let rank = 0;
        let next = 0;
        for (let i = 0; i < n && next < chosen.length; i++) {
            if (labels[i] !== cls)
                continue;
            if (rank === chosen[next]) {
                isValid[i] = 1;
                next++;
            }
            rank++;
        }
        validRows += chosen.length;
    }
    return orderFromMask(isValid, validRows);
}
/**
 * A time hold-out: the round(n · fraction) rows with the latest times; among equal times the
 * later rows in the file go to validation first.
 *
 * @param times one orderable number per row (no NaN), e.g. from {@link readTimes}
 */
export function timeHoldOut(times, fraction) {
    const n = times.length;
    const validRows = Math.round(n * fraction);
    const byTime = Array.from({ length: n }, (_, i) => i).sort((a, b) => times[a] - times[b] || a - b);
    const isValid = new Uint8Array(n);
    for (let k = n - validRows; k < n; k++)
        isValid[byTime[k]] = 1;
    return orderFromMask(isValid, validRows);
}
/** The last round(n · fraction) rows in file order. */
export function lastRowsHoldOut(n, fraction) {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++)
        order[i] = i;
    return { order, validRows: Math.round(n * fraction) };
}
// An ISO 8601 date, optionally with a time (space or T) and a zone.
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
/** Milliseconds since 1970 of an ISO 8601 date-time; a time without zone is read as UTC. */
function parseIsoTime(text) {
    const m = ISO_DATE_TIME.exec(text.trim());
    if (m === null)
        return NaN;
    // Reading zone-less times as UTC keeps the order independent of the machine's time zone.
    const zone = m[3] === undefined ? 'Z' : m[3].length === 5 ? `${m[3].slice(0, 3)}:${m[3].slice(3)}` : m[3].toUpperCase();
    return Date.parse(`${m[1]}T${m[2] ?? '00:00'}${zone}`);
}
/**
 * The values of a time column as orderable numbers: numbers as they are (epoch seconds, day
 * numbers…), text as ISO 8601 date-times. A missing or unreadable cell is an INPUT_INVALID
 * naming its row, since the row cannot be placed in time.
 *
 * @param table the data
 * @param name the time column (must exist)
 * @param field the option that named the column, for the error
 */
export function readTimes(table, name, field) {
    const col = table.columns[table.names.indexOf(name)];
    const out = new Float64Array(table.numRows);
    const bad = (row, shown) => {
        throw new FraudlensError('INPUT_INVALID', `time column "${name}" (${field}) has ${shown}, neither a number nor an ISO 8601 date-time such as 2019-01-31 23:59:00`, { file: table.source, row: row + 1, column: name });
    };
    if (col.kind === 'numeric') {
        for (let i = 0; i < out.length; i++) {
            if (Number.isNaN(col.values[i]))
                bad(i, 'no value');
            out[i] = col.values[i];
        }
        return out;
    }
    const parsed = col.categories.map(parseIsoTime);
    for (let i = 0; i < out.length; i++) {
        const c = col.codes[i];
        if (c < 0)
            bad(i, 'no value');
        if (Number.isNaN(parsed[c]))
            bad(i, `"${col.categories[c]}"`);
        out[i] = parsed[c];
    }
    return out;
}
/**
 * The table with its rows in `order`: each kept column copied once (categories shared), the
 * others left out so that a wide file with many dropped columns is not copied whole.
 *
 * @param keep the columns to keep (default all)
 * @example reorderRows(table, heldOut.order, ['amount', 'fraud'])
 */
export function reorderRows(table, order, keep = table.names) {
    const columns = keep.map((name) => {
        const c = table.columns[table.names.indexOf(name)];
        if (c.kind === 'numeric') {
            const values = new Float64Array(order.length);
            for (let k = 0; k < order.length; k++)
                values[k] = c.values[order[k]];
            return { kind: 'numeric', values };
        }
        const codes = new Int32Array(order.length);
        for (let k = 0; k < order.length; k++)
            codes[k] = c.codes[order[k]];
        return { kind: 'categorical', codes, categories: c.categories };
    });
    return { source: table.source, names: [...keep], numRows: order.length, columns };
}
//# sourceMappingURL=holdout.js.map