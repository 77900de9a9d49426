/**
 * Health: GET /health (the Python services' shape, extended), /health/live (the process answers)
 * and /health/ready (able to score: a model is loaded and the server is not draining).
 *
 * Status: "healthy"; "degraded" when the prediction log is disconnected (Redis away: predictions
 * still answer, records wait in the bounded buffer; stdout closed) or is dropping records although
 * connected (a frozen Redis or a stdout reader that stopped reading fill the buffer), or when a
 * component a plugin registered says so (the drift window's Redis store, say); "unhealthy" while
 * draining on shutdown (503). Judged from what each backend reports, not from its name.
 */
import { HealthReport, LiveResponse, ReadyResponse } from '../../contract/index.js';
import { FraudlensError } from '../../core/errors.js';
import { predictionLogBackend } from '../../storage/index.js';
import { VERSION } from '../../version.js';
import { errorResponseSchema } from '../schemas.js';
export function healthReport(ctx) {
    const stats = ctx.predictionLog.stats();
    // Degraded comes from what the store reports, whatever its backend (a PostgreSQL log cut off
    // degrades the service like a Redis one). redis_connected is a legacy summary: the storage
    // registry says which backends need Redis.
    let degraded = !stats.connected || stats.dropping;
    let redis = predictionLogBackend(ctx.predictionLog.backend)?.service === 'redis' ? stats.connected : null;
    const components = {};
    for (const c of ctx.healthComponents) {
        const h = c.report();
        components[c.name] = h;
        if (h.status === 'degraded')
            degraded = true;
        if (h.redis_connected !== null)
            redis = (redis ?? true) && h.redis_connected;
    }
    const status = ctx.state.draining ? 'unhealthy' : degraded ? 'degraded' : 'healthy';
    return {
        status,
        model_loaded: true,
        model_version: ctx.models.current.version,
        redis_connected: redis,
        version: VERSION,
        env: ctx.config.env,
        logging_handler: ctx.predictionLog.backend,
        uptime_s: Math.round((Date.now() - ctx.state.startedAt) / 10) / 100,
        pid: process.pid,
        prediction_log: {
            buffered: stats.buffered,
            dropped: stats.dropped,
            written: stats.written,
            connected: stats.connected,
            dropping: stats.dropping,
        },
        components,
    };
}
export function registerHealth(app, ctx) {
    const noLimit = { rateLimit: false };
    app.get('/health', {
        config: noLimit,
        schema: {
            tags: ['health'],
            summary: 'Service health',
            description: '200 when healthy or degraded (Redis away: predictions still answer), 503 when unhealthy (shutting down).',
            response: { 200: HealthReport, 503: HealthReport },
        },
    }, async (_request, reply) => {
        const report = healthReport(ctx);
        return reply.code(report.status === 'unhealthy' ? 503 : 200).send(report);
    });
    app.get('/health/live', {
        config: noLimit,
        schema: { tags: ['health'], summary: 'Liveness: the process answers', response: { 200: LiveResponse } },
    }, async () => ({ status: 'alive' }));
    app.get('/health/ready', {
        config: noLimit,
        schema: {
            tags: ['health'],
            summary: 'Readiness: a model is loaded and the server is not shutting down',
            response: { 200: ReadyResponse, 503: errorResponseSchema },
        },
    }, async () => {
        if (ctx.state.draining)
            throw new FraudlensError('NOT_READY', 'the server is shutting down');
        return { status: 'ready', model_version: ctx.models.current.version };
    });
}
//# sourceMappingURL=health.js.map