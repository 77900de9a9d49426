/**
 * THE parity property of entity features: a raw file replayed through the HTTP API in time order
 * derives, for every transaction, the same features as `fraudlens features` offline on the same
 * file, and the same score as `fraudlens predict`. Counts identical, other numbers within
 * FEATURE_RELATIVE_TOLERANCE, scores within SCORE_TOLERANCE.
 *
 * The store backend is a parameter: each backend's test file calls runRawParity with its
 * provider (memory in raw-parity-memory.test.ts; a shared store adds its own file).
 *
 * The fixture (fixtures/features/raw.csv) holds rows whose entity key is empty; the API refuses
 * those with a 400 naming the field (a raw transaction must carry its keys), so the offline side
 * runs on the same file without them: both sides then see exactly the same events.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance } from 'fastify';

import type { StateStoreProvider } from '../../src/server/entity-features.js';
import { runCli } from '../helpers/cli.js';
import { fixturePath } from '../helpers/paths.js';
import { json, loadCached, makeApp } from './helpers.js';

/** Sums, means, std, ratios, distances: the lead's tolerance for derived floats (relative). */
export const FEATURE_RELATIVE_TOLERANCE = 1e-9;
/** The same trees on the same feature values: only the order of additions could differ. */
export const SCORE_TOLERANCE = 1e-12;

export const RAW_FIXTURE = fixturePath('features', 'raw.csv');
export const DEFINITIONS_FIXTURE = fixturePath('features', 'definitions.yaml');
/** 20 trees of depth 4 trained by `train --features` on raw.csv (fixtures/features/README.md). */
export const RAW_MODEL = fixturePath('features', 'model.json');

const KEY_FIELDS = ['cc_num', 'merchant', 'category'];
const NUMBER_FIELDS = new Set(['amt', 'city_pop', 'lat', 'long', 'merch_lat', 'merch_long', 'unix_time']);

type Row = Record<string, string>;
type Value = number | string | null;
interface Answer {
  score: number;
  duplicate: boolean;
  transaction_id: string;
  features: Record<string, Value>;
}

/**
 * A CSV row as a client sends it: numbers as JSON numbers (an empty cell as null), text as
 * strings (an empty cell left out), plus the raw columns the definitions do not read (city, zip…).
 */
export function toRequest(row: Row): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (NUMBER_FIELDS.has(k)) body[k] = v === '' ? null : Number(v);
    else if (v !== '') body[k] = v;
  }
  return body;
}

