/**
 * One call from a window store to a drift report: what `GET /drift?window=1h` and
 * `fraudlens drift` need.
 */
import { buildDriftReport } from '../../core/drift/index.js';
/**
 * Reads a window and builds its drift report: what `GET /drift?window=1h` and `fraudlens drift`
 * need in one call.
 * @param store the window store (its baseline is the one compared with)
 * @param spec the window, e.g. parseWindowSpec('1h')
 * @param options report options (dataset drift share, thresholds, minimum sample size, forced tests)
 * @param nowMs end of a time window (default now)
 * @example const report = await readDriftReport(store, parseWindowSpec('1h'));
 */
export async function readDriftReport(store, spec, options = {}, nowMs) {
    return buildDriftReport(store.baseline, await store.read(spec, nowMs), options);
}
//# sourceMappingURL=report.js.map