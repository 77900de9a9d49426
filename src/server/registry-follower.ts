/**
 * Serving from a model registry (FRAUDLENS_REGISTRY): the server serves the registry's
 * `champion` with the rules stored beside it, and follows it. A poll every
 * FRAUDLENS_REGISTRY_POLL_MS compares the index's change token (one stat); when it moved, the
 * champion is loaded with the reload machinery (model-state.ts: loaded off the event loop,
 * swapped in one assignment, so in-flight requests finish on the model they began with) and its
 * rules swap in the same tick (RulesHolder.swapWithModel). A champion that does not load, does
 * not match its recorded SHA-256 or whose rules do not fit is refused: the model in force keeps
 * serving, the refusal is counted (fraudlens_registry_swaps_total{result="refused"}) and shown
 * by /health (degraded) and /model, and the same file is not tried again until the registry
 * changes. The admin routes call `sync` right after their change, without waiting for the poll.
 *
 * The other aliases are the challengers, followed the same way: when they change, the new ones are
 * loaded (those unchanged are kept as loaded), checked against their recorded SHA-256 and against
 * the champion, and put in force as one lineup (ChallengerHolder); a lineup that does not load or
 * fit is refused and shown by /health, the challengers in force scoring on.
 */

import { Counter, Gauge, type Registry } from 'prom-client';
import type { FastifyBaseLogger } from 'fastify';

import type { ComponentHealth, RegistryServed } from '../contract/index.js';
import { FraudlensError, isFraudlensError } from '../core/errors.js';
import { readModelFile, type ModelFile } from '../io/model-file.js';
import { readRulesFile } from '../io/rules-file.js';
import {
  CHAMPION_ALIAS,
  openModelRegistry,
  registryServingSet,
  type ModelRegistry,
  type RegistryServingSet,
} from '../storage/index.js';
import {
  checkChallengerFits,
  lineupOf,
  loadChallengers,
  type CanarySpec,
  type Challenger,
  type ChallengerHolder,
  type Lineup,
} from './challengers.js';
import { MAX_CHALLENGERS, type ServerConfig } from './config.js';
import type { EntityFeatures } from './entity-features.js';
import type { ModelHolder, ServingModel, ServingOptions } from './model-state.js';
import type { RulesHolder } from './rules.js';

/** What the server starts with: the registry, its champion and its other aliases (the challengers) when the server started. */
export interface RegistryStart {
  registry: ModelRegistry;
  champion: NonNullable<RegistryServingSet['champion']>;
  /** Every alias but the champion, scored in the shadow. */
  challengers: RegistryServingSet['others'];
  sequence: number;
}

/** The challenger aliases of a serving set as one comparable text: alias=version@sha256, sorted. */
function challengerKey(others: RegistryServingSet['others']): string {
  return others.map((o) => `${o.alias}=${o.version}@${o.sha256}`).join(',');
}

/** The challenger aliases as people read them: alias=version, or "none". */
function aliasesText(others: RegistryServingSet['others']): string {
  return others.map((o) => `${o.alias}=${o.version}`).join(', ') || 'none';
}

/** A lineup of challenger aliases: comparable (challengerKey), readable, and listed for /model. */
interface ChallengerAliases {
  key: string;
  text: string;
  list: readonly { alias: string; version: string }[];
}

function challengerAliases(others: RegistryServingSet['others']): ChallengerAliases {
  return {
    key: challengerKey(others),
    text: aliasesText(others),
    list: others.map((o) => ({ alias: o.alias, version: o.version })),
  };
}

/**
 * Reads the champion of FRAUDLENS_REGISTRY for start-up (start.ts, tests): the model file as
 * `buildApp` takes it, and the registry state `buildApp` takes as `deps.registry`. A registry
 * without champion, or a champion whose file is not what the index recorded, stops the start.
 */
export async function readRegistryChampion(config: ServerConfig): Promise<{ model: ModelFile; registry: RegistryStart }> {
  if (config.registryPath === null) throw new FraudlensError('REGISTRY_NOT_CONFIGURED', 'FRAUDLENS_REGISTRY is not set');
  const registry = openModelRegistry(config.registryPath);
  const set = await registryServingSet(registry);
  if (set.champion === null)
    throw new FraudlensError(
      'CONFIG_INVALID',
      `the registry ${registry.location} has no "${CHAMPION_ALIAS}" alias to serve; \`fraudlens models promote VERSION --registry DIR\` sets it`,
      { field: 'FRAUDLENS_REGISTRY' },
    );
  const model = await readModelFile(set.champion.path, { featureNames: config.featureNames });
  if (model.sha256 !== set.champion.sha256)
    throw new FraudlensError(
      'REGISTRY_INVALID',
      `the champion's stored file (${set.champion.version}) has SHA-256 ${model.sha256}, not the ${set.champion.sha256} the index recorded`,
      { file: set.champion.path },
    );
  return { model, registry: { registry, champion: set.champion, challengers: set.others, sequence: set.sequence } };
}

