/**
 * Entity features (`npm run bench -- features`): `fraudlens features` against the pandas peer
 * (bench/peers/features_pandas.py) on the raw Sparkov train file with the shipped definitions
 * (defs/sparkov.yaml), one run each, side by side:
 *   - speed: rows/s (rows over wall seconds, reading and writing included), CPU seconds and peak
 *     RSS of each process from /usr/bin/time (the CPU seconds are what a shared machine distorts
 *     least), and the ratio ours / pandas (> 1: fraudlens faster);
 *   - parity: both outputs compared row by row (bench/features_compare.py: counts equal, the
 *     rest within 1e-9 relative);
 *   - quality (`--quality`, slow): features of the train and test files (ours, or the peer's while
 *     our command does not exist), then XGBoost 1.7 (bench/features_quality.py: all derived
 *     features, and the static row features alone) and `fraudlens train` + `evaluate` on the same
 *     files; test PR-AUC of each (issue 14: ≥ 0.975, and within 0.005 of XGBoost).
 *
 *   npm run bench -- features [--rows N] [--quality]
 *   node dist/bench/features.js [--rows N] [--quality]
 *
 * `--rows N` takes the file's first N transactions for the speed run (quality always uses the
 * whole files). Without `fraudlens features` in this build, the section measures the peer alone.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { CACHE, lastJson, PYTHON, ratio, REPO, run, SHARED } from './run.js';
const DEFS = join(REPO, 'defs', 'sparkov.yaml');
const PEER = join(REPO, 'bench', 'peers', 'features_pandas.py');
const CLI = join(REPO, 'bin', 'fraudlens.js');
const LABEL = 'is_fraud';
/** Columns of the feature files that are not model features (event id and time). */
const NOT_FEATURES = ['trans_num', 'unix_time'];
const ISSUE_TARGET_PR_AUC = 0.975;
const ISSUE_MAX_PR_AUC_GAP = 0.005;
function option(name) {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
}
/** Runs a command under /usr/bin/time: wall and CPU seconds, peak resident memory. */
function measured(cmd, args) {
    const dir = mkdtempSync(join(tmpdir(), 'fl-features-'));
    const file = join(dir, 'time.txt');
    try {
        const stdout = run('/usr/bin/time', ['-f', '%e %U %S %M', '-o', file, cmd, ...args], {
            env: { ...process.env, FRAUDLENS_SHARED: SHARED },
        });
        const [wall, user, sys, rssKiB] = readFileSync(file, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        return { wall_s: wall, cpu_s: Math.round((user + sys) * 100) / 100, peak_rss_mib: Math.round(rssKiB / 102.4) / 10, stdout };
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
/** The first `rows` transactions of a CSV(.gz) (Sparkov has no line breaks inside cells), cached. */
async function head(input, rows) {
    const out = join(CACHE, `sparkov_train_head_${rows}.csv`);
    if (existsSync(out))
        return out;
    mkdirSync(CACHE, { recursive: true });
    const src = createReadStream(input);
    const lines = createInterface({ input: input.endsWith('.gz') ? src.pipe(createGunzip()) : src, crlfDelay: Infinity });
    const tmp = `${out}.tmp`;
    const sink = createWriteStream(tmp);
    let n = -1;
    for await (const line of lines) {
        if (!sink.write(`${line}\n`))
            await once(sink, 'drain');
        if (++n >= rows)
            break;
    }
    lines.close();
    src.destroy();
    sink.end();
    await once(sink, 'finish');
    renameSync(tmp, out);
    return out;
}
function oursAvailable() {
    // commander answers an unknown command's --help with the global help, so look at the usage line.
    const r = spawnSync(process.execPath, [CLI, 'features', '--help'], { encoding: 'utf8' });
    return r.status === 0 && r.stdout.startsWith('Usage: fraudlens features');
}
function pandas(data, out) {
    const m = measured(PYTHON, [PEER, '--defs', DEFS, '--data', data, '--out', out, '--keep', LABEL]);
    return { ...m, report: lastJson(m.stdout) };
}
function ours(data, out) {
    return measured(process.execPath, [CLI, 'features', '--defs', DEFS, '--data', data, '--out', out, '--keep', LABEL]);
}
function compare(oursFile, peerFile) {
    const r = spawnSync(PYTHON, [join(REPO, 'bench', 'features_compare.py'), oursFile, peerFile, '--id', 'trans_num'], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0 && r.status !== 1)
        throw new Error(`features_compare.py failed (${r.status}):\n${r.stderr}`);
    return lastJson(r.stdout);
}
const side = (m, rows) => ({
    rows_per_s: Math.round(rows / m.wall_s),
    wall_s: m.wall_s,
    cpu_s: m.cpu_s,
    rows_per_cpu_s: Math.round(rows / m.cpu_s),
    peak_rss_mib: m.peak_rss_mib,
});
async function speed(hasOurs) {
    const rowsOption = option('--rows');
    const source = join(SHARED, 'data', 'sparkov_train.csv.gz');
    const data = rowsOption ? await head(source, Number(rowsOption)) : source;
    mkdirSync(CACHE, { recursive: true });
    const peerOut = join(CACHE, 'features_speed_pandas.csv');
    const peer = pandas(data, peerOut);
    const rows = peer.report.rows;
    const result = {
        data: rowsOption ? `sparkov_train, first ${rows} rows` : 'sparkov_train (whole file)',
        rows,
        pandas: { ...side(peer, rows), peer_report: peer.report },
    };
    if (!hasOurs)
        return { ...result, fraudlens: 'skipped: this build has no `fraudlens features` command' };
    const oursOut = join(CACHE, 'features_speed_ours.csv');
    const mine = ours(data, oursOut);
    return {
        ...result,
        fraudlens: side(mine, rows),
        ratios: { rows_per_s: ratio(peer.wall_s, mine.wall_s), rows_per_cpu_s: ratio(peer.cpu_s, mine.cpu_s) },
        parity: compare(oursOut, peerOut),
    };
}
function quality(hasOurs) {
    const files = ['train', 'test'].map((part) => {
        const out = join(CACHE, `features_quality_${part}_${hasOurs ? 'ours' : 'pandas'}.csv`);
        const data = join(SHARED, 'data', `sparkov_${part}.csv.gz`);
        if (hasOurs)
            ours(data, out);
        else
            pandas(data, out);
        return out;
    });
    const xgb = lastJson(run(PYTHON, [join(REPO, 'bench', 'features_quality.py'), '--defs', DEFS, files[0], files[1], '--label', LABEL], {
        env: { ...process.env, FRAUDLENS_SHARED: SHARED },
    }));
    const modelDir = join(CACHE, 'features_quality_model');
    const train = lastJson(run(process.execPath, [
        CLI,
        'train',
        '--data',
        files[0],
        '--label',
        LABEL,
        '--drop',
        NOT_FEATURES.join(','),
        '--out',
        modelDir,
        '--no-baseline',
        '--json',
    ]));
    const evaluation = lastJson(run(process.execPath, [
        CLI,
        'evaluate',
        '--model',
        join(modelDir, 'model.json'),
        '--data',
        files[1],
        '--label',
        LABEL,
        '--json',
    ]));
    const derived = xgb.derived;
    const oursPrAuc = prAuc(evaluation);
    return {
        feature_files: hasOurs ? 'fraudlens features' : 'pandas peer (no `fraudlens features` in this build)',
        xgboost: xgb,
        fraudlens: { train_summary: pick(train), test_pr_auc: oursPrAuc, evaluation },
        issue_targets: {
            [`xgboost_pr_auc_at_least_${ISSUE_TARGET_PR_AUC}`]: derived.test_pr_auc >= ISSUE_TARGET_PR_AUC,
            [`fraudlens_pr_auc_at_least_${ISSUE_TARGET_PR_AUC}`]: oursPrAuc >= ISSUE_TARGET_PR_AUC,
            [`fraudlens_within_${ISSUE_MAX_PR_AUC_GAP}_of_xgboost`]: Math.abs(oursPrAuc - derived.test_pr_auc) <= ISSUE_MAX_PR_AUC_GAP,
        },
    };
}
/** The PR-AUC of an `evaluate --json` answer, wherever that command puts it. */
function prAuc(evaluation) {
    const seen = [evaluation];
    while (seen.length > 0) {
        const o = seen.pop();
        for (const [k, v] of Object.entries(o)) {
            if (/^(pr_?auc|prAuc|averagePrecision|average_precision)$/i.test(k) && typeof v === 'number')
                return v;
            if (v && typeof v === 'object' && !Array.isArray(v))
                seen.push(v);
        }
    }
    throw new Error(`no PR-AUC in the evaluate answer: ${JSON.stringify(evaluation).slice(0, 500)}`);
}
function pick(train) {
    const keep = ['train_seconds', 'trees', 'train_rows', 'train_positives', 'top_features'];
    return Object.fromEntries(Object.entries(train).filter(([k]) => keep.includes(k)));
}
export const section = {
    name: 'features',
    async run() {
        const hasOurs = oursAvailable();
        const result = { definitions: 'defs/sparkov.yaml', speed: await speed(hasOurs) };
        if (process.argv.includes('--quality'))
            result.quality = quality(hasOurs);
        return result;
    },
};
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    section.run().then((r) => process.stdout.write(`${JSON.stringify({ section: 'features', ...r })}\n`), (e) => {
        process.stderr.write(`bench features: ${e.message}\n`);
        process.exitCode = 1;
    });
}
//# sourceMappingURL=features.js.map