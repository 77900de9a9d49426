/** `fraudlens info --model FILE [--json]`: features, trees, depth and metadata of a model. */

import type { Command } from 'commander';
import { loadModelFile } from '../../io/model-file.js';
import { describeModel } from '../../core/engine/describe.js';
import { nameList } from '../options.js';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show a model: features, trees, depth, thresholds, training metadata')
    .requiredOption('--model <file>', 'a fraudlens model or an XGBoost JSON model')
    .option('--json', 'print one JSON object')
    .option('--feature-names <names>', 'names for an XGBoost model that has none', nameList('--feature-names'))
    .action(async (opts: { model: string; json?: boolean; featureNames?: string[] }) => {
      const model = await loadModelFile(opts.model, { featureNames: opts.featureNames });
      const info = describeModel(model);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(info)}\n`);
        return;
      }
      const lines = [
        `model ${info.version} (${info.objective}, from ${info.source})`,
        `trees ${info.trees}, max depth ${info.max_depth}, nodes ${info.nodes}, leaves ${info.leaves}`,
        `thresholds: review ≥ ${info.thresholds.review}, decline ≥ ${info.thresholds.decline}${info.thresholds.rule ? ` (${info.thresholds.rule})` : ''}`,
        `features (${info.features.length}):`,
        ...info.features.map((f) => `  ${f.name.padEnd(24)} ${f.type}${f.type === 'categorical' ? ` (${f.categories} categories)` : ''}`),
      ];
      if (info.metrics) lines.push(`metrics: ${Object.entries(info.metrics).map(([k, v]) => `${k} ${Number(v).toFixed(4)}`).join(', ')}`);
      if (info.created_at) lines.push(`created ${info.created_at}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
