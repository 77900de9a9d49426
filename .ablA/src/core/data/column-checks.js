/**
 * Text columns that would silently make bad features: identifiers (a transaction or customer id,
 * one distinct value per row: the trees learn the training rows by name, and every production
 * value is unknown) and dates or timestamps (each value a category that never recurs). Training
 * refuses them by name so the user drops them or derives what they mean (hour, day of week).
 *
 * Rules, on categorical (text) columns only; numbers are never flagged:
 * - identifier: at least IDENTIFIER_MIN_VALUES non-missing cells, of which at least
 *   IDENTIFIER_DISTINCT_SHARE are distinct values;
 * - date: the first DATE_SAMPLE_VALUES distinct values (all of them if fewer) all read as ISO 8601
 *   dates or timestamps (`2019-01-01`, `2019-01-01 00:00:18`, `2019-01-01T00:00:18.5Z`, `…+02:00`).
 */
/** Fewer non-missing cells than this never make an identifier: small files have many one-off values by chance. */
export const IDENTIFIER_MIN_VALUES = 1000;
/** Share of distinct values among the non-missing cells from which a text column is an identifier. */
export const IDENTIFIER_DISTINCT_SHARE = 0.9;
/** Distinct values of a text column checked for the date rule. */
export const DATE_SAMPLE_VALUES = 20;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
/**
 * The columns among `candidates` that look like identifiers or dates, in table order.
 * @example findUnsuitableColumns(table, ['nameOrig', 'amount']) // [{ name: 'nameOrig', reason: 'identifier', … }]
 */
export function findUnsuitableColumns(table, candidates) {
    const wanted = new Set(candidates);
    const found = [];
    table.names.forEach((name, j) => {
        const col = table.columns[j];
        if (!wanted.has(name) || col.kind !== 'categorical' || col.categories.length === 0)
            return;
        const sample = col.categories.slice(0, DATE_SAMPLE_VALUES);
        if (sample.every(isIsoDate)) {
            found.push({ name, reason: 'date', detail: `dates or times such as "${sample[0]}"` });
            return;
        }
        const present = countPresent(col);
        if (present >= IDENTIFIER_MIN_VALUES && col.categories.length >= IDENTIFIER_DISTINCT_SHARE * present) {
            found.push({ name, reason: 'identifier', detail: `an identifier: ${col.categories.length} distinct values in ${present} rows` });
        }
    });
    return found;
}
/** Whether a text is an ISO 8601 date or timestamp of a real calendar day. */
export function isIsoDate(text) {
    return ISO_DATE.test(text) && Number.isFinite(Date.parse(text.replace(' ', 'T').replace(',', '.')));
}
function countPresent(col) {
    let n = 0;
    for (let i = 0; i < col.codes.length; i++)
        if (col.codes[i] >= 0)
            n++;
    return n;
}
//# sourceMappingURL=column-checks.js.map