/**
 * The engine's CLI contract: import, predict (with and without --explain), info and bench, run
 * as child processes on the committed fixtures; and every bad input answered with one line that
 * names the file, row and column, a non-zero exit code and no stack trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli.js';
import { fixturePath, REPO_ROOT } from '../helpers/paths.js';

/** Margins written by `predict` against XGBoost's own (float32) output. */
const MARGIN_TOLERANCE = 1e-4;
/** SHAP columns plus bias against the margin (float64 sums). */
const ADDITIVITY_TOLERANCE = 1e-9;
/** models/README.md rounds metrics to 4 decimals. */
const README_METRIC_ROUNDING = 5e-5;

const work = mkdtempSync(join(tmpdir(), 'fraudlens-cli-'));
const xgbModel = fixturePath('xgboost', 'ulb_subset_nan_d5_t40.model.json');
const fixture = JSON.parse(readFileSync(fixturePath('xgboost', 'ulb_subset_nan_d5_t40.fixture.json'), 'utf8')) as {
  feature_names: string[];
  rows: (number | null)[][];
  expected: { margin: number[] };
};

function fixtureCsv(): string {
  const lines = [fixture.feature_names.join(',')];
  for (const r of fixture.rows) lines.push(r.map((v) => (v === null ? '' : String(v))).join(','));
  return `${lines.join('\n')}\n`;
}

function parseCsv(text: string): { header: string[]; rows: number[][] } {
  const [head, ...body] = text.trim().split('\n');
  return { header: head.split(','), rows: body.map((l) => l.split(',').map(Number)) };
}

