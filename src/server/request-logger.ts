/**
 * The per-request logger, made only when a request logs. Fastify gives every request a child of
 * the app logger bound to its request id; pino builds that child eagerly (a new object, its
 * bindings serialised to JSON) although a request that goes well at the default level logs
 * nothing. This child defers the pino child until a line at an enabled level is written, so the
 * lines that are written carry the same `reqId` binding, and quiet requests cost one small object.
 */

import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

type ChildFactory = NonNullable<FastifyServerOptions['childLoggerFactory']>;
type Bindings = Parameters<ChildFactory>[1];
type ChildOptions = Parameters<ChildFactory>[2];
type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
/** pino's logger (Fastify's own): it can tell whether a level is written. */
type LevelAware = FastifyBaseLogger & { isLevelEnabled(level: string): boolean };

/** pino's own way to add bindings to a logger after it is made. */
type Rebindable = FastifyBaseLogger & { setBindings(bindings: Bindings): void };

class DeferredChildLogger {
  private made: FastifyBaseLogger | undefined;
  /** Bindings added before the child is made: merged in when it is. */
  private later: Bindings | undefined;
  /** The request's transaction id, kept as is until a line needs it (most requests write none). */
  transactionId: string | undefined;

  constructor(
    private readonly parent: LevelAware,
    private readonly bindings: Bindings,
    private readonly options: ChildOptions,
  ) {}

  /** The real child, made on first use. */
  private real(): FastifyBaseLogger {
    if (this.made === undefined) {
      const id = this.transactionId === undefined ? undefined : { transaction_id: this.transactionId };
      const bindings = this.later === undefined && id === undefined ? this.bindings : { ...this.bindings, ...id, ...this.later };
      this.made = this.parent.child(bindings, this.options);
    }
    return this.made;
  }

  get isMade(): boolean {
    return this.made !== undefined;
  }

  /** pino's setBindings: kept until the child is made, so a quiet request still makes none. */
  setBindings(bindings: Bindings): void {
    if (this.made !== undefined) (this.made as Rebindable).setBindings(bindings);
    else this.later = this.later === undefined ? bindings : { ...this.later, ...bindings };
  }

  private write(level: Level, args: unknown[]): void {
    // The parent's level is the child's: children with their own level are made eagerly.
    if (this.made === undefined && !this.parent.isLevelEnabled(level)) return;
    (this.real()[level] as (...a: unknown[]) => void)(...args);
  }

  get level(): string {
    return this.made?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  isLevelEnabled(level: string): boolean {
    return this.made === undefined ? this.parent.isLevelEnabled(level) : (this.made as LevelAware).isLevelEnabled(level);
  }

  // Prototype methods, not arrow fields: one object per request, no closures.
  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }
}

/**
 * For Fastify's `childLoggerFactory`: the request's child logger, made when first written to.
 * A route with its own log level or serializers, or a logger that cannot tell its enabled
 * levels, gets its child at once (the deferred check would be wrong or impossible).
 */
export const deferredChildLogger: ChildFactory = (logger, bindings, options) => {
  const parent = logger as Partial<LevelAware>;
  if (options.level !== undefined || options.serializers !== undefined || typeof parent.isLevelEnabled !== 'function')
    return logger.child(bindings, options);
  return new DeferredChildLogger(parent as LevelAware, bindings, options) as unknown as FastifyBaseLogger;
};

/**
 * Adds the caller's transaction id to the lines a request writes after this (the access log's
 * "request completed", errors), so a log search by transaction id finds them. The deferred child
 * only keeps the string: no object is made unless a line is written.
 */
export function bindTransactionId(log: FastifyBaseLogger, id: string | undefined): void {
  if (id === undefined) return;
  if (log instanceof DeferredChildLogger) {
    if (log.isMade) log.setBindings({ transaction_id: id });
    else log.transactionId = id;
    return;
  }
  const rebindable = log as Partial<Rebindable>;
  if (typeof rebindable.setBindings === 'function') rebindable.setBindings({ transaction_id: id });
}

/** For a batch: `transaction_ids`, those of its transactions that carry one (none: nothing). */
export function bindTransactionIds(log: FastifyBaseLogger, ids: readonly (string | undefined)[]): void {
  const present = ids.filter((id): id is string => id !== undefined);
  if (present.length === 0) return;
  const rebindable = log as Partial<Rebindable>;
  if (typeof rebindable.setBindings === 'function') rebindable.setBindings({ transaction_ids: present });
}
