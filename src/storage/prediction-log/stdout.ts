/**
 * Prediction log that writes one line per record to a writable stream (process.stdout unless
 * told otherwise), for deployments that ship container output to a log collector. Two formats:
 * a JSON object per line, or the legacy text line of the Python service this replaces, so
 * existing log parsers keep working. A small in-process ring keeps `latest()` answerable.
 *
 * A stream buffers whatever it is given, so a stalled consumer (a full pipe) would otherwise
 * grow memory without bound; here the number of lines handed to the stream but not yet flushed
 * is capped at `bufferSize`, and lines beyond it are counted as dropped. On POSIX, Node writes
 * process.stdout asynchronously when it is a pipe (the container case, where the bound applies)
 * but synchronously when it is a file or a terminal: a slow disk or terminal then slows the
 * process itself, which no buffering here can prevent.
 */

import type { Writable } from 'node:stream';

import { FraudlensError } from '../../core/errors.js';
import type { DecisionPage, PredictionLog, PredictionLogOptions, PredictionLogStats, PredictionRecord } from './contract.js';
import { positiveIntegerOption } from '../common/options.js';
import { RingBuffer } from '../common/ring-buffer.js';
import { ConditionWaiters } from '../common/waiters.js';
import { checkLimit, prepareRecord, resolveCommonOptions } from './records.js';

export type StdoutFormat = 'json' | 'text';

export interface StdoutPredictionLogOptions extends PredictionLogOptions {
  /** Where lines go (default process.stdout). The store never ends it: the caller owns it. */
  stream?: Writable | undefined;
  /** 'json' (default): one JSON object per line; 'text': the legacy Python log line. */
  format?: StdoutFormat | undefined;
  /** Most lines waiting inside the stream at once (default 10,000); more are dropped. */
  bufferSize?: number | undefined;
  /** Longest `flush()` waits for the stream to drain (default 5,000 ms). */
  flushTimeoutMs?: number | undefined;
}

export const DEFAULT_BUFFER_SIZE = 10_000;
export const DEFAULT_FLUSH_TIMEOUT_MS = 5_000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * `x` with two decimals as Python's `'%.2f' % x` prints it. Both languages round the exact
 * binary value, so they agree except on exact ties, where JavaScript rounds half up and Python
 * half to even. A tie at two decimals is an odd multiple of 1/8 (0.125, 0.375, ...), the only
 * values of the form (2k+1)/200 that a double holds exactly.
 */
export function formatProbability(x: number): string {
  const eighths = x * 8; // exact: scaling by a power of two
  if (Number.isInteger(eighths) && eighths % 2 !== 0) {
    const lower = Math.floor(x * 100); // x * 100 is an exact half-integer here
    const even = lower % 2 === 0 ? lower : lower + 1;
    return (even / 100).toFixed(2);
  }
  return x.toFixed(2);
}

/**
 * The legacy line: `YYYY-MM-DD HH:MM:SS - api - INFO - Prédiction effectuée: <0|1> (prob=0.00)`,
 * time in the process's local zone (Python logging's asctime without the milliseconds);
 * 1 means the transaction was not approved.
 */
