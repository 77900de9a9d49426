/** Derived features in words (core/features/describe.ts): what info, GET /model and explanations show. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { validateDefinitions } from '../../src/core/features/definitions.js';
import { describeFeatures, describeWindow } from '../../src/core/features/describe.js';

describe('describeFeatures', () => {
  it('says windows in the unit they are written in when it divides them', () => {
    assert.equal(describeWindow('1h'), 'in the last hour');
    assert.equal(describeWindow('24h'), 'in the last 24 hours');
    assert.equal(describeWindow('90s'), 'in the last 90 seconds');
    assert.equal(describeWindow('120s'), 'in the last 120 seconds');
    assert.equal(describeWindow('1m'), 'in the last minute');
    assert.equal(describeWindow('30d'), 'in the last 30 days');
    assert.equal(describeWindow('all'), 'so far');
  });

  it('describes every feature from its definition, in output order', () => {
    const defs = validateDefinitions({
      version: 1,
      event: { time: { field: 't', format: 'unix_seconds' }, id: 'id', timezone: 'Europe/Paris' },
      fields: { card: 'key', merchant: 'key', amt: 'number', dob: 'date' },
      entities: { card: 'card', card_merchant: ['card', 'merchant'] },
      row_features: [
        { name: 'amt', kind: 'value', field: 'amt' },
        { name: 'hour', kind: 'hour_of_day' },
        { name: 'age', kind: 'age_years', birth_date: 'dob' },
      ],
      aggregations: [
        { name: 'card_count_1h', entity: 'card', op: 'count', window: '1h' },
        { name: 'card_amt_std_7d', entity: 'card', op: 'std', field: 'amt', window: '7d' },
        { name: 'card_merchants', entity: 'card', op: 'distinct_count', field: 'merchant' },
        { name: 'since', entity: 'card', op: 'time_since_last' },
        { name: 'last_amt', entity: 'card', op: 'last', field: 'amt' },
        { name: 'pair_count', entity: 'card_merchant', op: 'count' },
      ],
      ratios: [{ name: 'amt_over_last', numerator: 'amt', denominator: 'last_amt' }],
    });
    assert.deepEqual(describeFeatures(defs), [
      { name: 'amt', how: 'amt of the transaction' },
      { name: 'hour', how: 'hour of the day (Europe/Paris)' },
      { name: 'age', how: 'age in years from dob' },
      { name: 'card_count_1h', how: 'transactions of this card in the last hour' },
      { name: 'card_amt_std_7d', how: 'standard deviation of amt of this card in the last 7 days' },
      { name: 'card_merchants', how: 'distinct merchant values of this card so far' },
      { name: 'since', how: 'seconds since the previous transaction of this card' },
      { name: 'last_amt', how: 'amt of the previous transaction of this card' },
      { name: 'pair_count', how: 'transactions of this card merchant pair so far' },
      { name: 'amt_over_last', how: 'amt / last_amt' },
    ]);
  });
});
