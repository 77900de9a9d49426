/**
 * The trainer's public surface: `trainModel` and its option/summary types, the metrics and the
 * threshold rule (the CLI's evaluate command reuses them), and the seeded generator. Binning,
 * histograms, split search and the booster stay internal.
 */

export { trainModel } from './train.js';
export type { TrainSummary, FeatureImportance, ConfusionSummary } from './train.js';
export { TRAIN_DEFAULTS, DEFAULT_GOSS, GOSS_AUTO_MIN_ROWS } from './options.js';
export type { TrainOptions } from './options.js';
export type { ProgressCallback, RoundMetrics, StoppingMetric } from './boost.js';
export type { GossParams } from './sampling.js';
export {
  rocAuc,
  averagePrecision,
  rankingMetrics,
  logLoss,
  brierScore,
  confusionAt,
  calibrationTable,
  evaluateScores,
  validationCurves,
  CURVE_POINTS,
  LOGLOSS_EPSILON,
} from './metrics.js';
export type { BinaryMetrics, CalibrationBin, ConfusionAt, Curves } from './metrics.js';
export { chooseThresholds, DEFAULT_TARGET_PRECISION, DEFAULT_TARGET_RECALL } from './thresholds.js';
export type { ThresholdOptions } from './thresholds.js';
export { Rng } from './random.js';
export { VALID_SPLITS, DEFAULT_VALID_SPLIT, MIN_VALIDATION_POSITIVES } from './holdout.js';
export type { ValidSplit } from './holdout.js';
