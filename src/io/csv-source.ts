/**
 * The rows of a CSV file (optionally gzip-compressed), one string array per data row, read as a
 * stream: the header first, then data rows in order. Parsing is csv-parse's; this module picks
 * the cell delimiter, checks every row's cell count against the header, and turns every failure
 * into a one-line FraudlensError naming the file and the data row.
 *
 * Row numbers are 1-based data rows, the header not counted (as in every CLI error); with no
 * quoted line breaks, data row N is line N + 1 of the file.
 *
 * Delimiter: `,` `;` tab or `|`. Unless given, it is the candidate that occurs most often, outside
 * quotes, in the header line (ties go to the earlier one in that list; none at all: `,`).
 */

import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { StringDecoder } from 'node:string_decoder';
import { CsvRecordCursor } from './csv-records.js';
import { FraudlensError } from '../core/errors.js';

/** The delimiters fraudlens reads, in tie-break order of detection. */
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** How a delimiter is named in messages (a tab is invisible). */
export function delimiterName(d: CsvDelimiter): string {
  return d === '\t' ? 'tab' : `"${d}"`;
}

export interface CsvSourceOptions {
  /** The cell delimiter; detected from the header line when absent. */
  delimiter?: CsvDelimiter;
  /** Told about decisions a user should know of (a detected delimiter other than ","). */
  onNote?: (message: string) => void;
}

export interface CsvRows {
  /** Column names from the header, trimmed; an empty one is named `_unnamed_<index>`. */
  readonly names: readonly string[];
  readonly delimiter: CsvDelimiter;
  /**
   * The data rows in order (iterate once), each with exactly `names.length` cells; a row with
   * another count is INPUT_RAGGED_ROW naming its data row. Leaving the loop early closes the file.
   */
  rows(): AsyncGenerator<string[], void, undefined>;
  /**
   * The data rows as batches through one reused record, so a reader slices only the cells it
   * needs: `for await (const batch of csv.records()) while (batch.next()) use(batch.cell(3))`.
   * Iterate once, and rows() or records(), not both.
   */
  records(): AsyncGenerator<CsvRecord, void, undefined>;
  /** Closes the file when rows() is not iterated to its end. */
  close(): void;
}

/** One data row of a file, positioned by `next()` (see CsvRows.records). */
export interface CsvRecord {
  /** Moves to the next row of this batch; false when the batch is done. Throws INPUT_RAGGED_ROW, INPUT_UNREADABLE. */
  next(): boolean;
  /** The 1-based data row of the current row. */
  readonly row: number;
  cell(index: number): string;
  cells(): string[];
  /** The cell read exactly as Number() would when it is plain decimal, without slicing it; else undefined. */
  plainNumber(index: number): number | undefined;
}

/** Bytes per read and per decompressed piece: larger pieces mean fewer stream hand-offs per row. */
const READ_CHUNK_BYTES = 256 * 1024;

/** The header line is looked for in at most this many bytes. */
const MAX_HEADER_BYTES = 1 << 20;

