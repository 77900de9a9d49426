/**
 * Redis entity state: every replica reads and updates the same per-entity states.
 *
 * Layout (common/redis-codec.ts): one list per entity key holding a small marker (the number of
 * events folded so far, the base), a head (an EntityState JSON of those events) and the events
 * added since, in the order Redis applied them; plus one key per event id for the duplicate rule.
 *
 * One round trip per transaction: a Lua script (EVALSHA) over the event's entity lists and its
 * id key sets the id key (SET NX PX: a duplicate across replicas), returns each list as it stands,
 * appends the event to each (unless a duplicate) and renews the lists' expiry, atomically. This
 * process then rebuilds each state with core's own code (EntityState.fromJSON, then advance and
 * add for every event after the head, exactly what the in-process store did when those events
 * arrived), reads the aggregations at the event's time and adds the event: the aggregations are
 * those of the in-process store for the order in which Redis applied the events, with no
 * aggregation re-implemented in Lua. Because Redis serialises the scripts, concurrent replicas
 * never lose an update and the counts stay exact.
 *
 * Only what is new crosses the wire. The process keeps the states it rebuilt (a bounded cache per
 * entity name), each with the absolute position of the last list event it has seen and that item;
 * the script returns only the items after it when it is still in place (checked by exact
 * comparison, so an expired or restarted list is never mistaken for it), reading the marker but
 * never the head. Calls for one entity chain: a call sent while others are in flight asks from
 * the position the last of them will give its own event, and the replies, which arrive in the
 * order sent over the one connection, are applied to the one state in that order. So a busy card
 * (many requests in flight at once) costs each request its own few items, not the whole list; an
 * event of another replica landing in between breaks the chain, and the call it broke reads the
 * whole list once.
 *
 * The lists stay short: once a list's events after its head are COMPACT_AFTER or more and as many
 * as the state's ring holds besides, the process folds all but the newest into a new head (a
 * second script, sent without waiting, off the request path); each fold writes the whole ring, so
 * its cost per event stays constant. The fold is a compare-and-set: it applies only if the marker
 * is still the one it started from and the last folded event is still at its place, so concurrent
 * folds, an expired key or a restarted server never lose events; a fold that does not apply is
 * simply retried by a later event. Every write renews the list's expiry (the largest finite
 * window, or the dedupe horizon of a day, plus a margin), so an entity idle for longer is forgotten
 * and memory stays bounded. Event ids expire after the dedupe horizon, counted from when Redis saw
 * them.
 *
 * Redis unavailable (not connected, an error, or no answer within `commandTimeoutMs`): the event
 * is read from the last state this process rebuilt for each entity (a bounded cache) or from an
 * empty state, is not added, resolves 'unapplied' and is counted as dropped. An answer lost after
 * Redis applied the script counts as dropped although Redis holds the event (at most once), and so
 * do the calls already chained behind it on the same entity; the next call reads the whole list.
 */

import { FraudlensError } from '../../core/errors.js';
import {
  EntityState,
  KEY_SEPARATOR,
  definitionsHash,
  entityKey,
  newEventRecord,
  type AddOutcome,
  type EntityGroupPlan,
  type EntityStateJson,
  type EventRecord,
  type FeaturePlan,
} from '../../core/features/index.js';
import {
  ENTITY_LIST_LAYOUT,
  copyEntityEvent,
  decodeEntityEvent,
  decodeEntityMarker,
  encodeEntityEvent,
  encodeEntityMarker,
  entityStateListKey,
  entityStateListPattern,
  eventIdKey,
} from '../common/redis-codec.js';
import { RedisConnection, resolveRedisConnectionOptions, type RedisConnectionOptions } from '../common/redis-connection.js';
import { positiveIntegerOption } from '../common/options.js';
import { RedisScript } from '../common/redis-script.js';
import type { EntityStateBackendStore, EntityStateStats } from './contract.js';

export interface RedisEntityStateOptions extends RedisConnectionOptions {
  /** Prefix of every key (default 'fraudlens:state:'); a fingerprint of the definitions follows it. */
  keyPrefix?: string | undefined;
  /** Entities per entity name whose last rebuilt state is kept for the fallback (default 10,000). */
  lastKnownSize?: number | undefined;
  /** Fewest events after a list's head that the process folds into a new head (default 16; see the module comment). */
  compactAfter?: number | undefined;
}

