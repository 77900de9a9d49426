/** docs/errors.md lists exactly the catalogue's codes, each with its HTTP status. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ERROR_CATALOGUE } from '../../src/core/errors.js';
import { REPO_ROOT } from '../helpers/paths.js';
it('docs/errors.md and ERROR_CATALOGUE agree', () => {
    const text = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');
    const documented = new Map();
    for (const m of text.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)) {
        assert.ok(!documented.has(m[1]), `${m[1]} is listed twice`);
        documented.set(m[1], Number(m[2]));
    }
    const catalogue = new Map(Object.entries(ERROR_CATALOGUE).map(([code, e]) => [code, e.statusCode]));
    const missing = [...catalogue.keys()].filter((c) => !documented.has(c));
    const extra = [...documented.keys()].filter((c) => !catalogue.has(c));
    assert.deepEqual(missing, [], `codes missing from docs/errors.md: ${missing.join(', ')}`);
    assert.deepEqual(extra, [], `codes in docs/errors.md but not in the catalogue: ${extra.join(', ')}`);
    for (const [code, status] of catalogue)
        assert.equal(documented.get(code), status, `${code}: status in docs/errors.md`);
});
//# sourceMappingURL=errors-doc.test.js.map