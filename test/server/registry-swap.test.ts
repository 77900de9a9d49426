/**
 * The test that matters for the model registry: a real server (startServer on port 0) serving the
 * registry's champion under concurrent /predict load (32 clients looping over a socket for a few
 * seconds), during which the champion is promoted and rolled back twice: once through the admin
 * routes, once by the CLI writing the registry directory while the server polls it. No request
 * may fail, responses must switch to the new model's version and back (each request started
 * after a change took effect carries the new version), the rules stored beside the promoted
 * model come and go with it, and the history records all four changes with who made them.
 * The two models are real: the demo model and one trained here by `fraudlens train` with the
 * same feature definitions (5 trees), so both take the same raw transactions.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { configFromValues } from '../../src/server/config.js';
import { readRegistryChampion } from '../../src/server/registry-follower.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { DirectoryModelRegistry, type RegistryChange } from '../../src/storage/index.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/paths.js';

const KEY = 'registry-swap-admin-key-0123456789';
const DEMO_MODEL = join(REPO_ROOT, 'models', 'demo', 'model.json');
/** A raw transaction of the demo model's shape; each client request changes its id, card, time and amount. */
const DEMO_TRANSACTION = JSON.parse(readFileSync(join(REPO_ROOT, 'bench', 'demo-request.json'), 'utf8')) as Record<
  string,
  unknown
>;
/** Concurrent clients, as the issue asks. */
const CLIENTS = 32;
/** Load runs this long after the last change, so requests on the final model are seen. */
const SETTLE_MS = 400;
/** Registry poll of the server under test: short, so the CLI's change shows within the test. */
const POLL_MS = 100;
/** Longest wait for the server to pick a CLI change up (many polls, on a loaded 2-core machine). */
const PICKUP_LIMIT_MS = 10_000;
/** Pause between changes, so each model serves a good number of requests. */
const PHASE_MS = 600;

interface Sample {
  startedAt: number;
  status: number;
  version: string | null;
}

