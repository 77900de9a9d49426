/**
 * CSV rows written straight into one reused byte buffer: no string per line or per cell to build,
 * join and collect, which for a million-row feature file was a tenth of the run and most of the
 * garbage. Text is quoted as the readers expect (when it holds a comma, a quote or a line break),
 * numbers are written as JavaScript prints them (the shortest text that reads back to the same
 * double), missing numbers (NaN) as an empty cell.
 */

const COMMA = 44;
const NEWLINE = 10;
const QUOTE = 34;
const CR = 13;
const MINUS = 45;
const ZERO = 48;
const DOT = 46;
/** Decimals tried by the exact fast path before String(v). */
const MAX_FAST_DECIMALS = 4;
const POWERS_OF_TEN = Float64Array.from({ length: MAX_FAST_DECIMALS + 1 }, (_, i) => 10 ** i);
const MAX_15_DIGITS = 1e15;
/** String(v) prints fixed notation (no exponent) in [1e-6, 1e21); the fast path keeps well inside. */
const FAST_MIN = 1e-4;
const FAST_MAX = 1e11;
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
    if (this.fewDecimals(v)) return;
    const s = String(v);
    this.room(s.length);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /**
   * Writes v when it is the double nearest to m / 10^k for an integer m of at most 15 digits and
   * 1 ≤ k ≤ MAX_FAST_DECIMALS (amounts and their sums mostly are). That decimal is then what String(v) prints:
   * two decimals of at most 15 significant digits never round to the same double, so it is the
   * shortest that reads back as v, and the smallest such k leaves no trailing zero.
   */
  private fewDecimals(v: number): boolean {
    const a = v < 0 ? -v : v;
    if (!(a >= FAST_MIN && a < FAST_MAX) || Number.isInteger(a)) return false;
    // A value with k ≤ MAX_FAST_DECIMALS decimals also passes the test at MAX_FAST_DECIMALS: check that first, so a
    // full-precision double (most means and ratios) costs one try, not MAX_FAST_DECIMALS.
    const top = POWERS_OF_TEN[MAX_FAST_DECIMALS];
    if (Math.round(a * top) / top !== a) return false;
    for (let k = 1; k <= MAX_FAST_DECIMALS; k++) {
      const scale = POWERS_OF_TEN[k];
      const m = Math.round(a * scale);
      if (m >= MAX_15_DIGITS) return false;
      if (m / scale !== a) continue;
      // m / 10^k: integer part, '.', k digits (with leading zeros).
      this.room(18);
      const buf = this.buf;
      if (v < 0) buf[this.pos++] = MINUS;
      let digits = 1;
      for (let t = m; t >= 10; t = Math.floor(t / 10)) digits++;
      const width = Math.max(digits, k + 1) + 1;
      let p = this.pos + width;
      this.pos = p;
      let x = m;
      for (let i = 0; i < k; i++) {
        buf[--p] = ZERO + (x % 10);
        x = Math.floor(x / 10);
      }
      buf[--p] = DOT;
      do {
        buf[--p] = ZERO + (x % 10);
        x = Math.floor(x / 10);
      } while (x > 0);
      return true;
    }
    return false;
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
