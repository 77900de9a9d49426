/** `fraudlens predict --model FILE --data FILE.csv[.gz] --out FILE.csv [--explain]` */

import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { FraudlensError } from '../../core/errors.js';
import { Predictor, sigmoid } from '../../core/engine/predict.js';
import { TreeExplainer } from '../../core/explanation/treeshap.js';
import { loadModelFile } from '../../io/model-file.js';
import { openAtomicWriter } from '../../io/atomic-stream.js';
import { addStrictCategoriesOption, loadScoringData, reportUnknownCategories, unknownCategoryRule, unknownCategorySummary } from '../data.js';
import { nameList } from '../options.js';

/** Rows per output chunk: bounds memory on large files. */
const CHUNK_ROWS = 8192;

export function registerPredict(program: Command): void {
  const command = program
    .command('predict')
    .description('score every row of a CSV file; empty cells are missing values')
    .requiredOption('--model <file>', 'a fraudlens model or an XGBoost JSON model')
    .requiredOption('--data <file>', 'CSV or CSV.gz with a header holding the model features')
    .requiredOption('--out <file>', 'output CSV: margin, score [, shap_<feature>…, shap_bias]')
    .option('--explain', 'add one SHAP column per feature and shap_bias (margin units)')
    .option('--feature-names <names>', 'names for an XGBoost model that has none', nameList('--feature-names'));
  addStrictCategoriesOption(command)
    .action(async (opts: { model: string; data: string; out: string; explain?: boolean; featureNames?: string[]; strictCategories?: boolean }) => {
      if (opts.out === opts.data) throw new FraudlensError('INPUT_INVALID', '--out must not overwrite --data', { field: '--out' });
      const model = await loadModelFile(opts.model, { featureNames: opts.featureNames });
      const { matrix, rows, unknownCategories } = await loadScoringData(opts.data, model, [], unknownCategoryRule(opts));
      const predictor = new Predictor(model.ensemble);
      const explainer = opts.explain ? new TreeExplainer(model.ensemble, predictor) : null;
      const m = model.features.length;
      const header = ['margin', 'score', ...(explainer ? [...model.features.map((f) => `shap_${f.name}`), 'shap_bias'] : [])];
      const writer = await openAtomicWriter(opts.out);
      try {
        await writer.write(stringify([header]));
        const margins = new Float64Array(CHUNK_ROWS);
        const shap = explainer ? new Float64Array(CHUNK_ROWS * (m + 1)) : null;
        for (let r0 = 0; r0 < rows; r0 += CHUNK_ROWS) {
          const n = Math.min(CHUNK_ROWS, rows - r0);
          const block = matrix.subarray(r0 * m, (r0 + n) * m);
          predictor.predictMargins(block, n, margins);
          if (explainer && shap) explainer.explainBatch(block, n, shap);
          const lines: string[] = new Array(n);
          for (let i = 0; i < n; i++) {
            let line = `${margins[i]},${sigmoid(margins[i])}`;
            if (shap) for (let j = 0; j <= m; j++) line += `,${shap[i * (m + 1) + j]}`;
            lines[i] = line;
          }
          await writer.write(lines.join('\n') + '\n');
        }
        await writer.commit();
      } catch (e) {
        await writer.abort();
        throw e;
      }
      process.stderr.write(`scored ${rows} rows${explainer ? ' with explanations' : ''} → ${opts.out}\n`);
      reportUnknownCategories(unknownCategorySummary(model, unknownCategories));
    });
}
