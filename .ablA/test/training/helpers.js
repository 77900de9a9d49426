import { encodeFeatures, tableFromColumns } from '../../src/core/data/table.js';
import { Predictor } from '../../src/core/engine/predict.js';
import { Rng } from '../../src/core/training/random.js';
import { FraudlensError } from '../../src/core/errors.js';
import assert from 'node:assert/strict';
/** Standard normal draw (Box–Muller) from the seeded generator. */
function normal(rng) {
    const u = 1 - rng.float();
    const v = rng.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
export const MERCHANTS = ['grocery', 'fuel', 'travel', 'online', 'atm', 'pharmacy', 'jewellery', 'gaming'];
/** Merchants with a high fraud rate: not adjacent in code order, so a numeric split on codes cannot isolate them. */
const RISKY = new Set(['travel', 'jewellery', 'gaming']);
/**
 * A synthetic table: amount (lognormal), hour, velocity (10 % missing, and missing is risky),
 * noise, merchant (categorical) and label `fraud` (about 10 % positive).
 */
export function syntheticTable(rows, seed) {
    const rng = new Rng(seed);
    const amount = [];
    const hour = [];
    const velocity = [];
    const noise = [];
    const merchant = [];
    const fraud = [];
    for (let i = 0; i < rows; i++) {
        const a = Math.exp(3 + normal(rng));
        const h = Math.floor(rng.float() * 24);
        const missingVelocity = rng.float() < 0.1;
        const v = missingVelocity ? NaN : Math.round(rng.float() * 10 * 100) / 100;
        const m = MERCHANTS[rng.int(MERCHANTS.length)];
        const z = -4 + 0.9 * (Math.log(a) - 3) + (h < 5 ? 1.5 : 0) + (Number.isNaN(v) ? 2 : 0.2 * v - 1) + (RISKY.has(m) ? 2.5 : 0);
        amount.push(a);
        hour.push(h);
        velocity.push(v);
        noise.push(normal(rng));
        merchant.push(m);
        fraud.push(rng.float() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
    }
    return tableFromColumns('synthetic', { amount, hour, velocity, noise, merchant, fraud });
}
/** Rows [from, to) of a table, sharing its column buffers. */
export function sliceTable(table, from, to) {
    const columns = table.columns.map((c) => c.kind === 'numeric'
        ? { kind: 'numeric', values: c.values.subarray(from, to) }
        : { kind: 'categorical', codes: c.codes.subarray(from, to), categories: c.categories });
    return { source: table.source, names: table.names, numRows: to - from, columns };
}
/** 0/1 labels of a numeric label column. */
export function labelsOf(table, name) {
    const col = table.columns[table.names.indexOf(name)];
    if (col.kind !== 'numeric')
        throw new Error(`label column ${name} is not numeric`);
    return Uint8Array.from(col.values);
}
/** Model probabilities for a table, as the engine computes them at inference. */
export function predictTable(model, table) {
    const x = encodeFeatures(table, model.features, 'missing');
    return new Predictor(model.ensemble).predictProba(x, table.numRows);
}
/** Asserts that `fn` throws a FraudlensError with `code`, then runs `check` on it. */
export function expectError(fn, code, check) {
    assert.throws(fn, (e) => {
        assert.ok(e instanceof FraudlensError, `expected a FraudlensError, got ${String(e)}`);
        assert.equal(e.code, code, e.message);
        check?.(e);
        return true;
    });
}
//# sourceMappingURL=helpers.js.map