/**
 * JSON schemas of the drift routes: the OpenAPI document shows them, and the report's schema is
 * what fast-json-stringify serialises it with. They mirror `DriftReport` (src/core/drift/report.ts),
 * the shape the dashboard's typed client imports.
 */

import type { JsonSchema } from '../schemas.js';

const TESTS = ['psi', 'ks', 'chisquare', 'jensenshannon', 'wasserstein'];
const numbers = { type: 'array', items: { type: 'number' } };
const nullableNumber = { type: ['number', 'null'] };

const featureReportSchema: JsonSchema = {
  type: 'object',
  properties: {
    feature: { type: 'string', description: '"score" for the prediction drift entry.' },
    type: { type: 'string', enum: ['numeric', 'categorical'] },
    test: { type: 'string', enum: TESTS, description: 'Statistic the registry chose: ks or chisquare (p-values) for baselines up to 1000 rows, wasserstein or jensenshannon (distances) above.' },
    statistic: { ...nullableNumber, description: 'Test statistic or distance; null when there was not enough data.' },
    p_value: { ...nullableNumber, description: 'p-value of p-value tests; null for distances and when there was not enough data.' },
    threshold: { type: 'number', description: 'Drift when the p-value is below it, or the distance at or above it.' },
    drifted: { type: 'boolean' },
    not_enough_data: { type: 'boolean', description: 'Fewer than 30 observed values on a side: never drifted.' },
    method: { type: 'string', enum: ['samples', 'bins'], description: 'Whether the test ran on raw sampled values or on counts on the baseline bins.' },
    observations: { type: 'object', properties: { baseline: { type: 'number' }, current: { type: 'number' } } },
    baseline: {
      type: 'object',
      description: 'Baseline histogram: right-closed bins on edges (numeric), or categories with "__other__" last.',
      properties: { edges: numbers, categories: { type: 'array', items: { type: 'string' } }, counts: numbers, missing: { type: 'number' } },
    },
    current: {
      type: 'object',
      description: 'The window on the same bins.',
      properties: {
        counts: numbers,
        missing: { type: 'number' },
        new_categories: { type: 'number', description: 'Categorical features: rows in categories the model does not know (scored as missing values; counted in "__other__").' },
      },
    },
  },
  required: ['feature', 'type', 'test', 'statistic', 'p_value', 'threshold', 'drifted', 'not_enough_data', 'method', 'observations', 'baseline', 'current'],
};

const windowSchema: JsonSchema = {
  type: ['object', 'null'],
  description: 'The window read. source: memory (this process), redis (every replica), or local (Redis unreachable: this process only).',
  properties: {
    type: { type: 'string', enum: ['time', 'count'] },
    duration_ms: { type: 'number' },
    from: { type: 'number', description: 'Start of the oldest bucket read (epoch ms).' },
    to: { type: 'number' },
    requested: { type: 'number' },
    available: { type: 'number' },
    source: { type: 'string' },
  },
};

export const driftReportSchema: JsonSchema = {
  type: 'object',
  properties: {
    model_version: { type: 'string' },
    baseline_created_at: { type: 'string' },
    baseline_rows: { type: 'number' },
    window: windowSchema,
    rows: { type: 'number', description: 'Predictions in the window.' },
    dataset_drift: {
      type: 'object',
      properties: {
        drifted: { type: 'boolean' },
        share: { type: 'number' },
        share_drifted: { type: 'number' },
        drifted_features: { type: 'number' },
        evaluated_features: { type: 'number' },
        not_enough_data: { type: 'boolean' },
      },
    },
    drifted_features: { type: 'array', items: { type: 'string' } },
    prediction_drift: featureReportSchema,
    features: { type: 'array', items: featureReportSchema },
    settings: {
      type: 'object',
      properties: {
        min_sample_size: { type: 'number' },
        share: { type: 'number' },
        thresholds: { type: 'object', properties: Object.fromEntries(TESTS.map((t) => [t, { type: 'number' }])) },
      },
    },
  },
  required: ['model_version', 'baseline_created_at', 'baseline_rows', 'window', 'rows', 'dataset_drift', 'drifted_features', 'prediction_drift', 'features', 'settings'],
};

/** `?window=`: validated by parseWindowSpec in the handler, for its precise message. */
export const windowQuerySchema: JsonSchema = {
  type: 'object',
  properties: {
    window: { type: 'string', maxLength: 32, default: '1h', description: '15m, 1h or 24h (time windows), or a number of recent predictions (1 to 1000000).' },
  },
  additionalProperties: false,
};

/** The baseline file (validated by parseBaseline, which names the field at fault). */
export const baselineBodySchema: JsonSchema = {
  type: 'object',
  description: 'A drift baseline as `fraudlens baseline` writes it (format "fraudlens-drift-baseline", version 1), for the served model.',
  properties: {
    format: { type: 'string' },
    format_version: { type: 'integer' },
    model_version: { type: 'string' },
    created_at: { type: 'string' },
    rows: { type: 'integer' },
    options: { type: 'object', additionalProperties: true },
    features: { type: 'array', items: { type: 'object', additionalProperties: true } },
    score: { type: 'object', additionalProperties: true },
  },
  additionalProperties: true,
};

export const baselineSavedSchema: JsonSchema = {
  type: 'object',
  properties: {
    saved: { type: 'boolean' },
    path: { type: 'string' },
    model_version: { type: 'string' },
    created_at: { type: 'string' },
    rows: { type: 'number' },
    window_kept: { type: 'boolean', description: 'The new baseline has the same bins, so the window goes on; false: a new window started.' },
    source: { type: 'string', description: 'from-window only: where the window was read (memory, redis or local).' },
  },
};
