/**
 * The CSV output buffer against its references: numbers print exactly as String(v) (the shortest
 * text that reads back to the same double), text cells quote as a CSV reader expects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseSync } from 'csv-parse/sync';
import { CsvOutputBuffer } from '../../src/io/csv-output.js';

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
