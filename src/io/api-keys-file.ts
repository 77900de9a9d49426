/**
 * The API keys file (API_KEYS_FILE): a YAML or JSON list of `{name, role, key | key_sha256}`. Read
 * and checked once at start; a key is kept only as its SHA-256 digest, so a file may hold digests
 * instead of the keys themselves.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { parse } from 'yaml';

import { ROLES, type Role } from '../contract/index.js';
import { FraudlensError } from '../core/errors.js';

export interface ApiKeyEntry {
  name: string;
  role: Role;
  /** SHA-256 of the key, 64 lower-case hex digits (a string: the config is deep-frozen). */
  sha256: string;
}

/** Shortest key accepted, as for API_KEY: long enough not to be found by trying. */
export const MIN_KEY_LENGTH = 16;

export function sha256Of(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Checks a parsed keys list. Throws CONFIG_INVALID naming the setting and the entry at fault.
 * @param where how to name the list in messages (the file path)
 */
export function checkApiKeys(parsed: unknown, where: string): ApiKeyEntry[] {
  const bad = (message: string): never => {
    throw new FraudlensError('CONFIG_INVALID', `API_KEYS_FILE ${where}: ${message}`, { field: 'API_KEYS_FILE' });
  };
  if (!Array.isArray(parsed)) return bad('must be a list of {name, role, key or key_sha256}');
  const names = new Set<string>();
  const digests = new Set<string>();
  return parsed.map((item: unknown, i): ApiKeyEntry => {
    const at = `entry ${i + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return bad(`${at} must be an object`);
    const entry = item as Record<string, unknown>;
    for (const k of Object.keys(entry)) {
      if (!['name', 'role', 'key', 'key_sha256'].includes(k))
        bad(`${at} has an unknown field "${k}" (name, role, key, key_sha256)`);
    }
    const { name, role, key, key_sha256: hex } = entry;
    if (typeof name !== 'string' || !/^[\w.@-]{1,100}$/.test(name)) {
      bad(`${at}: name must be 1-100 letters, digits, ".", "@", "_" or "-"`);
    }
    if (typeof role !== 'string' || !(ROLES as string[]).includes(role)) bad(`${at}: role must be one of ${ROLES.join(', ')}`);
    let sha256: string;
    if (key !== undefined && hex !== undefined) return bad(`${at}: give key or key_sha256, not both`);
    if (typeof key === 'string') {
      if (key.length < MIN_KEY_LENGTH) bad(`${at}: key must be at least ${MIN_KEY_LENGTH} characters`);
      sha256 = sha256Of(key);
    } else if (typeof hex === 'string' && /^[0-9a-fA-F]{64}$/.test(hex)) {
      sha256 = hex.toLowerCase();
    } else {
      return bad(`${at}: key (at least ${MIN_KEY_LENGTH} characters) or key_sha256 (64 hex digits) is required`);
    }
    if (names.has(name as string)) bad(`${at}: the name "${name as string}" is used twice`);
    if (digests.has(sha256)) bad(`${at}: the same key is listed twice`);
    names.add(name as string);
    digests.add(sha256);
    return { name: name as string, role: role as Role, sha256 };
  });
}

/** Reads and checks the keys file (YAML, which JSON is a subset of). */
export function readApiKeysFile(path: string): ApiKeyEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FraudlensError('CONFIG_INVALID', `API_KEYS_FILE ${path} cannot be read: ${(err as Error).message}`, {
      field: 'API_KEYS_FILE',
    });
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (err) {
    throw new FraudlensError('CONFIG_INVALID', `API_KEYS_FILE ${path} is not YAML or JSON: ${(err as Error).message}`, {
      field: 'API_KEYS_FILE',
    });
  }
  return checkApiKeys(parsed, path);
}
