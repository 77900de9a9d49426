/**
 * CSV rows written straight into one reused byte buffer: no string per line or per cell to build,
 * join and collect, which for a million-row feature file was a tenth of the run and most of the
 * garbage. Text is quoted as the readers expect (when it holds a comma, a quote or a line break),
 * numbers are written as JavaScript prints them (the shortest text that reads back to the same
 * double; ./number-text.ts writes it without calling String), missing numbers (NaN) as an empty cell.
 */

import { writeShortest } from './number-text.js';

const COMMA = 44;
const NEWLINE = 10;
const QUOTE = 34;
const CR = 13;
const MINUS = 45;
const ZERO = 48;
/** Room writeShortest needs. */
const SHORTEST_MAX_BYTES = 24;
/** Integers below this print digit by digit (2^31: the small-integer range). */
const SMALL_INTEGER = 2 ** 31;

export class CsvOutputBuffer {
  private buf: Buffer;
  private pos = 0;

  constructor(capacity = 1 << 20) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Bytes written since the last reset. */
  get size(): number {
    return this.pos;
  }

  /** The bytes written (a view: valid until the next write or reset). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }

  comma(): void {
    this.room(1);
    this.buf[this.pos++] = COMMA;
  }

  newline(): void {
    this.room(1);
    this.buf[this.pos++] = NEWLINE;
  }

  /** A text cell, quoted when it holds a comma, a quote or a line break. */
  text(s: string): void {
    const n = s.length;
    this.room(n);
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128 || c === COMMA || c === QUOTE || c === NEWLINE || c === CR) {
        this.pos = start;
        this.slowText(s);
        return;
      }
      buf[p++] = c;
    }
    this.pos = p;
  }

  /** A number as String(v) prints it; NaN as an empty cell. */
  number(v: number): void {
    if (v !== v) return;
    if (Number.isInteger(v) && v < SMALL_INTEGER && v > -SMALL_INTEGER) {
      this.room(11);
      const buf = this.buf;
      let x = v;
      if (x < 0) {
        buf[this.pos++] = MINUS;
        x = -x;
      }
      let digits = 1;
      for (let t = x; t >= 10; t = (t / 10) | 0) digits++;
      let p = this.pos + digits;
      this.pos = p;
      do {
        buf[--p] = ZERO + (x % 10);
        x = (x / 10) | 0;
      } while (x > 0);
      return;
    }
    this.room(SHORTEST_MAX_BYTES);
    const end = writeShortest(v, this.buf, this.pos);
    if (end >= 0) {
      this.pos = end;
      return;
    }
    const s = String(v);
    this.room(s.length);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  private slowText(s: string): void {
    const cell = /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    const length = Buffer.byteLength(cell, 'utf8');
    this.room(length);
    this.pos += this.buf.write(cell, this.pos, 'utf8');
  }

  /** Makes room for `n` more ASCII bytes (text callers pass the UTF-16 length: ASCII is one byte each). */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}
