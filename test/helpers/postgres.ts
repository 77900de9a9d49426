/**
 * PostgreSQL for tests.
 *
 * `testDatabaseUrl(name)`: a database of its own on the machine's shared server (127.0.0.1:5432,
 * trust authentication, user postgres, or $FRAUDLENS_TEST_POSTGRES_URL), created when missing, so
 * test runs of different people never collide. $FRAUDLENS_TEST_DATABASE_SUFFIX is appended to every
 * name, so two checkouts testing at once on one machine use separate databases. `dropSchemas` cleans what a test file made.
 *
 * `startPostgresServer()`: a private, throw-away cluster (initdb in a temp dir, a free port,
 * fsync off) for tests that stop and restart the server: the shared one must never be stopped.
 * As root, initdb and pg_ctl run as the `postgres` user (initdb refuses root).
 */

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import pg from 'pg';

import { freePort } from './redis-server.js';

const run = promisify(execFile);

/** The shared server's maintenance database. */
const SHARED_URL = process.env.FRAUDLENS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A URL to database `name` on the shared server, created if missing. */
export async function testDatabaseUrl(base: string): Promise<string> {
  const name = base + (process.env.FRAUDLENS_TEST_DATABASE_SUFFIX ?? '');
  const client = new pg.Client({ connectionString: SHARED_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (err) {
        // Another test file created it meanwhile.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await client.end();
  }
  return withDatabase(SHARED_URL, name);
}

/** Drops the schemas whose name starts with `prefix` (and everything in them). */
export async function dropSchemas(url: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)', [
      prefix,
    ]);
    for (const { nspname } of rows) await client.query(`DROP SCHEMA IF EXISTS "${nspname.replace(/"/g, '""')}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** The directory of the newest installed PostgreSQL's programs, or $POSTGRES_BIN_DIR. */
function binDir(): string {
  if (process.env.POSTGRES_BIN_DIR !== undefined) return process.env.POSTGRES_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error('no PostgreSQL server programs under /usr/lib/postgresql (set POSTGRES_BIN_DIR)');
  return join(root, versions[0], 'bin');
}

const asRoot = userInfo().uid === 0;

/** Runs a PostgreSQL program, as the postgres user when we are root. */
async function pgProgram(program: string, args: string[]): Promise<string> {
  const path = join(binDir(), program);
  const { stdout } = asRoot
    ? await run('runuser', ['-u', 'postgres', '--', path, ...args], { timeout: 60_000 })
    : await run(path, args, { timeout: 60_000 });
  return stdout;
}

export class PostgresTestServer {
  readonly port: number;
  readonly dir: string;
  private running = false;

  constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  /** postgres://postgres@127.0.0.1:<port>/postgres */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
    await pgProgram('pg_ctl', [
      'start',
      '-w',
      '-t',
      '30',
      '-D',
      join(this.dir, 'data'),
      '-l',
      join(this.dir, 'log'),
      '-o',
      options,
    ]);
    this.running = true;
  }

  /** Stops the server: 'fast' (clean, clients cut) or 'immediate' (like a crash). */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.running) return;
    await pgProgram('pg_ctl', ['stop', '-w', '-t', '30', '-m', mode, '-D', join(this.dir, 'data')]);
    this.running = false;
  }

  async dispose(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A private cluster, initialised and running on a free port. */
export async function startPostgresServer(): Promise<PostgresTestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'fraudlens-postgres-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  await pgProgram('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const server = new PostgresTestServer(await freePort(), dir);
  try {
    await server.start();
  } catch (err) {
    await server.dispose();
    throw err;
  }
  process.on('exit', () => {
    // A failed assertion must not leave a cluster behind (exit hooks run synchronously).
    if (!server.isRunning) return;
    const args = [join(binDir(), 'pg_ctl'), 'stop', '-m', 'immediate', '-D', join(dir, 'data')];
    try {
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'ignore' });
      else execFileSync(args[0], args.slice(1), { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  });
  return server;
}
