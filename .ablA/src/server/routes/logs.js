/** GET /logs?limit=50: the newest prediction records, newest first (bounded page). */
import { logsQuerySchema, LogsResponse } from '../../contract/index.js';
import { requireApiKey, securityOf } from '../auth.js';
import { errorResponseSchema } from '../schemas.js';
export function registerLogs(app, ctx) {
    const { config } = ctx;
    app.get('/logs', {
        onRequest: requireApiKey(config.apiKey),
        schema: {
            tags: ['logs'],
            summary: 'Latest prediction records, newest first',
            description: `Records of this process (memory or stdout handler) or of every process sharing the Redis list (redis handler). PII fields are masked. At most ${config.logsLimit} per call.`,
            querystring: logsQuerySchema(config.logsLimit),
            response: {
                200: LogsResponse,
                '4xx': errorResponseSchema,
            },
            ...securityOf(config.apiKey),
        },
    }, async (request) => {
        const logs = await ctx.predictionLog.latest(request.query.limit);
        return { logs, count: logs.length, backend: ctx.predictionLog.backend };
    });
}
//# sourceMappingURL=logs.js.map