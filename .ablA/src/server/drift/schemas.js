/**
 * The drift routes' schemas: the contract's (src/contract/drift.ts), with the statistic names of
 * the engine's registry (DRIFT_STATISTICS) as the enum of `test` and the keys of the thresholds,
 * so a statistic added there shows in validation, serialisation and the OpenAPI document.
 */
import { BaselineBody, BaselineSaved, driftReportSchema as contractReportSchema, WindowQuery } from '../../contract/index.js';
import { DRIFT_STATISTICS } from '../../core/drift/index.js';
/** The names of the drift statistics, in the registry's order. */
export const DRIFT_TEST_NAMES = Object.keys(DRIFT_STATISTICS);
export const driftReportSchema = contractReportSchema(DRIFT_TEST_NAMES);
/** `?window=`: validated by parseWindowSpec in the handler, for its precise message. */
export const windowQuerySchema = WindowQuery;
/** The baseline file (validated by parseBaseline, which names the field at fault). */
export const baselineBodySchema = BaselineBody;
export const baselineSavedSchema = BaselineSaved;
//# sourceMappingURL=schemas.js.map