/**
 * The PostgreSQL decision store's schema, as numbered migrations the service applies itself at
 * connection (docs/storage.md lists them). `fraudlens_schema_version` records each version applied;
 * a database at a newer version than this build knows is refused rather than written to.
 *
 * Version 1: `decisions`, one row per decision, the record as JSON plus the columns the filters
 * read. A partial unique index keeps one first decision per transaction id: a later decision of
 * the same id is stored flagged `repeat = 'duplicate'` (or 'rescore' when asked for), never
 * silently twice as "the" decision.
 *
 * Version 2: labels (issue #16). `labels` keeps every label as sent (the history); `labels_current`
 * one row per transaction id, the label with the latest known_at (ties: recorded last), so the join
 * with the decisions reads one row per id. The decisions gain `amount` and `rule_id`, generated
 * from the record, for the amount filters and the joined read; and a small index of rescores, so
 * "the latest rescore is current" costs one probe of it per decision.
 *
 * Version 3: cheaper writes. The record becomes `json` (kept as the text sent, checked but not
 * re-encoded: converting to jsonb was the largest part of the database's CPU per decision), and
 * `amount` and `rule_id` become plain columns the writer fills (reading them out of the record
 * parsed it a second time). The upgrade rewrites the table once.
 *
 * Version 4: challengers (issue #17). A record may carry `model_alias` (the model that decided:
 * "champion" or a canary challenger) and `shadow` (the other models' scores and decisions), both in
 * the record's JSON; `model_alias` is also a column the writer fills, for the comparison's read.
 */

export interface Migration {
  version: number;
  description: string;
  /** Statements, run in order in one transaction. `$schema` is replaced by the quoted schema name. */
  statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'decisions table: one row per decision, one first decision per transaction id',
    statements: [
      `CREATE TABLE $schema.decisions (
         seq bigserial PRIMARY KEY,
         id text NOT NULL UNIQUE,
         transaction_id text,
         decided_at timestamptz NOT NULL,
         model_version text NOT NULL,
         rules_version text,
         decision text NOT NULL,
         score double precision NOT NULL,
         reason_codes text[] NOT NULL DEFAULT '{}',
         repeat text CHECK (repeat IN ('duplicate', 'rescore')),
         record jsonb NOT NULL
       )`,
      `CREATE UNIQUE INDEX decisions_first_per_transaction ON $schema.decisions (transaction_id) WHERE repeat IS NULL`,
      `CREATE INDEX decisions_newest ON $schema.decisions (decided_at DESC, id COLLATE "C" DESC)`,
      `CREATE INDEX decisions_transaction ON $schema.decisions (transaction_id, seq DESC)`,
      `CREATE INDEX decisions_reason_codes ON $schema.decisions USING gin (reason_codes)`,
    ],
  },
  {
    version: 2,
    description: 'labels: their history, the current label per transaction id; decisions gain amount and rule_id',
    statements: [
      `CREATE TABLE $schema.labels (
         seq bigserial PRIMARY KEY,
         transaction_id text NOT NULL,
         label text NOT NULL CHECK (label IN ('fraud', 'legitimate')),
         source text NOT NULL,
         known_at timestamptz NOT NULL,
         recorded_at timestamptz NOT NULL,
         labelled_by text NOT NULL,
         note text
       )`,
      `CREATE INDEX labels_transaction ON $schema.labels (transaction_id, seq)`,
      `CREATE TABLE $schema.labels_current (
         transaction_id text PRIMARY KEY,
         seq bigint NOT NULL,
         label text NOT NULL,
         source text NOT NULL,
         known_at timestamptz NOT NULL,
         recorded_at timestamptz NOT NULL,
         labelled_by text NOT NULL,
         note text
       )`,
      `ALTER TABLE $schema.decisions
         ADD COLUMN amount double precision GENERATED ALWAYS AS ((record->>'amount')::double precision) STORED,
         ADD COLUMN rule_id text GENERATED ALWAYS AS (
           CASE WHEN record->'reasons'->0->>'kind' = 'rule' THEN record->'reasons'->0->>'code' END) STORED`,
      `CREATE INDEX decisions_rescores ON $schema.decisions (transaction_id, seq) WHERE repeat = 'rescore'`,
    ],
  },
  {
    version: 3,
    description: 'decisions: the record kept as json; amount and rule_id written by the service',
    statements: [
      `ALTER TABLE $schema.decisions ALTER COLUMN amount DROP EXPRESSION, ALTER COLUMN rule_id DROP EXPRESSION`,
      `ALTER TABLE $schema.decisions ALTER COLUMN record TYPE json USING record::json`,
    ],
  },
  {
    version: 4,
    description: 'challengers: decisions gain model_alias (the model that decided)',
    statements: [
      `ALTER TABLE $schema.decisions ADD COLUMN model_alias text`,
      `UPDATE $schema.decisions SET model_alias = record->>'model_alias' WHERE record->>'model_alias' IS NOT NULL`,
    ],
  },
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
