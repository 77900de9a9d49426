/**
 * The CSV output buffer against its references: numbers print exactly as String(v) (the shortest
 * text that reads back to the same double), text cells quote as a CSV reader expects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseSync } from 'csv-parse/sync';
import { CsvOutputBuffer } from '../../src/io/csv-output.js';
import { writeShortest } from '../../src/io/number-text.js';

function printed(write: (out: CsvOutputBuffer) => void): string {
  const out = new CsvOutputBuffer(4);
  write(out);
  return out.bytes().toString('utf8');
}

test('numbers print as String(v): integers, few decimals, full doubles, extremes; NaN is empty', () => {
  const values = [0, -0, 1, -1, 42, 2 ** 31 - 1, -(2 ** 31) + 1, 2 ** 31, 2 ** 53, 1e21, 1.5e-7, 1e-4, 0.1, 0.30000000000000004];
  values.push(126.21, -78.4642, 1234.5600000000002, 1 / 3, Math.PI * 1e10, 99999999999.99, 1e11, Infinity, -Infinity);
  // Amounts (cents), their sums, means and ratios: what a feature file holds.
  let sum = 0;
  for (let i = 0; i < 200_000; i++) {
    const amt = Math.round(Math.random() * 10 ** (1 + (i % 6))) / 100;
    sum += amt;
    values.push(amt, -amt, sum, sum / (i + 1), amt / 3, Math.round(Math.random() * 1e8) / 1e4);
  }
  for (const v of values)
    assert.equal(
      printed((o) => o.number(v)),
      String(v),
      `${v}`,
    );
  assert.equal(
    printed((o) => o.number(NaN)),
    '',
  );
});

test('text cells are quoted when they hold a comma, a quote or a line break, and read back unchanged', () => {
  const cells = ['plain', 'fraud_Osinski, Ledner and Leuschke', 'say "hi"', 'two\nlines', 'cr\rhere', 'ünïcödé €', ''];
  const line = printed((o) =>
    cells.forEach((c, i) => {
      if (i > 0) o.comma();
      o.text(c);
    }),
  );
  assert.deepEqual(parseSync(line, { relax_column_count: true }), [cells]);
  assert.equal(
    printed((o) => o.text('a,b')),
    '"a,b"',
  );
});

/** Share of in-range doubles the printer may decline (measured: about 4e-5). */
const MAX_IN_RANGE_DECLINED_SHARE = 1e-4;

test('writeShortest prints String(v) for random and edge doubles, and declines only what it cannot decide', () => {
  const buf = new Uint8Array(64);
  const decoder = new TextDecoder();
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  let decided = 0;
  let inRangeDeclined = 0;
  const check = (v: number): void => {
    const end = writeShortest(v, buf, 0);
    if (end < 0) {
      const a = Math.abs(v);
      // Declined in range: only powers of two (lopsided interval) or exact halfway products, both rare.
      if (a >= 1e-5 && a < 1e13 && Math.log2(a) !== Math.round(Math.log2(a))) inRangeDeclined++;
      return;
    }
    decided++;
    assert.equal(decoder.decode(buf.subarray(0, end)), String(v), `${v}`);
  };
  const edges = [
    1e-5,
    0.1,
    0.2,
    0.3,
    0.30000000000000004,
    1 / 3,
    2 / 3,
    123.456,
    4.35,
    0.000123,
    99999999999.99,
    1234.5600000000002,
  ];
  edges.push(1e13 - 2 ** -9, 5e-324, 1e13, Number.MAX_VALUE, 0.5, 1, 2 ** 40, 3 * 2 ** -10, -0.1, -1e-5);
  for (const v of edges) check(v);
  for (let k = -6; k <= 14; k++) {
    const p = 10 ** k;
    for (const f of [1, 1 + 2 ** -52, 1 - 2 ** -53, 1 - 2 ** -52, 1 + 2 ** -51, 1.5, 9.99]) check(p * f);
  }
  for (let i = 0; i < 200_000; i++) {
    words[0] = (Math.random() * 2 ** 32) >>> 0;
    words[1] = (Math.random() * 2 ** 32) >>> 0;
    check(bits[0]); // any double (most outside the range: declined)
    check((Math.random() - 0.5) * 10 ** (Math.floor(Math.random() * 20) - 6)); // every decade of the range
    const amt = Math.round(Math.random() * 1e6) / 100;
    check(amt);
    check(amt / 7); // means and ratios: full-precision doubles
    check(amt / (Math.round(Math.random() * 1e5 + 1) / 100));
    check(Math.round(Math.random() * 1e15) / 10 ** Math.floor(Math.random() * 22)); // up to 15 digits, any scale
    check(Math.floor(Math.random() * 1e13));
  }
  assert.ok(decided > 1_000_000, `decided ${decided}`);
  // The inputs are random: bound the share of in-range values handed back to String(v), not a count.
  assert.ok(inRangeDeclined < decided * MAX_IN_RANGE_DECLINED_SHARE, `declined ${inRangeDeclined} in range of ${decided}`);
});
