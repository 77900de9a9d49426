/**
 * `npm run bench`: runs fraudlens and the Python peer (XGBoost, the seed servers) side by side on
 * the same models and data in one run, and prints ratios (ours / theirs, > 1 means fraudlens is
 * faster or better). Sections: predict (batch, TreeSHAP, single row), train (parity on every
 * labelled dataset), http (wrk against our server and the seed servers), drift (window cost),
 * features (offline replay against pandas), state (entity state per transaction, state load),
 * challengers (the cost of challengers scored in the shadow on /predict), history (GET
 * /performance/history's computation beside GET /performance's).
 *
 *   npm run bench                     every section
 *   npm run bench -- predict train    chosen sections
 *   npm run bench -- features --rows 100000 --quality
 *                                     options after the section names go to the sections
 *
 * Needs ../shared (data and peers) and the peers' Debian packages (../shared/peers/setup.sh).
 * Results go to bench/results/latest.json; BENCHMARKS.md quotes them.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '..', '..');
export const SHARED = resolve(process.env.FRAUDLENS_SHARED ?? join(REPO, '..', 'shared'));
export const PEERS = join(SHARED, 'peers');
export const CACHE = join(REPO, 'bench', '.cache');
export const PYTHON = '/usr/bin/python3';
const CLI = join(REPO, 'bin', 'fraudlens.js');

export interface Section {
  name: string;
  run(): Promise<Record<string, unknown>>;
}

/** Runs a command, returns stdout; throws with stderr on failure. */
export function run(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, {
    cwd: options.cwd ?? REPO,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** The last line of stdout that parses as a JSON object. */
export function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    if (line.startsWith('{')) return JSON.parse(line) as Record<string, unknown>;
  }
  throw new Error(`no JSON line in output:\n${stdout.slice(-2000)}`);
}

export function fraudlens(args: string[]): string {
  return run(process.execPath, [CLI, ...args]);
}

/** The synthetic 284,807-row credit-card stand-in (peers' make_synthetic.py, seed 0), cached. */
export function syntheticData(): string {
  const path = join(CACHE, 'synth_creditcard.csv.gz');
  if (!existsSync(path)) {
    mkdirSync(CACHE, { recursive: true });
    run(PYTHON, [join(PEERS, 'make_synthetic.py'), path]);
  }
  return path;
}

export function ratio(ours: number, theirs: number): number {
  return Math.round((ours / theirs) * 100) / 100;
}

const predictSection: Section = {
  name: 'predict',
  async run() {
    const model = join(PEERS, 'model_synthetic', 'model.json');
    const data = syntheticData();
    const ours = lastJson(fraudlens(['bench', '--model', model, '--data', data, '--rows', '284807', '--json']));
    const peer = lastJson(
      run(PYTHON, [join(PEERS, 'bench_predict.py'), model, data, '--label', 'Class', '--min-rows', '284807', '--threads', '1'], {
        cwd: PEERS,
      }),
    );
    const x = (peer.by_nthread as Record<string, Record<string, number>>)['1'];
    const n = (k: string): number => ours[k] as number;
    return {
      model: 'peers/model_synthetic (200 trees, depth 6, 30 features)',
      rows: 284807,
      ours,
      xgboost_1_thread: x,
      ratios: {
        batch_predict_vs_inplace_predict: ratio(n('predict_rows_per_s'), x.inplace_rows_per_s),
        treeshap_vs_pred_contribs: ratio(n('explain_rows_per_s'), x.shap_rows_per_s),
        single_predict_speedup_vs_inplace_p50: ratio(x.single_inplace_p50_us, n('single_predict_p50_us')),
        single_predict_speedup_vs_dmatrix_p50: ratio(x.single_dmatrix_p50_us, n('single_predict_p50_us')),
      },
      single_predict_explain_p50_us: n('single_predict_explain_p50_us'),
    };
  },
};

async function loadSections(names: string[]): Promise<Section[]> {
  // Each further section lives in its own module exporting `section` (loaded only when chosen).
  const fromModule = (file: string) => async (): Promise<Section> =>
    ((await import(`./${file}`)) as { section: Section }).section;
  const all: Record<string, () => Promise<Section>> = {
    predict: async () => predictSection,
    train: fromModule('train-parity.js'),
    http: fromModule('http.js'),
    drift: fromModule('drift-http.js'),
    features: fromModule('features.js'),
    state: fromModule('entity-state.js'),
    rules: fromModule('rules.js'),
    decisions: fromModule('decisions-http.js'),
    performance: fromModule('performance.js'),
    history: fromModule('performance-history.js'),
    labels: fromModule('labels.js'),
    challengers: fromModule('challengers.js'),
  };
  const chosen = names.length > 0 ? names : Object.keys(all);
  for (const n of chosen) if (!(n in all)) throw new Error(`unknown section "${n}" (choose from ${Object.keys(all).join(', ')})`);
  return Promise.all(chosen.map((n) => all[n]()));
}

async function main(): Promise<void> {
  if (!existsSync(PEERS)) {
    process.stderr.write(`bench: ${PEERS} not found; the benchmarks compare against the peers in ../shared\n`);
    process.exitCode = 2;
    return;
  }
  const args = process.argv.slice(2);
  const firstOption = args.findIndex((a) => a.startsWith('--'));
  const sections = await loadSections(firstOption >= 0 ? args.slice(0, firstOption) : args);
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };
  for (const s of sections) {
    process.stderr.write(`bench: ${s.name}…\n`);
    results[s.name] = { date: new Date().toISOString(), ...(await s.run()) };
    process.stdout.write(`${JSON.stringify({ section: s.name, ...(results[s.name] as object) })}\n`);
  }
  // Sections not run this time keep their last results (each section carries its own date).
  mkdirSync(join(REPO, 'bench', 'results'), { recursive: true });
  const file = join(REPO, 'bench', 'results', 'latest.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, `${JSON.stringify({ ...previous, ...results }, null, 2)}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exitCode = 1;
  });
}
