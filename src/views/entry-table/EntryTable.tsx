/**
 * The virtualised entry table: TanStack Table v9 for columns (visibility, width, sort state;
 * manual mode, the worker sorts) and TanStack Virtual for rows (useRowWindow), with fixed row
 * heights so a million rows cost the same as forty. Only the rows of the fetched window exist; rows not
 * fetched yet render as placeholders until their page arrives.
 */
import { useEffect, useMemo, useRef, type CSSProperties } from 'react';
import { useTable, type ColumnSizingState, type ColumnVisibilityState, type SortingState } from '@tanstack/react-table';
import { useInspector } from '../../store/use-inspector';
import { selectAnalysis } from '../../store/selectors';
import { judgesEntries } from '../../core/policy/policy-dry-run';
import type { RowPage, RowRange, TemplateSummary } from '../../worker/protocol';
import { handleTableKey } from '../shared/table-keys';
import { rowPosition, useRowWindow } from '../shared/use-row-window';
import { RowWindowBody } from '../shared/RowWindowBody';
import { entryColumns, entryTableFeatures, SHRINKING_COLUMNS, SORT_COLUMN_OF } from './columns';
import { rowsOfPage } from './entry-rows';
import '../shared/row-table.css';
import './EntryTable.css';

export interface EntryTableProps {
  readonly page: RowPage | undefined;
  /** Whether `page` answers the current query (it lags a new sort or filter for a moment). */
  readonly pageIsCurrent: boolean;
  /** Rows the current query matches (the scroll height). */
  readonly totalRows: number;
  /** Entries in the log (the widest index). */
  readonly entryCount: number;
  readonly templates: readonly TemplateSummary[];
  readonly onVisibleRangeChange: (range: RowRange) => void;
  /** What the table says when it has no rows (default: no entries match). */
  readonly emptyText?: string;
}

function resolve<T>(updater: T | ((old: T) => T), old: T): T {
  return typeof updater === 'function' ? (updater as (old: T) => T)(old) : updater;
}

