/** Entity features: definitions, the compiled plan, entity state and the engine. */

export {
  validateDefinitions,
  definitionsHash,
  featureNames,
  parseWindow,
  DEFINITIONS_SCHEMA,
  AGGREGATION_OPS,
  FIELD_TYPES,
  ROW_FEATURE_KINDS,
  TIME_FORMATS,
  MIN_WINDOW_SECONDS,
  MAX_WINDOW_SECONDS,
} from './definitions.js';
export type {
  FeatureDefinitions,
  AggregationDefinition,
  RowFeatureDefinition,
  RatioDefinition,
  FieldType,
  TimeFormat,
  AggregationOp,
} from './definitions.js';
export { compilePlan, newEventRecord, MIN_DEDUPE_HORIZON_SECONDS } from './plan.js';
export type { FeaturePlan, EventRecord, EntityGroupPlan } from './plan.js';
export { EntityState } from './entity-state.js';
export type { EntityStateJson } from './entity-state.js';
export { MemoryStateStore, RecentIds, KEY_SEPARATOR, entityKey } from './state-store.js';
export type { EntityStateStore, AddOutcome } from './state-store.js';
export { FeatureEngine, newFeatureRow, haversineKm, EARTH_RADIUS_KM, SECONDS_PER_YEAR } from './engine.js';
export type { FeatureRow } from './engine.js';
export { describeFeatures, describeWindow } from './describe.js';
export { JsonEventReader } from './json-event-reader.js';
export { CellEventReader, arrayCells } from './event-reader.js';
export type { CellSource, Cells } from './event-reader.js';
export { ZoneClock, parseEventTime } from './time.js';
