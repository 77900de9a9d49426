/**
 * Timestamps read digit by digit must agree with Date.parse and toISOString: the memory store keeps
 * a record's timestamp as epoch ms alone when this reading says the text can be rebuilt from them.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { canonicalInstantMs, instantMs, isCanonicalInstant } from '../../../src/storage/prediction-log/instant.js';

/** What Date.parse and toISOString make of a text: its ms, and whether the ms give the text back. */
function reference(text: string): { ms: number; canonical: boolean } {
  const ms = Date.parse(text);
  return { ms, canonical: !Number.isNaN(ms) && new Date(ms).toISOString() === text };
}

/** Same ms as Date.parse; canonical only if toISOString gives the text back, and always so for the years 0000–9999. */
function assertAgrees(text: string): void {
  const want = reference(text);
  const fourDigitYear = /^\d{4}-/.test(text);
  assert.equal(Object.is(instantMs(text), want.ms), true, `${text}: ms ${instantMs(text)}, Date.parse ${want.ms}`);
  assert.equal(isCanonicalInstant(text), want.canonical && fourDigitYear, `${text}: canonical`);
  assert.equal(
    Object.is(canonicalInstantMs(text), want.canonical && fourDigitYear ? want.ms : Number.NaN),
    true,
    `${text}: canonical ms`,
  );
}

describe('instant', () => {
  it('reads every toISOString text of the years 0000–9999 as Date.parse does', () => {
    const start = new Date('0000-01-01T00:00:00.000Z').getTime();
    const end = new Date('9999-12-31T23:59:59.999Z').getTime();
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const ms = Math.floor(start + (seed / 2 ** 31) * (end - start));
      assertAgrees(new Date(ms).toISOString());
    }
    for (const ms of [start, end, 0, -1, 951_782_400_000, 1_709_164_800_000]) assertAgrees(new Date(ms).toISOString());
  });

  it('leaves every other text to Date.parse, and never calls one canonical that toISOString would write otherwise', () => {
    const texts = [
      '2024-02-29T12:00:00.000Z', // leap day
      '2023-02-29T12:00:00.000Z', // Date.parse rolls it over to March 1st
      '1900-02-29T00:00:00.000Z',
      '2000-02-29T00:00:00.000Z',
      '2024-04-31T00:00:00.000Z',
      '2024-02-30T00:00:00.000Z',
      '2024-01-01T24:00:00.000Z',
      '2024-01-01T23:59:60.000Z',
      '2024-00-10T00:00:00.000Z',
      '2024-13-10T00:00:00.000Z',
      '2024-01-00T00:00:00.000Z',
      '2024-01-32T00:00:00.000Z',
      '2024-01-01T12:60:00.000Z',
      '2024-01-01T12:00:00Z',
      '2024-01-01T12:00:00.000z',
      '2024-01-01T12:00:00.0000',
      '2024-01-01T13:00:00.000+01:00',
      '2024-01-01 12:00:00.000Z',
      '2024-01-01T12:00:00.12aZ',
      '+010000-01-01T00:00:00.000Z', // toISOString's text, but a signed year: left to Date.parse
      '-000001-01-01T00:00:00.000Z',
      '2024-01-01',
      'yesterday',
      '',
    ];
    for (const text of texts) assertAgrees(text);
  });
});
