/**
 * Models with feature definitions: train --features on raw events, the definitions and their hash in
 * the model file, info listing the derived features, evaluate and predict on raw files, and the
 * checks on load (hash, derived names). Old model files (no definitions) are covered by the
 * engine tests, which load them unchanged.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/cli.js';
import { fixturePath } from '../helpers/paths.js';
import { parseModel } from '../../src/core/engine/model.js';
import { FraudlensError } from '../../src/core/errors.js';
const work = mkdtempSync(join(tmpdir(), 'fraudlens-feature-model-'));
const defs = fixturePath('features', 'definitions.yaml');
const raw = fixturePath('features', 'raw.csv');
const modelPath = join(work, 'model', 'model.json');
describe('models with feature definitions', () => {
    before(async () => {
        const r = await runCli([
            'train',
            '--features',
            defs,
            '--data',
            raw,
            '--label',
            'is_fraud',
            '--out',
            join(work, 'model'),
            '--trees',
            '8',
            '--json',
            '--no-baseline',
        ]);
        assert.equal(r.code, 0, r.stderr);
    });
    it('carries the definitions and their hash, and trains on derived features only', () => {
        const json = JSON.parse(readFileSync(modelPath, 'utf8'));
        assert.match(json.feature_definitions.hash, /^[0-9a-f]{64}$/);
        assert.equal(json.feature_definitions.definitions.event.timezone, 'America/New_York');
        const names = json.features.map((f) => f.name);
        assert.ok(names.includes('card_count_1h') && names.includes('amt_over_card_mean'));
        for (const identifier of ['trans_num', 'unix_time', 'cc_num', 'is_fraud'])
            assert.ok(!names.includes(identifier), `${identifier} is not a feature`);
        const model = parseModel(readFileSync(modelPath, 'utf8'));
        assert.equal(model.featureDefinitions?.hash, json.feature_definitions.hash);
    });
    it('info lists the derived features', async () => {
        const r = await runCli(['info', '--model', modelPath]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /derived features \(39, definitions [0-9a-f]{12}; raw events in\)/);
        assert.match(r.stdout, /card_merchants_7d +distinct_count of merchant per card over 7d/);
        const json = JSON.parse((await runCli(['info', '--model', modelPath, '--json'])).stdout);
        assert.equal(json.derived_features.features.length, 39);
    });
    it('evaluate and predict read raw events and derive the same features', async () => {
        const ev = await runCli(['evaluate', '--model', modelPath, '--data', raw, '--label', 'is_fraud', '--json']);
        assert.equal(ev.code, 0, ev.stderr);
        const report = JSON.parse(ev.stdout);
        assert.equal(report.rows, 1292);
        assert.ok(report.roc_auc > 0.9, `training-set ROC-AUC ${report.roc_auc}`);
        const out = join(work, 'scores.csv');
        const pr = await runCli(['predict', '--model', modelPath, '--data', raw, '--out', out]);
        assert.equal(pr.code, 0, pr.stderr);
        const rows = parse(readFileSync(out, 'utf8'), { columns: true });
        assert.equal(rows.length, 1292);
        assert.ok(rows.every((r) => Number(r.score) > 0 && Number(r.score) < 1));
    });
    it('refuses a model whose definitions were edited without their hash', () => {
        const json = JSON.parse(readFileSync(modelPath, 'utf8'));
        json.feature_definitions.definitions.aggregations[0].window = '2m';
        assert.throws(() => parseModel(JSON.stringify(json)), (e) => e instanceof FraudlensError && e.code === 'MODEL_INVALID' && e.message.startsWith('feature_definitions.hash:'));
        const bad = JSON.parse(readFileSync(modelPath, 'utf8'));
        bad.feature_definitions.definitions.aggregations[0].window = '99d';
        assert.throws(() => parseModel(JSON.stringify(bad)), (e) => e instanceof FraudlensError && e.code === 'MODEL_INVALID' && e.message.includes('aggregations[0].window'));
        const renamed = JSON.parse(readFileSync(modelPath, 'utf8'));
        renamed.features[0].name = 'not_derived';
        writeFileSync(join(work, 'renamed.json'), JSON.stringify(renamed));
        assert.throws(() => parseModel(JSON.stringify(renamed)), (e) => e instanceof FraudlensError && e.code === 'MODEL_INVALID' && /derive no feature named not_derived/.test(e.message));
    });
});
//# sourceMappingURL=model.test.js.map