/**
 * Transaction identity and the decision reads over HTTP, with the embedded store (memory) and
 * with PostgreSQL (the machine's server, database fraudlens_decisions_test): the reserved
 * transaction_id field, the replay of a remembered id, ?rescore=true, duplicates flagged and
 * counted beyond the replay horizon, GET /decisions filters and pages, GET
 * /decisions/{transaction_id}, /logs with filters, stdout refusing reads, and the settings.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { DecisionsResponse, LogsResponse, Prediction, PredictionRecord } from '../../src/contract/index.js';
import { FraudlensError } from '../../src/core/errors.js';
import { configFromValues } from '../../src/server/config.js';
import { dropSchemas, testDatabaseUrl } from '../helpers/postgres.js';
import { waitUntil } from '../helpers/redis-server.js';
import { json, makeApp, ulbSample, type TestApp } from './helpers.js';

const predict = (t: TestApp, payload: unknown, query = '') =>
  t.app.inject({ method: 'POST', url: `/predict${query}`, payload: payload as Record<string, unknown> });

function withId(id: string, amount = 90): Record<string, unknown> {
  return { ...ulbSample(), Amount: amount, transaction_id: id };
}

async function metric(t: TestApp, name: string): Promise<number> {
  const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line === undefined ? Number.NaN : Number(line.split(' ').pop());
}

/** The same behaviour, whichever store holds the decisions. */
function decisionSuite(name: string, settings: () => Record<string, string>): void {
  describe(`transaction identity and decision reads (${name})`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeApp(settings());
      await waitUntil(() => t.app.fraudlens.predictionLog.stats().connected);
    });
    after(async () => {
      await t.app.close();
    });

    it('keeps the reserved transaction_id in the answer and the record, never among the features', async () => {
      const res = await predict(t, withId(`${name}-a`));
      assert.equal(res.statusCode, 200, res.body);
      const p = json<Prediction>(res);
      assert.equal(p.transaction_id, `${name}-a`);
      assert.equal(p.replayed, undefined);
      const stored = json<PredictionRecord>(await t.app.inject({ method: 'GET', url: `/decisions/${name}-a` }));
      assert.equal(stored.id, p.id);
      assert.equal(stored.transaction_id, `${name}-a`);
      assert.equal(stored.score, p.score);
      assert.equal('transaction_id' in stored.features, false);
      assert.deepEqual(Object.keys(stored.features).sort(), Object.keys(ulbSample()).sort());
    });

    it('answers the stored decision for a remembered id; ?rescore=true decides again and replaces it', async () => {
      const first = json<Prediction>(await predict(t, withId(`${name}-b`, 10)));
      await t.app.fraudlens.predictionLog.flush();
      const written = t.app.fraudlens.predictionLog.stats().written;
      const again = json<Prediction>(await predict(t, withId(`${name}-b`, 5000)));
      assert.equal(again.replayed, true);
      assert.equal(again.id, first.id);
      assert.equal(again.score, first.score, 'the first decision, not a score of the new body');
      await t.app.fraudlens.predictionLog.flush();
      assert.equal(t.app.fraudlens.predictionLog.stats().written, written, 'a replay records nothing');
      assert.ok((await metric(t, 'fraudlens_decision_replays_total')) >= 1);
      const rescored = json<Prediction>(await predict(t, withId(`${name}-b`, 5000), '?rescore=true&explain=true'));
      assert.notEqual(rescored.id, first.id);
      assert.equal(rescored.replayed, undefined);
      const current = json<PredictionRecord>(await t.app.inject({ method: 'GET', url: `/decisions/${name}-b` }));
      assert.equal(current.id, rescored.id);
      assert.equal(current.repeat, 'rescore');
      assert.deepEqual(current.explanation, rescored.explanation, 'the full record, with its explanation');
      // The rescore is what the id now replays.
      assert.equal(json<Prediction>(await predict(t, withId(`${name}-b`))).id, rescored.id);
    });

    it('a batch repeating an id answers the first decision for the second', async () => {
      const res = json<{ predictions: Prediction[] }>(
        await predict(t, { instances: [withId(`${name}-c`, 1), withId(`${name}-c`, 2000)] }),
      );
      assert.equal(res.predictions[1].replayed, true);
      assert.equal(res.predictions[1].id, res.predictions[0].id);
    });

    it('GET /decisions filters and pages; /logs takes the same filters in its own shape', async () => {
      for (let i = 0; i < 7; i++) await predict(t, withId(`${name}-page-${i}`, 10 + i));
      const seen: string[] = [];
      let url = `/decisions?limit=3&model_version=${encodeURIComponent(t.app.fraudlens.models.current.version)}`;
      for (let pages = 0; pages < 20; pages++) {
        const page = json<DecisionsResponse>(await t.app.inject({ method: 'GET', url }));
        assert.ok(page.count <= 3);
        seen.push(...page.decisions.map((d) => d.id));
        if (page.next_cursor === null) break;
        url = `/decisions?limit=3&model_version=${encodeURIComponent(t.app.fraudlens.models.current.version)}&cursor=${page.next_cursor}`;
      }
      assert.equal(new Set(seen).size, seen.length, 'no decision twice across pages');
      const all = json<DecisionsResponse>(await t.app.inject({ method: 'GET', url: '/decisions?limit=1000' }));
      assert.deepEqual(
        seen,
        all.decisions.map((d) => d.id),
      );
      const one = json<DecisionsResponse>(await t.app.inject({ method: 'GET', url: `/decisions?transaction_id=${name}-page-3` }));
      assert.deepEqual(
        one.decisions.map((d) => d.transaction_id),
        [`${name}-page-3`],
      );
      const logs = json<LogsResponse>(await t.app.inject({ method: 'GET', url: `/logs?transaction_id=${name}-page-3` }));
      assert.deepEqual(Object.keys(logs).sort(), ['backend', 'count', 'logs']);
      // /decisions adds each decision's current label (none here); /logs lists the records as stored.
      assert.deepEqual(
        one.decisions.map((d) => d.label),
        one.decisions.map(() => null),
      );
      assert.deepEqual(
        logs.logs,
        one.decisions.map(({ label: _label, ...d }) => d),
      );
      const score = one.decisions[0].score;
      const scores = json<DecisionsResponse>(
        await t.app.inject({ method: 'GET', url: `/decisions?score_min=${score}&score_max=${score}&limit=1000` }),
      );
      assert.ok(scores.decisions.some((d) => d.transaction_id === `${name}-page-3`));
      assert.ok(scores.decisions.every((d) => d.score === score));
    });

    it('answers 404 for an unknown id and 400 naming a bad filter or cursor', async () => {
      const missing = await t.app.inject({ method: 'GET', url: '/decisions/never-seen' });
      assert.equal(missing.statusCode, 404);
      assert.equal(json(missing).code, 'NOT_FOUND');
      const badCursor = await t.app.inject({ method: 'GET', url: '/decisions?cursor=zzz' });
      assert.equal(badCursor.statusCode, 400);
      assert.equal(json(badCursor).field, 'cursor');
      const badTime = await t.app.inject({ method: 'GET', url: '/logs?from=yesterday' });
      assert.equal(badTime.statusCode, 400);
      assert.equal(json(badTime).field, 'from');
      const badDecision = await t.app.inject({ method: 'GET', url: '/decisions?decision=maybe' });
      assert.equal(badDecision.statusCode, 400);
    });
  });

  describe(`beyond the replay horizon (${name})`, () => {
    it('an id scored again is stored flagged as a duplicate and counted; the first decision stays current', async () => {
      const t = await makeApp({ ...settings(), FRAUDLENS_DECISION_REPLAY_SIZE: '0' });
      try {
        await waitUntil(() => t.app.fraudlens.predictionLog.stats().connected);
        const id = `${name}-dup-${process.pid}-${Date.now()}`;
        const first = json<Prediction>(await predict(t, withId(id, 10)));
        const second = json<Prediction>(await predict(t, withId(id, 4000)));
        assert.notEqual(second.id, first.id, 'scored again: nothing remembered');
        await t.app.fraudlens.predictionLog.flush();
        const both = json<DecisionsResponse>(await t.app.inject({ method: 'GET', url: `/decisions?transaction_id=${id}` }));
        assert.deepEqual(
          both.decisions.map((d) => [d.id, d.repeat ?? null]).sort(),
          [
            [first.id, null],
            [second.id, 'duplicate'],
          ].sort(),
        );
        assert.equal(json<PredictionRecord>(await t.app.inject({ method: 'GET', url: `/decisions/${id}` })).id, first.id);
        assert.equal(await metric(t, 'fraudlens_decisions_duplicate_total'), 1);
      } finally {
        await t.app.close();
      }
    });
  });
}

