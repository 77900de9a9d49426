/**
 * The model registry wing: the contract (contract.ts), the directory backend (directory.ts) and
 * its lock (lock.ts), plus `registryServingSet`, what a server serves from a registry.
 */

import { CHAMPION_ALIAS, type ModelRegistry, type RegistryServingSet } from './contract.js';
import { DirectoryModelRegistry } from './directory.js';

export * from './contract.js';
export { DirectoryModelRegistry, MAX_BY_LENGTH, MAX_NOTE_LENGTH, REGISTRY_INDEX, REGISTRY_LOCK } from './directory.js';
export { LOCK_STALE_MS, LOCK_WAIT_MS } from './lock.js';

/** Opens the registry at `dir` (nothing is read until asked). */
export function openModelRegistry(dir: string): ModelRegistry {
  return new DirectoryModelRegistry(dir);
}

/**
 * The models a server serves from `registry`: the champion (null when no alias `champion` is set)
 * and every other alias with its files, sorted by alias, for challengers.
 *
 * @example const { champion, others } = await registryServingSet(openModelRegistry('registry'));
 */
export async function registryServingSet(registry: ModelRegistry): Promise<RegistryServingSet> {
  const snapshot = await registry.snapshot();
  const set: RegistryServingSet = { sequence: snapshot.sequence, champion: null, others: [] };
  for (const alias of Object.keys(snapshot.aliases).sort()) {
    // The index checks that every alias names a version it holds.
    const entry = snapshot.models.find((m) => m.version === snapshot.aliases[alias])!;
    const { modelPath, rulesPath } = registry.files(entry);
    const files = { version: entry.version, path: modelPath, sha256: entry.sha256 };
    const withRules = rulesPath !== null ? { ...files, rulesPath } : files;
    if (alias === CHAMPION_ALIAS) set.champion = withRules;
    else set.others.push({ alias, ...withRules });
  }
  return set;
}
