/**
 * Challengers: up to MAX_CHALLENGERS models served beside the champion, each scoring every
 * transaction the champion scores, after the champion's response has gone (shadow scoring), so
 * they never delay or change it. A canary share of transactions, chosen by the hash of their
 * transaction id, is decided by one challenger instead; the champion then runs in the shadow for
 * them. What every model made of a transaction is stored in its decision record (`model_alias`,
 * `shadow`), and GET /performance/comparison compares them on the labelled ones.
 *
 * The loader takes a plain list of {alias, path}: FRAUDLENS_CHALLENGERS gives it, or a model
 * registry's non-champion aliases, which the server follows while serving: the challengers in
 * force form a `Lineup`, replaced whole by `ChallengerHolder`, so each request reads one lineup
 * from start to end. docs/challengers.md.
 */

import { CHAMPION_ALIAS, type ShadowScore } from '../contract/index.js';
import { decide, type Decision } from '../core/engine/model.js';
import { sigmoid } from '../core/engine/predict.js';
import { FraudlensError } from '../core/errors.js';
import { definitionsHash, featureNames } from '../core/features/definitions.js';
import type { PredictionRecord } from '../storage/index.js';
import {
  loadServingModel,
  type ModelHolder,
  type RawBody,
  type ServingModel,
  type ServingOptions,
  type Transaction,
} from './model-state.js';
import { MAX_CHALLENGERS, type CanarySpec, type ChallengerSpec } from './config.js';
import type { RulesHolder } from './rules.js';

export { MAX_CHALLENGERS, type CanarySpec, type ChallengerSpec } from './config.js';

/** Where challengers come from: the setting an error about one names. */
export type ChallengerSource = 'FRAUDLENS_CHALLENGERS' | 'FRAUDLENS_REGISTRY';

/** A loaded challenger. */
export interface Challenger {
  readonly alias: string;
  readonly model: ServingModel;
  readonly source: ChallengerSource;
}

/**
 * Loads the challengers, one after the other (each in a worker thread, as a reload does).
 * @param specs at most MAX_CHALLENGERS, unique aliases other than "champion" (config.ts checks the setting)
 * @example await loadChallengers([{ alias: 'deep', path: 'models/challengers/deep/model.json' }], options)
 */
export async function loadChallengers(
  specs: readonly ChallengerSpec[],
  options: ServingOptions & { featureNames?: readonly string[] },
  source: ChallengerSource = 'FRAUDLENS_CHALLENGERS',
): Promise<Challenger[]> {
  if (specs.length > MAX_CHALLENGERS)
    throw new FraudlensError('CONFIG_INVALID', `at most ${MAX_CHALLENGERS} challengers are served, got ${specs.length}`, {
      field: source,
    });
  const out: Challenger[] = [];
  for (const spec of specs) {
    try {
      out.push({ alias: spec.alias, model: await loadServingModel(spec.path, options), source });
    } catch (e) {
      if (!(e instanceof FraudlensError)) throw e;
      throw new FraudlensError('CHALLENGER_INCOMPATIBLE', `challenger "${spec.alias}" (${spec.path}): ${e.message}`, {
        field: source,
      });
    }
  }
  return out;
}

/** The challengers served together, and the canary among them; replaced whole, never changed in place. */
export interface Lineup {
  readonly challengers: readonly Challenger[];
  /** The challenger deciding the canary share, and the share; null: the champion decides all. */
  readonly canary: { readonly challenger: Challenger; readonly share: number } | null;
  /** Every challenger as a shadow model, in order: what scores after the champion decided. */
  readonly shadowModels: readonly ShadowModel[];
}

/**
 * The lineup of `challengers` with the canary rule `canary`.
 * @throws CONFIG_INVALID when the canary names none of the challengers
 */
export function lineupOf(challengers: readonly Challenger[], canary: CanarySpec | null): Lineup {
  const decider = canary === null ? undefined : challengers.find((c) => c.alias === canary.alias);
  if (canary !== null && decider === undefined)
    throw new FraudlensError(
      'CONFIG_INVALID',
      `FRAUDLENS_CANARY names "${canary.alias}", which is not a challenger (${challengers.map((c) => c.alias).join(', ') || 'none'})`,
      { field: 'FRAUDLENS_CANARY' },
    );
  return Object.freeze({
    challengers: Object.freeze([...challengers]),
    canary: decider === undefined ? null : Object.freeze({ challenger: decider, share: canary!.share }),
    shadowModels: Object.freeze(challengers.map((c) => Object.freeze({ alias: c.alias, model: c.model }))),
  });
}

