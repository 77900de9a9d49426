/**
 * Running the API as a process: read the model, build the app, listen, and shut down cleanly on
 * SIGTERM or SIGINT (refuse new requests with 503 during a short grace, close the listener and
 * idle connections, let in-flight requests finish, flush the prediction log, resolve `closed`),
 * the whole of it bounded by FRAUDLENS_SHUTDOWN_TIMEOUT_MS, after which open connections are cut
 * and unflushed records are reported as dropped.
 *
 * With FRAUDLENS_WORKERS > 1 (`--workers N`) the primary process forks N workers (node:cluster)
 * that share the port; each runs this same start-up. The primary holds no model: it forwards
 * SIGTERM to the workers, waits for them, and replaces a worker that dies unexpectedly. Each
 * worker keeps its own memory log and metrics; use LOGGING_HANDLER=redis for one shared log.
 */

import cluster, { type Worker } from 'node:cluster';

import type { FastifyInstance } from 'fastify';

import { FraudlensError } from '../core/errors.js';
import { readModelFile } from '../io/model-file.js';
import { VERSION } from '../version.js';
import { buildApp } from './app.js';
import { redactConfig, type ServerConfig } from './config.js';
import { readRegistryChampion } from './registry-follower.js';
import type { FraudlensPlugin } from './context.js';

export interface RunningServer {
  app: FastifyInstance;
  /** http://host:port actually bound (port 0 resolved). */
  url: string;
  port: number;
  /** The gRPC port bound (FRAUDLENS_GRPC_PORT, 0 resolved), or null when gRPC is off. */
  grpcPort: number | null;
  /** Starts the graceful shutdown (idempotent); resolves when it is complete or timed out. */
  shutdown(reason?: string): Promise<ShutdownOutcome>;
  /** Resolves once the server has shut down (or given up at FRAUDLENS_SHUTDOWN_TIMEOUT_MS). */
  closed: Promise<ShutdownOutcome>;
}

export interface ShutdownOutcome {
  /**
   * True when FRAUDLENS_SHUTDOWN_TIMEOUT_MS ran out: connections were cut and what the stores had
   * not flushed is lost, while their clients may still hold the process open (exit at once).
   */
  timedOut: boolean;
}

