/**
 * A small fraud model and a seeded generator of transactions for it, shared by the drift tests
 * (baseline, window, stores). Five features cover every path: a skewed continuous amount, an
 * integer hour, a categorical channel, a binary flag (low cardinality) and a numeric feature with
 * missing values.
 */
import { encodeFeatures, tableFromColumns } from '../../src/core/data/table.js';
import { DriftRandom } from '../../src/core/drift/random.js';
import { buildEnsemble } from '../../src/core/engine/ensemble.js';
import { DEFAULT_THRESHOLDS } from '../../src/core/engine/model.js';
import { Predictor } from '../../src/core/engine/predict.js';
export const CHANNELS = ['web', 'pos', 'atm', 'phone'];
export const DEMO_FEATURES = [
    { name: 'amount', type: 'numeric' },
    { name: 'hour', type: 'numeric' },
    { name: 'channel', type: 'categorical', categories: [...CHANNELS] },
    { name: 'is_new', type: 'numeric' },
    { name: 'velocity', type: 'numeric' },
];
/** Two trees: amount and hour in the first, channel (categorical) and velocity in the second. */
export function demoModel(version = 'demo-test-1') {
    const ensemble = buildEnsemble(DEMO_FEATURES.length, -1, [
        {
            // 0: amount < 150 ? 1 : 2;  1: hour < 6 ? 3 : 4;  2, 3, 4 leaves
            feature: [0, 1, -1, -1, -1],
            threshold: [150, 6, 0, 0, 0],
            left: [1, 3, -1, -1, -1],
            right: [2, 4, -1, -1, -1],
            defaultLeft: [1, 1, 0, 0, 0],
            value: [0, 0, 1.2, 0.4, -0.6],
            cover: [100, 60, 40, 10, 50],
        },
        {
            // 0: channel in {atm, phone} -> 2 else 1;  1: velocity < 3 ? 3 : 4 (missing -> right)
            feature: [2, 4, -1, -1, -1],
            threshold: [0, 3, 0, 0, 0],
            left: [1, 3, -1, -1, -1],
            right: [2, 4, -1, -1, -1],
            defaultLeft: [1, 0, 0, 0, 0],
            value: [0, 0, 0.8, -0.3, 0.5],
            cover: [100, 70, 30, 40, 30],
            categories: new Map([[0, [2, 3]]]),
        },
    ]);
    return {
        version,
        objective: 'binary:logistic',
        features: DEMO_FEATURES.map((f) => ({ ...f })),
        ensemble,
        thresholds: DEFAULT_THRESHOLDS,
        training: { source: 'test fixture', createdAt: '2024-01-01T00:00:00.000Z' },
    };
}
/** A standard normal draw (Box-Muller). */
function normal(rng) {
    const u = 1 - rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}
/** `rows` transactions drawn with `seed`. */
export function demoTable(rows, seed, options = {}) {
    const rng = new DriftRandom(seed);
    const scale = options.amountScale ?? 1;
    const shares = options.channelShares ?? [0.5, 0.3, 0.15, 0.05];
    const amount = new Float64Array(rows);
    const hour = new Float64Array(rows);
    const channel = [];
    const isNew = new Float64Array(rows);
    const velocity = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
        // Rounded to cents, as real amounts are: many ties, some of them on quantile edges.
        amount[i] = (Math.round(Math.exp(3.5 + 1.1 * normal(rng)) * 100) / 100) * scale;
        hour[i] = Math.floor(rng.next() * 24);
        let u = rng.next();
        let c = 0;
        while (c < shares.length - 1 && u >= shares[c])
            u -= shares[c++];
        channel.push(CHANNELS[c]);
        isNew[i] = rng.next() < 0.2 ? 1 : 0;
        velocity[i] = rng.next() < 0.1 ? Number.NaN : Math.max(0, 2 + 1.5 * normal(rng));
    }
    return tableFromColumns('demo', { amount, hour, channel, is_new: isNew, velocity });
}
/** The encoded rows (what the predictor and the window see) and the model's scores. */
export function encodeDemo(table, model) {
    const x = encodeFeatures(table, model.features, 'missing');
    const scores = new Predictor(model.ensemble).predictProba(x, table.numRows);
    return { x, scores, rows: table.numRows, m: model.features.length };
}
//# sourceMappingURL=drift-window-fixtures.js.map