/**
 * The training columns' last check before they become features: identifiers and dates (see
 * core/data/column-checks.ts for the rules) are refused, all at once, with the flag that fixes it.
 * A column named in `--categorical` is the user's explicit choice and is not checked.
 */
import { findUnsuitableColumns } from '../core/data/column-checks.js';
import { FraudlensError } from '../core/errors.js';
export function refuseUnsuitableColumns(table, flags) {
    const skip = new Set([flags.label, ...(flags.drop ?? []), ...(flags.categorical ?? [])]);
    const found = findUnsuitableColumns(table, table.names.filter((n) => !skip.has(n)));
    if (found.length === 0)
        return;
    const names = found.map((f) => f.name);
    const described = found.map((f) => `"${f.name}" (${f.detail})`).join(', ');
    const dateHint = found.some((f) => f.reason === 'date')
        ? '; to use time, derive numeric columns such as hour and day_of_week before training (README, "Preparing a training file")'
        : '';
    throw new FraudlensError('INPUT_UNSUITABLE_COLUMN', `${found.length === 1 ? 'a column' : `${found.length} columns`} would become useless features: ${described}; leave ${found.length === 1 ? 'it' : 'them'} out with --drop ${[...(flags.drop ?? []), ...names].join(',')}${dateHint}`, { file: table.source, column: names[0] });
}
//# sourceMappingURL=feature-columns.js.map