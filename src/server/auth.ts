/**
 * API keys and their roles, as onRequest hooks so a refused request costs no body parsing. Keys are
 * compared through their SHA-256 digests with timingSafeEqual: equal lengths, and the time taken
 * does not depend on how much of the key a caller guessed. Every key is checked (no early exit),
 * so the time does not tell which key came close either.
 *
 * What a role may do comes from the registry in src/contract/auth.ts; a route names the one
 * permission it needs. Without any key configured, every permission but `admin` is open.
 */

import { createHash, timingSafeEqual } from 'node:crypto';

import type { FastifyReply, FastifyRequest } from 'fastify';

import { PERMISSION_NAMES, ROLE_PERMISSIONS, type AuthMe, type Permission, type Role } from '../contract/index.js';
import { FraudlensError } from '../core/errors.js';
import type { ApiKeyEntry } from '../io/api-keys-file.js';

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** Who sent a request: the matching key's name and role, or null without keys configured. */
export interface Caller {
  name: string | null;
  role: Role | null;
}

/** `labelled_by` when the server has no API keys. */
export const ANONYMOUS = 'anonymous';

const OPEN_PERMISSIONS: readonly Permission[] = PERMISSION_NAMES.filter((p) => p !== 'admin');

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The key a request presents: X-API-Key, or Authorization: Bearer <key>. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1];
  }
  return undefined;
}

export function permissionsOf(role: Role | null): readonly Permission[] {
  return role === null ? OPEN_PERMISSIONS : ROLE_PERMISSIONS[role];
}

/** The keys as digests, checked in one place. */
export class ApiKeys {
  private readonly keys: { entry: ApiKeyEntry; digest: Buffer }[];

  constructor(entries: readonly ApiKeyEntry[]) {
    this.keys = entries.map((entry) => ({ entry, digest: Buffer.from(entry.sha256, 'hex') }));
  }

  get enabled(): boolean {
    return this.keys.length > 0;
  }

  /** The caller of a request; throws UNAUTHORIZED for a missing or unknown key when keys exist. */
  identify(request: FastifyRequest): Caller {
    if (!this.enabled) return { name: null, role: null };
    const given = presentedKey(request);
    if (given === undefined)
      throw new FraudlensError('UNAUTHORIZED', 'this endpoint needs an API key (X-API-Key header or Authorization: Bearer)', {
        field: 'x-api-key',
      });
    const d = digest(given);
    let found: ApiKeyEntry | undefined;
    for (const k of this.keys) if (timingSafeEqual(d, k.digest) && found === undefined) found = k.entry;
    if (found === undefined) throw new FraudlensError('UNAUTHORIZED', 'the API key is wrong', { field: 'x-api-key' });
    return { name: found.name, role: found.role };
  }

  /** GET /auth/me's answer for a request. */
  me(request: FastifyRequest): AuthMe {
    const caller = this.identify(request);
    return { name: caller.name, role: caller.role, permissions: [...permissionsOf(caller.role)] };
  }

  /** The hooks of a route that needs `permission`; the caller is left on the request (`callerOf`). */
  require(permission: Permission): Hook[] {
    if (!this.enabled && permission === 'admin') {
      return [
        async () => {
          throw new FraudlensError(
            'FORBIDDEN',
            'admin endpoints are disabled: set API_KEY (or an admin key in API_KEYS_FILE) to enable them',
            { field: 'API_KEY' },
          );
        },
      ];
    }
    if (!this.enabled) return [];
    return [
      async (request) => {
        const caller = this.identify(request);
        if (!permissionsOf(caller.role).includes(permission)) {
          throw new FraudlensError(
            'FORBIDDEN',
            `the key "${caller.name ?? ''}" (role ${caller.role ?? ''}) lacks the permission "${permission}" this endpoint needs`,
            { field: 'x-api-key' },
          );
        }
        callers.set(request, caller);
      },
    ];
  }

  /** OpenAPI `security` of a route that needs `permission` (nothing when it is open: no keys, not admin). */
  security(permission: Permission): { security?: { [scheme: string]: readonly string[] }[] } {
    return this.enabled || permission === 'admin' ? { security: [{ apiKey: [] }, { bearer: [] }] } : {};
  }
}

const callers = new WeakMap<FastifyRequest, Caller>();

/** The caller a permission hook identified (null name without keys). */
export function callerOf(request: FastifyRequest): Caller {
  return callers.get(request) ?? { name: null, role: null };
}
