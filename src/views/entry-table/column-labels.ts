/**
 * The entry table's column labels by column id: its headers, the Columns menu and a shared
 * view's "sorted by …" say the same words (a sort column is named as the column that sorts by
 * it: the template-digest column sorts by status).
 */
import type { SortColumn } from '../../core/query/filter-entries';

export const COLUMN_LABELS: ReadonlyMap<string, string> = new Map([
  ['index', '#'],
  ['compare', 'Compare'],
  ['pcr', 'PCR'],
  ['template', 'Template'],
  ['status', 'Template digest'],
  ['checks', 'Checks'],
  ['fileDigest', 'File digest'],
  ['name', 'Name'],
  ['keyId', 'Key id'],
  ['flags', 'Flags'],
]);

/** The column a sort is by, as its header names it ('#' said as 'entry number'). */
export function sortColumnLabel(column: SortColumn): string {
  return column === 'index' ? 'entry number' : (COLUMN_LABELS.get(column) ?? column);
}