export const DEFAULT_ENTITY_STATE_KEY_PREFIX = 'fraudlens:state:';
/** Past the horizon, how much longer an idle entity's list is kept (seconds). */
export const ENTITY_STATE_EXPIRY_MARGIN_SECONDS = 86_400;
/** The request path waits this long for Redis by default before answering from the fallback. */
export const DEFAULT_ENTITY_STATE_TIMEOUT_MS = 250;
const DEFAULT_LAST_KNOWN_SIZE = 10_000;
const DEFAULT_COMPACT_AFTER = 16;
/** Entity states written per pipelined batch when importing. */
const IMPORT_BATCH = 500;
/** Spare event records kept for calls in flight (more in flight get fresh ones, dropped after). */
const SPARE_EVENTS = 256;

/**
 * KEYS[1]: the event id key; KEYS[2..]: the event's entity lists.
 * ARGV[1]: '1' when the event has an id; ARGV[2]: id expiry (ms); ARGV[3]: list expiry (ms); then
 * per list three values: the event as an item of it, and what this process already holds of it:
 * the absolute position of the last event its state has seen and that item ('' and '': nothing).
 * Returns {duplicate (0|1), reply 1, reply 2, ...}, each the list as it stood before the event:
 * the whole list, or, when the known item is still at its place, "D<base>" followed by the items
 * after it (what this process has not seen). Only the small marker is read otherwise: never the
 * head, whose state can weigh tens of kilobytes.
 */
const READ_THEN_ADD_LUA = `
local duplicate = 0
if ARGV[1] == '1' and not redis.call('SET', KEYS[1], '1', 'PX', ARGV[2], 'NX') then duplicate = 1 end
local out = {duplicate}
for i = 2, #KEYS do
  local a = 4 + 3 * (i - 2)
  local items = nil
  if ARGV[a + 1] ~= '' then
    local marker = redis.call('LINDEX', KEYS[i], 0)
    local base = marker and tonumber(string.match(marker, '^B(%d+)$'))
    if base then
      local at = tonumber(ARGV[a + 1]) - base + 1
      if at >= 2 and redis.call('LINDEX', KEYS[i], at) == ARGV[a + 2] then
        items = redis.call('LRANGE', KEYS[i], at + 1, -1)
        table.insert(items, 1, 'D' .. base)
      end
    end
  end
  if not items then items = redis.call('LRANGE', KEYS[i], 0, -1) end
  out[i] = items
  if duplicate == 0 then
    if redis.call('RPUSHX', KEYS[i], ARGV[a]) == 0 then redis.call('RPUSH', KEYS[i], 'B0', '', ARGV[a]) end
    redis.call('PEXPIRE', KEYS[i], ARGV[3])
  end
end
return out
`;

/**
 * KEYS[1]: an entity list. ARGV[1]: the marker it must have; ARGV[2]: k, events folded; ARGV[3]:
 * the item that must be the k-th event (the last folded); ARGV[4]: the new head; ARGV[5]: list
 * expiry (ms); ARGV[6]: the new marker. Replaces marker, head and the k events by the new marker
 * and head; 1 when applied.
 */
const FOLD_LUA = `
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then return 0 end
local k = tonumber(ARGV[2])
if redis.call('LINDEX', KEYS[1], k + 1) ~= ARGV[3] then return 0 end
redis.call('LTRIM', KEYS[1], k + 2, -1)
redis.call('LPUSH', KEYS[1], ARGV[4], ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`;

const READ_THEN_ADD = new RedisScript(READ_THEN_ADD_LUA);
/** Thrown (before any state moves) for a reply that continues a state this process does not hold. */
const BEHIND = new Error('a partial reply to a state not held');
const FOLD = new RedisScript(FOLD_LUA);

/** The list (head and events) rebuilt into a state, with the facts the fold needs. */
interface Rebuilt {
  state: EntityState;
  base: number;
  /** Events after the head. */
  tail: number;
}

