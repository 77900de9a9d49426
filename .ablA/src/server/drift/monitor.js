/**
 * The drift monitor of one app: which baseline is in force, the window store that counts the
 * served model's predictions on its bins, and the transitions between "ready" and "no baseline".
 *
 *   - At start-up and on every model reload the baseline file is read again and checked against
 *     the model. A file that is absent, invalid or written for another model leaves predictions
 *     untouched and turns the /drift routes into DRIFT_NO_BASELINE, with the reason.
 *   - Only rows of the model the baseline was checked against are recorded (`observe` compares
 *     the model object), so a reload never mixes two models' rows in one window.
 *   - A new baseline with the same bins as the window keeps the window (from-window re-baselining,
 *     reloading the same model); other bins need another window, so a new store starts and the
 *     old one is flushed and closed in the background.
 *   - Replacing the baseline validates, then saves atomically, then swaps: a refused or unsaved
 *     baseline changes nothing. Replacements run one at a time.
 *
 * Rows reach the store as float32 values, the precision the baseline was built at, so a value on
 * a cut point falls in the same bin on both sides.
 */
import { readFileSync } from 'node:fs';
import { baselineFromWindow, buildDriftReport, checkBaselineFitsModel, hideNumbersAfterField, maskBaseline, parseBaseline, } from '../../core/drift/index.js';
import { FraudlensError, isFraudlensError } from '../../core/errors.js';
import { saveBaseline } from '../../io/baseline-file.js';
import { createDriftWindow } from '../../storage/index.js';
/** Same slots (bins and kept category codes), sample size and Redis namespace: one window serves both. */
function sameWindowShape(a, b) {
    const shape = (x) => JSON.stringify([
        x.model_version,
        x.options.reservoir_size,
        x.score.edges,
        x.features.map((f) => (f.type === 'numeric' ? ['n', f.name, f.edges] : ['c', f.name, f.codes])),
    ]);
    return shape(a) === shape(b);
}
export class DriftMonitor {
    settings;
    models;
    log;
    seed;
    active = null;
    unavailable = { message: 'drift monitoring has not started', field: 'baseline' };
    /** Totals of stores already replaced, so the exported counters never go backwards. */
    retired = { updates: 0, written: 0, dropped: 0 };
    closing = new Set();
    queue = Promise.resolve();
    closed = false;
    metricsCache;
    metricsPending;
    /**
     * Records one scored row when it comes from the model the baseline was checked against.
     * On the request path: synchronous, no allocation, never throws (the store counts what it drops).
     */
    observe = (row, score, model) => {
        const a = this.active;
        if (a === null || a.model !== model)
            return;
        a.scratch.set(row);
        a.store.update(a.scratch, score);
    };
    /**
     * @param settings resolved drift settings
     * @param models the app's model holder (the baseline must fit its current model)
     * @param log where state changes are reported
     * @param seed seed of the window's sampling; leave it unset when replicas share a Redis window
     *   (equal seeds would give their rows equal sampling keys)
     */
    constructor(settings, models, log, seed) {
        this.settings = settings;
        this.models = models;
        this.log = log;
        this.seed = seed;
    }
    /** Loads the baseline for the model being served; never throws for a missing or bad file. */
    start() {
        this.follow(this.models.current, 'start-up');
    }
    /** For `models.onChange`: the baseline follows the model a reload swapped in. */
    onModelChange = (model) => {
        try {
            this.follow(model, `POST /admin/reload (model "${model.version}")`);
        }
        catch (err) {
            // A listener must not break the reload that already succeeded; drift turns itself off.
            this.disable({ message: `drift monitoring stopped after a model reload: ${err.message}`, field: 'baseline' });
        }
    };
    /** Whether the /drift routes can answer. */
    get ready() {
        return this.active !== null;
    }
    /** Why the /drift routes cannot answer (null when they can). */
    get unavailableReason() {
        return this.active === null ? this.unavailable.message : null;
    }
    /** The baseline in force; DRIFT_NO_BASELINE when there is none. */
    baseline() {
        return this.require().baseline;
    }
    /** Where the baseline file is read from and saved to. */
    get baselinePath() {
        return this.settings.baselinePath;
    }
    /**
     * The drift report of a window against the baseline in force.
     * @param spec the window (parseWindowSpec)
     */
    async report(spec) {
        const a = this.require();
        // The baseline in force, not the store's: a re-baseline with the same bins keeps the store.
        return buildDriftReport(a.baseline, await a.store.read(spec), {
            share: this.settings.share,
            thresholds: this.settings.thresholds,
        });
    }
    /**
     * Replaces the baseline with an uploaded one: checked against the served model, saved
     * atomically, then put in force. Throws BASELINE_INVALID (nothing changed) or
     * BASELINE_SAVE_FAILED (nothing changed).
     * @param parse turns the upload into a validated baseline for the given model
     */
    replaceBaseline(parse) {
        return this.exclusive(async () => {
            const model = this.models.current;
            let parsed;
            try {
                parsed = parse(model);
            }
            catch (err) {
                throw this.withoutMaskedValues(err);
            }
            // What is saved is what GET /drift/baseline shows: PII features without their values.
            const baseline = this.masked(parsed);
            await this.save(baseline);
            return { baseline, windowKept: this.adopt(baseline, 'PUT /drift/baseline') };
        });
    }
    /**
     * Re-baselines from a window of the live traffic (see core/drift/rebaseline.ts for what is kept), saves it
     * and puts it in force; the window itself goes on.
     * @param spec the window to describe
     */
    rebaselineFromWindow(spec) {
        return this.exclusive(async () => {
            const a = this.require();
            const masked = this.settings.maskedFeatures;
            if (spec.type === 'count' && masked.length > 0) {
                // A count window keeps rows, and rows keep no PII value: those features would look empty.
                throw new FraudlensError('REQUEST_INVALID', `querystring/window: PII fields (${masked.join(', ')}) are only counted in time windows; re-baseline from 15m, 1h or 24h`, { field: 'window' });
            }
            const snapshot = await a.store.read(spec);
            const baseline = this.masked(baselineFromWindow(a.baseline, snapshot, a.model.model, new Date(), new Set(masked)));
            await this.save(baseline);
            return { baseline, windowKept: this.adopt(baseline, 'POST /drift/baseline/from-window'), source: snapshot.window.source };
        });
    }
    /**
     * The report the /metrics gauges show: computed at most once per FRAUDLENS_DRIFT_METRICS_MAX_AGE_MS,
     * and shared by the gauges of one scrape (prom-client collects them concurrently). Null when
     * drift is unavailable or the report failed (logged).
     */
    metricsReport() {
        const a = this.active;
        if (a === null)
            return Promise.resolve(null);
        if (this.metricsPending !== undefined)
            return this.metricsPending;
        const cached = this.metricsCache;
        if (cached !== undefined && cached.active === a && Date.now() - cached.at < this.settings.metricsMaxAgeMs)
            return Promise.resolve(cached.report);
        const pending = this.report(this.settings.metricsWindow).then((report) => {
            this.metricsCache = { active: a, at: Date.now(), report };
            return report;
        }, (err) => {
            this.log.warn({ err }, 'drift gauges not refreshed');
            return null;
        });
        this.metricsPending = pending.finally(() => {
            this.metricsPending = undefined;
        });
        return this.metricsPending;
    }
    stats() {
        const s = this.active?.store.stats();
        return {
            backend: this.settings.backend,
            connected: s?.connected ?? false,
            updates: this.retired.updates + (s?.updates ?? 0),
            written: this.retired.written + (s?.written ?? 0),
            pending: s?.pending ?? 0,
            dropped: this.retired.dropped + (s?.dropped ?? 0),
            dropping: s?.dropping ?? false,
        };
    }
    /** Flushes and closes the window store (and any still closing). */
    async close() {
        this.closed = true;
        await this.exclusive(async () => undefined);
        if (this.active !== null)
            this.retire(this.active.store);
        this.active = null;
        this.unavailable = { message: 'the server is shutting down', field: 'baseline' };
        await Promise.all([...this.closing]);
    }
    // -------------------------------------------------------------------------------------------
    /** The baseline as drift may keep and show it: PII features reduced to their bins. */
    masked(baseline) {
        return maskBaseline(baseline, this.settings.maskedFeatures);
    }
    /**
     * A baseline error about a feature's entry (`features[i]...`) with the numbers it quotes hidden
     * when PII fields are set: the message reaches logs, /health and the client, and the entry's
     * index is the file's, which need not be the model's until the file has been checked.
     */
    withoutMaskedValues(err) {
        if (!isFraudlensError(err) || this.settings.maskedFeatures.length === 0)
            return err;
        const field = err.location.field ?? '';
        if (!field.startsWith('features['))
            return err;
        return new FraudlensError(err.code, hideNumbersAfterField(err.message, field), err.location);
    }
    require() {
        const a = this.active;
        if (a === null)
            throw new FraudlensError('DRIFT_NO_BASELINE', this.unavailable.message, { field: this.unavailable.field });
        return a;
    }
    /** Runs replacements one after the other, so a save and its swap are never interleaved. */
    exclusive(task) {
        const run = this.queue.then(task, task);
        this.queue = run.catch(() => undefined);
        return run;
    }
    async save(baseline) {
        try {
            await saveBaseline(this.settings.baselinePath, baseline);
        }
        catch (err) {
            const code = err.code ?? err.message;
            this.log.error({ err, path: this.settings.baselinePath }, 'drift baseline not saved');
            throw new FraudlensError('BASELINE_SAVE_FAILED', `the drift baseline could not be written to ${this.settings.baselinePath} (${code}); the previous baseline stays in use`, {
                field: 'FRAUDLENS_DRIFT_BASELINE_PATH',
            });
        }
    }
    /**
     * Puts a baseline in force for the model served now (which may have changed while saving);
     * true when the window went on.
     */
    adopt(baseline, why) {
        const model = this.models.current;
        try {
            checkBaselineFitsModel(baseline, model.model);
        }
        catch (err) {
            if (!isFraudlensError(err))
                throw err;
            this.disable({
                message: `${why}: the baseline was saved but the model reloaded meanwhile does not fit it: ${err.message}`,
                field: err.location.field ?? 'baseline',
            });
            return false;
        }
        return this.install(baseline, model, why);
    }
    /** Reads the baseline file for `model` and puts it in force, or explains why drift is off. */
    follow(model, why) {
        if (this.closed)
            return;
        const path = this.settings.baselinePath;
        let text;
        try {
            text = readFileSync(path, 'utf8');
        }
        catch (err) {
            const code = err.code ?? err.message;
            if (this.keepIfFits(model, why))
                return;
            this.disable({
                message: `no drift baseline for model "${model.version}": cannot read ${path} (${code}); build one with "fraudlens baseline" and reload, or upload one with PUT /drift/baseline`,
                field: 'baseline',
            });
            return;
        }
        let baseline;
        try {
            baseline = this.masked(parseBaseline(text, model.model));
        }
        catch (caught) {
            const err = this.withoutMaskedValues(caught);
            if (!isFraudlensError(err))
                throw err;
            if (this.keepIfFits(model, why))
                return;
            this.disable({
                message: `the drift baseline ${path} does not fit model "${model.version}" (${err.code}): ${err.message}`,
                field: err.location.field ?? 'baseline',
            });
            return;
        }
        this.install(baseline, model, why);
    }
    /** After a reload whose file is unusable: the baseline in force may still describe the new model. */
    keepIfFits(model, why) {
        const a = this.active;
        if (a === null)
            return false;
        try {
            checkBaselineFitsModel(a.baseline, model.model);
        }
        catch {
            return false;
        }
        this.active = { ...a, model };
        this.log.warn({ path: this.settings.baselinePath }, `${why}: the baseline file is unusable; the baseline in force still fits the model and is kept`);
        return true;
    }
    /** Makes `baseline` the one in force; true when the current window goes on (same bins). */
    install(baseline, model, why) {
        const a = this.active;
        if (a !== null && sameWindowShape(a.store.baseline, baseline)) {
            this.active = { baseline, store: a.store, model, scratch: a.scratch };
            this.log.info({ model: model.version, rows: baseline.rows }, `${why}: drift baseline in force (same bins: the window goes on)`);
            return true;
        }
        const store = createDriftWindow(baseline, {
            backend: this.settings.backend,
            redisUrl: this.settings.redisUrl,
            redisKeyPrefix: this.settings.redisPrefix,
            seed: this.seed,
            maskedFeatures: this.settings.maskedFeatures,
        });
        if (a !== null)
            this.retire(a.store);
        this.active = { baseline, store, model, scratch: new Float32Array(baseline.features.length) };
        this.log.info({ model: model.version, rows: baseline.rows, backend: store.backend }, `${why}: drift baseline in force (new window)`);
        return false;
    }
    disable(reason) {
        if (this.active !== null)
            this.retire(this.active.store);
        this.active = null;
        this.unavailable = reason;
        this.log.warn({ reason: reason.message }, 'drift monitoring unavailable; predictions are not affected');
    }
    /** Closes a store in the background, keeping its totals for the counters. */
    retire(store) {
        const done = store.close().then(() => {
            const s = store.stats();
            this.retired.updates += s.updates;
            this.retired.written += s.written;
            this.retired.dropped += s.dropped;
        }, (err) => this.log.warn({ err }, 'drift window did not close cleanly'));
        const tracked = done.finally(() => this.closing.delete(tracked));
        this.closing.add(tracked);
    }
}
//# sourceMappingURL=monitor.js.map