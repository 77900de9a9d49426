/** The entity-state store's metrics and health, read from real stores (in process, and Redis with nothing listening). */

import assert from 'node:assert/strict';
import { it } from 'node:test';

import { Registry } from 'prom-client';

import { validateDefinitions } from '../../src/core/features/definitions.js';
import { compilePlan, newEventRecord } from '../../src/core/features/plan.js';
import { entityStateHealth, registerEntityStateMetrics } from '../../src/server/entity-state-metrics.js';
import { MemoryEntityStateStore, RedisEntityStateStore, type EntityStateBackendStore } from '../../src/storage/index.js';
import { freePort } from '../helpers/redis-server.js';

const plan = compilePlan(
  validateDefinitions({
    version: 1,
    event: { time: { field: 't', format: 'unix_seconds' }, id: 'id' },
    fields: { card: 'key' },
    entities: { card: 'card' },
    aggregations: [{ name: 'n', entity: 'card', op: 'count' }],
  }),
);

async function offer(store: EntityStateBackendStore, id: string): Promise<string> {
  const record = newEventRecord(plan);
  record.id = id;
  record.time = 1;
  record.strings[0] = 'c';
  return store.readThenAdd(record, new Float64Array(plan.names.length));
}

it('counts updates, duplicates and dropped updates per backend, following the store in use', async () => {
  const registry = new Registry();
  const memory = new MemoryEntityStateStore(plan);
  const redis = new RedisEntityStateStore(plan, { url: `redis://127.0.0.1:${await freePort()}` });
  let current: EntityStateBackendStore | undefined;
  registerEntityStateMetrics(registry, () => current);
  assert.doesNotMatch(await registry.metrics(), /fraudlens_entity_state_connected\{/, 'nothing while there is no store');

  current = memory;
  await offer(memory, 'a');
  await offer(memory, 'a');
  let text = await registry.metrics();
  assert.match(text, /fraudlens_entity_state_connected\{backend="memory"\} 1/);
  assert.match(text, /fraudlens_entity_state_updates_total\{backend="memory"\} 2/);
  assert.match(text, /fraudlens_entity_state_duplicates_total\{backend="memory"\} 1/);

  current = redis;
  assert.equal(await offer(redis, 'b'), 'unapplied');
  text = await registry.metrics();
  assert.match(text, /fraudlens_entity_state_connected\{backend="redis"\} 0/);
  assert.match(text, /fraudlens_entity_state_dropped_total\{backend="redis"\} 1/);
  assert.deepEqual(entityStateHealth(redis), {
    backend: 'redis',
    updates: 1,
    written: 0,
    duplicates: 0,
    pending: 0,
    dropped: 1,
    connected: false,
    dropping: true,
  });
  await redis.close();
});