/**
 * The candidate delimiter occurring most often outside double quotes in a header line.
 * @example detectDelimiter('amt;category;"a;b"') // ';'
 */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  const counts = new Map<string, number>(CSV_DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best: CsvDelimiter = ',';
  for (const d of CSV_DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** Index of the first line break outside double quotes (in characters, or in bytes of UTF-8), or -1. */
function headerEnd(text: string | Buffer): number {
  let quoted = false;
  const bytes = typeof text !== 'string';
  for (let i = 0; i < text.length; i++) {
    const ch = bytes ? text[i] : text.charCodeAt(i);
    if (ch === 34) quoted = !quoted;
    else if (!quoted && (ch === 10 || ch === 13)) return i;
  }
  return -1;
}

/**
 * Opens a CSV file and reads its header.
 * @example const csv = await openCsvRows('data.csv.gz'); for await (const row of csv.rows()) { … }
 */
export async function openCsvRows(path: string, options: CsvSourceOptions = {}): Promise<CsvRows> {
  const file = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  await new Promise<void>((resolve, reject) => {
    file.once('open', () => resolve());
    file.once('error', (e: NodeJS.ErrnoException) => reject(unreadable(path, `cannot read file: ${e.code ?? e.message}`)));
  });
  const input: Readable = path.endsWith('.gz') ? file.pipe(createGunzip({ chunkSize: READ_CHUNK_BYTES })) : file;
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const close = (): void => {
    input.destroy();
    file.destroy();
  };

  // Read up to the end of the header line to choose the delimiter, then replay those bytes.
  const head: Buffer[] = [];
  let headText = '';
  try {
    let headBytes = 0;
    while (headBytes < MAX_HEADER_BYTES) {
      const next = await chunks.next();
      if (next.done) break;
      head.push(next.value);
      headBytes += next.value.length;
      headText = Buffer.concat(head).toString('utf8');
      if (headerEnd(headText) >= 0) break;
    }
  } catch (e) {
    close();
    throw translateError(path, e);
  }
  const end = headerEnd(headText);
  const headerLine = (end >= 0 ? headText.slice(0, end) : headText).replace(/^\uFEFF/, '');
  const delimiter = options.delimiter ?? detectDelimiter(headerLine);
  if (options.delimiter === undefined && delimiter !== ',') {
    options.onNote?.(
      `${path}: cells are separated by ${delimiterName(delimiter)} (detected from the header; --delimiter sets it)`,
    );
  }

  const terminator =
    end <= 0 || headerLine === '' ? '' : headText[end] === '\n' ? '\n' : headText.startsWith('\r\n', end) ? '\r\n' : '';
  if (terminator !== '') {
    // The fast path: the header line by csv-parse, the records after it by CsvRecordCursor.
    let names: string[];
    try {
      const header = parseSync(headText.slice(0, end), { bom: true, delimiter, relax_column_count: true, trim: false });
      names = checkedNames(path, delimiter, header[0] ?? [], close);
    } catch (e) {
      close();
      throw translateError(path, e);
    }
    // The first record's file line: after the header's own lines (a quoted header cell may span several).
    const headerLines = headText.slice(0, end).split('\n').length;
    const cursor = new CsvRecordCursor(delimiter, terminator === '\r\n', headerLines + 1);
    const headBytes = Buffer.concat(head);
    const rest = headBytes.subarray(headerEnd(headBytes) + terminator.length);
    async function* pieces(): AsyncGenerator<string> {
      const decoder = new StringDecoder('utf8');
      yield decoder.write(rest);
      while (true) {
        const next = await chunks.next();
        if (next.done) break;
        yield decoder.write(next.value);
      }
      const tail = decoder.end();
      if (tail !== '') yield tail;
    }
    return fromBatches(path, names, delimiter, close, cursorBatches(cursor, pieces()));
  }

  async function* replay(): AsyncGenerator<Buffer> {
    yield* head;
    while (true) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const parser = parse({ bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, trim: false });
  // Every failure (read, decompress, parse) reaches the reader through the parser's iterator.
  pipeline(Readable.from(replay()), parser).catch(() => undefined);
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;

  let first: IteratorResult<string[]>;
  try {
    first = await records.next();
  } catch (e) {
    close();
    throw translateError(path, e);
  }
  if (first.done) {
    close();
    throw new FraudlensError('INPUT_EMPTY', 'the file is empty (no header)', { file: path });
  }
  const names = checkedNames(path, delimiter, first.value, close);
  return fromBatches(path, names, delimiter, close, arrayBatches(records));
}

/** Header cells → column names, refusing duplicates and a header that shows another delimiter. */
function checkedNames(path: string, delimiter: CsvDelimiter, header: readonly string[], close: () => void): string[] {
  const names = header.map((h, i) => (h.trim() === '' ? `_unnamed_${i}` : h.trim()));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) {
    close();
    throw new FraudlensError('INPUT_UNREADABLE', `the header names column "${dup}" twice`, { file: path, column: dup });
  }
  if (names.length === 1) {
    // One column whose name holds another delimiter: the file uses that one, not the one given.
    const other = CSV_DELIMITERS.find((d) => d !== delimiter && names[0].includes(d));
    if (other !== undefined) {
      close();
      throw new FraudlensError(
        'INPUT_UNREADABLE',
        `the header parses as one column "${truncate(names[0])}" containing ${delimiterName(other)}: the cells look separated by ${delimiterName(other)}, not ${delimiterName(delimiter)}; pass --delimiter '${other === '\t' ? 'tab' : other}' or leave --delimiter out to detect it`,
        { file: path },
      );
    }
  }
  return names;
}

/** A source of records: `next()` positions on the next record of the current batch. */
interface RecordSource {
  next(): boolean;
  readonly length: number;
  cell(i: number): string;
  cells(): string[];
  plainNumber(i: number): number | undefined;
}

async function* cursorBatches(cursor: CsvRecordCursor, pieces: AsyncGenerator<string>): AsyncGenerator<RecordSource> {
  for await (const piece of pieces) {
    cursor.push(piece);
    yield cursor;
  }
  cursor.end();
  yield cursor;
}

/** csv-parse's records (files the fast path does not take: \r line breaks, headers over 1 MB) as batches of one. */
async function* arrayBatches(records: AsyncIterator<string[]>): AsyncGenerator<RecordSource> {
  let current: string[] = [];
  let pending = false;
  const source: RecordSource = {
    next: () => {
      const had = pending;
      pending = false;
      return had;
    },
    get length() {
      return current.length;
    },
    cell: (i) => current[i],
    cells: () => current,
    plainNumber: () => undefined,
  };
  while (true) {
    const next = await records.next();
    if (next.done) return;
    current = next.value;
    pending = true;
    yield source;
  }
}

function fromBatches(
  path: string,
  names: string[],
  delimiter: CsvDelimiter,
  close: () => void,
  batches: AsyncGenerator<RecordSource>,
): CsvRows {
  let row = 0;
  let source: RecordSource | undefined;
  const record: CsvRecord = {
    get row() {
      return row;
    },
    next() {
      let has: boolean;
      try {
        has = source!.next();
      } catch (e) {
        throw translateError(path, e);
      }
      if (!has) return false;
      row++;
      if (source!.length !== names.length) {
        throw new FraudlensError(
          'INPUT_RAGGED_ROW',
          `data row ${row} has ${source!.length} cells, the header has ${names.length} (cells separated by ${delimiterName(delimiter)})`,
          { file: path, row },
        );
      }
      return true;
    },
    cell: (i) => source!.cell(i),
    cells: () => source!.cells(),
    plainNumber: (i) => source!.plainNumber(i),
  };
  async function* records(): AsyncGenerator<CsvRecord, void, undefined> {
    try {
      while (true) {
        let next: IteratorResult<RecordSource>;
        try {
          next = await batches.next();
        } catch (e) {
          throw translateError(path, e);
        }
        if (next.done) return;
        source = next.value;
        yield record;
      }
    } finally {
      close();
    }
  }
  async function* rows(): AsyncGenerator<string[], void, undefined> {
    for await (const batch of records()) while (batch.next()) yield batch.cells();
  }
  return { names, delimiter, rows, records, close };
}

function unreadable(path: string, why: string): FraudlensError {
  return new FraudlensError('INPUT_UNREADABLE', why, { file: path });
}

/** A failure from the file, gunzip or csv-parse as one FraudlensError. */
function translateError(path: string, e: unknown): FraudlensError {
  if (e instanceof FraudlensError) return e;
  const err = e as { code?: string; message?: string; lines?: number };
  if (err.code?.startsWith('CSV_')) {
    // The parser reads ahead of the rows handed out, so only its own line count is exact here.
    return unreadable(path, `malformed CSV near line ${err.lines ?? '?'} of the file: ${err.message}`);
  }
  if (err.code?.startsWith('Z_') || err.message?.includes('unexpected end')) {
    const truncated = err.code === 'Z_BUF_ERROR' || err.message?.includes('unexpected end');
    return unreadable(
      path,
      truncated ? 'the file is truncated (unexpected end of compressed data)' : `cannot decompress: ${err.message}`,
    );
  }
  return unreadable(path, `cannot read file: ${err.code ?? err.message ?? String(e)}`);
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