/**
 * What this process holds of one entity: the state after `count` events of its list (the last
 * being `lastItem`; '' when none follows the head), the list's base when last seen. Calls in
 * flight chain on it: each asks for what came after `sentCount` / `sentItem`, the position its
 * predecessor's own event will hold if nothing else lands in between (Redis checks that exactly),
 * and replies are applied in the order they were sent (one connection), so each finds the state
 * where its question left it.
 */
interface Known {
  /** The entity's list key, made once (every call names it). */
  readonly listKey: string;
  state: EntityState;
  count: number;
  lastItem: string;
  base: number;
  sentCount: number;
  sentItem: string;
  /** Calls in flight that asked from this entry. */
  inflight: number;
  /** A fold of this list is in flight: no second one until it settles. */
  folding: boolean;
}

/** What one call asked of an entity: the entry and the position it asked from. */
interface Asked {
  known: Known;
  count: number;
  item: string;
}

/** A Map kept in use order, bounded: the oldest-used entry goes first. */
class LastKnown {
  private readonly map = new Map<string, Known>();
  constructor(private readonly capacity: number) {}

  get(key: string): Known | undefined {
    return this.map.get(key);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /** Marks an entry just used (the newest), when it is still the one held for `key`. */
  touch(key: string, known: Known): void {
    if (this.map.get(key) !== known) return;
    this.map.delete(key);
    this.map.set(key, known);
  }

  set(key: string, known: Known): void {
    this.map.delete(key);
    this.map.set(key, known);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }
}

export class RedisEntityStateStore implements EntityStateBackendStore {
  readonly backend: string = 'redis';
  /** Prefix of this store's keys: <keyPrefix><fingerprint of the definitions>:v<list layout>: */
  readonly namespace: string;
  private readonly plan: FeaturePlan;
  private readonly connection: RedisConnection;
  private readonly idTtlMs: string;
  private readonly listTtlMs: string;
  private readonly compactAfter: number;
  private readonly lastKnown: LastKnown[];
  /** Replayed events are decoded into this record (only each entity's own slots are read). */
  private readonly scratch: EventRecord;
  /**
   * Records that hold a call's own event while it is in flight (copied from the caller's, which
   * it may reuse): its entities add it from there, not by parsing back the items just encoded.
   */
  private readonly spareEvents: EventRecord[] = [];
  private closed = false;
  /**
   * Pending until the first connection attempt ends (ready, refused or timed out): events that
   * arrive while a new store is still connecting wait for it rather than count as dropped.
   */
  private firstAttempt: Promise<void> | undefined;
  private updates = 0;
  private written = 0;
  private duplicates = 0;
  private pending = 0;
  private dropped = 0;
  private dropping = false;

  /**
   * @param plan the compiled definitions whose entities the store keeps
   * @param options Redis connection, key prefix, timeouts
   */
  constructor(plan: FeaturePlan, options: RedisEntityStateOptions = {}) {
    this.plan = plan;
    const settings = resolveRedisConnectionOptions(
      { ...options, commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_ENTITY_STATE_TIMEOUT_MS },
      'Entity state',
    );
    const prefix = options.keyPrefix ?? DEFAULT_ENTITY_STATE_KEY_PREFIX;
    if (typeof prefix !== 'string')
      throw new FraudlensError('CONFIG_INVALID', 'The entity state key prefix must be a string.', { field: 'keyPrefix' });
    this.namespace = `${prefix}${definitionsHash(plan.definitions).slice(0, 16)}:v${ENTITY_LIST_LAYOUT}:`;
    const lastKnownSize = positiveIntegerOption('lastKnownSize', options.lastKnownSize, DEFAULT_LAST_KNOWN_SIZE, 'Entity state');
    this.compactAfter = positiveIntegerOption('compactAfter', options.compactAfter, DEFAULT_COMPACT_AFTER, 'Entity state');
    this.lastKnown = plan.groups.map(() => new LastKnown(lastKnownSize));
    // The dedupe horizon is the largest finite window, and at least a day (plan.dedupeHorizon).
    this.idTtlMs = String(plan.dedupeHorizon * 1000);
    this.listTtlMs = String((plan.dedupeHorizon + ENTITY_STATE_EXPIRY_MARGIN_SECONDS) * 1000);
    this.scratch = newEventRecord(plan);
    this.connection = new RedisConnection(settings, { connectionName: 'fraudlens-entity-state', autoPipelining: true });
    const client = this.connection.client;
    this.firstAttempt = new Promise<void>((resolve) => {
      const done = (): void => {
        client.off('ready', done).off('error', done).off('end', done);
        this.firstAttempt = undefined;
        resolve();
      };
      client.once('ready', done).once('error', done).once('end', done);
    });
  }

