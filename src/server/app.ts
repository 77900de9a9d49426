/**
 * `buildApp(config, deps)`: the whole HTTP API as a Fastify instance, without listening, so tests
 * drive it in-process with `app.inject` and `start.ts` puts it on a socket.
 *
 * Order matters and is fixed here: error handling and its route table first, then the hooks and
 * plugins that apply to every route (security headers, CORS, rate limit, OpenAPI), then the routes, then the
 * caller's plugins (drift monitoring and the like), which see the same error handler, API-key
 * hooks, metrics and `onScored` observers through `app.fraudlens`.
 *
 * The app owns the prediction log: closing the app (SIGTERM, or tests) waits for in-flight
 * requests, then flushes and closes the log.
 */

import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions, type onResponseHookHandler } from 'fastify';

import { FraudlensError } from '../core/errors.js';
import { featureNames } from '../core/features/definitions.js';
import type { ModelFile } from '../io/model-file.js';
import {
  createLabelStore,
  createPredictionLog,
  entityStateBackend,
  type EntityStateBackendStore,
  type PredictionLog,
} from '../storage/index.js';
import { VERSION } from '../version.js';
import type { ServerConfig } from './config.js';
import type { ComponentHealth, FraudlensContext, FraudlensPlugin } from './context.js';
import { clientErrorHandler, frameworkErrorHandler, installErrorHandling } from './errors.js';
import { backendStore, configuredStateStore, EntityFeatures, type StateStoreProvider } from './entity-features.js';
import { entityStateHealth, registerEntityStateMetrics } from './entity-state-metrics.js';
import { DecisionReplay } from './decision-replay.js';
import { ServerMetrics } from './metrics.js';
import { ModelHolder } from './model-state.js';
import { sharedRateLimit } from './rate-limit.js';
import { deferredChildLogger } from './request-logger.js';
import { registerHealth } from './routes/health.js';
import { registerDecisions } from './routes/decisions.js';
import { registerLabels } from './routes/labels.js';
import { registerPerformance } from './routes/performance.js';
import { ApiKeys } from './auth.js';
import { ChallengerHolder, lineupOf, loadChallengers, ShadowQueue, type Challenger } from './challengers.js';
import { registerLogs } from './routes/logs.js';
import { registerMetrics } from './routes/metrics.js';
import { dashboardDir, registerDashboard } from './routes/dashboard.js';
import { ExplainAdmission } from './explain-admission.js';
import { registerExplain } from './routes/explain.js';
import { registerModel } from './routes/model.js';
import { registerPredict } from './routes/predict.js';
import { registerRules } from './routes/rules.js';
import { RulesHolder } from './rules.js';
import { RegistryFollower, startLineup, type RegistryStart } from './registry-follower.js';
import { registerRegistry } from './routes/registry.js';
import { registerV2 } from './routes/v2.js';
import { registerGrpc } from './grpc.js';
import { errorResponseSchema } from './schemas.js';
import { Scorer } from './scoring.js';
import { SECURITY_HEADERS } from './security.js';
import { validatorCompiler } from './validation.js';

export interface AppDeps {
  /** The model to serve first (start.ts reads it from config.modelPath). */
  model: ModelFile;
  /** Default: created from the config (LOGGING_HANDLER…). The app closes it on close. */
  predictionLog?: PredictionLog;
  /** Run after the built-in routes, on the root scope. */
  plugins?: readonly FraudlensPlugin[];
  /** Fastify logger options (default: pino JSON on stderr at config.logLevel). */
  logger?: FastifyServerOptions['logger'];
  /** How /admin/reload reads the model file (default: readModelFile with config.featureNames, in a worker thread). */
  readModel?: (path: string) => Promise<ModelFile>;
  /** Export process metrics (CPU, memory, event loop); default true. */
  processMetrics?: boolean;
  /**
   * Where the entity state of a model with feature definitions lives, made per set of definitions
   * (default: in this process's memory). The app closes it on close.
   */
  entityStateStore?: StateStoreProvider;
  /** The registry and its champion (readRegistryChampion), when config.registryPath is set; `model` is that champion. */
  registry?: RegistryStart;
  /** Built dashboard to serve at `/` (default: dashboard/dist of this package when built; null: none). */
  dashboardDir?: string | null;
  /** The challengers, already loaded (default: loaded from config.challengers). */
  challengers?: readonly Challenger[];
}

