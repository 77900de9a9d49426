/**
 * Per-update cost of the drift window on the request path, for 30 numeric features (the ULB
 * shape): bin every value, add the counts, offer the row to the bucket's sample, copy it into the
 * ring. Target: <= 5 us per update in process. Also times the Redis backend's synchronous part
 * (the same work plus pending deltas; the network write happens later, off the request path)
 * when REDIS_URL is set, and the read + report of a 1-hour window for reference.
 *
 * Usage: node bench/drift-window.js [--updates 300000] [--features 30]
 *        REDIS_URL=redis://127.0.0.1:6379 node bench/drift-window.js   (also the Redis backend)
 * Prints one JSON line per measurement.
 */
import { tableFromColumns } from '../src/core/data/table.js';
import { DriftRandom, buildBaseline, buildDriftReport } from '../src/core/drift/index.js';
import { buildEnsemble } from '../src/core/engine/ensemble.js';
import { DEFAULT_THRESHOLDS } from '../src/core/engine/model.js';
import { MemoryDriftWindow, RedisDriftWindow } from '../src/storage/index.js';
function arg(name, fallback) {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const UPDATES = arg('--updates', 300_000);
const FEATURES = arg('--features', 30);
const DISTINCT_ROWS = 10_000;
/** A one-split model over FEATURES numeric features: enough for buildBaseline to score rows. */
function benchModel() {
    const ensemble = buildEnsemble(FEATURES, 0, [
        {
            feature: [0, -1, -1],
            threshold: [0, 0, 0],
            left: [1, -1, -1],
            right: [2, -1, -1],
            defaultLeft: [1, 0, 0],
            value: [0, -1, 1],
            cover: [2, 1, 1],
        },
    ]);
    return {
        version: 'bench',
        objective: 'binary:logistic',
        features: Array.from({ length: FEATURES }, (_, j) => ({ name: `f${j}`, type: 'numeric' })),
        ensemble,
        thresholds: DEFAULT_THRESHOLDS,
        training: { source: 'bench', createdAt: new Date(0).toISOString() },
    };
}
function rows(n, seed) {
    const rng = new DriftRandom(seed);
    const x = new Float32Array(n * FEATURES);
    for (let i = 0; i < x.length; i++)
        x[i] = (rng.next() - 0.5) * 10 + (i % FEATURES);
    // Some missing values, as real traffic has.
    for (let i = 0; i < x.length; i += 97)
        x[i] = Number.NaN;
    const scores = Float64Array.from({ length: n }, () => rng.next());
    return { x, scores };
}
/** Nanoseconds per update, over `count` updates cycling through the prepared rows. */
function time(store, x, scores, count) {
    const m = FEATURES;
    // Row views made once: the loop then measures the store, not subarray().
    const views = Array.from({ length: DISTINCT_ROWS }, (_, i) => x.subarray(i * m, (i + 1) * m));
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
        const r = i % DISTINCT_ROWS;
        store.update(views[r], scores[r]);
    }
    return Number(process.hrtime.bigint() - start) / count;
}
async function main() {
    const model = benchModel();
    const train = rows(5000, 1);
    const columns = {};
    for (let j = 0; j < FEATURES; j++)
        columns[`f${j}`] = Float64Array.from({ length: 5000 }, (_, i) => train.x[i * FEATURES + j]);
    const baseline = buildBaseline(tableFromColumns('bench', columns), model, { seed: 1 });
    const { x, scores } = rows(DISTINCT_ROWS, 2);
    const memory = new MemoryDriftWindow(baseline, { seed: 3 });
    time(memory, x, scores, 50_000); // warm-up: let the JIT optimise update()
    const ns = time(memory, x, scores, UPDATES);
    console.log(JSON.stringify({ backend: 'memory', features: FEATURES, updates: UPDATES, ns_per_update: Math.round(ns), target_ns: 5000 }));
    const t0 = process.hrtime.bigint();
    const snapshot = await memory.read({ type: 'time', durationMs: 3_600_000 });
    const report = buildDriftReport(baseline, snapshot);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(JSON.stringify({
        step: 'read + report, 1h window',
        rows: report.rows,
        sample: snapshot.sample.size,
        ms: Math.round(ms * 10) / 10,
    }));
    await memory.close();
    const url = process.env.REDIS_URL;
    if (url !== undefined) {
        const redis = new RedisDriftWindow(baseline, { url, keyPrefix: `bench:${process.pid}:`, seed: 4 });
        await redis.flush();
        // Synchronous batches between event-loop turns, as a busy server interleaves requests and writes.
        let total = 0;
        const batches = Math.max(1, Math.floor(UPDATES / 10_000));
        for (let b = 0; b < batches; b++) {
            total += time(redis, x, scores, 10_000);
            await new Promise((resolve) => setImmediate(resolve));
        }
        await redis.flush();
        console.log(JSON.stringify({
            backend: 'redis (synchronous part)',
            features: FEATURES,
            updates: batches * 10_000,
            ns_per_update: Math.round(total / batches),
            stats: redis.stats(),
        }));
        await redis.close();
    }
}
await main();
//# sourceMappingURL=drift-window.js.map