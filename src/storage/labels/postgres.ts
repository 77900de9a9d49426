/**
 * Labels in PostgreSQL, in the decision store's database and schema (migration 2 in
 * prediction-log/postgres-schema.ts), through the decision store's connection. A batch is written
 * in one statement (arrays unnested), so it is stored whole or not at all. A file import's chunks
 * (`importChunk`) are streamed with COPY into a session's staging table instead, then moved by one
 * set-based statement: the same rule, a tenth of the round trips and no parameter arrays to parse.
 */

import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import type { PostgresPredictionLog } from '../prediction-log/postgres.js';
import {
  LABEL_FRAUD,
  LABEL_LEGITIMATE,
  type LabelledChanges,
  type LabelledDecisions,
  type LabelledDecisionsQuery,
  type LabelledWatermark,
  type LabelledVerdicts,
  type LabelRecord,
  type LabelsAccepted,
  type LabelStore,
  type LabelStoreStats,
  type NewLabel,
  type SequenceGap,
} from './contract.js';
import { carryGaps, uncovered, type SequenceRange } from './sequence-gaps.js';
import { DECIDER_WITHOUT_ALIAS, LabelledColumns, VerdictColumns, type Verdict } from './history.js';

/** Longest the joined read of /performance may take: it reads every decision of the window. */
export const JOINED_READ_TIMEOUT_MS = 300_000;

/**
 * Longest one COPY chunk of an import may take, COPY and move together: 50,000 labels take a second
 * or two on a loaded host, more than the store's statement timeout (5 s by default) allows when the
 * host is busier still; a chunk is a batch job's step, not a request to keep short.
 */
export const IMPORT_CHUNK_TIMEOUT_MS = 300_000;

/** A chunk's two sorts (by file order, by id) in memory: 50,000 labels need about 4 MB each, PostgreSQL's default work_mem is 4 MB. */
const IMPORT_SORT_MEMORY = '32MB';

const LABEL_COLUMNS = 'transaction_id, label, source, known_at, recorded_at, labelled_by, note';

/**
 * The staging table of an `importChunk` transaction: temporary (never logged, never seen by another
 * session), made afresh by each chunk and dropped at its end, so its `seq` default always names this
 * store's sequence, whatever the session did before (about a millisecond a chunk).
 */
const STAGING = 'fraudlens_labels_staging';

/**
 * The staging table's columns: LABEL_COLUMNS and `seq`, drawn from the history's sequence by COPY
 * itself, row by row in file order, so the history needs neither a sort nor a RETURNING to learn it.
 * (Instants as epoch milliseconds instead of ISO text were measured too: cheaper to COPY, dearer to
 * convert exactly, no better in all.)
 */
const STAGING_COLUMNS = (s: string): string => `seq bigint NOT NULL DEFAULT nextval('${s}.labels_seq_seq'),
  transaction_id text NOT NULL, label text NOT NULL, source text NOT NULL, known_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL, labelled_by text NOT NULL, note text`;

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped. */
function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : value;
}

/** ISO instants of epoch milliseconds, remembering the last one (an import's recorded_at is one instant). */
function isoOf(ms: number, last: { ms: number; iso: string }): string {
  if (ms !== last.ms) {
    last.ms = ms;
    last.iso = new Date(ms).toISOString();
  }
  return last.iso;
}

/**
 * The end of both batch statements: the CTE `winners` (one label per id) upserted into
 * labels_current, kept only where at least as recent as the stored one, then the counts (labels
 * accepted from `stored`, ids of `labels` that have a decision, current labels changed).
 */
function currentAndCounts(s: string, labels: string): string {
  return `current AS (
        INSERT INTO ${s}.labels_current (seq, ${LABEL_COLUMNS}) SELECT seq, ${LABEL_COLUMNS} FROM winners
        ON CONFLICT (transaction_id) DO UPDATE SET
          seq = excluded.seq, label = excluded.label, source = excluded.source, known_at = excluded.known_at,
          recorded_at = excluded.recorded_at, labelled_by = excluded.labelled_by, note = excluded.note
        WHERE excluded.known_at >= ${s}.labels_current.known_at
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM stored)::int AS accepted,
             (SELECT count(*) FROM ${labels} i WHERE EXISTS (SELECT 1 FROM ${s}.decisions d WHERE d.transaction_id = i.transaction_id))::int AS joined,
             (SELECT count(*) FROM current)::int AS updated`;
}