/** Longest interval between Node's checks of the headers and request timeouts. */
const CONNECTIONS_CHECK_MAX_MS = 1_000;

/** Routes that keep answering while the server drains on shutdown. */
const ALWAYS_OPEN = /^\/(health|v2\/health|metrics)(\/|$|\?)/;

export function predictionLogFromConfig(config: ServerConfig): PredictionLog {
  return createPredictionLog({
    handler: config.loggingHandler,
    maxSize: config.logsMaxSize,
    maskFields: config.piiFields,
    bufferSize: config.logBufferSize,
    textFormat: config.logFormat === 'text',
    redisUrl: config.redisUrl,
    redisKey: config.redisLogsKey,
    databaseUrl: config.databaseUrl ?? undefined,
    databaseSchema: config.databaseSchema,
    retentionDays: config.decisionsRetentionDays > 0 ? config.decisionsRetentionDays : undefined,
  });
}

/**
 * Builds the API.
 * @param config a validated configuration (loadConfig)
 * @param deps the initial model and optional collaborators
 * @example
 *   const app = await buildApp(configFromValues({ LOG_LEVEL: 'silent' }), { model: await readModelFile(path) });
 *   const res = await app.inject({ method: 'POST', url: '/predict', payload: { amount: 12 } });
 */
export async function buildApp(config: ServerConfig, deps: AppDeps): Promise<FastifyInstance> {
  // A model with feature definitions logs every derived feature, used by the model or not.
  const definitions = deps.model.model.featureDefinitions?.definitions;
  const features = new Set(definitions ? featureNames(definitions) : deps.model.model.features.map((f) => f.name));
  const strayPii = config.piiFields.find((f) => !features.has(f));
  if (strayPii !== undefined) {
    throw new FraudlensError(
      'CONFIG_INVALID',
      `FRAUDLENS_PII_FIELDS names "${strayPii}", which is not a${definitions ? ' derived' : ''} feature of the model; masking it would protect nothing`,
      { field: 'FRAUDLENS_PII_FIELDS' },
    );
  }
  if ((config.registryPath !== null) !== (deps.registry !== undefined))
    throw new FraudlensError(
      'CONFIG_INVALID',
      'FRAUDLENS_REGISTRY is served from the champion readRegistryChampion returns: pass it as deps.registry (and only then)',
      { field: 'FRAUDLENS_REGISTRY' },
    );
  const models = new ModelHolder(deps.model, {
    batchLimit: config.batchLimit,
    requireAllFeatures: config.requireAllFeatures,
    unknownCategories: config.unknownCategories,
    featureNames: config.featureNames,
    ...(deps.readModel ? { read: deps.readModel } : {}),
  });
  const predictionLog = deps.predictionLog ?? predictionLogFromConfig(config);
  const metrics = new ServerMetrics({ env: config.env, predictionLog, processMetrics: deps.processMetrics });
  metrics.setModel(models.current);
  models.onChange((m) => metrics.setModel(m));

  // Until the app owns the log (its onClose hook), a failure here must release it: an open Redis
  // client would keep the process alive after a failed start.
  try {
    const app = Fastify({
      logger: deps.logger ?? (config.logLevel === 'silent' ? false : { level: config.logLevel, stream: process.stderr }),
      bodyLimit: config.bodyLimit,
      // A number of hops (0: none), never `true`: trusting every hop would take the client
      // address from the leftmost X-Forwarded-For entry, which the client writes itself. Hop 0
      // is the socket peer, hop 1 the entry it appended, and so on (proxy-addr's order).
      trustProxy: config.trustProxyHops > 0 ? (_address: string, hop: number) => hop < config.trustProxyHops : false,
      logController: new LogController({ disableRequestLogging: !config.accessLog }),
      // The request's child logger is made when the request first logs (most never do).
      childLoggerFactory: deferredChildLogger,
      // Draining is answered by our own hook, in the catalogue's format.
      return503OnClosing: false,
      frameworkErrors: frameworkErrorHandler(config.bodyLimit),
      clientErrorHandler: clientErrorHandler({ headersMs: config.headersTimeoutMs, requestMs: config.requestTimeoutMs }),
      // Fastify turns Node's request timeout off by default: an unfinished body would hold its
      // socket forever. Node checks both timeouts every connectionsCheckingInterval (30 s by
      // default), so it is tied to the headers timeout to enforce them within a quarter of it.
      requestTimeout: config.requestTimeoutMs,
      connectionTimeout: config.connectionTimeoutMs,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      http: {
        headersTimeout: config.headersTimeoutMs,
        requestTimeout: config.requestTimeoutMs,
        connectionsCheckingInterval: Math.min(CONNECTIONS_CHECK_MAX_MS, Math.floor(config.headersTimeoutMs / 4)),
      },
    });
    app.setValidatorCompiler(validatorCompiler);
    // JSON only: anything else is 415, not a string handed to the schema.
    app.removeContentTypeParser('text/plain');
    installErrorHandling(app, config.bodyLimit, config.piiFields, requestDurationHook(metrics, 'unmatched'));
    // A rules file that does not fit the model stops the start here (RULES_INVALID naming it).
    const rules = await RulesHolder.create(
      config,
      models,
      metrics.registry,
      deps.registry?.champion.rulesPath ?? config.rulesPath,
    );
    const entityFeatures = new EntityFeatures(deps.entityStateStore ?? configuredStateStore(config), metrics);
    const challengerOptions = {
      batchLimit: config.batchLimit,
      requireAllFeatures: config.requireAllFeatures,
      unknownCategories: config.unknownCategories,
      featureNames: config.featureNames,
    };
    // From a registry, challengers that cannot be scored do not stop the start: the champion
    // serves and the follower shows the refusal (startLineup).
    const start =
      deps.challengers !== undefined
        ? { lineup: lineupOf(deps.challengers, config.canary), refusal: null }
        : deps.registry !== undefined
          ? await startLineup(deps.registry, models.current, challengerOptions, config.canary)
          : { lineup: lineupOf(await loadChallengers(config.challengers, challengerOptions), config.canary), refusal: null };
    // From here on a new champion must feed every challenger, else its swap is refused.
    const challengers = new ChallengerHolder(start.lineup, models);
    challengers.onChange((lineup) => metrics.setChallengers(lineup.challengers));
    const registry =
      deps.registry !== undefined
        ? new RegistryFollower(deps.registry, {
            models,
            rules,
            challengers,
            challengerOptions,
            canary: config.canary,
            startRefusal: start.refusal,
            entityFeatures,
            metrics: metrics.registry,
            log: app.log,
            pollMs: config.registryPollMs,
          })
        : null;
    const shadow = new ShadowQueue(
      rules,
      (record) => predictionLog.append(record),
      (alias) => metrics.shadowCounters(alias),
    );

    const context: FraudlensContext = {
      config,
      models,
      rules,
      predictionLog,
      labelStore: createLabelStore(predictionLog),
      auth: new ApiKeys(config.apiKeys),
      decisionReplay: new DecisionReplay(config.decisionReplaySize),
      metrics,
      onScored: [],
      entityFeatures,
      healthComponents: [],
      registry,
      challengers,
      shadow,
      state: { draining: false, startedAt: Date.now() },
    };
    app.decorate('fraudlens', context);
    // The entity state of raw transactions, once a model with feature definitions made one.
    context.entityFeatures.prepare(models.current);
    if (config.entityStateHistory !== null && models.current.model.featureDefinitions) {
      const events = await context.entityFeatures.warm(models.current, config.entityStateHistory);
      app.log.info({ events, file: config.entityStateHistory }, 'entity state warmed from history');
    }
    // Reported while the served model takes raw transactions: a reload to a precomputed model
    // keeps the store (a later reload to the same definitions continues it) but /health says off.
    const entityStore = () =>
      context.models.current.model.featureDefinitions ? backendStore(context.entityFeatures.store) : undefined;
    registerEntityStateMetrics(metrics.registry, entityStore);
    context.healthComponents.push({ name: 'entity_state', report: () => entityStateComponent(entityStore()) });
    if (registry !== null) {
      context.healthComponents.push({ name: 'model_registry', report: () => registry.health() });
      registry.start();
      app.addHook('onClose', async () => registry.stop());
    }

    // One hook for both (each hook is a step of Fastify's runner on every request): security
    // headers first, so the draining refusal carries them too.
    app.addHook('onRequest', (request, reply, done) => {
      void reply.headers(SECURITY_HEADERS);
      if (context.state.draining && !ALWAYS_OPEN.test(request.url)) {
        void reply.header('connection', 'close');
        done(new FraudlensError('NOT_READY', 'the server is shutting down; retry on another instance'));
        return;
      }
      done();
    });
    // The request-duration histogram, bound per route when the route is added: an app-wide hook
    // would look the route up on every request (request.routeOptions builds an object each time).
    app.addHook('onRoute', (route) => {
      const own: unknown[] = route.onResponse === undefined ? [] : [route.onResponse].flat();
      route.onResponse = [...own, requestDurationHook(metrics, route.url)] as typeof route.onResponse;
    });
    app.addHook('onClose', async () => {
      // Transactions still waiting for their shadow scoring are completed, so no record is lost.
      shadow.flush();
      await predictionLog.close();
      await context.entityFeatures.close();
    });

    if (config.corsOrigins.length > 0) {
      await app.register(cors, {
        origin: config.corsOrigins.includes('*') ? '*' : [...config.corsOrigins],
        methods: ['GET', 'POST'],
        allowedHeaders: ['Content-Type', 'Authorization', 'X-API-Key'],
      });
    }
    if (config.rateLimitMax > 0) {
      const shared = config.rateLimitStore === 'redis' ? sharedRateLimit(config.redisUrl, app.log) : undefined;
      if (shared !== undefined) {
        app.addHook('onClose', async () => {
          await shared.close();
        });
      }
      await app.register(rateLimit, {
        ...(shared !== undefined ? { store: shared.Store } : {}),
        max: config.rateLimitMax,
        timeWindow: config.rateLimitWindowMs,
        errorResponseBuilder: (_request, c) =>
          new FraudlensError(
            'RATE_LIMITED',
            `more than ${c.max} requests in ${Math.round(config.rateLimitWindowMs / 1000)} s from this client; retry in ${c.after}`,
          ),
      });
    }
    if (config.docs) {
      await app.register(swagger, {
        openapi: {
          openapi: '3.0.3',
          info: {
            title: 'fraudlens',
            version: VERSION,
            description:
              'Fraud scoring with gradient-boosted trees and exact TreeSHAP explanations. Every error is `{error, code, message, statusCode[, field]}` with a stable `code` (docs/errors.md). Explanations are in margin (log-odds) units.',
          },
          components: {
            securitySchemes: {
              apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
              bearer: { type: 'http', scheme: 'bearer' },
            },
            schemas: { Error: errorResponseSchema },
          },
        },
      });
      await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
    }

    const scorer = new Scorer(context, app.log);
    // The champion's shadow scores of canary transactions reach the drift observers as its own do.
    shadow.onChampionScored = scorer.notify;
    const admission = new ExplainAdmission(config.explainMaxRows);
    registerPredict(app, context, scorer, admission);
    registerExplain(app, context, admission);
    registerV2(app, context, scorer, admission);
    if (config.grpcPort !== null) registerGrpc(app, context, scorer, admission);
    else app.decorate('fraudlensGrpc', null);
    registerHealth(app, context);
    registerModel(app, context);
    registerRules(app, context);
    registerRegistry(app, context);
    registerLogs(app, context);
    registerDecisions(app, context);
    registerLabels(app, context);
    registerPerformance(app, context);
    registerMetrics(app, context);
    await registerDashboard(app, deps.dashboardDir === undefined ? dashboardDir() : deps.dashboardDir);
    for (const plugin of deps.plugins ?? []) await plugin(app, context);
    return app;
  } catch (e) {
    await predictionLog.close();
    throw e;
  }
}

/** The onResponse hook observing the duration of the requests of one route (`route`: its pattern). */
function requestDurationHook(metrics: ServerMetrics, route: string): onResponseHookHandler {
  const observe = metrics.requestObserver(route);
  return (request, reply, done) => {
    observe(request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  };
}

/** /health's view of the entity state: degraded when the shared store is cut off or dropping updates. */
function entityStateComponent(store: EntityStateBackendStore | undefined): ComponentHealth {
  if (store === undefined) return { status: 'off', redis_connected: null, detail: 'the served model takes precomputed features' };
  const h = entityStateHealth(store);
  const redis = entityStateBackend(h.backend)?.service === 'redis' ? h.connected : null;
  if (!h.connected || h.dropping)
    return {
      status: 'degraded',
      redis_connected: redis,
      detail: `${h.backend} entity state ${h.connected ? 'is dropping updates' : 'unreachable'}: raw transactions are scored from the last known state (${h.dropped} updates dropped so far)`,
    };
  return {
    status: 'ok',
    redis_connected: redis,
    detail: `${h.backend}: ${h.written} transactions added, ${h.duplicates} duplicates`,
  };
}
