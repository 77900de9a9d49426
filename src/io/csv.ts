/**
 * Reads a CSV file (optionally gzip-compressed) into a typed column table. Parsing is delegated to
 * csv-parse; this module only decides column types and turns every failure into a one-line
 * FraudlensError naming the file, the row and the column.
 *
 * Type inference: a column is numeric while every non-missing cell parses as a finite number; the
 * first cell that does not turns it categorical (earlier numbers keep their shortest decimal text).
 * `types` forces a column's type: a forced-numeric column rejects text with INPUT_NOT_A_NUMBER.
 */

import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { FraudlensError } from '../core/errors.js';
import type { Column, Table } from '../core/data/table.js';
import type { FeatureSpec } from '../core/engine/ensemble.js';

export interface ReadCsvOptions {
  /** Force column types; others are inferred. */
  types?: Record<string, 'numeric' | 'categorical'>;
  /** Keep only these columns (others are skipped: saves memory on wide files). */
  only?: readonly string[];
  /** Stop after this many data rows. */
  maxRows?: number;
}

/** Cells read as missing values, as pandas reads them by default (the common subset). */
const MISSING_TOKENS = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', '-nan']);

class ColumnBuilder {
  numeric: boolean;
  readonly forced: 'numeric' | 'categorical' | undefined;
  values = new Float64Array(1024);
  codes = new Int32Array(0);
  categories: string[] = [];
  index = new Map<string, number>();
  length = 0;

  constructor(forced: 'numeric' | 'categorical' | undefined) {
    this.forced = forced;
    this.numeric = forced !== 'categorical';
    if (!this.numeric) this.codes = new Int32Array(1024);
  }

  private code(s: string): number {
    let c = this.index.get(s);
    if (c === undefined) {
      c = this.categories.length;
      this.categories.push(s);
      this.index.set(s, c);
    }
    return c;
  }

  private switchToCategorical(): void {
    this.numeric = false;
    this.codes = new Int32Array(Math.max(1024, this.values.length));
    for (let i = 0; i < this.length; i++) {
      const v = this.values[i];
      this.codes[i] = Number.isNaN(v) ? -1 : this.code(String(v));
    }
    this.values = new Float64Array(0);
  }

  /** Returns false when a forced-numeric column meets text. */
  push(cell: string): boolean {
    const i = this.length;
    if (this.numeric) {
      if (i === this.values.length) {
        const grown = new Float64Array(i * 2);
        grown.set(this.values);
        this.values = grown;
      }
      if (MISSING_TOKENS.has(cell)) {
        this.values[i] = NaN;
      } else {
        const v = Number(cell);
        if (Number.isFinite(v) && cell.trim() !== '') {
          this.values[i] = v;
        } else {
          if (this.forced === 'numeric') return false;
          this.switchToCategorical();
          return this.push(cell);
        }
      }
    } else {
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

  finish(): Column {
    if (this.numeric) return { kind: 'numeric', values: this.values.slice(0, this.length) };
    return { kind: 'categorical', codes: this.codes.slice(0, this.length), categories: this.categories };
  }
}

/**
 * @example const table = await readCsv('data/demo/transactions.csv.gz');
 */
export async function readCsv(path: string, options: ReadCsvOptions = {}): Promise<Table> {
  let input: NodeJS.ReadableStream;
  const file = createReadStream(path);
  const unreadable = (why: string, row?: number): FraudlensError =>
    new FraudlensError('INPUT_UNREADABLE', why, row === undefined ? { file: path } : { file: path, row });
  const opened = new Promise<void>((resolve, reject) => {
    file.once('open', () => resolve());
    file.once('error', (e: NodeJS.ErrnoException) => reject(unreadable(`cannot read file: ${e.code ?? e.message}`)));
  });
  await opened;
  if (path.endsWith('.gz')) {
    const gunzip = createGunzip();
    file.pipe(gunzip);
    input = gunzip;
  } else {
    input = file;
  }
  const parser = parse({ bom: true, relax_column_count: false, skip_empty_lines: true, trim: false });
  input.pipe(parser);
  const failure = new Promise<never>((_, reject) => {
    input.once('error', (e: Error) => {
      const msg = e.message.includes('unexpected end') ? 'the file is truncated (unexpected end of compressed data)' : `cannot decompress: ${e.message}`;
      parser.destroy();
      reject(unreadable(msg));
    });
  });

  let names: string[] | null = null;
  let builders: (ColumnBuilder | null)[] = [];
  let rows = 0;
  const keep = options.only ? new Set(options.only) : null;
  const types = options.types ?? {};

  const consume = async (): Promise<void> => {
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        if (names === null) {
          names = record.map((h, i) => (h.trim() === '' ? `_unnamed_${i}` : h.trim()));
          const dup = names.find((n, i) => names!.indexOf(n) !== i);
          if (dup !== undefined) throw new FraudlensError('INPUT_UNREADABLE', `the header names column "${dup}" twice`, { file: path, column: dup });
          if (keep) {
            for (const k of keep) if (!names.includes(k)) throw new FraudlensError('INPUT_MISSING_COLUMN', `missing column "${k}"`, { file: path, column: k });
          }
          builders = names.map((n) => (keep === null || keep.has(n) ? new ColumnBuilder(types[n]) : null));
          continue;
        }
        rows++;
        for (let j = 0; j < builders.length; j++) {
          const b = builders[j];
          if (b !== null && !b.push(record[j])) {
            throw new FraudlensError('INPUT_NOT_A_NUMBER', `value "${truncate(record[j])}" is not a number`, { file: path, row: rows, column: names[j] });
          }
        }
        if (options.maxRows !== undefined && rows >= options.maxRows) {
          parser.destroy();
          break;
        }
      }
    } catch (e) {
      if (e instanceof FraudlensError) throw e;
      const err = e as { code?: string; message?: string; lines?: number; records?: number };
      if (err.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' || err.code === 'CSV_RECORD_DONT_MATCH_COLUMNS_LENGTH') {
        throw new FraudlensError('INPUT_RAGGED_ROW', `the row has a different number of cells than the header (${names?.length ?? '?'})`, { file: path, row: rows + 1 });
      }
      if (err.code?.startsWith('CSV_')) throw unreadable(`malformed CSV: ${err.message}`, rows + 1);
      throw unreadable(`cannot read file: ${err.message ?? String(e)}`);
    }
  };
  await Promise.race([consume(), failure]);
  file.destroy();
  if (names === null) throw new FraudlensError('INPUT_EMPTY', 'the file is empty (no header)', { file: path });
  const header: string[] = names;
  const outNames: string[] = [];
  const columns: Column[] = [];
  builders.forEach((b, j) => {
    if (b !== null) {
      outNames.push(header[j]);
      columns.push(b.finish());
    }
  });
  return { source: path, names: outNames, numRows: rows, columns };
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/**
 * The column types a model's features force when reading its data: numeric features reject text;
 * categories by name stay text ("01" is not 1); code-encoded categories are read as numbers.
 */
export function featureColumnTypes(features: readonly FeatureSpec[]): Record<string, 'numeric' | 'categorical'> {
  const types: Record<string, 'numeric' | 'categorical'> = {};
  for (const f of features) {
    if (f.type === 'numeric') types[f.name] = 'numeric';
    else if (f.encoding !== 'codes') types[f.name] = 'categorical';
  }
  return types;
}