/**
 * The challengers in force. Every champion swapped in must feed each challenger of the lineup in
 * force, or of the one about to come in (`whileStaged`); a lineup comes in only if the champion
 * serving then feeds it. A refusal leaves everything in force as it was.
 */
export class ChallengerHolder {
  private lineup: Lineup;
  private staged: Lineup | null = null;
  private readonly listeners: ((lineup: Lineup) => void)[] = [];

  /** @throws CHALLENGER_INCOMPATIBLE when the champion serving does not feed `initial` */
  constructor(
    initial: Lineup,
    private readonly models: ModelHolder,
  ) {
    for (const c of initial.challengers) checkChallengerFits(models.current, c);
    this.lineup = initial;
    models.beforeSwap((next) => {
      for (const c of (this.staged ?? this.lineup).challengers) checkChallengerFits(next, c);
    });
  }

  get current(): Lineup {
    return this.lineup;
  }

  /** Called with the lineup in force now and after each replacement (metrics follow it this way). */
  onChange(listener: (lineup: Lineup) => void): void {
    this.listeners.push(listener);
    listener(this.lineup);
  }

  /** Runs `work` (a champion swap) checking the champions it swaps in against `next` instead of the lineup in force. */
  async whileStaged<T>(next: Lineup | null, work: () => Promise<T>): Promise<T> {
    this.staged = next;
    try {
      return await work();
    } finally {
      this.staged = null;
    }
  }

  /** Puts `next` in force. @throws CHALLENGER_INCOMPATIBLE when the champion serving does not feed it */
  install(next: Lineup): void {
    for (const c of next.challengers) checkChallengerFits(this.models.current, c);
    this.lineup = next;
    for (const listener of this.listeners) listener(next);
  }
}

/**
 * The features a champion's requests make available to other models: its derived features (every
 * one its definitions make, used by the model or not) for raw transactions, else its own features.
 */
function availableFeatures(champion: ServingModel): ReadonlyMap<string, string> {
  if (champion.definitions !== null) return new Map(featureNames(champion.definitions).map((n) => [n, 'derived']));
  return new Map(
    champion.features.map((f) => [f.name, f.type === 'numeric' ? 'numeric' : `categorical/${f.encoding ?? 'names'}`]),
  );
}

/**
 * Refuses a challenger that cannot score what the champion's requests carry. The features of a raw
 * transaction are derived once, by the champion's definitions (the entity state is never touched
 * twice), so for a champion of raw transactions a challenger must have the same definitions, or
 * none and only features named as the champion's derived ones. For a champion of precomputed
 * features, the challenger must take precomputed features, each one a champion feature of the
 * same type and encoding.
 * @throws CHALLENGER_INCOMPATIBLE naming the challenger and the first feature at fault
 */
export function checkChallengerFits(champion: ServingModel, challenger: Challenger): void {
  const where = `challenger "${challenger.alias}" (${challenger.model.path})`;
  const fail = (why: string): never => {
    throw new FraudlensError('CHALLENGER_INCOMPATIBLE', `${where} ${why}`, { field: challenger.source });
  };
  const m = challenger.model;
  if (champion.definitions === null && m.definitions !== null)
    fail(
      "takes raw transactions (it has feature definitions) but the champion takes precomputed features: the champion's requests do not carry the raw fields it derives from",
    );
  if (champion.definitions !== null && m.definitions !== null) {
    const ours = definitionsHash(champion.definitions);
    const theirs = definitionsHash(m.definitions);
    if (ours !== theirs)
      fail(
        `derives its features from other definitions than the champion (sha256 ${theirs.slice(0, 12)}… vs ${ours.slice(0, 12)}…): the features derived once per transaction are the champion's; train it with the champion's definitions file`,
      );
  }
  const available = availableFeatures(champion);
  for (const f of m.features) {
    const kind = available.get(f.name);
    if (kind === undefined)
      fail(
        `needs the feature "${f.name}", which the champion's requests do not carry${champion.definitions !== null ? ' (not one of its derived features)' : ''}`,
      );
    if (kind !== 'derived') {
      const theirs = f.type === 'numeric' ? 'numeric' : `categorical/${f.encoding ?? 'names'}`;
      if (theirs !== kind) fail(`reads the feature "${f.name}" as ${theirs}, the champion as ${kind}`);
    }
  }
}

