/**
 * A baseline compiled for the hot path of drift monitoring: every feature's bins (and the
 * score's) laid out as one flat vector of count slots, and `slotsOf`, which maps a scored row to
 * one slot per feature with a binary search (or a branch-free count) per numeric value and a
 * table lookup per category. The window stores count rows on these slots (window-counts.ts);
 * the report builder reads the baseline's counts, samples and finite edges from here.
 *
 * Slot rules (see DriftLayout.slotsOf):
 *   - missing values are counted apart, in one slot per feature, and never tested;
 *   - a category the model does not know (UNKNOWN_CATEGORY_CODE in the row: the scorer saw a
 *     name without a code and scored it as missing) has a slot of its own, so the report can
 *     show how much of the window is new categories; for the tests it counts in "other", where
 *     the baseline put such rows too (valueCounts).
 */
import { UNKNOWN_CATEGORY_CODE } from '../data/table.js';
/** Up to this many cut points a linear count beats a binary search (no unpredictable branches). */
const LINEAR_SCAN_MAX = 16;
/**
 * Number of cuts[from..to) strictly below v (the bin of v under right-closed bins), for a
 * non-NaN v. Short runs are counted without branches: on real traffic the binary search's
 * comparisons are coin flips the CPU mispredicts, which costs more than comparing every cut.
 */
