/**
 * The train and evaluate commands as a user runs them (child processes on small CSV files): the
 * validation split flags, refusals of validation or evaluation labels of one class, the warning
 * on few validation positives (stderr and --json), early stopping without validation, and
 * --max-categories.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { Rng } from '../../src/core/training/random.js';
import { MIN_VALIDATION_POSITIVES } from '../../src/core/training/holdout.js';
const work = mkdtempSync(join(tmpdir(), 'fraudlens-train-cli-'));
const ROWS = 800;
const FAST = ['--trees', '5', '--max-depth', '3'];
/** Rows in time order; fraud is likelier for large amounts and shops s0–s2 (about 12 %). */
function makeRows() {
    const rng = new Rng(42);
    const rows = [];
    for (let i = 0; i < ROWS; i++) {
        const amount = Math.round(rng.float() * 1000) / 10;
        const shop = `s${rng.int(12)}`;
        const risk = (amount > 80 ? 0.4 : 0.03) + (['s0', 's1', 's2'].includes(shop) ? 0.15 : 0);
        const time = new Date(Date.UTC(2019, 0, 1) + i * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
        rows.push({ time, amount, shop, fraud: rng.float() < risk ? 1 : 0 });
    }
    return rows;
}
function writeCsv(name, rows) {
    const path = join(work, name);
    writeFileSync(path, `time,amount,shop,fraud\n${rows.map((r) => `${r.time},${r.amount},${r.shop},${r.fraud}`).join('\n')}\n`);
    return path;
}
const ROWS_IN_TIME = makeRows();
const POSITIVES = ROWS_IN_TIME.filter((r) => r.fraud === 1).length;
const timeSorted = writeCsv('time-sorted.csv', ROWS_IN_TIME);
// An export sorted by label: every fraud at the end (the failure in the issue).
const labelSorted = writeCsv('label-sorted.csv', [...ROWS_IN_TIME].sort((a, b) => a.fraud - b.fraud));
// Newest first: a time split must still hold out the latest rows.
const newestFirst = writeCsv('newest-first.csv', [...ROWS_IN_TIME].reverse());
function assertRefused(r, code, ...mentions) {
    assert.equal(r.code, 2, `exit code 2, got ${r.code}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`);
    assert.match(lines[0], new RegExp(`^fraudlens: error ${code}: `));
    for (const m of mentions)
        assert.ok(lines[0].includes(m), `"${lines[0]}" mentions ${m}`);
}
function train(data, out, ...flags) {
    return runCli(['train', '--data', data, '--label', 'fraud', '--drop', 'time', '--out', join(work, out), ...FAST, ...flags]);
}
test('--valid-fraction on a label-sorted file: the last rows are refused with the counts, the default stratified split trains', async () => {
    assert.ok(POSITIVES > 60 && POSITIVES < 160, `${POSITIVES} positives`);
    const last = await train(labelSorted, 'last', '--valid-fraction', '0.1', '--split', 'last');
    assertRefused(last, 'INPUT_ONE_CLASS', '--valid-fraction', 'last split', 'are all 1 (80 positive, 0 negative)');
    const stratified = await train(labelSorted, 'stratified', '--valid-fraction', '0.1', '--json');
    assert.equal(stratified.code, 0, stratified.stderr);
    const report = JSON.parse(stratified.stdout.trim().split('\n').pop());
    assert.equal(report.valid_split, 'stratified');
    assert.equal(report.valid_positives, Math.round(POSITIVES * 0.1));
    assert.equal(report.valid_rows, Math.round(POSITIVES * 0.1) + Math.round((ROWS - POSITIVES) * 0.1));
    assert.ok(Number.isFinite(report.validation.roc_auc));
});
test('few validation positives: a warning on stderr and in the --json object', async () => {
    const r = await train(timeSorted, 'few', '--valid-fraction', '0.1', '--json');
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.ok(report.valid_positives < MIN_VALIDATION_POSITIVES, `${report.valid_positives} positives`);
    assert.equal(report.warnings.length, 1);
    assert.match(report.warnings[0], /positive validation row\(s\), fewer than 30/);
    assert.match(r.stderr, /^fraudlens: warning: only \d+ positive validation row\(s\), fewer than 30/m);
    const enough = await train(timeSorted, 'enough', '--valid-fraction', '0.5', '--json');
    assert.equal(enough.code, 0, enough.stderr);
    assert.deepEqual(JSON.parse(enough.stdout.trim().split('\n').pop()).warnings, []);
    assert.equal(enough.stderr, '');
});
test('--split time holds out the latest rows whatever the file order', async () => {
    const inOrder = await train(timeSorted, 't1', '--valid-fraction', '0.5', '--split', 'time', '--time-column', 'time', '--json');
    const reversed = await train(newestFirst, 't2', '--valid-fraction', '0.5', '--split', 'time', '--time-column', 'time', '--json');
    const lastRows = await train(timeSorted, 't3', '--valid-fraction', '0.5', '--split', 'last', '--json');
    for (const r of [inOrder, reversed, lastRows])
        assert.equal(r.code, 0, r.stderr);
    const [a, b, c] = [inOrder, reversed, lastRows].map((r) => JSON.parse(r.stdout.trim().split('\n').pop()));
    const latestPositives = ROWS_IN_TIME.slice(ROWS / 2).filter((r) => r.fraud === 1).length;
    assert.equal(a.valid_positives, latestPositives);
    assert.equal(b.valid_positives, latestPositives);
    assert.equal(c.valid_positives, latestPositives);
    assert.equal(a.valid_split, 'time');
});
test('flag combinations that cannot work are refused before reading the data', async () => {
    const missing = join(work, 'does-not-exist.csv');
    assertRefused(await train(missing, 'x', '--early-stopping', '5'), 'INPUT_INVALID', '--early-stopping', '--valid');
    assertRefused(await train(missing, 'x', '--split', 'time', '--valid-fraction', '0.2'), 'INPUT_INVALID', '--time-column');
    assertRefused(await train(missing, 'x', '--time-column', 'time', '--valid-fraction', '0.2'), 'INPUT_INVALID', '--split time');
    assertRefused(await train(missing, 'x', '--split', 'stratified'), 'INPUT_INVALID', '--valid-fraction');
    assertRefused(await train(missing, 'x', '--split', 'last', '--valid', missing), 'INPUT_INVALID', 'no effect with --valid FILE');
    assertRefused(await train(missing, 'x', '--split', 'random', '--valid-fraction', '0.2'), 'INPUT_INVALID', '--split', 'stratified, time, last');
});
test('a validation file of one class is refused', async () => {
    const negatives = writeCsv('negatives.csv', ROWS_IN_TIME.filter((r) => r.fraud === 0).slice(0, 100));
    assertRefused(await train(timeSorted, 'v', '--valid', negatives), 'INPUT_ONE_CLASS', 'negatives.csv', 'are all 0 (0 positive, 100 negative)');
});
test('--max-categories: the error names the flag, and raising it trains', async () => {
    const refused = await train(timeSorted, 'mc1', '--max-categories', '10');
    assertRefused(refused, 'INPUT_INVALID', 'column "shop"', '12 distinct values', '--max-categories');
    const ok = await train(timeSorted, 'mc2', '--max-categories', '12');
    assert.equal(ok.code, 0, ok.stderr);
});
test('evaluate refuses labels of one class instead of printing NaN', async () => {
    const model = join(work, 'eval-model');
    const trained = await runCli([
        'train',
        '--data',
        timeSorted,
        '--label',
        'fraud',
        '--drop',
        'time',
        '--out',
        model,
        ...FAST,
        '--no-baseline',
    ]);
    assert.equal(trained.code, 0, trained.stderr);
    const allGood = writeCsv('all-good.csv', ROWS_IN_TIME.filter((r) => r.fraud === 0).slice(0, 50));
    for (const json of [[], ['--json']]) {
        const r = await runCli(['evaluate', '--model', join(model, 'model.json'), '--data', allGood, '--label', 'fraud', ...json]);
        assertRefused(r, 'INPUT_ONE_CLASS', 'all-good.csv', 'column "fraud"', 'are all 0 (0 positive, 50 negative)');
        assert.doesNotMatch(r.stdout, /NaN|null/);
    }
    const empty = writeCsv('empty.csv', []);
    assertRefused(await runCli(['evaluate', '--model', join(model, 'model.json'), '--data', empty, '--label', 'fraud']), 'INPUT_EMPTY', 'empty.csv');
    const both = await runCli(['evaluate', '--model', join(model, 'model.json'), '--data', timeSorted, '--label', 'fraud']);
    assert.equal(both.code, 0, both.stderr);
    assert.doesNotMatch(both.stdout, /NaN/);
});
//# sourceMappingURL=train-commands.test.js.map