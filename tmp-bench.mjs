import { readFileSync } from 'node:fs';
import { readModelFile } from './dist/src/io/model-file.js';
import { ServingModel } from './dist/src/server/model-state.js';
const file = await readModelFile('/work/shared/peers/model/model.json');
const m = new ServingModel(file, { batchLimit: 10, requireAllFeatures: false, unknownCategories: 'missing' });
const text = readFileSync('/work/shared/peers/model/sample_request.json', 'utf8');
const bodies = Array.from({ length: 1000 }, () => JSON.parse(text));
function run(name, f) {
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < 200; k++) for (const b of bodies) f(b);
    const dt = Number(process.hrtime.bigint() - t0) / 200000;
    if (r === 2) console.log(name, dt.toFixed(3), 'us/row');
  }
}
run('ajv+toRow', (b) => { if (m.rowSchemaError(b) !== null) throw 1; m.toRow(b); });
run('readRow', (b) => { if (!m.readRow(b)) throw 1; });
run('toRow', (b) => { m.toRow(b); });
run('JSON.parse', (b) => JSON.parse(text));
