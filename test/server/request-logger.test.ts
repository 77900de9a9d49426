/**
 * The deferred request logger: a request that logs nothing at an enabled level never makes its
 * pino child, and the lines a request does write carry its request id as Fastify's own child would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';

import Fastify, { LogController } from 'fastify';

import { deferredChildLogger } from '../../src/server/request-logger.js';

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
