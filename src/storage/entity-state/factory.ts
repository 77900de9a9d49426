/**
 * The entity-state backends, listed once: each registry entry names a backend, says what it is
 * for and builds it for a compiled feature plan. The FRAUDLENS_ENTITY_STATE setting (its enum and
 * its reason), the factory's error message and docs/storage.md derive from this list.
 */

import { FraudlensError } from '../../core/errors.js';
import type { FeaturePlan } from '../../core/features/index.js';
import { nameList, type StorageBackend } from '../common/backends.js';
import type { EntityStateBackendStore } from './contract.js';
import { MemoryEntityStateStore } from './memory.js';
import { RedisEntityStateStore } from './redis.js';

export interface EntityStateConfig {
  /** Where the states live (default 'memory'). */
  backend?: EntityStateBackend | undefined;
  /** redis: server URL (default redis://127.0.0.1:6379). */
  redisUrl?: string | undefined;
  /** redis: key prefix (default 'fraudlens:state:'). */
  redisKeyPrefix?: string | undefined;
  /** redis: how long a prediction waits for Redis before answering from the fallback (default 250 ms). */
  timeoutMs?: number | undefined;
}

type CreateEntityState = (plan: FeaturePlan, config: Omit<EntityStateConfig, 'backend'>) => EntityStateBackendStore;

/** Every entity-state backend; the first is the default. */
export const ENTITY_STATE_BACKENDS = [
  {
    name: 'memory',
    title: 'Memory',
    description: 'this process only, no dependency',
    shared: false,
    service: null,
    create: (plan: FeaturePlan): EntityStateBackendStore => new MemoryEntityStateStore(plan),
  },
  {
    name: 'redis',
    title: 'Redis',
    description: 'one state per entity for every replica, at the REDIS_URL settings',
    shared: true,
    service: 'redis',
    create: (plan: FeaturePlan, config: Omit<EntityStateConfig, 'backend'>): EntityStateBackendStore =>
      new RedisEntityStateStore(plan, {
        url: config.redisUrl,
        keyPrefix: config.redisKeyPrefix,
        commandTimeoutMs: config.timeoutMs,
      }),
  },
] as const satisfies readonly StorageBackend<string, CreateEntityState>[];

/** A backend's name: 'memory' | 'redis'. */
export type EntityStateBackend = (typeof ENTITY_STATE_BACKENDS)[number]['name'];

/** The registry entry of a backend name, or undefined for a name no backend has. */
export function entityStateBackend(name: string): (typeof ENTITY_STATE_BACKENDS)[number] | undefined {
  return ENTITY_STATE_BACKENDS.find((b) => b.name === name);
}

/**
 * Creates the entity-state store of a feature plan.
 * @param plan the served model's compiled definitions (compilePlan)
 * @param config backend and its options; validated here (CONFIG_INVALID)
 * @example const store = createEntityStateStore(plan, { backend: 'redis', redisUrl: 'redis://cache:6379' });
 */
export function createEntityStateStore(plan: FeaturePlan, config: EntityStateConfig = {}): EntityStateBackendStore {
  const { backend = ENTITY_STATE_BACKENDS[0].name, ...rest } = config;
  const entry = entityStateBackend(backend);
  if (entry === undefined) {
    throw new FraudlensError(
      'CONFIG_INVALID',
      `Unknown entity state backend "${String(backend)}"; use ${nameList(ENTITY_STATE_BACKENDS)}.`,
      { field: 'backend' },
    );
  }
  return entry.create(plan, rest);
}
