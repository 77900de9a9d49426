/** Timestamps written by the scorer and the memory log's reads: toISOString's text, formatted from a cached second. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isoInstant } from '../../../src/storage/prediction-log/instant.js';

describe('isoInstant', () => {
  it('writes what toISOString writes, within a second, across seconds and across years', () => {
    const starts = [
      Date.UTC(2024, 1, 29, 23, 59, 59, 990),
      0,
      -1500,
      1_700_000_000_000,
      -62_167_219_200_000,
      253_402_300_799_990,
    ];
    for (const start of starts) {
      // 25 ms steps over 3 s: the cached second is reused, then replaced.
      for (let ms = start; ms < start + 3000; ms += 25) assert.equal(isoInstant(ms), new Date(ms).toISOString(), String(ms));
    }
    let seed = 11;
    for (let i = 0; i < 10_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const ms = Math.floor((seed / 2 ** 31) * 8e12) - 4e12; // about 1843 to 2096
      assert.equal(isoInstant(ms), new Date(ms).toISOString(), String(ms));
    }
  });
});
