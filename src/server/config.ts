/**
 * Server configuration: one table of settings, read from flags, the environment and an optional
 * `.env` file, checked once against a closed JSON schema (ajv), then frozen. The names the Python
 * services used (API_PORT, MODEL_PATH, REDIS_HOST, …) keep working; fraudlens' own settings are
 * prefixed FRAUDLENS_, and an unknown FRAUDLENS_ name is an error rather than a silent typo.
 *
 * Precedence, strongest first: command-line flag, process environment, `.env` file, default.
 * Every failure is a FraudlensError CONFIG_INVALID naming the setting and where its value came from.
 */

import { PACKAGE_ROOT } from '../io/package-root.js';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseDotenv } from 'dotenv';

import { FraudlensError } from '../core/errors.js';
import {
  DEFAULT_ENTITY_STATE_KEY_PREFIX,
  DEFAULT_ENTITY_STATE_TIMEOUT_MS,
  describeBackends,
  ENTITY_STATE_BACKENDS,
  PREDICTION_LOG_BACKENDS,
  type EntityStateBackend,
  type EntityStateConfig,
  type PredictionLogHandler,
} from '../storage/index.js';
import { editDistance } from '../core/edit-distance.js';
import { readApiKeysFile, sha256Of, type ApiKeyEntry } from '../io/api-keys-file.js';
import { CHAMPION_ALIAS, MODEL_ALIAS_PATTERN } from '../contract/index.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** A prediction-log backend of the storage registry (PREDICTION_LOG_BACKENDS). */
export type LoggingHandler = PredictionLogHandler;
export type DeploymentEnv = 'development' | 'test' | 'staging' | 'production';
/** What /predict and V2 infer do with a category name the model does not know. */
export type UnknownCategoryPolicy = 'missing' | 'reject';

/** The validated, frozen configuration every server module reads. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  /** Port of the Open Inference Protocol over gRPC (src/server/grpc.ts), or null: off. */
  readonly grpcPort: number | null;
  readonly modelPath: string;
  /** The model registry served from (its `champion`), or null: MODEL_PATH is served. */
  readonly registryPath: string | null;
  /** How often the registry's index is checked for a new champion. */
  readonly registryPollMs: number;
  readonly featureNames: readonly string[];
  readonly modelName: string;
  readonly env: DeploymentEnv;
  readonly logLevel: LogLevel;
  readonly accessLog: boolean;
  readonly loggingHandler: LoggingHandler;
  readonly logFormat: 'json' | 'text';
  readonly redisUrl: string;
  readonly redisHost: string;
  readonly redisPort: number;
  readonly redisDb: number;
  readonly redisLogsKey: string;
  /** PostgreSQL of the decision store (DATABASE_URL), or null. */
  readonly databaseUrl: string | null;
  readonly databaseSchema: string;
  /** Decisions older than this many days are deleted from PostgreSQL (0: kept). */
  readonly decisionsRetentionDays: number;
  /** Transaction ids whose decision this process replays without scoring again (0: none). */
  readonly decisionReplaySize: number;
  readonly logsMaxSize: number;
  readonly logBufferSize: number;
  readonly piiFields: readonly string[];
  readonly apiKey: string | null;
  /** Every API key with its name and role: API_KEYS_FILE's, plus API_KEY as the admin key "admin". Empty: no keys. */
  readonly apiKeys: readonly ApiKeyEntry[];
  readonly corsOrigins: readonly string[];
  readonly rateLimitMax: number;
  readonly rateLimitWindowMs: number;
  /** Proxies in front of the server whose X-Forwarded-For entries are believed (0: none). */
  readonly trustProxyHops: number;
  /** Where rate-limit counts live; 'auto' resolved (redis when LOGGING_HANDLER=redis). */
  readonly rateLimitStore: 'memory' | 'redis';
  readonly bodyLimit: number;
  readonly batchLimit: number;
  readonly logsLimit: number;
  /** Longest age of the decisions and labels GET /performance and its gauges compute from (0: read on every call). */
  readonly performanceRefreshMs: number;
  readonly explainTop: number;
  readonly requireAllFeatures: boolean;
  readonly unknownCategories: UnknownCategoryPolicy;
  readonly docs: boolean;
  readonly workers: number;
  readonly shutdownTimeoutMs: number;
  readonly shutdownGraceMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly connectionTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly explainMaxRows: number;
  /** Where the entity state of derived features lives (ENTITY_STATE_BACKENDS). */
  readonly entityState: EntityStateBackend;
  readonly entityStateRedisPrefix: string;
  readonly entityStateTimeoutMs: number;
  /** A raw history (CSV or CSV.gz, in time order) replayed into the entity state at start; null: none. */
  readonly entityStateHistory: string | null;
  /** The rules file applied beside the model (docs/rules.md); null: the thresholds alone decide. */
  readonly rulesPath: string | null;
  /** Models scored in the shadow of the champion (docs/challengers.md); empty: none. */
  readonly challengers: readonly ChallengerSpec[];
  /** The challenger deciding a share of transactions instead of the champion; null: the champion decides all. */
  readonly canary: CanarySpec | null;
  /** Features pushing towards fraud listed in the reasons of review and decline decisions (0: none). */
  readonly reasonFeatures: number;
  /** The raw field (else feature) whose number is recorded as a decision's `amount`. */
  readonly amountField: string;
  /** Values of settings contributed by plugins (see `loadConfig`'s `extraSettings`), by key. */
  readonly extensions: Readonly<Record<string, unknown>>;
  /** Where each setting's value came from. */
  readonly sources: Readonly<Record<string, ValueSource>>;
}

export type ValueSource = 'default' | '.env' | 'environment' | 'flag';

type Kind = 'string' | 'integer' | 'boolean' | 'list';

/** One setting: its name, how its text is read, its schema, default and reason. */
export interface SettingSpec {
  /** Environment name, e.g. API_PORT or FRAUDLENS_BATCH_LIMIT. */
  key: string;
  /** Property of ServerConfig (built-in settings) or of `extensions` (plugin settings). */
  prop: string;
  /** Command-line flag of `fraudlens serve`, when there is one (never for secrets). */
  flag?: string;
  kind: Kind;
  /** JSON schema of the parsed value (closed: the object schema rejects any other key). */
  schema: Record<string, unknown>;
  default: string | number | boolean | readonly string[] | null;
  /** Why the setting exists and why its default is what it is. */
  reason: string;
  /** Kept out of logs and error messages. */
  secret?: boolean;
}

