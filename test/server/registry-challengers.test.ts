/**
 * A registry's aliases besides the champion are its challengers: read at start, scored in the
 * shadow (or deciding the canary share), FRAUDLENS_CHALLENGERS refused beside FRAUDLENS_REGISTRY,
 * a canary naming no alias refused at start, and a change of the aliases while serving reported by
 * /health as applying at the next start.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';

import type { DecisionsResponse, Prediction } from '../../src/contract/index.js';
import { FraudlensError } from '../../src/core/errors.js';
import { routedToCanary } from '../../src/server/challengers.js';
import { configFromValues } from '../../src/server/config.js';
import { readRegistryChampion } from '../../src/server/registry-follower.js';
import { DirectoryModelRegistry } from '../../src/storage/index.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { json, makeApp, type TestApp } from './helpers.js';

const DEMO = join(REPO_ROOT, 'models', 'demo', 'model.json');
const SHALLOW = join(REPO_ROOT, 'models', 'challengers', 'shallow', 'model.json');
const DEEP = join(REPO_ROOT, 'models', 'challengers', 'deep', 'model.json');
const CANARY_SHARE = 0.3;
const KEY = 'registry-challengers-admin-key-0123456789';
const N = 24;
const base = JSON.parse(readFileSync(join(REPO_ROOT, 'bench', 'demo-request.json'), 'utf8')) as Record<string, unknown>;
const transaction = (k: number): Record<string, unknown> => ({
  ...base,
  trans_num: `registry-shadow-${k}`,
  unix_time: 1_599_614_894 + k * 600,
});

describe('challengers from the model registry', () => {
  let dir: string;
  let registry: DirectoryModelRegistry;
  let values: Record<string, string>;
  let t: TestApp;
  const answers: Prediction[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fraudlens-registry-challengers-'));
    registry = new DirectoryModelRegistry(join(dir, 'registry'));
    await registry.add({ modelPath: DEMO, alias: 'champion', by: 'setup', version: 'demo' });
    await registry.add({ modelPath: SHALLOW, alias: 'shallow', by: 'setup', version: 'shallow-1' });
    await registry.add({ modelPath: DEEP, alias: 'deep', by: 'setup', version: 'deep-1' });
    values = {
      API_KEY: KEY,
      MODEL_PATH: '',
      FRAUDLENS_REGISTRY: registry.location,
      FRAUDLENS_REGISTRY_POLL_MS: '3600000',
      FRAUDLENS_CANARY: `deep:${CANARY_SHARE}`,
    };
    const start = await readRegistryChampion(configFromValues(values));
    assert.deepEqual(
      start.registry.challengers.map((c) => `${c.alias}=${c.version}`),
      ['deep=deep-1', 'shallow=shallow-1'],
    );
    t = await makeApp(values, start);
    for (let k = 0; k < N; k++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/predict',
        payload: transaction(k),
        headers: { 'x-api-key': KEY },
      });
      assert.equal(res.statusCode, 200, res.body);
      answers.push(json<Prediction>(res));
    }
    await nextTurn();
  });
  after(async () => {
    await t?.app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lets the canary alias decide its share and scores the others in the shadow', async () => {
    for (let k = 0; k < N; k++)
      assert.equal(answers[k].model_alias, routedToCanary(`registry-shadow-${k}`, CANARY_SHARE) ? 'deep' : 'champion');
    const page = json<DecisionsResponse>(await t.app.inject({ url: `/decisions?limit=${N}`, headers: { 'x-api-key': KEY } }));
    assert.equal(page.decisions.length, N);
    for (const r of page.decisions) {
      const others = r.shadow!.map((s) => s.alias).sort();
      assert.deepEqual(others, r.model_alias === 'deep' ? ['champion', 'shallow'] : ['deep', 'shallow']);
    }
  });

  it('reports in /health that changed challenger aliases apply at the next start', async () => {
    await registry.add({ modelPath: SHALLOW, by: 'test', version: 'shallow-2' });
    await registry.promote('shallow-2', 'shallow', 'test');
    const res = await t.app.inject({ method: 'POST', url: '/admin/reload', headers: { 'x-api-key': KEY } });
    assert.equal(res.statusCode, 200, res.body);
    const health = json<{ components: Record<string, { status: string; detail: string }> }>(
      await t.app.inject({ url: '/health', headers: { 'x-api-key': KEY } }),
    );
    assert.equal(health.components.model_registry.status, 'ok');
    assert.match(health.components.model_registry.detail, /shallow=shallow-2.*next start/);
  });

  it('refuses FRAUDLENS_CHALLENGERS beside FRAUDLENS_REGISTRY, and a canary naming no alias', async () => {
    assert.throws(
      () => configFromValues({ ...values, FRAUDLENS_CHALLENGERS: `deep=${DEEP}` }),
      (e: unknown) => e instanceof FraudlensError && e.code === 'CONFIG_INVALID' && e.location.field === 'FRAUDLENS_CHALLENGERS',
    );
    const unknown = { ...values, FRAUDLENS_CANARY: 'nobody:0.1' };
    const start = await readRegistryChampion(configFromValues(unknown));
    await assert.rejects(
      makeApp(unknown, start),
      (e: unknown) => e instanceof FraudlensError && e.code === 'CONFIG_INVALID' && e.location.field === 'FRAUDLENS_CANARY',
    );
  });
});
