/**
 * `npm run bench -- labels [--rows N]`: `fraudlens labels import` of N labels (default 1,000,000)
 * from a CSV file into PostgreSQL (the machine's server, a database of its own), the whole path:
 * reading and checking the file, chunks written by COPY (as the CLI does with --database-url). The goal is at least 50,000 labels/s.
 * Also reports the CPU time of this process and of the PostgreSQL backends serving the bench's own
 * database (from /proc, the server being on this machine), since other work on the host moves the
 * wall time.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import { DATABASE_CHUNK, SINK_DEPTH, importLabels, openPostgresLabels } from '../src/cli/commands/labels.js';
import { testDatabaseUrl } from '../test/helpers/postgres.js';
import { cpuSeconds } from './process.js';
import type { Section } from './run.js';

const DEFAULT_ROWS = 1_000_000;
const BATCH = DATABASE_CHUNK;

/** CPU seconds so far of each PostgreSQL backend connected to `url`'s database (only the bench uses it). */
async function backendCpu(url: string): Promise<Map<number, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    const out = new Map<number, number>();
    for (const { pid } of rows) {
      try {
        out.set(pid, cpuSeconds(pid));
      } catch {
        // Ended meanwhile, or on another machine: not counted.
      }
    }
    return out;
  } finally {
    await client.end();
  }
}

async function writeFile(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('transaction_id,label,source,known_at\n');
  const t0 = Date.UTC(2024, 0, 1);
  for (let i = 0; i < rows; i++) {
    const line = `tx-${i},${i % 50 === 0 ? 'fraud' : 'legitimate'},chargeback,${new Date(t0 + i * 1000).toISOString()}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export const section: Section = {
  name: 'labels',
  async run() {
    const args = process.argv.slice(2);
    const at = args.indexOf('--rows');
    const rows = at >= 0 ? Number(args[at + 1]) : DEFAULT_ROWS;
    const dir = await mkdtemp(join(tmpdir(), 'fraudlens-labels-bench-'));
    const file = join(dir, 'chargebacks.csv');
    const url = await testDatabaseUrl('fraudlens_labels_bench');
    const schema = `bench_${process.pid}`;
    try {
      await writeFile(file, rows);
      const { store, close } = await openPostgresLabels(url, schema);
      const load = loadavg()[0];
      const cpu0 = process.cpuUsage();
      const db0 = await backendCpu(url);
      let summary;
      let dbCpu = 0;
      try {
        summary = await importLabels({
          data: file,
          sink: (l) => store.importChunk(l),
          defaultLabel: 'fraud',
          defaultSource: 'chargeback',
          batchSize: BATCH,
          depth: SINK_DEPTH,
          labelledBy: 'bench',
          onRejected: () => undefined,
        });
        for (const [pid, seconds] of await backendCpu(url)) dbCpu += seconds - (db0.get(pid) ?? 0);
      } finally {
        await close();
      }
      const cpu = process.cpuUsage(cpu0);
      return {
        date: new Date().toISOString(),
        rows,
        batch: BATCH,
        accepted: summary.accepted,
        rejected: summary.rejected,
        elapsed_s: Number(summary.elapsed_s.toFixed(2)),
        labels_per_s: Math.round(summary.labels_per_s),
        client_cpu_s: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
        database_cpu_s: Number(dbCpu.toFixed(2)),
        load_average_1m: Number(load.toFixed(2)),
        goal_labels_per_s: 50_000,
      };
    } finally {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await client.end();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
