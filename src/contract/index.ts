/**
 * The HTTP contract of fraudlens: every request and response shape of the API, declared once as
 * JSON Schema (TypeBox) with its TypeScript type derived from it (`Static<>`). The server hands
 * these schemas to Fastify (validation, serialisation, the OpenAPI document at /docs); the
 * dashboard imports the types. A leaf: it imports only the schema library and runs in a browser.
 */

export { ErrorResponse } from './errors.js';
export { DECISIONS, HEALTH_STATUSES, REASON_KINDS, RISK_LEVELS } from './enums.js';
export { Reason, RuleReport, RulesReloadResponse, RulesReport } from './rules.js';
export { ComponentHealth, HealthReport, LiveResponse, PredictionLogHealth, ReadyResponse, type HealthStatus } from './health.js';
export {
  CalibrationBin,
  ConfusionMatrix,
  DerivedFeatures,
  FeatureSpec,
  FeatureStats,
  GainImportance,
  ModelCurves,
  ModelReport,
  PrCurve,
  RawField,
  ReloadResponse,
  RocCurve,
  TrainingInfo,
  TrainingMetrics,
} from './model.js';
export { AuthMe, PERMISSION_NAMES, PERMISSIONS, ROLE_PERMISSIONS, ROLES, type Permission, type Role } from './auth.js';
export {
  DecisionLabel,
  LABEL_SOURCES,
  LABEL_VALUES,
  LabelHistory,
  LabelInput,
  LabelRecord,
  LabelsAccepted,
  LabelsBody,
  MAX_LABEL_NOTE,
  MAX_LABELS_BATCH,
  reviewQuerySchema,
  type LabelSource,
  type LabelValue,
  type ReviewQuery,
} from './labels.js';
export {
  DECISION_FILTERS,
  DECISION_ORDERS,
  type DecisionOrder,
  decisionsQuerySchema,
  MAX_DECISIONS_PAGE,
  Repeat,
  REPEATS,
  type DecisionFilter,
  type DecisionsQuery,
} from './decisions.js';
export {
  CHAMPION_ALIAS,
  Decision,
  DecisionsResponse,
  Explained,
  ExplainResponse,
  Explanation,
  FeatureValue,
  LogsResponse,
  Prediction,
  PredictionRecord,
  PredictResponse,
  RiskLevel,
  Thresholds,
  TopContribution,
  explainQuerySchema,
  logsQuerySchema,
  MAX_TOP,
  MODEL_ALIAS_PATTERN,
  ModelAlias,
  ShadowScore,
  predictQuerySchema,
  type Batch,
  type ExplainQuery,
  type LogsQuery,
  type PredictQuery,
  type BatchExplained,
  type BatchPrediction,
  type Transaction,
} from './prediction.js';
export {
  ComparisonQuery,
  ComparisonReport,
  DEFAULT_PERFORMANCE_WINDOW,
  DEFAULT_HISTORY_BUCKET,
  EXPECTED_NOTE,
  HISTORY_BUCKET_PATTERN,
  HISTORY_LEVELS,
  HISTORY_MAX_BUCKETS,
  PerformanceHistoryBucket,
  PerformanceHistoryLevel,
  PerformanceHistoryQuery,
  PerformanceHistoryReport,
  ModelComparison,
  PERFORMANCE_LEVELS,
  PERFORMANCE_WINDOW_PATTERN,
  PerformanceFigures,
  PerformanceLevel,
  PerformanceQuery,
  PerformanceReport,
  VersionPerformance,
} from './performance.js';
export {
  PromoteBody,
  REGISTRY_ACTIONS,
  REGISTRY_ALIAS_PATTERN,
  REGISTRY_VERSION_PATTERN,
  RegistryChangeRecord,
  RegistryChangeResponse,
  RegistryHistoryResponse,
  RegistryListResponse,
  RegistryModelEntry,
  RegistryServed,
  RemoveAliasBody,
  RollbackBody,
} from './registry.js';
export { BaselineBody, BaselineSaved, DriftReport, driftReportSchema, WindowQuery, type FeatureDriftReport } from './drift.js';
export {
  V2InferRequest,
  V2InferResponse,
  V2InputTensor,
  V2Live,
  V2ModelMetadata,
  V2ModelParams,
  V2ModelReady,
  V2OutputTensor,
  V2Ready,
  V2ServerMetadata,
  V2TensorMetadata,
} from './v2.js';
