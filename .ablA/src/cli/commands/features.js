/**
 * `fraudlens features --defs F --data raw.csv[.gz] --out features.csv [--keep col,…] [--sort]`:
 * replays raw events in time order and writes every derived feature as it stood just before each
 * event (docs/features.md).
 */
import { FraudlensError } from '../../core/errors.js';
import { loadDefinitionsFile } from '../../io/feature-definitions-file.js';
import { writeFeatureFile } from '../feature-file.js';
import { csvReadOptions, delimiterOption, nameList } from '../options.js';
export function registerFeatures(program) {
    program
        .command('features')
        .description('compute the derived features of raw events (point in time: each row sees only strictly earlier events)')
        .requiredOption('--defs <file>', 'feature definitions (YAML or JSON; see docs/features.md)')
        .requiredOption('--data <file>', 'raw events: CSV or CSV.gz with a header, sorted by event time')
        .requiredOption('--out <file>', 'output CSV: event id, event time, --keep columns, then every derived feature')
        .option('--keep <cols>', 'raw columns copied to the output (e.g. the label)', nameList('--keep'))
        .option('--sort', 'sort the file by event time in memory instead of refusing it when unsorted (memory grows with the file)')
        .option('--json', 'print the summary as one JSON object')
        .addOption(delimiterOption())
        .action(async (flags) => {
        if (flags.out === flags.data)
            throw new FraudlensError('INPUT_INVALID', '--out must not overwrite --data', { field: '--out' });
        const defs = await loadDefinitionsFile(flags.defs);
        const summary = await writeFeatureFile(defs, {
            data: flags.data,
            out: flags.out,
            keep: flags.keep,
            sort: flags.sort,
            csv: csvReadOptions(flags),
        });
        const rate = Math.round(summary.rows / Math.max(summary.seconds, 1e-9));
        if (flags.json) {
            process.stdout.write(`${JSON.stringify({ out: flags.out, rows: summary.rows, duplicates: summary.duplicates, entities: summary.entities, features: summary.columns.length - 2 - (flags.keep?.length ?? 0), seconds: summary.seconds, rows_per_second: rate })}\n`);
            return;
        }
        const entities = Object.entries(summary.entities)
            .map(([name, n]) => `${n} ${name}`)
            .join(', ');
        process.stderr.write(`derived ${summary.columns.length - 2 - (flags.keep?.length ?? 0)} features for ${summary.rows} rows in ${summary.seconds.toFixed(2)} s (${rate} rows/s; entities: ${entities || 'none'})` +
            `${summary.duplicates > 0 ? `; ${summary.duplicates} duplicate event ids written but not counted again` : ''} → ${flags.out}\n`);
    });
}
//# sourceMappingURL=features.js.map