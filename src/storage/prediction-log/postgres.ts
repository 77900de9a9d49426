/**
 * PostgreSQL prediction log: the durable decision store. Every decision is one row of
 * `<schema>.decisions` (postgres-schema.ts), written in batches off the request path and kept
 * until the retention setting deletes it; reads filter and page in SQL.
 *
 * `append` only queues the record, serialised, in a bounded in-process FIFO; the batching writer
 * (common/batching-writer.ts) sends the oldest records as one INSERT whenever the connection is
 * ready. The database down or slow: records wait in the FIFO (what does not fit is counted as
 * dropped), the store reports itself disconnected, and the backlog is written once it answers.
 *
 * Delivery is exactly once per record id: a batch whose answer was lost is sent again and its rows
 * already stored are skipped (unique id). A record repeating a transaction id that already has a
 * first decision is stored flagged `repeat = 'duplicate'` and counted; a partial unique index makes
 * that hold across every process writing to the same table.
 */

import type pg from 'pg';

import { FraudlensError } from '../../core/errors.js';
import { BatchingWriter, type BatchOutcome } from '../common/batching-writer.js';
import { positiveIntegerOption } from '../common/options.js';
import {
  isDataError,
  PostgresConnection,
  postgresBatchingSettings,
  resolvePostgresConnectionOptions,
  type PostgresConnectionOptions,
} from '../common/postgres-connection.js';
import { RingBuffer } from '../common/ring-buffer.js';
import {
  MAX_PAGE_SIZE,
  type DecisionPage,
  type DecisionQuery,
  type PredictionLog,
  type PredictionLogOptions,
  type PredictionLogStats,
  type PredictionRecord,
} from './contract.js';
import { checkQuery, encodeCursor } from './decision-query.js';
import { MIGRATIONS, SCHEMA_VERSION } from './postgres-schema.js';
import { checkLimit, prepareRecord, resolveCommonOptions } from './records.js';

export { DEFAULT_DATABASE_URL } from '../common/postgres-connection.js';

export interface PostgresPredictionLogOptions extends PredictionLogOptions, PostgresConnectionOptions {
  /** The PostgreSQL schema holding the tables (default 'public'); created when missing. */
  schema?: string | undefined;
  /** Most records waiting in process for the database (default 10,000); more are dropped. */
  bufferSize?: number | undefined;
  /** Most records per INSERT (default 500). */
  batchSize?: number | undefined;
  /** Decisions older than this many days are deleted (default: kept for ever). */
  retentionDays?: number | undefined;
  /** How often the retention deletion runs (default hourly). */
  retentionIntervalMs?: number | undefined;
}

export const DEFAULT_POSTGRES_BUFFER_SIZE = 10_000;
const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_RETENTION_INTERVAL_MS = 3_600_000;

/** What one batch INSERT answers: the rows stored as duplicates, and records refused as data errors. */
interface BatchReply {
  duplicates: number;
  rejected: number;
}

/**
 * One statement per batch: the columns as parallel arrays unnested together (`reason_codes` as a
 * JSON array of codes per record), the records as one JSON array joined to them by position (a
 * record in a text[] costs the client a second escaping of every quote in it). The first INSERT
 * stores every record that conflicts with nothing (a retried batch's rows conflict on id, a
 * repeated transaction id on the partial unique index); the second stores the repeated ids'
 * records as duplicates. Both see the table as it was before the statement, which is how a
 * retried row (already there) is told from a duplicate (not yet there). `NOT IN` (ids are never
 * null) is answered from a hash of the inserted ids; the anti-join PostgreSQL plans for `NOT EXISTS`
 * here compared every record with every inserted one (quadratic: 85 % of a 500-record batch's time).
 */