/** The bundled demo model, relative to the package (not to the working directory). */
export const DEFAULT_MODEL_PATH = join(PACKAGE_ROOT, 'models', 'demo', 'model.json');

/** Most challengers one server scores: each costs a tree walk per transaction (BENCHMARKS.md, challengers). */
export const MAX_CHALLENGERS = 4;

/** A challenger as configured (FRAUDLENS_CHALLENGERS): its alias and model file; challengers.ts loads it. */
export interface ChallengerSpec {
  alias: string;
  path: string;
}

/** The canary rule (FRAUDLENS_CANARY): transactions whose id hashes below `share` are decided by `alias`. */
export interface CanarySpec {
  alias: string;
  share: number;
}

/** Largest canary share: a challenger deciding more than half the traffic is a promotion, not a canary. */
export const MAX_CANARY_SHARE = 0.5;

const int = (minimum: number, maximum: number): Record<string, unknown> => ({ type: 'integer', minimum, maximum });
const names = { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 10_000 };

/**
 * Every built-in setting. docs/api.md shows this table; keep the reasons short and true.
 */
export const SETTINGS: readonly SettingSpec[] = [
  {
    key: 'API_HOST',
    prop: 'host',
    flag: '--host',
    kind: 'string',
    schema: { type: 'string', minLength: 1 },
    default: '0.0.0.0',
    reason:
      'Interface to listen on. All interfaces by default because the service is called by other hosts and containers; set 127.0.0.1 for local use.',
  },
  {
    key: 'API_PORT',
    prop: 'port',
    flag: '--port',
    kind: 'integer',
    schema: int(0, 65_535),
    default: 8000,
    reason: 'TCP port; 8000 is what the Python services used, so clients and probes keep working. 0 picks a free port.',
  },
  {
    key: 'FRAUDLENS_GRPC_PORT',
    prop: 'grpcPort',
    flag: '--grpc-port',
    kind: 'integer',
    schema: int(0, 65_535),
    default: null,
    reason:
      "Port of the Open Inference Protocol (KServe V2) over gRPC, served beside HTTP on API_HOST by the same code as /v2. Off when unset, so nothing listens that was not asked for; 8081 is KServe's usual gRPC port. 0 picks a free port.",
  },
  {
    key: 'MODEL_PATH',
    prop: 'modelPath',
    flag: '--model',
    kind: 'string',
    schema: { type: 'string', minLength: 1 },
    default: DEFAULT_MODEL_PATH,
    reason:
      'Model served (a fraudlens model or an XGBoost JSON model). Default: the bundled demo model. POST /admin/reload re-reads this path.',
  },
  {
    key: 'FRAUDLENS_REGISTRY',
    prop: 'registryPath',
    flag: '--registry',
    kind: 'string',
    schema: { type: 'string', minLength: 1 },
    default: null,
    reason:
      'A model registry directory (docs/registry.md): the server serves its `champion` with the rules stored beside it, follows promotions and rollbacks, and enables the /admin/models routes. Exclusive with MODEL_PATH and FRAUDLENS_RULES_PATH, so one place says what is served. Unset: MODEL_PATH is served.',
  },
  {
    key: 'FRAUDLENS_REGISTRY_POLL_MS',
    prop: 'registryPollMs',
    kind: 'integer',
    schema: int(50, 3_600_000),
    default: 1000,
    reason:
      "How often the registry's index is checked (one stat of registry.json) for a change made elsewhere (the CLI, another server). 1 s: a promotion takes effect within a second at the cost of one system call per second; the admin routes apply their changes at once.",
  },
  {
    key: 'FRAUDLENS_FEATURE_NAMES',
    prop: 'featureNames',
    flag: '--feature-names',
    kind: 'list',
    schema: names,
    default: [],
    reason: 'Names for an XGBoost model saved without feature names (comma-separated); empty uses the names in the file.',
  },
  {
    key: 'FRAUDLENS_MODEL_NAME',
    prop: 'modelName',
    kind: 'string',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
    default: 'fraudlens',
    reason:
      'Model name in the Open Inference Protocol routes (/v2/models/{name}); stable across model versions so clients need not change URLs.',
  },
  {
    key: 'ENV',
    prop: 'env',
    kind: 'string',
    schema: { enum: ['development', 'test', 'staging', 'production'] },
    default: 'development',
    reason:
      'Deployment name, reported by /health and /metrics; in production a missing API_KEY or a wildcard CORS origin is warned about at start.',
  },
  {
    key: 'LOG_LEVEL',
    prop: 'logLevel',
    flag: '--log-level',
    kind: 'string',
    schema: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    default: 'info',
    reason:
      'Server diagnostics level (JSON lines on stderr; stdout is left to prediction records). Case-insensitive, so the Python INFO works.',
  },
  {
    key: 'FRAUDLENS_ACCESS_LOG',
    prop: 'accessLog',
    kind: 'boolean',
    schema: { type: 'boolean' },
    default: false,
    reason:
      'One diagnostic line per HTTP request. Off by default: the prediction log already records every prediction and two extra lines per request cost throughput.',
  },
  {
    key: 'LOGGING_HANDLER',
    prop: 'loggingHandler',
    flag: '--logging-handler',
    kind: 'string',
    schema: { enum: PREDICTION_LOG_BACKENDS.map((b) => b.name) },
    default: PREDICTION_LOG_BACKENDS[0].name,
    reason: `Where prediction records go: ${describeBackends(PREDICTION_LOG_BACKENDS)}. Memory by default so the service starts with nothing else running; postgres when DATABASE_URL is set.`,
  },
  {
    key: 'DATABASE_URL',
    prop: 'databaseUrl',
    kind: 'string',
    schema: { type: 'string', pattern: '^postgres(ql)?://' },
    default: null,
    reason:
      'PostgreSQL of the durable decision store, as a URL (postgres://user:password@host:5432/db). Setting it makes LOGGING_HANDLER postgres unless LOGGING_HANDLER says otherwise (which is then an error).',
    secret: true,
  },
  {
    key: 'FRAUDLENS_DATABASE_SCHEMA',
    prop: 'databaseSchema',
    kind: 'string',
    schema: { type: 'string', minLength: 1, maxLength: 63 },
    default: 'public',
    reason:
      'PostgreSQL schema holding the decision tables (created and migrated at start), so several services can share one database.',
  },
  {
    key: 'FRAUDLENS_DECISIONS_RETENTION_DAYS',
    prop: 'decisionsRetentionDays',
    kind: 'integer',
    schema: int(0, 36_500),
    default: 0,
    reason:
      'PostgreSQL: decisions older than this many days are deleted, hourly. 0 keeps them: chargebacks arrive months later, so the deletion is a choice to make, not a default.',
  },
  {
    key: 'FRAUDLENS_DECISION_REPLAY_SIZE',
    prop: 'decisionReplaySize',
    kind: 'integer',
    schema: int(0, 10_000_000),
    default: 10_000,
    reason:
      "How many recent transaction ids this process answers again with their stored decision instead of scoring them twice (about 1 KB each). Older or other replicas' ids are scored again and stored flagged as duplicates (docs/api.md).",
  },
  {
    key: 'LOG_FORMAT',
    prop: 'logFormat',
    kind: 'string',
    schema: { enum: ['json', 'text'] },
    default: 'json',
    reason:
      'stdout handler only: json (one record per line) or text (the Python service\'s "Prédiction effectuée" line, for existing log parsers).',
  },
  {
    key: 'REDIS_URL',
    prop: 'redisUrlSetting',
    kind: 'string',
    schema: { type: 'string', pattern: '^rediss?://' },
    default: null,
    reason:
      'Redis for the redis handler, as a URL (may carry a password and /db). When unset, REDIS_HOST, REDIS_PORT and REDIS_DB are used, as in the Python services.',
    secret: true,
  },
  {
    key: 'REDIS_HOST',
    prop: 'redisHost',
    kind: 'string',
    schema: { type: 'string', minLength: 1 },
    default: 'localhost',
    reason: 'Redis host when REDIS_URL is unset (Python default).',
  },
  {
    key: 'REDIS_PORT',
    prop: 'redisPort',
    kind: 'integer',
    schema: int(1, 65_535),
    default: 6379,
    reason: 'Redis port when REDIS_URL is unset (Python default).',
  },
  {
    key: 'REDIS_DB',
    prop: 'redisDb',
    kind: 'integer',
    schema: int(0, 1_000_000),
    default: 0,
    reason: 'Redis database number when REDIS_URL is unset (Python default).',
  },
  {
    key: 'REDIS_LOGS_KEY',
    prop: 'redisLogsKey',
    kind: 'string',
    schema: { type: 'string', minLength: 1 },
    default: 'api_logs',
    reason: "Redis list holding prediction records; the Python services' key, so dashboards reading it keep working.",
  },
  {
    key: 'REDIS_LOGS_MAX_SIZE',
    prop: 'logsMaxSize',
    kind: 'integer',
    schema: int(1, 10_000_000),
    default: 5000,
    reason: 'Records kept (Redis list bound, or memory ring size). 5000 as in the Python services.',
  },
  {
    key: 'FRAUDLENS_LOG_BUFFER_SIZE',
    prop: 'logBufferSize',
    kind: 'integer',
    schema: int(1, 10_000_000),
    default: 10_000,
    reason:
      'Records allowed to wait in the process while Redis (or a stdout reader) is slow or away; beyond it records are dropped and counted, so an outage cannot exhaust memory.',
  },
  {
    key: 'FRAUDLENS_PII_FIELDS',
    prop: 'piiFields',
    kind: 'list',
    schema: names,
    default: [],
    reason:
      'Feature names stored as "***" in prediction records and their explanations (comma-separated). Each must be a feature of the model, so a typo cannot leave data unmasked.',
  },
  {
    key: 'API_KEY',
    prop: 'apiKey',
    kind: 'string',
    schema: { type: 'string', minLength: 16, maxLength: 4096 },
    default: null,
    reason:
      'When set, /predict, /logs and /v2 infer need it (X-API-Key or Authorization: Bearer) and the admin routes are enabled. At least 16 characters so it cannot be guessed by trying. No flag: command lines are visible to other users.',
    secret: true,
  },
  {
    key: 'API_KEYS_FILE',
    prop: 'apiKeysFile',
    kind: 'string',
    schema: { type: 'string', minLength: 1 },
    default: null,
    reason:
      'A YAML or JSON list of API keys, each {name, role, key or key_sha256}; roles scoring, analyst and admin (docs/api.md). Checked at start. API_KEY, when also set, is the admin key named "admin".',
  },
  {
    key: 'FRAUDLENS_CORS_ORIGINS',
    prop: 'corsOrigins',
    kind: 'list',
    schema: { type: 'array', items: { type: 'string', pattern: '^(\\*|https?://[^/\\s]+)$' }, maxItems: 1000 },
    default: [],
    reason:
      'Browser origins allowed to call the API (comma-separated, or *). Empty: no CORS headers, so only same-origin pages and non-browser clients can use it.',
  },
  {
    key: 'FRAUDLENS_RATE_LIMIT_MAX',
    prop: 'rateLimitMax',
    kind: 'integer',
    schema: int(0, 100_000_000),
    default: 0,
    reason:
      'Requests per client address per window; 0 turns the limit off. Off by default because the usual caller is a payment backend sending everything from a few addresses; turn it on when the API is exposed.',
  },
  {
    key: 'FRAUDLENS_RATE_LIMIT_WINDOW_MS',
    prop: 'rateLimitWindowMs',
    kind: 'integer',
    schema: int(1000, 86_400_000),
    default: 60_000,
    reason: 'Length of the rate-limit window.',
  },
  {
    key: 'FRAUDLENS_RATE_LIMIT_STORE',
    prop: 'rateLimitStore',
    kind: 'string',
    schema: { enum: ['auto', 'memory', 'redis'] },
    default: 'auto',
    reason:
      'Where the rate-limit counts live: memory (each process counts alone, so --workers N or N replicas allow N times the limit) or redis (one budget per client across every worker and replica, at the REDIS_URL settings; while Redis is unreachable each process counts alone). auto follows LOGGING_HANDLER.',
  },
  {
    key: 'FRAUDLENS_TRUST_PROXY_HOPS',
    prop: 'trustProxyHops',
    kind: 'integer',
    schema: int(0, 10),
    default: 0,
    reason:
      "Proxies in front of the server (1 behind the shipped nginx). The client address is the X-Forwarded-For entry this many hops from the right, the one the outermost trusted proxy wrote; entries further left are the client's own and ignored, so a forged header cannot buy a new rate-limit budget. 0: the socket address.",
  },
  {
    key: 'FRAUDLENS_BODY_LIMIT',
    prop: 'bodyLimit',
    kind: 'integer',
    schema: int(1024, 104_857_600),
    default: 1_048_576,
    reason: 'Largest request body in bytes (1 MiB: a full batch of 1000 30-feature rows is about 0.8 MiB).',
  },
  {
    key: 'FRAUDLENS_BATCH_LIMIT',
    prop: 'batchLimit',
    kind: 'integer',
    schema: int(1, 100_000),
    default: 1000,
    reason:
      'Most rows in one batch request ({"instances": [...]} or a V2 tensor), so one request cannot hold the event loop for long.',
  },
  {
    key: 'FRAUDLENS_LOGS_LIMIT',
    prop: 'logsLimit',
    kind: 'integer',
    schema: int(1, 100_000),
    default: 1000,
    reason: 'Largest `limit` GET /logs accepts (default page 50), bounding one response.',
  },
  {
    key: 'FRAUDLENS_PERFORMANCE_REFRESH_MS',
    prop: 'performanceRefreshMs',
    kind: 'integer',
    schema: int(0, 86_400_000),
    default: 30_000,
    reason:
      'GET /performance and its gauges compute from the decisions and labels kept in memory, read at most this long ago (with PostgreSQL: whole at start, in the background, then only what was stored since); an older read answers once more while the next one loads (0: read on every call).',
  },
  {
    key: 'FRAUDLENS_EXPLAIN_TOP',
    prop: 'explainTop',
    kind: 'integer',
    schema: int(0, 10_000),
    default: 5,
    reason: 'Features listed in `explanation.top` when the request does not say (?top=); 5 as in the Flask /explain.',
  },
  {
    key: 'FRAUDLENS_REQUIRE_ALL_FEATURES',
    prop: 'requireAllFeatures',
    kind: 'boolean',
    schema: { type: 'boolean' },
    default: false,
    reason:
      'Refuse a transaction that omits a feature. Off by default because tree models route missing values; on catches clients that forget a field.',
  },
  {
    key: 'FRAUDLENS_UNKNOWN_CATEGORIES',
    prop: 'unknownCategories',
    flag: '--unknown-categories',
    kind: 'string',
    schema: { enum: ['missing', 'reject'] },
    default: 'missing',
    reason:
      "A category name the model does not know (a new merchant or city): missing scores it as a missing value (each split's learned default side), lists it in `unknown_categories` and counts it in fraudlens_unknown_category_total; reject answers 400 INPUT_UNKNOWN_CATEGORY. Missing by default because new categories are everyday events and must not stop scoring.",
  },
  {
    key: 'FRAUDLENS_DOCS',
    prop: 'docs',
    kind: 'boolean',
    schema: { type: 'boolean' },
    default: true,
    reason: 'Serve the OpenAPI document and its viewer at /docs.',
  },
  {
    key: 'FRAUDLENS_WORKERS',
    prop: 'workers',
    flag: '--workers',
    kind: 'integer',
    schema: int(1, 256),
    default: 1,
    reason:
      'Processes sharing the port (node:cluster). One by default: predictions take microseconds, so one process is usually enough and leaves cores to the rest of the host.',
  },
  {
    key: 'FRAUDLENS_SHUTDOWN_TIMEOUT_MS',
    prop: 'shutdownTimeoutMs',
    kind: 'integer',
    schema: int(100, 600_000),
    default: 10_000,
    reason:
      'Longest the whole shutdown may take on SIGTERM (grace, in-flight requests, log flush): past it connections are cut, unflushed records are counted as dropped and the process exits (Kubernetes allows 30 s by default).',
  },
  {
    key: 'FRAUDLENS_SHUTDOWN_GRACE_MS',
    prop: 'shutdownGraceMs',
    kind: 'integer',
    schema: int(0, 60_000),
    default: 500,
    reason:
      'After SIGTERM, how long open keep-alive connections are still read and answered (503 NOT_READY, Connection: close) before idle ones are closed, so a request already on its way gets a clean refusal instead of a reset. Skipped when no connection is open.',
  },
  {
    key: 'FRAUDLENS_HEADERS_TIMEOUT_MS',
    prop: 'headersTimeoutMs',
    kind: 'integer',
    schema: int(100, 600_000),
    default: 10_000,
    reason:
      'Longest a client may take to send the request headers; then 408 REQUEST_TIMEOUT and the connection is closed, so slow-header clients cannot hold sockets. At most FRAUDLENS_REQUEST_TIMEOUT_MS.',
  },
  {
    key: 'FRAUDLENS_REQUEST_TIMEOUT_MS',
    prop: 'requestTimeoutMs',
    kind: 'integer',
    schema: int(100, 3_600_000),
    default: 30_000,
    reason:
      'Longest a client may take to send a whole request (headers and body); then 408 REQUEST_TIMEOUT and the connection is closed. 30 s lets a 1 MiB body cross a slow link; an unfinished body cannot hold a socket forever.',
  },
  {
    key: 'FRAUDLENS_CONNECTION_TIMEOUT_MS',
    prop: 'connectionTimeoutMs',
    kind: 'integer',
    schema: int(100, 3_600_000),
    default: 60_000,
    reason:
      'A connection with a request under way but no traffic in either direction for this long is closed (a client that stopped reading its answer, say).',
  },
  {
    key: 'FRAUDLENS_KEEP_ALIVE_TIMEOUT_MS',
    prop: 'keepAliveTimeoutMs',
    kind: 'integer',
    schema: int(100, 3_600_000),
    default: 72_000,
    reason:
      'Idle keep-alive connections are closed after this long. Longer than the 60 s idle timeout of common load balancers, so the balancer closes first and never sends on a socket the server is closing.',
  },
  {
    key: 'FRAUDLENS_EXPLAIN_MAX_ROWS',
    prop: 'explainMaxRows',
    kind: 'integer',
    schema: int(1, 10_000_000),
    default: 2000,
    reason:
      'Rows with ?explain=true being explained at once (all requests together). A request that would go beyond it while others are explaining gets 503 OVERLOADED with Retry-After; explanation costs far more than scoring, and this keeps single predictions fast. Two full batches by default.',
  },
  {
    key: 'FRAUDLENS_ENTITY_STATE',
    prop: 'entityState',
    kind: 'string',
    schema: { enum: ENTITY_STATE_BACKENDS.map((b) => b.name) },
    default: ENTITY_STATE_BACKENDS[0].name,
    reason: `Where the entity state of derived features lives (per card, merchant, … for a model with feature definitions): ${describeBackends(ENTITY_STATE_BACKENDS)}. Memory by default so the service starts with nothing else running; replicas need redis to see each other's transactions.`,
  },
  {
    key: 'FRAUDLENS_ENTITY_STATE_REDIS_PREFIX',
    prop: 'entityStateRedisPrefix',
    kind: 'string',
    schema: { type: 'string', minLength: 1, maxLength: 200 },
    default: DEFAULT_ENTITY_STATE_KEY_PREFIX,
    reason:
      'Prefix of the entity state keys in Redis (a fingerprint of the feature definitions follows it, so changed definitions start afresh); `fraudlens state load --key-prefix` writes under the same one.',
  },
  {
    key: 'FRAUDLENS_ENTITY_STATE_TIMEOUT_MS',
    prop: 'entityStateTimeoutMs',
    kind: 'integer',
    schema: int(1, 60_000),
    default: DEFAULT_ENTITY_STATE_TIMEOUT_MS,
    reason:
      'Longest a prediction waits for the Redis entity state; past it (or with Redis away) the features come from the last state this process knew, the response is flagged degraded and the update is counted as dropped, never a 5xx.',
  },
  {
    key: 'FRAUDLENS_ENTITY_STATE_HISTORY',
    prop: 'entityStateHistory',
    flag: '--entity-state-history',
    kind: 'string',
    schema: { type: 'string', minLength: 1 },
    default: null,
    reason:
      'Raw history (CSV or CSV.gz with a header, sorted by event time) replayed into the entity state at start, before the server listens, so the cards it holds do not all look new; for a model with feature definitions (ignored otherwise). Each event goes through the store like a transaction, so for Redis prefer `fraudlens state load --redis`. Unset: the state starts empty.',
  },
  {
    key: 'FRAUDLENS_RULES_PATH',
    prop: 'rulesPath',
    flag: '--rules',
    kind: 'string',
    schema: { type: 'string', minLength: 1 },
    default: null,
    reason:
      'Rules applied beside the model (YAML or JSON, docs/rules.md): block, then review, then allow rules; the first match decides, else the thresholds. Checked against the model at start (a bad file stops the start); POST /admin/rules/reload re-reads it. Unset: the thresholds alone decide.',
  },
  {
    key: 'FRAUDLENS_CHALLENGERS',
    prop: 'challengers',
    flag: '--challengers',
    kind: 'list',
    schema: {
      type: 'array',
      items: { type: 'string', pattern: `${MODEL_ALIAS_PATTERN.slice(0, -1)}=.+$` },
      maxItems: MAX_CHALLENGERS,
    },
    default: [],
    reason: `Challenger models scored on every transaction after the champion answered, never delaying or changing its response (alias=path, comma-separated; at most ${MAX_CHALLENGERS}, unique lowercase aliases other than "${CHAMPION_ALIAS}"). Their scores and decisions are stored beside the champion's and compared on the labels in GET /performance/comparison (docs/challengers.md). Empty: the champion alone.`,
  },
  {
    key: 'FRAUDLENS_CANARY',
    prop: 'canary',
    flag: '--canary',
    kind: 'string',
    schema: { type: 'string', pattern: `${MODEL_ALIAS_PATTERN.slice(0, -1)}:(0(\\.[0-9]+)?|\\.[0-9]+)$` },
    default: null,
    reason: `alias:share (share at most ${MAX_CANARY_SHARE}): the challenger that decides the transactions whose transaction id hashes (FNV-1a 32 / 2^32) below the share, the champion then scoring in the shadow; the same id always goes the same way, a transaction without id goes to the champion. Unset: the champion decides all.`,
  },
  {
    key: 'FRAUDLENS_REASON_FEATURES',
    prop: 'reasonFeatures',
    kind: 'integer',
    schema: int(0, 100),
    default: 3,
    reason:
      'Features pushing most towards fraud listed in the reasons of a review or decline decision (or of any decision with ?explain=true). They come from TreeSHAP, which costs about 40-50 µs per transaction, so approvals, the bulk of traffic, skip it; 0 turns them off.',
  },
  {
    key: 'FRAUDLENS_AMOUNT_FIELD',
    prop: 'amountField',
    kind: 'string',
    schema: { type: 'string', minLength: 1, maxLength: 200 },
    default: 'amt',
    reason:
      "The raw field (or, for a model without definitions, the feature) holding the transaction's amount: recorded with each decision as `amount`, for the amount filters of GET /decisions and the fraud amount caught. A transaction without a number there records none. The default is the shipped Sparkov definitions' field.",
  },
];

