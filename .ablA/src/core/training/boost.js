/**
 * The boosting loop for binary classification with logistic loss: per round, gradients from the
 * current margins, optional row and column sampling, one depth-wise tree grown on gradient
 * histograms, margins updated, validation scored for early stopping.
 *
 * Choices, and why:
 * - Base margin: logit(`baseScore`); trainModel passes XGBoost 1.7's 0.5. Starting at the
 *   positive rate instead looks cheaper but overfits rare positives: there every row's hessian
 *   p(1 − p) is about the rate, so λ and `minChildWeight` (sized for hessians near 0.25) barely
 *   hold back the first Newton steps, and the first trees give small fraud clusters leaf values
 *   several times XGBoost's. On Sparkov's later months that memorisation cost 0.025 test PR-AUC
 *   (BENCHMARKS.md, out-of-time parity).
 * - Gradients of the logistic loss: p = σ(margin), g = w(p − y), h = max(w·p(1 − p), 1e-16·w),
 *   with w = `scalePosWeight` on positives. Each row keeps e^(−margin) rather than the margin,
 *   multiplied by e^(−leaf) when a leaf is added: a round then costs one division per row and
 *   one exponential per leaf instead of one per row.
 *
 * The parts: sampling.ts picks each round's rows and columns, tree-grower.ts grows the tree and
 * applies its leaves.
 */
import { packGradients } from './histogram.js';
import { averagePrecision, logLoss } from './metrics.js';
import { columnsPerTree, GOSS_PREFIX_COUNT, gossSelect, sampleColumns, subsampleRows } from './sampling.js';
import { toTreeNodes, TreeGrower } from './tree-grower.js';
/** XGBoost's floor on the logistic hessian, so a saturated row still has a positive weight. */
export const MIN_HESSIAN = 1e-16;
function logit(p) {
    return Math.log(p / (1 - p));
}
/** Logistic-loss gradient pairs of every row from e^(−margin). */
function computeGradients(labels, expNeg, scalePosWeight, grad, hess) {
    const n = labels.length;
    for (let r = 0; r < n; r++) {
        const prob = 1 / (1 + expNeg[r]);
        const y = labels[r];
        const w = y === 1 ? scalePosWeight : 1;
        grad[r] = w * (prob - y);
        const h = prob * (1 - prob);
        hess[r] = w * (h > MIN_HESSIAN ? h : MIN_HESSIAN);
    }
}
// Loops over rows live in small functions of their own (see tree-grower.ts for why).
function fillIdentity(rows, count) {
    for (let r = 0; r < count; r++)
        rows[r] = r;
}
function sigmoidInto(margin, prob) {
    for (let r = 0; r < margin.length; r++)
        prob[r] = 1 / (1 + Math.exp(-margin[r]));
}
/**
 * Runs gradient boosting on a binned training matrix.
 *
 * @param train binned training rows
 * @param labels 0/1 per training row
 * @param params tree, regularisation, sampling and stopping parameters
 * @param rng the seeded generator for row/column sampling
 * @param valid binned validation rows and labels (early stopping, metrics)
 * @param onProgress called after every round
 * @example const out = boost(binned, labels, params, new Rng(0));
 */
export function boost(train, labels, params, rng, valid = null, onProgress) {
    const n = train.numRows;
    const numFeatures = train.numFeatures;
    const rowRng = rng.fork(1);
    const colRng = rng.fork(2);
    const baseMargin = logit(params.baseScore);
    const expNeg = new Float64Array(n).fill(Math.exp(-baseMargin));
    const grad = new Float64Array(n);
    const hess = new Float64Array(n);
    const packed = new Float64Array(n);
    const gossCounts = new Int32Array(GOSS_PREFIX_COUNT);
    const grower = new TreeGrower(train, valid?.binned ?? null, params);
    const rows = grower.rows;
    const others = grower.others;
    const allFeatures = new Int32Array(numFeatures);
    for (let f = 0; f < numFeatures; f++)
        allFeatures[f] = f;
    const numActive = columnsPerTree(numFeatures, params.colsample);
    // GOSS leaves the first rounds alone, as LightGBM does: early gradients are all large.
    const gossStart = params.goss !== null ? Math.floor(1 / params.learningRate) : Infinity;
    const numValid = valid?.binned.numRows ?? 0;
    const validMargin = valid !== null ? new Float64Array(numValid).fill(baseMargin) : null;
    const validProb = new Float64Array(numValid);
    let bestValidMargin = validMargin !== null ? validMargin.slice() : null;
    const grown = [];
    const history = [];
    let bestRound = 0;
    let bestScore = Infinity;
    let stoppedEarly = false;
    for (let round = 1; round <= params.trees; round++) {
        const useGoss = params.goss !== null && round > gossStart;
        let count;
        if (useGoss) {
            computeGradients(labels, expNeg, params.scalePosWeight, grad, hess);
            count = gossSelect(grad, hess, gossCounts, params.goss, rowRng, rows, others);
        }
        else if (params.subsample < 1) {
            computeGradients(labels, expNeg, params.scalePosWeight, grad, hess);
            count = subsampleRows(n, params.subsample, rowRng, rows, others);
        }
        else {
            computeGradients(labels, expNeg, params.scalePosWeight, grad, hess);
            count = n;
            fillIdentity(rows, n);
        }
        fillIdentity(grower.validRows, numValid);
        const features = sampleColumns(allFeatures, numActive, colRng);
        const scales = packGradients(grad, hess, rows, count, packed);
        const lists = { count, otherCount: n - count, validCount: numValid };
        grown.push(grower.grow(lists, packed, scales, grad, hess, features, numActive, expNeg, validMargin));
        const metrics = {};
        if (valid !== null && validMargin !== null) {
            sigmoidInto(validMargin, validProb);
            metrics.valid_logloss = logLoss(validProb, valid.labels);
            metrics.valid_pr_auc = averagePrecision(validProb, valid.labels);
            history.push({ round, valid_logloss: metrics.valid_logloss, valid_pr_auc: metrics.valid_pr_auc });
            // Lower is better for both scores compared here (PR-AUC enters negated). PR-AUC is NaN
            // when validation holds no positive; log loss then decides.
            const usePr = params.stoppingMetric === 'pr_auc' && !Number.isNaN(metrics.valid_pr_auc);
            const score = usePr ? -metrics.valid_pr_auc : metrics.valid_logloss;
            if (score < bestScore) {
                bestScore = score;
                bestRound = round;
                if (params.earlyStoppingRounds > 0)
                    bestValidMargin = validMargin.slice();
            }
        }
        else {
            history.push({ round });
            bestRound = round;
        }
        onProgress?.(round, params.trees, metrics);
        if (valid !== null && params.earlyStoppingRounds > 0 && round - bestRound >= params.earlyStoppingRounds) {
            stoppedEarly = true;
            break;
        }
    }
    const early = valid !== null && params.earlyStoppingRounds > 0;
    const kept = early ? grown.slice(0, Math.max(1, bestRound)) : grown;
    const gain = new Float64Array(numFeatures);
    const splitCount = new Int32Array(numFeatures);
    for (const t of kept) {
        for (let id = 0; id < t.feature.length; id++) {
            const f = t.feature[id];
            if (f < 0)
                continue;
            gain[f] += t.gain[id];
            splitCount[f]++;
        }
    }
    return {
        baseMargin,
        trees: kept.map((t) => toTreeNodes(t, train)),
        bestRound: kept.length,
        roundsRun: grown.length,
        stoppedEarly,
        history,
        gain,
        splitCount,
        validMargin: early ? bestValidMargin : validMargin,
    };
}
//# sourceMappingURL=boost.js.map