/** The raw-transaction parity suite (raw-parity.ts) on the in-process entity state. */

import { memoryStateStore } from '../../src/server/entity-features.js';
import { runRawParity } from './raw-parity.js';

runRawParity('memory', () => memoryStateStore);
