/**
 * `fraudlens state load` as a user runs it: the fixture history replayed into a private
 * redis-server, where a Redis entity store then continues every entity exactly as the in-process
 * store that saw the same history; refusals (Redis unreachable, unsorted history) by code.
 */

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { parse as parseYaml } from 'yaml';

import { validateDefinitions } from '../../src/core/features/definitions.js';
import { CellEventReader } from '../../src/core/features/event-reader.js';
import { FeatureEngine } from '../../src/core/features/engine.js';
import { compilePlan, newEventRecord } from '../../src/core/features/plan.js';
import { MemoryStateStore } from '../../src/core/features/state-store.js';
import { RedisEntityStateStore } from '../../src/storage/index.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { freePort, startRedisServer, waitUntil, type RedisTestServer } from '../helpers/redis-server.js';

const DEFS = join(REPO_ROOT, 'fixtures', 'features', 'definitions.yaml');
const RAW = join(REPO_ROOT, 'fixtures', 'features', 'raw.csv');

/** The fixture's rows as cells (no quoted line breaks in it), header first. */
function csvCells(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) =>
      [...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"')).slice(0, -1),
    );
}

let server: RedisTestServer;
let dir: string;

before(async () => {
  server = await startRedisServer();
  dir = await mkdtemp(join(tmpdir(), 'fraudlens-state-load-'));
});

