/**
 * GET /performance: how the model and the rules really perform, from the labels that have arrived
 * (realized), beside what the scores alone lead one to expect (an estimate).
 */

import { Type, type Static } from 'typebox';

import { NullableNumber, StringEnum } from './schema.js';

/** Where the expected figures come from and when they hold: shown beside them, in the response and on the dashboard. */
export const EXPECTED_NOTE =
  'Estimate from the scores alone (confidence-based, as NannyML CBPE): a score is read as the probability of fraud. It holds only while the scores stay calibrated, so not under concept drift; compare it with the realized figures of mature decisions.';

/** The window's syntax: as the feature definitions' windows, <n>s, <n>m, <n>h, <n>d, or all. */
export const PERFORMANCE_WINDOW_PATTERN = '^(all|[1-9][0-9]{0,7}[smhd])$';
export const DEFAULT_PERFORMANCE_WINDOW = '90d';

export const PerformanceQuery = Type.Object(
  {
    window: Type.String({
      pattern: PERFORMANCE_WINDOW_PATTERN,
      default: DEFAULT_PERFORMANCE_WINDOW,
      description: 'Decisions made within this long before now: <n>s, <n>m, <n>h, <n>d, or all (default 90d).',
    }),
    model_version: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only this model version.' })),
  },
  { additionalProperties: false },
);
export type PerformanceQuery = Static<typeof PerformanceQuery>;

export const PERFORMANCE_LEVELS = ['review', 'decline', 'rule'] as const;

const RealizedLevel = Type.Object(
  {
    decisions: Type.Integer({ description: 'Decisions in the set, labelled or not.' }),
    labelled: Type.Integer(),
    true_positives: Type.Integer({ description: 'Labelled frauds in the set.' }),
    false_positives: Type.Integer({ description: 'Labelled legitimate decisions in the set.' }),
    precision: NullableNumber({ description: 'true / labelled decisions of the set; null when none is labelled.' }),
    recall: NullableNumber({ description: "The set's labelled frauds / all labelled frauds of the version; null without any." }),
    false_positive_rate: NullableNumber({
      description: "The set's labelled legitimate decisions / all labelled legitimate ones of the version; null without any.",
    }),
    fraud_amount_caught: Type.Number({ description: 'Sum of the amounts of the labelled frauds in the set.' }),
  },
  { additionalProperties: false },
);

const ExpectedLevel = Type.Object(
  {
    precision: NullableNumber({ description: 'Mean score of the set; null for an empty set.' }),
    recall: NullableNumber({ description: "The set's sum of scores / all decisions' sum of scores." }),
    false_positive_rate: NullableNumber({ description: "The set's sum of (1 − score) / all decisions' sum of (1 − score)." }),
  },
  { additionalProperties: false },
);

export const PerformanceLevel = Type.Object(
  {
    level: StringEnum(PERFORMANCE_LEVELS, {
      description:
        'review: decisions sent to review or declined (what the review cut-off flags); decline: declined; rule: decided by the rule named in `rule`.',
    }),
    rule: Type.Optional(Type.String({ description: 'The rule id, for level "rule".' })),
    realized: RealizedLevel,
    expected: ExpectedLevel,
  },
  { additionalProperties: false },
);
export type PerformanceLevel = Static<typeof PerformanceLevel>;

const figureFields = {
  decisions: Type.Integer(),
  labelled: Type.Integer(),
  labelled_share: NullableNumber({ description: 'labelled / decisions; null without decisions.' }),
  frauds: Type.Integer({ description: 'Decisions labelled fraud.' }),
  legitimate: Type.Integer({ description: 'Decisions labelled legitimate.' }),
  fraud_amount: Type.Number({ description: 'Sum of the amounts of the decisions labelled fraud.' }),
  roc_auc: NullableNumber({ description: 'ROC-AUC of the scores over labelled decisions; null unless both labels occur.' }),
  pr_auc: NullableNumber({
    description: 'Average precision (scikit-learn) of the scores over labelled decisions; null without frauds.',
  }),
  expected_frauds: Type.Number({ description: 'Frauds the scores expect among all decisions: their sum.' }),
  levels: Type.Array(PerformanceLevel),
};

export const PerformanceFigures = Type.Object(figureFields, { additionalProperties: false });
export type PerformanceFigures = Static<typeof PerformanceFigures>;