/** A chunk as COPY text for the staging table, one line per label in the chunk's order. */
function copyLines(labels: readonly NewLabel[]): string {
  const known = { ms: Number.NaN, iso: '' };
  const recorded = { ms: Number.NaN, iso: '' };
  const lines: string[] = new Array<string>(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    lines[i] =
      `${copyText(l.transaction_id)}\t${l.label}\t${copyText(l.source)}\t${isoOf(l.knownAt, known)}\t` +
      `${isoOf(l.recordedAt, recorded)}\t${copyText(l.labelledBy)}\t${l.note === undefined ? '\\N' : copyText(l.note)}\n`;
  }
  return lines.join('');
}

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
  private readonly moveStaged: string;
  private readonly createStaging: string;
  /** The last chunk handed to `importChunk`, settled when it is stored or has failed. */
  private lastChunk: Promise<unknown> = Promise.resolve();

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
      ${currentAndCounts(s, 'input')}`;
    // The staged chunk: the history as staged (seq already drawn in file order), then each id's
    // winner by known_at and seq, as in `insert`. The two read the staging table, not each other.
    this.moveStaged = `
      WITH stored AS (
        INSERT INTO ${s}.labels (seq, ${LABEL_COLUMNS}) SELECT seq, ${LABEL_COLUMNS} FROM ${STAGING} RETURNING 1
      ),
      winners AS (
        SELECT DISTINCT ON (transaction_id) * FROM ${STAGING} ORDER BY transaction_id, known_at DESC, seq DESC
      ),
      ${currentAndCounts(s, STAGING)}`;
    this.createStaging = `CREATE TEMP TABLE ${STAGING} (${STAGING_COLUMNS(s)}) ON COMMIT DROP`;
  }

  /**
   * Stores a chunk of a file import: COPY into the staging table, then one statement that appends
   * the history (in the chunk's order) and upserts labels_current by the same rule as `add`. One
   * transaction, so the chunk is stored whole or not at all; the same stored state as `add` of
   * the same labels (test/storage/labels/postgres-import.test.ts).
   *
   * The COPY text is built at once, but written only after the chunk handed in before has been
   * stored, so a caller may hand in the next chunk while the last is still being written: chunks
   * are stored in the order given, and none after one that failed.
   */
  importChunk(labels: readonly NewLabel[]): Promise<LabelsAccepted> {
    if (labels.length === 0) return Promise.resolve({ accepted: 0, joined: 0, pending: 0 });
    const text = copyLines(labels);
    const chunk = this.lastChunk.then(() => this.writeChunk(text));
    this.lastChunk = chunk;
    // A failure stops the chunks queued behind it (they reject with it), not a later import's.
    chunk.catch(() => {
      if (this.lastChunk === chunk) this.lastChunk = Promise.resolve();
    });
    return chunk;
  }

  private async writeChunk(text: string): Promise<LabelsAccepted> {
    const { rows } = await this.decisions.run(async (client) => {
      await client.query('BEGIN');
      try {
        // One round trip for the transaction's table and settings.
        await client.query(
          `${this.createStaging}; SET LOCAL statement_timeout = ${IMPORT_CHUNK_TIMEOUT_MS}; SET LOCAL work_mem = '${IMPORT_SORT_MEMORY}'`,
        );
        const copy = copyFrom(`COPY ${STAGING} (${LABEL_COLUMNS}) FROM STDIN`);
        // pg reads its client-side limit from the submitted query's own `query_timeout`, else the pool's.
        Object.assign(copy, { query_timeout: IMPORT_CHUNK_TIMEOUT_MS });
        await pipeline(Readable.from([text]), client.query(copy));
        const result = await client.query<{ accepted: number; joined: number }>({
          text: this.moveStaged,
          query_timeout: IMPORT_CHUNK_TIMEOUT_MS,
        } as pg.QueryConfig);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
    const { accepted, joined } = rows[0];
    this.written += accepted;
    return { accepted, joined, pending: accepted - joined };
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

  async labelledChanges(since: LabelledWatermark): Promise<LabelledChanges> {
    const s = this.decisions.quotedSchema;
    type Added = [string, number, string, string | null, string | null, number | null, number, string, string | null];
    // A rescore names the decision it replaces: its id's latest earlier decision that is not a duplicate.
    const addedColumns = `
      d.seq::text, d.score, d.decision, d.rule_id, c.label, d.amount,
      (extract(epoch FROM d.decided_at) * 1000)::float8, d.model_version,
      CASE WHEN d.repeat = 'rescore' THEN (
        SELECT max(p.seq) FROM ${s}.decisions p
        WHERE p.transaction_id = d.transaction_id AND p.seq < d.seq AND p.repeat IS DISTINCT FROM 'duplicate')::text END`;
    const now = Date.now();
    return this.decisions.run(async (client) => {
      // One snapshot for the watermarks and every read, so nothing falls between them.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        await client.query(`SET LOCAL statement_timeout = ${JOINED_READ_TIMEOUT_MS}`);
        // No JIT: the gaps' ranges cannot be sized when planned, so small lookups look costly enough
        // to be compiled, which takes about 150 ms each time (the reads are index lookups and scans).
        await client.query('SET LOCAL jit = off');
        const marks = await client.query<{ d: string; l: string; o: string }>(
          `SELECT coalesce((SELECT max(seq) FROM ${s}.decisions), 0)::text AS d, coalesce((SELECT max(seq) FROM ${s}.labels), 0)::text AS l,
                  coalesce((SELECT min(seq) FROM ${s}.decisions), 0)::text AS o`,
        );
        // Never backwards: retention may have deleted the newest rows seen.
        const top = {
          decisions: Math.max(since.decisions, Number(marks.rows[0].d)),
          labels: Math.max(since.labels, Number(marks.rows[0].l)),
        };
        const decisionRanges = withNew(since.decisionGaps, since.decisions, top.decisions);
        const labelRanges = withNew(since.labelGaps, since.labels, top.labels);
        // Decisions that filled a gap of earlier reads (they come first: all below the old watermark), then the new ones.
        // LATERAL throughout: the planner cannot size the gaps' ranges and would scan whole tables for them.
        const late =
          since.decisionGaps.length === 0
            ? { rows: [] as Added[] }
            : await client.query<Added>({
                text: `
                  SELECT ${addedColumns}
                  FROM unnest($1::int8[], $2::int8[]) g(lo, hi)
                  CROSS JOIN LATERAL (SELECT * FROM ${s}.decisions WHERE seq BETWEEN g.lo AND g.hi) d
                  LEFT JOIN LATERAL (SELECT label FROM ${s}.labels_current WHERE transaction_id = d.transaction_id) c ON true
                  WHERE d.repeat IS DISTINCT FROM 'duplicate'
                  ORDER BY d.seq`,
                values: bounds(since.decisionGaps),
                rowMode: 'array',
                query_timeout: JOINED_READ_TIMEOUT_MS,
              } as pg.QueryConfig);
        const added = await client.query<Added>({
          text: `
            SELECT ${addedColumns}
            FROM ${s}.decisions d LEFT JOIN ${s}.labels_current c ON c.transaction_id = d.transaction_id
            WHERE d.seq > $1 AND d.seq <= $2 AND d.repeat IS DISTINCT FROM 'duplicate'
            ORDER BY d.seq`,
          values: [since.decisions, top.decisions],
          rowMode: 'array',
          query_timeout: JOINED_READ_TIMEOUT_MS,
        } as pg.QueryConfig);
        // Current labels changed since, for the decisions read before (later ones joined them above);
        // found through the history's sequence numbers, which are indexed: the new ones and the gaps'.
        const relabelled =
          since.decisions === 0 || (top.labels === since.labels && since.labelGaps.length === 0)
            ? { rows: [] as [string, string][] }
            : await client.query<[string, string]>({
                text: `
                  SELECT d.seq::text, c.label
                  FROM (SELECT DISTINCT transaction_id FROM ${s}.labels WHERE seq > $1 AND seq <= $2) x
                  JOIN ${s}.labels_current c ON c.transaction_id = x.transaction_id
                  JOIN ${s}.decisions d ON d.transaction_id = x.transaction_id
                  WHERE d.seq <= $3 AND d.repeat IS DISTINCT FROM 'duplicate'
                  UNION ALL
                  SELECT d.seq::text, c.label
                  FROM unnest($4::int8[], $5::int8[]) g(lo, hi)
                  CROSS JOIN LATERAL (SELECT transaction_id FROM ${s}.labels WHERE seq BETWEEN g.lo AND g.hi) l
                  CROSS JOIN LATERAL (SELECT label FROM ${s}.labels_current WHERE transaction_id = l.transaction_id) c
                  CROSS JOIN LATERAL (
                    SELECT seq FROM ${s}.decisions
                    WHERE transaction_id = l.transaction_id AND seq <= $3 AND repeat IS DISTINCT FROM 'duplicate') d`,
                values: [since.labels, top.labels, since.decisions, ...bounds(since.labelGaps)],
                rowMode: 'array',
              } as pg.QueryConfig);
        const decisionRuns = await runsPresent(client, `${s}.decisions`, decisionRanges);
        const labelRuns = await runsPresent(client, `${s}.labels`, labelRanges);
        await client.query('COMMIT');
        const rows = late.rows.length === 0 ? added.rows : [...late.rows, ...added.rows];
        const n = rows.length;
        const columns = new LabelledColumns(n);
        const addedSeq = new Float64Array(n);
        const replaces = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const [seq, score, decision, rule, label, amount, t, version, replaced] = rows[i];
          addedSeq[i] = Number(seq);
          replaces[i] = replaced === null ? -1 : Number(replaced);
          columns.set(i, score, decision, rule, label, amount, t, version);
        }
        const m = relabelled.rows.length;
        const relabelledSeq = new Float64Array(m);
        const labels = new Int8Array(m);
        for (let i = 0; i < m; i++) {
          relabelledSeq[i] = Number(relabelled.rows[i][0]);
          labels[i] = relabelled.rows[i][1] === 'fraud' ? LABEL_FRAUD : LABEL_LEGITIMATE;
        }
        const watermark: LabelledWatermark = {
          ...top,
          decisionGaps: nextGaps(since.decisionGaps, since.decisions, top.decisions, decisionRuns, now),
          labelGaps: nextGaps(since.labelGaps, since.labels, top.labels, labelRuns, now),
        };
        const oldest = Number(marks.rows[0].o);
        return { added: columns.out, addedSeq, replaces, relabelledSeq, relabelled: labels, watermark, oldest };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
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

/** The gaps of a read and its new range (old watermark, new one], ascending. */
function withNew(gaps: readonly SequenceGap[], from: number, to: number): SequenceRange[] {
  const ranges: SequenceRange[] = gaps.map((g) => ({ from: g.from, to: g.to }));
  if (to > from) ranges.push({ from: from + 1, to });
  return ranges;
}

/** The gaps' bounds as two parameter arrays (lower, upper). */
function bounds(gaps: readonly SequenceRange[]): [string[], string[]] {
  return [gaps.map((g) => String(g.from)), gaps.map((g) => String(g.to))];
}

/**
 * The runs of consecutive sequence numbers a table holds within `ranges` (gaps and islands: a
 * number minus its rank is constant along a run), ascending, so a read learns what it missed
 * without fetching every number. LATERAL: one index range scan per range, whatever the planner
 * guesses of the arrays (a join let it scan the whole table for a gap of deleted rows).
 */
async function runsPresent(client: pg.PoolClient, table: string, ranges: readonly SequenceRange[]): Promise<SequenceRange[]> {
  if (ranges.length === 0) return [];
  const res = await client.query<[string, string]>({
    text: `
      SELECT min(seq)::text, max(seq)::text FROM (
        SELECT t.seq, t.seq - row_number() OVER (ORDER BY t.seq) AS run
        FROM unnest($1::int8[], $2::int8[]) g(lo, hi)
        CROSS JOIN LATERAL (SELECT seq FROM ${table} WHERE seq BETWEEN g.lo AND g.hi) t) x
      GROUP BY run ORDER BY min(seq)`,
    values: bounds(ranges),
    rowMode: 'array',
  } as pg.QueryConfig);
  return res.rows.map(([from, to]) => ({ from: Number(from), to: Number(to) }));
}

/**
 * The gaps after a read that looked for `previous` and read (from, to]. A read from nothing does
 * not look for the numbers below the lowest it found: retention deleted them, or they were never
 * used (a writer still holding one then would be the store's very first).
 */
function nextGaps(
  previous: readonly SequenceGap[],
  from: number,
  to: number,
  present: readonly SequenceRange[],
  now: number,
): SequenceGap[] {
  const start = from > 0 ? from : present.length > 0 ? present[0].from - 1 : to;
  const fresh = to > start ? uncovered([{ from: start + 1, to }], present) : [];
  return carryGaps(previous, present, fresh, now);
}