export interface StartOptions {
  plugins?: readonly FraudlensPlugin[];
  /** Install SIGTERM/SIGINT handlers (default true). */
  handleSignals?: boolean;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** One line of JSON on stderr, shaped like the server's pino lines, for the cluster primary. */
function primaryLog(level: 'info' | 'warn' | 'error', msg: string, extra: Record<string, unknown> = {}): void {
  const levels = { info: 30, warn: 40, error: 50 };
  process.stderr.write(
    `${JSON.stringify({ level: levels[level], time: Date.now(), pid: process.pid, role: 'primary', msg, ...extra })}\n`,
  );
}

/** Starts one server process (or a cluster worker). */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const { model, registry } =
    config.registryPath !== null
      ? await readRegistryChampion(config)
      : { model: await readModelFile(config.modelPath, { featureNames: config.featureNames }), registry: undefined };
  const app = await buildApp(config, { model, plugins: options.plugins, ...(registry !== undefined ? { registry } : {}) });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    await app.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new FraudlensError(
        'CONFIG_INVALID',
        `cannot listen on ${config.host}:${config.port} (${code}); choose another API_PORT or API_HOST`,
        { field: 'API_PORT' },
      );
    }
    throw e;
  }
  let grpcPort: number | null = null;
  if (app.fraudlensGrpc !== null && config.grpcPort !== null) {
    try {
      grpcPort = await app.fraudlensGrpc.listen(config.host, config.grpcPort);
    } catch (e) {
      await app.close();
      throw e;
    }
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${shownHost}:${port}`;
  const ctx = app.fraudlens;
  app.log.info(
    {
      url,
      grpcPort,
      model: ctx.models.current.version,
      sha256: ctx.models.current.sha256,
      config: redactConfig(config),
      version: VERSION,
    },
    'fraudlens listening',
  );
  if (config.env === 'production' && config.apiKeys.length === 0)
    app.log.warn('ENV=production without API_KEY or API_KEYS_FILE: /predict and /logs are open and admin routes are off');
  if (config.env === 'production' && config.corsOrigins.includes('*'))
    app.log.warn('ENV=production with FRAUDLENS_CORS_ORIGINS=*: any web page may call this API');

  let resolveClosed!: (outcome: ShutdownOutcome) => void;
  const closed = new Promise<ShutdownOutcome>((r) => (resolveClosed = r));
  let shutting: Promise<ShutdownOutcome> | undefined;
  const onSignal = (signal: string): void => void shutdown(signal);
  const shutdown = (reason = 'shutdown'): Promise<ShutdownOutcome> => {
    if (shutting) return shutting;
    ctx.state.draining = true;
    app.log.info({ reason }, 'shutting down: refusing new requests; finishing in-flight ones');
    shutting = new Promise<ShutdownOutcome>((resolve) => {
      let done = false;
      const finish = (outcome: ShutdownOutcome): void => {
        if (done) return;
        done = true;
        clearTimeout(deadline);
        if (options.handleSignals !== false) for (const s of SIGNALS) process.off(s, onSignal);
        resolve(outcome);
        resolveClosed(outcome);
      };
      // The timeout bounds the whole shutdown, the log flush included: a Redis that does not
      // answer must not hold the process past it.
      const deadline = setTimeout(() => {
        const stats = ctx.predictionLog.stats();
        app.log.warn(
          { timeoutMs: config.shutdownTimeoutMs, unflushed: stats.buffered, dropped: stats.dropped + stats.buffered },
          `shutdown timeout: open connections cut; ${stats.buffered} prediction records could not be flushed and are dropped`,
        );
        app.server.closeAllConnections();
        app.fraudlensGrpc?.forceClose();
        finish({ timedOut: true });
      }, config.shutdownTimeoutMs);
      drainThenClose(app, config.shutdownGraceMs)
        .then(() => {
          const stats = ctx.predictionLog.stats();
          app.log.info({ written: stats.written, dropped: stats.dropped }, 'shut down: prediction log flushed and closed');
        })
        .catch((err: unknown) => app.log.error({ err }, 'shutdown failed'))
        .finally(() => finish({ timedOut: false }));
    });
    return shutting;
  };
  if (options.handleSignals !== false) for (const s of SIGNALS) process.on(s, onSignal);
  return { app, url, port, grpcPort, shutdown, closed };
}

/** How often the grace period looks whether every connection has gone. */
const GRACE_POLL_MS = 25;

function openConnections(app: FastifyInstance): Promise<number> {
  return new Promise((resolve) => app.server.getConnections((err, count) => resolve(err ? 0 : count)));
}

/**
 * The drain. While `draining` is set, requests on open connections, and on new ones, are answered
 * 503 NOT_READY with Connection: close (the onRequest hook in app.ts), so a keep-alive client
 * whose request is already on its way gets a clean refusal. Closing idle keep-alive sockets at once
 * would reset those requests instead, so for up to `graceMs` connections stay open, and the grace
 * ends early once every client has gone. Then the listener and idle sockets close, in-flight
 * requests finish, and the app's onClose hooks flush and close the prediction log.
 */
async function drainThenClose(app: FastifyInstance, graceMs: number): Promise<void> {
  const graceEnd = Date.now() + graceMs;
  while (Date.now() < graceEnd && (await openConnections(app)) > 0) {
    await new Promise((r) => setTimeout(r, Math.min(GRACE_POLL_MS, graceEnd - Date.now())));
  }
  await app.close();
}

/** A worker that dies this soon after its start counts as a failed start. */
const QUICK_EXIT_MS = 5_000;
/** Failed starts in a row after which the primary gives up (the model or port must be broken). */
const MAX_QUICK_EXITS = 5;

/**
 * The cluster primary: forks `config.workers` workers running the same command line and keeps
 * them running until SIGTERM/SIGINT. Resolves with the exit code the process should end with.
 */
export async function runPrimary(config: ServerConfig): Promise<number> {
  // Fail fast in the primary on a bad model, before forking N copies of the same error.
  const model = await readModelFile(config.modelPath, { featureNames: config.featureNames });
  primaryLog('info', 'starting workers', { workers: config.workers, model: model.model.version, port: config.port });
  let stopping = false;
  let quickExits = 0;
  let failed = false;
  // The workers alive, with their start times. Only a worker's 'exit' is certain to come exactly
  // once per worker; cluster.workers empties on the later of 'exit' and 'disconnect', in an order
  // that varies, and a primary that waited on it could see its event loop run dry with its
  // promise pending (exit code 13) on a busy host.
  const alive = new Map<Worker, number>();
  const fork = (): void => {
    const w = cluster.fork();
    alive.set(w, Date.now());
  };
  return new Promise<number>((resolve) => {
    const finishIfDone = (): void => {
      if (alive.size === 0) {
        for (const s of SIGNALS) process.off(s, onSignal);
        resolve(failed ? 1 : 0);
      }
    };
    const onSignal = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      primaryLog('info', 'stopping workers', { signal });
      for (const w of alive.keys()) w.process.kill('SIGTERM');
      finishIfDone();
    };
    for (const s of SIGNALS) process.on(s, onSignal);
    cluster.on('exit', (worker, code, signal) => {
      const since = Date.now() - (alive.get(worker) ?? 0);
      alive.delete(worker);
      if (stopping) {
        if (code !== 0) failed = true;
        finishIfDone();
        return;
      }
      quickExits = since < QUICK_EXIT_MS ? quickExits + 1 : 0;
      primaryLog('error', 'worker exited unexpectedly', { worker: worker.process.pid, code, signal });
      if (quickExits >= MAX_QUICK_EXITS) {
        primaryLog('error', 'workers keep failing at start; giving up');
        failed = true;
        onSignal('give-up');
        return;
      }
      fork();
    });
    for (let i = 0; i < config.workers; i++) fork();
  });
}
