#!/usr/bin/env node
// Entry point for `npx fraudlens`: runs the compiled CLI (built by `npm ci` through `prepare`).
import '../dist/src/cli/entry.js';
