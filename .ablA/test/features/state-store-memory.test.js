/** The in-process entity state store against the shared conformance cases. */
import { MemoryStateStore } from '../../src/core/features/state-store.js';
import { runStateStoreConformance } from './state-store-conformance.js';
runStateStoreConformance('memory', (plan) => new MemoryStateStore(plan));
//# sourceMappingURL=state-store-memory.test.js.map