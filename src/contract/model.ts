/**
 * GET /model and POST /admin/reload. The model description is open: its training metadata holds
 * whatever the producer stored (fraudlens train, an XGBoost import), so only the fields clients
 * read are declared and the rest passes through.
 */

import { Type, type Static } from 'typebox';

import { Thresholds } from './prediction.js';
import { RegistryServed } from './registry.js';
import { MapOf, StringEnum } from './schema.js';

const open = { additionalProperties: true } as const;

export const FeatureStats = Type.Object(
  {
    count: Type.Optional(Type.Number()),
    missingRate: Type.Optional(Type.Number()),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    mean: Type.Optional(Type.Number()),
    std: Type.Optional(Type.Number()),
    /** Share of each category in training, in `categories` order. */
    frequencies: Type.Optional(Type.Array(Type.Number())),
  },
  open,
);
export type FeatureStats = Static<typeof FeatureStats>;

export const FeatureSpec = Type.Object(
  {
    name: Type.String(),
    type: StringEnum(['numeric', 'categorical']),
    encoding: Type.Optional(StringEnum(['names', 'codes'])),
    /** Category names (encoding 'names'); empty for XGBoost category codes. */
    categories: Type.Optional(Type.Array(Type.String())),
    description: Type.Optional(Type.String()),
    stats: Type.Optional(FeatureStats),
  },
  { additionalProperties: false },
);
export type FeatureSpec = Static<typeof FeatureSpec>;

const numbers = Type.Array(Type.Number());

export const RocCurve = Type.Object({ fpr: numbers, tpr: numbers, thresholds: Type.Optional(numbers) }, open);
export type RocCurve = Static<typeof RocCurve>;
export const PrCurve = Type.Object({ precision: numbers, recall: numbers, thresholds: Type.Optional(numbers) }, open);
export type PrCurve = Static<typeof PrCurve>;

export const ConfusionMatrix = Type.Object(
  { threshold: Type.Number(), tp: Type.Number(), fp: Type.Number(), tn: Type.Number(), fn: Type.Number() },
  open,
);
export type ConfusionMatrix = Static<typeof ConfusionMatrix>;

/** Validation curves and the confusion matrix at each decision threshold, when training kept them. */
export const ModelCurves = Type.Object(
  {
    roc: Type.Optional(RocCurve),
    pr: Type.Optional(PrCurve),
    confusion: Type.Optional(
      Type.Object({ review: Type.Optional(ConfusionMatrix), decline: Type.Optional(ConfusionMatrix) }, open),
    ),
  },
  open,
);
export type ModelCurves = Static<typeof ModelCurves>;

export const CalibrationBin = Type.Object(
  { lower: Type.Number(), upper: Type.Number(), count: Type.Number(), meanPredicted: Type.Number(), observedRate: Type.Number() },
  open,
);
export type CalibrationBin = Static<typeof CalibrationBin>;

/** Total split gain per feature, as training measured it. */
export const GainImportance = Type.Object(
  { feature: Type.String(), gain: Type.Number(), splits: Type.Optional(Type.Number()) },
  open,
);
export type GainImportance = Static<typeof GainImportance>;

/** Validation metrics; curves appear here when a producer other than fraudlens train stored them. */
export const TrainingMetrics = Type.Object(
  {
    roc_auc: Type.Optional(Type.Number()),
    pr_auc: Type.Optional(Type.Number()),
    logloss: Type.Optional(Type.Number()),
    brier: Type.Optional(Type.Number()),
    rows: Type.Optional(Type.Number()),
    positives: Type.Optional(Type.Number()),
    curves: Type.Optional(ModelCurves),
    roc: Type.Optional(RocCurve),
    pr: Type.Optional(PrCurve),
    confusion: Type.Optional(ModelCurves.properties.confusion),
  },
  open,
);
export type TrainingMetrics = Static<typeof TrainingMetrics>;

/**
 * What training stored with the model. `fraudlens train` fills `extra` with the fields declared
 * here; other producers (an XGBoost import) may store others, which pass through.
 */
