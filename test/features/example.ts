/** The lead's example definitions (ISSUE14), as a plain object shared by the feature tests. */
export const EXAMPLE_DEFINITIONS = {
  version: 1,
  event: { time: { field: 'unix_time', format: 'unix_seconds' }, id: 'trans_num', timezone: 'UTC' },
  fields: { cc_num: 'key', merchant: 'key', amt: 'number', category: 'category', gender: 'category', city_pop: 'number', lat: 'number', long: 'number', merch_lat: 'number', merch_long: 'number', dob: 'date' },
  entities: { card: 'cc_num', card_merchant: ['cc_num', 'merchant'] },
  row_features: [
    { name: 'amt', kind: 'value', field: 'amt' },
    { name: 'category', kind: 'value', field: 'category' },
    { name: 'hour', kind: 'hour_of_day' },
    { name: 'day_of_week', kind: 'day_of_week' },
    { name: 'age', kind: 'age_years', birth_date: 'dob' },
    { name: 'distance_km', kind: 'distance_km', from: ['lat', 'long'], to: ['merch_lat', 'merch_long'] },
  ],
  aggregations: [
    { name: 'card_count_1h', entity: 'card', op: 'count', window: '1h' },
    { name: 'card_amt_sum_24h', entity: 'card', op: 'sum', field: 'amt', window: '24h' },
    { name: 'card_amt_mean', entity: 'card', op: 'mean', field: 'amt', window: 'all' },
    { name: 'card_amt_std_7d', entity: 'card', op: 'std', field: 'amt', window: '7d' },
    { name: 'card_amt_max_7d', entity: 'card', op: 'max', field: 'amt', window: '7d' },
    { name: 'card_merchants_30d', entity: 'card', op: 'distinct_count', field: 'merchant', window: '30d' },
    { name: 'card_seconds_since_last', entity: 'card', op: 'time_since_last' },
    { name: 'card_last_amt', entity: 'card', op: 'last', field: 'amt' },
    { name: 'card_merchant_count', entity: 'card_merchant', op: 'count', window: 'all' },
  ],
  ratios: [{ name: 'amt_over_card_mean', numerator: 'amt', denominator: 'card_amt_mean' }],
};
