/**
 * Entry point of the drift-window storage layer: turns the service configuration into a backend
 * (in-process by default, Redis when several replicas must share one view) and re-exports the
 * names callers need, so the server and the CLI import one module.
 */

import type { DriftBaseline } from '../core/drift/index.js';
import { FraudlensError } from '../core/errors.js';
import type { DriftWindowOptions, DriftWindowStore } from './drift-window.js';
import { MemoryDriftWindow } from './drift-window-memory.js';
import { RedisDriftWindow } from './drift-window-redis.js';

export type DriftWindowBackend = 'memory' | 'redis';

export interface DriftWindowConfig extends DriftWindowOptions {
  /** Where the window lives (default 'memory'). */
  backend?: DriftWindowBackend | undefined;
  /** redis: server URL (default redis://127.0.0.1:6379). */
  redisUrl?: string | undefined;
  /** redis: key prefix (default 'fraudlens:drift:'). */
  redisKeyPrefix?: string | undefined;
  /** redis: longest flush()/close() wait (default 5,000 ms). */
  flushTimeoutMs?: number | undefined;
}

/**
 * Creates the drift window of a baseline.
 * @param baseline the model's drift baseline (loadBaseline / buildBaseline)
 * @param config backend and window options; validated here (CONFIG_INVALID)
 * @example const window = createDriftWindow(baseline, { backend: 'redis', redisUrl: 'redis://cache:6379' });
 */
export function createDriftWindow(baseline: DriftBaseline, config: DriftWindowConfig = {}): DriftWindowStore {
  const { backend = 'memory', redisUrl, redisKeyPrefix, flushTimeoutMs, ...options } = config;
  switch (backend) {
    case 'memory':
      return new MemoryDriftWindow(baseline, options);
    case 'redis':
      return new RedisDriftWindow(baseline, { ...options, url: redisUrl, keyPrefix: redisKeyPrefix, flushTimeoutMs });
    default:
      throw new FraudlensError('CONFIG_INVALID', `Unknown drift window backend "${String(backend)}"; use memory or redis.`, { field: 'backend' });
  }
}

export {
  DEFAULT_BUCKET_MS,
  DEFAULT_BUCKET_SAMPLE_SIZE,
  DEFAULT_RECENT_SIZE,
  DEFAULT_RETENTION_MS,
  TIME_WINDOWS,
  parseWindowSpec,
  readDriftReport,
} from './drift-window.js';
export type { DriftWindowOptions, DriftWindowSnapshot, DriftWindowSpec, DriftWindowStats, DriftWindowStore, TimeWindowName } from './drift-window.js';
export { MemoryDriftWindow } from './drift-window-memory.js';
export { RedisDriftWindow, DEFAULT_DRIFT_KEY_PREFIX } from './drift-window-redis.js';
export type { RedisDriftWindowOptions } from './drift-window-redis.js';