after(async () => {
  await server.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('fraudlens state load', () => {
  it('writes every entity of the history to Redis, where the Redis store continues it like the in-process store', async () => {
    const result = await runCli([
      'state',
      'load',
      '--defs',
      DEFS,
      '--data',
      RAW,
      '--redis',
      server.url,
      '--key-prefix',
      'warm:',
      '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as {
      events: number;
      entities: Record<string, number>;
      written: number;
      namespace: string;
    };
    assert.equal(summary.events, 1292);

    const defs = validateDefinitions(parseYaml(readFileSync(DEFS, 'utf8')));
    const plan = compilePlan(defs);
    const reference = new MemoryStateStore(plan);
    const engine = new FeatureEngine(plan, reference);
    const [header, ...rows] = csvCells(readFileSync(RAW, 'utf8'));
    const reader = new CellEventReader(plan, header, engine.clock);
    const record = newEventRecord(plan);
    const out = new Float64Array(plan.names.length);
    rows.forEach((cells, i) => {
      reader.read(cells, i + 1, record);
      reference.readThenAdd(record, out);
    });
    assert.deepEqual(summary.entities, Object.fromEntries(plan.groups.map((g, i) => [g.name, reference.entityCounts()[i]])));
    assert.equal(
      summary.written,
      reference.entityCounts().reduce((a, b) => a + b, 0),
    );

    const store = new RedisEntityStateStore(plan, { url: server.url, keyPrefix: 'warm:' });
    try {
      await waitUntil(() => store.stats().connected, { message: 'store did not connect' });
      assert.equal(store.namespace, summary.namespace);
      assert.deepEqual(await store.entityCounts(), reference.entityCounts());
      // The last 50 events of the history again, a day later and under new ids: both stores must agree.
      const expected = new Float64Array(plan.names.length);
      for (const [i, cells] of rows.slice(-50).entries()) {
        reader.read(cells, i + 1, record);
        record.time += 86_400;
        record.id = `later-${i}`;
        reference.readThenAdd(record, expected);
        assert.equal(await store.readThenAdd(record, out), 'added');
        for (let f = 0; f < plan.names.length; f++) {
          if (Number.isNaN(expected[f])) assert.ok(Number.isNaN(out[f]), plan.names[f]);
          else
            assert.ok(
              Math.abs(out[f] - expected[f]) <= 1e-9 * Math.abs(expected[f]),
              `${plan.names[f]}: ${out[f]} vs ${expected[f]}`,
            );
        }
      }
    } finally {
      await store.close();
    }
  });

  it('without --redis, replays and counts only', async () => {
    const result = await runCli(['state', 'load', '--defs', DEFS, '--data', RAW]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^replayed 1292 events in [\d.]+ s \(\d+ events\/s\); entities: \d+ card, \d+ merchant, /);
  });

  it('with --sort, warms from a shuffled history exactly as from the sorted one', async () => {
    const [header, ...rows] = readFileSync(RAW, 'utf8').trim().split('\n');
    // Reversed, then every third row moved to the front: far from time order, ties included.
    const reversed = rows.reverse();
    const shuffledRows = [...reversed.filter((_, i) => i % 3 === 0), ...reversed.filter((_, i) => i % 3 !== 0)];
    const shuffled = join(dir, 'shuffled.csv');
    writeFileSync(shuffled, [header, ...shuffledRows].join('\n') + '\n');
    const load = async (data: string, prefix: string, extra: string[]): Promise<{ events: number; namespace: string }> => {
      const r = await runCli([
        'state',
        'load',
        '--defs',
        DEFS,
        '--data',
        data,
        '--redis',
        server.url,
        '--key-prefix',
        prefix,
        '--json',
        ...extra,
      ]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as { events: number; namespace: string };
    };
    const sorted = await load(RAW, 'sorted:', []);
    const fromShuffled = await load(shuffled, 'shuffled:', ['--sort']);
    assert.equal(fromShuffled.events, sorted.events);
    const plan = compilePlan(validateDefinitions(parseYaml(readFileSync(DEFS, 'utf8'))));
    // A generous timeout: a read past it falls back to an empty state, and this test is about the data.
    const a = new RedisEntityStateStore(plan, { url: server.url, keyPrefix: 'sorted:', commandTimeoutMs: 30_000 });
    const b = new RedisEntityStateStore(plan, { url: server.url, keyPrefix: 'shuffled:', commandTimeoutMs: 30_000 });
    try {
      await waitUntil(() => a.stats().connected && b.stats().connected, { message: 'stores did not connect' });
      assert.deepEqual(await b.entityCounts(), await a.entityCounts());
      // Every row's entities read a minute after the history: the same aggregations (ties, which
      // the shuffle may swap, never see each other; sums may round apart by the tolerance).
      const [head, ...cells] = csvCells(readFileSync(RAW, 'utf8'));
      const reader = new CellEventReader(plan, head, new FeatureEngine(plan, new MemoryStateStore(plan)).clock);
      const record = newEventRecord(plan);
      const fromA = new Float64Array(plan.names.length);
      const fromB = new Float64Array(plan.names.length);
      const end = Math.max(...cells.map((row) => Number(row[head.indexOf('unix_time')])));
      for (const [i, row] of cells.entries()) {
        reader.read(row, i + 1, record);
        record.time = end + 60;
        await a.read(record, fromA);
        await b.read(record, fromB);
        for (let f = 0; f < plan.names.length; f++) {
          if (Number.isNaN(fromA[f])) assert.ok(Number.isNaN(fromB[f]), plan.names[f]);
          else
            assert.ok(Math.abs(fromB[f] - fromA[f]) <= 1e-9 * Math.abs(fromA[f]), `${plan.names[f]}: ${fromB[f]} vs ${fromA[f]}`);
        }
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses an unreachable Redis and an unsorted history, by code', async () => {
    const down = await runCli([
      'state',
      'load',
      '--defs',
      DEFS,
      '--data',
      RAW,
      '--redis',
      `redis://127.0.0.1:${await freePort()}`,
    ]);
    assert.notEqual(down.code, 0);
    assert.match(down.stderr, /STORAGE_UNAVAILABLE/);
    const lines = readFileSync(RAW, 'utf8').trim().split('\n');
    const unsorted = join(dir, 'unsorted.csv');
    writeFileSync(unsorted, [lines[0], lines[2], lines[1], ...lines.slice(3)].join('\n') + '\n');
    const refused = await runCli(['state', 'load', '--defs', DEFS, '--data', unsorted]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /INPUT_NOT_SORTED/);
    assert.match(refused.stderr, /--sort/, 'the refusal names the way out');
  });
});
