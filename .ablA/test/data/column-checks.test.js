/** The identifier and date rules at their documented boundaries. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATE_SAMPLE_VALUES, findUnsuitableColumns, IDENTIFIER_DISTINCT_SHARE, IDENTIFIER_MIN_VALUES, isIsoDate } from '../../src/core/data/column-checks.js';
import { tableFromColumns } from '../../src/core/data/table.js';
function ids(n, distinct) {
    return Array.from({ length: n }, (_, i) => `id${i % distinct}`);
}
test('a text column is an identifier from IDENTIFIER_MIN_VALUES cells and IDENTIFIER_DISTINCT_SHARE distinct', () => {
    const n = IDENTIFIER_MIN_VALUES;
    const enough = Math.ceil(IDENTIFIER_DISTINCT_SHARE * n);
    const table = tableFromColumns('t.csv', {
        unique: ids(n, n),
        at_share: ids(n, enough),
        below_share: ids(n, enough - 1),
        amount: Float64Array.from({ length: n }, (_, i) => i),
    });
    const found = findUnsuitableColumns(table, table.names);
    assert.deepEqual(found.map((f) => [f.name, f.reason]), [['unique', 'identifier'], ['at_share', 'identifier']]);
    assert.match(found[0].detail, new RegExp(`${n} distinct values in ${n} rows`));
    const small = tableFromColumns('s.csv', { unique: ids(n - 1, n - 1) });
    assert.deepEqual(findUnsuitableColumns(small, small.names), [], 'too few cells to tell');
    assert.deepEqual(findUnsuitableColumns(table, ['amount', 'below_share']), [], 'only candidates are checked');
    const withMissing = tableFromColumns('m.csv', { sparse: [...ids(n - 1, n - 1), ...Array(n).fill(null)] });
    assert.deepEqual(findUnsuitableColumns(withMissing, withMissing.names), [], 'missing cells do not count as rows');
});
test('a text column is a date when its first distinct values all read as ISO dates or timestamps', () => {
    for (const ok of ['2019-01-01', '2019-01-01 00:00:18', '2019-01-01T00:00:18Z', '2019-01-01T00:00:18.250+02:00', '2020-06-21 12:14'])
        assert.ok(isIsoDate(ok), ok);
    for (const no of ['2019-13-45', '01/02/2019', '20190101', 'grocery_pos', '2019-01-01 noon', ''])
        assert.ok(!isIsoDate(no), no);
    const days = Array.from({ length: 40 }, (_, i) => `2020-01-${String((i % 28) + 1).padStart(2, '0')} 10:00:00`);
    const mixed = [...days];
    mixed[DATE_SAMPLE_VALUES - 1] = 'unknown';
    const lateText = [...days.slice(0, DATE_SAMPLE_VALUES), 'unknown'];
    const table = tableFromColumns('d.csv', { when: days, mixed, late_text: lateText.concat(days.slice(0, 40 - lateText.length)) });
    assert.deepEqual(findUnsuitableColumns(table, table.names).map((f) => [f.name, f.reason]), [['when', 'date'], ['late_text', 'date']]);
});
//# sourceMappingURL=column-checks.test.js.map