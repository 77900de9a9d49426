/**
 * Training is bit-for-bit reproducible: with a fixed seed and creation time, trainModel writes the
 * same model file as the code that produced the committed references. Guards refactors of the
 * booster (sampling, tree grower, loop) against any change of arithmetic or of random draws.
 *
 * - The bundled demo model (models/demo/model.json) is re-trained from the raw data/demo file with
 *   its definitions (defs/sparkov.yaml), as `fraudlens train --features` does, with the flags it
 *   was made with, and must come out byte-identical (no sampling at 49,088 training rows).
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
import { deriveToTemporaryFile } from '../../src/cli/feature-file.js';
import { serializeModel } from '../../src/core/engine/model.js';
import { definitionsHash } from '../../src/core/features/definitions.js';
import { loadDefinitionsFile } from '../../src/io/feature-definitions-file.js';
import type { TrainOptions } from '../../src/core/training/options.js';
import { trainModel } from '../../src/core/training/train.js';
import { readCsv } from '../../src/io/csv.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { syntheticTable } from './helpers.js';

const CREATED_AT = '2026-12-01T00:00:00.000Z';

test('re-training the demo model with its recorded flags gives the committed file byte for byte', async () => {
  const committedText = readFileSync(join(REPO_ROOT, 'models', 'demo', 'model.json'), 'utf8');
  const committed = JSON.parse(committedText) as { training: { createdAt: string; data: { path: string } } };
  // The flags of `fraudlens train --features defs/sparkov.yaml --label is_fraud --valid-fraction
  // 0.2 --split time --time-column unix_time --seed 0 --name demo --target-recall 0.97` (models/README.md).
  const defs = await loadDefinitionsFile(join(REPO_ROOT, 'defs', 'sparkov.yaml'));
  const derived = await deriveToTemporaryFile(defs, { data: join(REPO_ROOT, committed.training.data.path), keep: ['is_fraud'] });
  let table;
  try {
    table = await readCsv(derived.path);
  } finally {
    await derived.remove();
  }
  const { model } = trainModel(table, {
    label: 'is_fraud',
    drop: [defs.event.id, defs.event.time.field],
    validFraction: 0.2,
    validSplit: 'time',
    timeColumn: 'unix_time',
    seed: 0,
    name: 'demo',
    targetRecall: 0.97,
    createdAt: committed.training.createdAt,
    dataPath: committed.training.data.path,
  });
  model.featureDefinitions = { hash: definitionsHash(defs), definitions: defs };
  const retrained = serializeModel(model);
  assert.equal(retrained.length, committedText.length, 'same length as models/demo/model.json');
  assert.ok(retrained === committedText, 'byte-identical to models/demo/model.json');
});

const SAMPLED_RUNS: { name: string; options: Omit<TrainOptions, 'label'>; sha256: string }[] = [
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
