/**
 * Worker thread of a model reload: the heavy part of loading a model, off the event loop that
 * answers requests. It reads the file, parses and validates it, lays the trees out for the
 * predictor and builds the SHAP tables, then hands back plain data whose typed arrays are
 * transferred, not copied. The main thread rebuilds the classes around them (model-state.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Predictor } from '../core/engine/predict.js';
import { isFraudlensError } from '../core/errors.js';
import { buildShapTables } from '../core/explanation/shap-tables.js';
import { readModelFile } from '../io/model-file.js';
/** Every ArrayBuffer under `value` (typed arrays of the ensemble and the tables), once each. */
function buffersOf(value, found = new Set()) {
    if (ArrayBuffer.isView(value)) {
        if (value.buffer instanceof ArrayBuffer)
            found.add(value.buffer);
    }
    else if (typeof value === 'object' && value !== null) {
        for (const v of Object.values(value))
            buffersOf(v, found);
    }
    return found;
}
async function load(request) {
    try {
        const loaded = await readModelFile(request.path, { featureNames: request.featureNames });
        let tables = null;
        let explainerError = null;
        try {
            tables = buildShapTables(loaded.model.ensemble, new Predictor(loaded.model.ensemble));
        }
        catch (e) {
            if (!isFraudlensError(e))
                throw e;
            explainerError = e.message;
        }
        return { ok: true, loaded, tables, explainerError };
    }
    catch (e) {
        if (isFraudlensError(e))
            return { ok: false, code: e.code, message: e.message, location: e.location };
        return { ok: false, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
}
const reply = await load(workerData);
parentPort.postMessage(reply, reply.ok ? [...buffersOf(reply.loaded.model.ensemble), ...buffersOf(reply.tables)] : []);
//# sourceMappingURL=model-worker.js.map