/**
 * Scoring one validated transaction, shared by /predict and V2 infer: margin from the predictor
 * (no allocation), decision from the model's thresholds, an explanation only when asked, then the
 * prediction record to the log and the row to the observers. Everything here is synchronous, so
 * the model's scratch row is never shared between two requests.
 */
import { randomUUID } from 'node:crypto';
import { UNKNOWN_CATEGORY_CODE } from '../core/data/table.js';
import { decide } from '../core/engine/model.js';
import { sigmoid } from '../core/engine/predict.js';
import { checkAdditivity } from '../core/explanation/treeshap.js';
import { FraudlensError } from '../core/errors.js';
const RISK = { approve: 'low', review: 'medium', decline: 'high' };
let isoMs = -1;
let isoText = '';
/** The current time as ISO 8601, formatted once per millisecond (many records share one). */
function isoNow() {
    const ms = Date.now();
    if (ms !== isoMs) {
        isoMs = ms;
        isoText = new Date(ms).toISOString();
    }
    return isoText;
}
/** The explanation of the row just scored, from the model's scratch buffers. */
function explain(m, t, margin, top) {
    if (m.explainer === null) {
        throw new FraudlensError('MODEL_UNSUPPORTED', `explanations are not available for this model: ${m.explainerError ?? 'unsupported trees'}`, { field: 'explain' });
    }
    const phi = m.explainer.explainRow(m.row, m.contribs);
    checkAdditivity(phi, margin);
    const n = m.names.length;
    const contributions = {};
    for (let j = 0; j < n; j++)
        contributions[m.names[j]] = phi[j];
    const k = Math.min(top, n);
    const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => Math.abs(phi[b]) - Math.abs(phi[a]) || a - b);
    const list = new Array(k);
    for (let i = 0; i < k; i++) {
        const j = order[i];
        list[i] = { feature: m.names[j], value: m.displayValue(t, j), contribution: phi[j] };
    }
    return { base_value: phi[n], margin, units: 'log-odds', contributions, top: list };
}
/**
 * Scores and explains `t` (already validated against `m`) without recording anything: no log
 * record, no drift-window row, no decision counter. For reads such as the dashboard's importance
 * estimate, which must not change what the service measures.
 * @param top features listed in explanation.top
 */
export function explainUnrecorded(m, t, top) {
    const margin = m.predictor.predictRowMargin(m.toRow(t));
    const score = sigmoid(margin);
    const thresholds = m.model.thresholds;
    const decision = decide(score, thresholds);
    const explained = {
        model_version: m.version,
        score,
        decision,
        risk_level: RISK[decision],
        thresholds,
        explanation: explain(m, t, margin, top),
    };
    // Flagged as /predict flags them, but not counted: a read changes no metric.
    if (m.unknownCount > 0)
        explained.unknown_categories = Array.from(m.unknownFeatures.subarray(0, m.unknownCount), (j) => m.names[j]);
    return explained;
}
export class Scorer {
    ctx;
    log;
    failedObservers = new Set();
    constructor(ctx, log) {
        this.ctx = ctx;
        this.log = log;
    }
    /**
     * Scores `t` (already validated against `m`), records it and returns the prediction.
     * @param m the model snapshot the request uses from start to end
     */
    score(m, t, opts) {
        const row = m.toRow(t);
        const margin = m.predictor.predictRowMargin(row);
        const score = sigmoid(margin);
        const thresholds = m.model.thresholds;
        const decision = decide(score, thresholds);
        const explanation = opts.explain ? explain(m, t, margin, opts.top) : undefined;
        const prediction = {
            id: randomUUID(),
            model_version: m.version,
            score,
            decision,
            risk_level: RISK[decision],
            thresholds,
            latency_ms: opts.elapsed(),
        };
        if (m.unknownCount > 0)
            prediction.unknown_categories = this.flagUnknown(m, row);
        if (explanation !== undefined)
            prediction.explanation = explanation;
        this.record(m, t, row, prediction);
        return prediction;
    }
    /**
     * The features of the row just scored whose category the model did not know: counted in the
     * metrics, and marked in the row for the observers (drift counts them as new categories) now
     * that prediction and explanation are done with it.
     */
    flagUnknown(m, row) {
        const names = new Array(m.unknownCount);
        for (let k = 0; k < m.unknownCount; k++) {
            const j = m.unknownFeatures[k];
            names[k] = m.names[j];
            row[j] = UNKNOWN_CATEGORY_CODE;
            this.ctx.metrics.recordUnknownCategory(m.names[j]);
        }
        return names;
    }
    record(m, t, row, p) {
        const ctx = this.ctx;
        ctx.metrics.recordPrediction(p.decision, p.score);
        const record = {
            id: p.id,
            timestamp: isoNow(),
            model_version: p.model_version,
            score: p.score,
            decision: p.decision,
            risk_level: p.risk_level,
            latency_ms: p.latency_ms,
            // Frozen, the log keeps the request's own object instead of copying it (nothing else
            // writes to it once validated).
            features: Object.freeze(t),
        };
        if (p.explanation !== undefined)
            record.explanation = p.explanation;
        ctx.predictionLog.append(record);
        const observers = ctx.onScored;
        for (let i = 0; i < observers.length; i++) {
            try {
                observers[i](row, p.score, m);
            }
            catch (err) {
                ctx.metrics.recordObserverError();
                if (!this.failedObservers.has(observers[i])) {
                    this.failedObservers.add(observers[i]);
                    this.log.error({ err }, 'an onScored observer threw; further errors of this observer are only counted');
                }
            }
        }
    }
}
//# sourceMappingURL=scoring.js.map