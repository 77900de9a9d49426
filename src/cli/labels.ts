/**
 * Labels that are not 0/1 (German credit's class is 1 = good, 2 = bad): `--positive-label 2` turns
 * the label column into 1 where it equals the value and 0 elsewhere; missing labels stay missing
 * so the trainer still reports them.
 */

import { requireColumn, type Table } from '../core/data/table.js';

export function binarizeLabel(table: Table, name: string, positive: string): void {
  const col = requireColumn(table, name);
  const values = new Float64Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    if (col.kind === 'numeric') values[i] = Number.isNaN(col.values[i]) ? NaN : String(col.values[i]) === positive || col.values[i] === Number(positive) ? 1 : 0;
    else values[i] = col.codes[i] < 0 ? NaN : col.categories[col.codes[i]] === positive ? 1 : 0;
  }
  table.columns[table.names.indexOf(name)] = { kind: 'numeric', values };
}
