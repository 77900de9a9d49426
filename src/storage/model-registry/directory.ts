/**
 * The model registry in a directory:
 *
 *   DIR/registry.json              the index: sequence number, models, aliases, history
 *   DIR/models/<version>/model.json the model file, byte for byte as added
 *   DIR/models/<version>/rules.yaml the rules stored beside it (or rules.json), when added
 *   DIR/registry.lock              present while a writer changes the registry (lock.ts)
 *
 * Every change takes the lock, reads the index, writes any new files, then replaces the index
 * atomically (src/io/atomic.ts): a reader sees the registry before or after a change, never
 * between. Files are written before the index names them, so a crash leaves at most an orphan
 * directory that no alias points to.
 */

import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';

import { FraudlensError } from '../../core/errors.js';
import type { FraudlensModel } from '../../core/engine/model.js';
import { rulesVocabulary } from '../../core/rules/index.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { MODEL_FILE_NAME, readModelFile } from '../../io/model-file.js';
import { compileRulesFile, readRulesFile } from '../../io/rules-file.js';
import {
  ALIAS_PATTERN,
  CHAMPION_ALIAS,
  VERSION_PATTERN,
  type AddModelInput,
  type ModelRegistry,
  type RegistryAction,
  type RegistryChange,
  type RegistryModel,
  type RegistrySnapshot,
  type ResolvedModel,
  type TrainingSummary,
} from './contract.js';
import { withLock } from './lock.js';

export const REGISTRY_INDEX = 'registry.json';
export const REGISTRY_LOCK = 'registry.lock';
const FORMAT = 'fraudlens-model-registry';
const FORMAT_VERSION = 1;
/** Longest note or `by` name kept (longer ones are refused, not cut). */
export const MAX_NOTE_LENGTH = 1_000;
export const MAX_BY_LENGTH = 200;

interface IndexFile extends RegistrySnapshot {
  format: typeof FORMAT;
  format_version: number;
  models: RegistryModel[];
  aliases: Record<string, string>;
  history: RegistryChange[];
}

function emptyIndex(): IndexFile {
  return { format: FORMAT, format_version: FORMAT_VERSION, sequence: 0, models: [], aliases: {}, history: [] };
}

function checkAlias(alias: string): void {
  if (!ALIAS_PATTERN.test(alias))
    throw new FraudlensError(
      'INPUT_INVALID',
      `alias ${JSON.stringify(alias)} must be lowercase letters, digits, "-" or "_", starting with a letter (at most 32)`,
      { field: 'alias' },
    );
}

function checkText(field: 'by' | 'note', value: string, max: number): void {
  if (value.length === 0 || value.length > max)
    throw new FraudlensError('INPUT_INVALID', `${field} must hold 1 to ${max} characters, got ${value.length}`, { field });
}

function summarise(model: FraudlensModel): TrainingSummary {
  const t = model.training as unknown as Record<string, unknown>;
  const data = t.data as Record<string, unknown> | undefined;
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries((t.metrics as Record<string, unknown> | undefined) ?? {}))
    if (typeof v === 'number' && Number.isFinite(v)) metrics[k] = v;
  return {
    source: typeof t.source === 'string' ? t.source : 'unknown',
    created_at: typeof t.createdAt === 'string' ? t.createdAt : null,
    rows: typeof data?.rows === 'number' ? data.rows : null,
    metrics,
  };
}

/** `v<n+1>` for the highest `v<n>` present (v1 in an empty registry). */
function nextVersion(models: readonly RegistryModel[]): string {
  let highest = 0;
  for (const m of models) {
    const match = /^v(\d{1,9})$/.exec(m.version);
    if (match !== null) highest = Math.max(highest, Number(match[1]));
  }
  return `v${highest + 1}`;
}

export class DirectoryModelRegistry implements ModelRegistry {
  readonly location: string;
  private readonly indexPath: string;
  private readonly lockPath: string;

  /** @param dir the registry directory (created by the first `add`) */
  constructor(dir: string) {
    this.location = resolve(dir);
    this.indexPath = join(this.location, REGISTRY_INDEX);
    this.lockPath = join(this.location, REGISTRY_LOCK);
  }

  async snapshot(): Promise<RegistrySnapshot> {
    const index = await this.read(false);
    return { sequence: index.sequence, models: index.models, aliases: index.aliases };
  }

  async history(): Promise<readonly RegistryChange[]> {
    return (await this.read(false)).history;
  }

  async changeToken(): Promise<string> {
    try {
      const s = await stat(this.indexPath);
      // An atomic replace makes a new inode; mtime and size catch an edit in place.
      return `${s.ino}:${s.mtimeMs}:${s.size}`;
    } catch {
      return 'missing';
    }
  }