function countBelow(cuts, from, to, v) {
    if (to - from <= LINEAR_SCAN_MAX) {
        let n = 0;
        for (let i = from; i < to; i++)
            n += cuts[i] < v ? 1 : 0;
        return n;
    }
    let lo = from;
    let hi = to;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cuts[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo - from;
}
/** Codes above this use a Map instead of a dense code → bucket table. */
const DENSE_CODE_LIMIT = 1 << 16;
/**
 * Version of the slot layout, for stores that keep counts by slot index across processes (the
 * Redis window's key fingerprint): 2 added the new-category slot of categorical features.
 */
export const DRIFT_LAYOUT_VERSION = 2;
/**
 * A baseline compiled for the hot path. Feature j owns slots
 * [slotStart[j], slotStart[j + 1]): its value bins (numeric bins, or kept categories followed by
 * the "other" bucket), then one missing slot, then for a categorical feature one slot of
 * categories the model does not know (see newCategorySlot). The score is "feature" m
 * (numFeatures), whose missing slot stays at 0 because rows without a finite score are refused.
 */
export class DriftLayout {
    baseline;
    numFeatures;
    names;
    types;
    /** Total count slots (all features and the score). */
    numSlots;
    /** First slot of each feature, then of the score, then numSlots: length numFeatures + 2. */
    slotStart;
    /** Value bins (without the missing slot) per feature and for the score. */
    valueBins;
    categorical;
    /** Cut points of every numeric feature and the score, concatenated; cutStart as slotStart. */
    cuts;
    cutStart;
    denseCodes;
    sparseCodes;
    /** Baseline counts on the value bins, per feature and for the score. */
    baselineCounts;
    /** Baseline raw samples (numeric features and the score; empty for categorical). */
    baselineSamples;
    /** Finite, strictly increasing edges (bins + 1) for tests that place mass at bin centres. */
    finiteEdges;
    constructor(baseline) {
        const m = baseline.features.length;
        const all = [
            ...baseline.features,
            { ...baseline.score, type: 'numeric' },
        ];
        this.baseline = baseline;
        this.numFeatures = m;
        this.names = baseline.features.map((f) => f.name);
        this.types = baseline.features.map((f) => f.type);
        this.slotStart = new Int32Array(m + 2);
        this.valueBins = new Int32Array(m + 1);
        this.categorical = new Uint8Array(m + 1);
        this.cutStart = new Int32Array(m + 2);
        this.denseCodes = [];
        this.sparseCodes = [];
        const cuts = [];
        const baselineCounts = [];
        const baselineSamples = [];
        const finiteEdges = [];
        let slot = 0;
        all.forEach((f, j) => {
            this.slotStart[j] = slot;
            this.cutStart[j] = cuts.length;
            baselineCounts.push(Float64Array.from(f.counts));
            if (f.type === 'categorical') {
                this.categorical[j] = 1;
                this.valueBins[j] = f.categories.length + 1;
                let maxCode = -1;
                for (const c of f.codes)
                    if (c > maxCode)
                        maxCode = c;
                if (maxCode < DENSE_CODE_LIMIT) {
                    const table = new Int32Array(maxCode + 1).fill(-1);
                    f.codes.forEach((c, k) => (table[c] = k));
                    this.denseCodes.push(table);
                    this.sparseCodes.push(null);
                }
                else {
                    this.denseCodes.push(null);
                    this.sparseCodes.push(new Map(f.codes.map((c, k) => [c, k])));
                }
                baselineSamples.push(new Float64Array(0));
                finiteEdges.push(new Float64Array(0));
            }
            else {
                this.valueBins[j] = f.edges.length + 1;
                cuts.push(...f.edges);
                this.denseCodes.push(null);
                this.sparseCodes.push(null);
                baselineSamples.push(Float64Array.from(f.sample));
                finiteEdges.push(outerEdges(f.edges, f.min, f.max));
            }
            slot += this.valueBins[j] + 1 + this.categorical[j];
        });
        this.slotStart[m + 1] = slot;
        this.cutStart[m + 1] = cuts.length;
        this.numSlots = slot;
        this.cuts = Float64Array.from(cuts);
        this.baselineCounts = baselineCounts;
        this.baselineSamples = baselineSamples;
        this.finiteEdges = finiteEdges;
    }
    /** The missing slot of feature j (j = numFeatures for the score). */
    missingSlot(j) {
        return this.slotStart[j] + this.valueBins[j];
    }
    /** The slot of rows whose category of feature j the model does not know; -1 for numeric features. */
    newCategorySlot(j) {
        return this.categorical[j] === 1 ? this.slotStart[j] + this.valueBins[j] + 1 : -1;
    }
    /**
     * Counts of feature j on its value bins, as the tests compare them with the baseline: rows in
     * categories the model does not know are part of "other", as the baseline counted them.
     * @param counts a window's counts on this layout
     */
    valueCounts(counts, j) {
        const start = this.slotStart[j];
        const bins = this.valueBins[j];
        const out = counts.slice(start, start + bins);
        if (this.categorical[j] === 1)
            out[bins - 1] += counts[start + bins + 1];
        return out;
    }
    /**
     * The slot of every feature of one row and of its score, written to `out` (length
     * numFeatures + 1). Allocates nothing.
     *   numeric: NaN and +-Infinity count as missing (non-finite values cannot be tested);
     *   categorical: NaN is missing; UNKNOWN_CATEGORY_CODE (a category the model does not know)
     *   goes to the feature's new-category slot; a code the baseline does not keep by name (a rare
     *   category, or any other negative or fractional code) goes to the "other" bucket.
     * @param row the encoded row, model feature order (as the predictor reads it)
     * @param score the model's probability for the row; must be finite
     * @param out receives global slot indices
     * @param offset where the row starts in `row` (a row of a row-major block)
     */
    slotsOf(row, score, out, offset = 0) {
        const m = this.numFeatures;
        const cuts = this.cuts;
        for (let j = 0; j < m; j++) {
            const v = row[offset + j];
            const base = this.slotStart[j];
            if (this.categorical[j] === 0) {
                // v - v is 0 for finite values, NaN for NaN and infinities.
                if (v - v !== 0) {
                    out[j] = base + this.valueBins[j];
                    continue;
                }
                out[j] = base + countBelow(cuts, this.cutStart[j], this.cutStart[j + 1], v);
            }
            else if (v !== v) {
                out[j] = base + this.valueBins[j];
            }
            else if (v === UNKNOWN_CATEGORY_CODE) {
                out[j] = base + this.valueBins[j] + 1;
            }
            else {
                out[j] = base + this.categoryBucket(j, v);
            }
        }
        out[m] = this.slotStart[m] + countBelow(cuts, this.cutStart[m], this.cutStart[m + 1], score);
    }
    categoryBucket(j, code) {
        const other = this.valueBins[j] - 1;
        const dense = this.denseCodes[j];
        if (dense !== null) {
            if (code >= 0 && code < dense.length && Math.floor(code) === code) {
                const k = dense[code];
                return k < 0 ? other : k;
            }
            return other;
        }
        return this.sparseCodes[j].get(code) ?? other;
    }
}
const compiled = new WeakMap();
/**
 * The layout of a baseline, compiled once per baseline object and cached.
 * @param baseline a validated baseline (buildBaseline or parseBaseline); treat it as immutable
 */
export function compileBaseline(baseline) {
    let layout = compiled.get(baseline);
    if (layout === undefined) {
        layout = new DriftLayout(baseline);
        compiled.set(baseline, layout);
    }
    return layout;
}
/**
 * Finite edges around the cut points for bin-centre computations: the baseline's min and max
 * close the outer bins; where a cut point sits on the min or max (ties), the outer bin is given
 * the average width of the inner bins instead, so every bin has a positive width.
 */
function outerEdges(cuts, min, max) {
    const k = cuts.length;
    if (k === 0) {
        const lo = min ?? 0;
        const hi = max !== null && max > lo ? max : lo + 1;
        return Float64Array.of(lo, hi);
    }
    const width = k >= 2 ? (cuts[k - 1] - cuts[0]) / (k - 1) : Math.max(Math.abs(cuts[0]), 1);
    const out = new Float64Array(k + 2);
    out[0] = min !== null && min < cuts[0] ? min : cuts[0] - width;
    for (let i = 0; i < k; i++)
        out[i + 1] = cuts[i];
    out[k + 1] = max !== null && max > cuts[k - 1] ? max : cuts[k - 1] + width;
    return out;
}
//# sourceMappingURL=bin-layout.js.map