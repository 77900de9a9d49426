/**
 * Stdout backend: the shared conformance suite (both formats), the exact line formats, the
 * bound on lines waiting in a slow stream, and a stream that breaks.
 */

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';

import { StdoutPredictionLog, formatLegacyLine, type PredictionRecord } from '../../../src/storage/index.js';
import { formatProbability } from '../../../src/storage/prediction-log/stdout.js';
import { waitUntil } from '../../helpers/redis-server.js';
import { makeRecord, runPredictionLogConformance } from './conformance.js';

/** A stream that keeps every line it receives. */
function collector(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.length > 0),
  };
}

for (const format of ['json', 'text'] as const) {
  runPredictionLogConformance(
    `stdout-${format}`,
    (spec) => new StdoutPredictionLog({ maxSize: spec.maxSize, maskFields: spec.maskFields, format, stream: collector().stream }),
  );
}

describe('StdoutPredictionLog JSON lines', () => {
  it('writes one JSON object per line, in append order, masked', async () => {
    const sink = collector();
    const store = new StdoutPredictionLog({ stream: sink.stream, maskFields: ['merchant_category'] });
    const records = [0, 1, 2].map((i) => makeRecord(i));
    for (const r of records) store.append(r);
    await store.flush();
    const parsed = sink.lines().map((l) => JSON.parse(l) as PredictionRecord);
    assert.deepEqual(
      parsed,
      records.map((r) => ({ ...r, features: { ...r.features, merchant_category: '***' } })),
    );
    assert.ok(!sink.lines().join('').includes('grocery'));
    assert.deepEqual(store.stats(), { buffered: 0, dropped: 0, written: 3, connected: true, dropping: false, duplicates: 0 });
    await store.close();
  });
});

describe('StdoutPredictionLog legacy text line', () => {
  const savedTz = process.env.TZ;
  before(() => {
    process.env.TZ = 'Europe/Paris';
  });
  after(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  const line = (over: Partial<PredictionRecord>): string => formatLegacyLine({ ...makeRecord(0), ...over });

  it('prints local time without milliseconds, the 0/1 label and the probability', () => {
    assert.equal(
      line({ timestamp: '2024-03-05T08:07:09.123Z', decision: 'approve', score: 0.0423 }),
      '2024-03-05 09:07:09 - api - INFO - Prédiction effectuée: 0 (prob=0.04)',
    );
    // Summer time, and a local date that is already the next day.
    assert.equal(
      line({ timestamp: '2024-07-14T23:30:00Z', decision: 'decline', score: 0.987 }),
      '2024-07-15 01:30:00 - api - INFO - Prédiction effectuée: 1 (prob=0.99)',
    );
    assert.match(line({ decision: 'review', score: 0.5 }), /Prédiction effectuée: 1 \(prob=0\.50\)$/);
  });

  it('rounds the probability like Python, including exact ties (half to even)', () => {
    // Expected values are what CPython prints for '%.2f' % x.
    const cases: [number, string][] = [
      [0, '0.00'],
      [1, '1.00'],
      [0.125, '0.12'],
      [0.375, '0.38'],
      [0.625, '0.62'],
      [0.875, '0.88'],
      [0.005, '0.01'],
      [0.015, '0.01'],
      [0.045, '0.04'],
      [0.675, '0.68'],
      [1.005, '1.00'],
      [0.999, '1.00'],
      [0.3333, '0.33'],
      [-0.125, '-0.12'],
    ];
    for (const [x, want] of cases) assert.equal(formatProbability(x), want, `formatProbability(${x})`);
  });

  it('writes the legacy line to the stream', async () => {
    const sink = collector();
    const store = new StdoutPredictionLog({ stream: sink.stream, format: 'text' });
    store.append({ ...makeRecord(0), timestamp: '2024-01-31T23:59:59.999Z', decision: 'approve', score: 0.125 });
    await store.close();
    assert.deepEqual(sink.lines(), ['2024-02-01 00:59:59 - api - INFO - Prédiction effectuée: 0 (prob=0.12)']);
  });
});

describe('StdoutPredictionLog with a slow or broken stream', () => {
  it('caps the lines waiting in a stalled stream and counts the rest as dropped', async () => {
    const received: string[] = [];
    const held: (() => void)[] = [];
    let flowing = false;
    const slow = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk.toString('utf8').trim());
        if (flowing) callback();
        else held.push(() => callback());
      },
    });
    const store = new StdoutPredictionLog({ stream: slow, bufferSize: 10, flushTimeoutMs: 5_000 });
    for (let i = 0; i < 15; i += 1) assert.doesNotThrow(() => store.append(makeRecord(i)));
    assert.deepEqual(store.stats(), { buffered: 10, dropped: 5, written: 0, connected: true, dropping: true, duplicates: 0 });

    flowing = true;
    for (const release of held.splice(0)) release();
    await store.flush();
    assert.deepEqual(store.stats(), { buffered: 0, dropped: 5, written: 10, connected: true, dropping: false, duplicates: 0 });
    assert.deepEqual(
      received.map((l) => (JSON.parse(l) as PredictionRecord).id),
      Array.from({ length: 10 }, (_, i) => `p-${i}`),
    );
    await store.close();
  });

  it('survives a stream that fails (EPIPE): no throw, no crash, everything counted', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const store = new StdoutPredictionLog({ stream: broken });
    for (let i = 0; i < 5; i += 1) assert.doesNotThrow(() => store.append(makeRecord(i)));
    await waitUntil(() => store.stats().buffered === 0, { message: 'failed writes did not settle' });
    for (let i = 5; i < 8; i += 1) assert.doesNotThrow(() => store.append(makeRecord(i)));
    const s = store.stats();
    assert.equal(s.connected, false);
    assert.equal(s.written, 0);
    assert.equal(s.dropped, 8);
    await store.close();
  });
});
