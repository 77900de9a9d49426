/**
 * What the routes share, decorated on the app as `app.fraudlens`, and the extension points for
 * plugins (drift monitoring is one):
 *   - `onScored`: observers called synchronously with every scored row, from /predict and V2
 *     infer alike;
 *   - `models.onChange`: told when a reload swaps the model;
 *   - `healthComponents`: parts that /health reports on (and may turn "degraded");
 *   - `plugins` passed to buildApp: register routes on the same app, so they share the error
 *     handler, the API keys and their permission hooks (`auth.require`) and the metrics registry.
 */

import type { FastifyInstance } from 'fastify';

import type { ComponentHealth } from '../contract/index.js';
import type { LabelStore, PredictionLog } from '../storage/index.js';
import type { ApiKeys } from './auth.js';
import type { ChallengerHolder, ShadowQueue } from './challengers.js';
import type { ServerConfig, SettingSpec } from './config.js';
import type { DecisionReplay } from './decision-replay.js';
import type { EntityFeatures } from './entity-features.js';
import type { ServerMetrics } from './metrics.js';
import type { ModelHolder, ServingModel } from './model-state.js';
import type { RegistryFollower } from './registry-follower.js';
import type { RulesHolder } from './rules.js';

/**
 * Sees each scored transaction. `row` is the model's input in feature order (category codes for
 * categorical features, NaN for missing, UNKNOWN_CATEGORY_CODE (-1) for a category name the model
 * does not know, which was scored as missing) and is a scratch buffer reused by the next prediction:
 * copy what you keep. Must not throw and must not wait: it runs on the request path. A thrown
 * exception is caught, counted in fraudlens_score_observer_errors_total and logged once.
 */
/** What one part of the service tells /health (declared in the HTTP contract). */
export type { ComponentHealth };

export type ScoreObserver = (row: Float64Array, score: number, model: ServingModel) => void;

/** A part of the service /health reports on. `report` runs on every /health: cheap, never throws. */
export interface HealthComponent {
  readonly name: string;
  report(): ComponentHealth;
}

export interface FraudlensContext {
  readonly config: ServerConfig;
  readonly models: ModelHolder;
  /** The rules beside the model (empty when FRAUDLENS_RULES_PATH is unset). */
  readonly rules: RulesHolder;
  readonly predictionLog: PredictionLog;
  /** Labels beside the decisions, in the same backend; its `labelledDecisions` feeds /performance. */
  readonly labelStore: LabelStore;
  /** The API keys and the permission hooks of the routes (`auth.require('score')`). */
  readonly auth: ApiKeys;
  /** The decisions of the most recent transaction ids, answered again instead of scored twice. */
  readonly decisionReplay: DecisionReplay;
  readonly metrics: ServerMetrics;
  readonly onScored: ScoreObserver[];
  /** Feature derivation for models with feature definitions: the entity state and its engine. */
  readonly entityFeatures: EntityFeatures;
  readonly healthComponents: HealthComponent[];
  /** The model registry the champion is served from (FRAUDLENS_REGISTRY), or null. */
  readonly registry: RegistryFollower | null;
  /** Models scored in the shadow of the champion, and the canary among them (FRAUDLENS_CHALLENGERS, or the registry's other aliases). */
  readonly challengers: ChallengerHolder;
  /** Where decided transactions wait for the other models (while there are none, records are appended at once). */
  readonly shadow: ShadowQueue;
  readonly state: {
    /** Set on SIGTERM: readiness fails and new requests are refused while in-flight ones finish. */
    draining: boolean;
    readonly startedAt: number;
  };
}

/** A plugin: gets the app (root scope) and the shared context; may be async. */
export type FraudlensPlugin = (app: FastifyInstance, context: FraudlensContext) => void | Promise<void>;

/**
 * A plugin as `fraudlens serve` registers it (see plugins.ts), with the settings it declares.
 * Defined here, beside FraudlensPlugin, so that a plugin module can describe itself without
 * importing the list that imports it.
 */
export interface PluginRegistration {
  /** For logs and error messages. */
  name: string;
  plugin: FraudlensPlugin;
  /** Settings the plugin reads from `config.extensions`. */
  settings?: readonly SettingSpec[];
}

declare module 'fastify' {
  interface FastifyInstance {
    fraudlens: FraudlensContext;
  }
}
