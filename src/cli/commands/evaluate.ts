/**
 * `fraudlens evaluate --model FILE --data FILE --label COL [--json]`: ROC-AUC, PR-AUC (average
 * precision as scikit-learn computes it), log loss, Brier score, precision/recall/F1 at the
 * model's thresholds and a calibration table. Labels of one class are refused (INPUT_ONE_CLASS):
 * the ranking metrics are undefined without both classes.
 */

import type { Command } from 'commander';
import { FraudlensError } from '../../core/errors.js';
import { Predictor } from '../../core/engine/predict.js';
import { calibrationTable, confusionAt, evaluateScores } from '../../core/training/index.js';
import { requireColumn, type Table } from '../../core/data/table.js';
import { readModelFile } from '../../io/model-file.js';
import {
  addStrictCategoriesOption,
  loadScoringData,
  reportUnknownCategories,
  unknownCategoryRule,
  unknownCategorySummary,
} from '../data.js';
import { POSITIVE_LABEL_HELP, prepareLabel } from '../labels.js';
import { csvReadOptions, delimiterOption, type DelimiterFlag } from '../options.js';
import { deriveToTemporaryFile, sortWithoutDefinitions } from '../feature-file.js';

export function registerEvaluate(program: Command): void {
  const command = program
    .command('evaluate')
    .description('measure a model on labelled data')
    .requiredOption('--model <file>', 'a fraudlens model or an XGBoost JSON model')
    .requiredOption(
      '--data <file>',
      'CSV or CSV.gz with the model features and the label (raw events, sorted by time, for a model with feature definitions)',
    )
    .requiredOption('--label <col>', 'the 0/1 label column')
    .option(
      '--sort',
      'a model with feature definitions: sort the raw file by event time in memory instead of refusing it when unsorted',
    )
    .option('--positive-label <value>', POSITIVE_LABEL_HELP)
    .option('--json', 'print one JSON object')
    .addOption(delimiterOption());
  addStrictCategoriesOption(command).action(
    async (
      opts: {
        model: string;
        data: string;
        label: string;
        positiveLabel?: string;
        json?: boolean;
        sort?: boolean;
        strictCategories?: boolean;
      } & DelimiterFlag,
    ) => {
      const { model } = await readModelFile(opts.model);
      if (opts.sort === true && !model.featureDefinitions) throw sortWithoutDefinitions();
      // A model with feature definitions reads raw events: derive its features first, as training did.
      const derived = model.featureDefinitions
        ? await deriveToTemporaryFile(model.featureDefinitions.definitions, {
            data: opts.data,
            keep: [opts.label],
            sort: opts.sort,
            csv: csvReadOptions(opts),
          })
        : undefined;
      let data;
      try {
        data = await loadScoringData(
          derived?.path ?? opts.data,
          model,
          [opts.label],
          unknownCategoryRule(opts),
          derived ? {} : csvReadOptions(opts),
        );
      } finally {
        await derived?.remove();
      }
      const unknownCategories = unknownCategorySummary(model, data.unknownCategories);
      prepareLabel(data.table, opts.label, opts.positiveLabel);
      const labels = readLabels(data.table, opts.label);
      requireBothClasses(labels, data.table.source, opts.label);
      const scores = new Predictor(model.ensemble).predictProba(data.matrix, data.rows);
      const metrics = evaluateScores(scores, labels);
      const { review, decline } = model.thresholds;
      const report = {
        model: model.version,
        data: opts.data,
        ...metrics,
        thresholds: model.thresholds,
        at_review: confusionAt(scores, labels, review),
        at_decline: confusionAt(scores, labels, decline),
        calibration: calibrationTable(scores, labels),
        unknown_categories: unknownCategories,
      };
      reportUnknownCategories(unknownCategories);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
        return;
      }
      const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
      const lines = [
        `${metrics.rows} rows, ${metrics.positives} positive`,
        `ROC-AUC ${metrics.roc_auc.toFixed(4)}  PR-AUC ${metrics.pr_auc.toFixed(4)}  log loss ${metrics.logloss.toFixed(4)}  Brier ${metrics.brier.toFixed(4)}`,
        `at review ≥ ${review.toPrecision(4)}: precision ${pct(report.at_review.precision)}, recall ${pct(report.at_review.recall)}, F1 ${report.at_review.f1.toFixed(3)} (${report.at_review.tp + report.at_review.fp} flagged)`,
        `at decline ≥ ${decline.toPrecision(4)}: precision ${pct(report.at_decline.precision)}, recall ${pct(report.at_decline.recall)}, F1 ${report.at_decline.f1.toFixed(3)} (${report.at_decline.tp + report.at_decline.fp} flagged)`,
        'calibration (score bin: rows, mean score, fraud rate):',
        ...report.calibration
          .filter((b) => b.count > 0)
          .map(
            (b) =>
              `  ${b.lower.toFixed(1)}–${b.upper.toFixed(1)}: ${String(b.count).padStart(7)}  ${b.meanPredicted!.toFixed(4)}  ${b.observedRate!.toFixed(4)}`,
          ),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    },
  );
}

/**
 * Refuses labels of one class: ROC-AUC and PR-AUC are undefined there, and a report with half its
 * numbers missing reads like a result. (Scoring alone is `fraudlens predict`.)
 */
function requireBothClasses(labels: Uint8Array, file: string, column: string): void {
  if (labels.length === 0) throw new FraudlensError('INPUT_EMPTY', 'the file holds no data rows to evaluate on', { file });
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i];
  if (positives === 0 || positives === labels.length) {
    throw new FraudlensError(
      'INPUT_ONE_CLASS',
      `the ${labels.length} labels are all ${positives === 0 ? '0' : '1'} (${positives} positive, ${labels.length - positives} negative); ROC-AUC, PR-AUC and recall need both classes (fraudlens predict scores without labels)`,
      { file, column },
    );
  }
}

/** The label column as 0/1, with a located error for anything else. */
export function readLabels(table: Table, name: string): Uint8Array {
  const col = requireColumn(table, name);
  const out = new Uint8Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    const v = col.kind === 'numeric' ? col.values[i] : Number(col.codes[i] < 0 ? NaN : col.categories[col.codes[i]]);
    if (v !== 0 && v !== 1) {
      const shown = col.kind === 'numeric' ? String(col.values[i]) : col.codes[i] < 0 ? '(empty)' : col.categories[col.codes[i]];
      throw new FraudlensError('INPUT_BAD_LABEL', `label "${shown}" is not 0 or 1`, {
        file: table.source,
        row: i + 1,
        column: name,
      });
    }
    out[i] = v;
  }
  return out;
}
