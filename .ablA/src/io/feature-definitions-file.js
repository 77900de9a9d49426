/**
 * Reads a feature definitions file (YAML or JSON: JSON is YAML) and validates it
 * (core/features/definitions.ts). A file that cannot be read or parsed is INPUT_UNREADABLE; one
 * that parses but is wrong is FEATURES_DEFINITION_INVALID with the path of the offending entry.
 */
import { readFile } from 'node:fs/promises';
import { parse, YAMLParseError } from 'yaml';
import { FraudlensError } from '../core/errors.js';
import { validateDefinitions } from '../core/features/definitions.js';
/** Definitions files are small; a larger one is refused before parsing. */
export const MAX_DEFINITIONS_BYTES = 1 << 20;
/**
 * @example const defs = await loadDefinitionsFile('defs/sparkov.yaml');
 */
export async function loadDefinitionsFile(path) {
    let text;
    try {
        const bytes = await readFile(path);
        if (bytes.length > MAX_DEFINITIONS_BYTES)
            throw new FraudlensError('FEATURES_DEFINITION_INVALID', `the file holds ${bytes.length} bytes; definitions are at most ${MAX_DEFINITIONS_BYTES}`, { file: path });
        text = bytes.toString('utf8');
    }
    catch (e) {
        if (e instanceof FraudlensError)
            throw e;
        throw new FraudlensError('INPUT_UNREADABLE', `cannot read feature definitions: ${e.code ?? String(e)}`, { file: path });
    }
    return parseDefinitionsText(text, path);
}
/** Parses and validates definitions text; `file` only names the source in errors. */
export function parseDefinitionsText(text, file) {
    let value;
    try {
        value = parse(text, { uniqueKeys: true, maxAliasCount: 100 });
    }
    catch (e) {
        const where = e instanceof YAMLParseError && e.linePos ? ` (line ${e.linePos[0].line})` : '';
        throw new FraudlensError('FEATURES_DEFINITION_INVALID', `not valid YAML or JSON${where}: ${e.message.split('\n')[0]}`, { file });
    }
    try {
        return validateDefinitions(value);
    }
    catch (e) {
        if (e instanceof FraudlensError && file !== undefined)
            throw new FraudlensError(e.code, e.message, { ...e.location, file });
        throw e;
    }
}
//# sourceMappingURL=feature-definitions-file.js.map