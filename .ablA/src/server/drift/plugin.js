/**
 * Drift monitoring as a server plugin (registered in SERVE_PLUGINS): every scored transaction
 * goes to a window of recent traffic, `/drift` compares that window with the model's training
 * baseline, `/metrics` exports the verdicts, and the baseline can be downloaded, replaced or
 * rebuilt from the window. See docs/api.md, "Drift monitoring".
 *
 * The window is in-process by default and in Redis when the deployment shares its prediction log
 * there (FRAUDLENS_DRIFT_BACKEND=auto) or when asked; the baseline follows every model reload.
 * Nothing here can fail a prediction: without a usable baseline the drift routes answer 409.
 */
import { driftWindowBackend } from '../../storage/index.js';
import { registerDriftMetrics } from './metrics.js';
import { DriftMonitor } from './monitor.js';
import { registerDriftRoutes } from './routes.js';
import { DRIFT_SETTINGS, resolveDriftSettings } from './settings.js';
/**
 * The plugin, with explicit options. Settings come from `config.extensions` (DRIFT_SETTINGS),
 * with their defaults when the configuration was built without them.
 * @param options sampling seed
 * @example const app = await buildApp(loadConfig({ extraSettings: DRIFT_SETTINGS }), { model, plugins: [createDriftPlugin({ seed: 1 })] });
 */
export function createDriftPlugin(options = {}) {
    return (app, ctx) => {
        const settings = resolveDriftSettings(ctx.config);
        const monitor = new DriftMonitor(settings, ctx.models, app.log.child({ component: 'drift' }), options.seed);
        // Closing the app flushes the window (a Redis store sends what is pending) and releases it.
        app.addHook('onClose', async () => {
            await monitor.close();
        });
        monitor.start();
        ctx.onScored.push(monitor.observe);
        ctx.healthComponents.push({ name: 'drift', report: () => driftHealth(monitor) });
        ctx.models.onChange(monitor.onModelChange);
        registerDriftMetrics(ctx.metrics.registry, monitor);
        registerDriftRoutes(app, ctx, monitor);
    };
}
/**
 * Drift is "off" without a baseline; a window store that reports itself disconnected (a Redis
 * window that lost Redis, say) or dropping rows makes the service degraded. Judged by the state
 * the store reports, so a new backend gets degraded/healthy for free; redis_connected is a legacy
 * summary for the backends the storage registry marks as needing Redis.
 */
function driftHealth(monitor) {
    const reason = monitor.unavailableReason;
    if (reason !== null)
        return { status: 'off', redis_connected: null, detail: reason };
    const s = monitor.stats();
    const backend = driftWindowBackend(s.backend);
    const redis = backend?.service === 'redis' ? s.connected : null;
    if (s.dropping)
        return {
            status: 'degraded',
            redis_connected: redis,
            detail: `the drift window is dropping rows (${s.dropped} dropped so far; ${s.pending} wait)`,
        };
    if (s.connected)
        return { status: 'ok', redis_connected: redis };
    return {
        status: 'degraded',
        redis_connected: redis,
        detail: `${backend?.title ?? s.backend} unreachable: /drift answers from this process's rows; ${s.pending} rows wait to be sent`,
    };
}
/** The plugin `fraudlens serve` loads. */
export const driftPlugin = createDriftPlugin();
/** The SERVE_PLUGINS entry. */
export const DRIFT_PLUGIN = { name: 'drift', plugin: driftPlugin, settings: DRIFT_SETTINGS };
export { DRIFT_SETTINGS } from './settings.js';
//# sourceMappingURL=plugin.js.map