/**
 * A registry's aliases besides the champion are its challengers: read at start, scored in the
 * shadow (or deciding the canary share), followed while serving (a new alias scores from the next
 * transaction, a removed one no longer, unchanged ones stay loaded), a lineup that does not load
 * or fit refused with the challengers in force scoring on, a champion checked against the lineup
 * that comes with it, FRAUDLENS_CHALLENGERS refused beside FRAUDLENS_REGISTRY, and a canary naming
 * no alias refused at start.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';

import type { DecisionsResponse, Prediction, RegistryChangeResponse } from '../../src/contract/index.js';
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
const ULB = join(REPO_ROOT, 'fixtures', 'xgboost', 'ulb_subset_d3_t10.model.json');
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

  /** Scores `count` new transactions and returns the sorted shadow aliases of each record, by the model that decided. */
  const shadowsOfNew = async (tag: string, count: number): Promise<{ decider: string; others: string[] }[]> => {
    for (let k = 0; k < count; k++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/predict',
        payload: { ...transaction(k), trans_num: `${tag}-${k}` },
        headers: { 'x-api-key': KEY },
      });
      assert.equal(res.statusCode, 200, res.body);
    }
    await nextTurn();
    const page = json<DecisionsResponse>(await t.app.inject({ url: `/decisions?limit=${count}`, headers: { 'x-api-key': KEY } }));
    assert.equal(page.decisions.length, count);
    for (const r of page.decisions) assert.ok(r.transaction_id!.startsWith(`${tag}-`), r.transaction_id!);
    return page.decisions.map((r) => ({ decider: r.model_alias!, others: r.shadow!.map((x) => x.alias).sort() }));
  };
  const health = async (): Promise<{ status: string; detail: string }> =>
    json<{ components: Record<string, { status: string; detail: string }> }>(
      await t.app.inject({ url: '/health', headers: { 'x-api-key': KEY } }),
    ).components.model_registry;
  const change = async (url: string, payload: Record<string, string>): Promise<RegistryChangeResponse> =>
    json<RegistryChangeResponse>(await t.app.inject({ method: 'POST', url, payload, headers: { 'x-api-key': KEY } }));
  const promote = (version: string, alias: string) => change('/admin/models/promote', { version, alias });
  const removeAlias = (alias: string) => change('/admin/models/remove-alias', { alias });
  const swaps = async (result: string): Promise<number> => {
    const text = (await t.app.inject({ url: '/metrics', headers: { 'x-api-key': KEY } })).body;
    const line = text.split('\n').find((l) => l.startsWith(`fraudlens_registry_swaps_total{result="${result}"}`));
    assert.ok(line !== undefined, `no swaps counter for ${result}`);
    return Number(line.split(' ')[1]);
  };

  it('follows its challenger aliases while serving: new ones score from the next transaction, removed ones no longer, unchanged ones stay loaded', async () => {
    const deepBefore = t.app.fraudlens.challengers.current.challengers.find((c) => c.alias === 'deep')!.model;
    await registry.add({ modelPath: DEMO, by: 'test', version: 'demo-again' });
    const added = await promote('demo-again', 'again');
    assert.equal(added.applied, true);
    assert.deepEqual(added.served.challengers, [
      { alias: 'again', version: 'demo-again' },
      { alias: 'deep', version: 'deep-1' },
      { alias: 'shallow', version: 'shallow-1' },
    ]);
    const removed = await removeAlias('shallow');
    assert.equal(removed.applied, true, JSON.stringify(removed));
    assert.deepEqual(
      removed.served.challengers.map((c) => c.alias),
      ['again', 'deep'],
    );
    const lineup = t.app.fraudlens.challengers.current;
    assert.deepEqual(
      lineup.challengers.map((c) => c.alias),
      ['again', 'deep'],
    );
    assert.equal(lineup.challengers[1].model, deepBefore, 'an unchanged challenger is kept as loaded');
    assert.equal(lineup.canary?.challenger.alias, 'deep');
    for (const r of await shadowsOfNew('follow', N))
      assert.deepEqual(r.others, r.decider === 'deep' ? ['again', 'champion'] : ['again', 'deep']);
    assert.equal(await swaps('challengers'), 2);
    const info = (await t.app.inject({ url: '/metrics', headers: { 'x-api-key': KEY } })).body
      .split('\n')
      .filter((l) => l.startsWith('fraudlens_challenger_info{'))
      .map((l) => /alias="([^"]+)",version="([^"]+)"/.exec(l)!.slice(1).join('='));
    assert.deepEqual(info.sort(), [`again=${lineup.challengers[0].model.version}`, `deep=${deepBefore.version}`]);
    const h = await health();
    assert.equal(h.status, 'ok');
    assert.match(h.detail, /challengers again=demo-again, deep=deep-1/);
  });

  it('refuses a lineup that drops the canary alias or that the champion does not feed; the challengers in force score on', async () => {
    const inForce = t.app.fraudlens.challengers.current;
    const dropped = await removeAlias('deep');
    assert.equal(dropped.applied, false);
    assert.equal(dropped.served.challengers_refusal?.code, 'CONFIG_INVALID');
    assert.match(dropped.served.challengers_refusal!.message, /FRAUDLENS_CANARY names "deep"/);
    assert.equal(t.app.fraudlens.challengers.current, inForce);
    let h = await health();
    assert.equal(h.status, 'degraded');
    assert.match(
      h.detail,
      /registry challengers again=demo-again refused \(CONFIG_INVALID.*scoring again=demo-again, deep=deep-1/,
    );
    for (const r of await shadowsOfNew('refused', 8))
      assert.deepEqual(r.others, r.decider === 'deep' ? ['again', 'champion'] : ['again', 'deep']);

    // Back to the lineup in force: nothing is refused, and nothing is loaded again.
    const back = await promote('deep-1', 'deep');
    assert.equal(back.applied, true);
    assert.equal(back.served.challengers_refusal, null);
    assert.equal(t.app.fraudlens.challengers.current, inForce);
    assert.equal((await health()).status, 'ok');

    // A model of precomputed features cannot score what this champion's requests carry.
    await registry.add({ modelPath: ULB, by: 'test', version: 'ulb-1' });
    const misfit = await promote('ulb-1', 'ulb');
    assert.equal(misfit.applied, false);
    assert.equal(misfit.served.challengers_refusal?.code, 'CHALLENGER_INCOMPATIBLE');
    assert.match(misfit.served.challengers_refusal!.message, /^field "FRAUDLENS_REGISTRY": challenger "ulb"/);
    assert.equal(t.app.fraudlens.challengers.current, inForce);
    h = await health();
    assert.equal(h.status, 'degraded');
    assert.equal(await swaps('challengers_refused'), 2);
    const cleared = await removeAlias('ulb');
    assert.equal(cleared.applied, true);
    assert.equal((await health()).status, 'ok');
  });

  it('refuses FRAUDLENS_CHALLENGERS beside FRAUDLENS_REGISTRY; challengers it cannot score at start leave the champion serving', async () => {
    assert.throws(
      () => configFromValues({ ...values, FRAUDLENS_CHALLENGERS: `deep=${DEEP}` }),
      (e: unknown) => e instanceof FraudlensError && e.code === 'CONFIG_INVALID' && e.location.field === 'FRAUDLENS_CHALLENGERS',
    );
    // A replica started while the registry's aliases do not fit its canary serves the champion alone.
    const unknown = { ...values, FRAUDLENS_CANARY: 'nobody:0.1' };
    const other = (await makeApp(unknown, await readRegistryChampion(configFromValues(unknown)))).app;
    try {
      assert.equal(other.fraudlens.challengers.current.challengers.length, 0);
      const served = other.fraudlens.registry!.report();
      assert.deepEqual(served.challengers, []);
      assert.equal(served.challengers_refusal?.code, 'CONFIG_INVALID');
      assert.match(served.challengers_refusal!.message, /^field "FRAUDLENS_CANARY": FRAUDLENS_CANARY names "nobody"/);
      const res = await other.inject({
        method: 'POST',
        url: '/predict',
        payload: { ...transaction(0), trans_num: 'alone-0' },
        headers: { 'x-api-key': KEY },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(json<Prediction>(res).model_alias, undefined);
      const health = json<{ components: Record<string, { status: string; detail: string }> }>(
        await other.inject({ url: '/health', headers: { 'x-api-key': KEY } }),
      ).components.model_registry;
      assert.equal(health.status, 'degraded');
      assert.match(health.detail, /refused \(CONFIG_INVALID.*scoring none$/);
    } finally {
      await other.close();
    }
  });
});

describe('a champion and challengers changed together in the registry', () => {
  it('checks the new champion against the challengers that come with it, then puts both in force', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fraudlens-registry-together-'));
    try {
      const registry = new DirectoryModelRegistry(join(dir, 'registry'));
      await registry.add({ modelPath: DEMO, alias: 'champion', by: 'setup', version: 'demo' });
      await registry.add({ modelPath: SHALLOW, alias: 'shallow', by: 'setup', version: 'shallow-1' });
      const values = { MODEL_PATH: '', FRAUDLENS_REGISTRY: registry.location, FRAUDLENS_REGISTRY_POLL_MS: '3600000' };
      const app = (await makeApp(values, await readRegistryChampion(configFromValues(values)))).app;
      try {
        // Seen by one sync, as a poll sees what several changes left: a champion of precomputed
        // features, which could not feed "shallow", and "shallow" gone.
        await registry.add({ modelPath: ULB, alias: 'champion', by: 'test', version: 'ulb-1' });
        await registry.removeAlias('shallow', 'test');
        const outcome = await app.fraudlens.registry!.sync();
        assert.deepEqual(outcome, { swapped: true, applied: true, challengersApplied: true });
        assert.equal(app.fraudlens.models.current.sha256, (await registry.resolve({ alias: 'champion' })).entry.sha256);
        assert.equal(app.fraudlens.challengers.current.challengers.length, 0);
        // Without challengers the records are appended at once, with no model alias.
        const res = await app.inject({ method: 'POST', url: '/predict', payload: { V14: -3.2 } });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(json<Prediction>(res).model_alias, undefined);
      } finally {
        await app.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses more challengers than one server scores, and a stored file that is not what the index recorded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fraudlens-registry-refusals-'));
    try {
      const registry = new DirectoryModelRegistry(join(dir, 'registry'));
      await registry.add({ modelPath: DEMO, alias: 'champion', by: 'setup', version: 'demo' });
      const values = { MODEL_PATH: '', FRAUDLENS_REGISTRY: registry.location, FRAUDLENS_REGISTRY_POLL_MS: '3600000' };
      const app = (await makeApp(values, await readRegistryChampion(configFromValues(values)))).app;
      try {
        const follower = app.fraudlens.registry!;
        for (const alias of ['a1', 'a2', 'a3', 'a4', 'a5'])
          await registry.add({ modelPath: SHALLOW, alias, by: 'test', version: `shallow-${alias}` });
        // A server starting now serves the champion alone and says why.
        const second = (await makeApp(values, await readRegistryChampion(configFromValues(values)))).app;
        try {
          assert.equal(second.fraudlens.registry!.report().challengers_refusal?.code, 'CONFIG_INVALID');
          assert.equal(second.fraudlens.challengers.current.challengers.length, 0);
        } finally {
          await second.close();
        }
        assert.equal((await follower.sync()).challengersApplied, false);
        let refusal = follower.report().challengers_refusal!;
        assert.equal(refusal.code, 'CONFIG_INVALID');
        assert.match(refusal.message, /^field "FRAUDLENS_REGISTRY": .*names 5 aliases besides "champion".*at most 4/);
        assert.equal(app.fraudlens.challengers.current.challengers.length, 0);

        // Four left, one of them a valid model but not the file the index recorded.
        await registry.removeAlias('a5', 'test');
        const a4 = await registry.resolve({ alias: 'a4' });
        await writeFile(a4.modelPath, readFileSync(DEEP));
        assert.equal((await follower.sync()).challengersApplied, false);
        refusal = follower.report().challengers_refusal!;
        assert.equal(refusal.code, 'REGISTRY_INVALID');
        assert.match(refusal.message, /challenger "a4" \(shallow-a4\): the stored model file has SHA-256/);
        assert.equal(app.fraudlens.challengers.current.challengers.length, 0);

        await registry.removeAlias('a4', 'test');
        assert.equal((await follower.sync()).challengersApplied, true);
        assert.deepEqual(
          app.fraudlens.challengers.current.challengers.map((c) => c.alias),
          ['a1', 'a2', 'a3'],
        );
        assert.equal(follower.report().challengers_refusal, null);
      } finally {
        await app.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
