/** GET /health, /health/live and /health/ready. */
import { Type } from 'typebox';
import { HEALTH_STATUSES } from './enums.js';
import { MapOf, NullableBoolean, StringEnum } from './schema.js';
/** What one part of the service (a plugin's component) tells /health. */
export const ComponentHealth = Type.Object({
    status: StringEnum(['ok', 'degraded', 'off'], {
        description: '"degraded" makes the service degraded; "off" says the part is not running (informational).',
    }),
    redis_connected: NullableBoolean({ description: 'null when the part does not use Redis.' }),
    detail: Type.Optional(Type.String()),
}, { additionalProperties: false });
export const PredictionLogHealth = Type.Object({
    buffered: Type.Integer(),
    dropped: Type.Integer(),
    written: Type.Integer(),
    connected: Type.Boolean(),
    dropping: Type.Boolean(),
}, {
    additionalProperties: false,
    description: 'Counters since start; dropping: records are being lost now (buffer full, or drops since it last drained), which makes the status degraded.',
});
export const HealthReport = Type.Object({
    status: StringEnum(HEALTH_STATUSES),
    model_loaded: Type.Boolean(),
    model_version: Type.String(),
    redis_connected: NullableBoolean({
        description: 'null when nothing uses Redis; false when the prediction log or any component using Redis is disconnected.',
    }),
    version: Type.String(),
    env: Type.String(),
    logging_handler: Type.String(),
    uptime_s: Type.Number(),
    pid: Type.Integer(),
    prediction_log: PredictionLogHealth,
    components: MapOf(ComponentHealth, {
        description: 'Parts registered by plugins (drift monitoring): status ok, degraded or off (not running), their Redis connection, a detail.',
    }),
}, { additionalProperties: false });
export const LiveResponse = Type.Object({ status: Type.String() }, { additionalProperties: false });
export const ReadyResponse = Type.Object({ status: Type.String(), model_version: Type.String() }, { additionalProperties: false });
//# sourceMappingURL=health.js.map