/** The server's public surface, for the CLI, plugins and tests. */
export { buildApp, predictionLogFromConfig } from './app.js';
export { requireAdmin, requireApiKey, securityOf } from './auth.js';
export { configFromValues, loadConfig, redactConfig, SETTINGS } from './config.js';
export { readModelFile } from '../io/model-file.js';
export { ModelHolder, ServingModel } from './model-state.js';
export { pluginSettings, SERVE_PLUGINS } from './plugins.js';
export { runPrimary, startServer } from './start.js';
//# sourceMappingURL=index.js.map