  /** How long an idle entity's list lives, in ms (the horizon plus a margin). */
  get listExpiryMs(): number {
    return Number(this.listTtlMs);
  }

  readThenAdd(event: EventRecord, out: Float64Array): Promise<AddOutcome> {
    if (this.firstAttempt !== undefined && !this.closed) return this.firstAttempt.then(() => this.readThenAdd(event, out));
    this.updates++;
    const groups = this.plan.groups;
    const t = event.time;
    // Everything the answer needs is taken from the event now: the caller may reuse its record.
    // The arrays are made at their largest and cut to the entities present (pushes would allocate 16 places each).
    const n = groups.length;
    const keys = new Array<string>(1 + n);
    keys[0] = eventIdKey(this.namespace, event.id);
    const args = new Array<string>(3 + 3 * n);
    args[0] = event.id === '' ? '0' : '1';
    args[1] = this.idTtlMs;
    args[2] = this.listTtlMs;
    const active = new Array<number>(n);
    const entityKeys = new Array<string>(n);
    const own = new Array<string>(n);
    const asked = new Array<Asked | undefined>(n);
    const offline = this.closed || !this.connection.ready;
    let m = 0;
    for (let g = 0; g < n; g++) {
      const key = entityKey(groups[g].keySlots, event.strings);
      if (key === undefined) {
        for (let i = 0; i < groups[g].aggOut.length; i++) out[groups[g].aggOut[i]] = NaN;
        continue;
      }
      active[m] = g;
      entityKeys[m] = key;
      const item = encodeEntityEvent(groups[g], event);
      own[m] = item;
      // Ask only for what came after the position the calls already sent will have reached.
      const known = offline ? undefined : this.lastKnown[g].get(key);
      keys[1 + m] = known?.listKey ?? entityStateListKey(this.namespace, groups[g].name, key);
      const a = 3 + 3 * m;
      args[a] = item;
      if (known !== undefined) {
        asked[m] = { known, count: known.sentCount, item: known.sentItem };
        args[a + 1] = known.sentItem === '' ? '' : String(known.sentCount);
        args[a + 2] = known.sentItem;
        known.sentCount++;
        known.sentItem = item;
        known.inflight++;
      } else {
        asked[m] = undefined;
        args[a + 1] = '';
        args[a + 2] = '';
      }
      m++;
    }
    keys.length = 1 + m;
    args.length = 3 + 3 * m;
    active.length = entityKeys.length = own.length = asked.length = m;
    if (offline) return Promise.resolve(this.fallback(active, entityKeys, t, out));
    // The event as its items decode (undefined when one cannot be copied so: the items are parsed then).
    let ownEvent: EventRecord | undefined = this.spareEvents.pop() ?? newEventRecord(this.plan);
    for (let i = 0; i < active.length && ownEvent !== undefined; i++)
      if (!copyEntityEvent(groups[active[i]], event, ownEvent)) ownEvent = this.giveBack(ownEvent);
    this.pending++;
    return READ_THEN_ADD.run(this.connection, keys, args).then(
      (reply) => {
        this.pending--;
        try {
          return this.apply(reply, active, entityKeys, keys, own, ownEvent, asked, t, out);
        } catch (err) {
          // The event was added, but cannot be read here. A reply to a question asked from a
          // state an earlier lost answer never brought here: the states are intact, only behind,
          // and the next call asks from where they stand. A list of another shape (another
          // writer's): a state may have been half brought up to date, so forget them all.
          if (err !== BEHIND) this.forget(active, entityKeys, asked);
          return this.fallback(active, entityKeys, t, out);
        } finally {
          this.release(asked);
          if (ownEvent !== undefined) this.giveBack(ownEvent);
        }
      },
      () => {
        this.pending--;
        this.release(asked);
        if (ownEvent !== undefined) this.giveBack(ownEvent);
        return this.fallback(active, entityKeys, t, out);
      },
    );
  }

