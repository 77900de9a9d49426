/**
 * The batching writer knows nothing of Redis: here it drives an in-process sink (a list that
 * takes batches through a connection that can be cut), the way a PostgreSQL backend will drive a
 * pool. The Redis stores' tests run it against real redis-server outages; these pin the loop
 * itself: one batch per event-loop turn, a failed batch retried and counted once, a connection
 * coming back, close() giving up after its deadline, and a late answer changing nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchingWriter, } from '../../../src/storage/common/batching-writer.js';
import { waitUntil } from '../../helpers/redis-server.js';
/** A server in the process: it stores batches while up, refuses them while `failing`, and can hold answers. */
class ListServer {
    stored = [];
    up = true;
    failing = false;
    /** Answers withheld until released (a server that stopped answering). */
    held = [];
    holding = false;
    listener;
    get ready() {
        return this.up;
    }
    watch(listener) {
        this.listener = listener;
    }
    async close() {
        this.up = false;
    }
    setUp(up) {
        this.up = up;
        if (up)
            this.listener?.ready();
        else
            this.listener?.lost();
    }
    write(batch) {
        if (!this.up)
            return Promise.reject(new Error('connection closed'));
        return new Promise((resolve, reject) => {
            const answer = () => {
                if (this.failing)
                    reject(new Error('server error'));
                else {
                    this.stored.push([...batch]);
                    resolve(true);
                }
            };
            if (this.holding)
                this.held.push(answer);
            else
                setImmediate(answer);
        });
    }
}
/** A store of numbers over the writer: a FIFO buffer, batches of at most `batchSize`. */
function store(server, batchSize = 100, timing = { flushTimeoutMs: 300, retryMaxDelayMs: 20, writeTimeoutMs: 50 }) {
    const buffer = [];
    const writer = new BatchingWriter(server, {
        hasUnsent: () => buffer.length > 0,
        take: () => buffer.slice(0, batchSize),
        write: (batch) => server.write(batch),
        settle: (batch, reply) => {
            if (reply !== true)
                return { written: 0, retry: true };
            buffer.splice(0, batch.length);
            return { written: batch.length, retry: false };
        },
        release: () => {
            buffer.length = 0;
        },
    }, timing);
    const add = (n, from) => {
        for (let i = from; i < from + n; i++) {
            buffer.push(i);
            writer.add();
        }
    };
    return { writer, buffer, add };
}
const range = (from, to) => Array.from({ length: to - from }, (_, i) => from + i);
describe('BatchingWriter over a non-Redis connection', () => {
    it('writes the items of one event-loop turn as one batch, in order, and counts them', async () => {
        const server = new ListServer();
        const { writer, add } = store(server);
        add(30, 0);
        assert.equal(writer.pending, 30);
        await writer.flush();
        assert.deepEqual(server.stored, [range(0, 30)]);
        add(5, 30);
        await writer.flush();
        assert.deepEqual(server.stored, [range(0, 30), range(30, 35)]);
        assert.deepEqual([writer.written, writer.pending, writer.dropped, writer.dropping, writer.connected], [35, 0, 0, false, true]);
        await writer.close();
        assert.equal(writer.connected, false);
    });
    it('retries a failed batch until it lands, and counts it once', async () => {
        const server = new ListServer();
        const { writer, add } = store(server);
        server.failing = true;
        add(10, 0);
        await writer.flush(); // gives up after 300 ms: every attempt fails
        assert.deepEqual([writer.written, writer.pending], [0, 10]);
        server.failing = false;
        await waitUntil(() => writer.written === 10, { message: 'the failed batch was not retried' });
        assert.deepEqual(server.stored, [range(0, 10)]);
        await writer.close();
    });
    it('waits for the connection, then writes on ready', async () => {
        const server = new ListServer();
        server.up = false;
        const { writer, add } = store(server);
        add(7, 0);
        await writer.flush();
        assert.deepEqual([writer.connected, writer.pending, server.stored.length], [false, 7, 0]);
        server.setUp(true);
        await waitUntil(() => writer.written === 7, { message: 'nothing was written after ready' });
        assert.deepEqual(server.stored, [range(0, 7)]);
        await writer.close();
    });
    it('close() gives up after its deadlines, counts what is left as dropped, and ignores a late answer', async () => {
        const server = new ListServer();
        const { writer, buffer, add } = store(server, 4);
        server.holding = true;
        add(10, 0);
        await writer.close(); // flush deadline, then the write timeout for the batch in flight
        assert.deepEqual([writer.written, writer.pending, writer.dropped, buffer.length], [0, 0, 10, 0]);
        assert.equal(server.held.length, 1, 'one batch in flight at a time');
        for (const answer of server.held.splice(0))
            answer();
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual([writer.written, writer.dropped], [0, 10], 'the late answer is not counted');
        assert.equal(writer.dropping, false, 'giving up at close is not "dropping"');
    });
    it('counts refused and expired items as dropped and says dropping until the buffer drains', async () => {
        const server = new ListServer();
        const { writer, add } = store(server);
        writer.refuse();
        assert.deepEqual([writer.dropped, writer.dropping], [1, true]);
        add(3, 0);
        await writer.flush();
        assert.deepEqual([writer.written, writer.pending, writer.dropping], [3, 0, false]);
        await writer.close();
    });
});
//# sourceMappingURL=batching-writer.test.js.map