/** The entity-state store settings of a configuration, for createEntityStateStore(plan, ...). */
export function entityStateConfig(config: ServerConfig): EntityStateConfig {
  return {
    backend: config.entityState,
    redisUrl: config.redisUrl,
    redisKeyPrefix: config.entityStateRedisPrefix,
    timeoutMs: config.entityStateTimeoutMs,
  };
}

/** FRAUDLENS_ names read by other parts of fraudlens; accepted here and ignored. */
const FOREIGN_KEYS: ReadonlySet<string> = new Set([
  'FRAUDLENS_DEBUG', // CLI: print stack traces
  'FRAUDLENS_SHARED', // tests: where the peers' fixtures live
  'FRAUDLENS_TEST_POSTGRES_URL', // tests: the shared PostgreSQL server
  'FRAUDLENS_TEST_DATABASE_SUFFIX', // tests: keeps parallel checkouts' databases apart
]);

export interface ConfigSources {
  /** Environment variables (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** A .env file: a path, or null for none. Default: `.env` in the working directory if it exists. */
  envFile?: string | null;
  /** Values from command-line flags, keyed by setting key (e.g. { API_PORT: '9000' }). */
  flags?: Readonly<Record<string, string | undefined>>;
  /** Settings a plugin declares; their values land in `config.extensions`. */
  extraSettings?: readonly SettingSpec[];
}

