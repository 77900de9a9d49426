/**
 * `fraudlens rules test --rules F --model M --data labelled.csv [--label COL]`: backtests a rule
 * set before it is deployed. The file is checked against the model exactly as the server checks
 * it, every row is scored (a model with feature definitions derives its features first, as
 * `evaluate` does), and each rule's effect is counted: transactions it would block, review or
 * allow, frauds and fraud amount caught, legitimate transactions and customers hit, against the
 * model's thresholds alone (core/rules/backtest.ts).
 */

import type { Command } from 'commander';

import { encodeFeatures, requireColumn, type Column, type Table } from '../../core/data/table.js';
import { Predictor } from '../../core/engine/predict.js';
import type { FraudlensModel } from '../../core/engine/model.js';
import { FraudlensError } from '../../core/errors.js';
import { compilePlan } from '../../core/features/plan.js';
import { backtestRules, rulesVocabulary, type BacktestReport, type Tally } from '../../core/rules/index.js';
import { featureColumnTypes, readCsv } from '../../io/csv.js';
import { openCsvRows } from '../../io/csv-source.js';
import { readModelFile } from '../../io/model-file.js';
import { compileRulesFile, readRulesFile } from '../../io/rules-file.js';
import { deriveToTemporaryFile } from '../feature-file.js';
import { prepareLabel } from '../labels.js';
import { POSITIVE_LABEL_HELP } from '../labels.js';
import { csvReadOptions, delimiterOption, type DelimiterFlag } from '../options.js';
import { readLabels } from './evaluate.js';

/** Amount columns looked for when --amount is not given, in this order. */
const AMOUNT_COLUMNS = ['amt', 'amount', 'Amount'];

interface TestOptions extends DelimiterFlag {
  rules: string;
  model: string;
  data: string;
  label: string;
  positiveLabel?: string;
  amount?: string;
  customer?: string;
  json?: boolean;
}

export function registerRules(program: Command): void {
  const rules = program.command('rules').description('rules applied beside the model (docs/rules.md)');
  rules
    .command('test')
    .description('backtest a rules file on labelled data, against the model thresholds alone')
    .requiredOption('--rules <file>', 'the rules file (YAML or JSON)')
    .requiredOption('--model <file>', 'the model the rules run beside')
    .requiredOption(
      '--data <file>',
      'CSV or CSV.gz with the label and the model features (raw events, sorted by time, for a model with feature definitions)',
    )
    .option('--label <col>', 'the 0/1 label column', 'is_fraud')
    .option('--positive-label <value>', POSITIVE_LABEL_HELP)
    .option(
      '--amount <col>',
      `the amount column, for the fraud amount caught (default: the first of ${AMOUNT_COLUMNS.join(', ')} present)`,
    )
    .option(
      '--customer <col>',
      'a customer column (a card number, say): legitimate customers hit are counted as distinct values of it',
    )
    .option('--json', 'print one JSON object')
    .addOption(delimiterOption())
    .action(async (opts: TestOptions) => {
      const report = await backtestFile(opts);
      if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      else process.stdout.write(formatReport(report));
    });
}

