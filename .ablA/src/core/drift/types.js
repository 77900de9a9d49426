/**
 * Shared shapes of the drift statistics: what a test takes, what it returns, and the small
 * declarative object every statistic is. Kept apart from the statistics so that the registry
 * and callers can import types without pulling in any numerical code.
 */
export {};
//# sourceMappingURL=types.js.map