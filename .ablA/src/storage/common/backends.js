/**
 * The shape of a storage registry entry, shared by both wings (prediction-log/factory.ts and
 * drift-window/factory.ts list their backends with it), and the phrases derived from a registry
 * for settings and error messages.
 */
/** "a, b or c": the names of a registry, for messages. */
export function nameList(backends) {
    const names = backends.map((b) => b.name);
    return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
/** "a (what a is for), b (...) or c (...)": a registry described, for a setting's reason. */
export function describeBackends(backends) {
    const parts = backends.map((b) => `${b.name} (${b.description})`);
    return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}
//# sourceMappingURL=backends.js.map