/**
 * Entry point of the prediction-log storage layer: a factory that turns the service
 * configuration into one of the backends, and the few names callers need.
 */

import type { Writable } from 'node:stream';

import { FraudlensError } from '../core/errors.js';
import { MemoryPredictionLog } from './memory.js';
import type { PredictionLog } from './prediction-log.js';
import { RedisPredictionLog } from './redis.js';
import { StdoutPredictionLog } from './stdout.js';

export type PredictionLogHandler = 'memory' | 'stdout' | 'redis';

export interface PredictionLogConfig {
  handler: PredictionLogHandler;
  /** Retained records (default 5000): ring size, or the Redis list bound. */
  maxSize?: number | undefined;
  /** Feature names stored as "***". */
  maskFields?: readonly string[] | undefined;
  /** Records allowed to wait for a slow stdout or an absent Redis (default 10,000). */
  bufferSize?: number | undefined;
  /** Longest flush()/close() wait (default 5,000 ms). */
  flushTimeoutMs?: number | undefined;
  /** stdout: write the legacy Python text line instead of JSON. */
  textFormat?: boolean | undefined;
  /** stdout: destination stream (default process.stdout). */
  stream?: Writable | undefined;
  /** redis: server URL (default redis://127.0.0.1:6379). */
  redisUrl?: string | undefined;
  /** redis: list key (default 'api_logs'). */
  redisKey?: string | undefined;
  /** redis: key prefix (default none). */
  redisKeyPrefix?: string | undefined;
}

export function createPredictionLog(config: PredictionLogConfig): PredictionLog {
  const common = { maxSize: config.maxSize, maskFields: config.maskFields };
  switch (config.handler) {
    case 'memory':
      return new MemoryPredictionLog(common);
    case 'stdout':
      return new StdoutPredictionLog({
        ...common,
        format: config.textFormat === true ? 'text' : 'json',
        stream: config.stream,
        bufferSize: config.bufferSize,
        flushTimeoutMs: config.flushTimeoutMs,
      });
    case 'redis':
      return new RedisPredictionLog({
        ...common,
        url: config.redisUrl,
        key: config.redisKey,
        keyPrefix: config.redisKeyPrefix,
        bufferSize: config.bufferSize,
        flushTimeoutMs: config.flushTimeoutMs,
      });
    default:
      throw new FraudlensError(
        'CONFIG_INVALID',
        `Unknown prediction log handler "${String((config as { handler: unknown }).handler)}"; use memory, stdout or redis.`,
        { field: 'handler' },
      );
  }
}

export { MemoryPredictionLog } from './memory.js';
export { StdoutPredictionLog, formatLegacyLine } from './stdout.js';
export { RedisPredictionLog } from './redis.js';
export { DEFAULT_MAX_SIZE, MASKED_VALUE } from './prediction-log.js';
export type {
  Decision,
  FeatureValue,
  PredictionExplanation,
  PredictionLog,
  PredictionLogOptions,
  PredictionLogStats,
  PredictionRecord,
} from './prediction-log.js';
export type { MemoryPredictionLogOptions } from './memory.js';
export type { StdoutFormat, StdoutPredictionLogOptions } from './stdout.js';
export type { RedisPredictionLogOptions } from './redis.js';
