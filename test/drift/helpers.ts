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
function findFixture(): string {
  const starts = [process.cwd(), dirname(fileURLToPath(import.meta.url))];
  for (const start of starts) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, FIXTURE);
      if (existsSync(candidate)) return candidate;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error(`${FIXTURE} not found from ${starts.join(' or ')}; run the tests from the repository root.`);
}

export interface PoolRef {
  ref: string;
  start: number;
  end: number;
  offset?: number;
}
export type SampleSpec = number[] | PoolRef;

export interface Reference {
  seed: number;
  versions: Record<string, string>;
  constants: Record<string, number>;
  pool: Record<string, string>;
  ks: { name: string; a: SampleSpec; b: SampleSpec; statistic: number; pvalue: number }[];
  ks_exact: [number, number, number, number][];
  kstwo_sf: [number, number, number][];
  smirnov_sf: [number, number, number][];
  chisquare: { name: string; baseline: number[]; current: number[]; statistic: number; pvalue: number; df: number }[];
  gammaincc: [number, number, number][];
  jensenshannon: { name: string; p: number[]; q: number[]; base_e: number; base_2: number }[];
  wasserstein: { name: string; u: SampleSpec; v: SampleSpec; distance: number; normalized: number }[];
  wasserstein_weighted: {
    name: string;
    edges?: number[];
    baseline?: number[];
    current?: number[];
    u?: number[];
    v?: number[];
    uw?: number[];
    vw?: number[];
    distance: number;
    normalized?: number;
  }[];
  psi: { name: string; baseline: number[]; current: number[]; psi: number }[];
}

let cached: Reference | undefined;
const poolCache = new Map<string, Float64Array>();

export function loadReference(): Reference {
  cached ??= JSON.parse(readFileSync(findFixture(), 'utf8')) as Reference;
  return cached;
}

function poolArray(name: string): Float64Array {
  let arr = poolCache.get(name);
  if (arr === undefined) {
    const b64 = loadReference().pool[name];
    assert.ok(b64 !== undefined, `pool entry ${name} missing`);
    const bytes = Buffer.from(b64, 'base64');
    // Little-endian float32, widened exactly to float64 (as numpy's astype(float64) does).
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    arr = new Float64Array(bytes.byteLength / 4);
    for (let i = 0; i < arr.length; i++) arr[i] = view.getFloat32(i * 4, true);
    poolCache.set(name, arr);
  }
  return arr;
}

/** The float64 sample a fixture entry stands for. */
export function sample(spec: SampleSpec): Float64Array {
  if (Array.isArray(spec)) return Float64Array.from(spec);
  const src = poolArray(spec.ref).subarray(spec.start, spec.end);
  const out = Float64Array.from(src);
  if (spec.offset !== undefined) for (let i = 0; i < out.length; i++) out[i] += spec.offset;
  return out;
}

/** Relative agreement with scipy as SCIPY_TOLERANCE states; returns the relative error seen. */
export function assertScipyClose(actual: number, expected: number, label: string): number {
  assert.ok(Number.isFinite(actual), `${label}: got ${actual}, scipy ${expected}`);
  if (expected === 0) {
    assert.ok(Math.abs(actual) <= SCIPY_TOLERANCE, `${label}: got ${actual}, scipy 0`);
    return 0;
  }
  const rel = Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(rel <= SCIPY_TOLERANCE, `${label}: got ${actual}, scipy ${expected} (relative error ${rel.toExponential(2)})`);
  return rel;
}
