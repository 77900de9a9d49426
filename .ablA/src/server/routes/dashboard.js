/**
 * Serves the built dashboard (dashboard/dist, made by `npm run build:dashboard`) at `/`, so one
 * process gives API and dashboard. Only its own files are served (no catch-all), so an unknown
 * API path still gets the JSON 404. Those files get a Content-Security-Policy that lets the page
 * run its own scripts and styles and call the API, instead of the API's `default-src 'none'`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { PACKAGE_ROOT } from '../../io/package-root.js';
export const DASHBOARD_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self' http: https:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/** dashboard/dist of this package when it has been built. */
export function dashboardDir() {
    const dir = join(PACKAGE_ROOT, 'dashboard', 'dist');
    return existsSync(join(dir, 'index.html')) ? dir : null;
}
/** Registers the dashboard when it has been built; returns whether it did. */
export async function registerDashboard(app, root = dashboardDir()) {
    if (root === null)
        return false;
    await app.register(async (scope) => {
        scope.addHook('onSend', async (request, reply, payload) => {
            void reply.header('content-security-policy', DASHBOARD_CSP);
            // Hashed asset names never change content; the page itself must be revalidated.
            void reply.header('cache-control', request.url.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
            return payload;
        });
        await scope.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: ['index.html'] });
    });
    return true;
}
//# sourceMappingURL=dashboard.js.map