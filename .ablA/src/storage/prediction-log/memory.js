/**
 * In-process prediction log: a ring buffer holding the newest `maxSize` records. Meant for
 * development, tests and single-process deployments that only need the recent window; nothing
 * survives a restart. Writes are "confirmed" as soon as they are in the ring.
 */
import { RingBuffer } from '../common/ring-buffer.js';
import { checkLimit, prepareRecord, resolveCommonOptions } from './records.js';
export class MemoryPredictionLog {
    backend = 'memory';
    ring;
    maskFields;
    written = 0;
    dropped = 0;
    closed = false;
    constructor(options = {}) {
        const { maxSize, maskFields } = resolveCommonOptions(options);
        this.ring = new RingBuffer(maxSize);
        this.maskFields = maskFields;
    }
    append(record) {
        const prepared = this.closed ? undefined : prepareRecord(record, this.maskFields);
        if (prepared === undefined) {
            this.dropped += 1;
            return;
        }
        this.ring.push(prepared);
        this.written += 1;
    }
    async latest(limit) {
        return this.ring.newest(checkLimit(limit, this.ring.capacity));
    }
    stats() {
        // Nothing waits, so nothing is lost for lack of room.
        return { buffered: 0, dropped: this.dropped, written: this.written, connected: !this.closed, dropping: false };
    }
    async flush() {
        // Nothing is ever pending: append stores synchronously.
    }
    async close() {
        // The retained records stay readable after close; only new appends are refused.
        this.closed = true;
    }
}
//# sourceMappingURL=memory.js.map