/**
 * `fraudlens models`, run as a user runs it: add (version given or generated, alias, note, rules),
 * list and history as JSON, promote, rollback and remove-alias with who from --by or $USER, and the error lines
 * and exit codes for an unknown version or alias and a bad model file.
 */

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { RegistryChange, RegistrySnapshot } from '../../src/storage/index.js';
import { runCli } from '../helpers/cli.js';
import { fixturePath, REPO_ROOT } from '../helpers/paths.js';

const DEMO_MODEL = join(REPO_ROOT, 'models', 'demo', 'model.json');
const PRECOMPUTED_MODEL = fixturePath('precomputed', 'model.json');

describe('fraudlens models', () => {
  let dir: string;
  let registry: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fraudlens-cli-models-'));
    registry = join(dir, 'registry');
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const cli = (args: string[], user = 'tester') =>
    runCli(['models', ...args, '--registry', registry], { env: { ...process.env, USER: user } });

  it('adds, promotes, rolls back and lists, recording who', async () => {
    const rules = join(dir, 'rules.yaml');
    await writeFile(
      rules,
      'version: 1\nrules:\n  - id: big\n    action: review\n    when: amt > 5000\n    reason: large amount\n',
    );
    const a = await cli(['add', '--model', DEMO_MODEL, '--alias', 'champion', '--note', 'first', '--rules', rules]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /^added v1 \(sha256 [0-9a-f]{12}, model demo-/);
    const b = await cli(['add', '--model', PRECOMPUTED_MODEL, '--version', 'pre-1', '--json']);
    assert.equal(b.code, 0, b.stderr);
    assert.equal((JSON.parse(b.stdout) as { model: { version: string } }).model.version, 'pre-1');
    assert.equal((await cli(['promote', 'pre-1', '--by', 'carol'])).code, 0);
    const r = await cli(['rollback', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const change = JSON.parse(r.stdout) as RegistryChange;
    assert.deepEqual([change.action, change.from_version, change.to_version, change.by], ['rollback', 'pre-1', 'v1', 'tester']);
    const list = JSON.parse((await cli(['list', '--json'])).stdout) as RegistrySnapshot;
    assert.deepEqual(list.aliases, { champion: 'v1' });
    assert.equal(list.models[0].rules?.file, 'rules.yaml');
    const table = (await cli(['list'])).stdout;
    assert.match(table, /^version\s+aliases/);
    assert.match(table, /^v1\s+champion\s+demo-/m);
    const history = JSON.parse((await cli(['history', '--json'])).stdout) as RegistryChange[];
    assert.deepEqual(
      history.map((c) => [c.action, c.by]),
      [
        ['add', 'tester'],
        ['add', 'tester'],
        ['promote', 'carol'],
        ['rollback', 'tester'],
      ],
    );
    assert.match((await cli(['history'])).stdout, /^#3 \S+ carol promote champion: v1 → pre-1$/m);
  });

  it('reports unknown versions and aliases and bad model files with their codes and exit code 2', async () => {
    const unknown = await cli(['promote', 'v42']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /error REGISTRY_NOT_FOUND: field "version": the registry has no version "v42"/);
    const alias = await cli(['rollback', '--alias', 'canary']);
    assert.equal(alias.code, 2);
    assert.match(alias.stderr, /error REGISTRY_NOT_FOUND: field "alias"/);
    const broken = join(dir, 'broken.json');
    await writeFile(broken, 'not json');
    const bad = await cli(['add', '--model', broken]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /error MODEL_INVALID: .*broken\.json/);
    const nowhere = await runCli(['models', 'list', '--registry', join(dir, 'nowhere')]);
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.stderr, /error REGISTRY_INVALID: .*no model registry here/);
  });

  it('removes a challenger alias, and refuses to remove the champion', async () => {
    assert.equal((await cli(['promote', 'pre-1', '--alias', 'shadow'])).code, 0);
    const removed = await cli(['remove-alias', 'shadow', '--by', 'dave']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /^#\d+ \S+ dave remove-alias shadow: pre-1 → \(unset\)$/m);
    assert.deepEqual((JSON.parse((await cli(['list', '--json'])).stdout) as RegistrySnapshot).aliases, { champion: 'v1' });
    const champion = await cli(['remove-alias', 'champion']);
    assert.equal(champion.code, 2);
    assert.match(champion.stderr, /error REGISTRY_CONFLICT: field "alias": the "champion" alias is served and cannot be removed/);
  });
});
