/**
 * Option parsers shared by the commands: each turns a flag's text into a checked value or
 * throws INPUT_INVALID naming the flag.
 */
import { Option } from 'commander';
import { FraudlensError } from '../core/errors.js';
import { CSV_DELIMITERS } from '../io/csv-source.js';
export function positiveInt(flag) {
    return (text) => {
        const v = Number(text);
        if (!Number.isInteger(v) || v < 1)
            throw new FraudlensError('INPUT_INVALID', `${flag} must be a positive integer, got "${text}"`, { field: flag });
        return v;
    };
}
export function nonNegativeInt(flag) {
    return (text) => {
        const v = Number(text);
        if (!Number.isInteger(v) || v < 0)
            throw new FraudlensError('INPUT_INVALID', `${flag} must be a non-negative integer, got "${text}"`, { field: flag });
        return v;
    };
}
export function numberIn(flag, min, max, { minExclusive = false } = {}) {
    return (text) => {
        const v = Number(text);
        const okMin = minExclusive ? v > min : v >= min;
        if (text.trim() === '' || !Number.isFinite(v) || !okMin || v > max) {
            throw new FraudlensError('INPUT_INVALID', `${flag} must be a number in ${minExclusive ? '(' : '['}${min}, ${max}], got "${text}"`, { field: flag });
        }
        return v;
    };
}
export function nameList(flag) {
    return (text) => {
        const names = text
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '');
        if (names.length === 0)
            throw new FraudlensError('INPUT_INVALID', `${flag} needs a comma-separated list of names`, { field: flag });
        return names;
    };
}
const DELIMITER_NAMES = { comma: ',', semicolon: ';', tab: '\t', pipe: '|', '\\t': '\t' };
export function csvDelimiter(text) {
    const d = DELIMITER_NAMES[text.toLowerCase()] ?? text;
    if (!CSV_DELIMITERS.includes(d)) {
        throw new FraudlensError('INPUT_INVALID', `--delimiter must be one of , ; tab | (or comma, semicolon, pipe), got "${text}"`, {
            field: '--delimiter',
        });
    }
    return d;
}
/** `--delimiter`, for every command that reads CSV files: `.addOption(delimiterOption())`. */
export function delimiterOption() {
    return new Option('--delimiter <char>', 'cell delimiter of the CSV files: , ; tab or | (default: detected from the header line)').argParser(csvDelimiter);
}
/** What the CSV reader needs from the flags: the delimiter, and a way to tell the user what it detected. */
export function csvReadOptions(flags) {
    return { delimiter: flags.delimiter, onNote: (message) => process.stderr.write(`fraudlens: note: ${message}\n`) };
}
//# sourceMappingURL=options.js.map