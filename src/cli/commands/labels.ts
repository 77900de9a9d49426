/**
 * `fraudlens labels import --data chargebacks.csv [--target URL | --database-url URL]`: labels
 * from a file, into a running service (POST /labels, in batches, API_KEY from the environment) or
 * straight into the PostgreSQL decision store. Every row that cannot be a label is reported with
 * its line and field; the others are imported.
 */

import { createReadStream } from 'node:fs';

import type { Command } from 'commander';
import { Parser } from 'csv-parse';

import { LABEL_SOURCES, LABEL_VALUES, MAX_LABELS_BATCH, type LabelInput, type LabelsAccepted } from '../../contract/index.js';
import { FraudlensError } from '../../core/errors.js';
import { PostgresLabelStore, PostgresPredictionLog, toNewLabel, type NewLabel } from '../../storage/index.js';
import { positiveInt } from '../options.js';

/** Labels per POST /labels request: half the contract's cap, a body of about a megabyte. */
export const HTTP_BATCH = 5000;
/**
 * Labels per COPY chunk into PostgreSQL: large enough that the per-chunk statement and round trips
 * vanish (BENCHMARKS.md, "Labels import"), small enough that a chunk's text (about 8 MB) stays modest.
 */
export const DATABASE_CHUNK = 50_000;
/** Most labels per COPY chunk: one chunk is one transaction and sits in memory whole. */
export const MAX_DATABASE_CHUNK = 1_000_000;

/** The file's columns; only transaction_id is required. */
export const IMPORT_COLUMNS = ['transaction_id', 'label', 'source', 'known_at', 'note'] as const;

export interface ImportSummary {
  read: number;
  accepted: number;
  joined: number;
  pending: number;
  rejected: number;
  elapsed_s: number;
  labels_per_s: number;
}

export interface RejectedRow {
  line: number;
  field: string;
  message: string;
}

/**
 * Batches an ordered sink holds at once (ImportOptions.depth): one being written while the next
 * waits with its data already prepared, so the writer does not wait for the reader between batches.
 */
export const SINK_DEPTH = 2;

/**
 * csv-parse's stream with each record paired with the line it ends on. `info: true` gives that
 * line too, in a snapshot of a dozen counters per record that cost a quarter of the parse's CPU
 * (BENCHMARKS.md, "Labels import"); this reads the same counter, the parser's public `info.lines`,
 * at the same moment: when csv-parse pushes the record.
 */
class NumberedRecords extends Parser {
  override push(record: unknown, encoding?: BufferEncoding): boolean {
    return super.push(record === null ? null : [record, this.info.lines], encoding);
  }
}

export interface ImportOptions {
  data: string;
  /** Where labels go: a batch at a time, in file order. */
  sink: (labels: NewLabel[]) => Promise<LabelsAccepted>;
  /**
   * Batches handed to the sink and not yet settled, at most (1 by default: the next is handed in
   * when the last has been stored). More only for a sink that stores batches in the order given
   * and none after one that failed (`PostgresLabelStore.importChunk`), else the later of
   * two labels might be recorded first.
   */
  depth?: number;
  defaultLabel: LabelInput['label'];
  defaultSource: LabelInput['source'];
  batchSize: number;
  labelledBy: string;
  onRejected: (row: RejectedRow) => void;
}

