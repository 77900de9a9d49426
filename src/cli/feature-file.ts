/**
 * The offline replay: reads raw events from a CSV file, computes every derived feature as it stood
 * just before each event (core/features), and writes one output row per input row through an
 * atomic writer. Used by `fraudlens features` and by `train --features`.
 *
 * Order: the input must be sorted by event time (equal times in any order: they never see each
 * other); a row earlier than the one before it is INPUT_NOT_SORTED, unless `sort` is set, which
 * reads the whole file into memory and sorts it stably by time (memory then grows with the file);
 * the output is then in time order, or in the input's order with `inputOrder`.
 */

import { FraudlensError } from '../core/errors.js';
import { compilePlan, newEventRecord, type FeaturePlan } from '../core/features/plan.js';
import type { FeatureDefinitions } from '../core/features/definitions.js';
import { FeatureEngine, newFeatureRow } from '../core/features/engine.js';
import type { AddOutcome } from '../core/features/state-store.js';
import { FlatStateStore } from '../core/features/flat-store.js';
import { KeyInterner } from '../core/features/key-interner.js';
import { CellEventReader, arrayCells, type CellSource } from '../core/features/event-reader.js';
import { openCsvRows, type CsvSourceOptions } from '../io/csv-source.js';
import { CsvOutputBuffer } from '../io/csv-output.js';
import { openAtomicWriter } from '../io/atomic-stream.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FeatureFileOptions {
  data: string;
  out: string;
  /** Raw columns copied to the output after the event id and time (e.g. the label). */
  keep?: readonly string[];
  /** Sort in memory instead of refusing an unsorted file. */
  sort?: boolean;
  /**
   * With `sort`: write the rows in the input's order (each still derived in time order), so a
   * score file lines up with its input (`predict --sort`). Otherwise they come out in time order.
   */
  inputOrder?: boolean;
  csv?: CsvSourceOptions;
}

export interface FeatureFileSummary {
  rows: number;
  duplicates: number;
  /** Entities held at the end, by entity name. */
  entities: Record<string, number>;
  /** Output column names. */
  columns: string[];
  seconds: number;
}

/** Output is written in blocks of about this many bytes (one write call each). */
const WRITE_BLOCK_BYTES = 1 << 20;

/**
 * Writes the feature file and returns a summary.
 * @example await writeFeatureFile(defs, { data: 'raw.csv.gz', out: 'features.csv', keep: ['is_fraud'] });
 */
