/**
 * The offline replay's store (`fraudlens features`, train/evaluate/predict on raw files): the
 * in-process store's results, with entities found by the interned ids of their keys (an array
 * indexed by id for one key, a PairTable for a key pair) and their windows in flat pools
 * (FlatWindows; count-only entities in a CountPool), instead of Maps of strings and an object per
 * entity. Its events must come from a CellEventReader whose interner it was given (EventRecord.ids).
 */

import { EntityState, type EntityStateJson } from './entity-state.js';
import { FlatWindows } from './flat-windows.js';
import type { KeyInterner } from './key-interner.js';
import { PairTable } from './pair-table.js';
import type { EventRecord, FeaturePlan } from './plan.js';
import { CountPool, isCountOnly, RecentIds, type AddOutcome, type EntityStateStore } from './state-store.js';

export class FlatStateStore implements EntityStateStore {
  /** Per group with one key: key id → slot (-1: none). */
  private bySingle: Int32Array[];
  /** Per group with a key pair: (first id, second id) → slot. */
  private readonly byPair: (PairTable | null)[];
  private readonly windows: (FlatWindows | null)[];
  private readonly pools: (CountPool | null)[];
  private readonly recent: RecentIds;

  constructor(
    private readonly plan: FeaturePlan,
    private readonly interner: KeyInterner,
  ) {
    this.bySingle = plan.groups.map(() => new Int32Array(0));
    this.byPair = plan.groups.map((g) => (g.keySlots.length === 2 ? new PairTable() : null));
    this.pools = plan.groups.map((g) => (isCountOnly(g) ? new CountPool(g) : null));
    this.windows = plan.groups.map((g) => (isCountOnly(g) ? null : new FlatWindows(g)));
    this.recent = new RecentIds(plan.dedupeHorizon);
  }

  readThenAdd(event: EventRecord, out: Float64Array): AddOutcome {
    const duplicate = event.id !== '' && this.recent.seen(event.id, event.time);
    this.visit(event, out, !duplicate);
    return duplicate ? 'duplicate' : 'added';
  }

  read(event: EventRecord, out: Float64Array): void {
    this.visit(event, out, false);
  }

  private slot(g: number, first: number, second: number): number {
    const pairs = this.byPair[g];
    if (pairs !== null) return pairs.get(first, second);
    const single = this.bySingle[g];
    return first < single.length ? single[first] : -1;
  }

  private register(g: number, first: number, second: number, slot: number): void {
    const pairs = this.byPair[g];
    if (pairs !== null) return pairs.set(first, second, slot);
    let single = this.bySingle[g];
    if (first >= single.length) {
      const grown = new Int32Array(Math.max(1024, first * 2)).fill(-1);
      grown.set(single);
      this.bySingle[g] = single = grown;
    }
    single[first] = slot;
  }

  /** As MemoryStateStore.visit; a read without adding goes through an EntityState copy (rare: POST /explain). */
  private visit(event: EventRecord, out: Float64Array, add: boolean): void {
    const groups = this.plan.groups;
    const ids = event.ids;
    const t = event.time;
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g];
      const first = ids[group.keySlots[0]];
      const second = group.keySlots.length === 2 ? ids[group.keySlots[1]] : -1;
      if (first === 0 || second === 0) {
        for (let i = 0; i < group.aggOut.length; i++) out[group.aggOut[i]] = NaN;
        continue;
      }
      let slot = this.slot(g, first, second);
      const pool = this.pools[g];
      if (pool !== null) {
        if (slot < 0 && add) {
          slot = pool.create();
          this.register(g, first, second, slot);
        }
        pool.visit(slot, t, out, add);
        continue;
      }
      const windows = this.windows[g]!;
      if (!add) {
        const state =
          slot < 0
            ? new EntityState(group)
            : new EntityState(
                group,
                windows.toJSON(slot, (id) => this.interner.value(id)),
              );
        state.advance(t);
        state.read(t, out);
        continue;
      }
      if (slot < 0) {
        slot = windows.create();
        this.register(g, first, second, slot);
      }
      windows.advance(slot, t);
      windows.read(slot, t, out);
      windows.add(slot, t, event.numbers, ids);
    }
  }

  entityCounts(): number[] {
    return this.plan.groups.map((_, g) => this.pools[g]?.size ?? this.windows[g]!.size);
  }

  exportEntity(entity: string, key: readonly string[]): EntityStateJson | undefined {
    const g = this.plan.groups.findIndex((p) => p.name === entity);
    if (g < 0 || key.length !== this.plan.groups[g].keySlots.length) return undefined;
    const first = this.interner.find(key[0]);
    const second = key.length === 2 ? this.interner.find(key[1]) : -1;
    if (first === undefined || second === undefined || first === 0 || second === 0) return undefined;
    const slot = this.slot(g, first, second);
    if (slot < 0) return undefined;
    return this.pools[g]?.toJSON(slot) ?? this.windows[g]!.toJSON(slot, (id) => this.interner.value(id));
  }
}
