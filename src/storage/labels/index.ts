export * from './contract.js';
export { createLabelStore } from './factory.js';
export { MemoryLabelStore } from './memory.js';
export { PostgresLabelStore } from './postgres.js';
export { toNewLabel } from './check.js';
export { LiveLabelledDecisions } from './live.js';
