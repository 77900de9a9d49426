/**
 * Explaining costs far more than scoring, so explained batches share one budget: the rows being
 * explained at once, over all requests and routes (/predict?explain=true and /explain), are
 * bounded by FRAUDLENS_EXPLAIN_MAX_ROWS (beyond it 503 OVERLOADED with Retry-After), and a batch
 * runs in chunks that yield to the event loop, so single predictions stay fast meanwhile.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { FraudlensError } from '../core/errors.js';
/** Rows of an explained batch between two yields to the event loop (a few ms of work), so other requests interleave. */
const EXPLAIN_CHUNK_ROWS = 32;
/** What Retry-After tells a client refused with OVERLOADED, in seconds. */
const OVERLOADED_RETRY_AFTER_S = 1;
/**
 * A batch is always admitted when no other is being explained, so a limit below the batch size
 * slows explain traffic down but never refuses it outright. Single rows are explained within one
 * turn of the event loop and need no admission.
 */
export class ExplainAdmission {
    maxRows;
    inFlight = 0;
    constructor(maxRows) {
        this.maxRows = maxRows;
    }
    /**
     * Runs `explainOne` over `rows` rows in yielding chunks, with the rows reserved meanwhile.
     * @throws FraudlensError OVERLOADED (Retry-After set on `reply`) when the budget is taken
     */
    async run(rows, explainOne, reply) {
        if (this.inFlight > 0 && this.inFlight + rows > this.maxRows) {
            void reply.header('retry-after', String(OVERLOADED_RETRY_AFTER_S));
            throw new FraudlensError('OVERLOADED', `${this.inFlight} rows are being explained and this batch adds ${rows}, over the limit of ${this.maxRows}; retry in ${OVERLOADED_RETRY_AFTER_S} s or send smaller batches`, { field: 'explain' });
        }
        this.inFlight += rows;
        try {
            const out = new Array(rows);
            for (let i = 0; i < rows; i++) {
                if (i > 0 && i % EXPLAIN_CHUNK_ROWS === 0)
                    await yieldToEventLoop();
                out[i] = explainOne(i);
            }
            return out;
        }
        finally {
            this.inFlight -= rows;
        }
    }
}
//# sourceMappingURL=explain-admission.js.map