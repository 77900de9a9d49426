/**
 * Labels in PostgreSQL, in the decision store's database and schema (migration 2 in
 * prediction-log/postgres-schema.ts), through the decision store's connection. A batch is written
 * in one statement (arrays unnested), so it is stored whole or not at all.
 */

import type { PostgresPredictionLog } from '../prediction-log/postgres.js';
import {
  type LabelledDecisions,
  type LabelledDecisionsQuery,
  type LabelledVerdicts,
  type LabelRecord,
  type LabelsAccepted,
  type LabelStore,
  type LabelStoreStats,
  type NewLabel,
} from './contract.js';
import { DECIDER_WITHOUT_ALIAS, LabelledColumns, VerdictColumns, type Verdict } from './history.js';

/** Longest the joined read of /performance may take: it reads every decision of the window. */
export const JOINED_READ_TIMEOUT_MS = 300_000;

const LABEL_COLUMNS = 'transaction_id, label, source, known_at, recorded_at, labelled_by, note';

interface LabelRow {
  transaction_id: string;
  label: LabelRecord['label'];
  source: LabelRecord['source'];
  known_at: Date;
  recorded_at: Date;
  labelled_by: string;
  note: string | null;
}

function recordOf(row: LabelRow): LabelRecord {
  const r: LabelRecord = {
    transaction_id: row.transaction_id,
    label: row.label,
    source: row.source,
    known_at: row.known_at.toISOString(),
    recorded_at: row.recorded_at.toISOString(),
    labelled_by: row.labelled_by,
  };
  if (row.note !== null) r.note = row.note;
  return r;
}

export class PostgresLabelStore implements LabelStore {
  readonly backend = 'postgres';
  readonly queryable = true;
  private written = 0;
  private readonly insert: string;

  constructor(private readonly decisions: PostgresPredictionLog) {
    const s = decisions.quotedSchema;
    // The history gets every label; labels_current the winner of each id within the batch
    // (latest known_at, ties: later in the batch), kept only if it is at least as recent as the
    // stored one. Sequence numbers are drawn with the input, so the winners need no join with
    // what was inserted. The count of ids with a decision comes back in the same round trip.
    this.insert = `
      WITH input AS (
        SELECT u.*, nextval('${s}.labels_seq_seq') AS seq
        FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[])
          WITH ORDINALITY AS u(${LABEL_COLUMNS}, ord)
      ),
      stored AS (
        INSERT INTO ${s}.labels (seq, ${LABEL_COLUMNS}) SELECT seq, ${LABEL_COLUMNS} FROM input ORDER BY ord RETURNING 1
      ),
      winners AS (
        SELECT DISTINCT ON (transaction_id) * FROM input ORDER BY transaction_id, known_at DESC, ord DESC
      ),
      current AS (
        INSERT INTO ${s}.labels_current (seq, ${LABEL_COLUMNS}) SELECT seq, ${LABEL_COLUMNS} FROM winners
        ON CONFLICT (transaction_id) DO UPDATE SET
          seq = excluded.seq, label = excluded.label, source = excluded.source, known_at = excluded.known_at,
          recorded_at = excluded.recorded_at, labelled_by = excluded.labelled_by, note = excluded.note
        WHERE excluded.known_at >= ${s}.labels_current.known_at
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM stored)::int AS accepted,
             (SELECT count(*) FROM input i WHERE EXISTS (SELECT 1 FROM ${s}.decisions d WHERE d.transaction_id = i.transaction_id))::int AS joined,
             (SELECT count(*) FROM current)::int AS updated`;
  }

  async add(labels: readonly NewLabel[]): Promise<LabelsAccepted> {
    if (labels.length === 0) return { accepted: 0, joined: 0, pending: 0 };
    const cols: unknown[][] = [[], [], [], [], [], [], []];
    for (const l of labels) {
      cols[0].push(l.transaction_id);
      cols[1].push(l.label);
      cols[2].push(l.source);
      cols[3].push(new Date(l.knownAt).toISOString());
      cols[4].push(new Date(l.recordedAt).toISOString());
      cols[5].push(l.labelledBy);
      cols[6].push(l.note ?? null);
    }
    const { rows } = await this.decisions.run((client) => client.query<{ accepted: number; joined: number }>(this.insert, cols));
    const { accepted, joined } = rows[0];
    this.written += accepted;
    return { accepted, joined, pending: accepted - joined };
  }

  async history(transactionId: string): Promise<{ current: LabelRecord; history: LabelRecord[] } | undefined> {
    const s = this.decisions.quotedSchema;
    const { rows } = await this.decisions.run((client) =>
      client.query<LabelRow & { current: boolean }>(
        `SELECT l.${LABEL_COLUMNS.split(', ').join(', l.')}, (c.seq = l.seq) AS current
         FROM ${s}.labels l LEFT JOIN ${s}.labels_current c ON c.transaction_id = l.transaction_id
         WHERE l.transaction_id = $1 ORDER BY l.known_at, l.seq`,
        [transactionId],
      ),
    );
    if (rows.length === 0) return undefined;
    const history = rows.map(recordOf);
    const at = rows.findIndex((r) => r.current);
    return { current: history[at >= 0 ? at : history.length - 1], history };
  }