export async function writeFeatureFile(defs: FeatureDefinitions, options: FeatureFileOptions): Promise<FeatureFileSummary> {
  const started = process.hrtime.bigint();
  const plan = compilePlan(defs);
  const interner = new KeyInterner();
  const store = new FlatStateStore(plan, interner);
  const engine = new FeatureEngine(plan, store);
  const csv = await openCsvRows(options.data, options.csv);
  const keep = options.keep ?? [];
  let reader: CellEventReader;
  try {
    reader = new CellEventReader(plan, csv.names, engine.clock, options.data, interner);
    const missing = keep.filter((c) => !csv.names.includes(c));
    if (missing.length > 0)
      throw new FraudlensError(
        'INPUT_MISSING_COLUMN',
        `--keep names column${missing.length > 1 ? 's' : ''} the data lacks: ${missing.join(', ')}`,
        { file: options.data, column: missing[0] },
      );
    const clash = keep.find((c) => plan.names.includes(c) || c === defs.event.id || c === defs.event.time.field);
    if (clash !== undefined)
      throw new FraudlensError(
        'INPUT_INVALID',
        `--keep column "${clash}" is already an output column (the event id, the event time or a derived feature)`,
        { field: '--keep' },
      );
  } catch (e) {
    csv.close();
    throw e;
  }
  const columns = [defs.event.id, defs.event.time.field, ...keep, ...plan.names];
  const keepIndex = Int32Array.from(keep.map((c) => csv.names.indexOf(c)));
  const idIndex = csv.names.indexOf(defs.event.id);
  const timeIndex = csv.names.indexOf(defs.event.time.field);
  const event = newEventRecord(plan);
  const features = newFeatureRow(plan);
  const nFeatures = plan.names.length;
  const isText = plan.isText;

  const writer = await openAtomicWriter(options.out);
  const out = new CsvOutputBuffer(WRITE_BLOCK_BYTES + (WRITE_BLOCK_BYTES >> 2));
  let rows = 0;
  let duplicates = 0;
  // Synchronous per row (the in-process store never returns a promise); the loops below await
  // only to write a block or to read the next batch of rows.
  const emit = (cells: CellSource, row: number): void => {
    reader.read(cells, row, event);
    if ((engine.compute(event, features) as AddOutcome) === 'duplicate') duplicates++;
    out.text(cells.cell(idIndex));
    out.comma();
    out.text(cells.cell(timeIndex));
    for (let k = 0; k < keepIndex.length; k++) {
      out.comma();
      out.text(cells.cell(keepIndex[k]));
    }
    for (let f = 0; f < nFeatures; f++) {
      out.comma();
      if (isText[f]) out.text(features.texts[f]);
      else out.number(features.numbers[f]);
    }
    out.newline();
    rows++;
  };
  const flush = async (): Promise<void> => {
    await writer.write(out.bytes());
    out.reset();
  };

  try {
    columns.forEach((c, i) => {
      if (i > 0) out.comma();
      out.text(c);
    });
    out.newline();
    if (options.sort === true) {
      // Whole file in memory: rows with their times, sorted stably (ties keep file order).
      const all: string[][] = [];
      const times: number[] = [];
      for await (const batch of csv.records()) {
        while (batch.next()) {
          const cells = batch.cells();
          times.push(reader.time(arrayCells(cells), batch.row));
          all.push(cells);
        }
      }
      const order = Array.from(all.keys()).sort((a, b) => times[a] - times[b] || a - b);
      if (options.inputOrder === true) {
        // Derived in time order, each row's line kept at its input position, written in that order.
        await flush();
        const lines: Buffer[] = new Array(all.length);
        for (const i of order) {
          emit(arrayCells(all[i]), i + 1);
          lines[i] = Buffer.from(out.bytes());
          out.reset();
        }
        for (let start = 0; start < lines.length;) {
          let bytes = 0;
          let end = start;
          while (end < lines.length && bytes < WRITE_BLOCK_BYTES) bytes += lines[end++].length;
          await writer.write(Buffer.concat(lines.slice(start, end), bytes));
          start = end;
        }
      } else {
        for (const i of order) {
          emit(arrayCells(all[i]), i + 1);
          if (out.size >= WRITE_BLOCK_BYTES) await flush();
        }
      }
    } else {
      let previous = -Infinity;
      for await (const batch of csv.records()) {
        while (batch.next()) {
          const row = batch.row;
          const t = reader.time(batch, row);
          if (t < previous) {
            throw new FraudlensError(
              'INPUT_NOT_SORTED',
              `data row ${row} has event time ${batch.cell(timeIndex)}, earlier than the row before it: the file is not sorted by ${defs.event.time.field}; sort it, or pass --sort to sort it in memory`,
              { file: options.data, row, column: defs.event.time.field },
            );
          }
          previous = t;
          emit(batch, row);
        }
        if (out.size >= WRITE_BLOCK_BYTES) await flush();
      }
    }
    if (rows === 0) throw new FraudlensError('INPUT_EMPTY', 'the file has a header but no data rows', { file: options.data });
    if (out.size > 0) await flush();
    await writer.commit();
  } catch (e) {
    csv.close();
    await writer.abort();
    throw e;
  }
  const counts = store.entityCounts();
  return {
    rows,
    duplicates,
    entities: Object.fromEntries(plan.groups.map((g, i) => [g.name, counts[i]])),
    columns,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}

export type { FeaturePlan };

/** `--sort` given for a model without feature definitions (its file is not replayed in time). */
export function sortWithoutDefinitions(): FraudlensError {
  return new FraudlensError('INPUT_INVALID', '--sort applies to a model with feature definitions (raw events)', {
    field: '--sort',
  });
}

/** A feature file written to a private temporary directory, removed by `remove`. */
export interface TemporaryFeatureFile {
  path: string;
  summary: FeatureFileSummary;
  remove(): Promise<void>;
}

/**
 * Derives the features of a raw file into a temporary CSV (for train, evaluate and predict on raw
 * events: the rest of those commands then reads it like any feature file).
 */
export async function deriveToTemporaryFile(
  defs: FeatureDefinitions,
  options: Omit<FeatureFileOptions, 'out'>,
): Promise<TemporaryFeatureFile> {
  const dir = await mkdtemp(join(tmpdir(), 'fraudlens-features-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const path = join(dir, 'features.csv');
    const summary = await writeFeatureFile(defs, { ...options, out: path });
    return { path, summary, remove };
  } catch (e) {
    await remove();
    throw e;
  }
}
