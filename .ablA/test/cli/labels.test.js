/** Label columns that are not 0/1: named values and a suggestion, case-insensitive --positive-label. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FraudlensError } from '../../src/core/errors.js';
import { tableFromColumns } from '../../src/core/data/table.js';
import { prepareLabel } from '../../src/cli/labels.js';
function refusal(data) {
    try {
        prepareLabel(tableFromColumns('t.csv', data), 'y', undefined);
        return null;
    }
    catch (e) {
        assert.ok(e instanceof FraudlensError);
        return e;
    }
}
test('two values that are not 0/1 are named, with a --positive-label suggestion', () => {
    for (const [values, shown, suggested] of [
        [['N', 'Y', 'N'], '"N", "Y"', 'Y'],
        [['legit', 'fraud'], '"legit", "fraud"', 'fraud'],
        [['false', 'TRUE'], '"false", "TRUE"', 'TRUE'],
        [['bad rate', 'good'], '"bad rate", "good"', "'bad rate'"],
    ]) {
        const e = refusal({ y: values });
        assert.equal(e?.code, 'INPUT_BAD_LABEL');
        assert.equal(e?.location.column, 'y');
        assert.ok(e?.message.includes(`two values, ${shown}, not 0/1`), e?.message);
        assert.ok(e?.message.includes(`--positive-label ${suggested}`), e?.message);
    }
    const german = refusal({ y: Float64Array.from([1, 2, 1, 1]) });
    assert.ok(german?.message.includes('"1", "2"'), String(german?.message));
});
test('0/1 columns pass; a stray value in a 0/1 column is left to the row-naming label reader', () => {
    assert.equal(refusal({ y: Float64Array.from([0, 1, NaN]) }), null);
    assert.equal(refusal({ y: ['0', ' 1', null] }), null);
    assert.equal(refusal({ y: Float64Array.from([0, 1, 2]) }), null);
});
test('--positive-label matches without regard to case and keeps missing labels missing', () => {
    const table = tableFromColumns('t.csv', { y: ['Yes', 'no', 'YES', null, 'yes'] });
    prepareLabel(table, 'y', 'yes');
    const col = table.columns[0];
    assert.equal(col.kind, 'numeric');
    if (col.kind === 'numeric')
        assert.deepEqual(Array.from(col.values), [1, 0, 1, NaN, 1]);
});
//# sourceMappingURL=labels.test.js.map