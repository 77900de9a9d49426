/**
 * A fixed-capacity circular buffer. The storage backends use it both as a retention window
 * (oldest entries are overwritten) and as a bounded FIFO (callers check `isFull` and refuse),
 * so appends are O(1) and no array is ever shifted or grown after construction.
 */
export class RingBuffer {
    capacity;
    slots;
    /** Index of the oldest entry. */
    head = 0;
    count = 0;
    constructor(capacity) {
        if (!Number.isInteger(capacity) || capacity < 1) {
            throw new RangeError(`RingBuffer capacity must be a positive integer, got ${capacity}`);
        }
        this.capacity = capacity;
        this.slots = new Array(capacity);
    }
    get size() {
        return this.count;
    }
    get isFull() {
        return this.count === this.capacity;
    }
    /** Adds `value` as the newest entry; when full, the oldest entry is overwritten and returned. */
    push(value) {
        if (this.count < this.capacity) {
            this.slots[(this.head + this.count) % this.capacity] = value;
            this.count += 1;
            return undefined;
        }
        const evicted = this.slots[this.head];
        this.slots[this.head] = value;
        this.head = (this.head + 1) % this.capacity;
        return evicted;
    }
    /** Up to `limit` entries, newest first. */
    newest(limit) {
        const n = Math.max(0, Math.min(limit, this.count));
        const out = new Array(n);
        for (let i = 0; i < n; i += 1) {
            out[i] = this.slots[(this.head + this.count - 1 - i) % this.capacity];
        }
        return out;
    }
    /** Up to `limit` entries, oldest first, without removing them. */
    oldest(limit) {
        const n = Math.max(0, Math.min(limit, this.count));
        const out = new Array(n);
        for (let i = 0; i < n; i += 1) {
            out[i] = this.slots[(this.head + i) % this.capacity];
        }
        return out;
    }
    /** Removes the `n` oldest entries (all of them if `n` exceeds the size). */
    discardOldest(n) {
        const k = Math.max(0, Math.min(n, this.count));
        for (let i = 0; i < k; i += 1) {
            // Release references so discarded records can be garbage-collected.
            this.slots[(this.head + i) % this.capacity] = undefined;
        }
        this.head = (this.head + k) % this.capacity;
        this.count -= k;
    }
    clear() {
        this.discardOldest(this.count);
        this.head = 0;
    }
}
//# sourceMappingURL=ring-buffer.js.map