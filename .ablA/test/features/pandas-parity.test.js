/**
 * Parity with the pandas reference (fixtures/features, written by bench/peers/features_pandas.py):
 * the same header, the same rows, counts and text identical, numbers within the parity tolerance.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/cli.js';
import { fixturePath } from '../helpers/paths.js';
/** Sums, means, std and every other float against the reference (ISSUE14's parity rule). */
const PARITY_REL_TOLERANCE = 1e-9;
/** Below this magnitude floats are compared absolutely. */
const PARITY_ABS_FLOOR = 1e-12;
it('fraudlens features matches the pandas reference on the parity fixture', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'fraudlens-parity-')), 'features.csv');
    const r = await runCli([
        'features',
        '--defs',
        fixturePath('features', 'definitions.yaml'),
        '--data',
        fixturePath('features', 'raw.csv'),
        '--out',
        out,
        '--keep',
        'is_fraud',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const ours = parse(readFileSync(out, 'utf8'));
    const reference = parse(readFileSync(fixturePath('features', 'features.csv'), 'utf8'));
    assert.deepEqual(ours[0], reference[0], 'header');
    assert.equal(ours.length, reference.length, 'rows');
    let floats = 0;
    for (let i = 1; i < ours.length; i++) {
        for (let j = 0; j < ours[0].length; j++) {
            const a = ours[i][j];
            const b = reference[i][j];
            const what = `row ${i} (${reference[i][0]}) ${reference[0][j]}`;
            if (a === b)
                continue;
            const x = Number(a);
            const y = Number(b);
            // Only number formatting may differ ("13208" vs pandas' "13208.0"); missing must match.
            assert.ok(a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y), `${what}: ${JSON.stringify(a)} vs reference ${JSON.stringify(b)}`);
            assert.ok(Math.abs(x - y) <= Math.max(PARITY_ABS_FLOOR, PARITY_REL_TOLERANCE * Math.abs(y)), `${what}: ${a} vs reference ${b}`);
            floats++;
        }
    }
    assert.ok(floats > 0, 'the comparison saw formatted floats (the reference writes 0.0 where we write 0)');
});
//# sourceMappingURL=pandas-parity.test.js.map