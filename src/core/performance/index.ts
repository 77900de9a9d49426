/**
 * Live performance: realized figures over labelled decisions and the confidence-based expectation
 * from the scores alone (performance.ts), and the same per time bucket (history.ts).
 */

export {
  computePerformance,
  DECISION_CODES,
  LABEL_FRAUD,
  LABEL_LEGITIMATE,
  LABEL_UNKNOWN,
  MATURITY_DAYS,
  NO_RULE,
} from './performance.js';
export { bucketCount, computePerformanceHistory, HISTORY_LEVELS, MAX_HISTORY_BUCKETS } from './history.js';
export type { HistoryBucket, HistoryLevel, HistoryLevelName, HistorySelection, VersionHistory } from './history.js';
export type {
  DecisionCode,
  DecisionColumns,
  ExpectedLevel,
  LevelFigures,
  LevelKey,
  PerformanceFigures,
  RealizedLevel,
  VersionPerformance,
} from './performance.js';
