/**
 * Storage: where predictions and the drift window's view of recent traffic are kept. Two wings,
 * each with one contract, one registry of backends (the single list the configuration, /health
 * and the docs derive from), a factory and one conformance suite every backend runs:
 *   prediction-log/  memory, stdout, redis
 *   drift-window/    memory, redis
 *   common/          what the wings share: the batching writer (buffer-to-server loop), the Redis
 *                    connection and wire codec, option checks, waiters, the ring buffer
 * Storage depends on core only; the server and the CLI import this module.
 */
export * from './prediction-log/index.js';
export * from './drift-window/index.js';
export { describeBackends, nameList } from './common/backends.js';
//# sourceMappingURL=index.js.map