function assertOneLineError(
  r: { code: number | null; stderr: string; stdout: string },
  code: string,
  ...mentions: string[]
): void {
  assert.notEqual(r.code, 0, 'exit code is non-zero');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`);
  assert.match(lines[0], new RegExp(`^fraudlens: error ${code}: `));
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  for (const m of mentions) assert.ok(lines[0].includes(m), `"${lines[0]}" mentions ${m}`);
}

test('import writes DIR/model.json and info describes it', async () => {
  const out = join(work, 'imported');
  const r = await runCli(['import', '--from', 'xgboost', '--model', xgbModel, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const info = await runCli(['info', '--model', join(out, 'model.json'), '--json']);
  assert.equal(info.code, 0, info.stderr);
  const parsed = JSON.parse(info.stdout) as { trees: number; max_depth: number; features: unknown[]; source: string };
  assert.equal(parsed.trees, 40);
  assert.equal(parsed.max_depth, 5);
  assert.equal(parsed.features.length, fixture.feature_names.length);
  assert.equal(parsed.source, 'xgboost import');
});

test('import takes feature names from a flag and checks their count', async () => {
  const names = fixture.feature_names.map((_, i) => `x${i}`);
  const ok = await runCli([
    'import',
    '--from',
    'xgboost',
    '--model',
    xgbModel,
    '--out',
    join(work, 'renamed'),
    '--feature-names',
    names.join(','),
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  const info = JSON.parse((await runCli(['info', '--model', join(work, 'renamed', 'model.json'), '--json'])).stdout) as {
    features: { name: string }[];
  };
  assert.deepEqual(
    info.features.map((f) => f.name),
    names,
  );
  const bad = await runCli([
    'import',
    '--from',
    'xgboost',
    '--model',
    xgbModel,
    '--out',
    join(work, 'bad'),
    '--feature-names',
    'a,b',
  ]);
  assertOneLineError(bad, 'INPUT_INVALID', 'feature-names');
});

test('predict on an XGBoost model gives XGBoost margins, and --explain columns add up', async () => {
  const data = join(work, 'rows.csv.gz');
  writeFileSync(data, gzipSync(fixtureCsv()));
  const out = join(work, 'scores.csv');
  const r = await runCli(['predict', '--model', xgbModel, '--data', data, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const plain = parseCsv(readFileSync(out, 'utf8'));
  assert.deepEqual(plain.header, ['margin', 'score']);
  assert.equal(plain.rows.length, fixture.rows.length);
  plain.rows.forEach(([margin, score], i) => {
    assert.ok(
      Math.abs(margin - fixture.expected.margin[i]) <= MARGIN_TOLERANCE,
      `row ${i}: margin ${margin} vs ${fixture.expected.margin[i]}`,
    );
    assert.ok(Math.abs(score - 1 / (1 + Math.exp(-margin))) <= 1e-15);
  });
  const explained = join(work, 'explained.csv');
  const e = await runCli(['predict', '--model', xgbModel, '--data', data, '--out', explained, '--explain']);
  assert.equal(e.code, 0, e.stderr);
  const withShap = parseCsv(readFileSync(explained, 'utf8'));
  assert.deepEqual(withShap.header, ['margin', 'score', ...fixture.feature_names.map((n) => `shap_${n}`), 'shap_bias']);
  withShap.rows.forEach((row, i) => {
    const sum = row.slice(2).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - row[0]) <= ADDITIVITY_TOLERANCE, `row ${i}: SHAP sum ${sum} vs margin ${row[0]}`);
  });
});

test('the bundled demo model scores the raw hold-out file with the metrics models/README.md gives', async () => {
  const r = await runCli([
    'evaluate',
    '--model',
    join(REPO_ROOT, 'models', 'demo', 'model.json'),
    '--data',
    join(REPO_ROOT, 'data', 'demo', 'holdout.csv.gz'),
    '--label',
    'is_fraud',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const got = JSON.parse(r.stdout) as { rows: number; positives: number; roc_auc: number; pr_auc: number };
  const documented = readFileSync(join(REPO_ROOT, 'models', 'README.md'), 'utf8').replace(/\s+/g, ' ');
  const m = /gives ROC-AUC ([\d.]+), PR-AUC ([\d.]+) on ([\d,]+) rows with (\d+) frauds/.exec(documented);
  assert.ok(m, 'models/README.md states the hold-out metrics');
  assert.equal(got.rows, Number(m[3].replace(/,/g, '')));
  assert.equal(got.positives, Number(m[4]));
  assert.ok(Math.abs(got.roc_auc - Number(m[1])) <= README_METRIC_ROUNDING, `ROC-AUC ${got.roc_auc} vs ${m[1]}`);
  assert.ok(Math.abs(got.pr_auc - Number(m[2])) <= README_METRIC_ROUNDING, `PR-AUC ${got.pr_auc} vs ${m[2]}`);
});

test('predict with the precomputed-features model reads categories by name', async () => {
  const out = join(work, 'demo.csv');
  const r = await runCli([
    'predict',
    '--model',
    join(REPO_ROOT, 'fixtures', 'precomputed', 'model.json'),
    '--data',
    join(REPO_ROOT, 'fixtures', 'precomputed', 'holdout.csv.gz'),
    '--out',
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const { rows } = parseCsv(readFileSync(out, 'utf8'));
  assert.equal(rows.length, 14954);
  assert.ok(rows.every(([, s]) => s > 0 && s < 1));
});

test('bench prints the documented keys', async () => {
  const r = await runCli(['bench', '--model', xgbModel, '--data', join(work, 'rows.csv.gz'), '--rows', '500', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, number>;
  for (const k of ['predict_rows_per_s', 'explain_rows_per_s', 'single_predict_p50_us', 'single_explain_p50_us']) {
    assert.ok(out[k] > 0, `${k} is a positive number`);
  }
});

test('bad input: missing column, text in a numeric column, ragged row', async () => {
  const demo = join(REPO_ROOT, 'fixtures', 'precomputed', 'model.json');
  const header = 'amt,category,gender,city_pop,age,hour,day_of_week,distance_km';
  const cases: [string, string, string, string[]][] = [
    ['missing.csv', 'amt,category\n1,grocery_pos\n', 'INPUT_MISSING_COLUMN', ['missing.csv', 'gender']],
    [
      'text.csv',
      `${header}\n12.5,grocery_pos,F,1000,40,3,2,10\nabc,grocery_pos,F,1000,40,3,2,10\n`,
      'INPUT_NOT_A_NUMBER',
      ['text.csv:2', 'column "amt"', 'abc'],
    ],
    ['ragged.csv', `${header}\n12.5,grocery_pos,F,1000\n`, 'INPUT_RAGGED_ROW', ['ragged.csv:1']],
  ];
  for (const [name, text, code, mentions] of cases) {
    const path = join(work, name);
    writeFileSync(path, text);
    const r = await runCli(['predict', '--model', demo, '--data', path, '--out', join(work, `${name}.out`)]);
    assertOneLineError(r, code, ...mentions);
  }
});

test('bad input: unreadable, truncated and corrupt files', async () => {
  const demo = join(REPO_ROOT, 'fixtures', 'precomputed', 'model.json');
  const nofile = await runCli(['predict', '--model', demo, '--data', join(work, 'nope.csv'), '--out', join(work, 'x.csv')]);
  assertOneLineError(nofile, 'INPUT_UNREADABLE', 'nope.csv');
  const gz = readFileSync(join(REPO_ROOT, 'fixtures', 'precomputed', 'holdout.csv.gz'));
  const truncated = join(work, 'truncated.csv.gz');
  writeFileSync(truncated, gz.subarray(0, Math.floor(gz.length / 2)));
  const t = await runCli(['predict', '--model', demo, '--data', truncated, '--out', join(work, 'y.csv')]);
  assertOneLineError(t, 'INPUT_UNREADABLE', 'truncated.csv.gz', 'truncated');
  const corrupt = join(work, 'corrupt.json');
  writeFileSync(corrupt, readFileSync(demo, 'utf8').slice(0, 5000));
  const c = await runCli(['info', '--model', corrupt]);
  assertOneLineError(c, 'MODEL_INVALID', 'corrupt.json');
  const wrongTree = join(work, 'wrong-tree.json');
  const model = JSON.parse(readFileSync(demo, 'utf8')) as { trees: { left: number[] }[] };
  model.trees[3].left[0] = 99999;
  writeFileSync(wrongTree, JSON.stringify(model));
  const w = await runCli(['info', '--model', wrongTree]);
  assertOneLineError(w, 'MODEL_INVALID', 'wrong-tree.json', 'tree 3');
});

test('usage errors exit non-zero without a stack trace', async () => {
  const r = await runCli(['predict', '--model', 'x.json']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /required option/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