/**
 * FNV-1a, 32 bits, over the UTF-8 bytes of `text`: the canary's hash of a transaction id (the
 * same function in any language gives the same routing; no allocation).
 * @example fnv1a32('') // 0x811c9dc5
 */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, 0x01000193);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    // A lone surrogate is encoded as U+FFFD, as TextEncoder does.
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x800) {
      h = Math.imul(h ^ (0xc0 | (c >> 6)), 0x01000193);
    } else if (c < 0x10000) {
      h = Math.imul(h ^ (0xe0 | (c >> 12)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), 0x01000193);
    } else {
      h = Math.imul(h ^ (0xf0 | (c >> 18)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((c >> 12) & 0x3f)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), 0x01000193);
    }
    h = Math.imul(h ^ (0x80 | (c & 0x3f)), 0x01000193);
  }
  return h >>> 0;
}

const TWO_TO_32 = 2 ** 32;

/** Whether the canary decides this transaction: FNV-1a 32 of its id / 2^32 below the share; no id: never. */
export function routedToCanary(transactionId: string | undefined, share: number): boolean {
  return transactionId !== undefined && fnv1a32(transactionId) / TWO_TO_32 < share;
}

/** One transaction waiting for its shadow scoring: what the other models need, and its record. */
interface ShadowJob {
  record: PredictionRecord;
  features: Transaction;
  raw: RawBody | undefined;
  /** The models that did not decide, in order (champion first when a challenger decided). */
  models: readonly ShadowModel[];
}

export interface ShadowModel {
  alias: string;
  model: ServingModel;
}

/** The counters of one model's shadow scorings (made once per alias by `ShadowQueue`'s `counters`). */
export interface ShadowCounters {
  scored(): void;
  failed(): void;
}

/** What the queue tells the caller about the champion's shadow score of a canary transaction (drift observers). */
export type ChampionScored = (row: Float64Array, score: number, model: ServingModel) => void;

/**
 * Scores the other models of each transaction after the responses of the current turn of the
 * event loop went out (setImmediate runs after the I/O phase that wrote them), then appends the
 * completed record. A model that throws is counted and left out of that record's `shadow`; the
 * record is appended in any case.
 */
export class ShadowQueue {
  private jobs: ShadowJob[] = [];
  private scheduled = false;

  constructor(
    private readonly rules: RulesHolder,
    private readonly append: (record: PredictionRecord) => void,
    private readonly countersOf: (alias: string) => ShadowCounters,
  ) {}

  /** Told of the champion's shadow score of a canary transaction (the app points it at the drift observers). */
  onChampionScored: ChampionScored = () => undefined;

  /** Queues a decided transaction; `record` is appended once the other models have scored it. */
  push(record: PredictionRecord, features: Transaction, raw: RawBody | undefined, models: readonly ShadowModel[]): void {
    this.jobs.push({ record, features, raw, models });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.run);
    }
  }

  /** Scores and appends everything queued now (also on close, so no record is lost). */
  flush(): void {
    const jobs = this.jobs;
    this.jobs = [];
    for (let i = 0; i < jobs.length; i++) this.complete(jobs[i]);
  }

  private readonly bound = new Map<string, ShadowCounters>();

  private counters(alias: string): ShadowCounters {
    let c = this.bound.get(alias);
    if (c === undefined) {
      c = this.countersOf(alias);
      this.bound.set(alias, c);
    }
    return c;
  }

  private readonly run = (): void => {
    this.scheduled = false;
    this.flush();
  };

  private complete(job: ShadowJob): void {
    const shadow: ShadowScore[] = [];
    for (const { alias, model } of job.models) {
      try {
        shadow.push(this.scoreOne(alias, model, job));
        this.counters(alias).scored();
      } catch {
        this.counters(alias).failed();
      }
    }
    // The record was made for this queue and is not shared yet: completed in place, not copied.
    job.record.shadow = Object.freeze(shadow) as ShadowScore[];
    this.append(job.record);
  }

  /** The model's score and the decision it would have made (rules first, then its thresholds, as the decider). */
  private scoreOne(alias: string, m: ServingModel, job: ShadowJob): ShadowScore {
    const row = m.toRow(job.features);
    const score = sigmoid(m.predictor.predictRowMargin(row));
    if (!Number.isFinite(score)) throw new Error(`${alias} scored ${score}`);
    const compiled = this.rules.for(m);
    const position = compiled === null ? -1 : compiled.first(score, job.features, job.raw ?? null);
    const decision: Decision = position >= 0 ? compiled!.rules[position].decision : decide(score, m.model.thresholds);
    if (alias === CHAMPION_ALIAS) this.onChampionScored(row, score, m);
    // Frozen, the decision store keeps the verdict as it is instead of copying it.
    return Object.freeze({ alias, model_version: m.version, score, decision });
  }
}
