/**
 * `fraudlens labels import`: a file with good rows and one of each kind of bad row (missing id,
 * unknown label, malformed date) imports the good ones into a real PostgreSQL decision store and
 * reports every bad one with its line and field; the command itself runs end to end.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { importLabels, openPostgresLabels, type RejectedRow } from '../../src/cli/commands/labels.js';
import { PACKAGE_ROOT } from '../../src/io/package-root.js';
import { dropSchemas, testDatabaseUrl } from '../helpers/postgres.js';

const PREFIX = `li${process.pid}_`;
const FILE = [
  'transaction_id,label,source,known_at,note',
  'tx-1,fraud,chargeback,2024-03-01T10:00:00Z,first',
  ',fraud,chargeback,2024-03-01T10:00:00Z,no id',
  'tx-2,maybe,chargeback,2024-03-01T10:00:00Z,',
  'tx-3,legitimate,analyst,yesterday,',
  '"tx-4",,,,"quoted, with a comma"',
  'tx-1,legitimate,analyst,2024-03-02T10:00:00Z,second',
].join('\n');

let url: string;
let dir: string;
before(async () => {
  url = await testDatabaseUrl('fraudlens_labels_test');
  dir = await mkdtemp(join(tmpdir(), 'fraudlens-import-'));
  await writeFile(join(dir, 'chargebacks.csv'), `${FILE}\n`);
});
after(async () => {
  await dropSchemas(url, PREFIX);
  await rm(dir, { recursive: true, force: true });
});

describe('fraudlens labels import', () => {
  it('imports the good rows and reports each bad one by line and field', async () => {
    const { store, close } = await openPostgresLabels(url, `${PREFIX}fn`);
    const rejected: RejectedRow[] = [];
    try {
      const summary = await importLabels({
        data: join(dir, 'chargebacks.csv'),
        sink: (l) => store.add(l),
        defaultLabel: 'fraud',
        defaultSource: 'chargeback',
        batchSize: 2,
        labelledBy: 'import',
        onRejected: (r) => rejected.push(r),
      });
      assert.equal(summary.read, 6);
      assert.equal(summary.accepted, 3);
      assert.equal(summary.rejected, 3);
      assert.deepEqual(
        rejected.map((r) => [r.line, r.field]),
        [
          [3, 'transaction_id'],
          [4, 'label'],
          [5, 'known_at'],
        ],
      );
      const tx1 = await store.history('tx-1');
      assert.equal(tx1?.current.label, 'legitimate');
      assert.equal(tx1?.current.note, 'second');
      assert.equal(tx1?.history.length, 2);
      const tx4 = await store.history('tx-4');
      assert.equal(tx4?.current.label, 'fraud', 'an empty label takes --label');
      assert.equal(tx4?.current.source, 'chargeback');
      assert.equal(tx4?.current.note, 'quoted, with a comma');
    } finally {
      await close();
    }
  });

  it('runs as a command: rejected rows on stderr, the summary on stdout', () => {
    const res = spawnSync(
      process.execPath,
      [
        join(PACKAGE_ROOT, 'bin', 'fraudlens.js'),
        'labels',
        'import',
        '--data',
        join(dir, 'chargebacks.csv'),
        '--database-url',
        url,
        '--schema',
        `${PREFIX}cmd`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stderr, /chargebacks\.csv:4: label: "maybe" is not one of fraud, legitimate/);
    const summary = JSON.parse(res.stdout) as { accepted: number; rejected: number };
    assert.equal(summary.accepted, 3);
    assert.equal(summary.rejected, 3);
  });
});
