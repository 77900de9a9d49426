/** GET /metrics: Prometheus text format (this process's registry). */
export function registerMetrics(app, ctx) {
    app.get('/metrics', {
        config: { rateLimit: false },
        schema: {
            tags: ['health'],
            summary: 'Prometheus metrics',
            description: 'Request durations by route and status, predictions by decision, score histogram, model info, Redis connection state, prediction-log buffered/dropped/written, process metrics. Per process: with --workers N each worker keeps its own.',
            response: { 200: { type: 'string' } },
        },
    }, async (_request, reply) => {
        const text = await ctx.metrics.registry.metrics();
        return reply.type(ctx.metrics.registry.contentType).send(text);
    });
}
//# sourceMappingURL=metrics.js.map