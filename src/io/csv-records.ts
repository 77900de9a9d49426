/**
 * The fast path of the CSV reader: records cut from decoded text one chunk at a time, their cells
 * located by offsets and sliced only when asked for, so a reader that needs a few columns of a
 * wide file allocates a few strings per row, not one array and a string per cell.
 *
 * It handles what files mostly hold: one record per line, ending in the line break found after the
 * header (`\n` or `\r\n`), cells either bare or wholly quoted (`"…"`, with `""` for a quote inside).
 * Any other record (a quoted line break, a quote inside a bare cell, a line break of the other kind)
 * is handed to csv-parse with the stream's options, so every file reads exactly as csv-parse reads
 * it, and malformed ones fail with csv-parse's error and the file's line number.
 */

import { parse as parseSync } from 'csv-parse/sync';

const QUOTE = 34; // "
const CR = 13;

/** Cells of a record whose text has `""` escapes to undo. */
const FLAG_ESCAPED = 1;

/** A csv-parse error, with `lines` counted from the start of the file. */
export type CsvParseError = Error & { code?: string; lines?: number };

/**
 * Cuts decoded text into records and positions on one record at a time. `push` a piece of text
 * (continuing the previous one), then `next()` until it returns false; `end()` after the last piece.
 */
export class CsvRecordCursor {
  /** Text of the current batch of records (complete records only). */
  private text = '';
  /** The unfinished record carried into the next push. */
  private carry = '';
  /** Records of the batch: [start, end) in text, without the line break; the file line of each. */
  private recStart = new Int32Array(1024);
  private recEnd = new Int32Array(1024);
  private recLine = new Float64Array(1024);
  private recIrregular = new Uint8Array(1024);
  private recCount = 0;
  private recNext = 0;
  /** File line (1-based) at which `carry` starts. */
  private carryLine: number;

  /** Cells of the current record. */
  private cellStart = new Int32Array(64);
  private cellEnd = new Int32Array(64);
  private cellFlags = new Uint8Array(64);
  private count = 0;
  /** Cells of a record read by csv-parse (irregular); null on the fast path. */
  private parsed: string[] | null = null;
  private readonly delimiterCode: number;

  /**
   * @param delimiter the cell delimiter
   * @param crlf whether records end in `\r\n` (else `\n`)
   * @param firstLine the file line of the first record pushed
   */
  constructor(
    private readonly delimiter: string,
    private readonly crlf: boolean,
    firstLine: number,
  ) {
    this.delimiterCode = delimiter.charCodeAt(0);
    this.carryLine = firstLine;
  }

  /** Number of cells of the current record. */
  get length(): number {
    return this.count;
  }

  /** Adds decoded text; the complete records in it (with the carried start) become the batch. */
  push(piece: string): void {
    const text = this.carry + piece;
    this.recCount = 0;
    this.recNext = 0;
    let start = 0;
    let line = this.carryLine;
    let lines = 0; // line breaks inside the record being cut
    let quotes = 0; // quotes in it: odd means a quoted cell goes on past this line break
    let irregular = 0;
    let pos = 0;
    let nextQuote = text.indexOf('"');
    while (true) {
      const nl = text.indexOf('\n', pos);
      if (nl < 0) break;
      while (nextQuote >= 0 && nextQuote < nl) {
        quotes++;
        nextQuote = text.indexOf('"', nextQuote + 1);
      }
      lines++;
      pos = nl + 1;
      let end = nl;
      if (this.crlf) {
        if (nl > start && text.charCodeAt(nl - 1) === CR) end = nl - 1;
        else {
          // A bare \n in a \r\n file belongs to a cell, as csv-parse reads it.
          irregular = 1;
          continue;
        }
      }
      if ((quotes & 1) === 1) {
        irregular = 1;
        continue;
      }
      if (end > start || lines > 1) this.addRecord(start, end, line, irregular | (quotes > 0 ? 2 : 0));
      line += lines;
      lines = 0;
      quotes = 0;
      irregular = 0;
      start = pos;
    }
    this.text = text;
    this.carry = text.slice(start);
    this.carryLine = line;
  }

  /** Ends the input: the carried text, if any, is the last record. */
  end(): void {
    const text = this.carry;
    this.carry = '';
    this.recCount = 0;
    this.recNext = 0;
    this.text = text;
    let end = text.length;
    if (this.crlf && end > 0 && text.charCodeAt(end - 1) === CR) end--;
    if (end === 0) return;
    let quotes = 0;
    for (let q = text.indexOf('"'); q >= 0; q = text.indexOf('"', q + 1)) quotes++;
    const multiline = text.indexOf('\n') >= 0;
    this.addRecord(0, end, this.carryLine, (quotes & 1) === 1 || multiline ? 1 : quotes > 0 ? 2 : 0);
  }

  private addRecord(start: number, end: number, line: number, kind: number): void {
    if (this.recCount === this.recStart.length) {
      const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.recStart = grow(this.recStart);
      this.recEnd = grow(this.recEnd);
      this.recLine = grow(this.recLine);
      this.recIrregular = grow(this.recIrregular);
    }
    const r = this.recCount++;
    this.recStart[r] = start;
    this.recEnd[r] = end;
    this.recLine[r] = line;
    this.recIrregular[r] = kind;
  }

