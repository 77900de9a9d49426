/**
 * The CSV reader on files as people have them: a ragged row named by its data row wherever it is,
 * semicolon-, tab- and pipe-separated files detected from the header, a header-only file refused,
 * and chunked reading that splits rows without losing or renumbering any.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FraudlensError } from '../../src/core/errors.js';
import { readCsv, readCsvChunks } from '../../src/io/csv.js';
import { detectDelimiter } from '../../src/io/csv-source.js';
const work = mkdtempSync(join(tmpdir(), 'fraudlens-csv-'));
function write(name, text) {
    const path = join(work, name);
    writeFileSync(path, text);
    return path;
}
/** Rows `a,b,c` numbered from 1, enough to span several parser reads. */
function rows(n, sep = ',') {
    return Array.from({ length: n }, (_, i) => [i + 1, (i * 0.5).toFixed(1), `c${i % 3}`].join(sep));
}
async function rejectsWith(p, code, check = () => undefined) {
    await assert.rejects(p, (e) => {
        assert.ok(e instanceof FraudlensError, `a FraudlensError, got ${String(e)}`);
        assert.equal(e.code, code, e.message);
        check(e);
        return true;
    });
}
test('a ragged row deep in the file is named by its data row, with both cell counts', async () => {
    const body = rows(20000);
    body[12344] = '12345,6';
    const path = write('ragged.csv', ['a,b,c', ...body].join('\n') + '\n');
    await rejectsWith(readCsv(path), 'INPUT_RAGGED_ROW', (e) => {
        assert.equal(e.location.row, 12345);
        assert.match(e.message, /data row 12345 has 2 cells, the header has 3/);
    });
    const extra = rows(50);
    extra[9] += ',x';
    await rejectsWith(readCsv(write('extra.csv', ['a,b,c', ...extra].join('\n'))), 'INPUT_RAGGED_ROW', (e) => {
        assert.equal(e.location.row, 10);
        assert.match(e.message, /has 4 cells, the header has 3/);
    });
});
test('the delimiter is detected from the header line, outside quotes', () => {
    assert.equal(detectDelimiter('a,b,c'), ',');
    assert.equal(detectDelimiter('a;b;c'), ';');
    assert.equal(detectDelimiter('a\tb\tc'), '\t');
    assert.equal(detectDelimiter('a|b|c'), '|');
    assert.equal(detectDelimiter('"x,y";b;c'), ';');
    assert.equal(detectDelimiter('only'), ',');
    assert.equal(detectDelimiter('a,b;c'), ',', 'a tie goes to the comma');
});
test('semicolon, tab and pipe files read like the comma file, and the detection is told', async () => {
    const comma = await readCsv(write('comma.csv', ['a,b,c', ...rows(100)].join('\n')));
    for (const [name, sep] of [
        ['semi.csv', ';'],
        ['tab.tsv', '\t'],
        ['pipe.csv', '|'],
    ]) {
        const notes = [];
        const table = await readCsv(write(name, [['a', 'b', 'c'].join(sep), ...rows(100, sep)].join('\n')), {
            onNote: (m) => notes.push(m),
        });
        assert.deepEqual(table, { ...comma, source: join(work, name) });
        assert.equal(notes.length, 1);
        assert.ok(notes[0].includes(name) && notes[0].includes('detected'), notes[0]);
    }
    // European decimals in a semicolon file stay text, not split cells.
    const euro = await readCsv(write('euro.csv', 'amt;cat\n1,5;x\n2,25;y\n'));
    assert.deepEqual(euro.names, ['amt', 'cat']);
    assert.equal(euro.columns[0].kind, 'categorical');
});
test('a forced delimiter that leaves one header column holding another delimiter is refused, saying so', async () => {
    const path = write('semi-forced.csv', 'amt;category;hour\n1,5;x;3\n2;y;4\n');
    await rejectsWith(readCsv(path, { delimiter: ',' }), 'INPUT_UNREADABLE', (e) => {
        assert.match(e.message, /one column "amt;category;hour" containing ";"/);
        assert.match(e.message, /--delimiter ';'/);
    });
    const table = await readCsv(path, { delimiter: ';' });
    assert.deepEqual(table.names, ['amt', 'category', 'hour']);
});
test('a header without data rows is INPUT_EMPTY, whole or in chunks', async () => {
    const path = write('header-only.csv', 'a,b,c\n');
    await rejectsWith(readCsv(path), 'INPUT_EMPTY', (e) => assert.match(e.message, /header but no data rows/));
    await rejectsWith((async () => {
        for await (const _ of readCsvChunks(path, 10))
            void _;
    })(), 'INPUT_EMPTY');
    await rejectsWith(readCsv(write('nothing.csv', '')), 'INPUT_EMPTY');
});
test('chunks cover every row once, in order, and errors name the row in the file', async () => {
    const path = write('chunks.csv', ['a,b,c', ...rows(1003)].join('\n'));
    const whole = await readCsv(path);
    const seen = [];
    const firsts = [];
    for await (const { table, firstRow } of readCsvChunks(path, 100)) {
        firsts.push(firstRow);
        const a = table.columns[0];
        assert.equal(a.kind, 'numeric');
        if (a.kind === 'numeric')
            seen.push(...a.values);
    }
    assert.deepEqual(firsts, Array.from({ length: 11 }, (_, i) => 1 + 100 * i));
    assert.deepEqual(seen, Array.from(whole.columns[0].values));
    const body = rows(1003);
    body[456] = '457,abc,c1';
    const bad = write('chunk-bad.csv', ['a,b,c', ...body].join('\n'));
    await rejectsWith((async () => {
        for await (const _ of readCsvChunks(bad, 100, { types: { b: 'numeric' } }))
            void _;
    })(), 'INPUT_NOT_A_NUMBER', (e) => {
        assert.equal(e.location.row, 457);
        assert.equal(e.location.column, 'b');
    });
});
//# sourceMappingURL=csv.test.js.map