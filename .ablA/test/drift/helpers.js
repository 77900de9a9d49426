/**
 * Shared helpers of the drift tests: loading fixtures/drift/scipy_reference.json (written by
 * scripts/drift_reference.py), decoding its sample pool, and the tolerance check against scipy.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
/**
 * Agreement required with scipy, RELATIVE: |ours - scipy| <= SCIPY_TOLERANCE * |scipy|. Where
 * scipy's value is exactly 0 (no relative error exists) ours must be within SCIPY_TOLERANCE of 0.
 */
export const SCIPY_TOLERANCE = 1e-9;
const FIXTURE = join('fixtures', 'drift', 'scipy_reference.json');
/** Finds the fixture from the working directory or from this file, walking up. */
function findFixture() {
    const starts = [process.cwd(), dirname(fileURLToPath(import.meta.url))];
    for (const start of starts) {
        let dir = resolve(start);
        for (;;) {
            const candidate = join(dir, FIXTURE);
            if (existsSync(candidate))
                return candidate;
            const up = dirname(dir);
            if (up === dir)
                break;
            dir = up;
        }
    }
    throw new Error(`${FIXTURE} not found from ${starts.join(' or ')}; run the tests from the repository root.`);
}
let cached;
const poolCache = new Map();
export function loadReference() {
    cached ??= JSON.parse(readFileSync(findFixture(), 'utf8'));
    return cached;
}
function poolArray(name) {
    let arr = poolCache.get(name);
    if (arr === undefined) {
        const b64 = loadReference().pool[name];
        assert.ok(b64 !== undefined, `pool entry ${name} missing`);
        const bytes = Buffer.from(b64, 'base64');
        // Little-endian float32, widened exactly to float64 (as numpy's astype(float64) does).
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        arr = new Float64Array(bytes.byteLength / 4);
        for (let i = 0; i < arr.length; i++)
            arr[i] = view.getFloat32(i * 4, true);
        poolCache.set(name, arr);
    }
    return arr;
}
/** The float64 sample a fixture entry stands for. */
export function sample(spec) {
    if (Array.isArray(spec))
        return Float64Array.from(spec);
    const src = poolArray(spec.ref).subarray(spec.start, spec.end);
    const out = Float64Array.from(src);
    if (spec.offset !== undefined)
        for (let i = 0; i < out.length; i++)
            out[i] += spec.offset;
    return out;
}
/** Relative agreement with scipy as SCIPY_TOLERANCE states; returns the relative error seen. */
export function assertScipyClose(actual, expected, label) {
    assert.ok(Number.isFinite(actual), `${label}: got ${actual}, scipy ${expected}`);
    if (expected === 0) {
        assert.ok(Math.abs(actual) <= SCIPY_TOLERANCE, `${label}: got ${actual}, scipy 0`);
        return 0;
    }
    const rel = Math.abs(actual - expected) / Math.abs(expected);
    assert.ok(rel <= SCIPY_TOLERANCE, `${label}: got ${actual}, scipy ${expected} (relative error ${rel.toExponential(2)})`);
    return rel;
}
//# sourceMappingURL=helpers.js.map