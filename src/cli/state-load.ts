/**
 * `fraudlens state load`: warms entity state from history. The raw events are streamed in time
 * order through the same engine as `fraudlens features` (core/features, the in-process store);
 * with a Redis URL the resulting states are then written to Redis in pipelined batches, one whole
 * state per entity (not one round trip per event), so a new deployment starts with every card's
 * history.
 */

import { FraudlensError } from '../core/errors.js';
import {
  FeatureEngine,
  KEY_SEPARATOR,
  MemoryStateStore,
  compilePlan,
  entityKey,
  newEventRecord,
  newFeatureRow,
  type EntityStateJson,
  type FeatureDefinitions,
  type FeaturePlan,
} from '../core/features/index.js';
import { CellEventReader } from '../core/features/event-reader.js';
import { openCsvRows, type CsvSourceOptions } from '../io/csv-source.js';
import { RedisEntityStateStore } from '../storage/index.js';

export interface StateLoadOptions {
  data: string;
  csv?: CsvSourceOptions;
  /** Write the states to this Redis (else they are computed and counted only). */
  redisUrl?: string;
  redisKeyPrefix?: string;
  /** Sort the file by event time in memory instead of refusing it when unsorted. */
  sort?: boolean;
  /** How long to wait for Redis to answer at the start (default 5,000 ms). */
  connectTimeoutMs?: number;
}

export interface StateLoadSummary {
  events: number;
  duplicates: number;
  /** Entities held at the end, by entity name. */
  entities: Record<string, number>;
  /** Seconds replaying the file (read + compute). */
  replaySeconds: number;
  /** Entity states written to Redis, and the seconds it took (0 without Redis). */
  written: number;
  writeSeconds: number;
  /** The Redis key namespace written (prefix and fingerprint of the definitions). */
  namespace?: string;
}

const seconds = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e9;

/**
 * Replays `data` into entity state, and writes the states to Redis when a URL is given.
 * @example await loadEntityState(defs, { data: 'history.csv.gz', redisUrl: 'redis://cache:6379' });
 */
export async function loadEntityState(defs: FeatureDefinitions, options: StateLoadOptions): Promise<StateLoadSummary> {
  const plan = compilePlan(defs);
  // Connect first: a wrong URL is reported before minutes of replay.
  const redis = options.redisUrl === undefined ? undefined : await connect(plan, options);
  try {
    const started = process.hrtime.bigint();
    const store = new MemoryStateStore(plan);
    const engine = new FeatureEngine(plan, store);
    // The entity keys seen, to export each state afterwards (only when writing them somewhere).
    const keys = redis === undefined ? undefined : plan.groups.map(() => new Set<string>());
    const csv = await openCsvRows(options.data, options.csv);
    let events = 0;
    let duplicates = 0;
    try {
      const reader = new CellEventReader(plan, csv.names, engine.clock, options.data);
      const timeColumn = csv.names.indexOf(defs.event.time.field);
      const event = newEventRecord(plan);
      const row = newFeatureRow(plan);
      // The event just read into `event`, through the engine.
      const replay = (): void => {
        events++;
        if (engine.compute(event, row) === 'duplicate') duplicates++;
        if (keys !== undefined) {
          for (let g = 0; g < plan.groups.length; g++) {
            const key = entityKey(plan.groups[g].keySlots, event.strings);
            if (key !== undefined) keys[g].add(key);
          }
        }
      };
      if (options.sort === true) {
        // Whole file in memory, sorted stably by time (ties keep file order), as `features --sort`.
        const all: string[][] = [];
        const times: number[] = [];
        for await (const cells of csv.rows()) {
          all.push(cells);
          reader.read(cells, all.length, event);
          times.push(event.time);
        }
        const order = Array.from(all.keys()).sort((a, b) => times[a] - times[b] || a - b);
        for (const i of order) {
          reader.read(all[i], i + 1, event);
          replay();
        }
      } else {
        let previous = -Infinity;
        let at = 0;
        for await (const cells of csv.rows()) {
          at++;
          reader.read(cells, at, event);
          if (event.time < previous) {
            throw new FraudlensError(
              'INPUT_NOT_SORTED',
              `data row ${at} has event time ${cells[timeColumn]}, earlier than the row before it: the history must be sorted by ${defs.event.time.field}; sort it, or pass --sort to sort it in memory`,
              { file: options.data, row: at, column: defs.event.time.field },
            );
          }
          previous = event.time;
          replay();
        }
      }
    } finally {
      csv.close();
    }
    if (events === 0) throw new FraudlensError('INPUT_EMPTY', 'the file has a header but no data rows', { file: options.data });
    const replaySeconds = seconds(started);
    const counts = store.entityCounts();
    const summary: StateLoadSummary = {
      events,
      duplicates,
      entities: Object.fromEntries(plan.groups.map((g, i) => [g.name, counts[i]])),
      replaySeconds,
      written: 0,
      writeSeconds: 0,
    };
    if (redis === undefined || keys === undefined) return summary;
    const writing = process.hrtime.bigint();
    try {
      summary.written = await redis.importStates(exportAll(plan, store, keys));
    } catch (e) {
      throw new FraudlensError('STORAGE_UNAVAILABLE', `writing the entity states to Redis failed: ${(e as Error).message}`, {
        field: '--redis',
      });
    }
    summary.writeSeconds = seconds(writing);
    summary.namespace = redis.namespace;
    return summary;
  } finally {
    await redis?.close();
  }
}

async function connect(plan: FeaturePlan, options: StateLoadOptions): Promise<RedisEntityStateStore> {
  const timeoutMs = options.connectTimeoutMs ?? 5_000;
  const store = new RedisEntityStateStore(plan, {
    url: options.redisUrl,
    keyPrefix: options.redisKeyPrefix,
    // Batches of whole states, not the request path: a slow answer is not a failure here.
    commandTimeoutMs: 60_000,
  });
  const deadline = Date.now() + timeoutMs;
  while (!store.stats().connected) {
    if (Date.now() >= deadline) {
      await store.close();
      throw new FraudlensError(
        'STORAGE_UNAVAILABLE',
        `Redis at ${redactUrl(options.redisUrl!)} did not answer within ${timeoutMs} ms`,
        {
          field: '--redis',
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return store;
}

/** The URL with its password hidden, for messages. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

function* exportAll(
  plan: FeaturePlan,
  store: MemoryStateStore,
  keys: readonly Set<string>[],
): Generator<{ entity: string; key: readonly string[]; state: EntityStateJson }> {
  for (let g = 0; g < plan.groups.length; g++) {
    const entity = plan.groups[g].name;
    for (const joined of keys[g]) {
      const key = plan.groups[g].keySlots.length === 2 ? joined.split(KEY_SEPARATOR) : [joined];
      const state = store.exportEntity(entity, key);
      if (state !== undefined) yield { entity, key, state };
    }
  }
}
