/**
 * The COPY path of a file import (`PostgresLabelStore.importChunk`, chunks of a few rows so that
 * duplicates and ties fall within a chunk and across chunks) against the row path (`add`, other
 * batch sizes) on the same file: the same history in the same order, the same current label per
 * id, the same counts and the same rejected lines. The file holds repeated ids, known_at out of
 * order, ties, labels before and after their decision, and notes that need COPY's escapes.
 */

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import pg from 'pg';

import {
  SINK_DEPTH,
  importLabels,
  openPostgresLabels,
  type ImportSummary,
  type RejectedRow,
} from '../../../src/cli/commands/labels.js';
import type { LabelsAccepted, NewLabel } from '../../../src/storage/index.js';
import { dropSchemas, testDatabaseUrl } from '../../helpers/postgres.js';

const PREFIX = `lc${process.pid}_`;
const FILE = [
  'transaction_id,label,source,known_at,note',
  'tx-1,fraud,chargeback,2024-03-05T10:00:00Z,late chargeback',
  'tx-2,legitimate,analyst,2024-03-01T10:00:00Z,',
  'tx-1,legitimate,analyst,2024-03-01T10:00:00Z,older: does not take over',
  'tx-3,fraud,chargeback,2024-03-02T10:00:00Z,"tab\there, backslash \\ and ""quotes"""',
  'tx-2,fraud,customer_report,2024-03-01T10:00:00Z,tie: recorded later wins',
  ',fraud,chargeback,2024-03-01T10:00:00Z,no id',
  'tx-4,maybe,chargeback,2024-03-01T10:00:00Z,',
  'tx-3,legitimate,analyst,2024-03-02T10:00:00Z,"tie across chunks,\nover two lines"',
  'tx-5,,,2024-03-01T11:00:00Z,',
  'tx-1,fraud,analyst,2024-03-05T10:00:00Z,tie with the first',
  'tx-6,legitimate,chargeback,2024-02-28T10:00:00Z,',
  'tx-6,fraud,chargeback,2024-02-27T10:00:00Z,older again',
  'tx-2,legitimate,chargeback,2024-03-04T10:00:00Z,',
].join('\n');
/** Ids with a stored decision before the import: the joined counts must agree too. */
const DECIDED = ['tx-1', 'tx-3', 'tx-6'];

let url: string;
let dir: string;
let file: string;
before(async () => {
  url = await testDatabaseUrl('fraudlens_labels_test');
  dir = await mkdtemp(join(tmpdir(), 'fraudlens-copy-import-'));
  file = join(dir, 'chargebacks.csv');
  await writeFile(file, `${FILE}\n`);
});
after(async () => {
  await dropSchemas(url, PREFIX);
  await rm(dir, { recursive: true, force: true });
});

interface Stored {
  summary: Omit<ImportSummary, 'elapsed_s' | 'labels_per_s'>;
  rejected: RejectedRow[];
  /** The history in recording order; recorded_at left out (each import records at its own clock). */
  history: string[][];
  /** The current label per id, with its place in the history. */
  current: string[][];
}

