/**
 * Builds the bundled demo data from ../shared/data (the Sparkov simulation, MIT): raw transactions
 * in the shape `defs/sparkov.yaml` reads, sampled by card so every card's history is complete and
 * the velocity features (counts, sums, time since last) are the real ones.
 *   data/demo/transactions.csv.gz  every transaction of TRAIN_CARDS cards in sparkov_train
 *                                  (2019-01 → 2020-06): training
 *   data/demo/holdout.csv.gz       every later transaction of the same cards in sparkov_test, from
 *                                  2020-06-21 to HOLDOUT_END: evaluation, and what `fraudlens
 *                                  simulate` replays (the same customers months later, as a deployed
 *                                  model meets them: the mix of customers, their ages and cities,
 *                                  matches the drift baseline's, so a replay flags only what changed)
 * Cards are drawn in the order of a seeded hash of the card number, separately among the cards with
 * and without a fraud in the file, in the file's proportion (frauds come in bursts on few cards, so
 * a plain draw of so few cards could miss most of them).
 * The generator's names, street, city, state, zip and job are left out: no definition reads them.
 * Run: npm run build:all && node dist/scripts/make-demo-data.js [SHARED_DATA_DIR]
 */

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { createGunzip, createGzip } from 'node:zlib';

import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';

/** Columns kept, in this order: what the definitions read, the readable time and the label. */
export const DEMO_COLUMNS = [
  'trans_date_trans_time',
  'cc_num',
  'merchant',
  'category',
  'amt',
  'gender',
  'city_pop',
  'lat',
  'long',
  'dob',
  'trans_num',
  'unix_time',
  'merch_lat',
  'merch_long',
  'is_fraud',
] as const;

const TRAIN_CARDS = 52;
/** The hold-out's end (exclusive), 2020-09-21 00:00:00 UTC: three months, about 16,000 rows. */
const HOLDOUT_END = 1_600_646_400;
/** Salt of the card draw: another value draws other cards. */
const DRAW_SEED = 'fraudlens-demo-1';

interface CardTally {
  card: string;
  rows: number;
  frauds: number;
  rank: string;
}

async function* records(path: string): AsyncGenerator<Record<string, string>> {
  const parser = createReadStream(path)
    .pipe(createGunzip())
    .pipe(parse({ columns: true, bom: true }));
  for await (const r of parser) yield r as Record<string, string>;
}

async function tallyCards(path: string): Promise<CardTally[]> {
  const byCard = new Map<string, CardTally>();
  for await (const r of records(path)) {
    let t = byCard.get(r.cc_num);
    if (t === undefined) {
      const rank = createHash('sha256').update(`${DRAW_SEED}:${r.cc_num}`).digest('hex');
      t = { card: r.cc_num, rows: 0, frauds: 0, rank };
      byCard.set(r.cc_num, t);
    }
    t.rows++;
    if (r.is_fraud === '1') t.frauds++;
  }
  return [...byCard.values()].sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
}

/** `count` cards of `ranked`, with as many fraud cards as the file's share of them. */
function drawCards(free: readonly CardTally[], count: number): Set<string> {
  const withFraud = free.filter((t) => t.frauds > 0);
  const fraudCards = Math.round((count * withFraud.length) / free.length);
  return new Set([
    ...withFraud.slice(0, fraudCards).map((t) => t.card),
    ...free
      .filter((t) => t.frauds === 0)
      .slice(0, count - fraudCards)
      .map((t) => t.card),
  ]);
}

/** Writes every row of `cards` in file order (the source is sorted by time); gzip without a name or time, so reruns are byte-identical. */
async function writeCards(
  input: string,
  output: string,
  cards: ReadonlySet<string>,
  end = Infinity,
): Promise<{ rows: number; frauds: number; cards: number }> {
  const gzip = createGzip({ level: 9 });
  const file = createWriteStream(output);
  gzip.pipe(file);
  const write = async (cells: readonly string[]): Promise<void> => {
    if (!gzip.write(stringify([cells]))) await once(gzip, 'drain');
  };
  await write(DEMO_COLUMNS);
  let rows = 0;
  let frauds = 0;
  for await (const r of records(input)) {
    if (!cards.has(r.cc_num) || Number(r.unix_time) >= end) continue;
    await write(DEMO_COLUMNS.map((c) => r[c]));
    rows++;
    if (r.is_fraud === '1') frauds++;
  }
  gzip.end();
  await once(file, 'finish');
  return { rows, frauds, cards: cards.size };
}

const shared = resolve(process.argv[2] ?? join(process.cwd(), '..', 'shared', 'data'));
const trainFile = join(shared, 'sparkov_train.csv.gz');
const testFile = join(shared, 'sparkov_test.csv.gz');
const cards = drawCards(await tallyCards(trainFile), TRAIN_CARDS);
const train = await writeCards(trainFile, 'data/demo/transactions.csv.gz', cards);
const holdout = await writeCards(testFile, 'data/demo/holdout.csv.gz', cards, HOLDOUT_END);
process.stdout.write(`${JSON.stringify({ train, holdout })}\n`);
