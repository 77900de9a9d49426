/**
 * The drift-window backends, listed once: each registry entry names a backend, says what it is
 * for and builds it for a baseline. The FRAUDLENS_DRIFT_BACKEND setting (its enum, its reason,
 * what `auto` resolves to), the /drift route's description and the docs derive from this list.
 */
import { FraudlensError } from '../../core/errors.js';
import { nameList } from '../common/backends.js';
import { MemoryDriftWindow } from './memory.js';
import { RedisDriftWindow } from './redis.js';
/** Every drift-window backend; the first is the default. */
export const DRIFT_WINDOW_BACKENDS = [
    {
        name: 'memory',
        title: 'Memory',
        description: 'this process only',
        shared: false,
        service: null,
        create: (baseline, config) => {
            const { redisUrl: _url, redisKeyPrefix: _prefix, flushTimeoutMs: _flush, ...options } = config;
            return new MemoryDriftWindow(baseline, options);
        },
    },
    {
        name: 'redis',
        title: 'Redis',
        description: 'one window for every replica, at the REDIS_URL settings',
        shared: true,
        service: 'redis',
        create: (baseline, config) => {
            const { redisUrl, redisKeyPrefix, flushTimeoutMs, ...options } = config;
            return new RedisDriftWindow(baseline, { ...options, url: redisUrl, keyPrefix: redisKeyPrefix, flushTimeoutMs });
        },
    },
];
/** The registry entry of a backend name, or undefined for a name no backend has. */
export function driftWindowBackend(name) {
    return DRIFT_WINDOW_BACKENDS.find((b) => b.name === name);
}
/**
 * Creates the drift window of a baseline.
 * @param baseline the model's drift baseline (loadBaseline / buildBaseline)
 * @param config backend and window options; validated here (CONFIG_INVALID)
 * @example const window = createDriftWindow(baseline, { backend: 'redis', redisUrl: 'redis://cache:6379' });
 */
export function createDriftWindow(baseline, config = {}) {
    const { backend = DRIFT_WINDOW_BACKENDS[0].name, ...rest } = config;
    const entry = driftWindowBackend(backend);
    if (entry === undefined) {
        throw new FraudlensError('CONFIG_INVALID', `Unknown drift window backend "${String(backend)}"; use ${nameList(DRIFT_WINDOW_BACKENDS)}.`, { field: 'backend' });
    }
    return entry.create(baseline, rest);
}
//# sourceMappingURL=factory.js.map