/**
 * The prediction-log wing: the contract every backend keeps, its registry and factory, and the
 * backends (memory, stdout, redis).
 */

export { createPredictionLog, predictionLogBackend, PREDICTION_LOG_BACKENDS } from './factory.js';
export type { PredictionLogConfig, PredictionLogHandler } from './factory.js';
export { DEFAULT_MAX_SIZE, MASKED_VALUE, MAX_PAGE_SIZE } from './contract.js';
export type {
  Decision,
  DecisionFilter,
  DecisionPage,
  DecisionQuery,
  FeatureValue,
  PredictionExplanation,
  PredictionLog,
  PredictionLogOptions,
  PredictionLogStats,
  PredictionRecord,
  Reason,
} from './contract.js';
export { MemoryPredictionLog } from './memory.js';
export type { MemoryPredictionLogOptions } from './memory.js';
export { StdoutPredictionLog, formatLegacyLine } from './stdout.js';
export type { StdoutFormat, StdoutPredictionLogOptions } from './stdout.js';
export { RedisPredictionLog } from './redis.js';
export { PostgresPredictionLog, DEFAULT_DATABASE_URL } from './postgres.js';
export type { PostgresPredictionLogOptions } from './postgres.js';
export { MIGRATIONS, SCHEMA_VERSION } from './postgres-schema.js';
export type { RedisPredictionLogOptions } from './redis.js';
