/**
 * The prediction-log backends, listed once: each registry entry names a backend, says what it is
 * for and builds it from the service configuration. The LOGGING_HANDLER setting (its enum and its
 * documented reason), the factory's error message and the docs derive from this list, so a new
 * backend is one entry here and one class beside the others.
 */

import type { Writable } from 'node:stream';

import { FraudlensError } from '../../core/errors.js';
import { nameList, type StorageBackend } from '../common/backends.js';
import type { PredictionLog } from './contract.js';
import { MemoryPredictionLog } from './memory.js';
import { PostgresPredictionLog } from './postgres.js';
import { RedisPredictionLog } from './redis.js';
import { StdoutPredictionLog } from './stdout.js';

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
  /** postgres: server URL (DATABASE_URL). */
  databaseUrl?: string | undefined;
  /** postgres: schema holding the tables (default 'public'). */
  databaseSchema?: string | undefined;
  /** postgres: decisions older than this many days are deleted (default: kept). */
  retentionDays?: number | undefined;
}

const common = (config: PredictionLogConfig) => ({ maxSize: config.maxSize, maskFields: config.maskFields });

/** Every prediction-log backend; the first is the default. */
export const PREDICTION_LOG_BACKENDS = [
  {
    name: 'memory',
    title: 'Memory',
    description: 'per-process ring, no dependency',
    shared: false,
    service: null,
    create: (config: PredictionLogConfig): PredictionLog => new MemoryPredictionLog(common(config)),
  },
  {
    name: 'stdout',
    title: 'Stdout',
    description: 'one line per record, for log collectors',
    shared: false,
    service: null,
    create: (config: PredictionLogConfig): PredictionLog =>
      new StdoutPredictionLog({
        ...common(config),
        format: config.textFormat === true ? 'text' : 'json',
        stream: config.stream,
        bufferSize: config.bufferSize,
        flushTimeoutMs: config.flushTimeoutMs,
      }),
  },
  {
    name: 'redis',
    title: 'Redis',
    description: 'a list shared by all processes',
    shared: true,
    service: 'redis',
    create: (config: PredictionLogConfig): PredictionLog =>
      new RedisPredictionLog({
        ...common(config),
        url: config.redisUrl,
        key: config.redisKey,
        keyPrefix: config.redisKeyPrefix,
        bufferSize: config.bufferSize,
        flushTimeoutMs: config.flushTimeoutMs,
      }),
  },
  {
    name: 'postgres',
    title: 'PostgreSQL',
    description: 'the durable decision store, shared by all processes (chosen when DATABASE_URL is set)',
    shared: true,
    service: 'postgres',
    create: (config: PredictionLogConfig): PredictionLog =>
      new PostgresPredictionLog({
        ...common(config),
        url: config.databaseUrl,
        schema: config.databaseSchema,
        retentionDays: config.retentionDays,
        bufferSize: config.bufferSize,
        flushTimeoutMs: config.flushTimeoutMs,
      }),
  },
] as const satisfies readonly StorageBackend<string, (config: PredictionLogConfig) => PredictionLog>[];

/** A backend's name: 'memory' | 'stdout' | 'redis' | 'postgres'. */
export type PredictionLogHandler = (typeof PREDICTION_LOG_BACKENDS)[number]['name'];

/** The registry entry of a backend name, or undefined for a name no backend has. */
export function predictionLogBackend(name: string): (typeof PREDICTION_LOG_BACKENDS)[number] | undefined {
  return PREDICTION_LOG_BACKENDS.find((b) => b.name === name);
}

/**
 * Creates the configured prediction log.
 * @param config the handler and its options; validated by the backend (CONFIG_INVALID)
 * @example const log = createPredictionLog({ handler: 'redis', redisUrl: 'redis://cache:6379' });
 */
export function createPredictionLog(config: PredictionLogConfig): PredictionLog {
  const backend = predictionLogBackend(config.handler);
  if (backend === undefined) {
    throw new FraudlensError(
      'CONFIG_INVALID',
      `Unknown prediction log handler "${String((config as { handler: unknown }).handler)}"; use ${nameList(PREDICTION_LOG_BACKENDS)}.`,
      { field: 'handler' },
    );
  }
  return backend.create(config);
}