  /** Keeps a record for a later call, its strings cleared (so it holds no request's data alive); returns undefined. */
  private giveBack(record: EventRecord): undefined {
    if (this.spareEvents.length >= SPARE_EVENTS) return undefined;
    record.id = '';
    record.strings.fill('');
    this.spareEvents.push(record);
    return undefined;
  }

  /** One call's questions are answered: an entry with none left in flight asks from where it stands. */
  private release(asked: readonly (Asked | undefined)[]): void {
    for (const a of asked) {
      if (a === undefined || --a.known.inflight > 0) continue;
      a.known.sentCount = a.known.count;
      a.known.sentItem = a.known.lastItem;
    }
  }

  /** Drops the entries of one call: a later reply asked from them finds them unusable (count -1). */
  private forget(active: readonly number[], entityKeys: readonly string[], asked: readonly (Asked | undefined)[]): void {
    for (let i = 0; i < active.length; i++) {
      const held = this.lastKnown[active[i]].get(entityKeys[i]);
      const mine = asked[i]?.known;
      if (mine !== undefined) mine.count = -1;
      if (held !== undefined && (held === mine || mine === undefined)) {
        held.count = -1;
        this.lastKnown[active[i]].delete(entityKeys[i]);
      }
    }
  }

  /** Rebuilds (or brings up to date) each entity from the script's reply, reads it, adds the event and folds long lists. */
  private apply(
    reply: unknown,
    active: readonly number[],
    entityKeys: readonly string[],
    keys: readonly string[],
    own: readonly string[],
    ownEvent: EventRecord | undefined,
    asked: readonly (Asked | undefined)[],
    t: number,
    out: Float64Array,
  ): AddOutcome {
    const lists = reply as [number, ...string[][]];
    const duplicate = lists[0] === 1;
    // Every reply checked before any state moves: one that cannot be applied leaves them untouched.
    for (let i = 0; i < active.length; i++) {
      const items = lists[i + 1];
      if (!Array.isArray(items)) throw new Error('not a list');
      if (items.length > 0 && items[0].charCodeAt(0) === 68 /* D */) {
        // Only the events after the position asked from: this process must hold exactly that state.
        const a = asked[i];
        if (a === undefined) throw new Error('a partial reply to a whole-list request');
        if (a.known.count !== a.count || a.known.lastItem !== a.item) throw BEHIND;
      }
    }
    const states: Known[] = [];
    for (let i = 0; i < active.length; i++) {
      const group = this.plan.groups[active[i]];
      const items = lists[i + 1] as string[];
      const a = asked[i];
      if (items[0]?.charCodeAt(0) === 68 /* D */) {
        const k = a!.known;
        k.base = Number(items[0].slice(1));
        for (let j = 1; j < items.length; j++) this.replay(group, k.state, items[j]);
        k.count += items.length - 1;
        if (items.length > 1) k.lastItem = items[items.length - 1];
        states.push(k);
        continue;
      }
      const rebuilt = this.rebuild(group, items);
      const fresh = {
        state: rebuilt.state,
        count: rebuilt.base + rebuilt.tail,
        lastItem: rebuilt.tail > 0 ? items[items.length - 1] : '',
        base: rebuilt.base,
      };
      if (a !== undefined) {
        // The same entry, brought to the list as it stands: calls sent after this one chain on it.
        Object.assign(a.known, fresh);
        states.push(a.known);
        continue;
      }
      const held = this.lastKnown[active[i]].get(entityKeys[i]);
      const k: Known = {
        listKey: keys[i + 1],
        ...fresh,
        sentCount: fresh.count,
        sentItem: fresh.lastItem,
        inflight: 0,
        folding: false,
      };
      // An entry with calls in flight keeps its place: they will be applied to it.
      if (held === undefined || held.inflight === 0) this.lastKnown[active[i]].set(entityKeys[i], k);
      states.push(k);
    }
    for (let i = 0; i < active.length; i++) {
      const group = this.plan.groups[active[i]];
      const k = states[i];
      k.state.advance(t);
      k.state.read(t, out);
      if (!duplicate) {
        // The own event as its item decodes: copied when the call was made, else parsed back.
        const added = ownEvent ?? this.scratch;
        if (ownEvent === undefined && !decodeEntityEvent(group, own[i], this.scratch)) throw new Error('unreadable own event');
        // Every event before this one folds into a new head (see fold) once they are compactAfter
        // and as many as the head's ring holds: a fold writes the whole ring, so per event it costs O(1).
        const folded = k.count - k.base;
        if (!k.folding && k.lastItem !== '' && folded >= Math.max(this.compactAfter, k.state.ringSize - folded))
          this.fold(keys[i + 1], k, folded);
        k.state.add(added);
        // The event now sits right after the last one this process knew.
        k.count++;
        k.lastItem = own[i];
      }
      // A new entry: the next call asks from here (an entry that was asked from: see release).
      if (asked[i] === undefined && k.inflight === 0) {
        k.sentCount = k.count;
        k.sentItem = k.lastItem;
      }
      this.lastKnown[active[i]].touch(entityKeys[i], k);
    }
    if (duplicate) {
      this.duplicates++;
      return 'duplicate';
    }
    this.written++;
    this.dropping = false;
    return 'added';
  }

