/**
 * The condition language: what it computes (comparisons, and/or/not, arithmetic, `in` lists,
 * prefixes, null checks and the rule for missing values), and what it refuses at load with the
 * rule's path (unknown names with a suggestion, type errors, anything that is not in the
 * whitelist: member access, `this`, ternaries, unknown functions, assignments of any kind).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FraudlensError } from '../../src/core/errors.js';
import { compileCondition, type RuleEnv, type VariableSpec } from '../../src/core/rules/index.js';

const VOCAB = new Map<string, VariableSpec>([
  ['amt', { type: 'number', source: 'feature' }],
  ['hour', { type: 'number', source: 'feature' }],
  ['category', { type: 'string', source: 'feature' }],
  ['card_count_1h', { type: 'number', source: 'feature' }],
  ['cc_num', { type: 'string', source: 'raw' }],
  ['city_pop', { type: 'number', source: 'raw' }],
  ['merchant-id', { type: 'string', source: 'raw' }],
  ['constructor', { type: 'number', source: 'feature' }],
]);

function run(text: string, features: Record<string, unknown>, raw: Record<string, unknown> | null = null, score = 0.1): boolean {
  const env: RuleEnv = { score, features, raw };
  return compileCondition(text, VOCAB, 'rules[0].when').test(env);
}

function refused(text: string, pattern: RegExp): void {
  assert.throws(
    () => compileCondition(text, VOCAB, 'rules[4].when'),
    (e: unknown) =>
      e instanceof FraudlensError &&
      e.code === 'RULES_INVALID' &&
      e.message.startsWith('rules[4].when: ') &&
      pattern.test(e.message),
    text,
  );
}

describe('the condition language computes', () => {
  it('comparisons, and/or/not in both spellings, arithmetic with precedence', () => {
    const f = { amt: 120, hour: 23, category: 'shopping_net', card_count_1h: 4 };
    assert.equal(run('amt > 100 and hour >= 22', f), true);
    assert.equal(run('amt > 100 && hour < 22', f), false);
    assert.equal(run('amt > 500 or category == "shopping_net"', f), true);
    assert.equal(run('not (amt > 100)', f), false);
    assert.equal(run('!(amt <= 100)', f), true);
    assert.equal(run('amt / card_count_1h == 30', f), true);
    assert.equal(run('amt - 20 * 5 == 20', f), true, '* binds tighter than -');
    assert.equal(run('amt % 50 == 20 and -amt < 0', f), true);
    assert.equal(run('abs(0 - amt) == 120 and min(amt, 7) == 7 and max(amt, 7) == 120', f), true);
    assert.equal(run("category != 'grocery_pos'", f), true);
    assert.equal(run('score >= 0.5', f, null, 0.7), true);
    assert.equal(run('score >= 0.5', f, null, 0.2), false);
  });

  it('in lists and prefix lists (BINs)', () => {
    assert.equal(run('hour in [0, 1, 2, 3]', { hour: 2 }), true);
    assert.equal(run('hour in [0, 1, 2, 3]', { hour: 4 }), false);
    assert.equal(run('category in ["misc_net", "shopping_net"]', { category: 'misc_net' }), true);
    assert.equal(run('not (category in ["misc_net"])', { category: 'travel' }), true);
    assert.equal(run('starts_with(cc_num, "4111")', {}, { cc_num: '4111222233334444' }), true);
    assert.equal(run('starts_with(cc_num, ["5105", "4000"])', {}, { cc_num: '4000123' }), true);
    assert.equal(run('starts_with(cc_num, ["5105", "4000"])', {}, { cc_num: '3714' }), false);
    // A card number sent as a JSON number is read as its decimal text.
    assert.equal(run('starts_with(cc_num, "51051051")', {}, { cc_num: 5105105105105100 }), true);
    assert.equal(run('field("merchant-id") == "m1"', {}, { 'merchant-id': 'm1' }), true);
  });

  it('raw numbers sent as text are numbers; blanks and non-numbers are missing', () => {
    assert.equal(run('city_pop > 1000', {}, { city_pop: '2500' }), true);
    assert.equal(run('missing(city_pop)', {}, { city_pop: ' ' }), true);
    assert.equal(run('missing(city_pop)', {}, { city_pop: 'many' }), true);
  });

  it('missing values: a comparison with one is false, only null checks see them, arithmetic propagates them', () => {
    const f = { amt: null, category: null };
    assert.equal(run('amt > 100', f), false);
    assert.equal(run('amt <= 100', f), false);
    assert.equal(run('amt == 100', f), false);
    assert.equal(run('amt != 100', f), false);
    assert.equal(run('not (amt > 100)', f), true, 'not of a false comparison is true: documented');
    assert.equal(run('amt == null and null == category', f), true);
    assert.equal(run('amt != null', { amt: 3 }), true);
    assert.equal(run('missing(amt) and missing(category)', {}), true, 'absent is missing');
    assert.equal(run('amt + 1 > 0', f), false);
    assert.equal(run('missing(amt / card_count_1h)', { amt: 5, card_count_1h: 0 }), true, 'x / 0 is missing');
    assert.equal(run('category in ["a"]', f), false);
    assert.equal(run('starts_with(cc_num, "4")', {}, null), false, 'no raw transaction: raw fields are missing');
    assert.equal(run('amt > 1', { amt: NaN }), false);
  });

  it('reads only own properties, so a feature named like an Object method is not "present" everywhere', () => {
    assert.equal(run('missing(constructor)', {}), true);
    assert.equal(run('constructor == 2', { constructor: 2 }), true);
  });

  it('lists the names a condition reads', () => {
    assert.deepEqual(compileCondition('amt > 1 and score < 0.5 or starts_with(cc_num, "4")', VOCAB, 'w').names, [
      'amt',
      'score',
      'cc_num',
    ]);
  });
});

describe('the condition language refuses at load, naming the rule', () => {
  it('unknown names, with a suggestion', () => {
    refused('card_cnt_1h > 3', /unknown name "card_cnt_1h".*did you mean card_count_1h\?/);
    refused('amount > 3', /unknown name "amount".*did you mean amt\?/);
    refused('field("nope") == "x"', /unknown name "nope"/);
  });

  it('type errors', () => {
    refused('amt > "100"', /must be a number, not a string/);
    refused('category > 3', /must be a number, not a string/);
    refused('category == 3', /compares a string with a number/);
    refused('amt and hour > 3', /must be a boolean, not a number/);
    refused('amt + 1', /must be true or false, but it is a number/);
    refused('hour in [1, "2"]', /item 2 of the right side of in must be a literal number/);
    refused('hour in [hour]', /must be a literal number/);
    refused('hour in 3', /must be a list/);
    refused('starts_with(amt, "4")', /must be a string, not a number/);
    refused('starts_with(cc_num, category)', /must be a literal string/);
    refused('null == null', /always true/);
  });

  it('everything outside the whitelist: no member access, this, ternaries, assignment, unknown functions', () => {
    refused('amt.constructor == 1', /member access/);
    refused('category["length"] == 1', /member access/);
    refused('this == 1', /not part of the rule language|unknown name/);
    refused('amt > 1 ? true : false', /ConditionalExpression is not part of the rule language/);
    refused('eval("1") == 1', /unknown function eval/);
    refused('process.exit(1)', /only the functions of the rule language|member access/);
    refused('amt = 5', /cannot parse|not part of the rule language/);
    refused('amt === 5', /use == rather than ===/);
    refused('amt > 1; hour > 2', /several expressions/);
    refused('amt >> 1 == 0', /the operator >> is not part of the rule language/);
    refused('true', /a constant/);
    refused('amt > (', /cannot parse the condition/);
    refused('[1, 2] == 1', /a list/);
    refused('x'.repeat(5000), /at most 4000/);
  });
});
