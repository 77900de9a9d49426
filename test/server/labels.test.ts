/**
 * Roles and labels over HTTP: a keys file with a scoring, an analyst and an admin key (each
 * refused what its role lacks, 403 naming the permission), GET /auth/me, labels recorded with the
 * key's name and joined to decisions sent before or after them, the review queue, the amount and
 * labelled filters, and bad labels answered 400 naming the field.
 */

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { DecisionsResponse, LabelHistory } from '../../src/contract/index.js';
import { FraudlensError } from '../../src/core/errors.js';
import { configFromValues } from '../../src/server/index.js';
import { json, makeApp, ulbSample, type TestApp } from './helpers.js';

const KEYS = { scoring: 'scoring-key-0123456789', analyst: 'analyst-key-0123456789', admin: 'admin-key-0123456789ab' };

describe('roles and labels', () => {
  let t: TestApp;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fraudlens-keys-'));
    const file = join(dir, 'keys.yaml');
    await writeFile(
      file,
      `- { name: checkout, role: scoring, key: ${KEYS.scoring} }\n- { name: alice, role: analyst, key: ${KEYS.analyst} }\n- { name: root, role: admin, key: ${KEYS.admin} }\n`,
    );
    t = await makeApp({ API_KEYS_FILE: file, FRAUDLENS_AMOUNT_FIELD: 'Amount' });
  });
  after(async () => {
    await t.app.close();
    await rm(dir, { recursive: true, force: true });
  });

  const as = (who: keyof typeof KEYS) => ({ 'x-api-key': KEYS[who] });
  const predict = (id: string) =>
    t.app.inject({ method: 'POST', url: '/predict', headers: as('scoring'), payload: { ...ulbSample(), transaction_id: id } });

  it('GET /auth/me names the key, its role and permissions', async () => {
    const me = json(await t.app.inject({ url: '/auth/me', headers: as('analyst') }));
    assert.deepEqual(me, {
      name: 'alice',
      role: 'analyst',
      permissions: ['decisions:read', 'labels:write', 'performance:read', 'drift:read'],
    });
    assert.equal(json(await t.app.inject({ url: '/auth/me', headers: as('admin') })).role, 'admin');
    assert.equal((await t.app.inject({ url: '/auth/me' })).statusCode, 401);
  });

  it('refuses each role what it lacks with 403 FORBIDDEN naming the permission', async () => {
    const cases = [
      { who: 'scoring' as const, method: 'POST' as const, url: '/labels', permission: 'labels:write' },
      { who: 'scoring' as const, method: 'GET' as const, url: '/decisions', permission: 'decisions:read' },
      { who: 'analyst' as const, method: 'POST' as const, url: '/predict', permission: 'score' },
      { who: 'analyst' as const, method: 'POST' as const, url: '/admin/reload', permission: 'admin' },
    ];
    for (const c of cases) {
      const res = await t.app.inject({ method: c.method, url: c.url, headers: as(c.who), payload: {} });
      assert.equal(res.statusCode, 403, `${c.who} ${c.url}: ${res.body}`);
      assert.equal(json(res).code, 'FORBIDDEN');
      assert.match(json<{ message: string }>(res).message, new RegExp(`"${c.permission}"`));
    }
    assert.equal((await predict('role-ok')).statusCode, 200);
  });

  it('joins labels sent before and after the decision; the latest known_at wins; labelled_by is the key name', async () => {
    const early = await t.app.inject({
      method: 'POST',
      url: '/labels',
      headers: as('analyst'),
      payload: { transaction_id: 'tx-b', label: 'fraud', source: 'chargeback', known_at: '2024-02-01T00:00:00Z' },
    });
    assert.deepEqual(json(early), { accepted: 1, joined: 0, pending: 1 });
    assert.equal((await predict('tx-a')).statusCode, 200);
    assert.equal((await predict('tx-b')).statusCode, 200);
    const batch = await t.app.inject({
      method: 'POST',
      url: '/labels',
      headers: as('admin'),
      payload: {
        labels: [
          { transaction_id: 'tx-a', label: 'legitimate', source: 'analyst', note: 'called the customer' },
          { transaction_id: 'tx-b', label: 'legitimate', source: 'customer_report', known_at: '2024-01-01T00:00:00Z' },
        ],
      },
    });
    assert.deepEqual(json(batch), { accepted: 2, joined: 2, pending: 0 });
    const b = json<LabelHistory>(await t.app.inject({ url: '/labels/tx-b', headers: as('analyst') }));
    assert.equal(b.history.length, 2);
    assert.equal(b.current.label, 'fraud', 'the label known later stays current although recorded first');
    assert.equal(b.current.labelled_by, 'alice');
    assert.equal(b.history[0].labelled_by, 'root');
    const a = json(await t.app.inject({ url: '/decisions/tx-a', headers: as('analyst') }));
    assert.equal((a.label as { label: string; note: string }).label, 'legitimate');
    assert.equal((a.label as { note: string }).note, 'called the customer');
    assert.equal(a.amount, ulbSample().Amount);
    const labelled = json<DecisionsResponse>(await t.app.inject({ url: '/decisions?labelled=true', headers: as('analyst') }));
    assert.deepEqual(labelled.decisions.map((d) => d.transaction_id).sort(), ['tx-a', 'tx-b']);
    const amount = ulbSample().Amount;
    const inRange = json<DecisionsResponse>(
      await t.app.inject({ url: `/decisions?amount_min=${amount}&amount_max=${amount}`, headers: as('analyst') }),
    );
    assert.ok(inRange.count >= 2);
    const outOfRange = json<DecisionsResponse>(
      await t.app.inject({ url: `/decisions?amount_min=${amount + 1}`, headers: as('analyst') }),
    );
    assert.equal(outOfRange.count, 0);
    assert.equal(json(await t.app.inject({ url: '/labels/none', headers: as('analyst') })).code, 'NOT_FOUND');
  });

  it('GET /review answers what GET /decisions answers for unlabelled review decisions, oldest first', async () => {
    for (let i = 0; i < 5; i++) await predict(`rv-${i}`);
    const review = json<DecisionsResponse>(await t.app.inject({ url: '/review?limit=50', headers: as('analyst') }));
    const same = json<DecisionsResponse>(
      await t.app.inject({ url: '/decisions?decision=review&labelled=false&order=asc&limit=50', headers: as('analyst') }),
    );
    assert.deepEqual(review, same);
    assert.ok(review.decisions.every((d) => d.decision === 'review' && d.label === null));
    const times = review.decisions.map((d) => Date.parse(d.timestamp));
    assert.deepEqual(
      times,
      [...times].sort((x, y) => x - y),
    );
  });

  it('answers bad labels with 400 naming the field, and stores nothing of a refused batch', async () => {
    const post = (payload: unknown) =>
      t.app.inject({ method: 'POST', url: '/labels', headers: as('analyst'), payload: payload as object });
    const cases: [unknown, string][] = [
      [{ transaction_id: 'x', label: 'maybe', source: 'analyst' }, 'label'],
      [{ transaction_id: 'x', label: 'fraud', source: 'rumour' }, 'source'],
      [{ label: 'fraud', source: 'analyst' }, 'transaction_id'],
      [{ transaction_id: 'x', label: 'fraud', source: 'analyst', known_at: 'last tuesday' }, 'known_at'],
      [
        {
          labels: [
            { transaction_id: 'y', label: 'fraud', source: 'analyst' },
            { transaction_id: 'y', label: 'fraud', source: 'analyst', known_at: '2024-13-45' },
          ],
        },
        'labels/1/known_at',
      ],
    ];
    for (const [payload, field] of cases) {
      const res = await post(payload);
      assert.equal(res.statusCode, 400, res.body);
      // The schema's checks answer REQUEST_INVALID, the server's own (known_at, one form or the other) INPUT_INVALID.
      assert.ok(['REQUEST_INVALID', 'INPUT_INVALID'].includes(String(json(res).code)), res.body);
      assert.match(String(json(res).field), new RegExp(field.replace(/\//g, '.')), res.body);
    }
    assert.equal((await t.app.inject({ url: '/labels/y', headers: as('analyst') })).statusCode, 404);
  });
});

describe('API keys file', () => {
  it('is checked at start: unknown role, short key, a name taken twice, API_KEY as "admin"', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fraudlens-keys-'));
    try {
      const file = join(dir, 'keys.json');
      const refused =
        (body: string, extra: Record<string, string> = {}) =>
        async () => {
          await writeFile(file, body);
          assert.throws(
            () => configFromValues({ API_KEYS_FILE: file, ...extra }),
            (e: unknown) => e instanceof FraudlensError && e.code === 'CONFIG_INVALID' && e.location.field === 'API_KEYS_FILE',
          );
        };
      await refused('[{"name":"a","role":"root","key":"0123456789abcdef"}]')();
      await refused('[{"name":"a","role":"analyst","key":"short"}]')();
      await refused(
        '[{"name":"a","role":"analyst","key":"0123456789abcdef"},{"name":"a","role":"admin","key":"0123456789abcdeg"}]',
      )();
      await refused('[{"name":"admin","role":"analyst","key":"0123456789abcdef"}]', { API_KEY: 'another-key-0123456' })();
      await writeFile(file, `[{"name":"ana","role":"analyst","key_sha256":"${'ab'.repeat(32)}"}]`);
      const config = configFromValues({ API_KEYS_FILE: file, API_KEY: 'another-key-0123456' });
      assert.deepEqual(
        config.apiKeys.map((k) => [k.name, k.role]),
        [
          ['admin', 'admin'],
          ['ana', 'analyst'],
        ],
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
