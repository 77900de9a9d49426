/**
 * The background writer of every store that buffers in process and writes to a server: the Redis
 * prediction log and drift window today, a PostgreSQL backend tomorrow. The store owns its bounded
 * buffer and decides what a batch is; this piece owns the loop around it: one batch in flight at a
 * time, off the request path (the items of one event-loop turn share one batch), the retry of a
 * failed batch after a jittered exponential backoff, writing again on every reconnection, the
 * counters (accepted, written, dropped, pending) with the `dropping` state, `flush()`, the
 * read-your-writes wait and `close()` with a deadline.
 *
 * It is parameterised by two things, so that no backend copies the loop:
 *   - a `WriterConnection`, the connection-state source: whether the server takes a write now,
 *     and a call on every (re)connection and loss (common/redis-connection.ts for Redis);
 *   - a `BatchSource`, the store's side: take the next batch out of the buffer, write this batch
 *     (one round trip resolving with the server's answer), settle that answer (how many items are
 *     now stored, the rest put back), and release what is left when the writer stops.
 *
 * A slow or absent server never reaches the request path: a store hands an item to its buffer,
 * calls `add()` and returns. A batch whose answer arrives after close() gave up on it changes
 * nothing: the writer, not each store, tells such late answers apart.
 */
import { ConditionWaiters } from './waiters.js';
const BASE_DELAY_MS = 50;
/** How long a read lets this process's own pending writes land before reading. */
const READ_YOUR_WRITES_WAIT_MS = 1_000;
/** Past the write timeout, how long close() still gives an in-flight batch to settle. */
const IN_FLIGHT_GRACE_MS = 100;
/**
 * Delay before the given retry (1, 2, ...): exponential from 50 ms, capped, with jitter.
 * @param attempt how many attempts failed in a row
 * @param capMs the largest delay
 */
