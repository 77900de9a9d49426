/**
 * Explanation work is bounded and interleaved (in-process): a big explained batch yields to the
 * event loop between chunks, so a single prediction sent meanwhile is answered first, and a second
 * big explained batch beyond FRAUDLENS_EXPLAIN_MAX_ROWS is refused with 503 OVERLOADED and
 * Retry-After while plain predictions still answer. Order of completion is asserted, never time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, makeApp, ulbSample } from './helpers.js';
const BATCH_ROWS = 1000;
describe('explained batches under load', () => {
    let t;
    before(async () => {
        t = await makeApp({ FRAUDLENS_EXPLAIN_MAX_ROWS: String(BATCH_ROWS), FRAUDLENS_BATCH_LIMIT: String(BATCH_ROWS) });
    });
    after(() => t.app.close());
    it('lets a single prediction through during a big explained batch and refuses a second one', async () => {
        const batch = { instances: Array.from({ length: BATCH_ROWS }, (_, i) => ({ ...ulbSample(), Amount: i })) };
        const finished = [];
        const track = (name, p) => p.then((r) => (finished.push(name), r));
        let during;
        // Once the first batch has started scoring, send the others: they arrive while it is in progress.
        t.app.fraudlens.onScored.push(() => {
            if (during !== undefined)
                return;
            during = Promise.all([
                track('second batch', t.app.inject({ method: 'POST', url: '/predict?explain=true', payload: batch })),
                track('single', t.app.inject({ method: 'POST', url: '/predict', payload: ulbSample() })),
            ]);
        });
        const first = await track('first batch', t.app.inject({ method: 'POST', url: '/predict?explain=true', payload: batch }));
        assert.ok(during !== undefined);
        const [second, single] = await during;
        assert.equal(first.statusCode, 200, first.body);
        assert.equal(json(first).count, BATCH_ROWS);
        assert.equal(single.statusCode, 200, single.body);
        assert.equal(second.statusCode, 503, second.body);
        assert.equal(json(second).code, 'OVERLOADED');
        assert.equal(second.headers['retry-after'], '1');
        assert.ok(finished.indexOf('single') < finished.indexOf('first batch'), `completion order: ${finished.join(', ')}`);
        // Once the first batch is done its rows are released: the same batch is admitted again.
        const again = await t.app.inject({ method: 'POST', url: '/predict?explain=true', payload: batch });
        assert.equal(again.statusCode, 200, again.body);
    });
});
//# sourceMappingURL=explain-load.test.js.map