export const TrainingInfo = Type.Object(
  {
    source: Type.String({ description: 'Where the model came from: "fraudlens train" or "xgboost import".' }),
    createdAt: Type.Optional(Type.String()),
    data: Type.Optional(
      Type.Object(
        {
          path: Type.Optional(Type.String()),
          rows: Type.Optional(Type.Number()),
          positives: Type.Optional(Type.Number()),
          label: Type.Optional(Type.String()),
        },
        open,
      ),
    ),
    parameters: Type.Optional(MapOf(Type.Unknown(), { description: 'The training options, by name.' })),
    metrics: Type.Optional(TrainingMetrics),
    extra: Type.Optional(
      Type.Object(
        {
          roundsRun: Type.Optional(Type.Number()),
          trees: Type.Optional(Type.Number()),
          stoppedEarly: Type.Optional(Type.Boolean()),
          importance: Type.Optional(Type.Array(GainImportance)),
          calibration: Type.Optional(Type.Array(CalibrationBin)),
          curves: Type.Optional(ModelCurves),
        },
        open,
      ),
    ),
  },
  open,
);
export type TrainingInfo = Static<typeof TrainingInfo>;

/** One raw field a model with feature definitions reads, as a client needs it to build a form. */
export const RawField = Type.Object(
  {
    name: Type.String(),
    type: Type.String({
      description: 'Its type in the definitions: key (an entity identifier), number, category, date (YYYY-MM-DD) or text.',
    }),
    required: Type.Boolean({
      description: 'A transaction without it is refused (400 naming it): the event time, the id, every entity key.',
    }),
    read_by: Type.Array(Type.String(), { description: 'The derived features computed from it, in output order.' }),
  },
  { additionalProperties: false },
);
export type RawField = Static<typeof RawField>;

/** What a model with feature definitions takes in (raw fields, event time and id) and what it derives. */
export const DerivedFeatures = Type.Object(
  {
    hash: Type.String({ description: 'sha256 of the normalised feature definitions the model carries.' }),
    event: Type.Object(
      {
        time_field: Type.String(),
        time_format: Type.String({ description: 'unix_seconds, unix_millis, iso8601 or datetime (wall time in `timezone`).' }),
        id_field: Type.String({ description: 'The transaction id: the same id twice is counted once in the entity state.' }),
        timezone: Type.String({ description: 'IANA zone of hours, weekdays, ages and datetime times.' }),
      },
      { additionalProperties: false },
    ),
    fields: Type.Array(RawField, { description: 'The raw fields other than the event time and id, in definitions order.' }),
    features: Type.Array(
      Type.Object(
        { name: Type.String(), how: Type.String({ description: 'What it is, in words.' }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'Present when the model computes its features from raw transactions.' },
);
export type DerivedFeatures = Static<typeof DerivedFeatures>;

export const ModelReport = Type.Object(
  {
    version: Type.String(),
    objective: Type.String(),
    source: Type.String(),
    created_at: Type.Optional(Type.String()),
    trees: Type.Integer(),
    max_depth: Type.Integer(),
    nodes: Type.Integer(),
    leaves: Type.Integer(),
    base_margin: Type.Number(),
    thresholds: Thresholds,
    features: Type.Array(FeatureSpec),
    metrics: Type.Optional(TrainingMetrics),
    training: TrainingInfo,
    explain: Type.Object(
      { available: Type.Boolean(), reason: Type.Optional(Type.String()) },
      {
        additionalProperties: false,
        description: 'A model whose trees TreeSHAP cannot use still scores; explanations then answer 422 MODEL_UNSUPPORTED.',
      },
    ),
    request_schema: Type.Object({}, { ...open, description: 'The JSON schema of one transaction for the live model.' }),
    derived_features: Type.Optional(DerivedFeatures),
    file: Type.Object({ path: Type.String(), sha256: Type.String(), loaded_at: Type.String() }, { additionalProperties: false }),
    rules_version: Type.Optional(
      Type.String({ description: 'The rules in force beside the model (GET /rules); absent without a rules file.' }),
    ),
    registry: Type.Optional(RegistryServed),
  },
  open,
);
export type ModelReport = Static<typeof ModelReport>;

export const ReloadResponse = Type.Object(
  {
    reloaded: Type.Boolean(),
    previous_version: Type.String(),
    model_version: Type.String(),
    sha256: Type.String(),
    features_changed: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ReloadResponse = Static<typeof ReloadResponse>;