export function formatLegacyLine(record: PredictionRecord): string {
  const t = new Date(record.timestamp);
  const when =
    `${pad(t.getFullYear(), 4)}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ` +
    `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
  const label = record.decision === 'approve' ? 0 : 1;
  return `${when} - api - INFO - Prédiction effectuée: ${label} (prob=${formatProbability(record.score)})`;
}

function unsupported(): FraudlensError {
  return new FraudlensError(
    'DECISIONS_UNSUPPORTED',
    'the stdout prediction log hands decisions to a log collector and keeps none to query; set DATABASE_URL (PostgreSQL) or LOGGING_HANDLER=memory or redis',
    { field: 'LOGGING_HANDLER' },
  );
}

export class StdoutPredictionLog implements PredictionLog {
  readonly backend = 'stdout';
  /** The lines are the collector's: nothing here to query. */
  readonly queryable = false;
  private readonly stream: Writable;
  private readonly format: StdoutFormat;
  private readonly bufferSize: number;
  private readonly flushTimeoutMs: number;
  private readonly maskFields: ReadonlySet<string>;
  private readonly ring: RingBuffer<PredictionRecord>;
  private readonly waiters = new ConditionWaiters();
  private pending = 0;
  private written = 0;
  private dropped = 0;
  private streamFailed = false;
  /** A line was lost (no room, or its write failed) since the stream last caught up. */
  private lostSinceDrain = false;
  private closing: Promise<void> | undefined;
  // An unhandled 'error' on the stream (EPIPE when the reader goes away) would crash the
  // process; logging must not be able to take the service down, so the store listens.
  private readonly onStreamError = (): void => {
    this.streamFailed = true;
  };

  constructor(options: StdoutPredictionLogOptions = {}) {
    const { maxSize, maskFields } = resolveCommonOptions(options);
    const format = options.format ?? 'json';
    if (format !== 'json' && format !== 'text') {
      throw new FraudlensError('CONFIG_INVALID', `Prediction log format must be "json" or "text", got ${String(format)}.`, {
        field: 'format',
      });
    }
    this.format = format;
    this.bufferSize = positiveIntegerOption('bufferSize', options.bufferSize, DEFAULT_BUFFER_SIZE);
    this.flushTimeoutMs = positiveIntegerOption('flushTimeoutMs', options.flushTimeoutMs, DEFAULT_FLUSH_TIMEOUT_MS);
    this.maskFields = maskFields;
    this.ring = new RingBuffer(maxSize);
    this.stream = options.stream ?? process.stdout;
    this.stream.on('error', this.onStreamError);
  }

  private get usable(): boolean {
    return this.closing === undefined && !this.streamFailed && this.stream.writable;
  }

  append(record: PredictionRecord): void {
    const full = this.pending >= this.bufferSize;
    const prepared = this.usable && !full ? prepareRecord(record, this.maskFields) : undefined;
    if (prepared === undefined) {
      this.dropped += 1;
      // A reader that stopped reading: the stream holds bufferSize lines and takes no more.
      if (full) this.lostSinceDrain = true;
      return;
    }
    const line = this.format === 'json' ? JSON.stringify(prepared) : formatLegacyLine(prepared);
    this.pending += 1;
    this.ring.push(prepared);
    try {
      this.stream.write(`${line}\n`, (err) => this.settle(err));
    } catch {
      // Some streams throw synchronously on a broken file descriptor.
      this.streamFailed = true;
      this.settle(new Error('write failed'));
    }
  }

  private settle(err: Error | null | undefined): void {
    this.pending -= 1;
    if (err) {
      this.dropped += 1;
      this.lostSinceDrain = true;
    } else {
      this.written += 1;
    }
    if (this.pending === 0 && !err) this.lostSinceDrain = false;
    this.waiters.notify();
  }

  async latest(limit: number): Promise<PredictionRecord[]> {
    return this.ring.newest(checkLimit(limit, this.ring.capacity));
  }

  stats(): PredictionLogStats {
    return {
      buffered: this.pending,
      dropped: this.dropped,
      written: this.written,
      connected: this.usable,
      dropping: this.lostSinceDrain || this.pending >= this.bufferSize,
      duplicates: 0,
    };
  }

  query(): Promise<DecisionPage> {
    return Promise.reject(unsupported());
  }

  get(): Promise<PredictionRecord | undefined> {
    return Promise.reject(unsupported());
  }

  async flush(): Promise<void> {
    await this.waiters.waitFor(() => this.pending === 0, this.flushTimeoutMs);
  }

  close(): Promise<void> {
    this.closing ??= this.flush().then(() => {
      // Lines still inside the stream after the bounded wait stay counted as buffered until
      // their write callbacks fire; the error guard stays attached for as long as they can.
      if (this.pending === 0) this.stream.off('error', this.onStreamError);
    });
    return this.closing;
  }
}
