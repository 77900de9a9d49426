/**
 * Paths the tests read: the project's committed fixtures, and ../shared (the peers' fixtures and
 * real datasets) which exists in CI and on developer machines but not in a user's fresh clone.
 */
import { PACKAGE_ROOT } from '../../src/io/package-root.js';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
/** The repository root (see src/io/package-root.ts). */
export const REPO_ROOT = PACKAGE_ROOT;
export const SHARED_ROOT = process.env.FRAUDLENS_SHARED ?? resolve(REPO_ROOT, '..', 'shared');
export function fixturePath(...parts) {
    return join(REPO_ROOT, 'fixtures', ...parts);
}
export function sharedPath(...parts) {
    return join(SHARED_ROOT, ...parts);
}
export const HAS_SHARED = existsSync(join(SHARED_ROOT, 'peers'));
//# sourceMappingURL=paths.js.map