/** The server's public surface, for the CLI, plugins and tests. */

export { buildApp, predictionLogFromConfig } from './app.js';
export { ApiKeys, callerOf, permissionsOf, type Caller } from './auth.js';
export { configFromValues, loadConfig, redactConfig, SETTINGS } from './config.js';
export { readModelFile } from '../io/model-file.js';
export { ModelHolder, ServingModel } from './model-state.js';
export { pluginSettings, SERVE_PLUGINS } from './plugins.js';
export { runPrimary, startServer } from './start.js';

export type { AppDeps } from './app.js';
export type { ConfigSources, ServerConfig, SettingSpec } from './config.js';
export type {
  ComponentHealth,
  FraudlensContext,
  FraudlensPlugin,
  HealthComponent,
  PluginRegistration,
  ScoreObserver,
} from './context.js';
export type { ModelFile } from '../io/model-file.js';
export type { Transaction } from './model-state.js';
export type { Explanation, Prediction } from '../contract/index.js';
export type { RunningServer, ShutdownOutcome, StartOptions } from './start.js';
