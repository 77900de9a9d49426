/**
 * The model registry's contract: versions of models (each with its SHA-256, training summary,
 * whether it carries feature definitions, an optional rules file stored beside it, who added it
 * and when), aliases naming one version each (`champion`, `challenger`, any lowercase name), and
 * the history of every change. A backend keeps them somewhere (a directory: directory.ts); the
 * CLI, the server and the conformance suite see only this interface.
 */

/** The alias the server serves. */
export const CHAMPION_ALIAS = 'champion';

/** A version: a letter or digit first, then letters, digits, dots, dashes or underscores. */
export const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** An alias: lowercase, so `Champion` and `champion` cannot name two things. */
export const ALIAS_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

/** What training recorded in the model file, as the registry lists it. */
export interface TrainingSummary {
  /** Who produced the model (`fraudlens train`, `xgboost import`, …). */
  source: string;
  created_at: string | null;
  /** Rows the model was trained on, when the file says. */
  rows: number | null;
  /** The scalar validation metrics stored in the model (roc_auc, pr_auc, …). */
  metrics: Readonly<Record<string, number>>;
}

/** One model version as the registry holds it. */
export interface RegistryModel {
  version: string;
  /** SHA-256 of the model file's bytes (the model reader's fingerprint). */
  sha256: string;
  /** The version recorded inside the model file (what predictions carry as model_version). */
  model_version: string;
  training: TrainingSummary;
  /** Whether the model derives its features from raw transactions (feature definitions). */
  has_definitions: boolean;
  /** The rules file stored beside the model, when one was added with it. */
  rules: { file: string; sha256: string; version: string } | null;
  added_by: string;
  added_at: string;
  note: string | null;
}

export type RegistryAction = 'add' | 'promote' | 'rollback' | 'remove-alias';

/** One change to the registry. `from_version`/`to_version` are the alias's versions before and after (null: unset). */
export interface RegistryChange {
  /** 1-based, increasing: the registry's sequence number after the change. */
  sequence: number;
  action: RegistryAction;
  by: string;
  at: string;
  /** The version added (add) or the alias changed (the others); null for an add without alias. */
  alias: string | null;
  from_version: string | null;
  to_version: string | null;
  note: string | null;
}

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