function insertSql(table: string): string {
  const columns =
    'id, transaction_id, decided_at, model_version, rules_version, decision, score, reason_codes, repeat, amount, rule_id, model_alias, record';
  const values = (repeat: string) => `
      SELECT i.id, i.transaction_id, i.decided_at, i.model_version, i.rules_version, i.decision, i.score,
             ARRAY(SELECT json_array_elements_text(i.reason_codes::json)), ${repeat}, i.amount, i.rule_id, i.model_alias, i.record
      FROM input i`;
  return `
    WITH input AS (
      SELECT u.*, r.record FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[],
                                       $7::float8[], $8::text[], $9::text[], $10::float8[], $11::text[], $12::text[]) WITH ORDINALITY
          AS u(id, transaction_id, decided_at, model_version, rules_version, decision, score, reason_codes, repeat, amount, rule_id,
               model_alias, ord)
        JOIN json_array_elements($13::json) WITH ORDINALITY AS r(record, ord) ON r.ord = u.ord
    ),
    firsts AS (
      INSERT INTO ${table} (${columns}) ${values('i.repeat')} ORDER BY i.ord
      ON CONFLICT DO NOTHING
      RETURNING id
    )
    INSERT INTO ${table} (${columns}) ${values("'duplicate'")}
      WHERE i.repeat IS NULL AND i.transaction_id IS NOT NULL
        AND i.id NOT IN (SELECT id FROM firsts)
        AND NOT EXISTS (SELECT 1 FROM ${table} d WHERE d.id = i.id)
      ORDER BY i.ord
    ON CONFLICT DO NOTHING
    RETURNING id`;
}

/** What toISOString writes, as the server stamps its records. */
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * The decision time as PostgreSQL reads it: ISO 8601 in UTC. Date.parse reads more forms than
 * PostgreSQL, so others are normalised (the parse costs a few µs per record, hence the check).
 */
function decisionTime(timestamp: string): string {
  return ISO_UTC.test(timestamp) ? timestamp : new Date(Date.parse(timestamp)).toISOString();
}

/** A batch as the INSERT's parameters, in `insertSql`'s order. */
function batchParameters(batch: readonly PredictionRecord[]): unknown[] {
  const columns: unknown[][] = Array.from({ length: 12 }, () => new Array<unknown>(batch.length));
  let records = '[';
  for (let i = 0; i < batch.length; i++) {
    const r = batch[i];
    const reasons = r.reasons ?? [];
    const codes = new Array<string>(reasons.length);
    for (let j = 0; j < reasons.length; j++) codes[j] = reasons[j].code;
    columns[0][i] = r.id;
    columns[1][i] = r.transaction_id ?? null;
    columns[2][i] = decisionTime(r.timestamp);
    columns[3][i] = r.model_version;
    columns[4][i] = r.rules_version ?? null;
    columns[5][i] = r.decision;
    columns[6][i] = r.score;
    columns[7][i] = JSON.stringify(codes);
    columns[8][i] = r.repeat ?? null;
    columns[9][i] = typeof r.amount === 'number' ? r.amount : null;
    columns[10][i] = reasons.length > 0 && reasons[0].kind === 'rule' ? reasons[0].code : null;
    columns[11][i] = r.model_alias ?? null;
    // The repeat flag lives in its column (read back by recordOf); undefined members are left out.
    records += (i === 0 ? '' : ',') + JSON.stringify(r.repeat === undefined ? r : { ...r, repeat: undefined });
  }
  return [...columns, records + ']'];
}

/** A row as the reads select it. */
type StoredRow = { record: PredictionRecord; repeat: PredictionRecord['repeat'] | null };

