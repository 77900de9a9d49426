/**
 * The plugins `fraudlens serve` loads, with the settings they declare. A feature that plugs into
 * the API (drift monitoring, for one) adds a single entry here: its settings are then validated
 * with the built-in ones at start-up (unknown FRAUDLENS_ names stay errors), and its plugin runs
 * after the built-in routes (see docs/api.md, "Extending the app").
 */
import { DRIFT_PLUGIN } from './drift/plugin.js';
export const SERVE_PLUGINS = [DRIFT_PLUGIN];
export function pluginSettings(registrations = SERVE_PLUGINS) {
    return registrations.flatMap((r) => r.settings ?? []);
}
//# sourceMappingURL=plugins.js.map