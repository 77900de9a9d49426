/**
 * Option parsers shared by the commands: each turns a flag's text into a checked value or
 * throws INPUT_INVALID naming the flag.
 */

import { FraudlensError } from '../core/errors.js';

export function positiveInt(flag: string) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < 1) throw new FraudlensError('INPUT_INVALID', `${flag} must be a positive integer, got "${text}"`, { field: flag });
    return v;
  };
}

export function nonNegativeInt(flag: string) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < 0) throw new FraudlensError('INPUT_INVALID', `${flag} must be a non-negative integer, got "${text}"`, { field: flag });
    return v;
  };
}

export function numberIn(flag: string, min: number, max: number, { minExclusive = false } = {}) {
  return (text: string): number => {
    const v = Number(text);
    const okMin = minExclusive ? v > min : v >= min;
    if (text.trim() === '' || !Number.isFinite(v) || !okMin || v > max) {
      throw new FraudlensError('INPUT_INVALID', `${flag} must be a number in ${minExclusive ? '(' : '['}${min}, ${max}], got "${text}"`, { field: flag });
    }
    return v;
  };
}

export function nameList(flag: string) {
  return (text: string): string[] => {
    const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (names.length === 0) throw new FraudlensError('INPUT_INVALID', `${flag} needs a comma-separated list of names`, { field: flag });
    return names;
  };
}
