/**
 * API-key checks, as onRequest hooks so a refused request costs no body parsing. Keys are compared
 * through their SHA-256 digests with timingSafeEqual: equal lengths, and the time taken does not
 * depend on how much of the key a caller guessed.
 */

import { createHash, timingSafeEqual } from 'node:crypto';

import type { FastifyReply, FastifyRequest } from 'fastify';

import { FraudlensError } from '../core/errors.js';

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The key a request presents: X-API-Key, or Authorization: Bearer <key>. */
export function presentedKey(request: FastifyRequest): string | undefined {
  return keyFromHeaders(request.headers['x-api-key'], request.headers.authorization);
}

/** The key in an X-API-Key value, else in an `Authorization: Bearer <key>` value. */
export function keyFromHeaders(header: unknown, auth: unknown): string | undefined {
  if (typeof header === 'string' && header !== '') return header;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1];
  }
  return undefined;
}

/**
 * The check of a presented key against the configured one, whichever protocol carried it (HTTP
 * headers here, gRPC metadata in grpc.ts).
 * @throws FraudlensError UNAUTHORIZED when the key is absent or wrong
 */
export function keyChecker(apiKey: string): (given: string | undefined) => void {
  const expected = digest(apiKey);
  return (given) => {
    if (given === undefined)
      throw new FraudlensError('UNAUTHORIZED', 'this endpoint needs an API key (X-API-Key header or Authorization: Bearer)', {
        field: 'x-api-key',
      });
    if (!timingSafeEqual(digest(given), expected))
      throw new FraudlensError('UNAUTHORIZED', 'the API key is wrong', { field: 'x-api-key' });
  };
}

function checker(apiKey: string): (request: FastifyRequest) => void {
  const check = keyChecker(apiKey);
  return (request) => check(presentedKey(request));
}

/** Hook for data routes: open when no key is configured, else the key is required. */
export function requireApiKey(apiKey: string | null): Hook[] {
  if (apiKey === null) return [];
  const check = checker(apiKey);
  return [async (request) => check(request)];
}

/** Hook for admin routes: disabled (403) unless a key is configured, then the key is required. */
export function requireAdmin(apiKey: string | null): Hook[] {
  if (apiKey === null) {
    return [
      async () => {
        throw new FraudlensError('FORBIDDEN', 'admin endpoints are disabled: set API_KEY to enable them', { field: 'API_KEY' });
      },
    ];
  }
  const check = checker(apiKey);
  return [async (request) => check(request)];
}

/** OpenAPI `security` of a route that needs the key (nothing when no key is configured). */
export function securityOf(apiKey: string | null): { security?: { [scheme: string]: readonly string[] }[] } {
  return apiKey === null ? {} : { security: [{ apiKey: [] }, { bearer: [] }] };
}