export const VersionPerformance = Type.Object(
  {
    model_version: Type.String(),
    all: PerformanceFigures,
    by_maturity: Type.Array(
      Type.Object(
        {
          older_than_days: Type.Integer({ description: 'Decisions made at least this many days before `to`.' }),
          ...figureFields,
        },
        { additionalProperties: false },
      ),
      { description: 'The same figures for decisions old enough for their labels to have arrived (7, 30, 60 days).' },
    ),
  },
  { additionalProperties: false },
);
export type VersionPerformance = Static<typeof VersionPerformance>;

export const PerformanceReport = Type.Object(
  {
    window: Type.String(),
    from: Type.Union([Type.String(), Type.Null()], { description: 'Start of the window (ISO 8601); null for window=all.' }),
    to: Type.String({
      description:
        'End of the window: when the decisions and labels were read (ISO 8601), at most FRAUDLENS_PERFORMANCE_REFRESH_MS before the request.',
    }),
    expected_note: Type.String({ description: EXPECTED_NOTE }),
    versions: Type.Array(VersionPerformance, { description: 'One entry per model version with decisions in the window.' }),
    backend: Type.String({ description: 'The store the decisions and labels were read from.' }),
  },
  { additionalProperties: false },
);
export type PerformanceReport = Static<typeof PerformanceReport>;

/** `?window=` of GET /performance/comparison (as GET /performance's). */
export const ComparisonQuery = Type.Object(
  {
    window: Type.String({
      pattern: PERFORMANCE_WINDOW_PATTERN,
      default: DEFAULT_PERFORMANCE_WINDOW,
      description: 'Decisions made within this long before now: <n>s, <n>m, <n>h, <n>d, or all (default 90d).',
    }),
  },
  { additionalProperties: false },
);
export type ComparisonQuery = Static<typeof ComparisonQuery>;

export const ModelComparison = Type.Object(
  {
    alias: Type.String({ description: '"champion" or a challenger alias (FRAUDLENS_CHALLENGERS).' }),
    model_version: Type.String({ description: 'The version this alias serves now.' }),
    role: StringEnum(['champion', 'challenger'] as const),
    canary_share: Type.Number({
      description: 'Share of transactions (by the hash of their id) this model decides: 1 − the canary share for the champion.',
    }),
    flagged: Type.Integer({ description: 'Compared transactions this model decided review or decline.' }),
    precision: NullableNumber({
      description: 'Frauds among the flagged / flagged, at its own thresholds; null when none flagged.',
    }),
    recall: NullableNumber({ description: 'Flagged frauds / all compared frauds; null without frauds.' }),
    pr_auc: NullableNumber({ description: 'Average precision of its scores; null without frauds.' }),
    roc_auc: NullableNumber({ description: 'ROC-AUC of its scores; null unless both classes are present.' }),
    fraud_amount_caught: Type.Number({ description: 'Sum of the amounts of the flagged frauds.' }),
    agreement: NullableNumber({
      description: 'Share of transactions decided alike by this model and the champion; null for the champion.',
    }),
    mean_abs_score_difference: NullableNumber({ description: "Mean |score − champion's score|; null for the champion." }),
    score_ks_statistic: NullableNumber({
      description: "Two-sample Kolmogorov-Smirnov D between this model's and the champion's scores; null for the champion.",
    }),
    score_ks_p_value: NullableNumber({ description: 'Its two-sided p-value; null for the champion.' }),
  },
  { additionalProperties: false },
);
export type ModelComparison = Static<typeof ModelComparison>;

export const ComparisonReport = Type.Object(
  {
    window: Type.String(),
    from: Type.Union([Type.String(), Type.Null()], { description: 'Start of the window (ISO 8601); null for window=all.' }),
    to: Type.String({ description: 'When the decisions and labels were read (ISO 8601).' }),
    transactions: Type.Integer({
      description: 'Labelled transactions of the window that every model scored (deciding or in the shadow): the ones compared.',
    }),
    frauds: Type.Integer(),
    labelled: Type.Integer({ description: 'Labelled transactions of the window, compared or not.' }),
    canary: Type.Union(
      [
        Type.Object(
          { alias: Type.String(), share: Type.Number() },
          { additionalProperties: false, description: 'The challenger deciding the canary share (FRAUDLENS_CANARY).' },
        ),
        Type.Null(),
      ],
      { description: 'null: the champion decides every transaction.' },
    ),
    models: Type.Array(ModelComparison, { description: 'The champion first, then each challenger.' }),
    backend: Type.String(),
  },
  { additionalProperties: false },
);
export type ComparisonReport = Static<typeof ComparisonReport>;

