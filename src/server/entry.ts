/**
 * Runs the fraudlens CLI from the compiled tree this file sits in, whatever its outDir: tests and
 * the HTTP benchmark spawn `node <outDir>/src/server/entry.js serve …`, and cluster workers
 * re-run it. Equivalent to bin/fraudlens.js, which runs the shared dist/ build.
 */

import { main } from '../cli/main.js';

process.exitCode = await main(process.argv.slice(2));