  /**
   * Positions on the next record of the batch and locates its cells.
   * @returns false when the batch is done
   * @throws CsvParseError (from csv-parse) for a malformed record, `lines` counted in the file
   */
  next(): boolean {
    if (this.recNext === this.recCount) return false;
    const r = this.recNext++;
    const start = this.recStart[r];
    const end = this.recEnd[r];
    const kind = this.recIrregular[r];
    this.parsed = null;
    if (kind === 0) this.splitBare(start, end);
    else if ((kind & 1) === 1 || !this.splitQuoted(start, end)) this.parseIrregular(start, end, this.recLine[r]);
    return true;
  }

  /** Cell i of the current record (0 ≤ i < length). */
  cell(i: number): string {
    if (this.parsed !== null) return this.parsed[i];
    const s = this.text.slice(this.cellStart[i], this.cellEnd[i]);
    return (this.cellFlags[i] & FLAG_ESCAPED) === 0 ? s : s.replaceAll('""', '"');
  }

  /** The cells of the current record as an array. */
  cells(): string[] {
    if (this.parsed !== null) return this.parsed;
    const out = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.cell(i);
    return out;
  }

  /**
   * The number in cell i when it is plain decimal (`-?digits[.digits]`) with at most 15 significant
   * digits, read exactly without slicing (an integer below 2^53 divided by a power of ten up to
   * 10^22 is one correctly rounded division, as Number() rounds); otherwise undefined.
   */
  plainNumber(i: number): number | undefined {
    if (this.parsed !== null) return undefined;
    const text = this.text;
    let p = this.cellStart[i];
    const end = this.cellEnd[i];
    if (p === end || this.cellFlags[i] !== 0) return undefined;
    let negative = false;
    if (text.charCodeAt(p) === 45) {
      negative = true;
      p++;
    }
    let mantissa = 0;
    let digits = 0;
    let decimals = -1;
    for (; p < end; p++) {
      const c = text.charCodeAt(p) - 48;
      if (c >= 0 && c <= 9) {
        mantissa = mantissa * 10 + c;
        digits++;
        if (decimals >= 0) decimals++;
      } else if (c === -2 && decimals < 0)
        decimals = 0; // '.'
      else return undefined;
    }
    if (digits === 0 || digits > 15 || decimals === 0) return undefined;
    const v = decimals > 0 ? mantissa / POWERS_OF_TEN[decimals] : mantissa;
    return negative ? -v : v;
  }

  private ensureCells(n: number): void {
    if (n <= this.cellStart.length) return;
    let cap = this.cellStart.length;
    while (cap < n) cap *= 2;
    this.cellStart = new Int32Array(cap);
    this.cellEnd = new Int32Array(cap);
    this.cellFlags = new Uint8Array(cap);
  }

  private setCell(n: number, start: number, end: number, flags: number): void {
    if (n === this.cellStart.length) {
      const s = this.cellStart;
      const e = this.cellEnd;
      const f = this.cellFlags;
      this.ensureCells(n + 1);
      this.cellStart.set(s);
      this.cellEnd.set(e);
      this.cellFlags.set(f);
    }
    this.cellStart[n] = start;
    this.cellEnd[n] = end;
    this.cellFlags[n] = flags;
  }

  private splitBare(start: number, end: number): void {
    const text = this.text;
    const d = this.delimiter;
    let n = 0;
    let from = start;
    while (true) {
      let at = text.indexOf(d, from);
      if (at < 0 || at > end) at = end;
      this.setCell(n++, from, at, 0);
      if (at === end) break;
      from = at + 1;
    }
    this.count = n;
  }

  /** Cells bare or wholly quoted; false when the record needs csv-parse. */
  private splitQuoted(start: number, end: number): boolean {
    const text = this.text;
    const d = this.delimiterCode;
    let n = 0;
    let from = start;
    while (true) {
      if (from < end && text.charCodeAt(from) === QUOTE) {
        let flags = 0;
        let q = from + 1;
        while (true) {
          q = text.indexOf('"', q);
          if (q < 0 || q >= end) return false;
          if (q + 1 < end && text.charCodeAt(q + 1) === QUOTE) {
            flags = FLAG_ESCAPED;
            q += 2;
          } else break;
        }
        this.setCell(n++, from + 1, q, flags);
        if (q + 1 === end) break;
        if (text.charCodeAt(q + 1) !== d) return false;
        from = q + 2;
      } else {
        let at = from;
        while (at < end && text.charCodeAt(at) !== d) {
          if (text.charCodeAt(at) === QUOTE) return false;
          at++;
        }
        this.setCell(n++, from, at, 0);
        if (at === end) break;
        from = at + 1;
      }
    }
    this.count = n;
    return true;
  }

  private parseIrregular(start: number, end: number, line: number): void {
    let records: string[][];
    try {
      records = parseSync(this.text.slice(start, end), {
        delimiter: this.delimiter,
        record_delimiter: this.crlf ? '\r\n' : '\n',
        relax_column_count: true,
        trim: false,
      });
    } catch (e) {
      const err = e as CsvParseError;
      if (typeof err.lines === 'number') err.lines += line - 1;
      throw err;
    }
    // One line of a record never splits into two here: every line break in it is inside quotes
    // (or of the other kind), so csv-parse returns exactly one record.
    this.parsed = records[0] ?? [''];
    this.count = this.parsed.length;
  }
}

const POWERS_OF_TEN = Float64Array.from({ length: 16 }, (_, i) => 10 ** i);
