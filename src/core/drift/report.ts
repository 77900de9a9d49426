/**
 * The shape of a drift report, kept apart from the code that builds it so that the server, the
 * CLI and the dashboard's typed client can import it without the numerical code. Field names are
 * snake_case because the report is what the HTTP API returns as JSON.
 */

import type { DriftFeatureKind, DriftTestName } from './types.js';

/**
 * Label of the bucket that collects every category a baseline does not list by name (categories
 * beyond the most frequent ones, and categories never seen in training).
 */
export const OTHER_CATEGORY = '__other__';

/** How a feature's test was fed. */
export type DriftMethod = 'samples' | 'bins';

/** Counts of the baseline on its own bins, as the report shows them. */
export interface BaselineBins {
  /**
   * Numeric features: ascending cut points; bin i holds x with edges[i-1] < x <= edges[i], the
   * first bin is open below and the last open above (counts.length = edges.length + 1).
   */
  edges?: number[];
  /** Categorical features: category labels in counts order, OTHER_CATEGORY last. */
  categories?: string[];
  counts: number[];
  /** Rows with no value for this feature (not part of counts, not tested). */
  missing: number;
}

/** Counts of the current window on the baseline's bins. */
export interface CurrentBins {
  counts: number[];
  missing: number;
  /**
   * Categorical features: rows whose category the model does not know (scored as missing, and
   * counted in the OTHER_CATEGORY bin of `counts`): new merchants, cities, … since training.
   */
  new_categories?: number;
}

export interface FeatureDriftReport {
  feature: string;
  type: DriftFeatureKind;
  test: DriftTestName;
  /** The statistic's display name (`title` in DRIFT_STATISTICS). */
  test_title: string;
  /** Test statistic or distance; null when there was not enough data. */
  statistic: number | null;
  /** p-value of p-value tests; null for distances and when there was not enough data. */
  p_value: number | null;
  threshold: number;
  drifted: boolean;
  not_enough_data: boolean;
  /** What the test ran on: raw reservoir samples or counts on the baseline's bins. */
  method: DriftMethod;
  /** Observations the test compared on each side (sample sizes, or bin totals). */
  observations: { baseline: number; current: number };
  baseline: BaselineBins;
  current: CurrentBins;
}

/** The dataset-level verdict over the features (the score is reported apart). */
export interface DatasetDriftReport {
  drifted: boolean;
  /** Share of judged features that must drift for the dataset to count as drifted. */
  share: number;
  share_drifted: number;
  drifted_features: number;
  evaluated_features: number;
  not_enough_data: boolean;
}

/** Where the current rows came from; filled in by the window store. */
export type WindowInfo =
  | {
      type: 'time';
      /** The requested length, e.g. 3_600_000 for '1h'. */
      duration_ms: number;
      /** Covered interval (bucket-aligned, epoch ms): buckets overlapping [now - duration, now]. */
      from: number;
      to: number;
      source: string;
    }
  | {
      type: 'count';
      /** Rows asked for, and rows the store still held (at most its retention). */
      requested: number;
      available: number;
      source: string;
    };

export interface DriftReport {
  model_version: string;
  baseline_created_at: string;
  baseline_rows: number;
  window: WindowInfo | null;
  /** Rows in the current window. */
  rows: number;
  dataset_drift: DatasetDriftReport;
  /** Names of the drifted features, in model order. */
  drifted_features: string[];
  /** Drift of the model's score distribution. */
  prediction_drift: FeatureDriftReport;
  features: FeatureDriftReport[];
  /** The settings the verdicts used. */
  settings: { min_sample_size: number; share: number; thresholds: Partial<Record<DriftTestName, number>> };
}
