/** `fraudlens features` end to end: sorted, unsorted (refused, then --sort), gzip, bad rows, bad definitions. */

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { fixturePath } from '../helpers/paths.js';

const work = mkdtempSync(join(tmpdir(), 'fraudlens-features-'));

const DEFS = `version: 1
event: { time: { field: ts, format: datetime }, id: tx }
fields: { card: key, merchant: key, amt: number, category: category }
entities: { card: card }
row_features:
  - { name: amt, kind: value, field: amt }
  - { name: category, kind: value, field: category }
  - { name: hour, kind: hour_of_day }
aggregations:
  - { name: card_count_1h, entity: card, op: count, window: 1h }
  - { name: card_amt_sum_1h, entity: card, op: sum, field: amt, window: 1h }
  - { name: card_seconds_since_last, entity: card, op: time_since_last }
ratios:
  - { name: amt_over_sum, numerator: amt, denominator: card_amt_sum_1h }
`;

const HEADER = 'tx,ts,card,merchant,amt,category,is_fraud';
const SORTED = [
  't1,2024-03-01 10:00:00,A,m1,10,food,0',
  't2,2024-03-01 10:00:00,A,m2,20,"food, fresh",0',
  't3,2024-03-01 10:30:00,A,m1,,gas,1',
  't4,2024-03-01 10:45:00,,m1,5,gas,0',
  't2,2024-03-01 10:50:00,A,m2,20,food,0',
  't5,2024-03-01 11:15:00,A,m1,40,food,0',
];

function write(name: string, lines: string[], gzip = false): string {
  const path = join(work, name);
  const text = [HEADER, ...lines].join('\n') + '\n';
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}

const defs = join(work, 'defs.yaml');
writeFileSync(defs, DEFS);

const EXPECTED = [
  'tx,ts,is_fraud,amt,category,hour,card_count_1h,card_amt_sum_1h,card_seconds_since_last,amt_over_sum',
  // Two events at 10:00 do not see each other.
  't1,2024-03-01 10:00:00,0,10,food,10,0,0,,',
  't2,2024-03-01 10:00:00,0,20,"food, fresh",10,0,0,,',
  't3,2024-03-01 10:30:00,1,,gas,10,2,30,1800,',
  // No card: its aggregations are missing, and it is not added.
  't4,2024-03-01 10:45:00,0,5,gas,10,,,,',
  // A duplicate id: read as it stands, not counted again (t5 sees 3 events in [10:15, 11:15)).
  't2,2024-03-01 10:50:00,0,20,food,10,3,30,1200,0.6666666666666666',
  't5,2024-03-01 11:15:00,0,40,food,11,1,0,2700,',
];

