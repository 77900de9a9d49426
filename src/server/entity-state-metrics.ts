/**
 * The entity-state store on /metrics and /health, ready for the /predict raw-transaction path to
 * plug in: gauges of its connection and in-flight updates, and counters following its running
 * totals (updates, written, duplicates, dropped), all labelled by backend and read at scrape time.
 * `read` returns the store in use (it changes when a model with other definitions is loaded, or
 * is undefined while the served model has no feature definitions).
 */

import { Counter, Gauge, type Registry } from 'prom-client';

import type { EntityStateBackendStore, EntityStateStats } from '../storage/index.js';

/** What /health shows of the entity state: the backend and its stats. */
export interface EntityStateHealth extends EntityStateStats {
  backend: string;
}

export function entityStateHealth(store: EntityStateBackendStore): EntityStateHealth {
  return { backend: store.backend, ...store.stats() };
}

/**
 * Registers the entity-state metrics on `registry`.
 * @param read the store in use, or undefined when there is none
 */
export function registerEntityStateMetrics(registry: Registry, read: () => EntityStateBackendStore | undefined): void {
  const registers = [registry];
  const gauge = (name: string, help: string, value: (s: EntityStateStats) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['backend'],
      registers,
      collect() {
        const store = read();
        this.reset();
        if (store !== undefined) this.labels(store.backend).set(value(store.stats()));
      },
    });
  };
  gauge(
    'fraudlens_entity_state_connected',
    'Whether the entity state backend takes updates (1) or not (0: Redis away, features come from the last known state).',
    (s) => (s.connected ? 1 : 0),
  );
  gauge('fraudlens_entity_state_pending', 'Transactions waiting for the entity state backend to answer.', (s) => s.pending);

  const follow = (name: string, help: string, value: (s: EntityStateStats) => number): void => {
    // Per store: a new store (another model's definitions) starts its totals at zero.
    let current: EntityStateBackendStore | undefined;
    let seen = 0;
    new Counter({
      name,
      help,
      labelNames: ['backend'],
      registers,
      collect() {
        const store = read();
        if (store === undefined) return;
        if (store !== current) {
          current = store;
          seen = 0;
        }
        const now = value(store.stats());
        this.labels(store.backend).inc(Math.max(0, now - seen));
        seen = Math.max(seen, now);
      },
    });
  };
  follow('fraudlens_entity_state_updates_total', 'Transactions offered to the entity state.', (s) => s.updates);
  follow('fraudlens_entity_state_written_total', 'Transactions added to the entity state.', (s) => s.written);
  follow(
    'fraudlens_entity_state_duplicates_total',
    'Transactions whose id was already seen: read, not added again.',
    (s) => s.duplicates,
  );
  follow(
    'fraudlens_entity_state_dropped_total',
    'Transactions whose update could not be applied (backend unreachable or too slow, or closed): scored from the last known state, flagged degraded.',
    (s) => s.dropped,
  );
}
