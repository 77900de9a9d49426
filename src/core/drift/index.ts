/**
 * Public surface of the drift statistics core: the declarative tests, the registry that picks
 * one per feature, the dataset-level verdict, and the scipy-compatible functions underneath.
 */

export type {
  CountsInput,
  DriftComputeOptions,
  DriftFeatureKind,
  DriftInput,
  DriftStatistic,
  DriftTestKind,
  DriftTestName,
  DriftTestResult,
  SampleInput,
} from './types.js';
export { MIN_DRIFT_SAMPLE_SIZE } from './common.js';
export { PSI_DEFAULT_THRESHOLD, PSI_EMPTY_BIN_EPSILON, populationStabilityIndex, psiTest } from './psi.js';
export type { KsResult } from './ks.js';
export { KS_DEFAULT_THRESHOLD, KS_EXACT_MAX_N, ksFromHistograms, ksPValue, ksTest, ksTwoSample } from './ks.js';
export type { ChiSquareResult } from './chisquare.js';
export {
  CHI_SQUARE_DEFAULT_THRESHOLD,
  CHI_SQUARE_UNSEEN_PSEUDOCOUNT,
  chiSquareAgainstBaseline,
  chiSquareGoodnessOfFit,
  chiSquareTest,
} from './chisquare.js';
export { JENSEN_SHANNON_DEFAULT_THRESHOLD, JENSEN_SHANNON_DRIFT_BASE, jensenShannonDistance, jensenShannonTest } from './jensen_shannon.js';
export {
  WASSERSTEIN_DEFAULT_THRESHOLD,
  WASSERSTEIN_MIN_SCALE,
  normalizedWasserstein,
  normalizedWassersteinOfHistograms,
  wassersteinDistance,
  wassersteinDistanceWeighted,
  wassersteinTest,
} from './wasserstein.js';
export type { DatasetDriftResult, FeatureDriftOptions, FeatureProfile } from './registry.js';
export {
  DATASET_DRIFT_SHARE,
  DRIFT_STATISTICS,
  LOW_CARDINALITY_MAX_DISTINCT,
  SMALL_BASELINE_MAX_ROWS,
  SMALL_CURRENT_MAX_ROWS,
  datasetDrift,
  getDriftStatistic,
  runFeatureDrift,
  samplesToCounts,
  selectDriftTest,
} from './registry.js';
export { chiSquaredSf, regularizedGammaP, regularizedGammaQ } from './gamma.js';
export { kolmogorovSmirnovSf, smirnovSf } from './kolmogorov.js';
export type {
  BaselineOptions,
  CategoricalFeatureBaseline,
  DriftBaseline,
  FeatureBaseline,
  NumericFeatureBaseline,
  ScoreBaseline,
} from './baseline.js';
export {
  BASELINE_FILE_NAME,
  BASELINE_FORMAT,
  BASELINE_FORMAT_VERSION,
  DEFAULT_BASELINE_BINS,
  DEFAULT_MAX_CATEGORIES,
  DEFAULT_RESERVOIR_SIZE,
  baselineFromJson,
  buildBaseline,
  checkBaselineFitsModel,
  parseBaseline,
  serializeBaseline,
} from './baseline.js';
export type { DriftReportOptions, SamplePart, WindowCounts, WindowSample } from './window.js';
export {
  BottomKSample,
  DRIFT_LAYOUT_VERSION,
  DriftLayout,
  addCounts,
  binIndex,
  buildDriftReport,
  compileBaseline,
  countRows,
  emptyCounts,
  emptySample,
  mergeSamples,
  sampleAsPart,
  sampleRows,
} from './window.js';
export type { BaselineBins, CurrentBins, DatasetDriftReport, DriftMethod, DriftReport, FeatureDriftReport, WindowInfo } from './report.js';
export { OTHER_CATEGORY } from './report.js';
export { DriftRandom } from './random.js';
export { hideNumbersAfterField, maskBaseline } from './masking.js';
