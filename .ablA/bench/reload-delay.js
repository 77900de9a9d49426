/**
 * How long /admin/reload holds the event loop: reloads the demo model (200 trees) in process,
 * N times, and prints the largest event-loop delay seen during each (perf_hooks'
 * monitorEventLoopDelay, sampled every 5 ms). Not part of `npm run bench`; run it on a quiet host:
 *
 *   npm run build:all && node dist/bench/reload-delay.js [reloads=10]
 */
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/server/app.js';
import { configFromValues } from '../src/server/config.js';
import { readModelFile } from '../src/io/model-file.js';
const REPO = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const KEY = 'reload-delay-bench-key-0123456789';
const SAMPLE_MS = 5;
const reloads = Number(process.argv[2] ?? 10);
const config = configFromValues({ LOG_LEVEL: 'silent', MODEL_PATH: join(REPO, 'models', 'demo', 'model.json'), API_KEY: KEY });
const app = await buildApp(config, { model: await readModelFile(config.modelPath), processMetrics: false, dashboardDir: null });
const maxima = [];
for (let i = 0; i < reloads; i++) {
    const delay = monitorEventLoopDelay({ resolution: SAMPLE_MS });
    delay.enable();
    const res = await app.inject({ method: 'POST', url: '/admin/reload', headers: { 'x-api-key': KEY } });
    // One more sample period, so a block at the very end is recorded.
    await new Promise((r) => setTimeout(r, 4 * SAMPLE_MS));
    delay.disable();
    if (res.statusCode !== 200)
        throw new Error(`reload failed: ${res.body}`);
    maxima.push(Math.round(delay.max / 1e6));
}
await app.close();
const sorted = [...maxima].sort((a, b) => a - b);
process.stdout.write(`max event-loop delay per reload (ms): ${maxima.join(' ')}; median ${sorted[Math.floor(sorted.length / 2)]}\n`);
//# sourceMappingURL=reload-delay.js.map