/** Reads, scores and backtests; exported for tests. */
export async function backtestFile(
  opts: TestOptions,
): Promise<BacktestReport & { data: string; model: string; rules_file: string }> {
  const { model } = await readModelFile(opts.model);
  const rulesFile = await readRulesFile(opts.rules);
  const definitions = model.featureDefinitions?.definitions ?? null;
  const vocabulary = rulesVocabulary(model.features, definitions);
  const compiled = compileRulesFile(rulesFile, vocabulary);
  const csv = csvReadOptions(opts);

  const header = await openCsvRows(opts.data, csv);
  header.close();
  const amount = opts.amount ?? AMOUNT_COLUMNS.find((c) => header.names.includes(c) || vocabulary.has(c));
  const wanted = [
    ...new Set([
      ...compiled.names,
      opts.label,
      ...(amount !== undefined ? [amount] : []),
      ...(opts.customer ? [opts.customer] : []),
    ]),
  ];

  let path = opts.data;
  let derived: Awaited<ReturnType<typeof deriveToTemporaryFile>> | undefined;
  if (definitions !== null) {
    // Raw columns the backtest reads beside the derived features are copied through the replay.
    const plan = compilePlan(definitions);
    const keep = wanted.filter(
      (n) => !plan.names.includes(n) && n !== definitions.event.id && n !== definitions.event.time.field,
    );
    derived = await deriveToTemporaryFile(definitions, { data: opts.data, keep, csv });
    path = derived.path;
  }
  let table: Table;
  try {
    const types = featureColumnTypes(model.features);
    for (const n of compiled.names) types[n] ??= vocabulary.get(n)!.type === 'number' ? 'numeric' : 'categorical';
    if (amount !== undefined) types[amount] = 'numeric';
    if (opts.customer !== undefined) types[opts.customer] = 'categorical';
    table = await readCsv(path, {
      ...(derived ? {} : csv),
      types,
      only: [...new Set([...model.features.map((f) => f.name), ...wanted])],
    });
  } finally {
    await derived?.remove();
  }
  prepareLabel(table, opts.label, opts.positiveLabel);
  const labels = readLabels(table, opts.label);
  const scores = score(model, table);
  const columns = compiled.names.map((n) => requireColumn(table, n));
  const values: Record<string, unknown> = {};
  const report = backtestRules(compiled, model.thresholds, {
    rows: table.numRows,
    scores,
    labels,
    amounts: amount !== undefined ? numbers(requireColumn(table, amount), amount, table.source) : null,
    customers: opts.customer !== undefined ? codes(requireColumn(table, opts.customer)) : null,
    values: (i) => {
      for (let k = 0; k < columns.length; k++) values[compiled.names[k]] = cell(columns[k], i);
      return values;
    },
  });
  return { data: opts.data, model: model.version, rules_file: rulesFile.path, ...report };
}

function score(model: FraudlensModel, table: Table): Float64Array {
  const matrix = encodeFeatures(table, model.features, 'missing');
  return Float64Array.from(new Predictor(model.ensemble).predictProba(matrix, table.numRows));
}

function cell(col: Column, i: number): number | string | null {
  if (col.kind === 'numeric') return Number.isNaN(col.values[i]) ? null : col.values[i];
  return col.codes[i] < 0 ? null : col.categories[col.codes[i]];
}

function numbers(col: Column, name: string, file: string): Float64Array {
  if (col.kind !== 'numeric')
    throw new FraudlensError('INPUT_NOT_A_NUMBER', `the amount column "${name}" is not numeric`, { file, column: name });
  return col.values;
}

function codes(col: Column): Int32Array {
  return col.kind === 'categorical' ? col.codes : Int32Array.from(col.values, (v) => (Number.isNaN(v) ? -1 : v));
}

function formatReport(r: BacktestReport & { data: string; rules_file: string }): string {
  const money = (x: number | null): string => (x === null ? '' : ` ($${x.toFixed(2)})`);
  const hit = (t: Tally): string =>
    `${t.legitimate} legitimate${t.legitimate_customers !== null ? ` (${t.legitimate_customers} customers)` : ''}`;
  const line = (t: Tally): string =>
    `${String(t.transactions).padStart(8)}  ${t.frauds} frauds${money(t.fraud_amount)}, ${hit(t)}`;
  const out = [
    `${r.rows} transactions, ${r.frauds} frauds${money(r.fraud_amount)}; rules ${r.rules_version} (${r.rules.length}), thresholds review ≥ ${r.thresholds.review.toPrecision(4)}, decline ≥ ${r.thresholds.decline.toPrecision(4)}`,
    'per rule, in evaluation order (decided: first match; matched: condition true):',
  ];
  for (const rule of r.rules) {
    const w = rule.thresholds_would;
    out.push(
      `  ${rule.order + 1}. ${rule.id} [${rule.action}]: decides ${rule.decided.transactions} (matches ${rule.matched}): ${rule.decided.frauds} frauds${money(rule.decided.fraud_amount)}, ${hit(rule.decided)}; thresholds alone: ${w.approve} approve, ${w.review} review, ${w.decline} decline`,
    );
  }
  out.push('decisions           with rules                                   thresholds alone');
  for (const d of ['approve', 'review', 'decline'] as const)
    out.push(`  ${d.padEnd(8)} ${line(r.with_rules[d]).padEnd(52)} ${line(r.thresholds_alone[d])}`);
  out.push(`${r.changed} decisions changed by the rules`);
  return `${out.join('\n')}\n`;
}
