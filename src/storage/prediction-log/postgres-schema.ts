/**
 * The PostgreSQL decision store's schema, as numbered migrations the service applies itself at
 * connection (docs/storage.md lists them). `fraudlens_schema_version` records each version applied;
 * a database at a newer version than this build knows is refused rather than written to.
 *
 * Version 1: `decisions`, one row per decision, the record as JSON plus the columns the filters
 * read. A partial unique index keeps one first decision per transaction id: a later decision of
 * the same id is stored flagged `repeat = 'duplicate'` (or 'rescore' when asked for), never
 * silently twice as "the" decision.
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
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
