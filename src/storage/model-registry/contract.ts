/**
 * The model registry's contract: versions of models (each with its SHA-256, training summary,
 * whether it carries feature definitions, an optional rules file stored beside it, who added it
 * and when), aliases naming one version each (`champion`, `challenger`, any lowercase name), and
 * the history of every change. A backend keeps them somewhere (a directory: directory.ts); the
 * CLI, the server and the conformance suite see only this interface.
 */

import type { REGISTRY_ACTIONS } from '../../contract/registry.js';
import {
  REGISTRY_ALIAS_PATTERN,
  REGISTRY_VERSION_PATTERN,
  type RegistryChangeRecord,
  type RegistryModelEntry,
} from '../../contract/registry.js';

/** The alias the server serves (one name with the predictions' `model_alias`). */
export { CHAMPION_ALIAS } from '../../contract/prediction.js';

/** The patterns of the HTTP contract (src/contract/registry.ts), which the routes validate with too. */
export const VERSION_PATTERN = new RegExp(REGISTRY_VERSION_PATTERN);
export const ALIAS_PATTERN = new RegExp(REGISTRY_ALIAS_PATTERN);

/** One model version as the registry holds it: the HTTP contract's shape, declared once there. */
export type RegistryModel = RegistryModelEntry;
/** What training recorded in the model file, as the registry lists it. */
export type TrainingSummary = RegistryModelEntry['training'];
export type RegistryAction = (typeof REGISTRY_ACTIONS)[number];
/** One change. `from_version`/`to_version` are the alias's versions before and after (null: unset). */
export type RegistryChange = RegistryChangeRecord;

/** The whole registry at one sequence number. */
export interface RegistrySnapshot {
  /** Grows by one with every change: a reader compares it to know whether anything changed. */
  sequence: number;
  models: readonly RegistryModel[];
  /** Alias → version. */
  aliases: Readonly<Record<string, string>>;
}

/** A model version with the paths of its stored files. */
export interface ResolvedModel {
  entry: RegistryModel;
  modelPath: string;
  rulesPath: string | null;
}

export interface AddModelInput {
  /** The model file to copy in (fraudlens or XGBoost JSON; validated by the model reader). */
  modelPath: string;
  /** A rules file to store beside it (validated against the model). */
  rulesPath?: string;
  /** Default: `v<n>`, one past the highest `v<n>` in the registry. */
  version?: string;
  /** Point this alias at the new version in the same change. */
  alias?: string;
  note?: string;
  by: string;
}

export interface ModelRegistry {
  /** Where the registry lives (a directory for the directory backend). */
  readonly location: string;
  /** The models, aliases and sequence number. */
  snapshot(): Promise<RegistrySnapshot>;
  /** Every change, oldest first. */
  history(): Promise<readonly RegistryChange[]>;
  /** A version (or the version an alias names) with its stored files; REGISTRY_NOT_FOUND when unknown. */
  resolve(ref: { version: string } | { alias: string }): Promise<ResolvedModel>;
  /** Where the stored files of `entry` are (no check that they exist). */
  files(entry: RegistryModel): { modelPath: string; rulesPath: string | null };
  /** Copies a model (and rules) in as a new version; with `alias`, points it there in the same change. */
  add(input: AddModelInput): Promise<{ model: RegistryModel; change: RegistryChange }>;
  /** Points `alias` at `version`. */
  promote(version: string, alias: string, by: string): Promise<RegistryChange>;
  /** Points `alias` back at the version it had before its last change; REGISTRY_CONFLICT when it had none. */
  rollback(alias: string, by: string): Promise<RegistryChange>;
  /** Removes an alias (its history stays). */
  removeAlias(alias: string, by: string): Promise<RegistryChange>;
  /**
   * A cheap token that changes whenever the registry may have changed (no parse); the server polls it.
   * Equal tokens mean nothing changed.
   */
  changeToken(): Promise<string>;
}

/** What the server serves from a registry: the champion, and every other alias (for challengers). */
export interface RegistryServingSet {
  sequence: number;
  champion: { version: string; path: string; rulesPath?: string; sha256: string } | null;
  others: { alias: string; version: string; path: string; rulesPath?: string; sha256: string }[];
}
