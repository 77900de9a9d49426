/** `fraudlens import --from xgboost --model FILE.json --out DIR [--feature-names a,b,…]` */

import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { FraudlensError } from '../../core/errors.js';
import { importXgboost, parseXgboostJsonText } from '../../core/engine/xgboost.js';
import { saveModelFile } from '../../io/model-file.js';
import { nameList } from '../options.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('convert a model trained elsewhere (XGBoost JSON) into DIR/model.json')
    .requiredOption('--from <kind>', 'source format: xgboost')
    .requiredOption('--model <file>', 'the XGBoost model (Booster.save_model("*.json"))')
    .requiredOption('--out <dir>', 'output directory (DIR/model.json)')
    .option('--feature-names <names>', 'comma-separated feature names (default: from the model, else f0, f1, …)', nameList('--feature-names'))
    .option('--version-label <label>', 'model version to record (default: xgboost-<trees>t)')
    .action(async (opts: { from: string; model: string; out: string; featureNames?: string[]; versionLabel?: string }) => {
      if (opts.from !== 'xgboost') throw new FraudlensError('INPUT_INVALID', `--from must be "xgboost", got "${opts.from}"`, { field: '--from' });
      let text: string;
      try {
        text = await readFile(opts.model, 'utf8');
      } catch (e) {
        throw new FraudlensError('INPUT_UNREADABLE', `cannot read model file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { file: opts.model });
      }
      let model;
      try {
        model = importXgboost(parseXgboostJsonText(text), { featureNames: opts.featureNames, version: opts.versionLabel, sourcePath: opts.model });
      } catch (e) {
        if (e instanceof FraudlensError) throw new FraudlensError(e.code, e.message, { ...e.location, file: opts.model });
        throw e;
      }
      const path = await saveModelFile(opts.out, model);
      process.stdout.write(`imported ${model.ensemble.numTrees} trees, ${model.features.length} features (max depth ${model.ensemble.maxDepth}) → ${path}\n`);
    });
}
