/**
 * Public surface of the drift core: the declarative tests, the registry that picks one per
 * feature, the dataset-level verdict and the scipy-compatible functions underneath; the baseline
 * (built, validated, rebuilt from a window); the layout and the counts and samples a window keeps;
 * the report built from them.
 */
export { MIN_DRIFT_SAMPLE_SIZE } from './common.js';
export { PSI_DEFAULT_THRESHOLD, PSI_EMPTY_BIN_EPSILON, populationStabilityIndex, psiTest } from './psi.js';
export { KS_DEFAULT_THRESHOLD, KS_EXACT_MAX_N, ksFromHistograms, ksPValue, ksTest, ksTwoSample } from './ks.js';
export { CHI_SQUARE_DEFAULT_THRESHOLD, CHI_SQUARE_UNSEEN_PSEUDOCOUNT, chiSquareAgainstBaseline, chiSquareGoodnessOfFit, chiSquareTest, } from './chisquare.js';
export { JENSEN_SHANNON_DEFAULT_THRESHOLD, JENSEN_SHANNON_DRIFT_BASE, jensenShannonDistance, jensenShannonTest, } from './jensen-shannon.js';
export { WASSERSTEIN_DEFAULT_THRESHOLD, WASSERSTEIN_MIN_SCALE, normalizedWasserstein, normalizedWassersteinOfHistograms, wassersteinDistance, wassersteinDistanceWeighted, wassersteinTest, } from './wasserstein.js';
export { DATASET_DRIFT_SHARE, DRIFT_STATISTICS, LOW_CARDINALITY_MAX_DISTINCT, SMALL_BASELINE_MAX_ROWS, SMALL_CURRENT_MAX_ROWS, datasetDrift, getDriftStatistic, runFeatureDrift, samplesToCounts, selectDriftTest, } from './registry.js';
export { chiSquaredSf, regularizedGammaP, regularizedGammaQ } from './gamma.js';
export { kolmogorovSmirnovSf, smirnovSf } from './kolmogorov.js';
export { BASELINE_FILE_NAME, BASELINE_FORMAT, BASELINE_FORMAT_VERSION, DEFAULT_BASELINE_BINS, DEFAULT_MAX_CATEGORIES, DEFAULT_RESERVOIR_SIZE, buildBaseline, serializeBaseline, } from './baseline.js';
export { baselineFromJson, checkBaselineFitsModel, parseBaseline } from './baseline-validation.js';
export { baselineFromWindow } from './rebaseline.js';
export { binIndex } from './bins.js';
export { DRIFT_LAYOUT_VERSION, DriftLayout, compileBaseline } from './bin-layout.js';
export { addCounts, countRows, emptyCounts } from './window-counts.js';
export { BottomKSample, emptySample, mergeSamples, sampleAsPart, sampleRows } from './window-sample.js';
export { buildDriftReport, windowFromRows } from './report-builder.js';
export { OTHER_CATEGORY } from './report.js';
export { DriftRandom } from './random.js';
export { hideNumbersAfterField, maskBaseline } from './masking.js';
//# sourceMappingURL=index.js.map