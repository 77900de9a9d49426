/**
 * Builds the bundled demo data from ../shared/data (the Sparkov simulation, MIT):
 *   data/demo/transactions.csv.gz   one in 15 rows of sparkov_train (2019-01 → 2020-06): training
 *   data/demo/holdout.csv.gz        one in 30 rows of sparkov_test (2020-06 → 2020-12): replayed
 *                                   by `fraudlens simulate`, and the evaluation set
 * Run: npm run build:all && node dist/scripts/make-demo-data.js [SHARED_DATA_DIR]
 */
import { join, resolve } from 'node:path';
import { deriveSparkov } from '../bench/sparkov.js';
const shared = resolve(process.argv[2] ?? join(process.cwd(), '..', 'shared', 'data'));
const train = await deriveSparkov(join(shared, 'sparkov_train.csv.gz'), 'data/demo/transactions.csv.gz', { every: 15 });
const holdout = await deriveSparkov(join(shared, 'sparkov_test.csv.gz'), 'data/demo/holdout.csv.gz', { every: 30 });
process.stdout.write(`${JSON.stringify({ train, holdout })}\n`);
//# sourceMappingURL=make-demo-data.js.map