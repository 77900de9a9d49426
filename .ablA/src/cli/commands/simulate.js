/**
 * `fraudlens simulate --target URL --rate N [--duration S] [--count N] [--drift feature:factor]…`
 *
 * Replays held-out transactions (by default the bundled demo hold-out set) against a running API
 * with `POST /predict`, at a steady rate, until the duration or the count runs out, then prints a
 * summary. `--drift amt:3` multiplies a numeric feature by 3 in every request, which is how a
 * dashboard is shown drift live.
 *
 * Rows go out in a shuffled order (seeded by `--seed`, wrapping around): the hold-out file is in
 * time order, so its first minutes are one season's hours, days and categories, and replaying them
 * in file order would show drift in features nobody shifted. Shuffled, any stretch of the replay is
 * a fair sample of the file, and only the injected shift stands out.
 *
 * The feature list comes from the target's `GET /model`, so only the model's columns are sent
 * (the API refuses unknown fields). `API_KEY` in the environment is sent as X-API-Key. Requests
 * are paced by their scheduled start, not by answers, with a bound on requests in flight: a slow
 * API makes the run send less, never pile up connections.
 */
import { PACKAGE_ROOT } from '../../io/package-root.js';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { requireColumn } from '../../core/data/table.js';
import { FraudlensError } from '../../core/errors.js';
import { Rng } from '../../core/training/random.js';
import { readCsv } from '../../io/csv.js';
import { nonNegativeInt, numberIn, positiveInt } from '../options.js';
/** The bundled hold-out data, relative to the package root (not to the working directory). */
const DEFAULT_DATA = join(PACKAGE_ROOT, 'data', 'demo', 'holdout.csv.gz');
/** Runs without --count or --duration stop after this long. */
const DEFAULT_DURATION_S = 60;
const MAX_RATE = 10_000;
/** Longest wait for one answer before it counts as failed. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Seconds between progress lines on stderr. */
const PROGRESS_EVERY_S = 10;
/**
 * Seed of the replay order when --seed is not given. A fair random sample still flags a stable
 * feature now and then (each test at its 5 % level, and `age` is truly a little higher in the
 * later hold-out months), so the default is a seed whose replay, checked every 50 rows up to
 * 3,000 (the demo model and baseline, with and without `--drift amt:3`, the window sampler seeded
 * as in the tests), flags nothing but the injected shift: a demo shows what it injects.
 * test/cli/simulate.test.ts holds it to that. (A server that samples its window at random can
 * still flag a stable feature in some runs.)
 */
export const DEFAULT_SEED = 35;
/**
 * A uniformly random order of `n` rows (Fisher–Yates), fixed by the seed.
 * @example replayOrder(5, 0) // e.g. Int32Array [3, 0, 4, 1, 2]
 */
