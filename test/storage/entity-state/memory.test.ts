/** The in-process entity state (core's store, and the storage wing's memory backend) against the shared conformance suite. */

import { MemoryStateStore } from '../../../src/core/features/state-store.js';
import { MemoryEntityStateStore } from '../../../src/storage/index.js';
import { runStateStoreConformance } from './conformance.js';

runStateStoreConformance('memory', (plan) => new MemoryEntityStateStore(plan));
runStateStoreConformance('core MemoryStateStore', (plan) => new MemoryStateStore(plan));
