/**
 * The raw-transaction parity suite (raw-parity.ts) on the Redis entity state, through a private
 * redis-server: features and scores through the API equal the offline replay, as on the in-process
 * store.
 */

import { after } from 'node:test';
import { createEntityStateStore } from '../../src/storage/index.js';
import { startRedisServer, type RedisTestServer } from '../helpers/redis-server.js';
import { runRawParity } from './raw-parity.js';

let server: RedisTestServer | undefined;

after(async () => {
  await server?.dispose();
});

runRawParity('redis', async () => {
  server = await startRedisServer();
  const url = server.url;
  // A generous timeout: a late answer would be scored from the fallback and break parity.
  return (plan) =>
    createEntityStateStore(plan, { backend: 'redis', redisUrl: url, redisKeyPrefix: 'parity:', timeoutMs: 10_000 });
});
