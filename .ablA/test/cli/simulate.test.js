/**
 * `fraudlens simulate` against a real server on a socket (the demo model with drift monitoring):
 * the replay order is a seeded shuffle of the hold-out file, so the drift window it fills differs
 * from the training baseline only in the injected shift. Replayed in file order, the first rows
 * are the hold-out's first days and flag features nobody shifted (category, day of week).
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SEED, replayOrder, runSimulation } from '../../src/cli/commands/simulate.js';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { createDriftPlugin, DRIFT_SETTINGS } from '../../src/server/drift/plugin.js';
import { readModelFile } from '../../src/io/model-file.js';
import { REPO_ROOT } from '../helpers/paths.js';
const DEMO = join(REPO_ROOT, 'models', 'demo');
const HOLDOUT = join(REPO_ROOT, 'data', 'demo', 'holdout.csv.gz');
/** The README's run: a minute at 20 per second (the dashboard's end-to-end test sends 400). */
const RUNS = [1200];
let dir;
before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fraudlens-simulate-'));
    await copyFile(join(DEMO, 'model.json'), join(dir, 'model.json'));
    await copyFile(join(DEMO, 'drift_baseline.json'), join(dir, 'drift_baseline.json'));
});
after(async () => {
    await rm(dir, { recursive: true, force: true });
});
async function driftServer() {
    const config = loadConfig({
        envFile: null,
        env: { LOG_LEVEL: 'silent', MODEL_PATH: join(dir, 'model.json') },
        extraSettings: DRIFT_SETTINGS,
    });
    const app = await buildApp(config, {
        model: await readModelFile(config.modelPath),
        plugins: [createDriftPlugin({ seed: 7 })],
        processMetrics: false,
        dashboardDir: null,
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return { app, url };
}
function options(target, extra = {}) {
    return {
        target,
        rate: 2000,
        count: 400,
        data: HOLDOUT,
        drift: [],
        explain: false,
        concurrency: 16,
        apiKey: null,
        seed: DEFAULT_SEED,
        ...extra,
    };
}
describe('simulate', () => {
    it('replays a seeded shuffle: the same seed gives the same order, another seed another', () => {
        const a = replayOrder(1000, 0);
        assert.deepEqual(a, replayOrder(1000, 0));
        assert.notDeepEqual(a, replayOrder(1000, 1));
        assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i), 'a permutation');
        assert.notDeepEqual(a.subarray(0, 20), Int32Array.from({ length: 20 }, (_, i) => i), 'not file order');
    });
    for (const rows of RUNS) {
        it(`--drift amt:3 flags amt and nothing else (${rows} rows, default seed)`, async () => {
            const { app, url } = await driftServer();
            try {
                const summary = await runSimulation(options(url, { count: rows, drift: [{ feature: 'amt', factor: 3 }] }));
                assert.equal(summary.ok, rows, JSON.stringify(summary.errors));
                assert.equal(summary.seed, DEFAULT_SEED);
                const res = await app.inject({ method: 'GET', url: '/drift?window=15m' });
                assert.equal(res.statusCode, 200, res.body);
                const report = JSON.parse(res.body);
                assert.equal(report.rows, rows);
                assert.deepEqual(report.drifted_features, ['amt']);
            }
            finally {
                await app.close();
            }
        });
    }
    it('without --drift nothing is flagged', async () => {
        const { app, url } = await driftServer();
        try {
            const summary = await runSimulation(options(url, { count: 400 }));
            assert.equal(summary.ok, 400);
            const report = JSON.parse((await app.inject({ method: 'GET', url: '/drift?window=15m' })).body);
            assert.deepEqual(report.drifted_features, []);
            assert.equal(report.prediction_drift.drifted, false);
        }
        finally {
            await app.close();
        }
    });
});
//# sourceMappingURL=simulate.test.js.map