/**
 * Cost of the entity state per transaction, with the shipped Sparkov definitions (16 aggregations
 * over card, card × category and card × merchant): the in-process store, and the Redis store
 * (one script per transaction) sequentially (one transaction at a time: a round trip plus the
 * rebuild) and concurrently (many transactions in flight, as a busy server has them). Then the
 * speed of `fraudlens state load` on the Sparkov train file into memory and into Redis.
 *
 * The Redis store talks to a private redis-server on a free port (REDIS_URL to use another).
 * Events are read from the file first, so the timings are the store's alone.
 *
 *   npm run bench -- state [--rows 20000] [--load-rows 200000]   (--load-rows 0: the whole file)
 *   node dist/bench/entity-state.js ...                           (the section alone)
 */

import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';

import { CellEventReader } from '../src/core/features/event-reader.js';
import {
  FeatureEngine,
  MemoryStateStore,
  compilePlan,
  newEventRecord,
  type EntityStateStore,
  type EventRecord,
  type FeaturePlan,
} from '../src/core/features/index.js';
import { loadDefinitionsFile } from '../src/io/feature-definitions-file.js';
import { openCsvRows } from '../src/io/csv-source.js';
import { RedisEntityStateStore } from '../src/storage/index.js';
import { startRedisServer } from '../test/helpers/redis-server.js';
import { REPO, SHARED, lastJson, type Section } from './run.js';

const DEFS = join(REPO, 'defs', 'sparkov.yaml');
const DATA = join(SHARED, 'data', 'sparkov_train.csv.gz');
const CONCURRENCY = [16, 64];

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The first `n` events of the file, each in its own record. */
async function readEvents(plan: FeaturePlan, n: number): Promise<EventRecord[]> {
  const csv = await openCsvRows(DATA);
  const reader = new CellEventReader(plan, csv.names, new FeatureEngine(plan, new MemoryStateStore(plan)).clock, DATA);
  const events: EventRecord[] = [];
  try {
    for await (const cells of csv.rows()) {
      const record = newEventRecord(plan);
      reader.read(cells, events.length + 1, record);
      events.push(record);
      if (events.length >= n) break;
    }
  } finally {
    csv.close();
  }
  return events;
}

const percentile = (sorted: Float64Array, p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Sequential: one transaction at a time; per-transaction wall time and this process's CPU time. */
async function sequential(store: EntityStateStore, events: readonly EventRecord[], out: Float64Array) {
  const times = new Float64Array(events.length);
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < events.length; i++) {
    const t0 = process.hrtime.bigint();
    await store.readThenAdd(events[i], out);
    times[i] = Number(process.hrtime.bigint() - t0) / 1e3;
  }
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  times.sort();
  return {
    transactions_per_s: Math.round(events.length / wall),
    mean_us: round((wall * 1e6) / events.length),
    p50_us: round(percentile(times, 0.5)),
    p99_us: round(percentile(times, 0.99)),
    node_cpu_us_per_transaction: round((used.user + used.system) / events.length),
  };
}

/** Concurrent: `inFlight` transactions outstanding at any time (a busy server's requests). */
async function concurrent(store: EntityStateStore, events: readonly EventRecord[], inFlight: number) {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    const out = new Float64Array(256);
    while (next < events.length) await store.readThenAdd(events[next++], out);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return {
    in_flight: inFlight,
    transactions_per_s: Math.round(events.length / wall),
    node_cpu_us_per_transaction: round((used.user + used.system) / events.length),
  };
}

/** The first `rows` data rows of the train file as a CSV (the whole file for 0). */
async function slice(rows: number, dir: string): Promise<string> {
  if (rows === 0) return DATA;
  const path = join(dir, `sparkov_train_${rows}.csv`);
  let lines = -1;
  let rest = '';
  const head = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (lines >= rows) return done();
      const text = rest + chunk.toString('utf8');
      const parts = text.split('\n');
      rest = parts.pop()!;
      const keep: string[] = [];
      for (const line of parts) {
        if (lines >= rows) break;
        keep.push(line);
        lines++;
      }
      done(null, keep.length > 0 ? keep.join('\n') + '\n' : undefined);
    },
  });
  await pipeline(createReadStream(DATA), createGunzip(), head, createWriteStream(path));
  return path;
}

function stateLoad(data: string, redisUrl?: string): Record<string, unknown> {
  const args = [join(REPO, 'bin', 'fraudlens.js'), 'state', 'load', '--defs', DEFS, '--data', data, '--json'];
  if (redisUrl !== undefined) args.push('--redis', redisUrl, '--key-prefix', `bench-load-${process.pid}:`);
  const r = spawnSync('/usr/bin/time', ['-f', 'peak_rss_kb=%M cpu_s=%U+%S', process.execPath, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`state load failed:\n${r.stderr}`);
  const rss = /peak_rss_kb=(\d+) cpu_s=([\d.]+)\+([\d.]+)/.exec(r.stderr);
  return {
    ...lastJson(r.stdout),
    ...(rss ? { peak_rss_mib: Math.round(Number(rss[1]) / 1024), cpu_s: round(Number(rss[2]) + Number(rss[3]), 2) } : {}),
  };
}

export const section: Section = {
  name: 'state',
  async run() {
    const rows = option('--rows', 20_000);
    const loadRows = option('--load-rows', 200_000);
    const plan = compilePlan(await loadDefinitionsFile(DEFS));
    const events = await readEvents(plan, rows);
    const out = new Float64Array(plan.names.length);
    const aggregations = plan.groups.reduce((n, g) => n + g.aggOp.length, 0);

    const memory = await sequential(new MemoryStateStore(plan), events, out);

    const server = process.env.REDIS_URL === undefined ? await startRedisServer() : undefined;
    const url = process.env.REDIS_URL ?? server!.url;
    const dir = await mkdtemp(join(tmpdir(), 'fraudlens-bench-state-'));
    try {
      const redis: Record<string, unknown> = {};
      const fresh = async (name: string): Promise<RedisEntityStateStore> => {
        const store = new RedisEntityStateStore(plan, {
          url,
          keyPrefix: `bench-${process.pid}-${name}:`,
          commandTimeoutMs: 60_000,
        });
        while (!store.stats().connected) await new Promise((r) => setTimeout(r, 10));
        return store;
      };
      const seq = await fresh('sequential');
      redis.sequential = await sequential(seq, events, out);
      await seq.close();
      for (const c of CONCURRENCY) {
        const store = await fresh(`concurrent-${c}`);
        redis[`concurrent_${c}`] = await concurrent(store, events, c);
        if (store.stats().written !== events.length - store.stats().duplicates)
          throw new Error(`concurrent run lost updates: ${JSON.stringify(store.stats())}`);
        await store.close();
      }
      const data = await slice(loadRows, dir);
      const load = { rows: loadRows === 0 ? 'all' : loadRows, memory: stateLoad(data), redis: stateLoad(data, url) };
      return {
        definitions: 'defs/sparkov.yaml',
        aggregations,
        entities: plan.groups.map((g) => g.name),
        transactions: events.length,
        memory,
        redis,
        state_load: load,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
      await server?.dispose();
    }
  },
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  section.run().then(
    (r) => process.stdout.write(`${JSON.stringify({ section: 'state', ...r })}\n`),
    (e: unknown) => {
      process.stderr.write(`bench state: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
