/**
 * The compose stack without Docker: Debian's nginx with the shipped server block and proxy
 * settings in front of three real API processes that share one private Redis, and Debian's
 * Prometheus with the shipped prometheus.yml scraping each replica. Only the addresses differ from
 * the containers (rewritten to this test's ports on 127.0.0.1).
 */

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { Redis } from 'ioredis';

import { startRedisServer, type RedisTestServer } from '../helpers/redis-server.js';
import { startNginx, writeNginxConfig, writePrometheusConfig } from './configs.js';
import {
  freePort,
  getJson,
  metricSum,
  missing,
  postJson,
  Proc,
  sampleTransaction,
  startApi,
  waitUntil,
  which,
  type ApiProcess,
} from './helpers.js';

const skip = missing({ nginx: 'nginx', prometheus: 'prometheus', 'redis-server': 'redis-server' });

/** Runs `count` calls of `task`, at most `concurrency` at a time; returns their results in order. */
async function load<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

async function predictionsOf(api: ApiProcess): Promise<number> {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  return metricSum(text, 'fraudlens_predictions_total');
}

describe('nginx and Prometheus in front of three API replicas sharing one Redis', { skip }, () => {
  let redis: RedisTestServer;
  let apis: ApiProcess[] = [];
  let nginx: Proc;
  let nginxErrorLog = '';
  let proxy = '';
  let prometheus: Proc | undefined;
  let promUrl = '';
  const sent = { predictions: 0 };

  before(async () => {
    redis = await startRedisServer();
    apis = await Promise.all(
      [0, 1, 2].map(() => startApi({ LOGGING_HANDLER: 'redis', REDIS_URL: redis.url, FRAUDLENS_TRUST_PROXY_HOPS: '1' })),
    );
    const httpPort = await freePort();
    const setup = writeNginxConfig({ upstreamPorts: apis.map((a) => a.port), httpPort });
    nginxErrorLog = setup.errorLog;
    nginx = await startNginx(setup, httpPort);
    proxy = `http://127.0.0.1:${httpPort}`;
  });

  after(async () => {
    await prometheus?.stop('SIGTERM');
    await nginx?.stop('SIGQUIT');
    await Promise.all(apis.map((a) => a.proc.stop('SIGKILL')));
    await redis?.dispose();
  });

  test('requests through nginx are spread over all three replicas', async (t) => {
    const n = 90;
    const results = await load(n, 3, async (i) => postJson(`${proxy}/predict`, sampleTransaction(i)));
    sent.predictions += n;
    assert.ok(results.every((r) => r.status === 200 && typeof r.body.score === 'number'));
    const perReplica = await Promise.all(apis.map(predictionsOf));
    t.diagnostic(`predictions per replica: ${perReplica.join(', ')}`);
    assert.equal(
      perReplica.reduce((a, b) => a + b, 0),
      n,
    );
    for (const count of perReplica) assert.ok(count >= n / 6, `each replica takes a share (${perReplica.join(', ')})`);
  });

  test('the replicas share one prediction log: every replica lists every record', async () => {
    const client = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true });
    await client.connect();
    await waitUntil(async () => (await client.llen('api_logs')) === sent.predictions, {
      timeoutMs: 5_000,
      message: `Redis did not hold ${sent.predictions} records`,
    });
    client.disconnect();
    for (const api of apis) {
      const logs = await getJson(`${api.url}/logs?limit=1000`);
      assert.equal(logs.body.count, sent.predictions, `replica on ${api.port} sees all records`);
    }
    const viaProxy = await getJson(`${proxy}/api/logs?limit=1000`);
    assert.equal(viaProxy.body.backend, 'redis');
    assert.equal(viaProxy.body.count, sent.predictions);
  });

  test('the API answers at its own paths and under /api/, and / is passed through unchanged', async () => {
    const direct = await fetch(`${apis[0].url}/health`);
    assert.equal(direct.status, 200);
    for (const path of ['/health', '/api/health']) {
      const r = await getJson(`${proxy}${path}`);
      assert.equal(r.status, 200, path);
      assert.equal(r.body.status, 'healthy', path);
    }
    // A transaction id of its own: one already decided by that replica would be answered from its
    // memory of decisions (replayed), not scored and counted again.
    const p = await postJson(`${proxy}/api/predict`, sampleTransaction(1_000));
    assert.equal(p.status, 200);
    sent.predictions += 1;
    // The dashboard is whatever the API serves at /: nginx returns the same status, type and body.
    const [viaNginx, straight] = await Promise.all([fetch(`${proxy}/`), fetch(`${apis[1].url}/`)]);
    assert.equal(viaNginx.status, straight.status);
    assert.equal(viaNginx.headers.get('content-type'), straight.headers.get('content-type'));
    const [a, b] = await Promise.all([viaNginx.text(), straight.text()]);
    assert.equal(a.length, b.length);
    if ((straight.headers.get('content-type') ?? '').includes('text/html')) assert.match(a, /<script/i);
  });

  test('streamed responses (NDJSON, server-sent events) reach the client as they are written', async () => {
    // An upstream that writes one line, waits, then writes another; through the shipped proxy
    // settings the first line must arrive long before the second is written, also for a client
    // that accepts compressed responses (compression would hold the first line back).
    const gapMs = 1_200;
    const stream: Server = createServer((req, res) => {
      const sse = (req.url ?? '').includes('events');
      res.writeHead(200, { 'content-type': sse ? 'text/event-stream' : 'application/x-ndjson', 'cache-control': 'no-cache' });
      res.write(sse ? 'data: {"event":"first"}\n\n' : '{"event":"first"}\n');
      setTimeout(() => res.end(sse ? 'data: {"event":"second"}\n\n' : '{"event":"second"}\n'), gapMs);
    });
    stream.listen(0, '127.0.0.1');
    await once(stream, 'listening');
    const streamPort = (stream.address() as { port: number }).port;
    const httpPort = await freePort();
    const setup = writeNginxConfig({ upstreamPorts: [streamPort], httpPort });
    const proc = await startNginx(setup, httpPort);
    try {
      await Promise.all(
        ['/stream', '/api/stream', '/events', '/api/events'].map(async (path) => {
          const t0 = Date.now();
          const r = await fetch(`http://127.0.0.1:${httpPort}${path}`, { headers: { 'accept-encoding': 'gzip' } });
          assert.equal(r.headers.get('content-encoding'), null, `${path} is not compressed`);
          const reader = r.body!.getReader();
          const first = await reader.read();
          const firstMs = Date.now() - t0;
          assert.match(Buffer.from(first.value!).toString(), /first/);
          assert.ok(
            firstMs < gapMs / 2,
            `${path}: the first line arrived after ${firstMs} ms, as if nginx held it until the end`,
          );
          let rest = '';
          for (let c = await reader.read(); !c.done; c = await reader.read()) rest += Buffer.from(c.value).toString();
          assert.match(rest, /second/);
        }),
      );
    } finally {
      await proc.stop('SIGQUIT');
      stream.close();
    }
  });

  test('Prometheus with the shipped prometheus.yml scrapes every replica', async (t) => {
    const port = await freePort();
    const { dir, file, shipped } = await writePrometheusConfig(
      apis.map((a) => a.port),
      port,
    );
    const job = shipped.scrape_configs.find((j) => j.dns_sd_configs !== undefined)!.job_name;
    prometheus = new Proc(which('prometheus')!, [
      `--config.file=${file}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ]);
    promUrl = `http://127.0.0.1:${port}`;
    const query = async (q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
      const r = await getJson(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
      return (r.body.data as { result: { metric: Record<string, string>; value: [number, string] }[] }).result;
    };
    await waitUntil(
      async () => {
        if (!prometheus!.running) throw new Error(`prometheus exited:\n${prometheus!.output}`);
        return (await query(`up{job="${job}"} == 1`)).length === 3;
      },
      { timeoutMs: 30_000, intervalMs: 250, message: 'Prometheus did not see three healthy replicas' },
    );
    const instances = (await query('fraudlens_build_info')).map((s) => s.metric.instance).sort();
    assert.deepEqual(instances, apis.map((a) => `127.0.0.1:${a.port}`).sort());
    await waitUntil(async () => Number((await query('sum(fraudlens_predictions_total)'))[0]?.value[1]) === sent.predictions, {
      timeoutMs: 10_000,
      intervalMs: 250,
      message: `sum(fraudlens_predictions_total) did not reach ${sent.predictions}`,
    });
    const latency = await query(
      'histogram_quantile(0.99, sum by (le) (fraudlens_http_request_duration_seconds_bucket{route="/predict"}))',
    );
    assert.equal(latency.length, 1);
    // Drift: each replica has the demo baseline, and they share one window through Redis.
    assert.equal((await query('fraudlens_drift_baseline_loaded == 1')).length, 3);
    // Each replica caches its drift report for a few seconds, so the three agree once their
    // caches have renewed after the last write.
    let windowRows: Awaited<ReturnType<typeof query>> = [];
    await waitUntil(
      async () => {
        windowRows = await query('fraudlens_drift_window_rows');
        return (
          windowRows.length === 3 && windowRows.every((s) => s.value[1] === windowRows[0].value[1] && Number(s.value[1]) > 0)
        );
      },
      { timeoutMs: 20_000, intervalMs: 250, message: 'the replicas did not report one shared drift window' },
    );
    t.diagnostic(
      `Prometheus: up=1 on ${instances.join(', ')}; sum(fraudlens_predictions_total)=${sent.predictions}; p99 /predict ${(Number(latency[0].value[1]) * 1000).toFixed(2)} ms; drift window rows ${windowRows[0].value[1]} on every replica`,
    );
  });

  test('a replica killed under load loses no request: nginx retries on the next one', async (t) => {
    const n = 300;
    let done = 0;
    const victim = apis[1];
    const results = await load(n, 6, async (i) => {
      if (i === 100) await victim.proc.stop('SIGKILL');
      const r = await postJson(`${proxy}/predict`, sampleTransaction(2_000 + i));
      done += 1;
      return r.status;
    });
    sent.predictions += n;
    const failed = results.filter((s) => s !== 200);
    assert.equal(failed.length, 0, `${failed.length} of ${n} requests failed (statuses ${[...new Set(failed)].join(', ')})`);
    assert.equal(done, n);
    const errors = readFileSync(nginxErrorLog, 'utf8');
    const upstreamErrors = errors
      .split('\n')
      .filter((l) => l.includes(`127.0.0.1:${victim.port}`) && /failed|refused|prematurely/.test(l));
    assert.ok(upstreamErrors.length > 0, 'nginx met the dead replica and moved on');
    t.diagnostic(
      `replica killed after 100 of ${n} requests: ${n} answered 200; nginx logged ${upstreamErrors.length} upstream errors for it and retried`,
    );
    if (prometheus !== undefined) {
      await waitUntil(
        async () => {
          const r = await getJson(`${promUrl}/api/v1/query?query=${encodeURIComponent('up == 0')}`);
          const down = (r.body.data as { result: { metric: Record<string, string> }[] }).result.map((s) => s.metric.instance);
          return down.includes(`127.0.0.1:${victim.port}`);
        },
        { timeoutMs: 10_000, intervalMs: 250, message: 'Prometheus did not mark the killed replica down' },
      );
    }
  });
});
