/** Labels in PostgreSQL (the machine's real server, a database of this helper's own): the conformance suite. */

import { after, before } from 'node:test';

import { PostgresLabelStore, PostgresPredictionLog } from '../../../src/storage/index.js';
import { dropSchemas, testDatabaseUrl } from '../../helpers/postgres.js';
import { waitUntil } from '../../helpers/redis-server.js';
import { runLabelStoreConformance } from './conformance.js';

const PREFIX = `l${process.pid}_`;
let url: string;

before(async () => {
  url = await testDatabaseUrl('fraudlens_labels_test');
});

after(async () => {
  await dropSchemas(url, PREFIX);
});

runLabelStoreConformance('postgres', async (namespace) => {
  const decisions = new PostgresPredictionLog({ url, schema: PREFIX + namespace });
  await waitUntil(() => decisions.stats().connected, { message: 'PostgreSQL store did not connect' });
  return { decisions, labels: new PostgresLabelStore(decisions), close: () => decisions.close() };
});
