/**
 * The directory model registry: the shared conformance suite, plus what only a directory promises
 * (the layout on disk, a stale lock taken over, an unreadable index refused).
 */

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

import { FraudlensError } from '../../../src/core/errors.js';
import { DirectoryModelRegistry, LOCK_STALE_MS, REGISTRY_INDEX, REGISTRY_LOCK } from '../../../src/storage/index.js';
import { DEMO_MODEL, runModelRegistryConformance } from './conformance.js';

/** The compiled storage module, for the child processes. */
const STORAGE = pathToFileURL(join(import.meta.dirname, '..', '..', '..', 'src', 'storage', 'index.js')).href;

runModelRegistryConformance('directory', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fraudlens-registry-'));
  const dir = join(root, 'registry');
  return {
    registry: new DirectoryModelRegistry(dir),
    reopen: () => new DirectoryModelRegistry(dir),
    scratch: root,
    childPromoteScript: `
      const { DirectoryModelRegistry } = await import(${JSON.stringify(STORAGE)});
      const [version, alias, times] = process.argv.slice(1);
      const registry = new DirectoryModelRegistry(${JSON.stringify(dir)});
      for (let i = 0; i < Number(times); i++) await registry.promote(version, alias, 'process-' + process.pid);
    `,
  };
});

describe('DirectoryModelRegistry', () => {
  it('keeps the index, the model copies and no lock on disk', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'fraudlens-registry-')), 'r');
    const registry = new DirectoryModelRegistry(dir);
    await registry.add({ modelPath: DEMO_MODEL, by: 'alice', alias: 'champion' });
    const index = JSON.parse(readFileSync(join(dir, REGISTRY_INDEX), 'utf8')) as { format: string; sequence: number };
    assert.equal(index.format, 'fraudlens-model-registry');
    assert.equal(index.sequence, 1);
    assert.ok(existsSync(join(dir, 'models', 'v1', 'model.json')));
    assert.ok(!existsSync(join(dir, REGISTRY_LOCK)), 'the lock is released');
  });

  it('takes over a lock older than LOCK_STALE_MS, and one whose process is gone', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'fraudlens-registry-')), 'r');
    const registry = new DirectoryModelRegistry(dir);
    await registry.add({ modelPath: DEMO_MODEL, by: 'alice', alias: 'champion' });
    const lock = join(dir, REGISTRY_LOCK);
    // A live process (this one) but an old lock: a crashed writer whose pid was reused.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: 'elsewhere', at: 'then' }));
    const old = (Date.now() - LOCK_STALE_MS - 5_000) / 1000;
    utimesSync(lock, old, old);
    await registry.promote('v1', 'challenger', 'bob');
    // A fresh lock of a process that no longer exists on this host (pid beyond pid_max).
    const { hostname } = await import('node:os');
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), at: new Date().toISOString() }));
    await registry.promote('v1', 'canary', 'bob');
    assert.deepEqual((await registry.snapshot()).aliases, { champion: 'v1', challenger: 'v1', canary: 'v1' });
  });

  it('refuses a missing or malformed index with REGISTRY_INVALID', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fraudlens-registry-'));
    const registry = new DirectoryModelRegistry(dir);
    await assert.rejects(registry.snapshot(), (e: unknown) => e instanceof FraudlensError && e.code === 'REGISTRY_INVALID');
    writeFileSync(join(dir, REGISTRY_INDEX), '{"format": "something else"}');
    await assert.rejects(registry.snapshot(), (e: unknown) => e instanceof FraudlensError && e.code === 'REGISTRY_INVALID');
  });
});