function fail(key: string, message: string): never {
  throw new FraudlensError('CONFIG_INVALID', message, { field: key });
}

function describeSource(spec: SettingSpec | undefined, source: ValueSource, envFile: string | null): string {
  if (source === 'flag') return `flag ${spec?.flag ?? ''}`.trim();
  if (source === '.env') return `file ${envFile ?? '.env'}`;
  return source === 'environment' ? 'the environment' : 'the default';
}

function parseText(spec: SettingSpec, raw: string, where: string): unknown {
  const text = raw.trim();
  const shown = spec.secret ? '(hidden)' : JSON.stringify(raw);
  switch (spec.kind) {
    case 'string':
      // Level names are case-insensitive so LOG_LEVEL=INFO (Python spelling) works.
      return spec.key === 'LOG_LEVEL' ? text.toLowerCase() : text;
    case 'integer': {
      if (!/^[+-]?\d+$/.test(text)) fail(spec.key, `${spec.key} must be an integer, got ${shown} (from ${where})`);
      return Number(text);
    }
    case 'boolean': {
      const t = text.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(t)) return true;
      if (['0', 'false', 'no', 'off', ''].includes(t)) return false;
      return fail(spec.key, `${spec.key} must be true or false, got ${shown} (from ${where})`);
    }
    case 'list':
      return text === ''
        ? []
        : text
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '');
  }
}

