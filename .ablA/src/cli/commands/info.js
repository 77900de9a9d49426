/** `fraudlens info --model FILE [--json]`: features, trees, depth and metadata of a model. */
import { readModelFile } from '../../io/model-file.js';
import { describeModel } from '../../core/engine/describe.js';
import { nameList } from '../options.js';
/** Metrics that count rows (see the validation metrics trainModel stores): printed as integers. */
const COUNT_METRICS = new Set(['rows', 'positives']);
/**
 * One metric for people: counts as integers; a metric that is undefined (ROC-AUC of a validation
 * set with one class is stored as NaN, which JSON turns into null) as "n/a", never as 0.
 */
export function formatMetric(name, value) {
    if (typeof value !== 'number' || !Number.isFinite(value))
        return 'n/a';
    return COUNT_METRICS.has(name) && Number.isInteger(value) ? String(value) : value.toFixed(4);
}
export function registerInfo(program) {
    program
        .command('info')
        .description('show a model: features, trees, depth, thresholds, training metadata')
        .requiredOption('--model <file>', 'a fraudlens model or an XGBoost JSON model')
        .option('--json', 'print one JSON object')
        .option('--feature-names <names>', 'names for an XGBoost model that has none', nameList('--feature-names'))
        .action(async (opts) => {
        const { model } = await readModelFile(opts.model, { featureNames: opts.featureNames });
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
        if (info.derived_features) {
            lines.push(`derived features (${info.derived_features.features.length}, definitions ${info.derived_features.hash.slice(0, 12)}; raw events in):`);
            for (const f of info.derived_features.features)
                lines.push(`  ${f.name.padEnd(24)} ${f.how}`);
        }
        if (info.metrics)
            lines.push(`metrics: ${Object.entries(info.metrics)
                .map(([k, v]) => `${k} ${formatMetric(k, v)}`)
                .join(', ')}`);
        if (info.created_at)
            lines.push(`created ${info.created_at}`);
        process.stdout.write(`${lines.join('\n')}\n`);
    });
}
//# sourceMappingURL=info.js.map