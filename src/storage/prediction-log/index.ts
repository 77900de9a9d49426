/**
 * The prediction-log wing: the contract every backend keeps, its registry and factory, and the
 * backends (memory, stdout, redis).
 */

export { createPredictionLog, predictionLogBackend, PREDICTION_LOG_BACKENDS } from './factory.js';
export type { PredictionLogConfig, PredictionLogHandler } from './factory.js';
export { DEFAULT_MAX_SIZE, MASKED_VALUE } from './contract.js';
export type {
  Decision,
  FeatureValue,
  PredictionExplanation,
  PredictionLog,
  PredictionLogOptions,
  PredictionLogStats,
  PredictionRecord,
} from './contract.js';
export { MemoryPredictionLog } from './memory.js';
export type { MemoryPredictionLogOptions } from './memory.js';
export { StdoutPredictionLog, formatLegacyLine } from './stdout.js';
export type { StdoutFormat, StdoutPredictionLogOptions } from './stdout.js';
export { RedisPredictionLog } from './redis.js';
export type { RedisPredictionLogOptions } from './redis.js';
