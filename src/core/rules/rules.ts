/**
 * Rules beside the model: a rules file declares, per rule, an id, the reason in words (what a
 * customer-service agent reads), an action and a condition. The file is checked once against a
 * closed JSON schema, every condition is compiled against what the model offers (expression.ts),
 * and the set is ordered as payment processors order theirs: every block rule, then every review
 * rule, then every allow rule, each group in file order. The first rule that matches decides; when
 * none does, the model's thresholds decide as they always did.
 *
 * Parsing YAML/JSON text is the caller's (io/rules-file.ts); this module sees plain values only.
 */

import { createHash } from 'node:crypto';

import { Ajv, type ErrorObject } from 'ajv';

import type { FeatureSpec } from '../engine/ensemble.js';
import { decide, type Decision, type DecisionThresholds as Thresholds } from '../engine/model.js';
import { FraudlensError } from '../errors.js';
import { compilePlan } from '../features/plan.js';
import type { FeatureDefinitions } from '../features/definitions.js';
import { ruleReason, type Reason } from './reasons.js';
import { compileCondition, SCORE_NAME, type RuleEnv, type VariableSpec, type Vocabulary } from './expression.js';

/**
 * The actions a rule takes, in the order rules are tried, with the decision each gives. The one
 * list: the schema's enum, the docs and the metrics' labels come from it.
 */
export const RULE_ACTIONS = [
  { action: 'block', decision: 'decline' },
  { action: 'review', decision: 'review' },
  { action: 'allow', decision: 'approve' },
] as const satisfies readonly { action: string; decision: Decision }[];
export type RuleAction = (typeof RULE_ACTIONS)[number]['action'];

/** Most rules in one file: every transaction may try all of them. */
export const MAX_RULES = 1000;
export const MAX_REASON_LENGTH = 500;

export interface RuleDefinition {
  id: string;
  action: RuleAction;
  /** The condition, in the rule language (docs/rules.md). */
  when: string;
  /** Why, in words a customer-service agent can read out. */
  reason: string;
}

export interface RulesDefinition {
  version: 1;
  rules: RuleDefinition[];
}

const ID_PATTERN = '^[A-Za-z][A-Za-z0-9_.-]{0,63}$';

/** The closed JSON schema of a rules file (version 1). */
export const RULES_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'rules'],
  properties: {
    version: { const: 1 },
    rules: {
      type: 'array',
      maxItems: MAX_RULES,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'action', 'when', 'reason'],
        properties: {
          id: { type: 'string', pattern: ID_PATTERN },
          action: { enum: RULE_ACTIONS.map((a) => a.action) },
          when: { type: 'string', minLength: 1 },
          reason: { type: 'string', minLength: 1, maxLength: MAX_REASON_LENGTH },
        },
      },
    },
  },
} as const;

const validateShape = new Ajv({ allErrors: false, strict: true }).compile(RULES_SCHEMA);

/** `/rules/2/when` → `rules[2].when`, the path a reader of the file looks for. */
function pathOf(instancePath: string): string {
  const parts = instancePath.split('/').slice(1);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? '(top level)' : out;
}

