/**
 * The shape of a storage registry entry, shared by both wings (prediction-log/factory.ts and
 * drift-window/factory.ts list their backends with it), and the phrases derived from a registry
 * for settings and error messages.
 */

/** One backend of a storage wing; `Create` builds a store from the service configuration. */
export interface StorageBackend<Name extends string, Create> {
  readonly name: Name;
  /** How messages name it, e.g. 'Redis' in "Redis unreachable". */
  readonly title: string;
  /** What it is for, in a phrase (the settings' reason and docs/api.md show it). */
  readonly description: string;
  /** Whether every process configured alike sees the same data (one Redis list or window), or each its own. */
  readonly shared: boolean;
  /**
   * The external service the backend needs (e.g. 'redis'), or null when it lives in the process.
   * Only the legacy `redis_connected` fields of /health read it: health itself is judged by the
   * `connected` state every store reports.
   */
  readonly service: string | null;
  readonly create: Create;
}

/** "a, b or c": the names of a registry, for messages. */
export function nameList(backends: readonly { readonly name: string }[]): string {
  const names = backends.map((b) => b.name);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** "a (what a is for), b (...) or c (...)": a registry described, for a setting's reason. */
export function describeBackends(backends: readonly { readonly name: string; readonly description: string }[]): string {
  const parts = backends.map((b) => `${b.name} (${b.description})`);
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}
