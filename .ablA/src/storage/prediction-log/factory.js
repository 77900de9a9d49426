/**
 * The prediction-log backends, listed once: each registry entry names a backend, says what it is
 * for and builds it from the service configuration. The LOGGING_HANDLER setting (its enum and its
 * documented reason), the factory's error message and the docs derive from this list, so a new
 * backend (PostgreSQL, say) is one entry here and one class beside the others.
 */
import { FraudlensError } from '../../core/errors.js';
import { nameList } from '../common/backends.js';
import { MemoryPredictionLog } from './memory.js';
import { RedisPredictionLog } from './redis.js';
import { StdoutPredictionLog } from './stdout.js';
const common = (config) => ({ maxSize: config.maxSize, maskFields: config.maskFields });
/** Every prediction-log backend; the first is the default. */
export const PREDICTION_LOG_BACKENDS = [
    {
        name: 'memory',
        title: 'Memory',
        description: 'per-process ring, no dependency',
        shared: false,
        service: null,
        create: (config) => new MemoryPredictionLog(common(config)),
    },
    {
        name: 'stdout',
        title: 'Stdout',
        description: 'one line per record, for log collectors',
        shared: false,
        service: null,
        create: (config) => new StdoutPredictionLog({
            ...common(config),
            format: config.textFormat === true ? 'text' : 'json',
            stream: config.stream,
            bufferSize: config.bufferSize,
            flushTimeoutMs: config.flushTimeoutMs,
        }),
    },
    {
        name: 'redis',
        title: 'Redis',
        description: 'a list shared by all processes',
        shared: true,
        service: 'redis',
        create: (config) => new RedisPredictionLog({
            ...common(config),
            url: config.redisUrl,
            key: config.redisKey,
            keyPrefix: config.redisKeyPrefix,
            bufferSize: config.bufferSize,
            flushTimeoutMs: config.flushTimeoutMs,
        }),
    },
];
/** The registry entry of a backend name, or undefined for a name no backend has. */
export function predictionLogBackend(name) {
    return PREDICTION_LOG_BACKENDS.find((b) => b.name === name);
}
/**
 * Creates the configured prediction log.
 * @param config the handler and its options; validated by the backend (CONFIG_INVALID)
 * @example const log = createPredictionLog({ handler: 'redis', redisUrl: 'redis://cache:6379' });
 */
export function createPredictionLog(config) {
    const backend = predictionLogBackend(config.handler);
    if (backend === undefined) {
        throw new FraudlensError('CONFIG_INVALID', `Unknown prediction log handler "${String(config.handler)}"; use ${nameList(PREDICTION_LOG_BACKENDS)}.`, { field: 'handler' });
    }
    return backend.create(config);
}
//# sourceMappingURL=factory.js.map