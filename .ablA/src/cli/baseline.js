/** The drift baseline written beside a freshly trained model, from its training table. */
import { join } from 'node:path';
import { BASELINE_FILE_NAME, buildBaseline } from '../core/drift/baseline.js';
import { saveBaseline } from '../io/baseline-file.js';
export async function writeTrainingBaseline(dir, table, model) {
    const path = join(dir, BASELINE_FILE_NAME);
    await saveBaseline(path, buildBaseline(table, model));
    return path;
}
//# sourceMappingURL=baseline.js.map