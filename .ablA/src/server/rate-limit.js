/**
 * Where the rate limit counts requests (FRAUDLENS_RATE_LIMIT_STORE). In memory each process
 * counts alone, so `--workers N` or N replicas allow N times FRAUDLENS_RATE_LIMIT_MAX per client.
 * With Redis every worker and replica adds to one counter per client (the library's own Redis
 * store: an atomic INCR with an expiry in one script).
 *
 * The limiter must never fail or stall a request because Redis is away. The store answers from
 * this process's own counts (the library's in-memory store) while the client is not connected,
 * when a Redis call fails or times out (a frozen server: FAILURE_COMMAND_TIMEOUT_MS), and for
 * RETRY_AFTER_FAILURE_MS after such a failure, so a frozen Redis costs one short wait per
 * interval rather than one per request. Meanwhile the limit holds per process, as in memory.
 */
import { createRequire } from 'node:module';
import { Redis } from 'ioredis';
// The library ships both stores as CommonJS files without type declarations.
const require = createRequire(import.meta.url);
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js');
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js');
/** Prefix of the counter keys in Redis; the client address follows. */
export const RATE_LIMIT_KEY_PREFIX = 'fraudlens:ratelimit:';
/** A Redis call slower than this counts as failed: the request is counted locally instead. */
export const FAILURE_COMMAND_TIMEOUT_MS = 250;
/** After a failure, counts stay local this long before Redis is tried again. */
export const RETRY_AFTER_FAILURE_MS = 1_000;
/** Clients tracked by the in-memory counts (least recently seen evicted), the library's default. */
const LOCAL_CLIENTS = 5_000;
/**
 * Rate-limit counts shared through Redis, falling back to local counts (see the module header).
 * @param url the Redis server (REDIS_URL)
 * @param log where losing and regaining Redis is reported
 * @example const shared = sharedRateLimit(config.redisUrl, app.log); await app.register(rateLimit, { store: shared.Store, ... });
 */
export function sharedRateLimit(url, log) {
    const client = new Redis(url, {
        connectionName: 'fraudlens-rate-limit',
        // Fail at once while disconnected instead of queueing a request's count behind the outage.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: FAILURE_COMMAND_TIMEOUT_MS,
        retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    const state = { failedAt: -Infinity, fallbacks: 0, remoteDown: false };
    client.on('error', () => undefined);
    client.on('ready', () => {
        if (state.remoteDown)
            log.info('rate limit: Redis is back, counts are shared again');
        state.remoteDown = false;
    });
    function useLocal() {
        return client.status !== 'ready' || Date.now() - state.failedAt < RETRY_AFTER_FAILURE_MS;
    }
    function failed(err) {
        state.failedAt = Date.now();
        if (!state.remoteDown)
            log.warn({ err: err.message }, 'rate limit: Redis failed; each process counts its own requests until it answers again');
        state.remoteDown = true;
    }
    class FallbackStore {
        remote;
        local;
        constructor(params, remote, local) {
            this.remote =
                remote ??
                    new RedisStore(params?.continueExceeding === true, params?.exponentialBackoff === true, client, RATE_LIMIT_KEY_PREFIX);
            this.local =
                local ?? new LocalStore(params?.continueExceeding === true, params?.exponentialBackoff === true, LOCAL_CLIENTS);
        }
        incr(key, done, timeWindow, max) {
            this.either('incr', key, done, timeWindow, max);
        }
        read(key, done, timeWindow, max) {
            this.either('read', key, done, timeWindow, max);
        }
        child(routeOptions) {
            return new FallbackStore(null, this.remote.child(routeOptions), this.local.child(routeOptions));
        }
        either(method, key, done, timeWindow, max) {
            if (useLocal()) {
                state.fallbacks++;
                this.local[method](key, done, timeWindow, max);
                return;
            }
            this.remote[method](key, (err, result) => {
                if (err === null && result !== undefined) {
                    done(null, result);
                    return;
                }
                failed(err ?? new Error('no answer'));
                state.fallbacks++;
                this.local[method](key, done, timeWindow, max);
            }, timeWindow, max);
        }
    }
    return {
        Store: FallbackStore,
        localFallbacks: () => state.fallbacks,
        close: async () => {
            client.disconnect();
        },
    };
}
//# sourceMappingURL=rate-limit.js.map