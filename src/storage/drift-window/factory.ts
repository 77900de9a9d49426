/**
 * The drift-window backends, listed once: each registry entry names a backend, says what it is
 * for and builds it for a baseline. The FRAUDLENS_DRIFT_BACKEND setting (its enum, its reason,
 * what `auto` resolves to), the /drift route's description and the docs derive from this list.
 */

import type { DriftBaseline } from '../../core/drift/index.js';
import { FraudlensError } from '../../core/errors.js';
import { nameList, type StorageBackend } from '../common/backends.js';
import type { DriftWindowOptions, DriftWindowStore } from './contract.js';
import { MemoryDriftWindow } from './memory.js';
import { RedisDriftWindow } from './redis.js';

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

type CreateDriftWindow = (baseline: DriftBaseline, config: Omit<DriftWindowConfig, 'backend'>) => DriftWindowStore;

/** Every drift-window backend; the first is the default. */
export const DRIFT_WINDOW_BACKENDS = [
  {
    name: 'memory',
    title: 'Memory',
    description: 'this process only',
    shared: false,
    service: null,
    create: (baseline: DriftBaseline, config: Omit<DriftWindowConfig, 'backend'>): DriftWindowStore => {
      const { redisUrl: _url, redisKeyPrefix: _prefix, flushTimeoutMs: _flush, ...options } = config;
      return new MemoryDriftWindow(baseline, options);
    },
  },
  {
    name: 'redis',
    title: 'Redis',
    description: 'one window for every replica, at the REDIS_URL settings',
    shared: true,
    service: 'redis',
    create: (baseline: DriftBaseline, config: Omit<DriftWindowConfig, 'backend'>): DriftWindowStore => {
      const { redisUrl, redisKeyPrefix, flushTimeoutMs, ...options } = config;
      return new RedisDriftWindow(baseline, { ...options, url: redisUrl, keyPrefix: redisKeyPrefix, flushTimeoutMs });
    },
  },
] as const satisfies readonly StorageBackend<string, CreateDriftWindow>[];

/** A backend's name: 'memory' | 'redis'. */
export type DriftWindowBackend = (typeof DRIFT_WINDOW_BACKENDS)[number]['name'];

/** The registry entry of a backend name, or undefined for a name no backend has. */
export function driftWindowBackend(name: string): (typeof DRIFT_WINDOW_BACKENDS)[number] | undefined {
  return DRIFT_WINDOW_BACKENDS.find((b) => b.name === name);
}

/**
 * Creates the drift window of a baseline.
 * @param baseline the model's drift baseline (loadBaseline / buildBaseline)
 * @param config backend and window options; validated here (CONFIG_INVALID)
 * @example const window = createDriftWindow(baseline, { backend: 'redis', redisUrl: 'redis://cache:6379' });
 */
export function createDriftWindow(baseline: DriftBaseline, config: DriftWindowConfig = {}): DriftWindowStore {
  const { backend = DRIFT_WINDOW_BACKENDS[0].name, ...rest } = config;
  const entry = driftWindowBackend(backend);
  if (entry === undefined) {
    throw new FraudlensError(
      'CONFIG_INVALID',
      `Unknown drift window backend "${String(backend)}"; use ${nameList(DRIFT_WINDOW_BACKENDS)}.`,
      { field: 'backend' },
    );
  }
  return entry.create(baseline, rest);
}