async function importInto(
  schema: string,
  batchSize: number,
  path: (store: {
    add(l: NewLabel[]): Promise<LabelsAccepted>;
    importChunk(l: NewLabel[]): Promise<LabelsAccepted>;
  }) => (l: NewLabel[]) => Promise<LabelsAccepted>,
  depth = 1,
): Promise<Stored> {
  const { store, close } = await openPostgresLabels(url, schema);
  const rejected: RejectedRow[] = [];
  let summary: ImportSummary;
  try {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const [k, id] of DECIDED.entries()) {
        await client.query(
          `INSERT INTO "${schema}".decisions (id, transaction_id, decided_at, model_version, decision, score, record)
           VALUES ($1, $2, now(), 'm1', 'approve', 0.1, '{}')`,
          [`d-${k}`, id],
        );
      }
    } finally {
      await client.end();
    }
    summary = await importLabels({
      data: file,
      sink: path(store),
      defaultLabel: 'fraud',
      defaultSource: 'chargeback',
      batchSize,
      depth,
      labelledBy: 'import',
      onRejected: (r) => rejected.push(r),
    });
  } finally {
    await close();
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const s = `"${schema}"`;
    const history = await client.query<string[]>({
      text: `SELECT transaction_id, label, source, known_at::text, labelled_by, coalesce(note, '<none>') FROM ${s}.labels ORDER BY seq`,
      rowMode: 'array',
    });
    const current = await client.query<string[]>({
      text: `SELECT c.transaction_id, c.label, c.source, c.known_at::text, coalesce(c.note, '<none>'),
               (SELECT count(*) FROM ${s}.labels l WHERE l.seq < c.seq)::text AS place
             FROM ${s}.labels_current c ORDER BY c.transaction_id`,
      rowMode: 'array',
    });
    const { elapsed_s: _elapsed, labels_per_s: _rate, ...counts } = summary;
    return { summary: counts, rejected, history: history.rows, current: current.rows };
  } finally {
    await client.end();
  }
}

describe('labels import by COPY into PostgreSQL', () => {
  it('stores what the row path stores, chunk boundaries anywhere', async () => {
    const rows = await importInto(`${PREFIX}rows`, 2, (store) => (l) => store.add(l));
    // Chunks of 3 and of 1 put the ties and repeated ids within and across chunks; 100 takes the file whole.
    for (const chunk of [1, 3, 100]) {
      const copied = await importInto(`${PREFIX}copy${chunk}`, chunk, (store) => (l) => store.importChunk(l));
      assert.deepEqual(copied, rows, `chunks of ${chunk}`);
    }
    // The CLI's way: the next chunk handed in while the last is written; the store keeps their order.
    for (const chunk of [1, 3]) {
      const copied = await importInto(`${PREFIX}ahead${chunk}`, chunk, (store) => (l) => store.importChunk(l), SINK_DEPTH);
      assert.deepEqual(copied, rows, `chunks of ${chunk}, ${SINK_DEPTH} at once`);
    }
    // And the rule itself, so that both paths agreeing on something wrong would fail too.
    assert.deepEqual(rows.summary, { read: 13, accepted: 11, joined: 7, pending: 4, rejected: 2 });
    assert.deepEqual(
      rows.rejected.map((r) => [r.line, r.field]),
      [
        [7, 'transaction_id'],
        [8, 'label'],
      ],
    );
    const currentOf = (id: string): string[] => rows.current.find((c) => c[0] === id)!;
    assert.equal(currentOf('tx-1')[4], 'tie with the first');
    assert.deepEqual(currentOf('tx-2').slice(1, 3), ['legitimate', 'chargeback']);
    assert.equal(currentOf('tx-3')[4], 'tie across chunks,\nover two lines');
    assert.equal(currentOf('tx-6')[1], 'legitimate');
    assert.equal(rows.history[3][5], 'tab\there, backslash \\ and "quotes"');
  });

  it('stores no chunk handed in behind one that failed, and starts afresh after', async () => {
    const schema = `${PREFIX}failed`;
    const { store, close } = await openPostgresLabels(url, schema);
    const label = (id: string, value: string): NewLabel => ({
      transaction_id: id,
      label: value as NewLabel['label'],
      source: 'chargeback',
      knownAt: Date.UTC(2024, 2, 1),
      recordedAt: Date.UTC(2024, 2, 2),
      labelledBy: 'import',
    });
    try {
      // The history's CHECK refuses the label, so the first chunk fails in the database.
      const failing = store.importChunk([label('tx-bad', 'maybe')]);
      const behind = store.importChunk([label('tx-behind', 'fraud')]);
      await assert.rejects(failing);
      await assert.rejects(behind);
      assert.deepEqual(await store.importChunk([label('tx-after', 'fraud')]), { accepted: 1, joined: 0, pending: 1 });
      assert.equal(await store.history('tx-behind'), undefined);
      assert.equal((await store.history('tx-after'))?.current.label, 'fraud');
    } finally {
      await close();
    }
  });
});
