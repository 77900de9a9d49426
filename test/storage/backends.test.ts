/**
 * The storage registries are the one list of backends: the configuration's enums and defaults
 * derive from them, the factories build every entry, and every entry runs its wing's conformance
 * suite (a test file named after it that calls the suite).
 */

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { buildBaseline } from '../../src/core/drift/index.js';
import { SETTINGS } from '../../src/server/config.js';
import { DRIFT_SETTINGS, autoDriftBackend } from '../../src/server/drift/settings.js';
import { compilePlan } from '../../src/core/features/plan.js';
import { validateDefinitions } from '../../src/core/features/definitions.js';
import {
  DRIFT_WINDOW_BACKENDS,
  ENTITY_STATE_BACKENDS,
  PREDICTION_LOG_BACKENDS,
  createDriftWindow,
  createEntityStateStore,
  createPredictionLog,
} from '../../src/storage/index.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { freePort } from '../helpers/redis-server.js';
import { demoModel, demoTable } from '../helpers/drift-window-fixtures.js';

const enumOf = (specs: readonly { key: string; schema: Record<string, unknown> }[], key: string): unknown =>
  specs.find((s) => s.key === key)?.schema.enum;

describe('storage backend registries', () => {
  it('give the configuration its enums, defaults and reasons', () => {
    assert.deepEqual(enumOf(SETTINGS, 'LOGGING_HANDLER'), ['memory', 'stdout', 'redis', 'postgres']);
    assert.deepEqual(
      enumOf(SETTINGS, 'LOGGING_HANDLER'),
      PREDICTION_LOG_BACKENDS.map((b) => b.name),
    );
    assert.equal(SETTINGS.find((s) => s.key === 'LOGGING_HANDLER')?.default, 'memory');
    assert.deepEqual(enumOf(DRIFT_SETTINGS, 'FRAUDLENS_DRIFT_BACKEND'), ['auto', ...DRIFT_WINDOW_BACKENDS.map((b) => b.name)]);
    for (const b of PREDICTION_LOG_BACKENDS)
      assert.ok(SETTINGS.find((s) => s.key === 'LOGGING_HANDLER')?.reason.includes(`${b.name} (${b.description})`), b.name);
    for (const b of DRIFT_WINDOW_BACKENDS)
      assert.ok(
        DRIFT_SETTINGS.find((s) => s.key === 'FRAUDLENS_DRIFT_BACKEND')?.reason.includes(`${b.name} (${b.description})`),
        b.name,
      );
    assert.deepEqual(
      enumOf(SETTINGS, 'FRAUDLENS_ENTITY_STATE'),
      ENTITY_STATE_BACKENDS.map((b) => b.name),
    );
    assert.equal(SETTINGS.find((s) => s.key === 'FRAUDLENS_ENTITY_STATE')?.default, ENTITY_STATE_BACKENDS[0].name);
    for (const b of ENTITY_STATE_BACKENDS)
      assert.ok(
        SETTINGS.find((s) => s.key === 'FRAUDLENS_ENTITY_STATE')?.reason.includes(`${b.name} (${b.description})`),
        b.name,
      );
  });

  it('resolve FRAUDLENS_DRIFT_BACKEND=auto to the shared window of the same name as the log, else memory', () => {
    assert.equal(autoDriftBackend('redis'), 'redis');
    assert.equal(autoDriftBackend('memory'), 'memory');
    assert.equal(autoDriftBackend('stdout'), 'memory');
  });

  it('build every entry, whose store reports the entry name as its backend', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`; // nothing listens: the stores must still be created and closable
    for (const b of PREDICTION_LOG_BACKENDS) {
      const log = createPredictionLog({ handler: b.name, redisUrl: url, flushTimeoutMs: 50 });
      assert.equal(log.backend, b.name);
      await log.close();
    }
    const baseline = buildBaseline(demoTable(300, 1), demoModel(), { seed: 1 });
    for (const b of DRIFT_WINDOW_BACKENDS) {
      const window = createDriftWindow(baseline, { backend: b.name, redisUrl: url, flushTimeoutMs: 50, seed: 1 });
      assert.equal(window.backend, b.name);
      await window.close();
    }
    const plan = compilePlan(
      validateDefinitions({ version: 1, event: { time: { field: 't', format: 'unix_seconds' }, id: 'id' }, fields: {} }),
    );
    for (const b of ENTITY_STATE_BACKENDS) {
      const store = createEntityStateStore(plan, { backend: b.name, redisUrl: url });
      assert.equal(store.backend, b.name);
      await store.close();
    }
  });

  it('have one conformance run per entry: test/storage/<wing>/<backend>.test.ts calls the wing suite', () => {
    const wings = [
      { dir: 'prediction-log', suite: 'runPredictionLogConformance', backends: PREDICTION_LOG_BACKENDS },
      { dir: 'drift-window', suite: 'runDriftWindowConformance', backends: DRIFT_WINDOW_BACKENDS },
      { dir: 'entity-state', suite: 'runStateStoreConformance', backends: ENTITY_STATE_BACKENDS },
    ];
    for (const { dir, suite, backends } of wings) {
      for (const b of backends) {
        const file = join(REPO_ROOT, 'test', 'storage', dir, `${b.name}.test.ts`);
        assert.ok(existsSync(file), `${dir} backend ${b.name} has no ${file}`);
        assert.match(readFileSync(file, 'utf8'), new RegExp(`\\b${suite}\\(`), `${file} does not run ${suite}`);
      }
    }
  });

  it('are what docs/storage.md lists and what docs/api.md says each setting accepts', () => {
    const storage = readFileSync(join(REPO_ROOT, 'docs', 'storage.md'), 'utf8');
    const rows = [...storage.matchAll(/^\| (prediction log|drift window|entity state) \| `([a-z]+)` \| (.+) \|$/gm)].map((m) => [
      m[1],
      m[2],
      m[3],
    ]);
    assert.deepEqual(rows, [
      ...PREDICTION_LOG_BACKENDS.map((b) => ['prediction log', b.name, b.description]),
      ...DRIFT_WINDOW_BACKENDS.map((b) => ['drift window', b.name, b.description]),
      ...ENTITY_STATE_BACKENDS.map((b) => ['entity state', b.name, b.description]),
    ]);
    const api = readFileSync(join(REPO_ROOT, 'docs', 'api.md'), 'utf8');
    for (const spec of [
      SETTINGS.find((s) => s.key === 'LOGGING_HANDLER'),
      DRIFT_SETTINGS.find((s) => s.key === 'FRAUDLENS_DRIFT_BACKEND'),
      SETTINGS.find((s) => s.key === 'FRAUDLENS_ENTITY_STATE'),
    ]) {
      assert.ok(spec !== undefined);
      const rows = api.split('\n').filter((line) => line.startsWith(`| \`${spec.key}\` |`));
      assert.ok(
        rows.some((row) => row.includes(spec.reason)),
        `docs/api.md's settings row of ${spec.key} does not say: ${spec.reason}`,
      );
    }
  });

  it('mark exactly the backends that need Redis (the legacy redis_connected fields read it)', () => {
    assert.deepEqual(
      PREDICTION_LOG_BACKENDS.filter((b) => b.service === 'redis').map((b) => b.name),
      ['redis'],
    );
    assert.deepEqual(
      DRIFT_WINDOW_BACKENDS.filter((b) => b.service === 'redis').map((b) => b.name),
      ['redis'],
    );
    assert.deepEqual(
      ENTITY_STATE_BACKENDS.filter((b) => b.service === 'redis').map((b) => b.name),
      ['redis'],
    );
  });
});