  async current(transactionIds: readonly string[]): Promise<Map<string, LabelRecord>> {
    const out = new Map<string, LabelRecord>();
    if (transactionIds.length === 0) return out;
    const s = this.decisions.quotedSchema;
    const { rows } = await this.decisions.run((client) =>
      client.query<LabelRow>(`SELECT ${LABEL_COLUMNS} FROM ${s}.labels_current WHERE transaction_id = ANY($1::text[])`, [
        transactionIds,
      ]),
    );
    for (const row of rows) out.set(row.transaction_id, recordOf(row));
    return out;
  }

  /** The decision store filters `labelled` in SQL. */
  async lookup(): Promise<undefined> {
    return undefined;
  }

  /** The WHERE terms of the joined reads: current decisions (no duplicate, no superseded rescore) of the window. */
  private windowTerms(query: LabelledDecisionsQuery, params: unknown[]): string[] {
    const s = this.decisions.quotedSchema;
    const where = [
      `d.repeat IS DISTINCT FROM 'duplicate'`,
      `(d.transaction_id IS NULL OR NOT EXISTS (
         SELECT 1 FROM ${s}.decisions r WHERE r.repeat = 'rescore' AND r.transaction_id = d.transaction_id AND r.seq > d.seq))`,
    ];
    if (query.since !== undefined) where.push(`d.decided_at >= $${params.push(new Date(query.since).toISOString())}`);
    if (query.until !== undefined) where.push(`d.decided_at < $${params.push(new Date(query.until).toISOString())}`);
    if (query.model_version !== undefined) where.push(`d.model_version = $${params.push(query.model_version)}`);
    return where;
  }

  /** Runs a long read-only query in array mode under the joined read's own timeout. */
  private async readOnly<Row extends unknown[]>(sql: string, params: unknown[]): Promise<Row[]> {
    // A million decisions take seconds to join and send (tens on a loaded host): this one read gets
    // its own timeout, so it neither fails at the store's statement timeout nor marks it disconnected.
    const result = await this.decisions.run(async (client) => {
      await client.query('BEGIN READ ONLY');
      try {
        await client.query(`SET LOCAL statement_timeout = ${JOINED_READ_TIMEOUT_MS}`);
        // query_timeout: pg's per-query client-side limit, which its array-mode type leaves out.
        const config = { text: sql, values: params, rowMode: 'array' as const, query_timeout: JOINED_READ_TIMEOUT_MS };
        const r = await client.query<Row>(config);
        await client.query('COMMIT');
        return r;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
    return result.rows;
  }

  async labelledDecisions(query: LabelledDecisionsQuery): Promise<LabelledDecisions> {
    const s = this.decisions.quotedSchema;
    const params: unknown[] = [];
    const where = this.windowTerms(query, params);
    const sql = `
      SELECT d.score, d.decision, d.rule_id, c.label, d.amount, (extract(epoch FROM d.decided_at) * 1000)::float8 AS t, d.model_version
      FROM ${s}.decisions d LEFT JOIN ${s}.labels_current c ON c.transaction_id = d.transaction_id
      WHERE ${where.join(' AND ')}
      ORDER BY d.decided_at, d.id COLLATE "C"`;
    type Row = [number, string, string | null, string | null, number | null, number, string];
    const rows = await this.readOnly<Row>(sql, params);
    const columns = new LabelledColumns(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const [score, decision, rule, label, amount, t, version] = rows[i];
      columns.set(i, score, decision, rule, label, amount, t, version);
    }
    return columns.out;
  }

  async labelledVerdicts(query: LabelledDecisionsQuery): Promise<LabelledVerdicts> {
    const s = this.decisions.quotedSchema;
    const params: unknown[] = [];
    const where = this.windowTerms(query, params);
    const sql = `
      SELECT c.label, d.amount, d.model_alias, d.model_version, d.score, d.decision, d.record->'shadow'
      FROM ${s}.decisions d JOIN ${s}.labels_current c ON c.transaction_id = d.transaction_id
      WHERE ${where.join(' AND ')}
      ORDER BY d.decided_at, d.id COLLATE "C"`;
    type Row = [string, number | null, string | null, string, number, string, Verdict[] | null];
    const rows = await this.readOnly<Row>(sql, params);
    const columns = new VerdictColumns();
    for (const [label, amount, alias, version, score, decision, shadow] of rows) {
      const own: Verdict = { alias: alias ?? DECIDER_WITHOUT_ALIAS, model_version: version, score, decision };
      columns.add(label === 'fraud', amount, shadow === null ? [own] : [own, ...shadow]);
    }
    return columns.build();
  }

  stats(): LabelStoreStats {
    return { written: this.written, connected: this.decisions.stats().connected };
  }

  /** The connection belongs to the decision store, which closes it. */
  async close(): Promise<void> {}
}