decisionSuite('memory', () => ({}));

let databaseUrl = '';
const SCHEMA = `http_${process.pid}`;
before(async () => {
  databaseUrl = await testDatabaseUrl('fraudlens_decisions_test');
});
after(async () => {
  await dropSchemas(databaseUrl, SCHEMA);
});
decisionSuite('postgres', () => ({ DATABASE_URL: databaseUrl, FRAUDLENS_DATABASE_SCHEMA: SCHEMA }));

describe('decision store settings', () => {
  it('DATABASE_URL makes the handler postgres; a contradiction or a missing URL is refused', () => {
    const url = 'postgres://fraud:secret@db:5432/fraudlens';
    const config = configFromValues({ DATABASE_URL: url });
    assert.equal(config.loggingHandler, 'postgres');
    assert.equal(config.databaseUrl, url);
    const refused = (key: string) => (err: unknown) =>
      err instanceof FraudlensError && err.code === 'CONFIG_INVALID' && err.location.field === key;
    assert.throws(() => configFromValues({ LOGGING_HANDLER: 'postgres' }), refused('DATABASE_URL'));
    assert.throws(() => configFromValues({ DATABASE_URL: url, LOGGING_HANDLER: 'redis' }), refused('LOGGING_HANDLER'));
    assert.throws(() => configFromValues({ DATABASE_URL: 'mysql://x' }), refused('DATABASE_URL'));
  });

  it('the stdout handler keeps nothing to read: 501 DECISIONS_UNSUPPORTED', async () => {
    const t = await makeApp({ LOGGING_HANDLER: 'stdout' }, { predictionLog: undefined });
    try {
      for (const url of ['/decisions', '/decisions/x', '/logs?decision=approve']) {
        const res = await t.app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 501, url);
        assert.equal(json(res).code, 'DECISIONS_UNSUPPORTED');
      }
      assert.equal((await t.app.inject({ method: 'GET', url: '/logs' })).statusCode, 200, '/logs without filters keeps working');
    } finally {
      await t.app.close();
    }
  });
});