describe('fraudlens features', () => {
  it('writes every feature as it stood before each event, for plain and gzip input', async () => {
    for (const gzip of [false, true]) {
      const data = write(gzip ? 'raw.csv.gz' : 'raw.csv', SORTED, gzip);
      const out = join(work, `out-${gzip}.csv`);
      const r = await runCli(['features', '--defs', defs, '--data', data, '--out', out, '--keep', 'is_fraud']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /derived 7 features for 6 rows .*1 duplicate event ids/);
      assert.deepEqual(readFileSync(out, 'utf8').trimEnd().split('\n'), EXPECTED);
    }
  });

  it('refuses an unsorted file naming the row, and sorts it with --sort', async () => {
    const shuffled = [SORTED[0], SORTED[2], SORTED[1], SORTED[3], SORTED[4], SORTED[5]];
    const data = write('unsorted.csv', shuffled);
    const out = join(work, 'unsorted-out.csv');
    const r = await runCli(['features', '--defs', defs, '--data', data, '--out', out]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error INPUT_NOT_SORTED: .*unsorted\.csv:3: column "ts": data row 3 .*--sort/);
    assert.equal(existsSync(out), false, 'no partial output');
    const sorted = await runCli(['features', '--defs', defs, '--data', data, '--out', out, '--keep', 'is_fraud', '--sort']);
    assert.equal(sorted.code, 0, sorted.stderr);
    // Stable sort: t2 stays after t1 (equal times), so the output is the sorted file's.
    assert.deepEqual(readFileSync(out, 'utf8').trimEnd().split('\n'), EXPECTED);
  });

  it('names file, row and column of a bad time or a bad number', async () => {
    const badTime = write('bad-time.csv', [SORTED[0], 't9,2024-13-01 10:00:00,A,m1,1,food,0']);
    let r = await runCli(['features', '--defs', defs, '--data', badTime, '--out', join(work, 'x.csv')]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /error INPUT_BAD_TIME: .*bad-time\.csv:2: column "ts": event time "2024-13-01 10:00:00" does not read as datetime/,
    );
    const badNumber = write('bad-number.csv', [SORTED[0], 't9,2024-03-01 10:00:01,A,m1,12abc,food,0']);
    r = await runCli(['features', '--defs', defs, '--data', badNumber, '--out', join(work, 'x.csv')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error INPUT_NOT_A_NUMBER: .*bad-number\.csv:2: column "amt": "12abc" is not a number/);
  });

  it('refuses a missing raw field and a bad definitions file with its path', async () => {
    const data = write('raw2.csv', SORTED);
    const noCategory = join(work, 'defs-extra.yaml');
    writeFileSync(
      noCategory,
      DEFS.replace('category: category }', 'category: category, channel: category }').replace(
        'field: category }',
        'field: channel }',
      ),
    );
    let r = await runCli(['features', '--defs', noCategory, '--data', data, '--out', join(work, 'y.csv')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error INPUT_MISSING_COLUMN: .*the data lacks the raw field the feature definitions read: channel/);
    const bad = join(work, 'defs-bad.yaml');
    writeFileSync(bad, DEFS.replace('window: 1h }\n  - { name: card_amt', 'window: 45d }\n  - { name: card_amt'));
    r = await runCli(['features', '--defs', bad, '--data', data, '--out', join(work, 'y.csv')]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /error FEATURES_DEFINITION_INVALID: .*defs-bad\.yaml: aggregations\[0\]\.window: a window spans 1m to 30d/,
    );
  });
});

describe('evaluate and predict --sort on a raw file out of time order', () => {
  const model = fixturePath('features', 'model.json');
  const lines = readFileSync(fixturePath('features', 'raw.csv'), 'utf8').trimEnd().split('\n');
  // A fixed shuffle (every 7th row first, then the rest backwards), so the file is far from sorted.
  const body = lines.slice(1);
  const order = [...body.keys()].filter((i) => i % 7 === 0).concat([...body.keys()].filter((i) => i % 7 !== 0).reverse());
  const shuffled = join(work, 'raw-shuffled.csv');
  writeFileSync(shuffled, [lines[0], ...order.map((i) => body[i])].join('\n') + '\n');

  it('predict: refused without --sort; with it, each input row gets the score it gets in the sorted file', async () => {
    const refused = await runCli(['predict', '--model', model, '--data', shuffled, '--out', join(work, 'p-refused.csv')]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /INPUT_NOT_SORTED: .*pass --sort/);
    const sortedOut = join(work, 'p-sorted.csv');
    const shuffledOut = join(work, 'p-shuffled.csv');
    const a = await runCli(['predict', '--model', model, '--data', fixturePath('features', 'raw.csv'), '--out', sortedOut]);
    assert.equal(a.code, 0, a.stderr);
    const b = await runCli(['predict', '--model', model, '--data', shuffled, '--out', shuffledOut, '--sort']);
    assert.equal(b.code, 0, b.stderr);
    const sortedScores = readFileSync(sortedOut, 'utf8').trimEnd().split('\n').slice(1);
    const shuffledScores = readFileSync(shuffledOut, 'utf8').trimEnd().split('\n').slice(1);
    assert.equal(shuffledScores.length, body.length);
    assert.deepEqual(
      shuffledScores,
      order.map((i) => sortedScores[i]),
    );
  });

  it('evaluate: the same metrics with --sort as on the sorted file; --sort refused for a model without definitions', async () => {
    const metrics = async (data: string, ...extra: string[]) => {
      const r = await runCli(['evaluate', '--model', model, '--data', data, '--label', 'is_fraud', '--json', ...extra]);
      assert.equal(r.code, 0, r.stderr);
      const { data: _file, ...rest } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
      return rest;
    };
    assert.deepEqual(await metrics(shuffled, '--sort'), await metrics(fixturePath('features', 'raw.csv')));
    const plain = await runCli([
      'evaluate',
      '--model',
      fixturePath('xgboost', 'ulb_subset_d3_t10.model.json'),
      '--data',
      shuffled,
      '--label',
      'is_fraud',
      '--sort',
    ]);
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /INPUT_INVALID: field "--sort": --sort applies to a model with feature definitions/);
  });
});
