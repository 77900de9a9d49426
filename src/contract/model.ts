/**
 * GET /model and POST /admin/reload. The model description is open: its training metadata holds
 * whatever the producer stored (fraudlens train, an XGBoost import), so only the fields clients
 * read are declared and the rest passes through.
 */

import { Type, type Static } from 'typebox';

import { Thresholds } from './prediction.js';
import { StringEnum } from './schema.js';

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
    metrics: Type.Optional(Type.Record(Type.String(), Type.Number())),
    /** What training stored: source, data, parameters, metrics, and producer-specific extras. */
    training: Type.Object({ source: Type.String() }, open),
    explain: Type.Object(
      { available: Type.Boolean(), reason: Type.Optional(Type.String()) },
      { additionalProperties: false, description: 'A model whose trees TreeSHAP cannot use still scores; explanations then answer 422 MODEL_UNSUPPORTED.' },
    ),
    request_schema: Type.Object({}, { ...open, description: 'The JSON schema of one transaction for the live model.' }),
    file: Type.Object({ path: Type.String(), sha256: Type.String(), loaded_at: Type.String() }, { additionalProperties: false }),
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
