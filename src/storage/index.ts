/**
 * Storage: where predictions, the drift window's view of recent traffic and the entity states of
 * derived features are kept. Three wings,
 * each with one contract, one registry of backends (the single list the configuration, /health
 * and the docs derive from), a factory and one conformance suite every backend runs:
 *   prediction-log/  memory, stdout, redis
 *   drift-window/    memory, redis
 *   entity-state/    memory, redis
 *   labels/          beside the decisions: memory, postgres (one conformance suite)
 *   model-registry/  model versions, aliases and their history: a directory (one conformance suite)
 *   common/          what the wings share: the batching writer (buffer-to-server loop), the Redis
 *                    connection and wire codec, option checks, waiters, the ring buffer
 * Storage depends on core only; the server and the CLI import this module.
 */

export * from './prediction-log/index.js';
export * from './drift-window/index.js';
export * from './entity-state/index.js';
export * from './labels/index.js';
export * from './model-registry/index.js';
export type { StorageBackend } from './common/backends.js';
export { describeBackends, nameList } from './common/backends.js';
