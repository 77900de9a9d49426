/**
 * `fraudlens predict --model FILE --data FILE.csv[.gz] --out FILE.csv [--explain]`: scores the file
 * a chunk of rows at a time (score-file.ts) and writes each chunk as it comes through an atomic
 * writer, so memory stays bounded on files of any size and a failure leaves no partial output.
 */

import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { FraudlensError } from '../../core/errors.js';
import { sigmoid } from '../../core/engine/predict.js';
import { readModelFile } from '../../io/model-file.js';
import { openAtomicWriter } from '../../io/atomic-stream.js';
import { scoreCsvFile } from '../score-file.js';
import { addStrictCategoriesOption, reportUnknownCategories, unknownCategoryRule, unknownCategorySummary } from '../data.js';
import { csvReadOptions, delimiterOption, nameList, type DelimiterFlag } from '../options.js';
import { deriveToTemporaryFile, sortWithoutDefinitions, type TemporaryFeatureFile } from '../feature-file.js';

export function registerPredict(program: Command): void {
  const command = program
    .command('predict')
    .description('score every row of a CSV file; empty cells are missing values')
    .requiredOption('--model <file>', 'a fraudlens model or an XGBoost JSON model')
    .requiredOption(
      '--data <file>',
      'CSV or CSV.gz with a header holding the model features (raw events, sorted by time, for a model with feature definitions)',
    )
    .requiredOption('--out <file>', 'output CSV: margin, score [, shap_<feature>…, shap_bias]')
    .option('--explain', 'add one SHAP column per feature and shap_bias (margin units)')
    .option(
      '--sort',
      'a model with feature definitions: derive the features of an unsorted raw file in time order, in memory (scores stay in input order)',
    )
    .option('--feature-names <names>', 'names for an XGBoost model that has none', nameList('--feature-names'))
    .addOption(delimiterOption());
  addStrictCategoriesOption(command).action(
    async (
      opts: {
        model: string;
        data: string;
        out: string;
        explain?: boolean;
        featureNames?: string[];
        sort?: boolean;
        strictCategories?: boolean;
      } & DelimiterFlag,
    ) => {
      if (opts.out === opts.data)
        throw new FraudlensError('INPUT_INVALID', '--out must not overwrite --data', { field: '--out' });
      const { model } = await readModelFile(opts.model, { featureNames: opts.featureNames });
      if (opts.sort === true && !model.featureDefinitions) throw sortWithoutDefinitions();
      const explain = opts.explain === true;
      const m = model.features.length;
      const header = ['margin', 'score', ...(explain ? [...model.features.map((f) => `shap_${f.name}`), 'shap_bias'] : [])];
      const unknownCounts = new Float64Array(m);
      // A model with feature definitions reads raw events: derive its features first (rows stay in
      // input order: the raw file must be sorted by time, or --sort derives in time order and
      // writes the rows back in input order).
      let derived: TemporaryFeatureFile | undefined;
      if (model.featureDefinitions)
        derived = await deriveToTemporaryFile(model.featureDefinitions.definitions, {
          data: opts.data,
          sort: opts.sort,
          inputOrder: true,
          csv: csvReadOptions(opts),
        });
      const writer = await openAtomicWriter(opts.out);
      let rows = 0;
      try {
        await writer.write(stringify([header]));
        const scoring = {
          explain,
          csv: derived ? {} : csvReadOptions(opts),
          unknownCategory: unknownCategoryRule(opts),
          unknownCounts,
        };
        for await (const { rows: n, margins, shap } of scoreCsvFile(derived?.path ?? opts.data, model, scoring)) {
          const lines: string[] = new Array(n);
          for (let i = 0; i < n; i++) {
            let line = `${margins[i]},${sigmoid(margins[i])}`;
            if (shap) for (let j = 0; j <= m; j++) line += `,${shap[i * (m + 1) + j]}`;
            lines[i] = line;
          }
          await writer.write(lines.join('\n') + '\n');
          rows += n;
        }
        await writer.commit();
      } catch (e) {
        await writer.abort();
        throw e;
      } finally {
        await derived?.remove();
      }
      process.stderr.write(`scored ${rows} rows${explain ? ' with explanations' : ''} → ${opts.out}\n`);
      reportUnknownCategories(unknownCategorySummary(model, unknownCounts));
    },
  );
}