export function backoffDelay(attempt, capMs) {
    const exponential = Math.min(BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1), capMs);
    // Jitter spreads the reconnects of many API processes after a shared server restart.
    return Math.round(exponential * (0.9 + Math.random() * 0.1));
}
export class BatchingWriter {
    connection;
    source;
    settings;
    waiters = new ConditionWaiters();
    /** Items ever handed to the buffer. */
    acceptedItems = 0;
    /** Items confirmed stored. */
    writtenItems = 0;
    /** Items that entered the buffer and left it unwritten (expired, or given up at close). */
    lostItems = 0;
    /** Items never stored for lack of room or of a server: refused, expired, given up at close. */
    droppedItems = 0;
    /** Items were lost for lack of room or time since the buffer was last empty. */
    lostSinceDrain = false;
    /** Number of the batch awaiting its answer; 0 when none (or close() gave up on it). */
    inFlight = 0;
    batchNumber = 0;
    pumpScheduled = false;
    writeFailures = 0;
    retryTimer;
    closing;
    /** Set once close() stops the writer; from then on nothing more is written. */
    stopped = false;
    // Bound once: scheduling a write happens on every item and must not allocate.
    runScheduledPump = () => {
        this.pumpScheduled = false;
        this.pump();
    };
    retryPump = () => {
        this.retryTimer = undefined;
        this.pump();
    };
    /**
     * @param connection the connection-state source (whether a batch can be written now)
     * @param source the store's buffer, and how one batch is written and judged
     * @param settings flush deadline, retry backoff cap, write timeout
     */
    constructor(connection, source, settings) {
        this.connection = connection;
        this.source = source;
        this.settings = settings;
        connection.watch({
            ready: () => {
                this.source.onReady?.();
                this.writeFailures = 0;
                this.schedulePump();
                this.waiters.notify();
            },
            lost: () => this.waiters.notify(),
        });
    }
    /** Whether the server takes writes now (false for good once close() has stopped the writer). */
    get connected() {
        return !this.stopped && this.connection.ready;
    }
    /** True from the first close() on: the store then refuses new items. */
    get isClosing() {
        return this.closing !== undefined;
    }
    /** Items accepted and not yet stored nor dropped: buffered, or in the batch in flight. */
    get pending() {
        return this.acceptedItems - this.writtenItems - this.lostItems;
    }
    get written() {
        return this.writtenItems;
    }
    /** Items refused for lack of room, expired in the buffer, or given up at close. */
    get dropped() {
        return this.droppedItems;
    }
    /** Items are being lost: some were refused or expired since the buffer was last empty. */
    get dropping() {
        return this.lostSinceDrain;
    }
    /** Counts `n` items that entered the buffer, and schedules a write (the items of one event-loop turn share one batch). */
    add(n = 1) {
        this.acceptedItems += n;
        this.schedulePump();
    }
    /** Counts an item the buffer had no room for. */
    refuse() {
        this.droppedItems += 1;
        this.lostSinceDrain = true;
    }
    /** Counts `n` items that left the buffer unwritten (they waited too long to matter). */
    lose(n) {
        if (n <= 0)
            return;
        this.lostItems += n;
        this.droppedItems += n;
        this.lostSinceDrain = true;
        this.waiters.notify();
    }
    get settledItems() {
        return this.writtenItems + this.lostItems;
    }
    schedulePump() {
        if (this.pumpScheduled)
            return;
        this.pumpScheduled = true;
        setImmediate(this.runScheduledPump);
    }
    pump() {
        if (this.inFlight !== 0 || this.stopped || !this.source.hasUnsent() || !this.connection.ready)
            return;
        const number = (this.batchNumber += 1);
        this.inFlight = number;
        const batch = this.source.take();
        let answer;
        try {
            answer = this.source.write(batch);
        }
        catch (err) {
            answer = Promise.reject(err);
        }
        answer.then((reply) => this.settle(number, batch, reply), () => this.settle(number, batch, undefined));
    }
    settle(number, batch, reply) {
        // close() gave up on this batch and counted its items as dropped: a late answer changes nothing.
        if (number !== this.inFlight)
            return;
        this.inFlight = 0;
        let outcome;
        try {
            outcome = this.source.settle(batch, reply);
        }
        catch {
            // A store that cannot judge the answer keeps its items: they are written again.
            outcome = { written: 0, retry: true };
        }
        this.writtenItems += outcome.written;
        if (this.pending === 0)
            this.lostSinceDrain = false;
        this.waiters.notify();
        if (!outcome.retry) {
            this.writeFailures = 0;
            this.pump();
            return;
        }
        // A lost connection resumes on 'ready'; the timer covers failures on a live connection
        // (a timeout, a server-side error).
        this.writeFailures += 1;
        if (!this.stopped && this.retryTimer === undefined) {
            this.retryTimer = setTimeout(this.retryPump, backoffDelay(this.writeFailures, this.settings.retryMaxDelayMs));
            this.retryTimer.unref();
        }
    }
    /** Lets what this process accepted so far land (briefly, while connected) before a read. */
    async awaitOwnWrites() {
        const target = this.acceptedItems;
        this.schedulePump();
        await this.waiters.waitFor(() => this.settledItems >= target || !this.connected, READ_YOUR_WRITES_WAIT_MS);
    }
    /** Waits, up to the flush timeout, until everything accepted so far has been stored or dropped. */
    async flush() {
        const target = this.acceptedItems;
        this.schedulePump();
        await this.waiters.waitFor(() => this.settledItems >= target || this.stopped, this.settings.flushTimeoutMs);
    }
    /** Flushes, stops writing, counts what is left as dropped, releases the buffer and the connection. Idempotent. */
    close() {
        this.closing ??= this.shutdown();
        return this.closing;
    }
    async shutdown() {
        await this.flush();
        this.stopped = true;
        if (this.retryTimer !== undefined)
            clearTimeout(this.retryTimer);
        this.retryTimer = undefined;
        // A batch still in flight settles within the write timeout; wait so it is counted right.
        await this.waiters.waitFor(() => this.inFlight === 0, this.settings.writeTimeoutMs + IN_FLIGHT_GRACE_MS);
        // Whatever never reached the server is dropped; a late answer to the batch in flight is ignored.
        const unwritten = this.pending;
        this.lostItems += unwritten;
        this.droppedItems += unwritten;
        this.inFlight = 0;
        await this.source.release();
        await this.connection.close();
        this.waiters.notify();
    }
}
//# sourceMappingURL=batching-writer.js.map