/**
 * Settings of drift monitoring, declared as plugin settings so `fraudlens serve` validates them
 * with the built-in ones (an unknown FRAUDLENS_DRIFT_ name is a start-up error, not a silent
 * typo), and their resolution into the typed values the monitor uses.
 *
 * The config module has no "fraction" kind, so the share and the thresholds are read as text
 * with a strict pattern and turned into numbers here.
 */
import { resolve } from 'node:path';
import { getDriftStatistic } from '../../core/drift/index.js';
import { FraudlensError } from '../../core/errors.js';
import { baselinePathFor } from '../../io/baseline-file.js';
import { DEFAULT_DRIFT_KEY_PREFIX, DRIFT_WINDOW_BACKENDS, describeBackends, driftWindowBackend, parseWindowSpec, } from '../../storage/index.js';
import { DRIFT_TEST_NAMES } from './schemas.js';
/** A decimal without exponent: "0.5", ".25", "1". */
const DECIMAL = '(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)';
const WINDOW_PATTERN = '^(?:15m|1h|24h|[1-9][0-9]{0,6})$';
/**
 * What FRAUDLENS_DRIFT_BACKEND=auto resolves to: the drift backend of the same name as the
 * prediction-log handler when it shares its data between processes (a deployment that shares its
 * log through Redis shares its drift window too), else the default, in-process one.
 */
export function autoDriftBackend(loggingHandler) {
    const same = driftWindowBackend(loggingHandler);
    return same !== undefined && same.shared ? same.name : DRIFT_WINDOW_BACKENDS[0].name;
}
const SHARED_DRIFT_BACKENDS = DRIFT_WINDOW_BACKENDS.filter((b) => b.shared).map((b) => b.title);
/** Every drift setting; docs/api.md ("Drift monitoring") shows this table. */
export const DRIFT_SETTINGS = [
    {
        key: 'FRAUDLENS_DRIFT_BASELINE_PATH',
        prop: 'driftBaselinePath',
        kind: 'string',
        schema: { type: 'string', minLength: 1 },
        default: null,
        reason: 'The drift baseline file. Unset: drift_baseline.json beside MODEL_PATH, where training and "fraudlens baseline" write it. PUT /drift/baseline saves here too.',
    },
    {
        key: 'FRAUDLENS_DRIFT_BACKEND',
        prop: 'driftBackend',
        kind: 'string',
        schema: { enum: ['auto', ...DRIFT_WINDOW_BACKENDS.map((b) => b.name)] },
        default: 'auto',
        reason: `Where the drift window lives: ${describeBackends(DRIFT_WINDOW_BACKENDS)}. auto follows LOGGING_HANDLER: a deployment that shares its log through ${SHARED_DRIFT_BACKENDS.join(' or ')} shares its drift window too.`,
    },
    {
        key: 'FRAUDLENS_DRIFT_REDIS_PREFIX',
        prop: 'driftRedisPrefix',
        kind: 'string',
        schema: { type: 'string', minLength: 1, maxLength: 200 },
        default: DEFAULT_DRIFT_KEY_PREFIX,
        reason: 'Prefix of the drift window keys in Redis (the model version and a fingerprint of the bins follow it), so two deployments can share one Redis without mixing windows.',
    },
    {
        key: 'FRAUDLENS_DRIFT_SHARE',
        prop: 'driftShare',
        kind: 'string',
        schema: { type: 'string', pattern: `^${DECIMAL}$` },
        default: '0.5',
        reason: 'Share of the features that must drift for the dataset to count as drifted, in (0, 1]; 0.5 as in Evidently.',
    },
    {
        key: 'FRAUDLENS_DRIFT_THRESHOLDS',
        prop: 'driftThresholds',
        kind: 'list',
        schema: {
            type: 'array',
            items: { type: 'string', pattern: `^(?:${DRIFT_TEST_NAMES.join('|')})=${DECIMAL}$` },
            maxItems: DRIFT_TEST_NAMES.length,
        },
        default: [],
        reason: "Threshold overrides by statistic, e.g. ks=0.01,wasserstein=0.2 (p-value below it, or distance at or above it, is drift). Empty: each statistic's default (0.05 for p-values, 0.1 for distances).",
    },
    {
        key: 'FRAUDLENS_DRIFT_METRICS_WINDOW',
        prop: 'driftMetricsWindow',
        kind: 'string',
        schema: { type: 'string', pattern: WINDOW_PATTERN },
        default: '1h',
        reason: 'Window the fraudlens_drift_* gauges of /metrics describe (15m, 1h, 24h or a number of recent predictions).',
    },
    {
        key: 'FRAUDLENS_DRIFT_METRICS_MAX_AGE_MS',
        prop: 'driftMetricsMaxAgeMs',
        kind: 'integer',
        schema: { type: 'integer', minimum: 0, maximum: 3_600_000 },
        default: 10_000,
        reason: 'A scrape reuses the drift gauges computed less than this long ago, so several Prometheus servers scraping often cost one report per interval; 0 computes on every scrape.',
    },
];
function extension(config, key) {
    const spec = DRIFT_SETTINGS.find((s) => s.key === key);
    const value = Object.hasOwn(config.extensions, spec.prop) ? config.extensions[spec.prop] : spec.default;
    return value;
}
function invalid(key, message) {
    throw new FraudlensError('CONFIG_INVALID', `${key} ${message}`, { field: key });
}
/**
 * Reads the drift settings from a validated configuration. A configuration built without the
 * drift settings (tests, embedding) gets their defaults.
 * @param config the server configuration (loadConfig with DRIFT_SETTINGS among extraSettings)
 */
