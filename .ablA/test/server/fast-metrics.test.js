/**
 * The hot-path metrics print exactly what prom-client's own Counter and Histogram print for the
 * same updates, so scrapers, dashboards and alert rules cannot tell them apart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Histogram, Registry } from 'prom-client';
import { FastCounter, FastHistogram } from '../../src/server/fast-metrics.js';
const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVATIONS = [
    ['POST', '200', 0.0004],
    ['POST', '200', 0.001],
    ['POST', '200', 0.05],
    ['GET', '404', 3],
    ['POST', '200', 0.2],
    ['POST', '400', 0.01],
];
test('FastHistogram and FastCounter expose the same text as prom-client', async () => {
    const reference = new Registry();
    const fast = new Registry();
    const refHistogram = new Histogram({
        name: 'demo_seconds',
        help: 'Demo durations.',
        labelNames: ['method', 'status'],
        buckets: BUCKETS,
        registers: [reference],
    });
    const refCounter = new Counter({ name: 'demo_total', help: 'Demo count.', labelNames: ['method'], registers: [reference] });
    const refPlain = new Histogram({ name: 'demo_score', help: 'Unlabelled.', buckets: [0.5], registers: [reference] });
    const fastHistogram = new FastHistogram({
        name: 'demo_seconds',
        help: 'Demo durations.',
        labelNames: ['method', 'status'],
        buckets: BUCKETS,
        registry: fast,
    });
    const fastCounter = new FastCounter({ name: 'demo_total', help: 'Demo count.', labelNames: ['method'], registry: fast });
    const fastPlain = new FastHistogram({ name: 'demo_score', help: 'Unlabelled.', buckets: [0.5], registry: fast });
    assert.equal(await fast.metrics(), await reference.metrics(), 'before any update');
    for (const [method, status, seconds] of OBSERVATIONS) {
        refHistogram.labels(method, status).observe(seconds);
        fastHistogram.labels(method, status).observe(seconds);
        refCounter.labels(method).inc();
        fastCounter.labels(method).inc();
        refPlain.observe(seconds);
        fastPlain.labels().observe(seconds);
    }
    const text = await fast.metrics();
    assert.equal(text, await reference.metrics());
    assert.match(text, /demo_seconds_bucket\{le="0.01",method="POST",status="200"\} 2/);
    assert.match(text, /demo_seconds_count\{method="POST",status="200"\} 4/);
});
test('a label child keeps counting after a reset, from zero', async () => {
    const registry = new Registry();
    const counter = new FastCounter({ name: 'kept_total', help: 'Kept.', labelNames: ['kind'], registry });
    const child = counter.labels('a');
    child.inc(2);
    registry.resetMetrics();
    child.inc();
    assert.match(await registry.metrics(), /kept_total\{kind="a"\} 1\n/);
    assert.throws(() => counter.labels('a', 'b'), /takes 1 label values, got 2/);
});
//# sourceMappingURL=fast-metrics.test.js.map