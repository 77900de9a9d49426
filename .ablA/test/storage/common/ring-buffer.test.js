/**
 * The ring buffer the prediction-log backends keep their records and their pending writes in.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RingBuffer } from '../../../src/storage/common/ring-buffer.js';
describe('RingBuffer', () => {
    it('overwrites the oldest entry once full and reads newest or oldest first', () => {
        const ring = new RingBuffer(3);
        assert.equal(ring.push(1), undefined);
        ring.push(2);
        ring.push(3);
        assert.equal(ring.isFull, true);
        assert.equal(ring.push(4), 1);
        assert.deepEqual(ring.newest(10), [4, 3, 2]);
        assert.deepEqual(ring.oldest(2), [2, 3]);
        assert.deepEqual(ring.newest(0), []);
    });
    it('stays consistent across many wrap-arounds', () => {
        const ring = new RingBuffer(7);
        for (let i = 0; i < 1000; i += 1) {
            ring.push(i);
            const expected = Array.from({ length: Math.min(i + 1, 7) }, (_, k) => i - k);
            assert.deepEqual(ring.newest(7), expected);
        }
    });
    it('discards from the oldest end, then keeps appending in order', () => {
        const ring = new RingBuffer(4);
        for (const v of ['a', 'b', 'c', 'd'])
            ring.push(v);
        ring.discardOldest(3);
        assert.deepEqual(ring.oldest(10), ['d']);
        ring.push('e');
        ring.push('f');
        assert.deepEqual(ring.oldest(10), ['d', 'e', 'f']);
        ring.discardOldest(99);
        assert.equal(ring.size, 0);
        ring.push('g');
        assert.deepEqual(ring.newest(10), ['g']);
    });
    it('refuses a capacity that is not a positive integer', () => {
        for (const bad of [0, -1, 2.5, Number.NaN])
            assert.throws(() => new RingBuffer(bad), RangeError);
    });
});
//# sourceMappingURL=ring-buffer.test.js.map