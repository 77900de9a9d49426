/**
 * The entity-state wing: the contract every backend keeps (core's EntityStateStore plus counters
 * and close()), its registry and factory, and the backends (memory, redis).
 */

export { createEntityStateStore, entityStateBackend, ENTITY_STATE_BACKENDS } from './factory.js';
export type { EntityStateBackend, EntityStateConfig } from './factory.js';
export type { AddOutcome, EntityStateBackendStore, EntityStateJson, EntityStateStats, EntityStateStore } from './contract.js';
export { MemoryEntityStateStore } from './memory.js';
export {
  RedisEntityStateStore,
  DEFAULT_ENTITY_STATE_KEY_PREFIX,
  DEFAULT_ENTITY_STATE_TIMEOUT_MS,
  ENTITY_STATE_EXPIRY_MARGIN_SECONDS,
} from './redis.js';
export type { RedisEntityStateOptions } from './redis.js';
