/**
 * Explaining costs far more than scoring, so explained batches share one budget: the rows being
 * explained at once, over all requests and routes (/predict?explain=true and /explain), are
 * bounded by FRAUDLENS_EXPLAIN_MAX_ROWS (beyond it 503 OVERLOADED with Retry-After), and a batch
 * runs in chunks that yield to the event loop, so single predictions stay fast meanwhile.
 */

import type { FastifyBaseLogger } from 'fastify';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

import { FraudlensError } from '../core/errors.js';

/** Rows of an explained batch between two yields to the event loop (a few ms of work), so other requests interleave. */
const EXPLAIN_CHUNK_ROWS = 32;
/** What Retry-After tells a client refused with OVERLOADED, in seconds. */
const OVERLOADED_RETRY_AFTER_S = 1;

/**
 * What the admission needs of a request, whichever protocol brought it: how long it has run (the
 * prediction's latency_ms) and a way to tell the client when to retry. A FastifyReply is one; the
 * gRPC server passes its own (Retry-After becomes trailing metadata).
 */
export interface RequestCall {
  /** Milliseconds since the request started. */
  readonly elapsedTime: number;
  header(name: string, value: string): unknown;
  /** The request's logger, where the protocol has one (HTTP; gRPC calls write no access log). */
  readonly log?: FastifyBaseLogger;
}

/**
 * A batch is always admitted when no other is being explained, so a limit below the batch size
 * slows explain traffic down but never refuses it outright. Single rows are explained within one
 * turn of the event loop and need no admission.
 */
export class ExplainAdmission {
  private inFlight = 0;
  constructor(private readonly maxRows: number) {}

  /**
   * Runs `explainOne` over `rows` rows in yielding chunks, with the rows reserved meanwhile.
   * @throws FraudlensError OVERLOADED (Retry-After set on `reply`) when the budget is taken
   */
  async run<T>(rows: number, explainOne: (i: number) => T, reply: RequestCall): Promise<T[]> {
    this.check(rows, reply);
    this.inFlight += rows;
    try {
      const out: T[] = new Array(rows);
      for (let i = 0; i < rows; i++) {
        if (i > 0 && i % EXPLAIN_CHUNK_ROWS === 0) await yieldToEventLoop();
        out[i] = explainOne(i);
      }
      return out;
    } finally {
      this.inFlight -= rows;
    }
  }

  /**
   * Throws what run would throw for `rows` rows now. Raw transactions check before their features
   * are derived, so a batch refused for load has not been added to the entity state.
   */
  check(rows: number, reply: RequestCall): void {
    if (this.inFlight > 0 && this.inFlight + rows > this.maxRows) {
      void reply.header('retry-after', String(OVERLOADED_RETRY_AFTER_S));
      throw new FraudlensError(
        'OVERLOADED',
        `${this.inFlight} rows are being explained and this batch adds ${rows}, over the limit of ${this.maxRows}; retry in ${OVERLOADED_RETRY_AFTER_S} s or send smaller batches`,
        { field: 'explain' },
      );
    }
  }
}
