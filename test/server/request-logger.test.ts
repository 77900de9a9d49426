/**
 * The deferred request logger: a request that logs nothing at an enabled level never makes its
 * pino child, and the lines a request does write carry its request id as Fastify's own child would,
 * and the caller's transaction id when the request carried one (the real app's /predict, both the
 * precomputed and the raw model, one transaction and a batch).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import Fastify, { LogController } from 'fastify';

import { bindTransactionId, deferredChildLogger } from '../../src/server/request-logger.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { makeApp, ULB_MODEL, ulbSample } from './helpers.js';

function lineSink(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { stream, lines };
}

test('a request child logger is made only when the request writes at an enabled level', async () => {
  const sink = lineSink();
  // Access logging off, as the server runs by default (FRAUDLENS_ACCESS_LOG).
  const app = Fastify({
    logger: { level: 'info', stream: sink.stream },
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: deferredChildLogger,
  });
  let made = 0;
  const child = app.log.child.bind(app.log);
  app.log.child = ((...args: Parameters<typeof child>) => {
    made++;
    return child(...args);
  }) as typeof app.log.child;
  app.get('/quiet', async (request) => {
    request.log.debug({ detail: 1 }, 'below the level');
    assert.equal(request.log.level, 'info');
    return { ok: true };
  });
  app.get('/loud', async (request) => {
    request.log.info({ detail: 2 }, 'written');
    request.log.warn('again');
    return { ok: true };
  });
  try {
    await app.ready();
    made = 0; // children made while starting are not requests'
    assert.equal((await app.inject({ method: 'GET', url: '/quiet' })).statusCode, 200);
    assert.equal(made, 0, 'a quiet request makes no child');
    assert.equal(sink.lines.length, 0);

    const res = await app.inject({ method: 'GET', url: '/loud' });
    assert.equal(res.statusCode, 200);
    assert.equal(made, 1, 'one child per request that logs, reused for its later lines');
    assert.deepEqual(
      sink.lines.map((l) => [l.msg, l.detail, l.level]),
      [
        ['written', 2, 30],
        ['again', undefined, 40],
      ],
    );
    const ids = new Set(sink.lines.map((l) => l.reqId));
    assert.equal(ids.size, 1);
    assert.match(String([...ids][0]), /^req-/);
  } finally {
    await app.close();
  }
});

test('a route with its own log level gets its child at once, at that level', async () => {
  const sink = lineSink();
  const app = Fastify({
    logger: { level: 'warn', stream: sink.stream },
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: deferredChildLogger,
  });
  app.get('/chatty', { logLevel: 'debug' }, async (request) => {
    request.log.debug('route level');
    return { ok: true };
  });
  try {
    assert.equal((await app.inject({ method: 'GET', url: '/chatty' })).statusCode, 200);
    const written = sink.lines.filter((l) => l.msg === 'route level');
    assert.equal(written.length, 1);
    assert.match(String(written[0].reqId), /^req-/);
  } finally {
    await app.close();
  }
});

test('a transaction id bound before the child is made is on its lines; bound after, on the later ones', async () => {
  const sink = lineSink();
  const app = Fastify({
    logger: { level: 'info', stream: sink.stream },
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: deferredChildLogger,
  });
  app.get('/before', async (request) => {
    bindTransactionId(request.log, 'tx-before');
    request.log.info('one');
    return { ok: true };
  });
  app.get('/after', async (request) => {
    request.log.info('without');
    bindTransactionId(request.log, 'tx-after');
    request.log.info('with');
    return { ok: true };
  });
  app.get('/none', async (request) => {
    bindTransactionId(request.log, undefined);
    request.log.info('no id');
    return { ok: true };
  });
  try {
    for (const url of ['/before', '/after', '/none']) assert.equal((await app.inject({ method: 'GET', url })).statusCode, 200);
    assert.deepEqual(
      sink.lines.map((l) => [l.msg, l.transaction_id]),
      [
        ['one', 'tx-before'],
        ['without', undefined],
        ['with', 'tx-after'],
        ['no id', undefined],
      ],
    );
    assert.ok(
      sink.lines.every((l) => typeof l.reqId === 'string'),
      'the request id stays',
    );
  } finally {
    await app.close();
  }
});

/** The access log's "request completed" lines of the real app, for POST /predict bodies. */
async function completedLines(modelPath: string, bodies: unknown[]): Promise<Record<string, unknown>[]> {
  const sink = lineSink();
  const { app } = await makeApp(
    { LOG_LEVEL: 'info', FRAUDLENS_ACCESS_LOG: 'true', MODEL_PATH: modelPath },
    { logger: { level: 'info', stream: sink.stream } },
  );
  try {
    for (const body of bodies) {
      const res = await app.inject({ method: 'POST', url: '/predict', payload: body as Record<string, unknown> });
      assert.equal(res.statusCode, 200, res.body);
    }
  } finally {
    await app.close();
  }
  return sink.lines.filter((l) => l.msg === 'request completed');
}

test('the access log of /predict carries the transaction id (precomputed model)', async () => {
  const row = ulbSample();
  const lines = await completedLines(ULB_MODEL, [
    { ...row, transaction_id: 'log-tx-1' },
    row,
    {
      instances: [
        { ...row, transaction_id: 'log-tx-2' },
        { ...row, Amount: 1 },
        { ...row, transaction_id: 'log-tx-3' },
      ],
    },
  ]);
  assert.equal(lines.length, 3);
  assert.equal(lines[0].transaction_id, 'log-tx-1');
  assert.equal('transaction_id' in lines[1], false, 'none when the request had none');
  assert.equal('transaction_id' in lines[2], false);
  assert.deepEqual(lines[2].transaction_ids, ['log-tx-2', 'log-tx-3'], 'a batch names those it carried');
});

test('the access log of /predict carries the transaction id (raw model: the event id)', async () => {
  const tx = JSON.parse(readFileSync(join(REPO_ROOT, 'bench', 'demo-request.json'), 'utf8')) as Record<string, unknown>;
  const lines = await completedLines(join(REPO_ROOT, 'models', 'demo', 'model.json'), [tx]);
  assert.equal(lines.length, 1);
  assert.equal(lines[0].transaction_id, tx.trans_num);
});
