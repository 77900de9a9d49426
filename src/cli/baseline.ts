/** The drift baseline written beside a freshly trained model, from its training table. */

import { join } from 'node:path';
import type { Table } from '../core/data/table.js';
import type { FraudlensModel } from '../core/engine/model.js';
import { BASELINE_FILE_NAME, buildBaseline } from '../core/drift/baseline.js';
import { saveBaseline } from '../io/baseline-file.js';

export async function writeTrainingBaseline(dir: string, table: Table, model: FraudlensModel): Promise<string> {
  const path = join(dir, BASELINE_FILE_NAME);
  await saveBaseline(path, buildBaseline(table, model));
  return path;
}
