/**
 * API-key checks, as onRequest hooks so a refused request costs no body parsing. Keys are compared
 * through their SHA-256 digests with timingSafeEqual: equal lengths, and the time taken does not
 * depend on how much of the key a caller guessed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { FraudlensError } from '../core/errors.js';
function digest(text) {
    return createHash('sha256').update(text, 'utf8').digest();
}
/** The key a request presents: X-API-Key, or Authorization: Bearer <key>. */
export function presentedKey(request) {
    const header = request.headers['x-api-key'];
    if (typeof header === 'string' && header !== '')
        return header;
    const auth = request.headers.authorization;
    if (typeof auth === 'string') {
        const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
        if (m)
            return m[1];
    }
    return undefined;
}
function checker(apiKey) {
    const expected = digest(apiKey);
    return (request) => {
        const given = presentedKey(request);
        if (given === undefined)
            throw new FraudlensError('UNAUTHORIZED', 'this endpoint needs an API key (X-API-Key header or Authorization: Bearer)', {
                field: 'x-api-key',
            });
        if (!timingSafeEqual(digest(given), expected))
            throw new FraudlensError('UNAUTHORIZED', 'the API key is wrong', { field: 'x-api-key' });
    };
}
/** Hook for data routes: open when no key is configured, else the key is required. */
export function requireApiKey(apiKey) {
    if (apiKey === null)
        return [];
    const check = checker(apiKey);
    return [async (request) => check(request)];
}
/** Hook for admin routes: disabled (403) unless a key is configured, then the key is required. */
export function requireAdmin(apiKey) {
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
export function securityOf(apiKey) {
    return apiKey === null ? {} : { security: [{ apiKey: [] }, { bearer: [] }] };
}
//# sourceMappingURL=auth.js.map