/**
 * The drift-window wing: the contract every backend keeps, the windows a report can cover, its
 * registry and factory, the backends (memory, redis), and one call from a store to a report.
 */
export { createDriftWindow, driftWindowBackend, DRIFT_WINDOW_BACKENDS } from './factory.js';
export { DEFAULT_BUCKET_MS, DEFAULT_BUCKET_SAMPLE_SIZE, DEFAULT_RECENT_SIZE, DEFAULT_RETENTION_MS } from './contract.js';
export { MAX_COUNT_WINDOW, TIME_WINDOWS, parseWindowSpec } from './windows.js';
export { readDriftReport } from './report.js';
export { MemoryDriftWindow } from './memory.js';
export { RedisDriftWindow, DEFAULT_DRIFT_KEY_PREFIX } from './redis.js';
//# sourceMappingURL=index.js.map