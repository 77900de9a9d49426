/**
 * The CLI on files as people have them: predict streams a file of several chunks and writes what
 * one whole-file pass would (byte for byte, with and without --explain); errors in later chunks
 * name the row in the file; header-only files are INPUT_EMPTY for every command that reads data;
 * semicolon files are read with a note; info prints undefined metrics as n/a.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { encodeFeatures } from '../../src/core/data/table.js';
import { Predictor, sigmoid } from '../../src/core/engine/predict.js';
import { TreeExplainer } from '../../src/core/explanation/treeshap.js';
import { featureColumnTypes, readCsv } from '../../src/io/csv.js';
import { readModelFile } from '../../src/io/model-file.js';
import { SCORE_CHUNK_ROWS } from '../../src/cli/score-file.js';

const work = mkdtempSync(join(tmpdir(), 'fraudlens-files-'));
const demoModel = join(REPO_ROOT, 'fixtures', 'precomputed', 'model.json');
const holdoutLines = gunzipSync(readFileSync(join(REPO_ROOT, 'fixtures', 'precomputed', 'holdout.csv.gz')))
  .toString('utf8')
  .trim()
  .split('\n');
const HEADER = holdoutLines[0];

/** The first `n` hold-out rows (repeated when n is larger), with the header. */
function holdoutRows(n: number): string[] {
  const body = holdoutLines.slice(1);
  return Array.from({ length: n }, (_, i) => body[i % body.length]);
}

