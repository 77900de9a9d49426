/**
 * Reads a rules file (YAML or JSON: JSON is YAML) and validates its shape (core/rules). A file
 * that cannot be read is INPUT_UNREADABLE; one that parses but is wrong is RULES_INVALID with the
 * file and the path of the offending rule. Conditions are compiled later, against a model
 * (compileRulesFor), since which names they may read depends on it.
 */

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { parse, YAMLParseError } from 'yaml';

import { FraudlensError } from '../core/errors.js';
import {
  compileRules,
  rulesHash,
  rulesVersion,
  validateRules,
  type CompiledRules,
  type RulesDefinition,
  type Vocabulary,
} from '../core/rules/index.js';

/** Rules files are small; a larger one is refused before parsing. */
export const MAX_RULES_FILE_BYTES = 1 << 20;

/** A validated rules file. */
export interface RulesFile {
  /** Absolute path. */
  path: string;
  definition: RulesDefinition;
  /** sha256 of the rules as validated (rulesHash). */
  sha256: string;
  /** `rules-<first 12 hex digits>`. */
  version: string;
}

/**
 * @example const rules = await readRulesFile('rules.yaml');
 */
export async function readRulesFile(path: string): Promise<RulesFile> {
  const absolute = resolve(path);
  let text: string;
  try {
    const bytes = await readFile(absolute);
    if (bytes.length > MAX_RULES_FILE_BYTES)
      throw new FraudlensError(
        'RULES_INVALID',
        `the file holds ${bytes.length} bytes; a rules file is at most ${MAX_RULES_FILE_BYTES}`,
        {
          file: absolute,
        },
      );
    text = bytes.toString('utf8');
  } catch (e) {
    if (e instanceof FraudlensError) throw e;
    throw new FraudlensError(
      'INPUT_UNREADABLE',
      `cannot read the rules file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      {
        file: absolute,
      },
    );
  }
  return parseRulesText(text, absolute);
}

/** Parses and validates rules text; `file` names the source in errors. */
export function parseRulesText(text: string, file: string): RulesFile {
  let value: unknown;
  try {
    value = parse(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` (line ${e.linePos[0].line})` : '';
    throw new FraudlensError('RULES_INVALID', `not valid YAML or JSON${where}: ${(e as Error).message.split('\n')[0]}`, { file });
  }
  const definition = withFile(file, () => validateRules(value));
  const sha256 = rulesHash(definition);
  return { path: file, definition, sha256, version: rulesVersion(sha256) };
}

/** Compiles a rules file for a model's vocabulary; a refusal names the file and the rule. */
export function compileRulesFile(rules: RulesFile, vocabulary: Vocabulary): CompiledRules {
  return withFile(rules.path, () => compileRules(rules.definition, vocabulary));
}

function withFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof FraudlensError) throw new FraudlensError(e.code, e.message, { ...e.location, file });
    throw e;
  }
}