function close(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= FEATURE_RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

export function runRawParity(backend: string, provide: () => StateStoreProvider | Promise<StateStoreProvider>): void {
  describe(`raw transactions through the API match the offline replay: ${backend}`, () => {
    const work = mkdtempSync(join(tmpdir(), 'fraudlens-raw-parity-'));
    const rows = parse(readFileSync(RAW_FIXTURE), { columns: true }) as Row[];
    const refused = rows.filter((r) => KEY_FIELDS.some((k) => r[k] === ''));
    const accepted = rows.filter((r) => !refused.includes(r));
    let offline: Row[] = [];
    let offlineScores: number[] = [];
    let app: FastifyInstance;
    const answers = new Map<string, Answer>();
    const refusals: { row: Row; status: number; code: string; field: string }[] = [];

    before(async () => {
      const filtered = join(work, 'raw.csv');
      writeFileSync(filtered, stringify([Object.keys(rows[0]), ...accepted.map((r) => Object.values(r))]));
      const features = await runCli([
        'features',
        '--defs',
        DEFINITIONS_FIXTURE,
        '--data',
        filtered,
        '--out',
        join(work, 'f.csv'),
      ]);
      assert.equal(features.code, 0, features.stderr);
      offline = parse(readFileSync(join(work, 'f.csv')), { columns: true }) as Row[];
      const predict = await runCli(['predict', '--model', RAW_MODEL, '--data', filtered, '--out', join(work, 'p.csv')]);
      assert.equal(predict.code, 0, predict.stderr);
      offlineScores = (parse(readFileSync(join(work, 'p.csv')), { columns: true }) as Row[]).map((r) => Number(r.score));

      ({ app } = await makeApp({ MODEL_PATH: RAW_MODEL, FRAUDLENS_BATCH_LIMIT: '64' }, { entityStateStore: await provide() }));
      // In time order: singles in process, then batches of 25, then the rest over a real socket.
      const singles = 500;
      const batched = 1000;
      for (const row of rows.slice(0, singles)) {
        const res = await app.inject({ method: 'POST', url: '/predict?features=true', payload: toRequest(row) });
        const body = json<Answer & { code: string; field: string }>(res);
        if (res.statusCode === 200) answers.set(body.transaction_id, body);
        else refusals.push({ row, status: res.statusCode, code: body.code, field: body.field });
      }
      for (let i = singles; i < batched; i += 25) {
        const chunk = rows.slice(i, Math.min(i + 25, batched));
        // A chunk holding a refused row is refused whole (nothing added): send those rows alone.
        const good = chunk.filter((r) => !refused.includes(r));
        for (const r of chunk.filter((r) => refused.includes(r))) {
          const res = await app.inject({ method: 'POST', url: '/predict', payload: toRequest(r) });
          const body = json<{ code: string; field: string }>(res);
          refusals.push({ row: r, status: res.statusCode, code: body.code, field: body.field });
        }
        const res = await app.inject({
          method: 'POST',
          url: '/predict?features=true',
          payload: { instances: good.map(toRequest) },
        });
        assert.equal(res.statusCode, 200, res.body);
        for (const p of json<{ predictions: Answer[] }>(res).predictions) answers.set(p.transaction_id, p);
      }
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      for (const row of rows.slice(batched)) {
        const res = await fetch(`${address}/predict?features=true`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(toRequest(row)),
        });
        const body = (await res.json()) as Answer & { code: string; field: string };
        if (res.status === 200) answers.set(body.transaction_id, body);
        else refusals.push({ row, status: res.status, code: body.code, field: body.field });
      }
    });

    after(async () => {
      await app?.close();
    });

    it('refuses exactly the rows without an entity key, naming the field', () => {
      assert.ok(refused.length >= 2, 'the fixture has rows with an empty key');
      assert.equal(refusals.length, refused.length);
      for (const r of refusals) {
        assert.equal(r.status, 400);
        assert.equal(r.code, 'INPUT_MISSING_COLUMN');
        assert.equal(r.row[r.field], '', `${r.field} is the empty key of ${r.row.trans_num}`);
      }
    });

    it('derives every feature of every transaction as the offline replay does', async () => {
      assert.equal(answers.size, accepted.length);
      assert.equal(offline.length, accepted.length);
      const defs = (await loadCached(RAW_MODEL)).model.featureDefinitions!.definitions;
      const counts = new Set(defs.aggregations.filter((a) => a.op === 'count' || a.op === 'distinct_count').map((a) => a.name));
      const names = Object.keys(offline[0]).slice(2);
      let compared = 0;
      for (const want of offline) {
        const got = answers.get(want.trans_num);
        assert.ok(got, `answer for ${want.trans_num}`);
        assert.equal(got.duplicate, false);
        assert.deepEqual(Object.keys(got.features), names, 'the response names the features as the offline file does');
        for (const name of names) {
          const cell = want[name];
          const value: Value = got.features[name];
          const where: string = `${want.trans_num} ${name}: online ${value}, offline "${cell}"`;
          if (cell === '') assert.equal(value, null, where);
          else if (typeof value === 'string') assert.equal(value, cell, where);
          else if (counts.has(name)) assert.equal(value, Number(cell), where);
          else assert.ok(typeof value === 'number' && close(value, Number(cell)), where);
          compared++;
        }
      }
      assert.equal(compared, accepted.length * names.length);
    });

    it('scores every transaction as the offline predict does', () => {
      assert.equal(offlineScores.length, accepted.length);
      accepted.forEach((row, i) => {
        const got = answers.get(row.trans_num)!;
        assert.ok(
          Math.abs(got.score - offlineScores[i]) <= SCORE_TOLERANCE,
          `${row.trans_num}: online ${got.score}, offline ${offlineScores[i]}`,
        );
      });
    });
  });
}