/** Reads, checks and sends the file; resolves with the counts. */
export async function importLabels(o: ImportOptions): Promise<ImportSummary> {
  const t0 = performance.now();
  // Records as arrays, the header mapped here once: csv-parse's objects per record cost a property
  // definition per field, a fifth of the import's client CPU (BENCHMARKS.md, "Labels import").
  const parser = createReadStream(o.data).pipe(new NumberedRecords({ trim: true, skip_empty_lines: true }));
  const now = Date.now();
  const totals = { read: 0, accepted: 0, joined: 0, pending: 0, rejected: 0 };
  let batch: NewLabel[] = [];
  // The reader goes on while batches are written, up to `depth` of them handed to the sink at once.
  const depth = o.depth ?? 1;
  const unsettled: Promise<void>[] = [];
  const send = async (): Promise<void> => {
    while (unsettled.length >= depth) await unsettled.shift();
    if (batch.length === 0) return;
    const done = o.sink(batch).then((r) => {
      totals.accepted += r.accepted;
      totals.joined += r.joined;
      totals.pending += r.pending;
    });
    batch = [];
    // Awaited in turn (above, or at the end); this keeps a failure from counting as unhandled meanwhile.
    done.catch(() => undefined);
    unsettled.push(done);
  };
  const reject = (line: number, field: string, message: string): void => {
    totals.rejected += 1;
    o.onRejected({ line, field, message });
  };
  type Positions = Record<(typeof IMPORT_COLUMNS)[number], number>;
  /** Position of each of IMPORT_COLUMNS in the file's records, -1 when absent; undefined before the header. */
  let position: Positions | undefined;
  for await (const [fields, line] of parser as AsyncIterable<[string[], number]>) {
    if (position === undefined) {
      const stray = fields.filter((c) => !(IMPORT_COLUMNS as readonly string[]).includes(c));
      if (!fields.includes('transaction_id') || stray.length > 0) {
        throw new FraudlensError(
          'INPUT_INVALID',
          `${o.data}: the columns must be transaction_id and any of ${IMPORT_COLUMNS.slice(1).join(', ')}${stray.length > 0 ? `; unknown: ${stray.join(', ')}` : ''}`,
          { field: '--data' },
        );
      }
      position = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c, fields.indexOf(c)])) as Positions;
      continue;
    }
    totals.read += 1;
    const id = fields[position.transaction_id] ?? '';
    if (id === '' || id.length > 200) {
      reject(line, 'transaction_id', id === '' ? 'missing' : 'longer than 200 characters');
      continue;
    }
    const label = (position.label < 0 ? '' : fields[position.label]) || o.defaultLabel;
    if (!(LABEL_VALUES as readonly string[]).includes(label)) {
      reject(line, 'label', `"${label}" is not one of ${LABEL_VALUES.join(', ')}`);
      continue;
    }
    const source = (position.source < 0 ? '' : fields[position.source]) || o.defaultSource;
    if (!(LABEL_SOURCES as readonly string[]).includes(source)) {
      reject(line, 'source', `"${source}" is not one of ${LABEL_SOURCES.join(', ')}`);
      continue;
    }
    const knownAt = position.known_at < 0 ? '' : fields[position.known_at];
    const note = position.note < 0 ? '' : fields[position.note];
    const input: LabelInput = { transaction_id: id, label: label as LabelInput['label'], source: source as LabelInput['source'] };
    if (knownAt !== undefined && knownAt !== '') input.known_at = knownAt;
    if (note !== undefined && note !== '') input.note = note;
    try {
      batch.push(toNewLabel(input, '', o.labelledBy, now));
    } catch (e) {
      if (!(e instanceof FraudlensError)) throw e;
      reject(line, e.location.field ?? 'row', e.message);
      continue;
    }
    if (batch.length >= o.batchSize) await send();
  }
  await send();
  for (const done of unsettled) await done;
  const elapsed = (performance.now() - t0) / 1000;
  return { ...totals, elapsed_s: elapsed, labels_per_s: totals.accepted / elapsed };
}

/** Sends batches to a running service's POST /labels. */
export function httpSink(target: string, apiKey: string | null): (labels: NewLabel[]) => Promise<LabelsAccepted> {
  return async (labels) => {
    const body = {
      labels: labels.map((l) => ({
        transaction_id: l.transaction_id,
        label: l.label,
        source: l.source,
        known_at: new Date(l.knownAt).toISOString(),
        ...(l.note !== undefined ? { note: l.note } : {}),
      })),
    };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (apiKey) headers['x-api-key'] = apiKey;
    const res = await fetch(`${target.replace(/\/$/, '')}/labels`, { method: 'POST', headers, body: JSON.stringify(body) });
    const answer = (await res.json().catch(() => null)) as (LabelsAccepted & { message?: string; code?: string }) | null;
    if (!res.ok || answer === null) {
      throw new FraudlensError(
        'STORAGE_UNAVAILABLE',
        `${target}/labels answered ${res.status}: ${answer?.message ?? 'no JSON'}`,
        {
          field: '--target',
        },
      );
    }
    return answer;
  };
}

