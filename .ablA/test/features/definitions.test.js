/** Definitions: the lead's example validates; each kind of mistake is refused with its path. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { definitionsHash, featureNames, validateDefinitions } from '../../src/core/features/definitions.js';
import { parseDefinitionsText } from '../../src/io/feature-definitions-file.js';
import { FraudlensError } from '../../src/core/errors.js';
import { EXAMPLE_DEFINITIONS } from './example.js';
function clone() {
    return JSON.parse(JSON.stringify(EXAMPLE_DEFINITIONS));
}
function refused(input, messageStart) {
    assert.throws(() => validateDefinitions(input), (e) => {
        assert.ok(e instanceof FraudlensError);
        assert.equal(e.code, 'FEATURES_DEFINITION_INVALID');
        assert.ok(e.message.startsWith(messageStart), `"${e.message}" should start with "${messageStart}"`);
        return true;
    });
}
describe('feature definitions', () => {
    it('accepts the example, fills defaults and lists names in output order', () => {
        const defs = validateDefinitions(EXAMPLE_DEFINITIONS);
        assert.equal(defs.event.timezone, 'UTC');
        assert.deepEqual(defs.entities.card, ['cc_num']);
        assert.equal(defs.aggregations.find((a) => a.name === 'card_seconds_since_last').window, 'all');
        assert.deepEqual(featureNames(defs).slice(0, 3), ['amt', 'category', 'hour']);
        assert.equal(featureNames(defs).at(-1), 'amt_over_card_mean');
        assert.ok(Object.isFrozen(defs.aggregations[0]));
    });
    it('hashes equal definitions equally, whatever the key order or format', () => {
        const yaml = 'version: 1\nevent: {id: id, time: {format: unix_seconds, field: t}}\nfields: {c: key}\nentities: {card: c}\naggregations: [{name: n, op: count, entity: card}]\n';
        const json = '{"fields":{"c":"key"},"version":1,"event":{"time":{"field":"t","format":"unix_seconds"},"id":"id","timezone":"UTC"},"entities":{"card":["c"]},"aggregations":[{"entity":"card","name":"n","op":"count","window":"all"}]}';
        assert.equal(definitionsHash(parseDefinitionsText(yaml)), definitionsHash(parseDefinitionsText(json)));
        const other = parseDefinitionsText(yaml.replace('op: count', 'op: count, window: 1h'));
        assert.notEqual(definitionsHash(other), definitionsHash(parseDefinitionsText(yaml)));
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each case edits the JSON freely
    const cases = [
        ['unknown top-level key', (d) => (d.extra = 1), '(top level): unknown key "extra"'],
        ['wrong version', (d) => (d.version = 2), 'version: must be 1'],
        ['window syntax', (d) => (d.aggregations[3].window = '7 days'), 'aggregations[3].window: a window is'],
        ['window too long', (d) => (d.aggregations[3].window = '31d'), 'aggregations[3].window: a window spans 1m to 30d'],
        ['window too short', (d) => (d.aggregations[0].window = '30s'), 'aggregations[0].window: a window spans'],
        ['unknown op', (d) => (d.aggregations[1].op = 'median'), 'aggregations[1].op: must be one of'],
        ['unknown entity', (d) => (d.aggregations[2].entity = 'customer'), 'aggregations[2].entity: unknown entity "customer"'],
        ['field missing for sum', (d) => delete d.aggregations[1].field, 'aggregations[1]: "field" is required for sum'],
        ['field given to count', (d) => (d.aggregations[0].field = 'amt'), 'aggregations[0].field: count reads no field'],
        ['sum of a category', (d) => (d.aggregations[1].field = 'category'), 'aggregations[1].field: field "category" is a category'],
        ['distinct of a number', (d) => (d.aggregations[5].field = 'amt'), 'aggregations[5].field: field "amt" is a number'],
        [
            'unknown row kind',
            (d) => (d.row_features[2].kind = 'minute'),
            'row_features[2].kind: must be one of value, hour_of_day, day_of_week, age_years, distance_km, got "minute"',
        ],
        ['extra key in a row feature', (d) => (d.row_features[2].field = 'amt'), 'row_features[2]: unknown key "field"'],
        [
            'birth date not a date',
            (d) => (d.row_features[4].birth_date = 'amt'),
            'row_features[4].birth_date: field "amt" is a number',
        ],
        [
            'distance over a category',
            (d) => (d.row_features[5].to[1] = 'gender'),
            'row_features[5].to[1]: field "gender" is a category',
        ],
        ['unknown field type', (d) => (d.fields.amt = 'float'), 'fields.amt: must be one of'],
        ['entity over a number', (d) => (d.entities.card = 'amt'), 'entities.card: field "amt" is a number'],
        [
            'entity pair member unknown',
            (d) => (d.entities.card_merchant = ['cc_num', 'shop']),
            'entities.card_merchant[1]: unknown field "shop"',
        ],
        [
            'duplicate name',
            (d) => (d.aggregations[1].name = 'card_count_1h'),
            'aggregations[1].name: feature "card_count_1h" is defined twice',
        ],
        [
            'ratio over a later feature',
            (d) => d.ratios.unshift({ name: 'r0', numerator: 'amt', denominator: 'amt_over_card_mean' }),
            'ratios[0].denominator: "amt_over_card_mean" is not a feature declared before',
        ],
        ['ratio over a category', (d) => (d.ratios[0].numerator = 'category'), 'ratios[0].numerator: "category" is not numeric'],
        ['bad time format', (d) => (d.event.time.format = 'epoch'), 'event.time.format: must be one of'],
        ['unknown time zone', (d) => (d.event.timezone = 'Mars/Olympus'), 'event.timezone: unknown time zone'],
        ['event id declared as a field', (d) => (d.fields.trans_num = 'key'), 'fields.trans_num: the event id and time fields'],
        ['bad feature name', (d) => (d.aggregations[0].name = '1h count'), 'aggregations[0].name: "1h count" is not a valid name'],
    ];
    for (const [what, mutate, message] of cases) {
        it(`refuses ${what} with its path`, () => {
            const d = clone();
            mutate(d);
            refused(d, message);
        });
    }
    it('refuses text that is not YAML, naming the line', () => {
        assert.throws(() => parseDefinitionsText('version: 1\nevent: [unclosed\n', 'defs.yaml'), (e) => e instanceof FraudlensError &&
            e.code === 'FEATURES_DEFINITION_INVALID' &&
            /line \d/.test(e.message) &&
            e.location.file === 'defs.yaml');
    });
});
//# sourceMappingURL=definitions.test.js.map