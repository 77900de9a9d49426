/**
 * The benches' PostgreSQL: a database of their own on the machine's server (or
 * $FRAUDLENS_BENCH_POSTGRES_URL's), created when missing, so a bench never touches another's data.
 */

import pg from 'pg';

const ADMIN_URL = process.env.FRAUDLENS_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL of database `name` on the bench server, created if missing. */
export async function benchDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 0) {
      await admin.query(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
