/**
 * The backtest of a rule set on labelled transactions: what each rule would have done (the
 * transactions it decides, as the first match in evaluation order, and every one its condition
 * matches), the frauds and fraud amount it catches, the legitimate transactions (and customers)
 * it hits, and the decisions with the rules against the model's thresholds alone. Pure: the
 * caller reads the file, scores it and hands each row's values over.
 */

import { decide, type Decision, type DecisionThresholds } from '../engine/model.js';
import type { CompiledRules } from './rules.js';

/** Transactions of one outcome and what they were. */
export interface Tally {
  transactions: number;
  frauds: number;
  /** Sum of the amounts of the frauds (null without an amount column). */
  fraud_amount: number | null;
  legitimate: number;
  /** Distinct customers among the legitimate transactions (null without a customer column). */
  legitimate_customers: number | null;
}

export interface RuleBacktest {
  id: string;
  action: string;
  decision: Decision;
  reason: string;
  /** Position in evaluation order. */
  order: number;
  /** Transactions this rule decides (the first rule to match them). */
  decided: Tally;
  /** Transactions whose condition it matches, decided by it or by an earlier rule. */
  matched: number;
  /** How the model's thresholds alone would have decided the transactions this rule decides. */
  thresholds_would: Record<Decision, number>;
}

export interface BacktestReport {
  rows: number;
  frauds: number;
  fraud_amount: number | null;
  rules_version: string;
  thresholds: DecisionThresholds;
  rules: RuleBacktest[];
  /** Transactions no rule matched: the thresholds decide them, as before. */
  by_thresholds: Record<Decision, Tally>;
  /** Every decision with the rules. */
  with_rules: Record<Decision, Tally>;
  /** Every decision by the thresholds alone. */
  thresholds_alone: Record<Decision, Tally>;
  /** Transactions whose decision the rules change. */
  changed: number;
}

export interface BacktestInput {
  rows: number;
  scores: ArrayLike<number>;
  labels: ArrayLike<number>;
  /** Per row, its amount (NaN: missing, counted as 0), or null. */
  amounts: ArrayLike<number> | null;
  /** Per row, a customer code (negative: unknown), or null. */
  customers: ArrayLike<number> | null;
  /**
   * The values rules read for row `i` (features and raw fields by name); may return the same
   * object refilled for every row.
   */
  values: (i: number) => Readonly<Record<string, unknown>>;
}

const DECISIONS: readonly Decision[] = ['approve', 'review', 'decline'];

class TallyBuilder {
  transactions = 0;
  frauds = 0;
  fraudAmount = 0;
  legitimate = 0;
  readonly customers = new Set<number>();

  add(label: number, amount: number, customer: number): void {
    this.transactions++;
    if (label === 1) {
      this.frauds++;
      if (!Number.isNaN(amount)) this.fraudAmount += amount;
    } else {
      this.legitimate++;
      if (customer >= 0) this.customers.add(customer);
    }
  }

  finish(hasAmounts: boolean, hasCustomers: boolean): Tally {
    return {
      transactions: this.transactions,
      frauds: this.frauds,
      fraud_amount: hasAmounts ? this.fraudAmount : null,
      legitimate: this.legitimate,
      legitimate_customers: hasCustomers ? this.customers.size : null,
    };
  }
}

const perDecision = (): Record<Decision, TallyBuilder> => ({
  approve: new TallyBuilder(),
  review: new TallyBuilder(),
  decline: new TallyBuilder(),
});

/**
 * Runs the backtest.
 * @example backtestRules(compiled, model.thresholds, { rows, scores, labels, amounts: null, customers: null, values })
 */
export function backtestRules(rules: CompiledRules, thresholds: DecisionThresholds, input: BacktestInput): BacktestReport {
  const n = rules.rules.length;
  const decided = rules.rules.map(() => new TallyBuilder());
  const matched = new Float64Array(n);
  const would = rules.rules.map(() => ({ approve: 0, review: 0, decline: 0 }) as Record<Decision, number>);
  const byThresholds = perDecision();
  const withRules = perDecision();
  const alone = perDecision();
  const all = new TallyBuilder();
  let changed = 0;
  for (let i = 0; i < input.rows; i++) {
    const score = input.scores[i];
    const label = input.labels[i];
    const amount = input.amounts !== null ? input.amounts[i] : NaN;
    const customer = input.customers !== null ? input.customers[i] : -1;
    const values = input.values(i);
    const baseline = decide(score, thresholds);
    let first = -1;
    for (let r = 0; r < n; r++) {
      if (rules.matches(r, score, values, values)) {
        matched[r]++;
        if (first < 0) first = r;
      }
    }
    let decision = baseline;
    if (first >= 0) {
      decision = rules.rules[first].decision;
      decided[first].add(label, amount, customer);
      would[first][baseline]++;
    } else byThresholds[baseline].add(label, amount, customer);
    if (decision !== baseline) changed++;
    withRules[decision].add(label, amount, customer);
    alone[baseline].add(label, amount, customer);
    all.add(label, amount, customer);
  }
  const a = input.amounts !== null;
  const c = input.customers !== null;
  const finish = (t: Record<Decision, TallyBuilder>): Record<Decision, Tally> =>
    Object.fromEntries(DECISIONS.map((d) => [d, t[d].finish(a, c)])) as Record<Decision, Tally>;
  return {
    rows: input.rows,
    frauds: all.frauds,
    fraud_amount: a ? all.fraudAmount : null,
    rules_version: rules.version,
    thresholds,
    rules: rules.rules.map((r, order) => ({
      id: r.id,
      action: r.action,
      decision: r.decision,
      reason: r.reason,
      order,
      decided: decided[order].finish(a, c),
      matched: matched[order],
      thresholds_would: would[order],
    })),
    by_thresholds: finish(byThresholds),
    with_rules: finish(withRules),
    thresholds_alone: finish(alone),
    changed,
  };
}