  async resolve(ref: { version: string } | { alias: string }): Promise<ResolvedModel> {
    return this.resolveIn(await this.read(false), ref);
  }

  async add(input: AddModelInput): Promise<{ model: RegistryModel; change: RegistryChange }> {
    checkText('by', input.by, MAX_BY_LENGTH);
    if (input.note !== undefined) checkText('note', input.note, MAX_NOTE_LENGTH);
    if (input.alias !== undefined) checkAlias(input.alias);
    if (input.version !== undefined && !VERSION_PATTERN.test(input.version))
      throw new FraudlensError(
        'INPUT_INVALID',
        `version ${JSON.stringify(input.version)} must be letters, digits, ".", "-" or "_", starting with a letter or digit (at most 64)`,
        { field: 'version' },
      );
    // Validated before the lock is taken: reading a large model must not hold other writers up.
    const loaded = await readModelFile(input.modelPath);
    const bytes = await readFile(input.modelPath);
    if (sha256(bytes) !== loaded.sha256)
      throw new FraudlensError('INPUT_INVALID', 'the model file changed while it was being added; add it again', {
        file: input.modelPath,
      });
    let rules: { bytes: Buffer; ext: string; sha256: string; version: string } | null = null;
    if (input.rulesPath !== undefined) {
      const file = await readRulesFile(input.rulesPath);
      // The server refuses rules that do not fit the model; refuse them here, where they are added.
      compileRulesFile(file, rulesVocabulary(loaded.model.features, loaded.model.featureDefinitions?.definitions ?? null));
      const ext = extname(input.rulesPath).toLowerCase() === '.json' ? '.json' : '.yaml';
      rules = { bytes: await readFile(input.rulesPath), ext, sha256: file.sha256, version: file.version };
    }
    await mkdir(this.location, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
      throw new FraudlensError('REGISTRY_INVALID', `cannot create the registry directory (${e.code ?? e.message})`, {
        file: this.location,
      });
    });
    return withLock(this.lockPath, async () => {
      const index = await this.read(true);
      const version = input.version ?? nextVersion(index.models);
      if (index.models.some((m) => m.version === version))
        throw new FraudlensError('REGISTRY_CONFLICT', `the registry already holds version ${version}`, { field: 'version' });
      const dir = join(this.location, 'models', version);
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(join(dir, MODEL_FILE_NAME), bytes);
      if (rules !== null) await writeFileAtomic(join(dir, `rules${rules.ext}`), rules.bytes);
      const at = new Date().toISOString();
      const model: RegistryModel = {
        version,
        sha256: loaded.sha256,
        model_version: loaded.model.version,
        training: summarise(loaded.model),
        has_definitions: loaded.model.featureDefinitions !== undefined,
        rules: rules !== null ? { file: `rules${rules.ext}`, sha256: rules.sha256, version: rules.version } : null,
        added_by: input.by,
        added_at: at,
        note: input.note ?? null,
      };
      index.models.push(model);
      const from = input.alias !== undefined ? (index.aliases[input.alias] ?? null) : null;
      if (input.alias !== undefined) index.aliases[input.alias] = version;
      const change = this.record(index, 'add', input.by, at, input.alias ?? null, from, version, input.note ?? null);
      await this.write(index);
      return { model, change };
    });
  }

  async promote(version: string, alias: string, by: string): Promise<RegistryChange> {
    checkAlias(alias);
    checkText('by', by, MAX_BY_LENGTH);
    return withLock(this.lockPath, async () => {
      const index = await this.read(false);
      this.resolveIn(index, { version });
      const from = index.aliases[alias] ?? null;
      index.aliases[alias] = version;
      const change = this.record(index, 'promote', by, new Date().toISOString(), alias, from, version, null);
      await this.write(index);
      return change;
    });
  }

  async rollback(alias: string, by: string): Promise<RegistryChange> {
    checkAlias(alias);
    checkText('by', by, MAX_BY_LENGTH);
    return withLock(this.lockPath, async () => {
      const index = await this.read(false);
      const last = [...index.history].reverse().find((c) => c.alias === alias);
      if (last === undefined)
        throw new FraudlensError('REGISTRY_NOT_FOUND', `alias "${alias}" has never been set; nothing to roll back`, {
          field: 'alias',
        });
      if (last.from_version === null)
        throw new FraudlensError(
          'REGISTRY_CONFLICT',
          `alias "${alias}" had no version before its last change (${last.action} of ${last.to_version ?? 'nothing'} at ${last.at}); nothing to roll back to`,
          { field: 'alias' },
        );
      const from = index.aliases[alias] ?? null;
      index.aliases[alias] = last.from_version;
      const change = this.record(index, 'rollback', by, new Date().toISOString(), alias, from, last.from_version, null);
      await this.write(index);
      return change;
    });
  }

  async removeAlias(alias: string, by: string): Promise<RegistryChange> {
    checkAlias(alias);
    checkText('by', by, MAX_BY_LENGTH);
    return withLock(this.lockPath, async () => {
      const index = await this.read(false);
      const from = index.aliases[alias];
      if (from === undefined)
        throw new FraudlensError('REGISTRY_NOT_FOUND', `the registry has no alias "${alias}"`, { field: 'alias' });
      // Servers serve the champion: without it none would start.
      if (alias === CHAMPION_ALIAS)
        throw new FraudlensError(
          'REGISTRY_CONFLICT',
          `the "${CHAMPION_ALIAS}" alias is served and cannot be removed; promote another version instead`,
          { field: 'alias' },
        );
      delete index.aliases[alias];
      const change = this.record(index, 'remove-alias', by, new Date().toISOString(), alias, from, null, null);
      await this.write(index);
      return change;
    });
  }

  private resolveIn(index: RegistrySnapshot, ref: { version: string } | { alias: string }): ResolvedModel {
    let version: string;
    if ('alias' in ref) {
      const named = index.aliases[ref.alias];
      if (named === undefined)
        throw new FraudlensError(
          'REGISTRY_NOT_FOUND',
          `the registry has no alias "${ref.alias}" (aliases: ${Object.keys(index.aliases).join(', ') || 'none'})`,
          { field: 'alias' },
        );
      version = named;
    } else version = ref.version;
    const entry = index.models.find((m) => m.version === version);
    if (entry === undefined)
      throw new FraudlensError(
        'REGISTRY_NOT_FOUND',
        `the registry has no version "${version}" (versions: ${index.models.map((m) => m.version).join(', ') || 'none'})`,
        { field: 'version' },
      );
    return { entry, ...this.files(entry) };
  }

  files(entry: RegistryModel): { modelPath: string; rulesPath: string | null } {
    const dir = join(this.location, 'models', entry.version);
    return { modelPath: join(dir, MODEL_FILE_NAME), rulesPath: entry.rules !== null ? join(dir, entry.rules.file) : null };
  }

  private record(
    index: IndexFile,
    action: RegistryAction,
    by: string,
    at: string,
    alias: string | null,
    from: string | null,
    to: string | null,
    note: string | null,
  ): RegistryChange {
    index.sequence += 1;
    const change: RegistryChange = {
      sequence: index.sequence,
      action,
      by,
      at,
      alias,
      from_version: from,
      to_version: to,
      note,
    };
    index.history.push(change);
    return change;
  }

  private async write(index: IndexFile): Promise<void> {
    await writeFileAtomic(this.indexPath, `${JSON.stringify(index, null, 1)}\n`);
  }

  /** Reads and checks the index; a missing one is an empty registry only when `creating`. */
  private async read(creating: boolean): Promise<IndexFile> {
    let text: string;
    try {
      text = await readFile(this.indexPath, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && creating) return emptyIndex();
      throw new FraudlensError(
        'REGISTRY_INVALID',
        code === 'ENOENT'
          ? `no model registry here (no ${REGISTRY_INDEX}); \`fraudlens models add --registry DIR --model F\` creates one`
          : `cannot read the registry index (${code ?? (e as Error).message})`,
        { file: this.indexPath },
      );
    }
    let index: IndexFile;
    try {
      index = JSON.parse(text) as IndexFile;
    } catch (e) {
      throw new FraudlensError('REGISTRY_INVALID', `the registry index is not JSON (${(e as Error).message})`, {
        file: this.indexPath,
      });
    }
    const ok =
      typeof index === 'object' &&
      index !== null &&
      index.format === FORMAT &&
      index.format_version === FORMAT_VERSION &&
      Number.isInteger(index.sequence) &&
      Array.isArray(index.models) &&
      Array.isArray(index.history) &&
      typeof index.aliases === 'object' &&
      index.aliases !== null;
    if (!ok)
      throw new FraudlensError(
        'REGISTRY_INVALID',
        `the registry index is not a ${FORMAT} file of format_version ${FORMAT_VERSION}`,
        { file: this.indexPath },
      );
    for (const [alias, version] of Object.entries(index.aliases)) {
      if (!index.models.some((m) => m.version === version))
        throw new FraudlensError('REGISTRY_INVALID', `alias "${alias}" names version "${version}", which the index lacks`, {
          file: this.indexPath,
          field: `aliases.${alias}`,
        });
    }
    return index;
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