export function resolveDriftSettings(config) {
    const share = Number(extension(config, 'FRAUDLENS_DRIFT_SHARE'));
    if (!(share > 0 && share <= 1))
        invalid('FRAUDLENS_DRIFT_SHARE', `must be a fraction in (0, 1], got ${share}`);
    const thresholds = {};
    for (const item of extension(config, 'FRAUDLENS_DRIFT_THRESHOLDS')) {
        const [name, text] = item.split('=');
        const test = getDriftStatistic(name);
        const value = Number(text);
        // p-values live in [0, 1]; distances are non-negative, and a zero threshold would flag everything.
        if (!(value > 0) || (test.kind === 'p_value' && value >= 1)) {
            invalid('FRAUDLENS_DRIFT_THRESHOLDS', `sets ${name} to ${text}; a ${test.kind === 'p_value' ? 'p-value threshold must be in (0, 1)' : 'distance threshold must be positive'}`);
        }
        if (Object.hasOwn(thresholds, test.name))
            invalid('FRAUDLENS_DRIFT_THRESHOLDS', `sets ${name} twice`);
        thresholds[test.name] = value;
    }
    const windowName = extension(config, 'FRAUDLENS_DRIFT_METRICS_WINDOW');
    let metricsWindow;
    try {
        metricsWindow = parseWindowSpec(windowName);
    }
    catch (e) {
        return invalid('FRAUDLENS_DRIFT_METRICS_WINDOW', e.message);
    }
    const backend = extension(config, 'FRAUDLENS_DRIFT_BACKEND');
    const baselinePath = extension(config, 'FRAUDLENS_DRIFT_BASELINE_PATH');
    return {
        baselinePath: baselinePath === null ? baselinePathFor(config.modelPath) : resolve(baselinePath),
        backend: backend === 'auto' ? autoDriftBackend(config.loggingHandler) : backend,
        redisUrl: config.redisUrl,
        redisPrefix: extension(config, 'FRAUDLENS_DRIFT_REDIS_PREFIX'),
        share,
        thresholds,
        metricsWindow,
        metricsWindowName: windowName,
        metricsMaxAgeMs: extension(config, 'FRAUDLENS_DRIFT_METRICS_MAX_AGE_MS'),
        maskedFeatures: config.piiFields,
    };
}
//# sourceMappingURL=settings.js.map