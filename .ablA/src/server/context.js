/**
 * What the routes share, decorated on the app as `app.fraudlens`, and the extension points for
 * plugins (drift monitoring is one):
 *   - `onScored`: observers called synchronously with every scored row, from /predict and V2
 *     infer alike;
 *   - `models.onChange`: told when a reload swaps the model;
 *   - `healthComponents`: parts that /health reports on (and may turn "degraded");
 *   - `plugins` passed to buildApp: register routes on the same app, so they share the error
 *     handler, the API-key hooks (`requireApiKey`) and the metrics registry.
 */
export {};
//# sourceMappingURL=context.js.map