export function EntryTable({ page, pageIsCurrent, totalRows, entryCount, templates, onVisibleRangeChange, emptyText }: EntryTableProps) {
  const query = useInspector((s) => s.query);
  const setSort = useInspector((s) => s.setSort);
  const columnVisibility = useInspector((s) => s.columnVisibility);
  const setColumnVisibility = useInspector((s) => s.setColumnVisibility);
  const columnSizing = useInspector((s) => s.columnSizing);
  const setColumnSizing = useInspector((s) => s.setColumnSizing);
  const selection = useInspector((s) => s.selection);
  const selectRow = useInspector((s) => s.selectRow);
  const comparing = useInspector((s) => s.compare.kind === 'ready');
  // The checks column shows once a policy dry run or a signature check gave rows a verdict.
  const judged = useInspector((s) => {
    const report = selectAnalysis(s)?.report;
    return report !== undefined && judgesEntries(report);
  });

  const rows = useMemo(() => (page === undefined ? [] : rowsOfPage(page, templates)), [page, templates]);
  const sorting: SortingState = useMemo(() => {
    const id = Object.keys(SORT_COLUMN_OF).find((k) => SORT_COLUMN_OF[k] === query.sort.column) ?? 'index';
    return [{ id, desc: query.sort.descending }];
  }, [query.sort]);

  const table = useTable({
    features: entryTableFeatures,
    columns: entryColumns,
    data: rows,
    getRowId: (row) => String(row.index),
    manualSorting: true,
    enableMultiSort: false,
    enableSortingRemoval: false,
    columnResizeMode: 'onChange',
    state: {
      sorting,
      // The class column shows only while a reference is compared, the checks column once entries were judged.
      columnVisibility: { ...columnVisibility, ...(comparing ? {} : { compare: false }), ...(judged ? {} : { checks: false }) },
      columnSizing,
    },
    onSortingChange: (updater) => {
      const next = resolve(updater, sorting)[0];
      const column = next === undefined ? undefined : SORT_COLUMN_OF[next.id];
      setSort(column === undefined ? { column: 'index', descending: false } : { column, descending: next?.desc ?? false });
    },
    onColumnVisibilityChange: (updater) => setColumnVisibility(resolve<ColumnVisibilityState>(updater, { ...columnVisibility })),
    onColumnSizingChange: (updater) => setColumnSizing(resolve<ColumnSizingState>(updater, { ...columnSizing })),
  });

  const headerRef = useRef<HTMLDivElement>(null);
  const { scrollRef, windowRef, windowTop, items, totalSize, scrollToRow } = useRowWindow(totalRows, onVisibleRangeChange, selection.row);

  const tableRows = table.getRowModel().rows;
  const rowAt = (position: number) => {
    if (page === undefined) return undefined;
    const k = position - page.start;
    return k >= 0 && k < tableRows.length ? tableRows[k] : undefined;
  };

  // Keyboard moves the row; once its page is here, the entry behind it becomes the selection
  // (never from a page of the previous sort or filter, whose rows hold other entries).
  const selectedRow = selection.row;
  const entryAtSelectedRow = selectedRow === undefined || !pageIsCurrent ? undefined : rowAt(selectedRow)?.original.index;
  useEffect(() => {
    if (selectedRow !== undefined && entryAtSelectedRow !== undefined && entryAtSelectedRow !== selection.entryIndex) {
      selectRow(selectedRow, entryAtSelectedRow);
    }
  }, [selectedRow, entryAtSelectedRow, selection.entryIndex, selectRow]);

  // "Go to entry": scroll the row into the middle and take focus for the keyboard, once the
  // view is tall enough to hold it (a reveal may clear filters, and the new count comes later).
  const handledReveal = useRef(0);
  useEffect(() => {
    if (selection.revealSerial === handledReveal.current || selectedRow === undefined) return;
    if (selectedRow >= totalRows) return;
    handledReveal.current = selection.revealSerial;
    scrollToRow(selectedRow, 'center');
    scrollRef.current?.focus({ preventScroll: true });
  }, [selection.revealSerial, selectedRow, totalRows, scrollToRow, scrollRef]);

  const moveTo = (row: number): void => {
    // Until the row's page arrives the detail pane keeps the previous entry (no flicker).
    selectRow(row, rowAt(row)?.original.index ?? selection.entryIndex);
    scrollToRow(row, 'auto');
  };

  // Widths as CSS variables on the grid: one style write per column instead of per cell.
  const columns = table.getVisibleLeafColumns();
  const widths: Record<string, string> = {};
  // Until the user resizes it, the # column fits the largest index of this log.
  const fittedIndex = columnSizing.index === undefined ? Math.max(48, 18 + 8 * String(Math.max(0, entryCount - 1)).length) : undefined;
  // The narrowest the columns go (SHRINKING_COLUMNS): past it the grid scrolls sideways.
  let minTotalWidth = 0;
  for (const c of columns) {
    const size = c.id === 'index' && fittedIndex !== undefined ? fittedIndex : c.getSize();
    widths[`--col-${c.id}`] = `${size}px`;
    const shrinks = SHRINKING_COLUMNS.has(c.id);
    const min = shrinks ? Math.min(size, c.columnDef.minSize ?? size) : size;
    if (shrinks) widths[`--min-col-${c.id}`] = `${min}px`;
    minTotalWidth += min;
  }

  return (
    <div className="row-table entry-table" data-testid="entry-table" role="grid" aria-rowcount={totalRows} aria-colcount={columns.length} style={widths as CSSProperties}>
      {/* The header sits outside the scroller: a sticky header 26 million pixels down is drawn
          with float rounding by the compositor and lets rows show through. */}
      <div className="row-table__head entry-table__header" ref={headerRef}>
        {table.getHeaderGroups().map((group) => (
          <div key={group.id} className="entry-table__head" role="row" style={{ minWidth: `${minTotalWidth}px` }}>
            {group.headers.map((header) => {
              const sorted = header.column.getIsSorted();
              const canSort = header.column.getCanSort();
              return (
                <div
                  key={header.id}
                  role="columnheader"
                  className={`entry-cell entry-cell--${header.column.id} entry-table__th`}
                  aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                >
                  {canSort ? (
                    <button type="button" className="entry-table__sort" onClick={header.column.getToggleSortingHandler()}>
                      <table.FlexRender header={header} />
                      <span className="entry-table__sort-mark" aria-hidden="true">
                        {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                      </span>
                    </button>
                  ) : (
                    <span className="entry-table__label">
                      <table.FlexRender header={header} />
                    </span>
                  )}
                  {header.column.getCanResize() ? (
                    <span
                      className={`entry-table__resizer${header.column.getIsResizing() ? ' entry-table__resizer--active' : ''}`}
                      onMouseDown={header.getResizeHandler()}
                      onTouchStart={header.getResizeHandler()}
                      onDoubleClick={() => header.column.resetSize()}
                      role="separator"
                      aria-orientation="vertical"
                      aria-label={`Resize ${header.column.id}`}
                    />
                  ) : null}
                </div>
              );
            })}
          </div>
        ))}
      </div>
      <div
        className="row-table__scroll entry-table__scroll"
        tabIndex={0}
        ref={scrollRef}
        onKeyDown={(e) => handleTableKey(e, selectedRow, totalRows, moveTo)}
        onScroll={(e) => {
          if (headerRef.current) headerRef.current.scrollLeft = e.currentTarget.scrollLeft;
        }}
      >
        <RowWindowBody totalSize={totalSize} windowRef={windowRef} windowTop={windowTop} minWidth={minTotalWidth}>
          {items.map((item) => {
            const row = rowAt(item.index);
            const position = rowPosition(item);
            if (row === undefined) {
              return <div key={`placeholder-${item.index}`} className="row-table__row entry-row entry-row--placeholder" style={position} aria-hidden="true" />;
            }
            const entry = row.original;
            const selected = item.index === selectedRow;
            return (
              <div
                key={row.id}
                role="row"
                aria-rowindex={item.index + 1}
                aria-selected={selected}
                className={`row-table__row entry-row entry-row--${entry.status}${selected ? ' row-table__row--selected' : ''}`}
                data-testid="entry-row"
                data-index={entry.index}
                data-compare={entry.compare}
                data-policy={entry.policy}
                data-signature={entry.signature}
                style={position}
                onClick={() => selectRow(item.index, entry.index)}
              >
                {row.getVisibleCells().map((cell) => (
                  <div key={cell.id} role="gridcell" className={`entry-cell entry-cell--${cell.column.id}`}>
                    <table.FlexRender cell={cell} />
                  </div>
                ))}
              </div>
            );
          })}
        </RowWindowBody>
        {totalRows === 0 ? <p className="entry-table__empty">{emptyText ?? 'No entries match.'}</p> : null}
      </div>
    </div>
  );
}