function readEnvFile(envFile: string | null | undefined): { path: string | null; values: Record<string, string> } {
  const explicit = envFile !== undefined;
  const path = envFile === undefined ? resolve('.env') : envFile;
  if (path === null) return { path: null, values: {} };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!explicit && code === 'ENOENT') return { path: null, values: {} };
    return fail('env-file', `cannot read the env file ${path} (${code ?? (e as Error).message})`);
  }
  return { path, values: parseDotenv(text) };
}

function ajvMessage(err: ErrorObject): string {
  if (err.keyword === 'enum')
    return `must be one of ${(err.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  return err.message ?? 'is invalid';
}

/**
 * Reads, checks and freezes the configuration.
 * @param sources where values come from (defaults: process.env and ./.env)
 * @example loadConfig({ flags: { MODEL_PATH: 'model.json' } }).port // 8000
 */
/** The keys file's keys, plus API_KEY as the admin key named "admin" (the name must then be free in the file). */
function apiKeysOf(apiKey: string | undefined, file: string | undefined): ApiKeyEntry[] {
  const keys = file === undefined ? [] : readApiKeysFile(resolve(file));
  if (apiKey === undefined) return keys;
  if (keys.some((k) => k.name === 'admin')) {
    fail('API_KEYS_FILE', `API_KEYS_FILE names a key "admin", the name API_KEY takes; rename it or unset API_KEY`);
  }
  const digest = sha256Of(apiKey);
  if (keys.some((k) => k.sha256 === digest)) fail('API_KEYS_FILE', 'API_KEYS_FILE lists the key API_KEY holds; keep one');
  return [{ name: 'admin', role: 'admin', sha256: digest }, ...keys];
}

/** FRAUDLENS_CHALLENGERS' alias=path items, checked: unique aliases, not the champion's, files readable. */
function challengersOf(items: readonly string[]): ChallengerSpec[] {
  const out: ChallengerSpec[] = [];
  for (const item of items) {
    const at = item.indexOf('=');
    const alias = item.slice(0, at);
    const path = resolve(item.slice(at + 1));
    if (alias === CHAMPION_ALIAS)
      fail(
        'FRAUDLENS_CHALLENGERS',
        `FRAUDLENS_CHALLENGERS: "${CHAMPION_ALIAS}" is the served model's alias; name the challenger otherwise`,
      );
    if (out.some((c) => c.alias === alias))
      fail('FRAUDLENS_CHALLENGERS', `FRAUDLENS_CHALLENGERS names the alias "${alias}" twice`);
    try {
      accessSync(path, constants.R_OK);
    } catch (e) {
      fail(
        'FRAUDLENS_CHALLENGERS',
        `FRAUDLENS_CHALLENGERS: cannot read the model of "${alias}", ${path} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      );
    }
    out.push({ alias, path });
  }
  return out;
}

/**
 * FRAUDLENS_CANARY's alias:share, checked against the challengers (null: they come from the model
 * registry, and the server checks the alias when it has read them) and the largest share.
 */
function canaryOf(text: string | undefined, challengers: readonly ChallengerSpec[] | null): CanarySpec | null {
  if (text === undefined) return null;
  const at = text.lastIndexOf(':');
  const alias = text.slice(0, at);
  const share = Number(text.slice(at + 1));
  if (challengers !== null && !challengers.some((c) => c.alias === alias))
    fail(
      'FRAUDLENS_CANARY',
      `FRAUDLENS_CANARY names "${alias}", which is not a challenger (FRAUDLENS_CHALLENGERS: ${challengers.map((c) => c.alias).join(', ') || 'none'})`,
    );
  if (!(share > 0 && share <= MAX_CANARY_SHARE))
    fail('FRAUDLENS_CANARY', `FRAUDLENS_CANARY's share must be above 0 and at most ${MAX_CANARY_SHARE}, got ${share}`);
  return { alias, share };
}

export function loadConfig(sources: ConfigSources = {}): ServerConfig {
  const env = sources.env ?? process.env;
  const specs = [...SETTINGS, ...(sources.extraSettings ?? [])];
  const byKey = new Map(specs.map((s) => [s.key, s]));
  const file = readEnvFile(sources.envFile);

  const raw = new Map<string, { text: string; source: ValueSource }>();
  const unknown: { key: string; source: ValueSource }[] = [];
  const consider = (values: Readonly<Record<string, string | undefined>>, source: ValueSource): void => {
    for (const [key, text] of Object.entries(values)) {
      if (text === undefined) continue;
      if (byKey.has(key)) raw.set(key, { text, source });
      else if (key.startsWith('FRAUDLENS_') && !FOREIGN_KEYS.has(key)) unknown.push({ key, source });
    }
  };
  consider(file.values, '.env');
  consider(env, 'environment');
  for (const [key, text] of Object.entries(sources.flags ?? {})) {
    if (text === undefined) continue;
    if (!byKey.has(key)) fail(key, `unknown setting ${key} (from a flag)`);
    raw.set(key, { text, source: 'flag' });
  }

  const values: Record<string, unknown> = {};
  const origin: Record<string, ValueSource> = {};
  for (const spec of specs) {
    const given = raw.get(spec.key);
    // An empty value means "not set" for settings without a usable empty form (Docker env files
    // often carry `API_KEY=`), so it falls back to the default.
    if (given !== undefined && !(given.text.trim() === '' && spec.kind !== 'list' && spec.kind !== 'boolean')) {
      values[spec.key] = parseText(spec, given.text, describeSource(spec, given.source, file.path));
      origin[spec.key] = given.source;
    } else if (spec.default !== null) {
      values[spec.key] = spec.default;
      origin[spec.key] = 'default';
    }
  }
  for (const u of unknown) values[u.key] = true;

  const schema = {
    type: 'object',
    properties: Object.fromEntries(specs.map((s) => [s.key, s.schema])),
    additionalProperties: false,
  };
  const ajv = new Ajv({ allErrors: false, strict: true });
  const validate = ajv.compile(schema);
  if (!validate(values)) {
    const err = (validate.errors ?? [])[0];
    if (err === undefined) fail('config', 'the configuration is invalid');
    if (err.keyword === 'additionalProperties') {
      const key = String(err.params.additionalProperty);
      const src = unknown.find((u) => u.key === key)?.source ?? 'environment';
      const known = specs.filter((s) => s.key.startsWith('FRAUDLENS_')).map((s) => s.key);
      const near = known.map((k) => ({ k, d: editDistance(k, key) })).sort((a, b) => a.d - b.d)[0];
      const hint =
        near !== undefined && near.d <= 4 ? `; did you mean ${near.k}?` : `; known FRAUDLENS_ settings: ${known.join(', ')}`;
      fail(key, `unknown setting ${key} (from ${describeSource(undefined, src, file.path)})${hint}`);
    }
    const key = err.instancePath.split('/')[1] ?? 'config';
    const spec = byKey.get(key);
    const value = values[key];
    const shown = spec?.secret ? '(hidden)' : JSON.stringify(value);
    const item = err.instancePath.split('/').length > 2 ? ` (item ${Number(err.instancePath.split('/')[2]) + 1})` : '';
    fail(
      key,
      `${key}${item} ${ajvMessage(err)}, got ${shown} (from ${describeSource(spec, origin[key] ?? 'default', file.path)})`,
    );
  }

  const extensions: Record<string, unknown> = {};
  for (const s of sources.extraSettings ?? []) if (values[s.key] !== undefined) extensions[s.prop] = deepFreeze(values[s.key]);
  const get = <T>(key: string): T => values[key] as T;
  // Node refuses a headers timeout longer than the request timeout at server creation; say it here.
  if (get<number>('FRAUDLENS_HEADERS_TIMEOUT_MS') > get<number>('FRAUDLENS_REQUEST_TIMEOUT_MS')) {
    const where = describeSource(
      byKey.get('FRAUDLENS_HEADERS_TIMEOUT_MS'),
      origin.FRAUDLENS_HEADERS_TIMEOUT_MS ?? 'default',
      file.path,
    );
    fail(
      'FRAUDLENS_HEADERS_TIMEOUT_MS',
      `FRAUDLENS_HEADERS_TIMEOUT_MS (${get<number>('FRAUDLENS_HEADERS_TIMEOUT_MS')}, from ${where}) must not exceed FRAUDLENS_REQUEST_TIMEOUT_MS (${get<number>('FRAUDLENS_REQUEST_TIMEOUT_MS')})`,
    );
  }

  const databaseUrl = (values.DATABASE_URL as string | undefined) ?? null;
  let loggingHandler = get<LoggingHandler>('LOGGING_HANDLER');
  if (databaseUrl !== null && origin.LOGGING_HANDLER === 'default') loggingHandler = 'postgres';
  if (loggingHandler === 'postgres' && databaseUrl === null) {
    fail('DATABASE_URL', 'LOGGING_HANDLER=postgres needs DATABASE_URL (postgres://user@host:5432/database)');
  }
  if (databaseUrl !== null && loggingHandler !== 'postgres') {
    fail(
      'LOGGING_HANDLER',
      `DATABASE_URL is set but LOGGING_HANDLER=${loggingHandler} (from ${describeSource(byKey.get('LOGGING_HANDLER'), origin.LOGGING_HANDLER ?? 'default', file.path)}): decisions would not reach PostgreSQL; unset one of them`,
    );
  }
  const registryPath = values.FRAUDLENS_REGISTRY !== undefined ? resolve(values.FRAUDLENS_REGISTRY as string) : null;
  if (registryPath !== null) {
    for (const key of ['MODEL_PATH', 'FRAUDLENS_RULES_PATH', 'FRAUDLENS_CHALLENGERS'] as const) {
      if (origin[key] !== undefined && origin[key] !== 'default')
        fail(
          key,
          `FRAUDLENS_REGISTRY and ${key} (from ${describeSource(byKey.get(key), origin[key], file.path)}) are both set: the registry's champion, its rules and its other aliases (the challengers) are what is served; unset one of them`,
        );
    }
  }
  const redisUrl =
    (values.REDIS_URL as string | undefined) ??
    `redis://${get<string>('REDIS_HOST')}:${get<number>('REDIS_PORT')}/${get<number>('REDIS_DB')}`;
  const challengers = challengersOf(get('FRAUDLENS_CHALLENGERS'));
  const config: ServerConfig = {
    host: get('API_HOST'),
    port: get('API_PORT'),
    grpcPort: (values.FRAUDLENS_GRPC_PORT as number | undefined) ?? null,
    modelPath: resolve(get<string>('MODEL_PATH')),
    registryPath,
    registryPollMs: get('FRAUDLENS_REGISTRY_POLL_MS'),
    featureNames: get('FRAUDLENS_FEATURE_NAMES'),
    modelName: get('FRAUDLENS_MODEL_NAME'),
    env: get('ENV'),
    logLevel: get('LOG_LEVEL'),
    accessLog: get('FRAUDLENS_ACCESS_LOG'),
    loggingHandler,
    logFormat: get('LOG_FORMAT'),
    redisUrl,
    redisHost: get('REDIS_HOST'),
    redisPort: get('REDIS_PORT'),
    redisDb: get('REDIS_DB'),
    redisLogsKey: get('REDIS_LOGS_KEY'),
    databaseUrl,
    databaseSchema: get('FRAUDLENS_DATABASE_SCHEMA'),
    decisionsRetentionDays: get('FRAUDLENS_DECISIONS_RETENTION_DAYS'),
    decisionReplaySize: get('FRAUDLENS_DECISION_REPLAY_SIZE'),
    logsMaxSize: get('REDIS_LOGS_MAX_SIZE'),
    logBufferSize: get('FRAUDLENS_LOG_BUFFER_SIZE'),
    piiFields: get('FRAUDLENS_PII_FIELDS'),
    apiKey: (values.API_KEY as string | undefined) ?? null,
    apiKeys: apiKeysOf(values.API_KEY as string | undefined, values.API_KEYS_FILE as string | undefined),
    corsOrigins: get('FRAUDLENS_CORS_ORIGINS'),
    rateLimitMax: get('FRAUDLENS_RATE_LIMIT_MAX'),
    rateLimitWindowMs: get('FRAUDLENS_RATE_LIMIT_WINDOW_MS'),
    trustProxyHops: get('FRAUDLENS_TRUST_PROXY_HOPS'),
    rateLimitStore:
      get<string>('FRAUDLENS_RATE_LIMIT_STORE') === 'auto'
        ? get<string>('LOGGING_HANDLER') === 'redis'
          ? 'redis'
          : 'memory'
        : get('FRAUDLENS_RATE_LIMIT_STORE'),
    bodyLimit: get('FRAUDLENS_BODY_LIMIT'),
    batchLimit: get('FRAUDLENS_BATCH_LIMIT'),
    logsLimit: get('FRAUDLENS_LOGS_LIMIT'),
    performanceRefreshMs: get('FRAUDLENS_PERFORMANCE_REFRESH_MS'),
    explainTop: get('FRAUDLENS_EXPLAIN_TOP'),
    requireAllFeatures: get('FRAUDLENS_REQUIRE_ALL_FEATURES'),
    unknownCategories: get('FRAUDLENS_UNKNOWN_CATEGORIES'),
    docs: get('FRAUDLENS_DOCS'),
    workers: get('FRAUDLENS_WORKERS'),
    shutdownTimeoutMs: get('FRAUDLENS_SHUTDOWN_TIMEOUT_MS'),
    shutdownGraceMs: get('FRAUDLENS_SHUTDOWN_GRACE_MS'),
    headersTimeoutMs: get('FRAUDLENS_HEADERS_TIMEOUT_MS'),
    requestTimeoutMs: get('FRAUDLENS_REQUEST_TIMEOUT_MS'),
    connectionTimeoutMs: get('FRAUDLENS_CONNECTION_TIMEOUT_MS'),
    keepAliveTimeoutMs: get('FRAUDLENS_KEEP_ALIVE_TIMEOUT_MS'),
    explainMaxRows: get('FRAUDLENS_EXPLAIN_MAX_ROWS'),
    entityState: get('FRAUDLENS_ENTITY_STATE'),
    entityStateRedisPrefix: get('FRAUDLENS_ENTITY_STATE_REDIS_PREFIX'),
    entityStateTimeoutMs: get('FRAUDLENS_ENTITY_STATE_TIMEOUT_MS'),
    entityStateHistory:
      values.FRAUDLENS_ENTITY_STATE_HISTORY !== undefined ? resolve(values.FRAUDLENS_ENTITY_STATE_HISTORY as string) : null,
    rulesPath: values.FRAUDLENS_RULES_PATH !== undefined ? resolve(values.FRAUDLENS_RULES_PATH as string) : null,
    challengers,
    canary: canaryOf(values.FRAUDLENS_CANARY as string | undefined, registryPath !== null ? null : challengers),
    reasonFeatures: get('FRAUDLENS_REASON_FEATURES'),
    amountField: get('FRAUDLENS_AMOUNT_FIELD'),
    extensions,
    sources: origin,
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The configuration as it may be printed: secrets hidden, the Redis password masked. */
export function redactConfig(config: ServerConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  if (config.apiKey !== null) out.apiKey = '(set)';
  out.apiKeys = config.apiKeys.map((k) => `${k.name} (${k.role})`);
  out.redisUrl = config.redisUrl.replace(/\/\/([^@/]*)@/, '//***@');
  if (config.databaseUrl !== null) out.databaseUrl = config.databaseUrl.replace(/\/\/([^@/]*)@/, '//***@');
  delete out.sources;
  return out;
}

/** A config for tests and embedding: the defaults plus the given values, validated the same way. */
export function configFromValues(values: Readonly<Record<string, string>>): ServerConfig {
  return loadConfig({ env: values, envFile: null });
}
