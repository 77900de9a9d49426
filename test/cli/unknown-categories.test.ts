/**
 * Files holding categories the demo model has never seen (fixtures/cli/unseen-categories.csv: 40
 * hold-out rows, 8 with the merchant category "crypto_exchange", one with gender "X"): predict and
 * evaluate score them as missing values and count them per feature, --strict-categories stops at
 * the first one as before, and drift counts them as new categories.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { fixturePath, REPO_ROOT } from '../helpers/paths.js';

const work = mkdtempSync(join(tmpdir(), 'fraudlens-unknown-'));
const DEMO = join(REPO_ROOT, 'fixtures', 'precomputed', 'model.json');
const BASELINE = join(REPO_ROOT, 'fixtures', 'precomputed', 'drift_baseline.json');
const DATA = fixturePath('cli', 'unseen-categories.csv');

function scores(path: string): string[] {
  return readFileSync(path, 'utf8').trim().split('\n').slice(1);
}

test('predict scores unknown categories as missing values and counts them per feature on stderr', async () => {
  const out = join(work, 'scored.csv');
  const r = await runCli(['predict', '--model', DEMO, '--data', DATA, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /categories the model does not know, scored as missing values: category 8 rows, gender 1 row/);
  // The same file with those cells left empty scores identically, row for row.
  const blanked = join(work, 'blanked.csv');
  writeFileSync(
    blanked,
    readFileSync(DATA, 'utf8')
      .replace(/,crypto_exchange,/g, ',,')
      .replace(/,X,/g, ',,'),
  );
  const outBlank = join(work, 'blank-scored.csv');
  const b = await runCli(['predict', '--model', DEMO, '--data', blanked, '--out', outBlank]);
  assert.equal(b.code, 0, b.stderr);
  assert.doesNotMatch(b.stderr, /does not know/);
  assert.equal(scores(out).length, 40);
  assert.deepEqual(scores(out), scores(outBlank));
});

test('predict --strict-categories stops at the first unknown category, naming row and column', async () => {
  const r = await runCli(['predict', '--model', DEMO, '--data', DATA, '--out', join(work, 'strict.csv'), '--strict-categories']);
  assert.equal(r.code, 2);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^fraudlens: error INPUT_UNKNOWN_CATEGORY: /);
  for (const m of ['unseen-categories.csv:5', 'column "category"', 'crypto_exchange'])
    assert.ok(lines[0].includes(m), `${lines[0]} mentions ${m}`);
});

test('evaluate reports the unknown categories per feature (JSON and stderr); strict mode refuses', async () => {
  const r = await runCli(['evaluate', '--model', DEMO, '--data', DATA, '--label', 'is_fraud', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { rows: number; unknown_categories: Record<string, number> };
  assert.equal(report.rows, 40);
  assert.deepEqual(report.unknown_categories, { category: 8, gender: 1 });
  assert.match(r.stderr, /category 8 rows, gender 1 row/);
  const strict = await runCli(['evaluate', '--model', DEMO, '--data', DATA, '--label', 'is_fraud', '--strict-categories']);
  assert.equal(strict.code, 2);
  assert.match(strict.stderr, /^fraudlens: error INPUT_UNKNOWN_CATEGORY: .*unseen-categories\.csv:5/);
});

test('drift counts unknown categories as new categories, in JSON, text and HTML', async () => {
  const r = await runCli(['drift', '--baseline', BASELINE, '--model', DEMO, '--data', DATA, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    features: { feature: string; current: { counts: number[]; missing: number; new_categories?: number } }[];
  };
  const category = report.features.find((f) => f.feature === 'category')!;
  assert.equal(category.current.new_categories, 8);
  assert.equal(category.current.missing, 0);
  assert.equal(report.features.find((f) => f.feature === 'gender')!.current.new_categories, 1);
  assert.equal(report.features.find((f) => f.feature === 'amt')!.current.new_categories, undefined);
  const html = join(work, 'drift.html');
  const text = await runCli(['drift', '--baseline', BASELINE, '--model', DEMO, '--data', DATA, '--html', html]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /category: 8 rows \(20\.0%\) in categories the model does not know/);
  assert.match(readFileSync(html, 'utf8'), /<td>8 \(20\.0%\)<\/td>/);
});
