/**
 * The one model reader (src/io/model-file.ts), as the server, its reload worker and every CLI
 * command use it: either format detected from the document, the file's SHA-256, and catalogue
 * errors that name the file at fault.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FraudlensError } from '../../src/core/errors.js';
import { readModelFile } from '../../src/io/model-file.js';
import { fixturePath, REPO_ROOT } from '../helpers/paths.js';
const DEMO = join(REPO_ROOT, 'models', 'demo', 'model.json');
const XGB = fixturePath('xgboost', 'ulb_subset_d3_t10.model.json');
const XGB_CATEGORICAL = fixturePath('xgboost', 'categorical.model.json');
/** Rejects with a FraudlensError of `code` whose location names `file`; returns it. */
async function rejectsWith(promise, code, file) {
    try {
        await promise;
    }
    catch (e) {
        assert.ok(e instanceof FraudlensError, `expected a FraudlensError, got ${String(e)}`);
        assert.equal(e.code, code, e.message);
        assert.equal(e.location.file, file);
        return e;
    }
    assert.fail(`expected ${code}`);
}
describe('readModelFile', () => {
    let dir;
    before(async () => {
        dir = await mkdtemp(join(tmpdir(), 'fraudlens-model-file-'));
    });
    after(async () => {
        await rm(dir, { recursive: true, force: true });
    });
    for (const [what, path, source] of [
        ['a fraudlens model', DEMO, 'fraudlens train'],
        ['an XGBoost model', XGB, 'xgboost import'],
    ]) {
        it(`reads ${what} and fingerprints the file's bytes`, async () => {
            const read = await readModelFile(path);
            assert.equal(read.path, path);
            assert.equal(read.model.training.source, source);
            assert.equal(read.sha256, createHash('sha256')
                .update(await readFile(path))
                .digest('hex'));
        });
    }
    it('takes an empty feature-name list as "the names in the file" (the server default)', async () => {
        const named = await readModelFile(DEMO, { featureNames: [] });
        assert.deepEqual(named.model.features.map((f) => f.name), (await readModelFile(DEMO)).model.features.map((f) => f.name));
    });
    it('renames an XGBoost model, and refuses names for a fraudlens model', async () => {
        const plain = await readModelFile(XGB);
        const names = plain.model.features.map((_, i) => `x${i}`);
        assert.deepEqual((await readModelFile(XGB, { featureNames: names })).model.features.map((f) => f.name), names);
        const e = await rejectsWith(readModelFile(DEMO, { featureNames: ['a'] }), 'INPUT_INVALID', DEMO);
        assert.equal(e.location.field, 'feature-names');
    });
    it('names the file in read and parse errors', async () => {
        const missing = join(dir, 'missing.json');
        assert.match((await rejectsWith(readModelFile(missing), 'INPUT_UNREADABLE', missing)).message, /no such model file/);
        const empty = join(dir, 'empty.json');
        await writeFile(empty, '  \n');
        assert.match((await rejectsWith(readModelFile(empty), 'MODEL_INVALID', empty)).message, /empty/);
        const broken = join(dir, 'broken.json');
        await writeFile(broken, '{"version": ');
        assert.match((await rejectsWith(readModelFile(broken), 'MODEL_INVALID', broken)).message, /not valid JSON/);
    });
    it('with format "xgboost" reads the document as XGBoost whatever its shape (import --from xgboost)', async () => {
        const e = await rejectsWith(readModelFile(DEMO, { format: 'xgboost' }), 'MODEL_INVALID', DEMO);
        assert.equal(e.location.field, 'learner');
    });
    it('blames the category-names file, not the model, for a bad category list', async () => {
        const categories = { names: { purpose: ['A40'] }, file: join(dir, 'categories.json') };
        const e = await rejectsWith(readModelFile(XGB_CATEGORICAL, { format: 'xgboost', categories }), 'INPUT_INVALID', categories.file);
        assert.match(e.location.field ?? '', /^categories/);
        const named = JSON.parse(await readFile(fixturePath('xgboost', 'categorical.categories.json'), 'utf8'));
        const read = await readModelFile(XGB_CATEGORICAL, {
            format: 'xgboost',
            version: 'named-1',
            categories: { names: named, file: categories.file },
        });
        assert.equal(read.model.version, 'named-1');
        assert.equal(read.model.features.filter((f) => f.categories !== undefined).length, Object.keys(named).length);
    });
});
//# sourceMappingURL=model-file.test.js.map