/**
 * The entry table's window of rows, as the worker filtered and sorted them for the query
 * (usePagedRows: the visible range plus overscan, latest wins).
 */
import type { RowQuery } from '../../core/query/filter-entries';
import type { RowPage, RowRange } from '../../worker/protocol';
import { usePagedRows, type PagedRowsSpec, type PagedRowsState } from '../shared/use-paged-rows';

const ENTRY_ROWS: PagedRowsSpec<RowQuery, RowPage> = {
  fetch: (call, range, query) => call('getRows', { range, query }),
  rowsIn: (page) => page.index.length,
  overscanRows: 96,
};

/**
 * `visible`: row positions on screen; `dataKey`: changes whenever the rows' content may have
 * changed (a new log, a finished verification); `seed`: rows of `query` and this data already
 * here (usePagedRows).
 */
export function useEntryPage(query: RowQuery, visible: RowRange, dataKey: unknown, seed?: RowPage): PagedRowsState<RowQuery, RowPage> {
  return usePagedRows(ENTRY_ROWS, query, visible, dataKey, seed);
}
