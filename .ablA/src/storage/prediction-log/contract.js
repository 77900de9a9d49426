/**
 * The prediction-log contract. Every prediction the API makes is handed to a `PredictionLog`;
 * the backends (memory, stdout, redis) differ only in where records end up. The contract is
 * written so that logging can never hurt the request path: `append` is synchronous, never
 * throws and never waits on I/O, and every record that does not make it to storage is counted.
 */
export const DEFAULT_MAX_SIZE = 5000;
export const MASKED_VALUE = '***';
//# sourceMappingURL=contract.js.map