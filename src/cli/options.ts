/**
 * Option parsers shared by the commands: each turns a flag's text into a checked value or
 * throws INPUT_INVALID naming the flag.
 */

import { Option } from 'commander';
import { FraudlensError } from '../core/errors.js';
import { CSV_DELIMITERS, type CsvDelimiter, type CsvSourceOptions } from '../io/csv-source.js';

export function positiveInt(flag: string) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < 1)
      throw new FraudlensError('INPUT_INVALID', `${flag} must be a positive integer, got "${text}"`, { field: flag });
    return v;
  };
}

export function nonNegativeInt(flag: string) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < 0)
      throw new FraudlensError('INPUT_INVALID', `${flag} must be a non-negative integer, got "${text}"`, { field: flag });
    return v;
  };
}

export function numberIn(flag: string, min: number, max: number, { minExclusive = false } = {}) {
  return (text: string): number => {
    const v = Number(text);
    const okMin = minExclusive ? v > min : v >= min;
    if (text.trim() === '' || !Number.isFinite(v) || !okMin || v > max) {
      throw new FraudlensError(
        'INPUT_INVALID',
        `${flag} must be a number in ${minExclusive ? '(' : '['}${min}, ${max}], got "${text}"`,
        { field: flag },
      );
    }
    return v;
  };
}

export function nameList(flag: string) {
  return (text: string): string[] => {
    const names = text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (names.length === 0)
      throw new FraudlensError('INPUT_INVALID', `${flag} needs a comma-separated list of names`, { field: flag });
    return names;
  };
}

/** `--delimiter`: the cell delimiter of the CSV files a command reads (default: detected). */
export interface DelimiterFlag {
  delimiter?: CsvDelimiter;
}

const DELIMITER_NAMES: Record<string, CsvDelimiter> = { comma: ',', semicolon: ';', tab: '\t', pipe: '|', '\\t': '\t' };

export function csvDelimiter(text: string): CsvDelimiter {
  const d = DELIMITER_NAMES[text.toLowerCase()] ?? text;
  if (!(CSV_DELIMITERS as readonly string[]).includes(d)) {
    throw new FraudlensError('INPUT_INVALID', `--delimiter must be one of , ; tab | (or comma, semicolon, pipe), got "${text}"`, {
      field: '--delimiter',
    });
  }
  return d as CsvDelimiter;
}

/** `--delimiter`, for every command that reads CSV files: `.addOption(delimiterOption())`. */
export function delimiterOption(): Option {
  return new Option(
    '--delimiter <char>',
    'cell delimiter of the CSV files: , ; tab or | (default: detected from the header line)',
  ).argParser(csvDelimiter);
}

/** What the CSV reader needs from the flags: the delimiter, and a way to tell the user what it detected. */
export function csvReadOptions(flags: DelimiterFlag): CsvSourceOptions {
  return { delimiter: flags.delimiter, onNote: (message) => process.stderr.write(`fraudlens: note: ${message}\n`) };
}