/** @throws CONFIG_INVALID when the registry names more challengers than one server scores */
function checkChallengerCount(registry: ModelRegistry, others: RegistryServingSet['others']): void {
  if (others.length > MAX_CHALLENGERS)
    throw new FraudlensError(
      'CONFIG_INVALID',
      `the registry ${registry.location} names ${others.length} aliases besides "${CHAMPION_ALIAS}" (${others.map((o) => o.alias).join(', ')}): each is a challenger and at most ${MAX_CHALLENGERS} are scored; remove some`,
      { field: 'FRAUDLENS_REGISTRY' },
    );
}

/**
 * Loads a registry's challenger aliases in their order, keeping each of `loaded` whose alias and
 * file (SHA-256) are unchanged instead of loading it again.
 * @throws CHALLENGER_INCOMPATIBLE when one does not load, REGISTRY_INVALID when a stored file is not what the index recorded
 */
export async function loadRegistryChallengers(
  others: RegistryServingSet['others'],
  options: ServingOptions & { featureNames?: readonly string[] },
  loaded: readonly Challenger[] = [],
): Promise<Challenger[]> {
  const kept = new Map(loaded.map((c) => [`${c.alias}@${c.model.sha256}`, c]));
  const out: Challenger[] = [];
  for (const o of others) {
    const known = kept.get(`${o.alias}@${o.sha256}`);
    if (known !== undefined) {
      out.push(known);
      continue;
    }
    const [fresh] = await loadChallengers([{ alias: o.alias, path: o.path }], options, 'FRAUDLENS_REGISTRY');
    if (fresh.model.sha256 !== o.sha256)
      throw new FraudlensError(
        'REGISTRY_INVALID',
        `challenger "${o.alias}" (${o.version}): the stored model file has SHA-256 ${fresh.model.sha256}, not the ${o.sha256} the index recorded`,
        { file: o.path },
      );
    out.push(fresh);
  }
  return out;
}

/**
 * The lineup a server serving from a registry starts with: the registry's challengers, or none
 * when they cannot be scored (too many, a file that does not load or is not what the index
 * recorded, one the champion cannot feed, a canary naming none of them). Challengers only score in
 * the shadow, so the champion serves in any case, as a running server refusing the same change
 * would; the refusal is kept for the follower to show (`RegistryFollower`'s `startRefusal`).
 */
export async function startLineup(
  start: RegistryStart,
  champion: ServingModel,
  options: ServingOptions & { featureNames?: readonly string[] },
  canary: CanarySpec | null,
): Promise<{ lineup: Lineup; refusal: unknown }> {
  try {
    checkChallengerCount(start.registry, start.challengers);
    const lineup = lineupOf(await loadRegistryChallengers(start.challengers, options), canary);
    for (const c of lineup.challengers) checkChallengerFits(champion, c);
    return { lineup, refusal: null };
  } catch (e) {
    return { lineup: lineupOf([], null), refusal: e };
  }
}

export interface SyncOutcome {
  /** Whether the served model changed. */
  swapped: boolean;
  /** Whether the server serves the registry's champion now. */
  applied: boolean;
  /** Whether the server scores the registry's challenger aliases now. */
  challengersApplied: boolean;
}

/** The results fraudlens_registry_swaps_total counts. */
const SWAP_RESULTS = ['success', 'refused', 'challengers', 'challengers_refused'] as const;

interface Refusal {
  version: string | null;
  sha256: string | null;
  code: string;
  message: string;
  at: string;
}

export class RegistryFollower {
  readonly registry: ModelRegistry;
  private served: { version: string; sha256: string; sequence: number };
  private lastToken: string | null = null;
  private lastRefusal: Refusal | null = null;
  private refusedCount = 0;
  private pending: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  /** The SHA-256 the file being swapped in must have (checked before the swap). */
  private expectedSha: string | null = null;
  /** The challenger aliases in force. */
  private servedChallengers: ChallengerAliases;
  /** The last lineup of challengers refused, while the registry still names it. */
  private challengerRefusal: { key: string; aliases: string; code: string; message: string; at: string } | null = null;
  private readonly swaps: Counter<'result'>;
  private readonly sequenceGauge: Gauge;