function schemaMessage(err: ErrorObject): string {
  const at = pathOf(err.instancePath);
  switch (err.keyword) {
    case 'additionalProperties':
      return `${at}: unknown key "${String(err.params.additionalProperty)}"`;
    case 'required':
      return `${at}: "${String(err.params.missingProperty)}" is required`;
    case 'enum':
      return `${at}: must be one of ${(err.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return `${at}: must be a letter followed by at most 63 letters, digits, "_", "." or "-"`;
    default:
      return `${at}: ${err.message ?? 'is invalid'}`;
  }
}

/**
 * Checks a parsed rules file and returns it frozen. Throws RULES_INVALID with the path of the
 * first offending entry (`rules[3].action: must be one of …`), or a duplicate id.
 */
export function validateRules(value: unknown): RulesDefinition {
  if (!validateShape(value)) {
    const err = validateShape.errors![0];
    throw new FraudlensError('RULES_INVALID', schemaMessage(err));
  }
  const def = value as unknown as RulesDefinition;
  const seen = new Map<string, number>();
  def.rules.forEach((r, i) => {
    const first = seen.get(r.id);
    if (first !== undefined)
      throw new FraudlensError('RULES_INVALID', `rules[${i}].id: "${r.id}" is already the id of rules[${first}]`);
    seen.set(r.id, i);
  });
  return deepFreeze(def);
}

/** sha256 of the rules as validated (key order and formatting of the file do not change it). */
export function rulesHash(def: RulesDefinition): string {
  const canonical = def.rules.map((r) => [r.id, r.action, r.when, r.reason]);
  return createHash('sha256')
    .update(JSON.stringify([def.version, canonical]))
    .digest('hex');
}

/** The version shown in responses and /rules: the first 12 hex digits of the hash. */
export function rulesVersion(hash: string): string {
  return `rules-${hash.slice(0, 12)}`;
}

/**
 * What a model offers to conditions: its features by name and type (numeric → number, category
 * names → string, category codes → number) and, for a model with feature definitions, every
 * derived feature and raw field (a name both derived and raw is the derived feature).
 */
export function rulesVocabulary(features: readonly FeatureSpec[], definitions: FeatureDefinitions | null): Vocabulary {
  const out = new Map<string, VariableSpec>();
  if (definitions !== null) {
    for (const [name, type] of Object.entries(definitions.fields))
      out.set(name, { type: type === 'number' ? 'number' : 'string', source: 'raw' });
    const plan = compilePlan(definitions);
    plan.names.forEach((name, i) => out.set(name, { type: plan.isText[i] ? 'string' : 'number', source: 'feature' }));
  }
  for (const f of features) {
    const type = f.type === 'numeric' || f.encoding === 'codes' ? 'number' : 'string';
    out.set(f.name, { type, source: 'feature' });
  }
  // `score` always means the model's probability; a feature so named is reachable as field("score").
  return out;
}

export interface CompiledRule {
  readonly id: string;
  readonly action: RuleAction;
  readonly decision: Decision;
  readonly reason: string;
  readonly when: string;
  /** Its index in the file. */
  readonly index: number;
  readonly test: (env: RuleEnv) => boolean;
  /** Names its condition reads. */
  readonly names: readonly string[];
  /** Its reason code (frozen, shared by every decision it makes). */
  readonly reasonCode: Reason;
}

/** A rule set compiled for one model: `first` finds the deciding rule without allocating. */
export class CompiledRules {
  /** In evaluation order: block, review, allow; file order within each. */
  readonly rules: readonly CompiledRule[];
  readonly hash: string;
  readonly version: string;
  /** Every name some condition reads. */
  readonly names: readonly string[];
  /** Reused by `first` (evaluation is synchronous, so one scratch per set suffices). */
  private readonly env: RuleEnv = { score: 0, features: {}, raw: null };

  constructor(def: RulesDefinition, vocabulary: Vocabulary) {
    const rank = new Map<string, number>(RULE_ACTIONS.map((a, i) => [a.action, i]));
    const decisionOf = new Map<string, Decision>(RULE_ACTIONS.map((a) => [a.action, a.decision]));
    const compiled = def.rules.map((r, index): CompiledRule => {
      const c = compileCondition(r.when, vocabulary, `rules[${index}].when`);
      return {
        id: r.id,
        action: r.action,
        decision: decisionOf.get(r.action)!,
        reason: r.reason,
        when: r.when,
        index,
        test: c.test,
        names: c.names,
        reasonCode: ruleReason(r),
      };
    });
    this.rules = compiled.sort((a, b) => rank.get(a.action)! - rank.get(b.action)! || a.index - b.index);
    this.hash = rulesHash(def);
    this.version = rulesVersion(this.hash);
    this.names = [...new Set(compiled.flatMap((r) => r.names))].filter((n) => n !== SCORE_NAME);
  }

  /**
   * The position in `rules` of the first rule that matches, or -1 (the thresholds decide).
   * @param features the model's features of the transaction (derived ones for a raw transaction)
   * @param raw the raw transaction of a model with feature definitions, else null
   */
  first(score: number, features: Readonly<Record<string, unknown>>, raw: Readonly<Record<string, unknown>> | null): number {
    const env = this.env;
    env.score = score;
    env.features = features;
    env.raw = raw;
    const rules = this.rules;
    for (let i = 0; i < rules.length; i++) if (rules[i].test(env)) return i;
    return -1;
  }

  /** Whether rule `i` (position in `rules`) matches, regardless of order (the backtest counts every match). */
  matches(
    i: number,
    score: number,
    features: Readonly<Record<string, unknown>>,
    raw: Readonly<Record<string, unknown>> | null,
  ): boolean {
    const env = this.env;
    env.score = score;
    env.features = features;
    env.raw = raw;
    return this.rules[i].test(env);
  }
}

/**
 * Compiles a validated rule set for a model. Throws RULES_INVALID naming the rule whose condition
 * does not parse, does not type-check, or reads a name the model does not have.
 */
export function compileRules(def: RulesDefinition, vocabulary: Vocabulary): CompiledRules {
  return new CompiledRules(def, vocabulary);
}

/** The decision of a transaction: the rule at `position` when one matched (≥ 0), else the thresholds. */
export function decisionOf(rules: CompiledRules | null, position: number, score: number, thresholds: Thresholds): Decision {
  return rules !== null && position >= 0 ? rules.rules[position].decision : decide(score, thresholds);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
