/**
 * Shared shapes of the drift statistics: what a test takes, what it returns, and the small
 * declarative object every statistic is. Kept apart from the statistics so that the registry
 * and callers can import types without pulling in any numerical code.
 */

/** The two kinds of feature a drift test can apply to. */
export type DriftFeatureKind = 'numeric' | 'categorical';

/** Names of the statistics this module implements (also the `test` field of a result). */
export type DriftTestName = 'psi' | 'ks' | 'chisquare' | 'jensenshannon' | 'wasserstein';

/** Whether a statistic's decision compares a p-value (drift when below) or a distance (drift when at or above). */
export type DriftTestKind = 'p_value' | 'distance';

/**
 * Raw values of a numeric feature: the baseline (training) sample and the current (production)
 * window. NaN entries are missing values and are skipped, so missing-rate drift is not mixed in.
 */
export interface SampleInput {
  form: 'samples';
  baseline: Float64Array;
  current: Float64Array;
}

/**
 * Counts on shared bins or categories, in the same order for baseline and current.
 * `edges` (ascending, length = bins + 1) is needed only by the tests that use bin positions
 * (binned KS and binned Wasserstein); it is ignored by the purely categorical ones.
 */
export interface CountsInput {
  form: 'counts';
  baseline: Float64Array;
  current: Float64Array;
  edges?: Float64Array;
}

export type DriftInput = SampleInput | CountsInput;

/** The one result shape of every drift statistic. */
export interface DriftTestResult {
  test: DriftTestName;
  /** The value compared with the threshold for distances; the test statistic for p-value tests. NaN when notEnoughData. */
  statistic: number;
  /** Present (a number) for p-value tests, null for distances and when notEnoughData. */
  pValue: number | null;
  threshold: number;
  drifted: boolean;
  /** True when either side had fewer observations than the minimum: then drifted is always false. */
  notEnoughData?: boolean;
}

/** Per-call options of a statistic. */
export interface DriftComputeOptions {
  /** Overrides the statistic's default threshold. */
  threshold?: number;
  /** Overrides MIN_DRIFT_SAMPLE_SIZE: fewer observations than this on either side give notEnoughData. */
  minSampleSize?: number;
}

/** A drift statistic as a small declarative object. */
export interface DriftStatistic {
  readonly name: DriftTestName;
  /** How people read the name: what reports and the dashboard show. */
  readonly title: string;
  readonly appliesTo: readonly DriftFeatureKind[];
  readonly defaultThreshold: number;
  readonly kind: DriftTestKind;
  /** Input forms the statistic accepts; others throw INPUT_INVALID. */
  readonly accepts: readonly DriftInput['form'][];
  compute(input: DriftInput, options?: DriftComputeOptions): DriftTestResult;
}
