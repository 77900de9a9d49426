/** Rules beside the model: the rules file's schema, the condition language, the decision order and reason codes. */

export {
  RULE_ACTIONS,
  RULES_SCHEMA,
  MAX_RULES,
  CompiledRules,
  compileRules,
  decisionOf,
  rulesHash,
  rulesVersion,
  rulesVocabulary,
  validateRules,
} from './rules.js';
export type { CompiledRule, RuleAction, RuleDefinition, RulesDefinition } from './rules.js';
export { compileCondition, RULE_FUNCTIONS, SCORE_NAME, MAX_CONDITION_LENGTH } from './expression.js';
export type { RuleEnv, RuleValue, VariableSpec, Vocabulary, CompiledCondition } from './expression.js';
export { featureReason, ruleReason, thresholdReason, thresholdReasons, topFraudFeatures } from './reasons.js';
export type { Reason, ReasonKind } from './reasons.js';
export { backtestRules } from './backtest.js';
export type { BacktestInput, BacktestReport, RuleBacktest, Tally } from './backtest.js';
