/**
 * The PostgreSQL connection of one store, as the batching writer sees it (a `WriterConnection`),
 * and the options every PostgreSQL-backed store takes.
 *
 * PostgreSQL being slow or gone must never reach the request path: the store buffers, the writer
 * writes through `run()` only while `ready`. A failed statement that is not the data's fault (the
 * connection refused or cut, a timeout, the server shutting down) marks the connection lost; a
 * probe then retries `prepare` (the schema migration) on the reconnect backoff and tells the
 * writer once the server answers again. Every statement runs on a client taken from a small pool
 * and destroyed after a failure, so a connection cut mid-statement is never reused.
 */

import pg from 'pg';

import { FraudlensError } from '../../core/errors.js';
import { backoffDelay, type BatchingSettings, type ConnectionListener, type WriterConnection } from './batching-writer.js';
import { positiveIntegerOption } from './options.js';

export interface PostgresConnectionOptions {
  /** postgres:// or postgresql:// URL (DATABASE_URL). */
  url?: string | undefined;
  /** Longest `flush()` waits, including for the server to come back (default 5,000 ms). */
  flushTimeoutMs?: number | undefined;
  /** A statement without an answer after this long fails and is retried (default 5,000 ms). */
  statementTimeoutMs?: number | undefined;
  /** Give up one connection attempt after this long (default 2,000 ms). */
  connectTimeoutMs?: number | undefined;
  /** Cap of the exponential reconnect (and retry) backoff (default 2,000 ms). */
  reconnectMaxDelayMs?: number | undefined;
}

export interface PostgresConnectionSettings {
  url: string;
  flushTimeoutMs: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  reconnectMaxDelayMs: number;
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_FLUSH_TIMEOUT_MS = 5_000;
const DEFAULT_STATEMENT_TIMEOUT_MS = 5_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
const DEFAULT_RECONNECT_MAX_DELAY_MS = 2_000;
/** One writer and a reader or two: a store needs few connections. */
const POOL_SIZE = 4;

/** Checks the options; CONFIG_INVALID names the bad one. */
export function resolvePostgresConnectionOptions(
  options: PostgresConnectionOptions,
  subject: string,
): PostgresConnectionSettings {
  const int = (name: string, value: number | undefined, fallback: number): number =>
    positiveIntegerOption(name, value, fallback, subject);
  const url = options.url ?? DEFAULT_DATABASE_URL;
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new FraudlensError(
      'CONFIG_INVALID',
      `The PostgreSQL URL must look like postgres://user@host:5432/database, got "${redactUrl(url)}".`,
      {
        field: 'DATABASE_URL',
      },
    );
  }
  return {
    url,
    flushTimeoutMs: int('flushTimeoutMs', options.flushTimeoutMs, DEFAULT_FLUSH_TIMEOUT_MS),
    statementTimeoutMs: int('statementTimeoutMs', options.statementTimeoutMs, DEFAULT_STATEMENT_TIMEOUT_MS),
    connectTimeoutMs: int('connectTimeoutMs', options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS),
    reconnectMaxDelayMs: int('reconnectMaxDelayMs', options.reconnectMaxDelayMs, DEFAULT_RECONNECT_MAX_DELAY_MS),
  };
}

/** The URL with its password replaced, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]*)@/, '//$1:***@');
}

/** The writer's timing for a PostgreSQL store: a failed batch is retried on the reconnect backoff. */
export function postgresBatchingSettings(settings: PostgresConnectionSettings): BatchingSettings {
  return {
    flushTimeoutMs: settings.flushTimeoutMs,
    retryMaxDelayMs: settings.reconnectMaxDelayMs,
    writeTimeoutMs: settings.statementTimeoutMs,
  };
}

/** SQLSTATE classes that are the data's fault (22: data exception, 23: integrity): retrying cannot help. */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23)/.test(code);
}

export class PostgresConnection implements WriterConnection {
  private readonly pool: pg.Pool;
  private readonly settings: PostgresConnectionSettings;
  /** Run on every (re)connection before writes resume: the schema migration. */
  private readonly prepare: (client: pg.PoolClient) => Promise<void>;
  private listener: ConnectionListener | undefined;
  private isReady = false;
  private probing = false;
  private probeFailures = 0;
  private probeTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Why the last attempt failed (for /health details and messages). */
  lastError: string | undefined;

  constructor(settings: PostgresConnectionSettings, applicationName: string, prepare: (client: pg.PoolClient) => Promise<void>) {
    this.settings = settings;
    this.prepare = prepare;
    this.pool = new pg.Pool({
      connectionString: settings.url,
      max: POOL_SIZE,
      connectionTimeoutMillis: settings.connectTimeoutMs,
      // Client side: a frozen server (no answer at all) fails the query too.
      query_timeout: settings.statementTimeoutMs,
      statement_timeout: settings.statementTimeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: applicationName,
    });
    // An idle client cut off by the server is reported here; without a listener it would crash the process.
    this.pool.on('error', () => undefined);
    // A checked-out client cut off between queries (the server shutting down: 57P01) emits 'error' on
    // itself, not on the pool; the query or probe that uses it next fails and is handled there.
    this.pool.on('connect', (client) => {
      client.on('error', (err) => {
        this.lastError = err.message;
      });
    });
    this.probe();
  }

  get ready(): boolean {
    return this.isReady && !this.closed;
  }

  watch(listener: ConnectionListener): void {
    this.listener = listener;
  }

  /**
   * Runs `fn` on a pooled client. A failure that is not the data's fault marks the connection lost
   * (and starts probing); the client is destroyed after any failure.
   */
  async run<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      this.lost(err);
      throw err;
    }
    try {
      const result = await fn(client);
      client.release();
      return result;
    } catch (err) {
      client.release(err as Error);
      if (!isDataError(err)) this.lost(err);
      throw err;
    }
  }

  private lost(err: unknown): void {
    this.lastError = err instanceof Error ? err.message : String(err);
    if (this.isReady) {
      this.isReady = false;
      this.listener?.lost();
    }
    this.probe();
  }

  /** Tries to connect and prepare, again and again on the backoff, until it works or the connection closes. */
  private probe(): void {
    if (this.probing || this.closed) return;
    this.probing = true;
    void this.attempt();
  }

  private async attempt(): Promise<void> {
    this.probeTimer = undefined;
    if (this.closed) return;
    let client: pg.PoolClient | undefined;
    try {
      client = await this.pool.connect();
      await this.prepare(client);
      client.release();
      this.probing = false;
      this.probeFailures = 0;
      this.lastError = undefined;
      if (this.closed) return;
      this.isReady = true;
      this.listener?.ready();
    } catch (err) {
      client?.release(err as Error);
      this.lastError = err instanceof Error ? err.message : String(err);
      this.probeFailures += 1;
      if (this.closed) return;
      this.probeTimer = setTimeout(
        () => void this.attempt(),
        backoffDelay(this.probeFailures, this.settings.reconnectMaxDelayMs),
      );
      this.probeTimer.unref();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.isReady = false;
    if (this.probeTimer !== undefined) clearTimeout(this.probeTimer);
    await this.pool.end().catch(() => undefined);
  }
}
