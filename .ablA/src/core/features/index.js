/** Entity features: definitions, the compiled plan, entity state and the engine. */
export { validateDefinitions, definitionsHash, featureNames, parseWindow, DEFINITIONS_SCHEMA, AGGREGATION_OPS, FIELD_TYPES, ROW_FEATURE_KINDS, TIME_FORMATS, MIN_WINDOW_SECONDS, MAX_WINDOW_SECONDS, } from './definitions.js';
export { compilePlan, newEventRecord, MIN_DEDUPE_HORIZON_SECONDS } from './plan.js';
export { EntityState } from './entity-state.js';
export { MemoryStateStore, RecentIds, KEY_SEPARATOR, entityKey } from './state-store.js';
export { FeatureEngine, newFeatureRow, haversineKm, EARTH_RADIUS_KM, SECONDS_PER_YEAR } from './engine.js';
export { CellEventReader } from './event-reader.js';
export { ZoneClock, parseEventTime } from './time.js';
//# sourceMappingURL=index.js.map