/** A stored row as the record: the repeat flag of its row put back. */
function recordOf(row: StoredRow): PredictionRecord {
  return row.repeat === null ? row.record : { ...row.record, repeat: row.repeat };
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function unavailable(err: unknown): FraudlensError {
  const why = err instanceof Error ? `: ${err.message}` : '';
  return new FraudlensError(
    'STORAGE_UNAVAILABLE',
    `the PostgreSQL decision store cannot be reached${why}; retry once it is back`,
  );
}

export class PostgresPredictionLog implements PredictionLog {
  readonly backend = 'postgres';
  readonly queryable = true;
  /** The schema-qualified table, quoted. */
  readonly table: string;
  private readonly schema: string;
  private readonly maxSize: number;
  private readonly maskFields: ReadonlySet<string>;
  private readonly batchSize: number;
  private readonly retentionDays: number | undefined;
  private readonly connection: PostgresConnection;
  private readonly writer: BatchingWriter<PredictionRecord[], BatchReply>;
  private readonly insert: string;
  /** Prepared records not yet confirmed, oldest first (serialised by the batch write, not on the request path). */
  private readonly pending: RingBuffer<PredictionRecord>;
  /** The newest accepted records, for `latest()` when the database cannot answer. */
  private readonly recent: RingBuffer<PredictionRecord>;
  private refused = 0;
  private duplicates = 0;
  private readonly retentionTimer: NodeJS.Timeout | undefined;

  constructor(options: PostgresPredictionLogOptions = {}) {
    const { maxSize, maskFields } = resolveCommonOptions(options);
    this.maxSize = maxSize;
    this.maskFields = maskFields;
    const bufferSize = positiveIntegerOption('bufferSize', options.bufferSize, DEFAULT_POSTGRES_BUFFER_SIZE);
    this.batchSize = positiveIntegerOption('batchSize', options.batchSize, DEFAULT_BATCH_SIZE);
    this.retentionDays =
      options.retentionDays === undefined ? undefined : positiveIntegerOption('retentionDays', options.retentionDays, 1);
    const retentionIntervalMs = positiveIntegerOption(
      'retentionIntervalMs',
      options.retentionIntervalMs,
      DEFAULT_RETENTION_INTERVAL_MS,
    );
    const schema = options.schema ?? 'public';
    if (typeof schema !== 'string' || schema.length === 0 || schema.length > 63) {
      throw new FraudlensError('CONFIG_INVALID', 'The PostgreSQL schema must be a name of 1 to 63 characters.', {
        field: 'schema',
      });
    }
    this.schema = schema;
    this.table = `${quoteIdentifier(schema)}.decisions`;
    this.insert = insertSql(this.table);
    this.pending = new RingBuffer(bufferSize);
    this.recent = new RingBuffer(maxSize);
    const settings = resolvePostgresConnectionOptions(options, 'Prediction log');
    this.connection = new PostgresConnection(settings, 'fraudlens-decisions', (client) => this.migrate(client));
    this.writer = new BatchingWriter(
      this.connection,
      {
        hasUnsent: () => this.pending.size > 0,
        take: () => this.pending.oldest(this.batchSize),
        write: (batch) => this.writeBatch(batch),
        settle: (batch, reply) => this.settleBatch(batch, reply),
        release: () => this.pending.clear(),
      },
      postgresBatchingSettings(settings),
    );
    if (this.retentionDays !== undefined) {
      this.retentionTimer = setInterval(() => void this.applyRetention().catch(() => undefined), retentionIntervalMs);
      this.retentionTimer.unref();
    }
  }

  /**
   * Brings the schema to this build's version, under an advisory lock so that processes starting
   * together migrate once. Refuses a database a newer build has migrated further.
   */
  private async migrate(client: pg.PoolClient): Promise<void> {
    const schema = quoteIdentifier(this.schema);
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`fraudlens-schema:${this.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${schema}.fraudlens_schema_version (
           version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await client.query<{ v: number | null }>(
        `SELECT max(version) AS v FROM ${schema}.fraudlens_schema_version`,
      );
      const current = rows[0]?.v ?? 0;
      if (current > SCHEMA_VERSION) {
        throw new Error(
          `the decision store's schema is at version ${current}, newer than this fraudlens writes (${SCHEMA_VERSION}); upgrade fraudlens`,
        );
      }
      for (const m of MIGRATIONS) {
        if (m.version <= current) continue;
        for (const statement of m.statements) await client.query(statement.replaceAll('$schema', schema));
        await client.query(`INSERT INTO ${schema}.fraudlens_schema_version (version, description) VALUES ($1, $2)`, [
          m.version,
          m.description,
        ]);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  append(record: PredictionRecord): void {
    if (this.pending.isFull) {
      this.writer.refuse();
      return;
    }
    const prepared = this.writer.isClosing ? undefined : prepareRecord(record, this.maskFields);
    if (prepared === undefined) {
      this.refused += 1;
      return;
    }
    this.pending.push(prepared);
    this.recent.push(prepared);
    this.writer.add();
  }

  /**
   * The batch INSERT as a named statement: each connection parses and plans it once (for a batch of
   * tens of records, planning this statement cost as much as writing them).
   */
  private insertStatement(values: unknown[]): pg.QueryConfig {
    return { name: `fraudlens-insert-${this.schema}`, text: this.insert, values };
  }

  private async writeBatch(batch: PredictionRecord[]): Promise<BatchReply> {
    try {
      const parameters = batchParameters(batch);
      const result = await this.connection.run((client) => client.query(this.insertStatement(parameters)));
      return { duplicates: result.rowCount ?? 0, rejected: 0 };
    } catch (err) {
      // A record PostgreSQL refuses (a \u0000 in a string, say) must not block the ones behind it:
      // the batch is written one record at a time and the refused ones are dropped.
      if (!isDataError(err) || batch.length === 1) {
        if (isDataError(err)) return { duplicates: 0, rejected: 1 };
        throw err;
      }
      let duplicates = 0;
      let rejected = 0;
      for (const entry of batch) {
        try {
          const result = await this.connection.run((client) => client.query(this.insertStatement(batchParameters([entry]))));
          duplicates += result.rowCount ?? 0;
        } catch (e) {
          if (!isDataError(e)) throw e;
          rejected += 1;
        }
      }
      return { duplicates, rejected };
    }
  }

  private settleBatch(batch: PredictionRecord[], reply: BatchReply | undefined): BatchOutcome {
    if (reply === undefined) return { written: 0, retry: true };
    this.pending.discardOldest(batch.length);
    this.duplicates += reply.duplicates;
    this.writer.lose(reply.rejected);
    return { written: batch.length - reply.rejected, retry: false };
  }

  /**
   * Runs statements on this store's database, after this process's own pending decisions landed
   * (so a label sent right after its decision meets it); STORAGE_UNAVAILABLE when it cannot. The
   * label store beside it (storage/labels/postgres.ts) shares the connection and the schema.
   */
  run<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.read(fn);
  }

  /** The quoted schema holding the tables. */
  get quotedSchema(): string {
    return quoteIdentifier(this.schema);
  }

  /** Runs a read on the database, after this process's own pending writes landed; STORAGE_UNAVAILABLE when it cannot. */
  private async read<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (!this.writer.connected) throw unavailable(this.connection.lastError);
    await this.writer.awaitOwnWrites();
    try {
      return await this.connection.run(fn);
    } catch (err) {
      throw unavailable(err);
    }
  }

  async latest(limit: number): Promise<PredictionRecord[]> {
    const n = checkLimit(limit, this.maxSize);
    if (n === 0) return [];
    try {
      return await this.read(async (client) => {
        const { rows } = await client.query<StoredRow>(`SELECT record, repeat FROM ${this.table} ORDER BY seq DESC LIMIT $1`, [
          n,
        ]);
        return rows.map(recordOf);
      });
    } catch {
      // The seed's /logs keeps answering: from the in-process copy.
      return this.recent.newest(n);
    }
  }

  async query(query: DecisionQuery): Promise<DecisionPage> {
    const q = checkQuery(query, MAX_PAGE_SIZE);
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.transactionId !== undefined) add('transaction_id = ?', q.transactionId);
    if (q.decision !== undefined) add('decision = ?', q.decision);
    if (q.scoreMin !== undefined) add('score >= ?', q.scoreMin);
    if (q.scoreMax !== undefined) add('score <= ?', q.scoreMax);
    if (q.fromMs !== undefined) add('decided_at >= ?', new Date(q.fromMs).toISOString());
    if (q.toMs !== undefined) add('decided_at < ?', new Date(q.toMs).toISOString());
    if (q.modelVersion !== undefined) add('model_version = ?', q.modelVersion);
    if (q.rule !== undefined) add('? = ANY(reason_codes)', q.rule);
    if (q.amountMin !== undefined) add('amount >= ?', q.amountMin);
    if (q.amountMax !== undefined) add('amount <= ?', q.amountMax);
    if (q.labelled !== undefined) {
      // The labels table sits beside the decisions (migration 2).
      const exists = `EXISTS (SELECT 1 FROM ${quoteIdentifier(this.schema)}.labels_current l WHERE l.transaction_id = ${this.table}.transaction_id)`;
      where.push(q.labelled ? exists : `NOT ${exists}`);
    }
    const [cmp, dir] = q.ascending ? ['>', 'ASC'] : ['<', 'DESC'];
    if (q.after !== undefined) {
      params.push(q.after.iso, q.after.id);
      // Ids compare bytewise (COLLATE "C"), as the in-process stores compare strings.
      where.push(
        `(decided_at ${cmp} $${params.length - 1} OR (decided_at = $${params.length - 1} AND id COLLATE "C" ${cmp} $${params.length}))`,
      );
    }
    params.push(q.limit + 1);
    const sql =
      `SELECT record, repeat FROM ${this.table}` +
      (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
      ` ORDER BY decided_at ${dir}, id COLLATE "C" ${dir} LIMIT $${params.length}`;
    const rows = await this.read(async (client) => (await client.query<StoredRow>(sql, params)).rows);
    const records = rows.slice(0, q.limit).map(recordOf);
    const more = rows.length > q.limit;
    return { records, next_cursor: more ? encodeCursor(records[records.length - 1], q.ascending) : null };
  }

  async get(transactionId: string): Promise<PredictionRecord | undefined> {
    if (typeof transactionId !== 'string' || transactionId.length === 0) {
      throw new FraudlensError('INPUT_INVALID', 'transaction_id must be a non-empty string.', { field: 'transaction_id' });
    }
    const rows = await this.read(
      async (client) =>
        (
          await client.query<StoredRow>(
            `SELECT record, repeat FROM ${this.table} WHERE transaction_id = $1 AND repeat IS DISTINCT FROM 'duplicate' ORDER BY seq DESC LIMIT 1`,
            [transactionId],
          )
        ).rows,
    );
    return rows[0] === undefined ? undefined : recordOf(rows[0]);
  }

  /**
   * Deletes the decisions older than the retention setting; resolves with how many. Runs on its
   * own timer; exposed for tests and operators.
   */
  async applyRetention(): Promise<number> {
    if (this.retentionDays === undefined || !this.writer.connected) return 0;
    const result = await this.connection.run((client) =>
      client.query(`DELETE FROM ${this.table} WHERE decided_at < now() - make_interval(days => $1)`, [this.retentionDays]),
    );
    return result.rowCount ?? 0;
  }

  stats(): PredictionLogStats {
    const w = this.writer;
    return {
      buffered: w.pending,
      dropped: this.refused + w.dropped,
      written: w.written,
      connected: w.connected,
      dropping: w.dropping || this.pending.isFull,
      duplicates: this.duplicates,
    };
  }

  /** Why the last connection attempt failed, when it did (for /health). */
  get lastError(): string | undefined {
    return this.connection.lastError;
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  close(): Promise<void> {
    if (this.retentionTimer !== undefined) clearInterval(this.retentionTimer);
    return this.writer.close();
  }
}
