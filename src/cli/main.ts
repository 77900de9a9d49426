/**
 * The `fraudlens` command line: parses arguments (commander) and hands each command to a thin
 * module under commands/. Every failure becomes one line on stderr with its error code and a
 * non-zero exit code; stack traces are printed only with FRAUDLENS_DEBUG=1.
 */

import { Command, CommanderError } from 'commander';
import { FraudlensError } from '../core/errors.js';
import { registerImport } from './commands/import.js';
import { registerLabels } from './commands/labels.js';
import { registerPredict } from './commands/predict.js';
import { registerInfo } from './commands/info.js';
import { registerBench } from './commands/bench.js';
import { registerServe } from './commands/serve.js';
import { registerTrain } from './commands/train.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerDrift } from './commands/drift.js';
import { registerSimulate } from './commands/simulate.js';
import { registerFeatures } from './commands/features.js';
import { registerState } from './commands/state.js';
import { registerRules } from './commands/rules.js';
import { registerModels } from './commands/models.js';
import { VERSION } from '../version.js';

/** Exit codes: 0 success, 1 unexpected failure, 2 bad input or usage. */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;

export function buildProgram(): Command {
  const program = new Command('fraudlens')
    .description('Fraud scoring with gradient-boosted trees and exact TreeSHAP explanations')
    .version(VERSION)
    // Program options only before a command, so a command's own --version (models add) is its own.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerImport(program);
  registerLabels(program);
  registerPredict(program);
  registerInfo(program);
  registerBench(program);
  registerServe(program);
  registerTrain(program);
  registerEvaluate(program);
  registerDrift(program);
  registerSimulate(program);
  registerFeatures(program);
  registerState(program);
  registerRules(program);
  registerModels(program);
  return program;
}

/** Runs the CLI and returns the exit code (never throws). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    return reportFailure(e);
  }
}

export function reportFailure(e: unknown): number {
  if (e instanceof CommanderError) {
    // Commander already printed its message (usage errors), or this is --help / --version.
    return e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
  }
  if (e instanceof FraudlensError) {
    process.stderr.write(`fraudlens: error ${e.code}: ${e.describe()}\n`);
    if (process.env.FRAUDLENS_DEBUG === '1') process.stderr.write(`${e.stack}\n`);
    // Only a broken invariant or an unexpected failure is ours; everything else is the input's.
    return e.code === 'INTERNAL' || e.code === 'EXPLANATION_NOT_ADDITIVE' ? EXIT_INTERNAL : EXIT_BAD_INPUT;
  }
  const err = e as Error;
  process.stderr.write(`fraudlens: internal error: ${err?.message ?? String(e)}\n`);
  if (process.env.FRAUDLENS_DEBUG === '1') process.stderr.write(`${err?.stack}\n`);
  return EXIT_INTERNAL;
}