function write(name: string, lines: string[]): string {
  const path = join(work, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function assertOneLineError(r: { code: number | null; stderr: string }, code: string, ...mentions: string[]): void {
  assert.notEqual(r.code, 0, 'exit code is non-zero');
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('fraudlens: note:'));
  assert.equal(lines.length, 1, `one error line on stderr, got: ${r.stderr}`);
  assert.match(lines[0], new RegExp(`^fraudlens: error ${code}: `));
  for (const m of mentions) assert.ok(lines[0].includes(m), `"${lines[0]}" mentions ${m}`);
}

/** What predict wrote before it streamed: the whole file read, encoded and scored at once. */
async function wholeFileOutput(dataPath: string, explain: boolean): Promise<string> {
  const { model } = await readModelFile(demoModel);
  const table = await readCsv(dataPath, { types: featureColumnTypes(model.features), only: model.features.map((f) => f.name) });
  const x = encodeFeatures(table, model.features);
  const predictor = new Predictor(model.ensemble);
  const margins = predictor.predictMargins(x, table.numRows);
  const m = model.features.length;
  const shap = explain ? new TreeExplainer(model.ensemble, predictor).explainBatch(x, table.numRows) : null;
  const lines = [
    ['margin', 'score', ...(explain ? [...model.features.map((f) => `shap_${f.name}`), 'shap_bias'] : [])].join(','),
  ];
  for (let i = 0; i < table.numRows; i++) {
    let line = `${margins[i]},${sigmoid(margins[i])}`;
    if (shap) for (let j = 0; j <= m; j++) line += `,${shap[i * (m + 1) + j]}`;
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

test('predict streams a file of several chunks and writes what scoring it whole writes, byte for byte', async () => {
  const rows = 2 * SCORE_CHUNK_ROWS + 17;
  const data = write('three-chunks.csv', [HEADER, ...holdoutRows(rows)]);
  for (const explain of [false, true]) {
    const out = join(work, `three-chunks${explain ? '-explained' : ''}.out.csv`);
    const r = await runCli(['predict', '--model', demoModel, '--data', data, '--out', out, ...(explain ? ['--explain'] : [])]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`scored ${rows} rows`));
    const written = readFileSync(out, 'utf8');
    assert.equal(written.split('\n').length, rows + 2, 'header, one line per row, final newline');
    assert.ok(
      written === (await wholeFileOutput(data, explain)),
      `predict${explain ? ' --explain' : ''} output equals the whole-file scores`,
    );
  }
});

test('errors in a later chunk name the row in the file, and leave no output', async () => {
  const body = holdoutRows(SCORE_CHUNK_ROWS + 500);
  const badRow = SCORE_CHUNK_ROWS + 321;
  const cells = body[badRow - 1].split(',');
  cells[2] = 'spaceships';
  const unknown = [...body];
  unknown[badRow - 1] = cells.join(',');
  const out = join(work, 'never.csv');
  const u = await runCli([
    'predict',
    '--model',
    demoModel,
    '--data',
    write('unknown-late.csv', [HEADER, ...unknown]),
    '--out',
    out,
    '--strict-categories',
  ]);
  assertOneLineError(u, 'INPUT_UNKNOWN_CATEGORY', `unknown-late.csv:${badRow}`, 'column "category"', 'spaceships');
  // Without strict mode the same file is scored, and the unknown cell counted over all chunks.
  const scored = await runCli([
    'predict',
    '--model',
    demoModel,
    '--data',
    join(work, 'unknown-late.csv'),
    '--out',
    join(work, 'unknown-late-scores.csv'),
  ]);
  assert.equal(scored.code, 0, scored.stderr);
  assert.match(scored.stderr, /scored as missing values: category 1 row\n/);
  const text = [...body];
  text[badRow - 1] = body[badRow - 1].replace(/^([^,]*),[^,]*/, '$1,abc');
  const t = await runCli(['predict', '--model', demoModel, '--data', write('text-late.csv', [HEADER, ...text]), '--out', out]);
  assertOneLineError(t, 'INPUT_NOT_A_NUMBER', `text-late.csv:${badRow}`, 'column "amt"', 'abc');
  const ragged = [...body];
  ragged[badRow - 1] = '1,2,3';
  const g = await runCli([
    'predict',
    '--model',
    demoModel,
    '--data',
    write('ragged-late.csv', [HEADER, ...ragged]),
    '--out',
    out,
  ]);
  assertOneLineError(g, 'INPUT_RAGGED_ROW', `ragged-late.csv:${badRow}`, 'has 3 cells, the header has 10');
  assert.throws(() => readFileSync(out), /ENOENT/, 'a failed predict writes no output');
});

test('a header-only file is INPUT_EMPTY for predict, evaluate, baseline and drift', async () => {
  const empty = write('header-only.csv', [HEADER]);
  const baseline = join(work, 'demo-baseline.json');
  const b = await runCli([
    'baseline',
    '--model',
    demoModel,
    '--data',
    write('small.csv', [HEADER, ...holdoutRows(200)]),
    '--out',
    baseline,
  ]);
  assert.equal(b.code, 0, b.stderr);
  const commands = [
    ['predict', '--model', demoModel, '--data', empty, '--out', join(work, 'empty-scores.csv')],
    ['evaluate', '--model', demoModel, '--data', empty, '--label', 'is_fraud'],
    ['baseline', '--model', demoModel, '--data', empty, '--out', join(work, 'empty-baseline.json')],
    ['drift', '--baseline', baseline, '--model', demoModel, '--data', empty],
  ];
  for (const args of commands) {
    const r = await runCli(args);
    assertOneLineError(r, 'INPUT_EMPTY', 'header-only.csv', 'no data rows');
  }
  assert.throws(() => readFileSync(join(work, 'empty-scores.csv')), /ENOENT/);
});

test('a semicolon file is scored like the comma file, with a note; --delimiter forces one', async () => {
  const comma = write('comma.csv', [HEADER, ...holdoutRows(300)]);
  const semi = write(
    'semi.csv',
    [HEADER, ...holdoutRows(300)].map((l) => l.replaceAll(',', ';')),
  );
  const r1 = await runCli(['predict', '--model', demoModel, '--data', comma, '--out', join(work, 'comma.out')]);
  const r2 = await runCli(['predict', '--model', demoModel, '--data', semi, '--out', join(work, 'semi.out')]);
  assert.equal(r1.code, 0, r1.stderr);
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(r2.stderr, /note: .*semi\.csv: cells are separated by ";" \(detected from the header/);
  assert.equal(readFileSync(join(work, 'semi.out'), 'utf8'), readFileSync(join(work, 'comma.out'), 'utf8'));
  const forced = await runCli([
    'predict',
    '--model',
    demoModel,
    '--data',
    semi,
    '--out',
    join(work, 'forced.out'),
    '--delimiter',
    ',',
  ]);
  assertOneLineError(forced, 'INPUT_UNREADABLE', 'semi.csv', 'one column', 'containing ";"', "--delimiter ';'");
  const named = await runCli([
    'predict',
    '--model',
    demoModel,
    '--data',
    semi,
    '--out',
    join(work, 'named.out'),
    '--delimiter',
    'semicolon',
  ]);
  assert.equal(named.code, 0, named.stderr);
  assert.doesNotMatch(named.stderr, /note:/, 'no note when the delimiter is given');
  const bad = await runCli(['predict', '--model', demoModel, '--data', semi, '--out', join(work, 'x.out'), '--delimiter', ':']);
  assertOneLineError(bad, 'INPUT_INVALID', '--delimiter');
});

test('info prints an undefined metric as n/a and counts as integers', async () => {
  const model = JSON.parse(readFileSync(demoModel, 'utf8')) as { training: { metrics: Record<string, number | null> } };
  model.training.metrics = { roc_auc: null, pr_auc: 0.5, logloss: 0.25, rows: 126, positives: 0 };
  const path = join(work, 'one-class-validation.json');
  writeFileSync(path, JSON.stringify(model));
  const r = await runCli(['info', '--model', path]);
  assert.equal(r.code, 0, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.startsWith('metrics:'));
  assert.equal(line, 'metrics: roc_auc n/a, pr_auc 0.5000, logloss 0.2500, rows 126, positives 0');
});

/** Rows of the precomputed-features Sparkov sample (trans_time first, is_fraud last), with the label written by `label`. */
function trainingRows(n: number, label: (fraud: boolean) => string, extra?: (i: number) => string): string[] {
  const lines = gunzipSync(readFileSync(join(REPO_ROOT, 'fixtures', 'precomputed', 'holdout.csv.gz')))
    .toString('utf8')
    .trim()
    .split('\n');
  const header = lines[0] + (extra ? ',txn_id' : '');
  const body = lines.slice(1, n + 1).map((l, i) => {
    const cells = l.split(',');
    cells[cells.length - 1] = label(cells[cells.length - 1] === '1');
    return cells.join(',') + (extra ? `,${extra(i)}` : '');
  });
  return [header, ...body];
}

test('yes/no labels: the error names the values and suggests --positive-label, which matches without regard to case', async () => {
  const data = write(
    'yes-no.csv',
    trainingRows(3000, (f) => (f ? 'Yes' : 'No')),
  );
  const base = [
    'train',
    '--data',
    data,
    '--label',
    'is_fraud',
    '--drop',
    'trans_time',
    '--trees',
    '3',
    '--no-baseline',
    '--json',
  ];
  const refused = await runCli([...base, '--out', join(work, 'yes-no-refused')]);
  assertOneLineError(
    refused,
    'INPUT_BAD_LABEL',
    'yes-no.csv',
    'column "is_fraud"',
    'two values',
    '"No", "Yes"',
    '--positive-label Yes',
  );
  const trained = await runCli([...base, '--out', join(work, 'yes-no'), '--positive-label', 'yes']);
  assert.equal(trained.code, 0, trained.stderr);
  const frauds = trainingRows(3000, (f) => (f ? '1' : '0'))
    .slice(1)
    .filter((l) => l.endsWith(',1')).length;
  const model = join(work, 'yes-no', 'model.json');
  const trainedOn = (JSON.parse(readFileSync(model, 'utf8')) as { training: { data: { positives: number } } }).training.data;
  assert.equal(trainedOn.positives, frauds, '"yes" matched every "Yes" label in training');
  const evalRefused = await runCli(['evaluate', '--model', model, '--data', data, '--label', 'is_fraud']);
  assertOneLineError(evalRefused, 'INPUT_BAD_LABEL', '--positive-label Yes');
  const evaluated = await runCli([
    'evaluate',
    '--model',
    model,
    '--data',
    data,
    '--label',
    'is_fraud',
    '--positive-label',
    'YES',
    '--json',
  ]);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const report = JSON.parse(evaluated.stdout) as { rows: number; positives: number };
  assert.equal(report.rows, 3000);
  assert.equal(report.positives, frauds, '"YES" matched every "Yes" label');
});

test('train refuses identifier and date columns by name, with the --drop that fixes it', async () => {
  const data = write(
    'with-id.csv',
    trainingRows(
      3000,
      (f) => (f ? '1' : '0'),
      (i) => `C${(1e9 + i * 7919).toString(36)}`,
    ),
  );
  const base = ['train', '--data', data, '--label', 'is_fraud', '--trees', '3', '--no-baseline', '--json'];
  const refused = await runCli([...base, '--out', join(work, 'with-id-refused')]);
  assertOneLineError(
    refused,
    'INPUT_UNSUITABLE_COLUMN',
    'with-id.csv',
    '"trans_time" (dates or times such as "2020-',
    '"txn_id" (an identifier: 3000 distinct values in 3000 rows)',
    '--drop trans_time,txn_id',
  );
  const dateOnly = await runCli([...base, '--out', join(work, 'with-id-refused'), '--drop', 'txn_id']);
  assertOneLineError(
    dateOnly,
    'INPUT_UNSUITABLE_COLUMN',
    'column "trans_time"',
    '--drop txn_id,trans_time',
    'hour and day_of_week',
  );
  const trained = await runCli([...base, '--out', join(work, 'with-id'), '--drop', 'trans_time,txn_id']);
  assert.equal(trained.code, 0, trained.stderr);
});
