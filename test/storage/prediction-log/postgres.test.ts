/**
 * PostgreSQL backend against the machine's real server (its own database,
 * fraudlens_decisions_test): the shared conformance suite, the schema versions, retention, and
 * the batch rules (a retried batch stores nothing twice, a refused record does not block the
 * others). The outage test (a private server stopped and restarted under load) is
 * postgres-outage.test.ts.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import pg from 'pg';

import { FraudlensError } from '../../../src/core/errors.js';
import {
  MIGRATIONS,
  PostgresPredictionLog,
  SCHEMA_VERSION,
  type PostgresPredictionLogOptions,
  type PredictionRecord,
} from '../../../src/storage/index.js';
import { dropSchemas, testDatabaseUrl } from '../../helpers/postgres.js';
import { waitUntil } from '../../helpers/redis-server.js';
import { makeRecord, runPredictionLogConformance } from './conformance.js';

const PREFIX = `t${process.pid}_`;
let url: string;

before(async () => {
  url = await testDatabaseUrl('fraudlens_decisions_test');
});

after(async () => {
  await dropSchemas(url, PREFIX);
});

/** Conformance namespaces become schema names. */
const schemaOf = (namespace: string): string => PREFIX + namespace.replace(/[^a-z0-9]+/gi, '_').toLowerCase();

runPredictionLogConformance(
  'postgres',
  (spec) =>
    new PostgresPredictionLog({ url, schema: schemaOf(spec.namespace), maxSize: spec.maxSize, maskFields: spec.maskFields }),
  { sharedStorage: true, sizeBoundStorage: false },
);

let opened = 0;
async function open(options: PostgresPredictionLogOptions = {}): Promise<PostgresPredictionLog> {
  const store = new PostgresPredictionLog({ url, schema: `${PREFIX}own_${(opened += 1)}`, ...options });
  await waitUntil(() => store.stats().connected, { message: 'PostgreSQL store did not connect' });
  return store;
}

async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

