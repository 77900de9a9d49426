/**
 * Training is bit-for-bit reproducible: with a fixed seed and creation time, trainModel writes the
 * same model file as the code that produced the committed references. Guards refactors of the
 * booster (sampling, tree grower, loop) against any change of arithmetic or of random draws.
 *
 * - The bundled demo model (models/demo/model.json) is re-trained from data/demo with the flags
 *   it was made with and must come out byte-identical (no sampling at 56,333 rows).
 * - Two small synthetic runs exercise what the demo does not: GOSS with column sampling, and
 *   Bernoulli row sampling with a stratified hold-out and early stopping. Their files' SHA-256
 *   were recorded with the booster before it was split into sampling.ts / tree-grower.ts /
 *   boost.ts (commit b50debe); a deliberate change of training output updates them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serializeModel } from '../../src/core/engine/model.js';
import { trainModel } from '../../src/core/training/train.js';
import { readCsv } from '../../src/io/csv.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { syntheticTable } from './helpers.js';
const CREATED_AT = '2026-12-01T00:00:00.000Z';
test('re-training the demo model with its recorded flags gives the committed file byte for byte', async () => {
    const committedText = readFileSync(join(REPO_ROOT, 'models', 'demo', 'model.json'), 'utf8');
    const committed = JSON.parse(committedText);
    // The flags of `fraudlens train --label is_fraud --drop trans_time --valid-fraction 0.2
    // --split time --time-column trans_time --name demo` (recorded in the model's parameters).
    const table = await readCsv(join(REPO_ROOT, committed.training.data.path));
    const { model } = trainModel(table, {
        label: 'is_fraud',
        drop: ['trans_time'],
        validFraction: 0.2,
        validSplit: 'time',
        timeColumn: 'trans_time',
        name: 'demo',
        createdAt: committed.training.createdAt,
        dataPath: committed.training.data.path,
    });
    const retrained = serializeModel(model);
    assert.equal(retrained.length, committedText.length, 'same length as models/demo/model.json');
    assert.ok(retrained === committedText, 'byte-identical to models/demo/model.json');
});
const SAMPLED_RUNS = [
    {
        name: 'GOSS with column sampling',
        options: { trees: 40, maxDepth: 4, goss: true, colsample: 0.7, seed: 11 },
        sha256: 'b1370acf60634279a3ef6171ff35e76d212c6b5e93fc60ca55dfdfcbfa2d449a',
    },
    {
        name: 'row subsampling, stratified hold-out, early stopping',
        options: { trees: 60, maxDepth: 5, subsample: 0.8, colsample: 0.6, seed: 5, validFraction: 0.25, earlyStopping: 5 },
        sha256: '3b8192cc7da162961e7516c490c1ba1d5ea1afd197bc2429ba0628487f650923',
    },
];
for (const run of SAMPLED_RUNS) {
    test(`synthetic training with ${run.name} reproduces its recorded model hash`, () => {
        const { model } = trainModel(syntheticTable(6000, 3), { label: 'fraud', createdAt: CREATED_AT, ...run.options });
        const sha256 = createHash('sha256').update(serializeModel(model)).digest('hex');
        assert.equal(sha256, run.sha256);
    });
}
//# sourceMappingURL=reproducible.test.js.map