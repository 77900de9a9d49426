/**
 * Raw transactions in: for a model with feature definitions, /predict and /explain receive raw
 * transactions and the features are derived here, from the event and the entity state, with the
 * same core code (FeatureEngine) as `fraudlens features` offline. Then the usual scoring follows
 * (scoring.ts), with the derived features as the transaction.
 *
 * The entity state outlives a model reload when the definitions stay the same (same hash): a
 * retrained model keeps every card's history. New definitions start a new store. Where the state
 * lives is one seam, `StateStoreProvider` (AppDeps.entityStateStore): in process by default.
 *
 * Order of work for one transaction: read it (a 400 naming the field leaves the state untouched),
 * read the aggregations as they stood before it, add it (unless its id is a duplicate), then
 * score. A batch is read whole before any of it touches the state, then derived in order, so each
 * transaction sees the ones before it.
 */

import { FraudlensError } from '../core/errors.js';
import { FeatureEngine, newFeatureRow, type FeatureRow } from '../core/features/engine.js';
import { CellEventReader } from '../core/features/event-reader.js';
import { JsonEventReader } from '../core/features/json-event-reader.js';
import { compilePlan, newEventRecord, type EventRecord, type FeaturePlan } from '../core/features/plan.js';
import { MemoryStateStore, type AddOutcome, type EntityStateStore } from '../core/features/state-store.js';
import { openCsvRows } from '../io/csv-source.js';
import { createEntityStateStore, type EntityStateBackendStore, type FeatureValue } from '../storage/index.js';
import { entityStateConfig, type ServerConfig } from './config.js';
import type { ServerMetrics } from './metrics.js';
import type { RawBody, ServingModel, Transaction } from './model-state.js';

/** An entity state store the app closes when it closes (a Redis store has a connection to end). */
export type ServedStateStore = EntityStateStore & { close?: () => Promise<void> };

/** Makes the store for a set of definitions (compiled): in process now, Redis later. */
export type StateStoreProvider = (plan: FeaturePlan) => ServedStateStore;

/** The embedded default: this process's memory. */
export const memoryStateStore: StateStoreProvider = (plan) => new MemoryStateStore(plan);

/** The store the settings choose (FRAUDLENS_ENTITY_STATE: memory or redis), from the storage registry. */
export function configuredStateStore(config: ServerConfig): StateStoreProvider {
  return (plan) => createEntityStateStore(plan, entityStateConfig(config));
}

/** The stats of a store that reports them (every storage backend does). */
export function backendStore(store: ServedStateStore | undefined): EntityStateBackendStore | undefined {
  return store !== undefined && 'stats' in store && 'backend' in store ? (store as EntityStateBackendStore) : undefined;
}

/** The features of one raw transaction, as scoring and the response take them. */
export interface DerivedTransaction {
  /** Every derived feature, name → value (null: missing); frozen, logged as it is. */
  features: Transaction;
  transactionId: string;
  duplicate: boolean;
  /** The shared state could not take the event (Redis away or slow): features from the last known state. */
  stateFallback: boolean;
}

interface Scratch {
  event: EventRecord;
  row: FeatureRow;
}

/** Everything one set of definitions needs: the compiled plan, its store, the engine over them. */
class DefinitionsState {
  readonly plan: FeaturePlan;
  readonly engine: FeatureEngine;
  readonly reader: JsonEventReader;
  private readonly makeFeatures: (values: readonly FeatureValue[]) => Record<string, FeatureValue>;
  /** toFeatures' scratch (it never awaits, so one serves every request). */
  private readonly values: FeatureValue[];
  /** Scratch records for concurrent transactions (a remote store awaits between read and score). */
  private readonly free: Scratch[] = [];

  constructor(
    readonly hash: string,
    plan: FeaturePlan,
    readonly store: ServedStateStore,
  ) {
    this.plan = plan;
    this.engine = new FeatureEngine(plan, store);
    this.reader = new JsonEventReader(plan, this.engine.clock);
    this.makeFeatures = featuresMaker(plan.names);
    this.values = new Array<FeatureValue>(plan.names.length).fill(null);
  }

  take(): Scratch {
    return this.free.pop() ?? { event: newEventRecord(this.plan), row: newFeatureRow(this.plan) };
  }

  give(s: Scratch): void {
    this.free.push(s);
  }

  /** The row as a frozen name → value object (NaN and '' become null). */
  toFeatures(row: FeatureRow): Transaction {
    const isText = this.plan.isText;
    const values = this.values;
    for (let i = 0; i < values.length; i++) {
      if (isText[i]) values[i] = row.texts[i] === '' ? null : row.texts[i];
      else values[i] = Number.isNaN(row.numbers[i]) ? null : row.numbers[i];
    }
    return Object.freeze(this.makeFeatures(values));
  }
}

/**
 * A function building the features object of a plan from its values in one object literal.
 * Assigned one computed name at a time, the ~40 properties were each a megamorphic keyed store
 * (most of the derivation's own cost, measured in a CPU profile of the raw /predict path); a
 * literal gets its shape in one allocation, the same for every transaction, which also keeps the
 * readers of the object (scoring, the log) on one hidden class.
 */
export function featuresMaker(names: readonly string[]): (values: readonly FeatureValue[]) => Record<string, FeatureValue> {
  // JSON quoting makes any name a plain property key; `__proto__` (a valid name) is written as a
  // computed key, which defines an own property where the literal key would set the prototype.
  const props = names.map((n, i) => `${n === '__proto__' ? `[${JSON.stringify(n)}]` : JSON.stringify(n)}: v[${i}]`);
  return new Function('v', `return { ${props.join(', ')} };`) as (
    values: readonly FeatureValue[],
  ) => Record<string, FeatureValue>;
}