  /** Replays one list item into a state: what the in-process store did when it arrived, minus the read. */
  private replay(group: EntityGroupPlan, state: EntityState, item: string): void {
    if (!decodeEntityEvent(group, item, this.scratch)) throw new Error('not an entity event');
    state.advance(this.scratch.time);
    state.add(this.scratch);
  }

  /** The state a list holds: its head's state with every event after it replayed. */
  private rebuild(group: EntityGroupPlan, items: readonly string[]): Rebuilt {
    if (items.length === 0) return { state: new EntityState(group), base: 0, tail: 0 };
    const base = decodeEntityMarker(items[0]);
    if (base === undefined || items.length < 2) throw new Error('not an entity list');
    const head = items[1];
    const state = head === '' ? new EntityState(group) : EntityState.fromJSON(group, JSON.parse(head) as EntityStateJson);
    for (let j = 2; j < items.length; j++) this.replay(group, state, items[j]);
    return { state, base, tail: items.length - 2 };
  }

  /**
   * Folds the list's first `k` events (through `known.lastItem`) into a new head: the state as it
   * stands now, advanced to the coming event's time but before that event is added, which is what
   * replaying the events up to and including it yields. Not awaited; the coming event stays after
   * the head, so the next call asking after it still gets only what is new.
   */
  private fold(listKey: string, known: Known, k: number): void {
    const head = JSON.stringify(known.state.toJSON());
    const args = [
      encodeEntityMarker(known.base),
      String(k),
      known.lastItem,
      head,
      this.listTtlMs,
      encodeEntityMarker(known.base + k),
    ];
    known.folding = true;
    // A fold that fails or does not apply leaves the list longer; a later event folds it.
    FOLD.run(this.connection, [listKey], args).then(
      () => (known.folding = false),
      () => (known.folding = false),
    );
  }

  /** Reads the entities from what this process last knew (or empty states); the event is not added. */
  private fallback(active: readonly number[], entityKeys: readonly string[], t: number, out: Float64Array): AddOutcome {
    for (let i = 0; i < active.length; i++) {
      const group = this.plan.groups[active[i]];
      const held = this.lastKnown[active[i]].get(entityKeys[i]);
      const state = held !== undefined && held.count >= 0 ? held.state : new EntityState(group);
      state.advance(t);
      state.read(t, out);
    }
    this.dropped++;
    this.dropping = true;
    return 'unapplied';
  }

