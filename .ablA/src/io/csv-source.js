/**
 * The rows of a CSV file (optionally gzip-compressed), one string array per data row, read as a
 * stream: the header first, then data rows in order. Parsing is csv-parse's; this module picks
 * the cell delimiter, checks every row's cell count against the header, and turns every failure
 * into a one-line FraudlensError naming the file and the data row.
 *
 * Row numbers are 1-based data rows, the header not counted (as in every CLI error); with no
 * quoted line breaks, data row N is line N + 1 of the file.
 *
 * Delimiter: `,` `;` tab or `|`. Unless given, it is the candidate that occurs most often, outside
 * quotes, in the header line (ties go to the earlier one in that list; none at all: `,`).
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { FraudlensError } from '../core/errors.js';
/** The delimiters fraudlens reads, in tie-break order of detection. */
export const CSV_DELIMITERS = [',', ';', '\t', '|'];
/** How a delimiter is named in messages (a tab is invisible). */
export function delimiterName(d) {
    return d === '\t' ? 'tab' : `"${d}"`;
}
/** The header line is looked for in at most this many bytes. */
const MAX_HEADER_BYTES = 1 << 20;
/**
 * The candidate delimiter occurring most often outside double quotes in a header line.
 * @example detectDelimiter('amt;category;"a;b"') // ';'
 */
export function detectDelimiter(headerLine) {
    const counts = new Map(CSV_DELIMITERS.map((d) => [d, 0]));
    let quoted = false;
    for (const ch of headerLine) {
        if (ch === '"')
            quoted = !quoted;
        else if (!quoted && counts.has(ch))
            counts.set(ch, counts.get(ch) + 1);
    }
    let best = ',';
    for (const d of CSV_DELIMITERS)
        if (counts.get(d) > counts.get(best))
            best = d;
    return best;
}
/** Index of the first line break outside double quotes, or -1. */
function headerEnd(text) {
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (ch === '"')
            quoted = !quoted;
        else if (!quoted && (ch === '\n' || ch === '\r'))
            return i;
    }
    return -1;
}
/**
 * Opens a CSV file and reads its header.
 * @example const csv = await openCsvRows('data.csv.gz'); for await (const row of csv.rows()) { … }
 */
export async function openCsvRows(path, options = {}) {
    const file = createReadStream(path);
    await new Promise((resolve, reject) => {
        file.once('open', () => resolve());
        file.once('error', (e) => reject(unreadable(path, `cannot read file: ${e.code ?? e.message}`)));
    });
    const input = path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
    const chunks = input[Symbol.asyncIterator]();
    const close = () => {
        input.destroy();
        file.destroy();
    };
    // Read up to the end of the header line to choose the delimiter, then replay those bytes.
    const head = [];
    let headText = '';
    try {
        let headBytes = 0;
        while (headBytes < MAX_HEADER_BYTES) {
            const next = await chunks.next();
            if (next.done)
                break;
            head.push(next.value);
            headBytes += next.value.length;
            headText = Buffer.concat(head).toString('utf8');
            if (headerEnd(headText) >= 0)
                break;
        }
    }
    catch (e) {
        close();
        throw translateError(path, e);
    }
    const end = headerEnd(headText);
    const headerLine = (end >= 0 ? headText.slice(0, end) : headText).replace(/^\uFEFF/, '');
    const delimiter = options.delimiter ?? detectDelimiter(headerLine);
    if (options.delimiter === undefined && delimiter !== ',') {
        options.onNote?.(`${path}: cells are separated by ${delimiterName(delimiter)} (detected from the header; --delimiter sets it)`);
    }
    async function* replay() {
        yield* head;
        while (true) {
            const next = await chunks.next();
            if (next.done)
                return;
            yield next.value;
        }
    }
    const parser = parse({ bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, trim: false });
    // Every failure (read, decompress, parse) reaches the reader through the parser's iterator.
    pipeline(Readable.from(replay()), parser).catch(() => undefined);
    const records = parser[Symbol.asyncIterator]();
    let first;
    try {
        first = await records.next();
    }
    catch (e) {
        close();
        throw translateError(path, e);
    }
    if (first.done) {
        close();
        throw new FraudlensError('INPUT_EMPTY', 'the file is empty (no header)', { file: path });
    }
    const names = first.value.map((h, i) => (h.trim() === '' ? `_unnamed_${i}` : h.trim()));
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) {
        close();
        throw new FraudlensError('INPUT_UNREADABLE', `the header names column "${dup}" twice`, { file: path, column: dup });
    }
    if (names.length === 1) {
        // One column whose name holds another delimiter: the file uses that one, not the one given.
        const other = CSV_DELIMITERS.find((d) => d !== delimiter && names[0].includes(d));
        if (other !== undefined) {
            close();
            throw new FraudlensError('INPUT_UNREADABLE', `the header parses as one column "${truncate(names[0])}" containing ${delimiterName(other)}: the cells look separated by ${delimiterName(other)}, not ${delimiterName(delimiter)}; pass --delimiter '${other === '\t' ? 'tab' : other}' or leave --delimiter out to detect it`, { file: path });
        }
    }
    async function* rows() {
        let row = 0;
        try {
            while (true) {
                const next = await records.next();
                if (next.done)
                    return;
                row++;
                const record = next.value;
                if (record.length !== names.length) {
                    throw new FraudlensError('INPUT_RAGGED_ROW', `data row ${row} has ${record.length} cells, the header has ${names.length} (cells separated by ${delimiterName(delimiter)})`, { file: path, row });
                }
                yield record;
            }
        }
        catch (e) {
            throw translateError(path, e);
        }
        finally {
            close();
        }
    }
    return { names, delimiter, rows, close };
}
function unreadable(path, why) {
    return new FraudlensError('INPUT_UNREADABLE', why, { file: path });
}
/** A failure from the file, gunzip or csv-parse as one FraudlensError. */
function translateError(path, e) {
    if (e instanceof FraudlensError)
        return e;
    const err = e;
    if (err.code?.startsWith('CSV_')) {
        // The parser reads ahead of the rows handed out, so only its own line count is exact here.
        return unreadable(path, `malformed CSV near line ${err.lines ?? '?'} of the file: ${err.message}`);
    }
    if (err.code?.startsWith('Z_') || err.message?.includes('unexpected end')) {
        const truncated = err.code === 'Z_BUF_ERROR' || err.message?.includes('unexpected end');
        return unreadable(path, truncated ? 'the file is truncated (unexpected end of compressed data)' : `cannot decompress: ${err.message}`);
    }
    return unreadable(path, `cannot read file: ${err.code ?? err.message ?? String(e)}`);
}
function truncate(s) {
    return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
//# sourceMappingURL=csv-source.js.map