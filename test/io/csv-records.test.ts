/**
 * The fast CSV record path against csv-parse, its reference: the same cells for every kind of
 * record (bare, quoted with commas and escaped quotes, quoted line breaks, CRLF, a bare LF in a
 * CRLF file, blank lines, no final line break), however the text is cut into pieces; the same
 * refusal of malformed records, with the line number in the file; plain decimals read exactly as
 * Number() reads them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse as parseSync } from 'csv-parse/sync';
import { CsvRecordCursor } from '../../src/io/csv-records.js';
import { openCsvRows } from '../../src/io/csv-source.js';
import { FraudlensError } from '../../src/core/errors.js';

const work = mkdtempSync(join(tmpdir(), 'fraudlens-csv-records-'));

/** csv-parse reading a whole file as openCsvRows configures it: the reference. */
function reference(text: string): string[][] {
  return parseSync(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: false });
}

/** Every record of `body` (the text after the header) through the cursor, pushed in pieces of `piece` characters. */
function viaCursor(body: string, crlf: boolean, piece: number): string[][] {
  const cursor = new CsvRecordCursor(',', crlf, 2);
  const out: string[][] = [];
  for (let i = 0; i < body.length; i += piece) {
    cursor.push(body.slice(i, i + piece));
    while (cursor.next()) out.push(cursor.cells());
  }
  cursor.end();
  while (cursor.next()) out.push(cursor.cells());
  return out;
}

const RECORDS = [
  '1,plain,2.5',
  '2,"fraud_Osinski, Ledner and Leuschke",3',
  '3,"say ""hi"", then go",-4.25',
  '4,"",',
  ',,',
  '5,"two\nlines",6',
  '6,"crlf\r\ninside",7',
  '7,"ends with quote """,8',
  '8,ünïcödé €,9',
  '9,"a,b","c,d"',
];

test('every kind of record reads as csv-parse reads it, in LF and CRLF files, cut anywhere', () => {
  for (const eol of ['\n', '\r\n']) {
    const lines = [...RECORDS, '', '10,after a blank line,11'];
    for (const final of [eol, '']) {
      const body = lines.join(eol) + final;
      const expected = reference(`a,b,c${eol}${body}`).slice(1);
      for (const piece of [1, 2, 3, 7, 64, body.length]) {
        assert.deepEqual(
          viaCursor(body, eol === '\r\n', piece),
          expected,
          `eol ${JSON.stringify(eol)}, final ${JSON.stringify(final)}, pieces of ${piece}`,
        );
      }
    }
  }
});

test('a bare LF in a CRLF file belongs to the cell, and a CR in an LF file stays in it, as in csv-parse', () => {
  const crlf = 'x,y\r\n1,a\nb\r\n2,c\r\n';
  assert.deepEqual(viaCursor(crlf.slice(5), true, 3), reference(crlf).slice(1));
  const lf = 'x,y\n1,a\rb\n2,c\r\n3,d\n';
  assert.deepEqual(viaCursor(lf.slice(4), false, 5), reference(lf).slice(1));
});

test('malformed records are refused as csv-parse refuses them, with the line in the file', async () => {
  for (const [body, code] of [
    ['1,ok\n2,x"y\n3,z\n', 'INVALID_OPENING_QUOTE'],
    ['1,ok\n2,"x"y\n3,z\n', 'CSV_INVALID_CLOSING_QUOTE'],
    ['1,ok\n2,"never closed\n3,z\n', 'CSV_QUOTE_NOT_CLOSED'],
  ] as const) {
    assert.throws(
      () => viaCursor(body, false, 4),
      (e: Error & { code?: string; lines?: number }) => {
        assert.equal(e.code, code);
        assert.ok(e.lines !== undefined && e.lines >= 3, `line ${e.lines} counts the header and the first record`);
        return true;
      },
    );
    const path = join(work, `bad-${code}.csv`);
    writeFileSync(path, `a,b\n${body}`);
    const csv = await openCsvRows(path);
    await assert.rejects(
      (async () => {
        for await (const _ of csv.rows()) void _;
      })(),
      (e: unknown) => e instanceof FraudlensError && e.code === 'INPUT_UNREADABLE',
    );
  }
});

test('files, plain and gzipped, read through openCsvRows give csv-parse cells and data row numbers', async () => {
  const text = `\uFEFFa,b,c\r\n${RECORDS.join('\r\n')}\r\n`;
  const expected = reference(text);
  for (const [name, bytes] of [
    ['crlf.csv', Buffer.from(text)],
    ['crlf.csv.gz', gzipSync(text)],
  ] as const) {
    const path = join(work, name);
    writeFileSync(path, bytes);
    const csv = await openCsvRows(path);
    assert.deepEqual(csv.names, expected[0]);
    const rows: string[][] = [];
    const numbers: number[] = [];
    for await (const batch of csv.records()) {
      while (batch.next()) {
        rows.push(batch.cells());
        numbers.push(batch.row);
      }
    }
    assert.deepEqual(rows, expected.slice(1));
    assert.deepEqual(
      numbers,
      rows.map((_, i) => i + 1),
    );
  }
});

test('plain decimals read exactly as Number() reads them; anything else is left to Number()', () => {
  const cells = ['0', '-0', '7', '007', '126.21', '-78.4642', '.5', '41.920307', '123456789012345', '0.1', '99999.99999'];
  const other = ['', '1.', '+5', '1e5', ' 12', '0x1F', 'abc', '1234567890123456', '-', '1.2.3'];
  const cursor = new CsvRecordCursor(',', false, 2);
  cursor.push([...cells, ...other].join(',') + '\n');
  assert.ok(cursor.next());
  cells.forEach((c, i) => assert.ok(Object.is(cursor.plainNumber(i), Number(c)), `${c}: ${cursor.plainNumber(i)}`));
  other.forEach((c, i) => assert.equal(cursor.plainNumber(cells.length + i), undefined, c));
  cursor.push('"3","-2.5"\n');
  assert.ok(cursor.next());
  assert.deepEqual([cursor.plainNumber(0), cursor.plainNumber(1)], [3, -2.5], 'a quoted number reads as its text');
  let fast = 0;
  for (let i = 0; i < 20000; i++) {
    const c = (Math.random() * 10 ** ((i % 12) - 2)).toFixed(i % 8);
    cursor.push(`${c}\n`);
    assert.ok(cursor.next());
    const v = cursor.plainNumber(0);
    if (v === undefined) assert.ok(c.replace(/^[-0.]+/, '').replace('.', '').length > 15, `${c} has at most 15 digits`);
    else {
      fast++;
      assert.equal(v, Number(c), c);
    }
  }
  assert.ok(fast > 15000, `${fast} of 20000 read without slicing`);
});
