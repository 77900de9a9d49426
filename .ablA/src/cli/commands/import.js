/** `fraudlens import --from xgboost --model FILE.json --out DIR [--feature-names a,b,…] [--categories cats.json]` */
import { readFile } from 'node:fs/promises';
import { FraudlensError } from '../../core/errors.js';
import { readModelFile, saveModelFile } from '../../io/model-file.js';
import { nameList } from '../options.js';
export function registerImport(program) {
    program
        .command('import')
        .description('convert a model trained elsewhere (XGBoost JSON) into DIR/model.json')
        .requiredOption('--from <kind>', 'source format: xgboost')
        .requiredOption('--model <file>', 'the XGBoost model (Booster.save_model("*.json"))')
        .requiredOption('--out <dir>', 'output directory (DIR/model.json)')
        .option('--feature-names <names>', 'comma-separated feature names (default: from the model, else f0, f1, …)', nameList('--feature-names'))
        .option('--version-label <label>', 'model version to record (default: xgboost-<trees>t)')
        .option('--categories <file>', 'JSON object: categorical feature → its category names in code order (pandas: df[col].cat.categories); those features then take names')
        .action(async (opts) => {
        if (opts.from !== 'xgboost')
            throw new FraudlensError('INPUT_INVALID', `--from must be "xgboost", got "${opts.from}"`, { field: '--from' });
        const categories = opts.categories === undefined ? undefined : { names: await readCategoryNames(opts.categories), file: opts.categories };
        const { model } = await readModelFile(opts.model, {
            format: 'xgboost',
            featureNames: opts.featureNames,
            version: opts.versionLabel,
            categories,
        });
        const path = await saveModelFile(opts.out, model);
        const named = categories === undefined ? 0 : Object.keys(categories.names).length;
        process.stdout.write(`imported ${model.ensemble.numTrees} trees, ${model.features.length} features (max depth ${model.ensemble.maxDepth}${named > 0 ? `, ${named} categorical by name` : ''}) → ${path}\n`);
    });
}
/** The --categories file: a JSON object of feature → names (checked against the model by the importer). */
async function readCategoryNames(path) {
    let text;
    try {
        text = await readFile(path, 'utf8');
    }
    catch (e) {
        throw new FraudlensError('INPUT_UNREADABLE', `cannot read category names (${e.code ?? 'error'})`, {
            file: path,
        });
    }
    let raw;
    try {
        raw = JSON.parse(text);
    }
    catch (e) {
        throw new FraudlensError('INPUT_UNREADABLE', `category names are not valid JSON (${e.message})`, { file: path });
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        throw new FraudlensError('INPUT_INVALID', 'category names must be a JSON object: {"feature": ["name of code 0", "name of code 1", …]}', { file: path, field: 'categories' });
    }
    return raw;
}
//# sourceMappingURL=import.js.map