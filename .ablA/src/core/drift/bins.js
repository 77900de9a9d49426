/**
 * The bin rule: bins are right-closed, so a value lying on a cut point falls in the bin below it.
 * The baseline counts training values with it and the layout (bin-layout.ts, whose hot path
 * applies the same rule to its concatenated cut points) counts production rows, so a value on a
 * cut point lands in the same bin on both sides. A module of its own, so that the baseline does
 * not import the layout that is compiled from it.
 */
/**
 * The bin of a value under right-closed bins: the number of cut points strictly below it, so
 * bin i holds edges[i-1] < x <= edges[i] (first bin open below, last open above). -1 for NaN.
 * Works on any ascending array; O(log bins).
 * @param edges ascending cut points
 * @param value the value to place
 * @example binIndex([1, 2, 3], 2) // 1: 2 lies in (1, 2]
 */
export function binIndex(edges, value) {
    if (value !== value)
        return -1;
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (edges[mid] < value)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
//# sourceMappingURL=bins.js.map