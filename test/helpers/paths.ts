/**
 * Paths the tests read: the project's committed fixtures, and ../shared (the peers' fixtures and
 * real datasets) which exists in CI and on developer machines but not in a user's fresh clone.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, found from this file whether it runs from test/ or dist/test/; a build
 * placed elsewhere (another outDir) falls back to the working directory.
 */
export const REPO_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
})();

export const SHARED_ROOT = process.env.FRAUDLENS_SHARED ?? resolve(REPO_ROOT, '..', 'shared');

export function fixturePath(...parts: string[]): string {
  return join(REPO_ROOT, 'fixtures', ...parts);
}

export function sharedPath(...parts: string[]): string {
  return join(SHARED_ROOT, ...parts);
}

export const HAS_SHARED = existsSync(join(SHARED_ROOT, 'peers'));
