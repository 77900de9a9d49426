/**
 * One conformance suite for every model-registry backend: adding (version given or generated,
 * SHA-256 and training summary from the model reader, rules stored beside and checked against
 * the model, bad model files refused), aliases and their history (who, when, from, to), the
 * rollback rule (back to the version the alias had before its last change), the errors clients
 * branch on, and concurrent writers: two instances and two processes promoting at once lose no
 * change.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { FraudlensError } from '../../../src/core/errors.js';
import { registryServingSet, type ModelRegistry } from '../../../src/storage/index.js';
import { REPO_ROOT, fixturePath } from '../../helpers/paths.js';

export const DEMO_MODEL = join(REPO_ROOT, 'models', 'demo', 'model.json');
/** A second real model, of precomputed features (no definitions). */
export const PRECOMPUTED_MODEL = fixturePath('precomputed', 'model.json');

export interface RegistryFixture {
  /** A fresh, empty registry. */
  registry: ModelRegistry;
  /** A second handle on the same registry (another server or CLI on the same store). */
  reopen(): ModelRegistry;
  /**
   * A script that, run by node in a child process, promotes `version` to `alias` `times` times on
   * this registry: argv = [version, alias, times]. Null when the backend cannot be shared by processes.
   */
  childPromoteScript: string | null;
  /** A scratch directory for input files. */
  scratch: string;
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

async function rejectsWith(p: Promise<unknown>, code: string, field?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof FraudlensError, `expected a FraudlensError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (field !== undefined) assert.equal(e.location.field, field, e.message);
    return true;
  });
}

function runNode(script: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Runs the suite; `open` gives a fresh registry for each test. */
export function runModelRegistryConformance(name: string, open: () => Promise<RegistryFixture>): void {
  describe(`model registry conformance: ${name}`, () => {
    it('adds models with generated versions, their SHA-256 and training summary, and lists them', async () => {
      const { registry } = await open();
      const first = await registry.add({ modelPath: DEMO_MODEL, by: 'alice', note: 'the demo' });
      assert.equal(first.model.version, 'v1');
      assert.equal(first.model.sha256, sha256File(DEMO_MODEL));
      assert.equal(first.model.has_definitions, true);
      assert.equal(first.model.training.source, 'fraudlens train');
      assert.equal(first.model.training.rows, 49088, 'models/demo was trained on 49,088 rows (models/README.md)');
      assert.equal(typeof first.model.training.metrics.pr_auc, 'number');
      assert.equal(first.model.added_by, 'alice');
      assert.equal(first.model.note, 'the demo');
      assert.deepEqual(
        { ...first.change, at: '' },
        { sequence: 1, action: 'add', by: 'alice', at: '', alias: null, from_version: null, to_version: 'v1', note: 'the demo' },
      );
      const second = await registry.add({ modelPath: PRECOMPUTED_MODEL, by: 'bob', alias: 'challenger' });
      assert.equal(second.model.version, 'v2');
      assert.equal(second.model.has_definitions, false);
      const named = await registry.add({ modelPath: DEMO_MODEL, by: 'bob', version: '2026-12.rc1' });
      assert.equal(named.model.version, '2026-12.rc1');
      const snap = await registry.snapshot();
      assert.equal(snap.sequence, 3);
      assert.deepEqual(
        snap.models.map((m) => m.version),
        ['v1', 'v2', '2026-12.rc1'],
      );
      assert.deepEqual(snap.aliases, { challenger: 'v2' });
      // The stored copy is the file byte for byte.
      const stored = await registry.resolve({ version: 'v2' });
      assert.equal(sha256File(stored.modelPath), sha256File(PRECOMPUTED_MODEL));
      assert.equal(stored.rulesPath, null);
      await rejectsWith(registry.add({ modelPath: DEMO_MODEL, by: 'bob', version: 'v1' }), 'REGISTRY_CONFLICT', 'version');
    });

    it('refuses bad model files, bad rules, bad versions and aliases, and changes nothing', async () => {
      const { registry, scratch } = await open();
      await registry.add({ modelPath: DEMO_MODEL, by: 'alice' });
      const broken = join(scratch, 'broken.json');
      writeFileSync(broken, '{"format": "fraudlens-model", "trees": [');
      await rejectsWith(registry.add({ modelPath: broken, by: 'alice' }), 'MODEL_INVALID');
      const notModel = join(scratch, 'not-a-model.json');
      writeFileSync(notModel, '{"hello": 1}');
      await assert.rejects(registry.add({ modelPath: notModel, by: 'alice' }), (e: unknown) => e instanceof FraudlensError);
      await rejectsWith(registry.add({ modelPath: join(scratch, 'absent.json'), by: 'alice' }), 'INPUT_UNREADABLE');
      // A rule reading a raw field the precomputed model lacks.
      const rules = join(scratch, 'rules.yaml');
      writeFileSync(
        rules,
        'version: 1\nrules:\n  - id: big\n    action: review\n    when: card_count_1h > 100\n    reason: many\n',
      );
      await rejectsWith(registry.add({ modelPath: PRECOMPUTED_MODEL, rulesPath: rules, by: 'alice' }), 'RULES_INVALID');
      await rejectsWith(registry.add({ modelPath: DEMO_MODEL, by: 'alice', version: '../x' }), 'INPUT_INVALID', 'version');
      await rejectsWith(registry.add({ modelPath: DEMO_MODEL, by: 'alice', alias: 'Champion' }), 'INPUT_INVALID', 'alias');
      await rejectsWith(registry.add({ modelPath: DEMO_MODEL, by: '' }), 'INPUT_INVALID', 'by');
      const snap = await registry.snapshot();
      assert.equal(snap.sequence, 1);
      assert.equal(snap.models.length, 1);
    });

    it('stores a rules file beside its model', async () => {
      const { registry, scratch } = await open();
      const rules = join(scratch, 'rules.yaml');
      writeFileSync(
        rules,
        'version: 1\nrules:\n  - id: big\n    action: review\n    when: amt > 5000\n    reason: large amount\n',
      );
      const { model } = await registry.add({ modelPath: DEMO_MODEL, rulesPath: rules, by: 'alice', alias: 'champion' });
      assert.equal(model.rules?.file, 'rules.yaml');
      assert.match(model.rules?.version ?? '', /^rules-[0-9a-f]{12}$/);
      const r = await registry.resolve({ alias: 'champion' });
      assert.equal(readFileSync(r.rulesPath!, 'utf8'), readFileSync(rules, 'utf8'));
      const set = await registryServingSet(registry);
      assert.deepEqual(set.champion, { version: 'v1', path: r.modelPath, rulesPath: r.rulesPath, sha256: model.sha256 });
      assert.deepEqual(set.others, []);
    });

    it('promotes, rolls back to the version before the last change, and records who, when, from and to', async () => {
      const { registry } = await open();
      await registry.add({ modelPath: DEMO_MODEL, by: 'alice', alias: 'champion' });
      await registry.add({ modelPath: PRECOMPUTED_MODEL, by: 'alice' });
      await registry.add({ modelPath: DEMO_MODEL, by: 'alice', version: 'v3' });
      const before = Date.now();
      const p1 = await registry.promote('v2', 'champion', 'carol');
      assert.deepEqual(
        [p1.action, p1.alias, p1.from_version, p1.to_version, p1.by],
        ['promote', 'champion', 'v1', 'v2', 'carol'],
      );
      assert.ok(Date.parse(p1.at) >= before - 1000, 'the change is stamped with the time it happened');
      await registry.promote('v3', 'champion', 'carol');
      await registry.promote('v2', 'challenger', 'dave');
      const rb = await registry.rollback('champion', 'erin');
      assert.deepEqual([rb.action, rb.from_version, rb.to_version, rb.by], ['rollback', 'v3', 'v2', 'erin']);
      assert.equal((await registry.resolve({ alias: 'champion' })).entry.version, 'v2');
      // The rule applies to the rollback too: rolling it back returns to v3.
      const again = await registry.rollback('champion', 'erin');
      assert.deepEqual([again.from_version, again.to_version], ['v2', 'v3']);
      const set = await registryServingSet(registry);
      assert.equal(set.champion?.version, 'v3');
      assert.deepEqual(
        set.others.map((o) => [o.alias, o.version]),
        [['challenger', 'v2']],
      );
      const history = await registry.history();
      assert.deepEqual(
        history.map((c) => [c.sequence, c.action, c.alias, c.from_version, c.to_version]),
        [
          [1, 'add', 'champion', null, 'v1'],
          [2, 'add', null, null, 'v2'],
          [3, 'add', null, null, 'v3'],
          [4, 'promote', 'champion', 'v1', 'v2'],
          [5, 'promote', 'champion', 'v2', 'v3'],
          [6, 'promote', 'challenger', null, 'v2'],
          [7, 'rollback', 'champion', 'v3', 'v2'],
          [8, 'rollback', 'champion', 'v2', 'v3'],
        ],
      );
      // An alias first set by its last change has nothing to roll back to.
      await rejectsWith(registry.rollback('challenger', 'erin'), 'REGISTRY_CONFLICT', 'alias');
      await rejectsWith(registry.removeAlias('champion', 'erin'), 'REGISTRY_CONFLICT', 'alias');
      const removed = await registry.removeAlias('challenger', 'erin');
      assert.deepEqual([removed.action, removed.from_version, removed.to_version], ['remove-alias', 'v2', null]);
      assert.deepEqual((await registry.snapshot()).aliases, { champion: 'v3' });
    });

    it('answers unknown versions and aliases with REGISTRY_NOT_FOUND naming the field', async () => {
      const { registry } = await open();
      await registry.add({ modelPath: DEMO_MODEL, by: 'alice' });
      await rejectsWith(registry.promote('v9', 'champion', 'alice'), 'REGISTRY_NOT_FOUND', 'version');
      await rejectsWith(registry.resolve({ alias: 'champion' }), 'REGISTRY_NOT_FOUND', 'alias');
      await rejectsWith(registry.rollback('champion', 'alice'), 'REGISTRY_NOT_FOUND', 'alias');
      await rejectsWith(registry.removeAlias('champion', 'alice'), 'REGISTRY_NOT_FOUND', 'alias');
      assert.equal((await registry.snapshot()).sequence, 1, 'refused changes are not recorded');
    });

    it('changes its change token with every change, and only then', async () => {
      const { registry } = await open();
      await registry.add({ modelPath: DEMO_MODEL, by: 'alice', alias: 'champion' });
      const t1 = await registry.changeToken();
      assert.equal(await registry.changeToken(), t1);
      await registry.add({ modelPath: PRECOMPUTED_MODEL, by: 'alice' });
      const t2 = await registry.changeToken();
      assert.notEqual(t2, t1);
      await registry.promote('v2', 'champion', 'alice');
      assert.notEqual(await registry.changeToken(), t2);
    });

    it('serialises concurrent writers of two instances: no change is lost', async () => {
      const f = await open();
      await f.registry.add({ modelPath: DEMO_MODEL, by: 'alice', alias: 'champion' });
      await f.registry.add({ modelPath: PRECOMPUTED_MODEL, by: 'alice' });
      const other = f.reopen();
      const rounds = 20;
      await Promise.all([
        ...Array.from({ length: rounds }, () => f.registry.promote('v2', 'champion', 'one')),
        ...Array.from({ length: rounds }, () => other.promote('v1', 'champion', 'two')),
      ]);
      const history = await other.history();
      assert.equal(history.length, 2 + 2 * rounds, 'every promotion is in the history');
      assert.deepEqual(
        history.map((c) => c.sequence),
        Array.from({ length: history.length }, (_, i) => i + 1),
      );
      // Each change starts from the version the previous one left: none worked from a stale index.
      for (let i = 3; i < history.length; i++)
        assert.equal(history[i].from_version, history[i - 1].to_version, `change ${i + 1}`);
      assert.equal((await f.registry.snapshot()).aliases.champion, history.at(-1)!.to_version);
    });

    it('serialises concurrent writers of two processes: no change is lost', async (t) => {
      const f = await open();
      if (f.childPromoteScript === null) {
        t.skip('this backend is not shared by processes');
        return;
      }
      await f.registry.add({ modelPath: DEMO_MODEL, by: 'alice', alias: 'champion' });
      await f.registry.add({ modelPath: PRECOMPUTED_MODEL, by: 'alice' });
      const rounds = 15;
      const results = await Promise.all([
        runNode(f.childPromoteScript, ['v2', 'champion', String(rounds)]),
        runNode(f.childPromoteScript, ['v1', 'champion', String(rounds)]),
      ]);
      for (const r of results) assert.equal(r.code, 0, r.stderr);
      const history = await f.registry.history();
      assert.equal(history.length, 2 + 2 * rounds);
      for (let i = 3; i < history.length; i++)
        assert.equal(history[i].from_version, history[i - 1].to_version, `change ${i + 1}`);
    });
  });
}
