/** The in-process label store beside the memory decision store: the shared conformance suite. */

import { MemoryLabelStore, MemoryPredictionLog } from '../../../src/storage/index.js';
import { runLabelStoreConformance } from './conformance.js';

runLabelStoreConformance('memory', async () => {
  const decisions = new MemoryPredictionLog();
  return { decisions, labels: new MemoryLabelStore(decisions), close: () => decisions.close() };
});
