/**
 * What the package ships (package.json `files`, as `npm pack` lists it): the compiled src/ that
 * bin/fraudlens.js runs, the gRPC service definition it loads, the demo model and data, the built dashboard, and no tests, benchmarks,
 * TypeScript sources or source maps. Needs a build (dist/ holds tests and benchmarks too when
 * `npm test` made it, so their absence from the list is the files field's doing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

/** Top-level files npm always adds to a package. */
const ALWAYS_SHIPPED = new Set(['package.json', 'README.md', 'LICENSE']);
/** Directories the files field ships. */
const SHIPPED_DIRS = ['bin/', 'dist/src/', 'dashboard/dist/', 'models/demo/', 'data/demo/', 'proto/'];

function packedFiles(): string[] {
  // --ignore-scripts: `prepare` would rebuild; the list is taken from the tree as it is.
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
  return pack.files.map((f) => f.path).sort();
}

test('npm pack ships the compiled server, its data and the dashboard, and nothing else', () => {
  const files = packedFiles();
  const stray = files.filter((f) => !ALWAYS_SHIPPED.has(f) && !SHIPPED_DIRS.some((d) => f.startsWith(d)));
  assert.deepEqual(stray, [], 'files outside the shipped directories');
  assert.deepEqual(
    files.filter((f) => f.endsWith('.ts') || f.endsWith('.map')),
    [],
    'TypeScript sources or source maps',
  );
  for (const needed of [
    'bin/fraudlens.js',
    'proto/grpc_predict_v2.proto',
    'dist/src/cli/entry.js',
    'dist/src/server/start.js',
    'models/demo/model.json',
    'models/demo/drift_baseline.json',
    'data/demo/holdout.csv.gz',
  ]) {
    assert.ok(files.includes(needed), `${needed} is not shipped`);
  }
  if (existsSync(join(REPO_ROOT, 'dashboard', 'dist', 'index.html'))) {
    assert.ok(files.includes('dashboard/dist/index.html'), 'the built dashboard is not shipped');
  }
});
