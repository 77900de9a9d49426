/**
 * Fills EventRecords from rows of string cells (a CSV file), checking every value against its
 * declared type: an unreadable time, date or number is an error naming the row and column.
 */
import { FraudlensError } from '../errors.js';
import { parseEventTime, parseDateWall } from './time.js';
export class CellEventReader {
    plan;
    columns;
    clock;
    file;
    timeColumn;
    idColumn;
    numberColumns;
    stringColumns;
    /** Per string slot: whether it holds a date that must read as YYYY-MM-DD. */
    isDate;
    /**
     * @param columns the header of the input
     * @throws FraudlensError INPUT_MISSING_COLUMN naming every raw field the definitions need and the header lacks
     */
    constructor(plan, columns, clock, file) {
        this.plan = plan;
        this.columns = columns;
        this.clock = clock;
        this.file = file;
        const defs = plan.definitions;
        const needed = [defs.event.time.field, defs.event.id, ...plan.numberFields, ...plan.stringFields];
        const missing = [...new Set(needed.filter((f) => !columns.includes(f)))];
        if (missing.length > 0) {
            throw new FraudlensError('INPUT_MISSING_COLUMN', `the data lacks the raw field${missing.length > 1 ? 's' : ''} the feature definitions read: ${missing.join(', ')}`, { file, column: missing[0] });
        }
        this.timeColumn = columns.indexOf(defs.event.time.field);
        this.idColumn = columns.indexOf(defs.event.id);
        this.numberColumns = Int32Array.from(plan.numberFields.map((f) => columns.indexOf(f)));
        this.stringColumns = Int32Array.from(plan.stringFields.map((f) => columns.indexOf(f)));
        this.isDate = plan.stringFields.map((f) => defs.fields[f] === 'date');
    }
    /** The event time of a row, in seconds (throws INPUT_BAD_TIME). */
    time(cells, row) {
        const t = parseEventTime(cells[this.timeColumn], this.plan.definitions.event.time.format, this.clock);
        if (Number.isNaN(t)) {
            const column = this.columns[this.timeColumn];
            throw new FraudlensError('INPUT_BAD_TIME', `event time "${cells[this.timeColumn]}" does not read as ${this.plan.definitions.event.time.format}`, { file: this.file, row, column });
        }
        return t;
    }
    /**
     * Fills `event` from one row of cells.
     * @param row the 1-based data row, for messages
     */
    read(cells, row, event) {
        event.time = this.time(cells, row);
        event.id = cells[this.idColumn].trim();
        for (let i = 0; i < this.numberColumns.length; i++) {
            const cell = cells[this.numberColumns[i]];
            let v = NaN;
            if (cell !== '') {
                v = Number(cell);
                if (!Number.isFinite(v) || cell.trim() === '') {
                    if (cell.trim() === '')
                        v = NaN;
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
        for (let i = 0; i < this.stringColumns.length; i++) {
            const cell = cells[this.stringColumns[i]].trim();
            if (this.isDate[i] && cell !== '' && Number.isNaN(parseDateWall(cell))) {
                throw new FraudlensError('INPUT_BAD_TIME', `date "${cell}" does not read as YYYY-MM-DD`, {
                    file: this.file,
                    row,
                    column: this.plan.stringFields[i],
                });
            }
            event.strings[i] = cell;
        }
    }
}
//# sourceMappingURL=event-reader.js.map