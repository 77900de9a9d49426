/**
 * Security headers on every response, set from one precomputed table. Values follow Helmet's
 * defaults tightened for a JSON API (no content may load: `default-src 'none'`); the /docs pages
 * replace the Content-Security-Policy with the one the Swagger UI needs. Helmet's headers that
 * only matter to HTML documents in old browsers (X-Download-Options for IE8, Flash's
 * X-Permitted-Cross-Domain-Policies, X-DNS-Prefetch-Control, X-XSS-Protection: 0,
 * Origin-Agent-Cluster, Cross-Origin-Opener-Policy) are left out: every response carries them,
 * and they cost throughput without protecting a JSON answer.
 *
 * `Cache-Control: no-store` too: predictions, prediction logs and drift baselines hold request
 * data, and every other answer (health, model, metrics) is live state that a cache would only
 * make stale. The dashboard's files set their own caching.
 *
 * Why not @fastify/helmet on every route: it builds Helmet's middleware again for each request,
 * which measured at 40-50 % of /predict throughput under wrk on this project's 2-core benchmark
 * machine; the headers themselves cost next to nothing when the table is built once.
 */
export const SECURITY_HEADERS = Object.freeze({
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cross-origin-resource-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
});
//# sourceMappingURL=security.js.map