  constructor(
    start: RegistryStart,
    private readonly parts: {
      models: ModelHolder;
      rules: RulesHolder;
      challengers: ChallengerHolder;
      challengerOptions: ServingOptions & { featureNames?: readonly string[] };
      canary: CanarySpec | null;
      /** Why the registry's challengers were not scored from the start (startLineup); null: they are. */
      startRefusal?: unknown;
      entityFeatures: EntityFeatures;
      metrics: Registry;
      log: FastifyBaseLogger;
      pollMs: number;
    },
  ) {
    this.registry = start.registry;
    this.served = { version: start.champion.version, sha256: start.champion.sha256, sequence: start.sequence };
    const startRefusal = parts.startRefusal ?? null;
    this.servedChallengers = challengerAliases(startRefusal === null ? start.challengers : []);
    this.swaps = new Counter({
      name: 'fraudlens_registry_swaps_total',
      help: 'Champions of the model registry swapped in (success) or refused, the previous model serving on (refused); lineups of challengers swapped in (challengers) or refused, those in force scoring on (challengers_refused).',
      labelNames: ['result'],
      registers: [parts.metrics],
    });
    for (const result of SWAP_RESULTS) this.swaps.labels(result).inc(0);
    this.sequenceGauge = new Gauge({
      name: 'fraudlens_registry_sequence',
      help: 'The model registry sequence number this server last applied.',
      registers: [parts.metrics],
    });
    this.sequenceGauge.set(start.sequence);
    if (startRefusal !== null) this.refuseChallengers(start.challengers, startRefusal);
    parts.models.beforeSwap((next) => {
      if (this.expectedSha !== null && next.sha256 !== this.expectedSha)
        throw new FraudlensError(
          'REGISTRY_INVALID',
          `the stored model file has SHA-256 ${next.sha256}, not the ${this.expectedSha} the registry recorded`,
          { file: next.path },
        );
    });
  }