  /**
   * The event's aggregations without adding it or remembering its id (what /explain needs): each
   * entity's list is read whole in one pipelined round trip and rebuilt apart from the cached
   * states, so nothing this process holds moves. Without Redis, copies of the last-known states
   * are read (or empty ones); nothing is counted, since nothing was to be written.
   */
  async read(event: EventRecord, out: Float64Array): Promise<void> {
    if (this.firstAttempt !== undefined && !this.closed) await this.firstAttempt;
    const groups = this.plan.groups;
    const t = event.time;
    const active: number[] = [];
    const entityKeys: string[] = [];
    for (let g = 0; g < groups.length; g++) {
      const key = entityKey(groups[g].keySlots, event.strings);
      if (key === undefined) {
        for (let i = 0; i < groups[g].aggOut.length; i++) out[groups[g].aggOut[i]] = NaN;
        continue;
      }
      active.push(g);
      entityKeys.push(key);
    }
    if (active.length === 0) return;
    let lists: string[][] | undefined;
    if (!this.closed && this.connection.ready) {
      try {
        const pipe = this.connection.client.pipeline();
        for (let i = 0; i < active.length; i++)
          pipe.lrange(entityStateListKey(this.namespace, groups[active[i]].name, entityKeys[i]), 0, -1);
        const replies = await pipe.exec();
        if (replies !== null && replies.every(([err]) => !err)) lists = replies.map(([, items]) => items as string[]);
      } catch {
        lists = undefined;
      }
    }
    for (let i = 0; i < active.length; i++) {
      const group = groups[active[i]];
      let state: EntityState | undefined;
      if (lists !== undefined) {
        try {
          state = this.rebuild(group, lists[i]).state;
        } catch {
          state = undefined;
        }
      }
      if (state === undefined) {
        const held = this.lastKnown[active[i]].get(entityKeys[i])?.state;
        state = held === undefined ? new EntityState(group) : EntityState.fromJSON(group, held.toJSON());
      }
      state.advance(t);
      state.read(t, out);
    }
  }

  /** Entities held in Redis per entity name (a SCAN per entity: for tools and tests, not the request path). */
  async entityCounts(): Promise<number[]> {
    const counts: number[] = [];
    for (const group of this.plan.groups) {
      let n = 0;
      let cursor = '0';
      do {
        const [next, found] = await this.connection.client.scan(
          cursor,
          'MATCH',
          entityStateListPattern(this.namespace, group.name),
          'COUNT',
          1000,
        );
        cursor = next;
        n += found.length;
      } while (cursor !== '0');
      counts.push(n);
    }
    return counts;
  }

  async exportEntity(entity: string, key: readonly string[]): Promise<EntityStateJson | undefined> {
    const group = this.plan.groups.find((p) => p.name === entity);
    if (group === undefined || key.length !== group.keySlots.length) return undefined;
    const items = await this.connection.client.lrange(entityStateListKey(this.namespace, entity, key.join(KEY_SEPARATOR)), 0, -1);
    return items.length === 0 ? undefined : this.rebuild(group, items).state.toJSON();
  }

  /**
   * Writes whole entity states (a warm start from history), replacing what Redis holds for those
   * entities: pipelined, IMPORT_BATCH states per round trip. Returns the number written.
   * @param states entity name, key (one or two parts) and the state's JSON
   */
  async importStates(states: Iterable<{ entity: string; key: readonly string[]; state: EntityStateJson }>): Promise<number> {
    const client = this.connection.client;
    let written = 0;
    let pipe = client.pipeline();
    let queued = 0;
    const send = async (): Promise<void> => {
      const replies = await pipe.exec();
      if (replies === null) throw new Error('Redis discarded the pipeline');
      for (const [err] of replies) if (err) throw err;
      written += queued;
      pipe = client.pipeline();
      queued = 0;
    };
    for (const { entity, key, state } of states) {
      const listKey = entityStateListKey(this.namespace, entity, key.join(KEY_SEPARATOR));
      pipe.del(listKey);
      pipe.rpush(listKey, encodeEntityMarker(0), JSON.stringify(state));
      pipe.pexpire(listKey, this.listTtlMs);
      if (++queued >= IMPORT_BATCH) await send();
    }
    if (queued > 0) await send();
    return written;
  }

  stats(): EntityStateStats {
    return {
      updates: this.updates,
      written: this.written,
      duplicates: this.duplicates,
      pending: this.pending,
      dropped: this.dropped,
      connected: !this.closed && this.connection.ready,
      dropping: this.dropping,
    };
  }

  /** Stops using Redis: later events are read from the fallback and counted as dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connection.close();
  }
}