describe('PostgresPredictionLog', () => {
  it('creates its schema and records the version applied', async () => {
    const store = await open();
    const schema = `${PREFIX}own_${opened}`;
    const rows = await sql<{ version: number; description: string }>(
      `SELECT version, description FROM "${schema}".fraudlens_schema_version ORDER BY version`,
    );
    assert.deepEqual(
      rows.map((r) => r.version),
      Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
    );
    await store.close();
    // A second start finds the schema current and changes nothing.
    const again = new PostgresPredictionLog({ url, schema });
    await waitUntil(() => again.stats().connected);
    assert.equal((await sql(`SELECT 1 FROM "${schema}".fraudlens_schema_version`)).length, SCHEMA_VERSION);
    await again.close();
  });

  it('upgrades a version-2 store in place: its decisions keep their amount, rule and repeat flag', async () => {
    const schema = `${PREFIX}from_v2`;
    await sql(`CREATE SCHEMA "${schema}"`);
    await sql(
      `CREATE TABLE "${schema}".fraudlens_schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    for (const m of MIGRATIONS.filter((m) => m.version <= 2)) {
      for (const statement of m.statements) await sql(statement.replaceAll('$schema', `"${schema}"`));
      await sql(`INSERT INTO "${schema}".fraudlens_schema_version (version, description) VALUES ($1, $2)`, [
        m.version,
        m.description,
      ]);
    }
    // A version-2 row: the record as jsonb, amount and rule_id generated from it.
    const old: PredictionRecord = {
      ...makeRecord(1),
      transaction_id: 'tx-old',
      amount: 42.5,
      reasons: [{ kind: 'rule', code: 'block_bin', text: 'a blocked BIN' }],
    };
    await sql(
      `INSERT INTO "${schema}".decisions (id, transaction_id, decided_at, model_version, decision, score, repeat, record)
       VALUES ($1, $2, $3, $4, $5, $6, 'rescore', $7::jsonb)`,
      [old.id, old.transaction_id, old.timestamp, old.model_version, old.decision, old.score, JSON.stringify(old)],
    );
    const store = new PostgresPredictionLog({ url, schema });
    await waitUntil(() => store.stats().connected);
    const [row] = await sql<{ amount: number; rule_id: string; type: string }>(
      `SELECT amount, rule_id, pg_typeof(record)::text AS type FROM "${schema}".decisions WHERE id = $1`,
      [old.id],
    );
    assert.deepEqual(row, { amount: 42.5, rule_id: 'block_bin', type: 'json' });
    assert.deepEqual(await store.get('tx-old'), { ...old, repeat: 'rescore' });
    store.append({ ...makeRecord(2), transaction_id: 'tx-new', amount: 7 });
    await store.flush();
    assert.equal((await store.query({ amount_min: 5, amount_max: 50, limit: 10 })).records.length, 2);
    await store.close();
  });

  it('refuses to write to a database a newer fraudlens migrated further', async () => {
    const schema = `${PREFIX}newer`;
    await sql(`CREATE SCHEMA "${schema}"`);
    await sql(
      `CREATE TABLE "${schema}".fraudlens_schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    await sql(`INSERT INTO "${schema}".fraudlens_schema_version (version, description) VALUES ($1, 'from the future')`, [
      SCHEMA_VERSION + 1,
    ]);
    const store = new PostgresPredictionLog({ url, schema, reconnectMaxDelayMs: 50, flushTimeoutMs: 200 });
    await waitUntil(() => store.lastError !== undefined);
    assert.match(store.lastError ?? '', /newer than this fraudlens writes/);
    assert.equal(store.stats().connected, false);
    store.append(makeRecord(1));
    assert.equal(store.stats().buffered, 1, 'records wait instead of being written to a schema it does not know');
    await store.close();
  });

  it('stores the decision columns the filters read', async () => {
    const store = await open();
    store.append({
      ...makeRecord(4),
      transaction_id: 'tx-cols',
      rules_version: 'r7',
      reasons: [
        { kind: 'rule', code: 'block_bin', text: 'BIN blocked' },
        { kind: 'feature', code: 'feature_amt', text: 'amount' },
      ],
    });
    await store.flush();
    const [row] = await sql<Record<string, unknown>>(
      `SELECT id, transaction_id, decided_at, model_version, rules_version, decision, score, reason_codes, repeat FROM ${store.table}`,
    );
    assert.deepEqual(row, {
      id: 'p-4',
      transaction_id: 'tx-cols',
      decided_at: new Date(makeRecord(4).timestamp),
      model_version: 'gbt-2024.01',
      rules_version: 'r7',
      decision: makeRecord(4).decision,
      score: makeRecord(4).score,
      reason_codes: ['block_bin', 'feature_amt'],
      repeat: null,
    });
    await store.close();
  });

  it('a record the server refuses is dropped and counted; the rest of its batch is written', async () => {
    const store = await open();
    store.append(makeRecord(1));
    // A text column cannot hold the character NUL.
    store.append({ ...makeRecord(2), model_version: 'm\u0000' });
    store.append(makeRecord(3));
    // Inside the record it is JSON text (escaped), which the json column keeps as sent.
    store.append({ ...makeRecord(4), features: { note: 'a\u0000b' } });
    await store.flush();
    const s = store.stats();
    assert.equal(s.written, 3);
    assert.equal(s.dropped, 1);
    const latest = await store.latest(10);
    assert.deepEqual(
      latest.map((r) => r.id),
      ['p-4', 'p-3', 'p-1'],
    );
    assert.deepEqual(latest[0].features, { note: 'a\u0000b' });
    await store.close();
  });

  it('deletes decisions older than the retention setting', async () => {
    const store = await open({ retentionDays: 30 });
    const now = Date.now();
    const day = 86_400_000;
    store.append({ ...makeRecord(1), timestamp: new Date(now - 31 * day).toISOString() });
    store.append({ ...makeRecord(2), timestamp: new Date(now - 29 * day).toISOString() });
    store.append({ ...makeRecord(3), timestamp: new Date(now).toISOString() });
    await store.flush();
    assert.equal(await store.applyRetention(), 1);
    assert.deepEqual(
      (await store.query({ limit: 10 })).records.map((r) => r.id),
      ['p-3', 'p-2'],
    );
    await store.close();
  });

  it('decision reads say STORAGE_UNAVAILABLE when the server cannot be reached; latest() answers from memory', async () => {
    const store = new PostgresPredictionLog({
      url: 'postgres://postgres@127.0.0.1:1/none',
      connectTimeoutMs: 200,
      flushTimeoutMs: 200,
    });
    store.append(makeRecord(1));
    const unavailable = (err: unknown): boolean => err instanceof FraudlensError && err.code === 'STORAGE_UNAVAILABLE';
    await assert.rejects(store.query({ limit: 5 }), unavailable);
    await assert.rejects(store.get('tx'), unavailable);
    assert.deepEqual(
      (await store.latest(5)).map((r) => r.id),
      ['p-1'],
    );
    await store.close();
    assert.equal(store.stats().dropped, 1, 'what never reached the server is counted at close');
  });

  it('rejects a URL that is not postgres:// with CONFIG_INVALID', () => {
    assert.throws(
      () => new PostgresPredictionLog({ url: 'mysql://x' }),
      (err: unknown) => err instanceof FraudlensError && err.code === 'CONFIG_INVALID',
    );
  });
});