  /** Starts polling the registry's change token. */
  start(): void {
    this.timer = setInterval(() => void this.poll(), this.parts.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** One poll: a sync when the change token moved. */
  async poll(): Promise<void> {
    const token = await this.registry.changeToken();
    if (token === this.lastToken) return;
    // Taken before the sync: a refused champion is not retried at every poll, only after the
    // next change of the registry.
    this.lastToken = token;
    await this.sync();
  }

  /** Serves the registry's champion and challengers now, where they are not served yet. One sync at a time; never throws. */
  sync(): Promise<SyncOutcome> {
    const run = () => this.syncOnce();
    const result = this.pending.then(run, run);
    this.pending = result.catch(() => undefined);
    return result;
  }

  private async syncOnce(): Promise<SyncOutcome> {
    let set: RegistryServingSet;
    try {
      set = await registryServingSet(this.registry);
    } catch (e) {
      this.refuse(null, null, e);
      return { swapped: false, applied: false, challengersApplied: false };
    }
    // New challengers are loaded first: a champion swapped in with them must feed them.
    const lineup = await this.loadLineup(set);
    const outcome = await this.parts.challengers.whileStaged(lineup, () => this.syncChampion(set));
    if (lineup !== null) this.installLineup(set, lineup);
    return { ...outcome, challengersApplied: this.challengerRefusal === null };
  }

  /** The lineup of the registry's challengers when it differs from the one in force; null: unchanged, or refused. */
  private async loadLineup(set: RegistryServingSet): Promise<Lineup | null> {
    const key = challengerKey(set.others);
    if (key === this.servedChallengers.key) {
      this.challengerRefusal = null;
      return null;
    }
    try {
      checkChallengerCount(this.registry, set.others);
      const loaded = this.parts.challengers.current.challengers;
      const challengers = await loadRegistryChallengers(set.others, this.parts.challengerOptions, loaded);
      return lineupOf(challengers, this.parts.canary);
    } catch (e) {
      this.refuseChallengers(set.others, e);
      return null;
    }
  }

  private installLineup(set: RegistryServingSet, lineup: Lineup): void {
    try {
      this.parts.challengers.install(lineup);
    } catch (e) {
      this.refuseChallengers(set.others, e);
      return;
    }
    const next = challengerAliases(set.others);
    this.parts.log.info(
      { from: this.servedChallengers.text, to: next.text, sequence: set.sequence },
      'registry challengers swapped in',
    );
    this.servedChallengers = next;
    this.challengerRefusal = null;
    this.swaps.labels('challengers').inc();
  }

  private refuseChallengers(others: RegistryServingSet['others'], e: unknown): void {
    const code = isFraudlensError(e) ? e.code : 'INTERNAL';
    const message = isFraudlensError(e) ? e.describe() : String((e as Error)?.message ?? e);
    const key = challengerKey(others);
    // The same refusal seen again (a sync after an unrelated change) is counted once.
    if (this.challengerRefusal?.key === key && this.challengerRefusal.message === message) return;
    this.challengerRefusal = { key, aliases: aliasesText(others), code, message, at: new Date().toISOString() };
    this.swaps.labels('challengers_refused').inc();
    this.parts.log.warn(
      { challengers: aliasesText(others), code, err: message },
      'registry challengers refused; the challengers in force keep scoring',
    );
  }

  private async syncChampion(set: RegistryServingSet): Promise<Omit<SyncOutcome, 'challengersApplied'>> {
    const champion = set.champion;
    if (champion === null) {
      this.refuse(null, null, new FraudlensError('REGISTRY_NOT_FOUND', `the registry has no "${CHAMPION_ALIAS}" alias`));
      return { swapped: false, applied: false };
    }
    if (champion.version === this.served.version && champion.sha256 === this.served.sha256) {
      this.served = { ...this.served, sequence: set.sequence };
      this.sequenceGauge.set(set.sequence);
      // Back on the champion served (a rollback after a refusal): nothing is refused any more.
      this.lastRefusal = null;
      return { swapped: false, applied: true };
    }
    try {
      const rules = champion.rulesPath !== undefined ? await readRulesFile(champion.rulesPath) : null;
      this.expectedSha = champion.sha256;
      let swapped;
      try {
        swapped = await this.parts.rules.swapWithModel(champion.path, rules);
      } finally {
        this.expectedSha = null;
      }
      // New definitions open their state now, so /health reports it before any transaction.
      this.parts.entityFeatures.prepare(swapped.current);
      this.parts.log.info(
        { from: this.served.version, to: champion.version, model: swapped.current.version, sequence: set.sequence },
        'registry champion swapped in',
      );
      this.served = { version: champion.version, sha256: champion.sha256, sequence: set.sequence };
      this.sequenceGauge.set(set.sequence);
      this.lastRefusal = null;
      this.swaps.labels('success').inc();
      return { swapped: true, applied: true };
    } catch (e) {
      this.refuse(champion.version, champion.sha256, e);
      return { swapped: false, applied: false };
    }
  }

  private refuse(version: string | null, sha256: string | null, e: unknown): void {
    const code = isFraudlensError(e) ? e.code : 'INTERNAL';
    const message = isFraudlensError(e) ? e.describe() : String((e as Error)?.message ?? e);
    // The same refusal seen again (a poll after an unrelated change) is counted once.
    if (this.lastRefusal?.version === version && this.lastRefusal.sha256 === sha256 && this.lastRefusal.message === message)
      return;
    this.lastRefusal = { version, sha256, code, message, at: new Date().toISOString() };
    this.refusedCount += 1;
    this.swaps.labels('refused').inc();
    this.parts.log.warn({ version, code, err: message }, 'registry champion refused; the model in force keeps serving');
  }

  /** What /model, /admin/models and the change responses say is served. */
  report(): RegistryServed {
    const r = this.lastRefusal;
    const c = this.challengerRefusal;
    return {
      version: this.served.version,
      alias: CHAMPION_ALIAS,
      sha256: this.served.sha256,
      sequence: this.served.sequence,
      location: this.registry.location,
      refused: this.refusedCount,
      last_refusal: r !== null ? { version: r.version, code: r.code, message: r.message, at: r.at } : null,
      challengers: [...this.servedChallengers.list],
      challengers_refusal: c !== null ? { aliases: c.aliases, code: c.code, message: c.message, at: c.at } : null,
    };
  }

  /** /health: degraded while the registry's champion is refused (the previous model serves on). */
  health(): ComponentHealth {
    const r = this.lastRefusal;
    if (r !== null)
      return {
        status: 'degraded',
        redis_connected: null,
        detail: `registry champion ${r.version ?? '(none)'} refused (${r.code}): serving ${this.served.version}`,
      };
    const c = this.challengerRefusal;
    if (c !== null)
      return {
        status: 'degraded',
        redis_connected: null,
        detail: `registry challengers ${c.aliases} refused (${c.code}: ${c.message}): scoring ${this.servedChallengers.text}`,
      };
    return {
      status: 'ok',
      redis_connected: null,
      detail: `serving ${this.served.version} (sequence ${this.served.sequence}); challengers ${this.servedChallengers.text}`,
    };
  }
}
