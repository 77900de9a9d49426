/**
 * The prediction-log wing: the contract every backend keeps, its registry and factory, and the
 * backends (memory, stdout, redis).
 */
export { createPredictionLog, predictionLogBackend, PREDICTION_LOG_BACKENDS } from './factory.js';
export { DEFAULT_MAX_SIZE, MASKED_VALUE } from './contract.js';
export { MemoryPredictionLog } from './memory.js';
export { StdoutPredictionLog, formatLegacyLine } from './stdout.js';
export { RedisPredictionLog } from './redis.js';
//# sourceMappingURL=index.js.map