/**
 * Fills EventRecords from rows of string cells (a CSV file), checking every value against its
 * declared type: an unreadable time, date or number is an error naming the row and column.
 *
 * Keys, categories and dates are interned (KeyInterner): each distinct value is kept once, as its
 * own string, and every row hands out that one and its id (EventRecord.ids). The entity maps then
 * hash each value once (V8 caches a string's hash), the offline store indexes by id, and the state
 * never holds a slice that keeps a whole input line alive.
 */

import { FraudlensError } from '../errors.js';
import type { EventRecord, FeaturePlan } from './plan.js';
import { parseEventTime, parseDateWall, type ZoneClock } from './time.js';
import { KeyInterner } from './key-interner.js';

/** A row of cells read one at a time (a CSV record slices only the cells it is asked for). */
export interface CellSource {
  cell(index: number): string;
  /** The cell as Number() reads it when it is plain decimal, without slicing; undefined to read cell(). */
  plainNumber?(index: number): number | undefined;
}

/** An array of cells as a CellSource. */
export function arrayCells(cells: readonly string[]): CellSource {
  return { cell: (i) => cells[i] };
}

/** Cells given as an array (as csv rows() yields them) or as a CellSource. */
export type Cells = CellSource | readonly string[];

function asSource(cells: Cells): CellSource {
  return isCellArray(cells) ? arrayCells(cells) : cells;
}

function isCellArray(cells: Cells): cells is readonly string[] {
  return Array.isArray(cells);
}

export class CellEventReader {
  private readonly timeColumn: number;
  private readonly idColumn: number;
  private readonly numberColumns: Int32Array;
  private readonly stringColumns: Int32Array;
  /** Per string slot: whether it holds a date that must read as YYYY-MM-DD. */
  private readonly isDate: boolean[];
  /** Per string slot: whether its values are interned (keys, categories, dates; not free text). */
  private readonly interned: boolean[];

  /**
   * @param columns the header of the input
   * @param interner gives the ids of interned values (share it with a FlatStateStore)
   * @throws FraudlensError INPUT_MISSING_COLUMN naming every raw field the definitions need and the header lacks
   */
  constructor(
    private readonly plan: FeaturePlan,
    private readonly columns: readonly string[],
    private readonly clock: ZoneClock,
    private readonly file?: string,
    readonly interner = new KeyInterner(),
  ) {
    const defs = plan.definitions;
    const needed = [defs.event.time.field, defs.event.id, ...plan.numberFields, ...plan.stringFields];
    const missing = [...new Set(needed.filter((f) => !columns.includes(f)))];
    if (missing.length > 0) {
      throw new FraudlensError(
        'INPUT_MISSING_COLUMN',
        `the data lacks the raw field${missing.length > 1 ? 's' : ''} the feature definitions read: ${missing.join(', ')}`,
        { file, column: missing[0] },
      );
    }
    this.timeColumn = columns.indexOf(defs.event.time.field);
    this.idColumn = columns.indexOf(defs.event.id);
    this.numberColumns = Int32Array.from(plan.numberFields.map((f) => columns.indexOf(f)));
    this.stringColumns = Int32Array.from(plan.stringFields.map((f) => columns.indexOf(f)));
    this.isDate = plan.stringFields.map((f) => defs.fields[f] === 'date');
    this.interned = plan.stringFields.map((f) => defs.fields[f] !== 'text');
  }

  /** The event time of a row, in seconds (throws INPUT_BAD_TIME). */
  time(cellsOrArray: Cells, row: number): number {
    const cells = asSource(cellsOrArray);
    const format = this.plan.definitions.event.time.format;
    if (format === 'unix_seconds' && cells.plainNumber !== undefined) {
      const t = cells.plainNumber(this.timeColumn);
      if (t !== undefined) return t;
    }
    const t = parseEventTime(cells.cell(this.timeColumn), format, this.clock);
    if (Number.isNaN(t)) {
      const column = this.columns[this.timeColumn];
      throw new FraudlensError('INPUT_BAD_TIME', `event time "${cells.cell(this.timeColumn)}" does not read as ${format}`, {
        file: this.file,
        row,
        column,
      });
    }
    return t;
  }

  /**
   * Fills `event` from one row of cells.
   * @param row the 1-based data row, for messages
   */
  read(cellsOrArray: Cells, row: number, event: EventRecord): void {
    const cells = asSource(cellsOrArray);
    event.time = this.time(cells, row);
    event.id = cells.cell(this.idColumn).trim();
    for (let i = 0; i < this.numberColumns.length; i++) {
      const plain = cells.plainNumber?.(this.numberColumns[i]);
      if (plain !== undefined) {
        event.numbers[i] = plain;
        continue;
      }
      const cell = cells.cell(this.numberColumns[i]);
      let v = NaN;
      if (cell !== '') {
        v = Number(cell);
        if (!Number.isFinite(v) || cell.trim() === '') {
          if (cell.trim() === '') v = NaN;
          else
            throw new FraudlensError('INPUT_NOT_A_NUMBER', `"${cell}" is not a number`, {
              file: this.file,
              row,
              column: this.plan.numberFields[i],
            });
        }
      }
      event.numbers[i] = v;
    }
    const interner = this.interner;
    for (let i = 0; i < this.stringColumns.length; i++) {
      let cell = cells.cell(this.stringColumns[i]).trim();
      if (this.interned[i]) {
        const known = interner.find(cell);
        if (known !== undefined) {
          event.strings[i] = interner.value(known);
          event.ids[i] = known;
          continue;
        }
        // A value seen first: keep a copy of its own (not a slice of the line) and check it once.
        cell = JSON.parse(JSON.stringify(cell)) as string;
      }
      if (this.isDate[i] && cell !== '' && Number.isNaN(parseDateWall(cell))) {
        throw new FraudlensError('INPUT_BAD_TIME', `date "${cell}" does not read as YYYY-MM-DD`, {
          file: this.file,
          row,
          column: this.plan.stringFields[i],
        });
      }
      event.ids[i] = this.interned[i] ? interner.add(cell) : -1;
      event.strings[i] = cell;
    }
  }
}