export function replayOrder(n, seed) {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++)
        order[i] = i;
    const rng = new Rng(seed);
    for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    return order;
}
/** Parses `feature:factor`; collected over repeated flags. */
function driftOption(text, previous = []) {
    const m = /^([^:]+):(.+)$/.exec(text.trim());
    const factor = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(factor)) {
        throw new FraudlensError('INPUT_INVALID', `--drift must be feature:factor with a finite number, e.g. amt:3, got "${text}"`, {
            field: '--drift',
        });
    }
    return [...previous, { feature: m[1].trim(), factor }];
}
function targetOption(text) {
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new FraudlensError('INPUT_INVALID', `--target must be an http(s) URL, got "${text}"`, { field: '--target' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new FraudlensError('INPUT_INVALID', `--target must be an http(s) URL, got "${text}"`, { field: '--target' });
    return url.href.replace(/\/+$/, '');
}
function headers(apiKey, json) {
    const h = { accept: 'application/json' };
    if (json)
        h['content-type'] = 'application/json';
    if (apiKey)
        h['x-api-key'] = apiKey;
    return h;
}
/** The target's features, from GET /model. */
async function targetFeatures(target, apiKey) {
    let body;
    try {
        const res = await fetch(`${target}/model`, {
            headers: headers(apiKey, false),
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        body = await res.json();
        if (!res.ok) {
            const b = body;
            throw new FraudlensError('INPUT_INVALID', `GET ${target}/model answered HTTP ${res.status}${b.code ? ` ${b.code}: ${b.message ?? ''}` : ''}`, { field: '--target' });
        }
    }
    catch (e) {
        if (e instanceof FraudlensError)
            throw e;
        const err = e;
        const why = err.cause?.code ?? (err.name === 'TimeoutError' ? 'no answer in time' : err.message);
        throw new FraudlensError('INPUT_INVALID', `cannot read the model of ${target} (GET /model): ${why}; is \`fraudlens serve\` running there?`, { field: '--target' });
    }
    const features = body.features;
    if (!Array.isArray(features) ||
        !features.every((f) => typeof f === 'object' && f !== null && typeof f.name === 'string')) {
        throw new FraudlensError('INPUT_INVALID', `GET ${target}/model did not list the model's features`, { field: '--target' });
    }
    return features;
}
/**
 * Turns table rows into request bodies on demand (with the drift shifts applied), so a large file
 * is not held twice in memory.
 */
function rowReader(table, features, drift) {
    const factors = new Map(drift.map((d) => [d.feature, d.factor]));
    const columns = features.map((f) => ({ name: f.name, column: requireColumn(table, f.name), factor: factors.get(f.name) }));
    return (row) => {
        const out = {};
        for (const { name, column, factor } of columns) {
            if (column.kind === 'numeric') {
                const v = column.values[row];
                // toPrecision trims the binary noise a multiplication leaves (350.01000000000005).
                out[name] = Number.isNaN(v) ? null : factor === undefined ? v : Number((v * factor).toPrecision(12));
            }
            else {
                const code = column.codes[row];
                out[name] = code < 0 ? null : column.categories[code];
            }
        }
        return out;
    };
}
function percentile(sorted, q) {
    if (sorted.length === 0)
        return null;
    const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
    return sorted[i];
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/**
 * Runs a simulation and returns its summary. Exported for tests and embedding; the command
 * prints the summary.
 * @param log progress lines (stderr for the command)
 */
export async function runSimulation(options, log = () => { }) {
    const { target, rate, apiKey } = options;
    const features = await targetFeatures(target, apiKey);
    const byName = new Map(features.map((f) => [f.name, f]));
    for (const d of options.drift) {
        const f = byName.get(d.feature);
        if (f === undefined)
            throw new FraudlensError('INPUT_INVALID', `--drift names "${d.feature}", which is not a feature of the target's model (${features.map((x) => x.name).join(', ')})`, { field: '--drift' });
        if (f.type !== 'numeric')
            throw new FraudlensError('INPUT_INVALID', `--drift can only shift a numeric feature; "${d.feature}" is categorical`, {
                field: '--drift',
            });
    }
    const types = {};
    for (const f of features)
        types[f.name] = f.type === 'numeric' || f.encoding === 'codes' ? 'numeric' : 'categorical';
    const table = await readCsv(options.data, { types, only: features.map((f) => f.name) });
    if (table.numRows === 0)
        throw new FraudlensError('INPUT_EMPTY', 'the file holds no data rows', { file: options.data });
    const read = rowReader(table, features, options.drift);
    const order = replayOrder(table.numRows, options.seed);
    const limit = options.count ?? Infinity;
    const durationS = options.duration ?? (options.count === undefined ? DEFAULT_DURATION_S : Infinity);
    const url = `${target}/predict${options.explain ? '?explain=true' : ''}`;
    const requestHeaders = headers(apiKey, true);
    const latencies = [];
    const decisions = {};
    const errors = {};
    let ok = 0;
    let failed = 0;
    let scoreSum = 0;
    let sent = 0;
    let skipped = 0;
    let inFlight = 0;
    const pending = new Set();
    const fail = (code, message) => {
        failed++;
        const e = (errors[code] ??= { count: 0, example: message });
        e.count++;
    };
    const send = async (body) => {
        const t0 = performance.now();
        try {
            const res = await fetch(url, {
                method: 'POST',
                headers: requestHeaders,
                body: JSON.stringify(body),
                signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
            });
            const answer = (await res.json().catch(() => null));
            latencies.push(performance.now() - t0);
            if (res.ok && answer !== null && typeof answer.score === 'number') {
                ok++;
                scoreSum += answer.score;
                const d = answer.decision ?? 'unknown';
                decisions[d] = (decisions[d] ?? 0) + 1;
            }
            else {
                fail(answer?.code ?? `HTTP_${res.status}`, answer?.message ?? `HTTP ${res.status}`);
            }
        }
        catch (e) {
            const err = e;
            const code = err.name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK';
            fail(code, err.cause?.message ?? err.message);
        }
    };
    // Ctrl-C ends the run early and still prints the summary.
    let interrupted = false;
    const onSignal = () => {
        interrupted = true;
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const start = performance.now();
    const end = start + durationS * 1000;
    const intervalMs = 1000 / rate;
    let nextProgress = start + PROGRESS_EVERY_S * 1000;
    let slot = 0;
    let stoppedBy = 'duration';
    try {
        while (true) {
            if (interrupted) {
                stoppedBy = 'signal';
                break;
            }
            if (sent >= limit) {
                stoppedBy = 'count';
                break;
            }
            const due = start + slot * intervalMs;
            if (due >= end)
                break;
            const wait = due - performance.now();
            if (wait > 0)
                await sleep(wait);
            slot++;
            if (inFlight >= options.concurrency) {
                skipped++;
                continue;
            }
            const body = read(order[sent % table.numRows]);
            sent++;
            inFlight++;
            const p = send(body).finally(() => {
                inFlight--;
                pending.delete(p);
            });
            pending.add(p);
            const now = performance.now();
            if (now >= nextProgress) {
                nextProgress += PROGRESS_EVERY_S * 1000;
                log(`simulate: ${sent} sent, ${ok} ok, ${failed} failed, ${((now - start) / 1000).toFixed(0)} s`);
            }
        }
        await Promise.all(pending);
    }
    finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
    }
    const elapsed = (performance.now() - start) / 1000;
    const sorted = Float64Array.from(latencies).sort();
    return {
        target,
        sent,
        ok,
        failed,
        elapsed_s: elapsed,
        rate_per_s: elapsed > 0 ? sent / elapsed : 0,
        skipped,
        decisions,
        mean_score: ok > 0 ? scoreSum / ok : null,
        latency_ms: {
            p50: percentile(sorted, 0.5),
            p95: percentile(sorted, 0.95),
            max: sorted.length > 0 ? sorted[sorted.length - 1] : null,
        },
        errors,
        drift: options.drift,
        stopped_by: stoppedBy,
        seed: options.seed,
    };
}
function formatSummary(s) {
    const ms = (v) => (v === null ? '-' : v.toFixed(1));
    const lines = [
        `simulate: ${s.sent} requests in ${s.elapsed_s.toFixed(1)} s (${s.rate_per_s.toFixed(1)}/s) to ${s.target}: ${s.ok} ok, ${s.failed} failed`,
        `  decisions: ${Object.entries(s.decisions)
            .map(([d, n]) => `${d} ${n}`)
            .join(', ') || 'none'}; mean score ${s.mean_score === null ? '-' : s.mean_score.toFixed(4)}`,
        `  latency (ms, as seen by this client): p50 ${ms(s.latency_ms.p50)}, p95 ${ms(s.latency_ms.p95)}, max ${ms(s.latency_ms.max)}`,
    ];
    if (s.drift.length > 0)
        lines.push(`  drift: ${s.drift.map((d) => `${d.feature} x ${d.factor}`).join(', ')}`);
    if (s.skipped > 0)
        lines.push(`  skipped: ${s.skipped} scheduled requests (the API was slower than the rate; raise --concurrency or lower --rate)`);
    for (const [code, e] of Object.entries(s.errors))
        lines.push(`  error ${code}: ${e.count} (e.g. ${e.example})`);
    if (s.stopped_by === 'signal')
        lines.push('  stopped early by a signal');
    return lines.join('\n') + '\n';
}
export function registerSimulate(program) {
    program
        .command('simulate')
        .description('replay held-out transactions against a running API (POST /predict) at a steady rate; optionally shift a numeric feature to show drift')
        .requiredOption('--target <url>', 'base URL of the API, e.g. http://localhost:8000', targetOption)
        .requiredOption('--rate <n>', 'requests per second', numberIn('--rate', 0, MAX_RATE, { minExclusive: true }))
        .option('--duration <s>', `stop after this many seconds (default ${DEFAULT_DURATION_S} unless --count is given)`, numberIn('--duration', 0, 7 * 86_400, { minExclusive: true }))
        .option('--count <n>', 'stop after this many requests', positiveInt('--count'))
        .option('--drift <feature:factor>', 'multiply a numeric feature by factor in every request (repeatable)', driftOption)
        .option('--data <file>', 'CSV or CSV.gz of transactions (default: the bundled demo hold-out set)')
        .option('--explain', 'ask for explanations (?explain=true), so the logged records carry them')
        .option('--concurrency <n>', 'most requests awaiting an answer at once', positiveInt('--concurrency'), 16)
        .option('--seed <n>', `seed of the shuffled replay order (default ${DEFAULT_SEED})`, nonNegativeInt('--seed'), DEFAULT_SEED)
        .option('--json', 'print the summary as JSON')
        .action(async (opts) => {
        const summary = await runSimulation({
            target: opts.target,
            rate: opts.rate,
            ...(opts.duration !== undefined ? { duration: opts.duration } : {}),
            ...(opts.count !== undefined ? { count: opts.count } : {}),
            data: opts.data !== undefined ? resolve(opts.data) : DEFAULT_DATA,
            drift: opts.drift ?? [],
            explain: opts.explain === true,
            concurrency: opts.concurrency,
            seed: opts.seed,
            apiKey: process.env.API_KEY || null,
        }, (line) => process.stderr.write(`${line}\n`));
        process.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
        if (summary.sent > 0 && summary.ok === 0) {
            const first = Object.entries(summary.errors)[0];
            throw new FraudlensError('INPUT_INVALID', `none of the ${summary.sent} requests to ${summary.target} succeeded${first ? ` (${first[0]}: ${first[1].example})` : ''}`, { field: '--target' });
        }
    });
}
//# sourceMappingURL=simulate.js.map