const isPromise = <T>(v: T | Promise<T>): v is Promise<T> => typeof (v as { then?: unknown } | undefined)?.then === 'function';

export class EntityFeatures {
  private live: DefinitionsState | undefined;

  constructor(
    private readonly provide: StateStoreProvider,
    private readonly metrics: ServerMetrics,
  ) {}

  /**
   * The state for the model's definitions; a model with new definitions gets a new store. Called
   * in the same turn as the route reads `models.current`, so it always sees the live model (an
   * old snapshot never swaps the store back).
   */
  private stateFor(m: ServingModel): DefinitionsState {
    const defs = m.model.featureDefinitions!;
    if (this.live?.hash !== defs.hash) {
      const previous = this.live;
      const plan = compilePlan(defs.definitions);
      this.live = new DefinitionsState(defs.hash, plan, this.provide(plan));
      // The old store is released in the background; a failure to close it fails no request.
      previous?.store.close?.().catch(() => undefined);
    }
    return this.live;
  }

  /**
   * Opens the state of a model with definitions now rather than on its first transaction, so
   * /health and /metrics report it (a Redis cut off included) before any traffic.
   */
  prepare(m: ServingModel): void {
    if (m.model.featureDefinitions) this.stateFor(m);
  }

  /**
   * Replays a raw history into the state of the model's definitions, as transactions in time
   * order through the same engine (a memory store answers at once; another is awaited per event).
   * @param path CSV or CSV.gz with a header, sorted by event time
   * @returns the number of events replayed
   * @throws FraudlensError INPUT_NOT_SORTED naming the row, or the reader's error naming the field
   */
  async warm(m: ServingModel, path: string): Promise<number> {
    const state = this.stateFor(m);
    const defs = state.plan.definitions;
    const csv = await openCsvRows(path);
    const scratch = state.take();
    let events = 0;
    try {
      const reader = new CellEventReader(state.plan, csv.names, state.engine.clock, path);
      const timeColumn = csv.names.indexOf(defs.event.time.field);
      let previous = -Infinity;
      for await (const cells of csv.rows()) {
        events++;
        reader.read(cells, events, scratch.event);
        if (scratch.event.time < previous) {
          throw new FraudlensError(
            'INPUT_NOT_SORTED',
            `entity state history: row ${events} has event time ${cells[timeColumn]}, earlier than the row before it; sort the file by ${defs.event.time.field}`,
            { file: path, row: events, column: defs.event.time.field },
          );
        }
        previous = scratch.event.time;
        const outcome = state.engine.compute(scratch.event, scratch.row);
        if (isPromise(outcome)) await outcome;
      }
    } finally {
      csv.close();
      state.give(scratch);
    }
    return events;
  }

  /** The live store, if one was made (tests and warm starts look into it). */
  get store(): ServedStateStore | undefined {
    return this.live?.store;
  }

  /**
   * Derives the features of raw transactions, in order.
   * @param add false for POST /explain: read the state, change nothing
   * @param where message prefix per row (`body`, `body/instances/3`)
   */
  async derive(
    m: ServingModel,
    rows: readonly RawBody[],
    add: boolean,
    where: (i: number) => string,
  ): Promise<DerivedTransaction[]> {
    const state = this.stateFor(m);
    const out: DerivedTransaction[] = new Array(rows.length);
    if (rows.length === 1) {
      const s = state.take();
      try {
        this.read(state, rows[0], s.event, where(0));
        const one = this.compute(state, s, add);
        out[0] = isPromise(one) ? await one : one;
      } finally {
        state.give(s);
      }
      return out;
    }
    // A batch is read whole first: a bad row refuses the batch before any row touches the state.
    const events = rows.map((r, i) => {
      const event = newEventRecord(state.plan);
      this.read(state, r, event, where(i));
      return event;
    });
    const s = state.take();
    try {
      for (let i = 0; i < events.length; i++) {
        const one = this.compute(state, { event: events[i], row: s.row }, add);
        out[i] = isPromise(one) ? await one : one;
      }
    } finally {
      state.give(s);
    }
    return out;
  }

  private read(state: DefinitionsState, body: RawBody, event: EventRecord, where: string): void {
    try {
      state.reader.read(body, event, where);
    } catch (e) {
      this.metrics.recordFeatureError('input');
      throw e;
    }
  }

  /** Derives one read transaction; no closure or promise on the in-process store's path. */
  private compute(state: DefinitionsState, s: Scratch, add: boolean): DerivedTransaction | Promise<DerivedTransaction> {
    const started = performance.now();
    let outcome: AddOutcome | void | Promise<AddOutcome | void>;
    try {
      outcome = add ? state.engine.compute(s.event, s.row) : state.engine.peek(s.event, s.row);
    } catch (e) {
      return this.failed(e);
    }
    if (isPromise(outcome))
      return outcome.then(
        (o) => this.finish(state, s, o ?? 'read', started),
        (e) => this.failed(e),
      );
    return this.finish(state, s, outcome ?? 'read', started);
  }

  private finish(state: DefinitionsState, s: Scratch, outcome: AddOutcome | 'read', started: number): DerivedTransaction {
    this.metrics.recordRawTransaction(outcome, (performance.now() - started) / 1000);
    return {
      features: state.toFeatures(s.row),
      transactionId: s.event.id,
      duplicate: outcome === 'duplicate',
      stateFallback: outcome === 'unapplied',
    };
  }

  private failed(e: unknown): never {
    this.metrics.recordFeatureError('state');
    if (e instanceof FraudlensError) throw e;
    throw new FraudlensError('FEATURES_STATE_UNAVAILABLE', `the entity state failed: ${(e as Error).message}`);
  }

  async close(): Promise<void> {
    await this.live?.store.close?.();
  }
}
