/**
 * The options of `trainModel`: their defaults (XGBoost's where XGBoost has one), the range each
 * numeric option must lie in, and the checks that turn a bad value into INPUT_INVALID naming the
 * option as `name (--flag)` (the CLI's flags are the options' names in kebab case).
 */
import { FraudlensError } from '../errors.js';
import { DEFAULT_BIN_SAMPLE_ROWS, DEFAULT_MAX_BINS, DEFAULT_MAX_CATEGORY_BINS, DEFAULT_MIN_CATEGORY_COUNT } from './binning.js';
import { DEFAULT_MAX_CAT_THRESHOLD } from './split.js';
import { DEFAULT_TARGET_PRECISION, DEFAULT_TARGET_RECALL } from './thresholds.js';
/** A categorical feature with more distinct values than this is almost surely an identifier. */
export const DEFAULT_MAX_CATEGORIES = 10_000;
/**
 * GOSS rates used by `goss: true` and `'auto'`. LightGBM's defaults are 0.2 / 0.1; on fraud-like
 * data (well under 10 % positives) a top share of 0.1 already holds every positive and the
 * hardest negatives. On the 227,846-row synthetic credit-card set (test = last 20 %), seeds 0–2
 * gave a mean test PR-AUC of 0.725 with 0.1 / 0.1 and 0.716 with 0.2 / 0.1, and 0.1 / 0.1 trains
 * faster (fewer rows enter the histograms); XGBoost without sampling scores 0.724 there.
 */
export const DEFAULT_GOSS = { topRate: 0.1, otherRate: 0.1 };
/**
 * Starting probability of every row, XGBoost 1.7's `base_score`. Not the training positive rate:
 * starting there makes the first trees overfit rare positives (see boost.ts), which cost 0.025
 * test PR-AUC out of time on Sparkov.
 */
export const DEFAULT_BASE_SCORE = 0.5;
/**
 * With `goss: 'auto'` (the default), GOSS is used from this many training rows on. Re-judged with
 * base score 0.5 (2026-12-02, BENCHMARKS.md): it changed test PR-AUC by at most −0.002 (Sparkov
 * out of time, 1,056,233 rows, four feature variants; synthetic set +0.0001) and cut training
 * CPU time by 45 % on the 30-feature synthetic set, where histograms dominate; on Sparkov's 8–10
 * features the saving was within the noise of the loaded host. Kept: its cost stays well inside
 * the 0.005 parity budget and it keeps training on wide data under XGBoost's time.
 */
export const GOSS_AUTO_MIN_ROWS = 100_000;
/** Defaults of every numeric option (XGBoost's where XGBoost has one). */
export const TRAIN_DEFAULTS = {
    trees: 200,
    maxDepth: 6,
    learningRate: 0.1,
    minChildWeight: 1,
    lambda: 1,
    gamma: 0,
    subsample: 1,
    colsample: 1,
    scalePosWeight: 1,
    maxBins: DEFAULT_MAX_BINS,
    seed: 0,
    validFraction: 0,
    earlyStopping: 0,
    minCategoryCount: DEFAULT_MIN_CATEGORY_COUNT,
    maxCategories: DEFAULT_MAX_CATEGORIES,
    maxCategoryBins: DEFAULT_MAX_CATEGORY_BINS,
    maxCatThreshold: DEFAULT_MAX_CAT_THRESHOLD,
    binSampleRows: DEFAULT_BIN_SAMPLE_ROWS,
    targetPrecision: DEFAULT_TARGET_PRECISION,
    targetRecall: DEFAULT_TARGET_RECALL,
};
/** [min, max, minExclusive, integer] per numeric option. */
const RANGES = {
    trees: [1, 100_000, false, true],
    maxDepth: [1, 30, false, true],
    learningRate: [0, 1, true, false],
    minChildWeight: [0, Infinity, false, false],
    lambda: [0, Infinity, false, false],
    gamma: [0, Infinity, false, false],
    subsample: [0, 1, true, false],
    colsample: [0, 1, true, false],
    scalePosWeight: [0, Infinity, true, false],
    maxBins: [2, 65536, false, true],
    seed: [-2147483648, 4294967295, false, true],
    validFraction: [0, 0.9, false, false],
    earlyStopping: [0, 100_000, false, true],
    minCategoryCount: [1, Infinity, false, true],
    maxCategories: [2, Infinity, false, true],
    maxCategoryBins: [2, 65536, false, true],
    maxCatThreshold: [1, 65536, false, true],
    binSampleRows: [1000, Infinity, false, true],
    targetPrecision: [0, 1, true, false],
    targetRecall: [0, 1, true, false],
};
/** An option as messages name it: `validFraction (--valid-fraction)`. */
export function optionName(key) {
    return `${key} (--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)})`;
}
export function invalid(field, message) {
    throw new FraudlensError('INPUT_INVALID', `option ${field} ${message}`, { field });
}
export function resolveNumbers(options) {
    const out = {};
    for (const key of Object.keys(TRAIN_DEFAULTS)) {
        const given = options[key];
        const v = given === undefined ? TRAIN_DEFAULTS[key] : given;
        const [lo, hi, loExclusive, integer] = RANGES[key];
        if (typeof v !== 'number' || !Number.isFinite(v))
            invalid(key, `must be a finite number, got ${JSON.stringify(v)}`);
        if (integer && !Number.isInteger(v))
            invalid(key, `must be an integer, got ${v}`);
        if ((loExclusive ? v <= lo : v < lo) || v > hi)
            invalid(key, `must be in ${loExclusive ? '(' : '['}${lo}, ${hi}], got ${v}`);
        out[key] = v;
    }
    return out;
}
export function resolveGoss(goss, trainRows) {
    if (goss === undefined || goss === 'auto')
        return trainRows >= GOSS_AUTO_MIN_ROWS ? DEFAULT_GOSS : null;
    if (goss === false)
        return null;
    const g = goss === true ? DEFAULT_GOSS : goss;
    if (typeof g !== 'object' || g === null)
        invalid('goss', `must be 'auto', true, false or { topRate, otherRate }, got ${JSON.stringify(goss)}`);
    if (!(g.topRate > 0 && g.topRate < 1))
        invalid('goss.topRate', `must be in (0, 1), got ${g.topRate}`);
    if (!(g.otherRate > 0 && g.topRate + g.otherRate <= 1))
        invalid('goss.otherRate', `must be positive with topRate + otherRate ≤ 1, got ${g.otherRate}`);
    return { topRate: g.topRate, otherRate: g.otherRate };
}
//# sourceMappingURL=options.js.map