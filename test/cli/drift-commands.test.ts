/**
 * `fraudlens baseline` and `fraudlens drift` on the precomputed-features Sparkov model and its
 * hold-out data (fixtures/precomputed): the hold-out months show no dataset drift against the
 * training baseline, a copy with the amount × 1.5 flags the amount and only
 * it, and the HTML report is one self-contained file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/paths.js';

const work = mkdtempSync(join(tmpdir(), 'fraudlens-drift-cli-'));
const model = join(REPO_ROOT, 'fixtures', 'precomputed', 'model.json');
const holdout = join(REPO_ROOT, 'fixtures', 'precomputed', 'holdout.csv.gz');

interface Report {
  rows: number;
  dataset_drift: { drifted: boolean };
  drifted_features: string[];
  features: { feature: string; drifted: boolean; test: string }[];
}

test('baseline builds a file the drift command accepts; hold-out months show no dataset drift', async () => {
  const baseline = join(work, 'drift_baseline.json');
  const b = await runCli(['baseline', '--model', model, '--data', holdout, '--out', baseline]);
  assert.equal(b.code, 0, b.stderr);
  const saved = JSON.parse(readFileSync(baseline, 'utf8')) as { format: string; features: unknown[] };
  assert.equal(saved.format, 'fraudlens-drift-baseline');
  assert.equal(saved.features.length, 8);
  // The training baseline (made by `train` from the earlier months) against the hold-out months,
  // and the baseline just built from the hold-out against itself.
  for (const reference of [join(REPO_ROOT, 'fixtures', 'precomputed', 'drift_baseline.json'), baseline]) {
    const r = await runCli(['drift', '--baseline', reference, '--model', model, '--data', holdout, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.rows, 14954);
    assert.equal(report.dataset_drift.drifted, false, reference);
  }
});

test('amount × 1.5 flags amt and only amt; the HTML report is self-contained', async () => {
  const lines = gunzipSync(readFileSync(holdout)).toString('utf8').trim().split('\n');
  const header = lines[0].split(',');
  const amt = header.indexOf('amt');
  const shifted = [
    lines[0],
    ...lines.slice(1).map((l) => {
      const cells = l.split(',');
      cells[amt] = String(Number(cells[amt]) * 1.5);
      return cells.join(',');
    }),
  ].join('\n');
  const data = join(work, 'shifted.csv');
  writeFileSync(data, `${shifted}\n`);
  const html = join(work, 'report.html');
  const r = await runCli([
    'drift',
    '--baseline',
    join(REPO_ROOT, 'fixtures', 'precomputed', 'drift_baseline.json'),
    '--data',
    data,
    '--json',
    '--html',
    html,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(report.drifted_features, ['amt']);
  const page = readFileSync(html, 'utf8');
  assert.match(page, /<title>fraudlens drift report<\/title>/);
  assert.doesNotMatch(page, /<script[^>]+src=/, 'no external scripts');
  assert.match(page, /uPlot/);
  assert.match(page, /class="drifted"><td>amt<\/td>/);
});

test('drift refuses a baseline that is not valid JSON, naming the file', async () => {
  const bad = join(work, 'broken.json');
  writeFileSync(bad, '{"format": "fraudlens-drift-baseline"');
  const r = await runCli(['drift', '--baseline', bad, '--model', model, '--data', holdout]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /^fraudlens: error BASELINE_INVALID: .*broken\.json/);
});
