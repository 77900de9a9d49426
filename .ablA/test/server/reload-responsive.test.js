/**
 * A reload of a big model does not stall the API: while the new model is parsed and its SHAP
 * tables are built, other requests keep being answered. The model file is a FIFO the test writes,
 * so "during the reload" starts when the last byte is written and the file-reading phase (async
 * either way) is out of the picture. The test counts /health answers given between that moment
 * and the reload's answer, one per turn of the event loop: a few when the build blocks the event
 * loop, many when it runs elsewhere. It counts requests, never milliseconds.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../helpers/paths.js';
import { loadCached, makeApp } from './helpers.js';
const KEY = 'reload-responsive-key-0123456789';
/** The demo model's 200 trees repeated: a model whose build takes a while on any machine. */
const TREE_COPIES = 4;
/** /health answers expected while the model is built; a build on the event loop allows about one. */
const MIN_ANSWERS_DURING_BUILD = 10;
describe('POST /admin/reload of a big model', () => {
    let dir;
    let fifo;
    let bigModel;
    let t;
    before(async () => {
        dir = await mkdtemp(join(tmpdir(), 'fraudlens-reload-fifo-'));
        fifo = join(dir, 'model.json');
        execFileSync('mkfifo', [fifo]);
        const demo = JSON.parse(await readFile(join(REPO_ROOT, 'models', 'demo', 'model.json'), 'utf8'));
        demo.trees = Array.from({ length: TREE_COPIES }, () => demo.trees).flat();
        demo.version = 'demo-big';
        bigModel = JSON.stringify(demo);
        const demoPath = join(REPO_ROOT, 'models', 'demo', 'model.json');
        t = await makeApp({ MODEL_PATH: fifo, API_KEY: KEY }, { model: await loadCached(demoPath) });
    });
    after(async () => {
        await t.app.close();
        await rm(dir, { recursive: true, force: true });
    });
    it('keeps answering other requests while the new model is built', async () => {
        let reloadDone = false;
        const reload = t.app.inject({ method: 'POST', url: '/admin/reload', headers: { 'x-api-key': KEY } }).then((res) => {
            reloadDone = true;
            return res;
        });
        // Resolves once every byte is in the pipe and the writer has closed it.
        await writeFile(fifo, bigModel);
        let answered = 0;
        while (!reloadDone) {
            // One probe per turn of the event loop: inject alone completes within microtasks.
            await new Promise((resolve) => setImmediate(resolve));
            const health = await t.app.inject({ url: '/health' });
            assert.equal(health.statusCode, 200, health.body);
            if (!reloadDone)
                answered++;
        }
        const res = await reload;
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(JSON.parse(res.body).model_version, 'demo-big');
        assert.ok(answered >= MIN_ANSWERS_DURING_BUILD, `/health answered ${answered} times while the model was built`);
    });
});
//# sourceMappingURL=reload-responsive.test.js.map