/**
 * The model registry through the server, in-process: the settings' exclusions, the admin routes
 * and their error codes, /model and /health, and a champion whose stored file is corrupt refused
 * while the previous model keeps serving (counted, shown, then cleared by a rollback).
 */

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Ajv } from 'ajv';

import * as contract from '../../src/contract/index.js';
import { FraudlensError } from '../../src/core/errors.js';
import { configFromValues } from '../../src/server/config.js';
import { readRegistryChampion } from '../../src/server/registry-follower.js';
import { DirectoryModelRegistry } from '../../src/storage/index.js';
import { fixturePath, REPO_ROOT } from '../helpers/paths.js';
import { json, makeApp, type TestApp } from './helpers.js';

const KEY = 'registry-routes-admin-key-0123456789';
const DEMO_MODEL = join(REPO_ROOT, 'models', 'demo', 'model.json');
const PRECOMPUTED_MODEL = fixturePath('precomputed', 'model.json');
const headers = { 'x-api-key': KEY };

const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
/** Asserts a 200 body matches its contract schema (the routes' other answers: contract.test.ts). */
function conforms(schema: object, body: string): void {
  const validate = ajv.compile(schema);
  assert.ok(validate(JSON.parse(body)), `${ajv.errorsText(validate.errors)}\n${body.slice(0, 400)}`);
}

describe('FRAUDLENS_REGISTRY settings', () => {
  for (const key of ['MODEL_PATH', 'FRAUDLENS_RULES_PATH']) {
    it(`refuses FRAUDLENS_REGISTRY together with ${key}`, () => {
      assert.throws(
        () => configFromValues({ FRAUDLENS_REGISTRY: '/tmp/r', [key]: '/tmp/x' }),
        (e: unknown) => e instanceof FraudlensError && e.code === 'CONFIG_INVALID' && e.location.field === key,
      );
    });
  }
  it('polls every second by default', () => {
    assert.equal(configFromValues({ FRAUDLENS_REGISTRY: '/tmp/r' }).registryPollMs, 1000);
  });
});

describe('admin model routes without a registry', () => {
  let t: TestApp;
  before(async () => (t = await makeApp({ API_KEY: KEY })));
  after(async () => t.app.close());
  it('answer 409 REGISTRY_NOT_CONFIGURED', async () => {
    for (const [method, url] of [
      ['GET', '/admin/models'],
      ['GET', '/admin/models/history'],
      ['POST', '/admin/models/rollback'],
    ] as const) {
      const res = await t.app.inject({ method, url, headers, ...(method === 'POST' ? { payload: {} } : {}) });
      assert.equal(res.statusCode, 409, url);
      assert.equal(json(res).code, 'REGISTRY_NOT_CONFIGURED');
    }
  });
});