/** Opens the PostgreSQL decision store (migrating it) and its label store. */
export async function openPostgresLabels(
  url: string,
  schema: string,
): Promise<{ store: PostgresLabelStore; close: () => Promise<void> }> {
  const decisions = new PostgresPredictionLog({ url, schema });
  const deadline = Date.now() + 10_000;
  while (!decisions.stats().connected) {
    if (Date.now() > deadline) {
      await decisions.close();
      throw new FraudlensError('STORAGE_UNAVAILABLE', `cannot reach PostgreSQL: ${decisions.lastError ?? 'no answer'}`, {
        field: '--database-url',
      });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { store: new PostgresLabelStore(decisions), close: () => decisions.close() };
}

export function registerLabels(program: Command): void {
  const labels = program.command('labels').description('labels: what decided transactions turned out to be');
  labels
    .command('import')
    .description(
      'import labels from a CSV file (transaction_id[,label,source,known_at,note]); rejected rows are reported by line',
    )
    .requiredOption('--data <file>', 'the CSV file')
    .option('--target <url>', 'a running service: labels go to its POST /labels (API_KEY from the environment)')
    .option('--database-url <url>', 'the PostgreSQL decision store (DATABASE_URL) to write to directly')
    .option('--schema <name>', 'PostgreSQL schema of the decision store', 'public')
    .option('--label <value>', `label of rows without one (${LABEL_VALUES.join(', ')})`, 'fraud')
    .option('--source <value>', `source of rows without one (${LABEL_SOURCES.join(', ')})`, 'chargeback')
    .option(
      '--batch <n>',
      `labels per write: to --target ${HTTP_BATCH} by default, at most ${MAX_LABELS_BATCH}; to --database-url ${DATABASE_CHUNK} by default (one COPY each), at most ${MAX_DATABASE_CHUNK}`,
      positiveInt('--batch'),
    )
    .action(
      async (opts: {
        data: string;
        target?: string;
        databaseUrl?: string;
        schema: string;
        label: string;
        source: string;
        batch?: number;
      }) => {
        if ((opts.target === undefined) === (opts.databaseUrl === undefined)) {
          throw new FraudlensError('INPUT_INVALID', 'give one of --target URL or --database-url URL', { field: '--target' });
        }
        if (!(LABEL_VALUES as readonly string[]).includes(opts.label))
          throw new FraudlensError('INPUT_INVALID', `--label must be one of ${LABEL_VALUES.join(', ')}`, { field: '--label' });
        if (!(LABEL_SOURCES as readonly string[]).includes(opts.source))
          throw new FraudlensError('INPUT_INVALID', `--source must be one of ${LABEL_SOURCES.join(', ')}`, { field: '--source' });
        const toDatabase = opts.databaseUrl !== undefined;
        const batchSize = opts.batch ?? (toDatabase ? DATABASE_CHUNK : HTTP_BATCH);
        const maxBatch = toDatabase ? MAX_DATABASE_CHUNK : MAX_LABELS_BATCH;
        if (batchSize > maxBatch)
          throw new FraudlensError(
            'INPUT_INVALID',
            `--batch must be at most ${maxBatch} with --${toDatabase ? 'database-url' : 'target'}`,
            {
              field: '--batch',
            },
          );
        const pg = opts.databaseUrl !== undefined ? await openPostgresLabels(opts.databaseUrl, opts.schema) : undefined;
        try {
          const summary = await importLabels({
            data: opts.data,
            sink: pg !== undefined ? (l) => pg.store.importChunk(l) : httpSink(opts.target!, process.env.API_KEY || null),
            defaultLabel: opts.label as LabelInput['label'],
            defaultSource: opts.source as LabelInput['source'],
            batchSize,
            // The store keeps chunks in order (importChunk); POST /labels requests go one at a time.
            depth: pg !== undefined ? SINK_DEPTH : 1,
            labelledBy: 'import',
            onRejected: (r) => process.stderr.write(`${opts.data}:${r.line}: ${r.field}: ${r.message}\n`),
          });
          process.stdout.write(`${JSON.stringify(summary)}\n`);
        } finally {
          await pg?.close();
        }
      },
    );
}