describe('model registry: promotion and rollback under load', () => {
  let dir: string;
  let registryDir: string;
  let server: RunningServer;
  let demoVersion: string;
  let smallVersion: string;
  const rules = 'version: 1\nrules:\n  - id: review_huge\n    action: review\n    when: amt > 1000000\n    reason: Huge amount\n';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fraudlens-registry-swap-'));
    registryDir = join(dir, 'registry');
    const trained = await runCli([
      'train',
      '--features',
      join(REPO_ROOT, 'defs', 'sparkov.yaml'),
      '--data',
      join(REPO_ROOT, 'data', 'demo', 'transactions.csv.gz'),
      '--label',
      'is_fraud',
      '--valid-fraction',
      '0.2',
      '--split',
      'time',
      '--time-column',
      'unix_time',
      '--seed',
      '0',
      '--trees',
      '5',
      '--name',
      'small',
      '--out',
      join(dir, 'small'),
    ]);
    assert.equal(trained.code, 0, trained.stderr);
    await writeFile(join(dir, 'rules.yaml'), rules);
    const registry = new DirectoryModelRegistry(registryDir);
    demoVersion = (await registry.add({ modelPath: DEMO_MODEL, alias: 'champion', by: 'setup' })).model.model_version;
    smallVersion = (
      await registry.add({ modelPath: join(dir, 'small', 'model.json'), rulesPath: join(dir, 'rules.yaml'), by: 'setup' })
    ).model.model_version;
    assert.notEqual(demoVersion, smallVersion);
    const config = configFromValues({
      LOG_LEVEL: 'silent',
      API_HOST: '127.0.0.1',
      API_PORT: '0',
      API_KEY: KEY,
      FRAUDLENS_REGISTRY: registryDir,
      FRAUDLENS_REGISTRY_POLL_MS: String(POLL_MS),
    });
    await readRegistryChampion(config); // the start path, checked on its own first
    server = await startServer(config, { handleSignals: false });
  });
  after(async () => {
    await server?.shutdown('test');
    await rm(dir, { recursive: true, force: true });
  });

  const admin = async (path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${server.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-api-key': KEY, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    assert.equal(res.status, 200, `${path}: ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };

  const servedRegistryVersion = async (): Promise<string> => ((await admin('/model')).registry as { version: string }).version;

  it('switches models with zero failed requests, and records both changes of each kind', async (t) => {
    assert.equal(await servedRegistryVersion(), 'v1');
    const samples: Sample[] = [];
    let running = true;
    let sequence = 0;
    const t0 = Date.UTC(2020, 5, 21) / 1000;
    const client = async (c: number): Promise<void> => {
      while (running) {
        const n = sequence++;
        const body = {
          ...DEMO_TRANSACTION,
          trans_num: `load-${c}-${n}`,
          unix_time: t0 + n,
          cc_num: `40977656375633${String(c).padStart(2, '0')}`,
          amt: 20 + (n % 200),
        };
        const startedAt = performance.now();
        try {
          const res = await fetch(`${server.url}/predict`, {
            method: 'POST',
            headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          const answer = (await res.json()) as { model_version?: string };
          samples.push({ startedAt, status: res.status, version: answer.model_version ?? null });
        } catch {
          samples.push({ startedAt, status: 0, version: null });
        }
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));

    /** performance.now() at which each change was asked for, and at which it was known to be in force. */
    const inForce: { asked: number; at: number; version: string }[] = [];
    let asked: number;
    const waitFor = async (version: string): Promise<void> => {
      const deadline = performance.now() + PICKUP_LIMIT_MS;
      while ((await servedRegistryVersion()) !== version) {
        assert.ok(performance.now() < deadline, `the server did not pick ${version} up within ${PICKUP_LIMIT_MS} ms`);
        await sleep(POLL_MS / 4);
      }
    };

    await sleep(PHASE_MS);
    asked = performance.now();
    const promoted = await admin('/admin/models/promote', { version: 'v2' });
    assert.equal(promoted.applied, true);
    inForce.push({ asked, at: performance.now(), version: smallVersion });
    // The rules stored beside v2 came with it.
    assert.match(((await admin('/rules')) as { version: string }).version, /^rules-/);

    await sleep(PHASE_MS);
    asked = performance.now();
    const rolledBack = await admin('/admin/models/rollback', {});
    assert.equal(rolledBack.applied, true);
    assert.equal((rolledBack.change as RegistryChange).to_version, 'v1');
    inForce.push({ asked, at: performance.now(), version: demoVersion });
    assert.equal(((await admin('/rules')) as { configured: boolean }).configured, false, 'v1 has no rules');

    await sleep(PHASE_MS);
    asked = performance.now();
    const cliPromote = await runCli(['models', 'promote', 'v2', '--registry', registryDir, '--by', 'cli-user']);
    assert.equal(cliPromote.code, 0, cliPromote.stderr);
    const written: number[] = [performance.now()];
    await waitFor('v2');
    inForce.push({ asked, at: performance.now(), version: smallVersion });

    await sleep(PHASE_MS);
    asked = performance.now();
    const cliRollback = await runCli(['models', 'rollback', '--registry', registryDir, '--by', 'cli-user']);
    assert.equal(cliRollback.code, 0, cliRollback.stderr);
    written.push(performance.now());
    await waitFor('v1');
    inForce.push({ asked, at: performance.now(), version: demoVersion });

    await sleep(SETTLE_MS);
    running = false;
    await load;

    const cli = inForce.slice(2).map((p) => Math.round(p.at - p.asked));
    const pickups = inForce.slice(2).map((p, i) => Math.round(p.at - written[i]));
    t.diagnostic(
      `${samples.length} requests from ${CLIENTS} clients; CLI change to in force: ${cli.join(', ')} ms with the CLI process, ${pickups.join(', ')} ms after it exited (poll ${POLL_MS} ms)`,
    );
    const failed = samples.filter((s) => s.status !== 200);
    assert.equal(
      failed.length,
      0,
      `${failed.length} of ${samples.length} requests failed: ${JSON.stringify(failed.slice(0, 3))}`,
    );
    assert.ok(samples.length > CLIENTS * 10, `only ${samples.length} requests ran`);
    // Every request started after a change was in force (and before the next was asked for) carries its model.
    for (let i = 0; i < inForce.length; i++) {
      const from = inForce[i].at;
      const to = inForce[i + 1]?.asked ?? Infinity;
      const phase = samples.filter((s) => s.startedAt > from && s.startedAt < to);
      assert.ok(phase.length > 0, `no request ran in phase ${i + 1}`);
      const wrong = phase.filter((s) => s.version !== inForce[i].version);
      assert.equal(wrong.length, 0, `phase ${i + 1}: ${wrong.length} of ${phase.length} requests not on ${inForce[i].version}`);
    }
    // Before the first change, the demo model answered.
    assert.ok(samples.some((s) => s.startedAt < inForce[0].asked && s.version === demoVersion));

    const history = (await admin('/admin/models/history')).changes as RegistryChange[];
    assert.deepEqual(
      history.map((c) => [c.action, c.alias, c.from_version, c.to_version, c.by]),
      [
        ['add', 'champion', null, 'v1', 'setup'],
        ['add', null, null, 'v2', 'setup'],
        ['promote', 'champion', 'v1', 'v2', 'admin'],
        ['rollback', 'champion', 'v2', 'v1', 'admin'],
        ['promote', 'champion', 'v1', 'v2', 'cli-user'],
        ['rollback', 'champion', 'v2', 'v1', 'cli-user'],
      ],
    );
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /fraudlens_registry_swaps_total\{result="success"\} 4/);
    assert.match(metrics, /fraudlens_registry_swaps_total\{result="refused"\} 0/);
  });
});