describe('admin model routes with a registry', () => {
  let dir: string;
  let registry: DirectoryModelRegistry;
  let t: TestApp;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fraudlens-registry-routes-'));
    registry = new DirectoryModelRegistry(join(dir, 'registry'));
    await registry.add({ modelPath: PRECOMPUTED_MODEL, alias: 'champion', by: 'setup' });
    await registry.add({ modelPath: DEMO_MODEL, by: 'setup', note: 'to be corrupted' });
    await registry.add({ modelPath: PRECOMPUTED_MODEL, by: 'setup', version: 'same-bytes' });
    // A long poll: every change below must be applied by the route itself.
    // MODEL_PATH empty: unset (makeApp sets one by default), as FRAUDLENS_REGISTRY requires.
    const values = { API_KEY: KEY, MODEL_PATH: '', FRAUDLENS_REGISTRY: registry.location, FRAUDLENS_REGISTRY_POLL_MS: '3600000' };
    const start = await readRegistryChampion(configFromValues(values));
    t = await makeApp(values, start);
  });
  after(async () => {
    await t.app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists versions, aliases and the version served; /model names it', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/admin/models', headers });
    assert.equal(res.statusCode, 200);
    conforms(contract.RegistryListResponse, res.body);
    const history = await t.app.inject({ method: 'GET', url: '/admin/models/history', headers });
    conforms(contract.RegistryHistoryResponse, history.body);
    const body = json<{ models: { version: string }[]; aliases: Record<string, string>; served: { version: string } }>(res);
    assert.deepEqual(
      body.models.map((m) => m.version),
      ['v1', 'v2', 'same-bytes'],
    );
    assert.deepEqual(body.aliases, { champion: 'v1' });
    assert.equal(body.served.version, 'v1');
    const modelRes = await t.app.inject({ method: 'GET', url: '/model' });
    conforms(contract.ModelReport, modelRes.body);
    const model = json<{ registry: { version: string; alias: string } }>(modelRes);
    assert.deepEqual([model.registry.version, model.registry.alias], ['v1', 'champion']);
  });

  it('answers unknown versions, aliases and bad bodies with stable codes', async () => {
    const unknown = await t.app.inject({ method: 'POST', url: '/admin/models/promote', headers, payload: { version: 'v9' } });
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual([json(unknown).code, json(unknown).field], ['REGISTRY_NOT_FOUND', 'version']);
    const never = await t.app.inject({ method: 'POST', url: '/admin/models/rollback', headers, payload: { alias: 'canary' } });
    assert.equal(never.statusCode, 404);
    assert.deepEqual([json(never).code, json(never).field], ['REGISTRY_NOT_FOUND', 'alias']);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/admin/models/promote',
      headers,
      payload: { version: 'v2', alias: 'Big' },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(json(bad).code, 'REQUEST_INVALID');
    const removeAlias = (payload: unknown) =>
      t.app.inject({ method: 'POST', url: '/admin/models/remove-alias', headers, payload: payload as Record<string, unknown> });
    for (const payload of [{ alias: '../x' }, {}, { alias: 'shadow', extra: 1 }]) {
      const refused = await removeAlias(payload);
      assert.equal(refused.statusCode, 400, JSON.stringify(payload));
      assert.equal(json(refused).code, 'REQUEST_INVALID', JSON.stringify(payload));
    }
    const gone = await removeAlias({ alias: 'shadow' });
    assert.equal(gone.statusCode, 404);
    assert.deepEqual([json(gone).code, json(gone).field], ['REGISTRY_NOT_FOUND', 'alias']);
    const anonymous = await t.app.inject({ method: 'GET', url: '/admin/models' });
    assert.equal(anonymous.statusCode, 401);
  });

  it('POST /admin/reload re-applies the champion instead of reading MODEL_PATH', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/admin/reload', headers });
    assert.equal(res.statusCode, 200);
    conforms(contract.ReloadResponse, res.body);
    assert.equal(json<{ reloaded: boolean }>(res).reloaded, false, 'the champion is already served');
  });

  it('promotes a non-champion alias as a challenger: one the champion cannot feed is refused, the champion untouched', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/admin/models/promote',
      headers,
      payload: { version: 'v2', alias: 'challenger' },
    });
    assert.equal(res.statusCode, 200);
    conforms(contract.RegistryChangeResponse, res.body);
    const body = json<contract.RegistryChangeResponse>(res);
    assert.deepEqual(
      [body.applied, body.served.version, body.change.by, body.change.alias],
      [false, 'v1', 'admin', 'challenger'],
    );
    // v2 takes precomputed features; the champion's requests carry raw transactions.
    assert.equal(body.served.challengers_refusal?.code, 'CHALLENGER_INCOMPATIBLE');
    assert.deepEqual(body.served.challengers, []);
    const removeAlias = (alias: string) =>
      t.app.inject({ method: 'POST', url: '/admin/models/remove-alias', headers, payload: { alias } });
    const removed = await removeAlias('challenger');
    assert.equal(removed.statusCode, 200, removed.body);
    conforms(contract.RegistryChangeResponse, removed.body);
    const after = json<contract.RegistryChangeResponse>(removed);
    assert.deepEqual([after.applied, after.change.action, after.served.challengers_refusal], [true, 'remove-alias', null]);
    const champion = await removeAlias('champion');
    assert.equal(champion.statusCode, 409, champion.body);
    assert.equal(json<{ code: string }>(champion).code, 'REGISTRY_CONFLICT');
  });

  it('refuses a corrupt champion, keeps serving, shows it, and clears it on rollback', async () => {
    const before = json<{ version: string }>(await t.app.inject({ method: 'GET', url: '/model' })).version;
    await writeFile((await registry.resolve({ version: 'v2' })).modelPath, '{"format": "fraudlens-model", "trees": [');
    const res = await t.app.inject({ method: 'POST', url: '/admin/models/promote', headers, payload: { version: 'v2' } });
    assert.equal(res.statusCode, 200);
    conforms(contract.RegistryChangeResponse, res.body);
    const body = json<{ applied: boolean; served: { version: string; refused: number; last_refusal: { code: string } } }>(res);
    assert.equal(body.applied, false);
    assert.equal(body.served.version, 'v1');
    assert.equal(body.served.refused, 1);
    assert.equal(body.served.last_refusal.code, 'MODEL_INVALID');
    assert.equal(json<{ version: string }>(await t.app.inject({ method: 'GET', url: '/model' })).version, before);
    const health = json<{ components: Record<string, { status: string }> }>(
      await t.app.inject({ method: 'GET', url: '/health' }),
    );
    assert.equal(health.components.model_registry.status, 'degraded');
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /fraudlens_registry_swaps_total\{result="refused"\} 1/);

    const back = await t.app.inject({ method: 'POST', url: '/admin/models/rollback', headers, payload: {} });
    assert.equal(back.statusCode, 200);
    assert.equal(json<{ applied: boolean }>(back).applied, true);
    const healed = json<{ components: Record<string, { status: string }> }>(
      await t.app.inject({ method: 'GET', url: '/health' }),
    );
    assert.equal(healed.components.model_registry.status, 'ok');
  });

  it('refuses a stored file that is not what the index recorded (SHA-256)', async () => {
    // A valid model, but not the file the index recorded for this version.
    await writeFile((await registry.resolve({ version: 'same-bytes' })).modelPath, await readFile(DEMO_MODEL));
    const res = await t.app.inject({ method: 'POST', url: '/admin/models/promote', headers, payload: { version: 'same-bytes' } });
    const body = json<{ applied: boolean; served: { version: string; last_refusal: { code: string } } }>(res);
    assert.deepEqual([body.applied, body.served.version, body.served.last_refusal.code], [false, 'v1', 'REGISTRY_INVALID']);
  });
});
