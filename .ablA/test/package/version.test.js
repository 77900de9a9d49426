/**
 * The version the CLI, /health and model metadata report (src/version.ts, a constant so nothing
 * reads package.json at run time) is the package's own: a release that bumps one and not the
 * other fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../../src/version.js';
import { REPO_ROOT } from '../helpers/paths.js';
const readJson = (name) => JSON.parse(readFileSync(join(REPO_ROOT, name), 'utf8'));
test('src/version.ts holds the version of package.json and package-lock.json', () => {
    const manifest = readJson('package.json');
    const lock = readJson('package-lock.json');
    assert.match(VERSION, /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, 'VERSION is a semantic version');
    assert.equal(VERSION, manifest.version, 'src/version.ts and package.json disagree: bump both');
    assert.equal(lock.version, manifest.version, 'package-lock.json is stale: run npm install');
    assert.equal(lock.packages['']?.version, manifest.version, 'package-lock.json is stale: run npm install');
});
//# sourceMappingURL=version.test.js.map