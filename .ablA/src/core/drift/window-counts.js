/**
 * What a window keeps of every row: one count per slot of the baseline's layout (each row adds
 * one count in every feature's slot group and in the score's). Time buckets add up (addCounts);
 * count-based windows bin their rows when read (countRows).
 */
/** Zero counts for a layout. */
export function emptyCounts(layout) {
    return { rows: 0, counts: new Float64Array(layout.numSlots) };
}
/** Adds `source` into `target` (same layout). */
export function addCounts(target, source) {
    const t = target.counts;
    const s = source.counts;
    for (let i = 0; i < t.length; i++)
        t[i] += s[i];
    target.rows += source.rows;
}
/**
 * Counts of a block of rows on a layout (count-based windows bin their rows when read).
 * @param layout the compiled baseline
 * @param values rows * numFeatures encoded values, row-major
 * @param scores one score per row
 * @param rows number of rows to read
 */
export function countRows(layout, values, scores, rows) {
    const m = layout.numFeatures;
    const counts = new Float64Array(layout.numSlots);
    const slots = new Int32Array(m + 1);
    let kept = 0;
    for (let r = 0; r < rows; r++) {
        const s = scores[r];
        if (!Number.isFinite(s))
            continue;
        layout.slotsOf(values, s, slots, r * m);
        for (let k = 0; k <= m; k++)
            counts[slots[k]]++;
        kept++;
    }
    return { rows: kept, counts };
}
//# sourceMappingURL=window-counts.js.map