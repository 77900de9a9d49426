/**
 * The plugins `fraudlens serve` loads, with the settings they declare. A feature that plugs into
 * the API (drift monitoring, for one) adds a single entry here: its settings are then validated
 * with the built-in ones at start-up (unknown FRAUDLENS_ names stay errors), and its plugin runs
 * after the built-in routes (see docs/api.md, "Extending the app").
 */

import type { SettingSpec } from './config.js';
import type { PluginRegistration } from './context.js';
import { DRIFT_PLUGIN } from './drift/plugin.js';

export const SERVE_PLUGINS: readonly PluginRegistration[] = [DRIFT_PLUGIN];

export function pluginSettings(registrations: readonly PluginRegistration[] = SERVE_PLUGINS): SettingSpec[] {
  return registrations.flatMap((r) => r.settings ?? []);
}