/** `?bucket=` of GET /performance/history: as a window, <n>s, <n>m, <n>h or <n>d (not "all"). */
export const HISTORY_BUCKET_PATTERN = '^[1-9][0-9]{0,7}[smhd]$';
export const DEFAULT_HISTORY_BUCKET = '1d';
/** The most buckets one answer holds (the server's MAX_HISTORY_BUCKETS; a test keeps the two equal). */
export const HISTORY_MAX_BUCKETS = 1000;
/** The decision levels followed over time (the server's HISTORY_LEVELS; a test keeps the two equal). */
export const HISTORY_LEVELS = ['review', 'decline'] as const;

export const PerformanceHistoryQuery = Type.Object(
  {
    window: Type.String({
      pattern: PERFORMANCE_WINDOW_PATTERN,
      default: DEFAULT_PERFORMANCE_WINDOW,
      description:
        'Decisions made within this long before now: <n>s, <n>m, <n>h, <n>d, or all (default 90d), as GET /performance.',
    }),
    bucket: Type.String({
      pattern: HISTORY_BUCKET_PATTERN,
      default: DEFAULT_HISTORY_BUCKET,
      description: `Length of a time bucket: <n>s, <n>m, <n>h or <n>d (default ${DEFAULT_HISTORY_BUCKET}); the window may hold at most ${HISTORY_MAX_BUCKETS} of them (else 400 HISTORY_TOO_MANY_BUCKETS).`,
    }),
    model_version: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only this model version.' })),
  },
  { additionalProperties: false },
);
export type PerformanceHistoryQuery = Static<typeof PerformanceHistoryQuery>;

export const PerformanceHistoryLevel = Type.Object(
  {
    level: StringEnum(HISTORY_LEVELS, { description: 'review: decisions sent to review or declined; decline: declined.' }),
    realized: Type.Object(
      {
        decisions: Type.Integer({ description: "The level's decisions in the bucket, labelled or not." }),
        labelled: Type.Integer(),
        true_positives: Type.Integer(),
        false_positives: Type.Integer(),
        precision: NullableNumber({ description: 'true_positives / labelled; null when none is labelled.' }),
        recall: NullableNumber({ description: "true_positives / the bucket's labelled frauds; null without any." }),
        fraud_amount_caught: Type.Number({ description: 'Sum of the amounts of the labelled frauds of the level.' }),
      },
      { additionalProperties: false },
    ),
    expected: Type.Object(
      {
        precision: NullableNumber({ description: "Mean score of the level's decisions; null when it has none." }),
        recall: NullableNumber({ description: "The level's sum of scores / the bucket's sum of scores; null when that is 0." }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type PerformanceHistoryLevel = Static<typeof PerformanceHistoryLevel>;

export const PerformanceHistoryBucket = Type.Object(
  {
    from: Type.String({
      description: 'Start of the bucket (ISO 8601), excluded, except for the first bucket (the window start).',
    }),
    to: Type.String({ description: 'End of the bucket (ISO 8601), included.' }),
    decisions: Type.Integer(),
    labelled: Type.Integer(),
    labelled_share: NullableNumber({ description: 'labelled / decisions; null without decisions.' }),
    frauds: Type.Integer({ description: 'Decisions labelled fraud.' }),
    legitimate: Type.Integer({ description: 'Decisions labelled legitimate.' }),
    fraud_amount: Type.Number({ description: 'Sum of the amounts of the decisions labelled fraud.' }),
    expected_frauds: Type.Number({ description: "Frauds the scores expect among the bucket's decisions: their sum." }),
    levels: Type.Array(PerformanceHistoryLevel),
  },
  { additionalProperties: false },
);
export type PerformanceHistoryBucket = Static<typeof PerformanceHistoryBucket>;

export const PerformanceHistoryReport = Type.Object(
  {
    window: Type.String(),
    bucket: Type.String(),
    from: Type.Union([Type.String(), Type.Null()], {
      description: 'Start of the window (ISO 8601); for window=all the oldest decision, or null when there is none.',
    }),
    to: Type.String({
      description: 'End of the window and of the last bucket: when the decisions and labels were read (ISO 8601).',
    }),
    expected_note: Type.String({ description: EXPECTED_NOTE }),
    versions: Type.Array(
      Type.Object(
        {
          model_version: Type.String(),
          buckets: Type.Array(PerformanceHistoryBucket, {
            description: 'Oldest first, every bucket of the window, empty ones included; counted back from `to`.',
          }),
        },
        { additionalProperties: false },
      ),
      { description: 'One entry per model version with decisions in the window, as GET /performance.' },
    ),
    backend: Type.String({ description: 'The store the decisions and labels were read from.' }),
  },
  { additionalProperties: false },
);
export type PerformanceHistoryReport = Static<typeof PerformanceHistoryReport>;
