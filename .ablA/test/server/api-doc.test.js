/** docs/api.md documents every setting of the server's configuration table. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { SETTINGS } from '../../src/server/config.js';
import { REPO_ROOT } from '../helpers/paths.js';
it('docs/api.md has one table row per setting, with its flag', () => {
    const text = readFileSync(join(REPO_ROOT, 'docs', 'api.md'), 'utf8');
    const rows = new Map();
    for (const m of text.matchAll(/^\| `([A-Z_]+)` \| (`--[a-z-]+`)? \|/gm))
        rows.set(m[1], m[2] ?? '');
    for (const s of SETTINGS) {
        assert.ok(rows.has(s.key), `docs/api.md lacks ${s.key}`);
        assert.equal(rows.get(s.key), s.flag ? `\`${s.flag}\`` : '', `${s.key}: flag in docs/api.md`);
    }
    const extra = [...rows.keys()].filter((k) => !SETTINGS.some((s) => s.key === k));
    assert.deepEqual(extra, [], `docs/api.md documents unknown settings: ${extra.join(', ')}`);
});
//# sourceMappingURL=api-doc.test.js.map