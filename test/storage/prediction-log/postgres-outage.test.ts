/**
 * The PostgreSQL decision store through an outage, against a private server (its own cluster on a
 * free port: the machine's shared server must never be stopped): the API under steady /predict
 * load while PostgreSQL is stopped and started again. Every prediction answers; /health says
 * degraded while the server is away; once it is back the backlog is written, and every
 * acknowledged decision is in the table or in the dropped counter (here: the buffer is sized to
 * hold the outage, so none is dropped; a second run with a tiny buffer drops and counts).
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import pg from 'pg';

import type { HealthReport, Prediction } from '../../../src/contract/index.js';
import { PostgresPredictionLog } from '../../../src/storage/index.js';
import { startPostgresServer, type PostgresTestServer } from '../../helpers/postgres.js';
import { waitUntil } from '../../helpers/redis-server.js';
import { json, makeApp, ulbSample, type TestApp } from '../../server/helpers.js';

let server: PostgresTestServer;

before(async () => {
  server = await startPostgresServer();
});

after(async () => {
  await server.dispose();
});

async function storedIds(schema: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(`SELECT id FROM "${schema}".decisions`);
    return new Set(rows.map((r) => r.id));
  } finally {
    await client.end();
  }
}

/** Scores `n` transactions one after the other, each with its own id; resolves with the acknowledged decision ids. */
async function load(t: TestApp, n: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/predict',
      payload: { ...ulbSample(), Amount: i, transaction_id: `${tag}-${i}` },
    });
    assert.equal(res.statusCode, 200, `prediction ${i} must answer whatever PostgreSQL does: ${res.body}`);
    ids.push(json<Prediction>(res).id);
    if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return ids;
}

const health = async (t: TestApp): Promise<HealthReport> =>
  json<HealthReport>(await t.app.inject({ method: 'GET', url: '/health' }));

describe('PostgreSQL decision store through a server stop and restart', () => {
  it('answers every prediction, degrades, then writes the backlog: acknowledged = stored + dropped', async () => {
    const schema = 'outage_a';
    const store = new PostgresPredictionLog({
      url: server.url,
      schema,
      reconnectMaxDelayMs: 200,
      statementTimeoutMs: 1000,
      flushTimeoutMs: 20_000,
    });
    const t = await makeApp({}, { predictionLog: store });
    try {
      await waitUntil(() => store.stats().connected, { message: 'store did not connect' });
      const acknowledged = await load(t, 200, 'before');
      const stopping = server.stop('fast');
      // Load keeps running while the server goes down.
      acknowledged.push(...(await load(t, 200, 'during-stop')));
      await stopping;
      acknowledged.push(...(await load(t, 300, 'down')));
      await waitUntil(() => !store.stats().connected, { message: 'the store did not notice the server was gone' });
      assert.equal((await health(t)).status, 'degraded');
      assert.ok(store.stats().buffered > 0, 'decisions wait in the buffer');
      await server.start();
      acknowledged.push(...(await load(t, 200, 'after')));
      await waitUntil(() => store.stats().connected, { timeoutMs: 20_000, message: 'the store did not reconnect' });
      await store.flush();
      const stats = store.stats();
      const stored = await storedIds(schema);
      const missing = acknowledged.filter((id) => !stored.has(id));
      assert.equal(stats.buffered, 0);
      assert.equal(
        missing.length,
        stats.dropped,
        `${missing.length} acknowledged decisions are neither stored nor counted as dropped`,
      );
      assert.equal(stats.dropped, 0, 'the buffer holds this outage');
      assert.equal(stored.size, acknowledged.length, 'each decision stored once');
      assert.equal((await health(t)).status, 'healthy');
    } finally {
      await t.app.close();
    }
  });

  it('with a buffer too small for the outage, what overflows is counted in /metrics', async () => {
    const schema = 'outage_b';
    const store = new PostgresPredictionLog({
      url: server.url,
      schema,
      bufferSize: 50,
      reconnectMaxDelayMs: 200,
      statementTimeoutMs: 1000,
      flushTimeoutMs: 20_000,
    });
    const t = await makeApp({}, { predictionLog: store });
    try {
      await waitUntil(() => store.stats().connected);
      const acknowledged = await load(t, 50, 'b-before');
      await store.flush();
      await server.stop('immediate');
      acknowledged.push(...(await load(t, 300, 'b-down')));
      await waitUntil(() => !store.stats().connected);
      const h = await health(t);
      assert.equal(h.status, 'degraded');
      assert.ok(h.prediction_log.dropping);
      await server.start();
      await waitUntil(() => store.stats().connected, { timeoutMs: 20_000 });
      await store.flush();
      const stored = await storedIds(schema);
      const dropped = store.stats().dropped;
      assert.ok(dropped >= 250, `at most 50 of 300 fit the buffer, dropped ${dropped}`);
      assert.equal(acknowledged.filter((id) => !stored.has(id)).length, dropped);
      const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
      assert.match(metrics, new RegExp(`fraudlens_prediction_log_dropped_total\\{backend="postgres"\\} ${dropped}\\b`));
    } finally {
      await t.app.close();
    }
  });
});
