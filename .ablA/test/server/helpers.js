/**
 * Shared pieces of the server tests: the models they serve and an app built in-process
 * (child-process tests run the CLI entry of test/helpers/cli.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { readModelFile } from '../../src/io/model-file.js';
import { buildApp } from '../../src/server/app.js';
import { configFromValues } from '../../src/server/config.js';
import { fixturePath, HAS_SHARED, sharedPath } from '../helpers/paths.js';
/** Numeric XGBoost import (30 features Time, V1..V28, Amount; 10 trees of depth 3), committed. */
export const ULB_MODEL = fixturePath('xgboost', 'ulb_subset_d3_t10.model.json');
/** Categorical model: named categories, one feature kept as integer codes (fixtures/server/README.md). */
export const CREDIT_MODEL = fixturePath('server', 'credit-names.model.json');
/** The peers' full model (200 trees) and its sample request, when ../shared is present. */
export const PEER_MODEL = sharedPath('peers', 'model', 'model.json');
export const PEER_SAMPLE = sharedPath('peers', 'model', 'sample_request.json');
export { HAS_SHARED };
/** A transaction for the ULB models: the peers' sample request when available, else a fixed row. */
export function ulbSample() {
    if (HAS_SHARED && existsSync(PEER_SAMPLE))
        return JSON.parse(readFileSync(PEER_SAMPLE, 'utf8'));
    const row = { Time: 39921, Amount: 90 };
    for (let i = 1; i <= 28; i++)
        row[`V${i}`] = Math.sin(i) * 1.5;
    return row;
}
const modelCache = new Map();
export function loadCached(path) {
    let p = modelCache.get(path);
    if (p === undefined) {
        p = readModelFile(path);
        modelCache.set(path, p);
    }
    return p;
}
/** An app with silent logs, no process metrics and the given settings (env-style names). */
export async function makeApp(values = {}, deps = {}) {
    const config = configFromValues({ LOG_LEVEL: 'silent', MODEL_PATH: ULB_MODEL, ...values });
    const model = deps.model ?? (await loadCached(config.modelPath));
    const app = await buildApp(config, { processMetrics: false, ...deps, model });
    return { app, config };
}
/** JSON body of an inject response. */
export function json(res) {
    return JSON.parse(res.body);
}
//# sourceMappingURL=helpers.js.map