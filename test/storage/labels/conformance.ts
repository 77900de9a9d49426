/**
 * One conformance suite for every label store, run with the decision store it sits beside: the
 * current-label rule (latest known_at, ties recorded last), labels before their decision joined
 * later, the `labelled`, amount and order filters of the decision store, and the columnar joined
 * read, each checked against values worked out by hand here.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FraudlensError } from '../../../src/core/errors.js';
import type { LabelStore, NewLabel, PredictionLog, PredictionRecord } from '../../../src/storage/index.js';
import { LABEL_FRAUD, LABEL_LEGITIMATE, LABEL_NONE } from '../../../src/storage/index.js';

export interface LabelStoreFixture {
  decisions: PredictionLog;
  labels: LabelStore;
  close(): Promise<void>;
}

const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

function decision(i: number, over: Partial<PredictionRecord> = {}): PredictionRecord {
  return {
    id: `d-${i}`,
    transaction_id: `tx-${i}`,
    timestamp: new Date(T0 + i * 1000).toISOString(),
    model_version: 'm1',
    score: i / 10,
    decision: i % 3 === 0 ? 'approve' : i % 3 === 1 ? 'review' : 'decline',
    risk_level: 'low',
    latency_ms: 1,
    features: {},
    amount: 10 * i,
    ...over,
  };
}

function label(id: string, value: 'fraud' | 'legitimate', knownOffsetS: number, over: Partial<NewLabel> = {}): NewLabel {
  return {
    transaction_id: id,
    label: value,
    source: 'chargeback',
    knownAt: T0 + knownOffsetS * 1000,
    recordedAt: T0 + 100_000,
    labelledBy: 'analyst-1',
    ...over,
  };
}

/** Runs the suite; `open` gives a fresh decision store and its label store for each test. */
export function runLabelStoreConformance(name: string, open: (namespace: string) => Promise<LabelStoreFixture>): void {
  describe(`label store conformance: ${name}`, () => {
    it('keeps every label, the latest known_at current, ties to the one recorded last', async () => {
      const f = await open('current');
      try {
        const r1 = await f.labels.add([label('tx-1', 'fraud', 50), label('tx-1', 'legitimate', 10, { note: 'older' })]);
        assert.deepEqual(r1, { accepted: 2, joined: 0, pending: 2 });
        const r2 = await f.labels.add([label('tx-1', 'legitimate', 50, { source: 'analyst', labelledBy: 'bob' })]);
        assert.deepEqual(r2, { accepted: 1, joined: 0, pending: 1 });
        const h = await f.labels.history('tx-1');
        assert.ok(h);
        assert.deepEqual(
          h.history.map((l) => [l.label, l.known_at, l.labelled_by]),
          [
            ['legitimate', new Date(T0 + 10_000).toISOString(), 'analyst-1'],
            ['fraud', new Date(T0 + 50_000).toISOString(), 'analyst-1'],
            ['legitimate', new Date(T0 + 50_000).toISOString(), 'bob'],
          ],
        );
        assert.equal(h.history[0].note, 'older');
        assert.equal(h.current.labelled_by, 'bob');
        assert.equal(h.current.source, 'analyst');
        // A later label with an older known_at does not take over.
        await f.labels.add([label('tx-1', 'fraud', 20)]);
        assert.equal((await f.labels.history('tx-1'))?.current.labelled_by, 'bob');
        assert.equal(await f.labels.history('tx-none'), undefined);
        const current = await f.labels.current(['tx-1', 'tx-none']);
        assert.deepEqual([...current.keys()], ['tx-1']);
      } finally {
        await f.close();
      }
    });

    it('joins labels sent before their decision, and counts those that met one', async () => {
      const f = await open('join');
      try {
        assert.deepEqual(await f.labels.add([label('tx-2', 'fraud', 5)]), { accepted: 1, joined: 0, pending: 1 });
        for (let i = 1; i <= 6; i++) f.decisions.append(decision(i));
        await f.decisions.flush();
        assert.deepEqual(await f.labels.add([label('tx-4', 'legitimate', 5), label('tx-99', 'fraud', 5)]), {
          accepted: 2,
          joined: 1,
          pending: 1,
        });
        const cols = await f.labels.labelledDecisions({});
        assert.equal(cols.count, 6);
        assert.deepEqual([...cols.label], [LABEL_NONE, LABEL_FRAUD, LABEL_NONE, LABEL_LEGITIMATE, LABEL_NONE, LABEL_NONE]);
        assert.deepEqual([...cols.score], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
        assert.deepEqual([...cols.decision], [1, 2, 0, 1, 2, 0]);
        assert.deepEqual([...cols.amount], [10, 20, 30, 40, 50, 60]);
        assert.deepEqual(
          [...cols.time],
          [1, 2, 3, 4, 5, 6].map((i) => T0 + i * 1000),
        );
        assert.deepEqual(cols.modelVersions, ['m1']);
        assert.deepEqual([...cols.rule], [-1, -1, -1, -1, -1, -1]);
        const window = await f.labels.labelledDecisions({ since: T0 + 2000, until: T0 + 4000 });
        assert.deepEqual([...window.score], [0.2, 0.3]);
        assert.equal((await f.labels.labelledDecisions({ model_version: 'other' })).count, 0);
      } finally {
        await f.close();
      }
    });

    it('reads rules, model versions, no amount, duplicates and rescores as the decision store answers them', async () => {
      const f = await open('columns');
      try {
        f.decisions.append(
          decision(1, { reasons: [{ kind: 'rule', code: 'big_amount', text: 'big' }], amount: undefined, model_version: 'm2' }),
        );
        f.decisions.append(decision(2));
        f.decisions.append(decision(3, { id: 'd-3-dup', transaction_id: 'tx-2', score: 0.99 }));
        f.decisions.append(decision(4, { id: 'd-4-rescore', transaction_id: 'tx-2', score: 0.77, repeat: 'rescore' }));
        await f.decisions.flush();
        const cols = await f.labels.labelledDecisions({});
        // tx-1, then tx-2's current decision: its rescore (the duplicate never counts).
        assert.deepEqual([...cols.score], [0.1, 0.77]);
        assert.deepEqual(cols.rules, ['big_amount']);
        assert.deepEqual([...cols.rule], [0, -1]);
        assert.ok(Number.isNaN(cols.amount[0]));
        assert.deepEqual(cols.modelVersions, ['m2', 'm1']);
        assert.deepEqual([...cols.modelVersion], [0, 1]);
      } finally {
        await f.close();
      }
    });

    it('reads every model verdict of the labelled current decisions (deciding and shadow)', async () => {
      const f = await open('verdicts');
      try {
        const shadow = (score: number, decision: 'approve' | 'review' | 'decline') => [
          { alias: 'deep', model_version: 'deep-1', score, decision },
        ];
        // tx-1: decided by the champion, deep in the shadow; tx-2: decided by the canary (deep), the
        // champion in the shadow; tx-3: no challengers then (no alias: the champion's); tx-4: unlabelled.
        f.decisions.append(decision(1, { model_alias: 'champion', shadow: shadow(0.15, 'approve') }));
        f.decisions.append(
          decision(2, {
            model_alias: 'deep',
            model_version: 'deep-1',
            shadow: [{ alias: 'champion', model_version: 'm1', score: 0.25, decision: 'review' }],
          }),
        );
        f.decisions.append(decision(3));
        f.decisions.append(decision(4, { model_alias: 'champion', shadow: shadow(0.45, 'decline') }));
        // A duplicate of tx-1 is never read; a rescore of tx-3 replaces it.
        f.decisions.append(decision(5, { id: 'd-5-dup', transaction_id: 'tx-1', score: 0.99, repeat: 'duplicate' }));
        f.decisions.append(
          decision(6, {
            id: 'd-6-rescore',
            transaction_id: 'tx-3',
            score: 0.66,
            repeat: 'rescore',
            shadow: shadow(0.6, 'decline'),
          }),
        );
        await f.decisions.flush();
        await f.labels.add([label('tx-1', 'fraud', 5), label('tx-2', 'legitimate', 5), label('tx-3', 'fraud', 5)]);
        const v = await f.labels.labelledVerdicts({});
        assert.equal(v.count, 3);
        assert.deepEqual(v.aliases, ['champion', 'deep']);
        assert.deepEqual(v.versions, ['m1', 'deep-1']);
        assert.deepEqual([...v.label], [LABEL_FRAUD, LABEL_LEGITIMATE, LABEL_FRAUD]);
        assert.deepEqual([...v.amount], [10, 20, 60]);
        // Row-major: row r, alias a at r * 2 + a.
        assert.deepEqual([...v.score], [0.1, 0.15, 0.25, 0.2, 0.66, 0.6]);
        assert.deepEqual([...v.decision], [1, 0, 1, 2, 0, 2]);
        assert.equal((await f.labels.labelledVerdicts({ since: T0 + 10_000 })).count, 0);
      } finally {
        await f.close();
      }
    });

    it('filters the decision store by label, amount, and pages it oldest first', async () => {
      const f = await open('filters');
      try {
        for (let i = 1; i <= 7; i++) f.decisions.append(decision(i));
        await f.decisions.flush();
        await f.labels.add([label('tx-1', 'fraud', 1), label('tx-4', 'legitimate', 1)]);
        const lookup = await f.labels.lookup();
        const ids = async (q: Parameters<PredictionLog['query']>[0]): Promise<string[]> =>
          (await f.decisions.query({ ...q, labelled_ids: lookup })).records.map((r) => r.id);
        assert.deepEqual(await ids({ limit: 10, decision: 'review', labelled: false, order: 'asc' }), ['d-7']);
        assert.deepEqual(await ids({ limit: 10, labelled: true }), ['d-4', 'd-1']);
        assert.deepEqual(await ids({ limit: 10, amount_min: 20, amount_max: 40 }), ['d-4', 'd-3', 'd-2']);
        const first = await f.decisions.query({ limit: 3, order: 'asc', labelled: false, labelled_ids: lookup });
        assert.deepEqual(
          first.records.map((r) => r.id),
          ['d-2', 'd-3', 'd-5'],
        );
        assert.ok(first.next_cursor);
        const second = await f.decisions.query({
          limit: 3,
          order: 'asc',
          labelled: false,
          labelled_ids: lookup,
          cursor: first.next_cursor,
        });
        assert.deepEqual(
          second.records.map((r) => r.id),
          ['d-6', 'd-7'],
        );
        assert.equal(second.next_cursor, null);
        // A cursor of one order is refused in the other, naming the field.
        await assert.rejects(
          f.decisions.query({ limit: 3, cursor: first.next_cursor }),
          (e: unknown) => e instanceof FraudlensError && e.code === 'INPUT_INVALID' && e.location.field === 'cursor',
        );
      } finally {
        await f.close();
      }
    });
  });
}
