/** The fraudlens version, reported by the CLI, /health and the model metadata. */
export const VERSION = '0.1.0';
//# sourceMappingURL=version.js.map