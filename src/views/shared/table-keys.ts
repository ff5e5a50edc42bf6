/** Keyboard navigation of a table's rows: ↑ ↓ PgUp PgDn Home End move the selected row. */
import type { KeyboardEvent } from 'react';
import { ROW_HEIGHT_PX } from './use-row-window';

/**
 * The row `key` moves to from row `current` (-1: none selected), kept within the table; a
 * page is `pageRows` rows. Undefined for other keys and for an empty table.
 */
export function rowForKey(key: string, current: number, totalRows: number, pageRows: number): number | undefined {
  if (totalRows === 0) return undefined;
  let target: number;
  switch (key) {
    case 'ArrowDown':
      target = current + 1;
      break;
    case 'ArrowUp':
      target = current - 1;
      break;
    case 'PageDown':
      target = current + pageRows;
      break;
    case 'PageUp':
      target = current - pageRows;
      break;
    case 'Home':
      target = 0;
      break;
    case 'End':
      target = totalRows - 1;
      break;
    default:
      return undefined;
  }
  return Math.max(0, Math.min(totalRows - 1, target));
}

/** The onKeyDown of a table's scroller: a navigation key moves the selection to another row. */
export function handleTableKey(
  e: KeyboardEvent<HTMLElement>,
  current: number | undefined,
  totalRows: number,
  moveTo: (row: number) => void,
): void {
  // A page is the rows the scroller shows, less one so that a row stays in view.
  const pageRows = Math.max(1, Math.floor(e.currentTarget.clientHeight / ROW_HEIGHT_PX) - 1);
  const row = rowForKey(e.key, current ?? -1, totalRows, pageRows);
  if (row === undefined) return;
  e.preventDefault();
  moveTo(row);
}
