/**
 * Fetches the window of rows the table shows (visible range plus overscan, rounded to
 * blocks) from the worker, and fetches again only when the view leaves the loaded window or
 * the query/data change. Latest wins: while one request is in flight only the newest wish
 * is remembered (Perfetto's AsyncLimiter), so a fast scroll through a million rows sends a
 * handful of requests, not thousands.
 */
import { useEffect, useRef, useState } from 'react';
import type { RowQuery } from '../../core/query/filter-entries';
import type { RowPage, RowRange } from '../../worker/protocol';
import { useEntrySource } from '../shared/entry-source';

const BLOCK = 64;
const OVERSCAN_ROWS = 96;

interface Wanted {
  readonly range: RowRange;
  readonly query: RowQuery;
  readonly dataKey: unknown;
}

export interface EntryPageState {
  readonly page: RowPage | undefined;
  /** The query the page answers (it may lag the current one for a moment). */
  readonly pageQuery: RowQuery | undefined;
  readonly error: string | undefined;
}

function covers(page: RowPage, range: RowRange): boolean {
  const end = page.start + page.index.length;
  const wantedEnd = Math.min(range.end, page.totalRows);
  return page.start <= range.start && (end >= wantedEnd || end === page.totalRows);
}

/**
 * `visible`: row positions on screen; `dataKey`: changes whenever the rows' content may have
 * changed (a new log, a finished verification).
 */
export function useEntryPage(query: RowQuery, visible: RowRange, dataKey: unknown): EntryPageState {
  const source = useEntrySource();
  const [state, setState] = useState<EntryPageState & { readonly key: unknown }>({
    page: undefined,
    pageQuery: undefined,
    error: undefined,
    key: undefined,
  });
  const inFlight = useRef(false);
  const next = useRef<Wanted | undefined>(undefined);
  const live = useRef(true);

  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  const fresh = state.pageQuery === query && state.key === dataKey;
  const needed = !fresh || state.page === undefined || !covers(state.page, visible);

  useEffect(() => {
    if (!needed) return;
    const start = Math.max(0, Math.floor((visible.start - OVERSCAN_ROWS) / BLOCK) * BLOCK);
    const end = Math.ceil((visible.end + OVERSCAN_ROWS) / BLOCK) * BLOCK;
    next.current = { range: { start, end }, query, dataKey };
    if (inFlight.current) return;
    const pump = async (): Promise<void> => {
      inFlight.current = true;
      while (next.current !== undefined && live.current) {
        const wanted = next.current;
        next.current = undefined;
        try {
          const page = await source.getRows(wanted.range, wanted.query);
          if (live.current) setState({ page, pageQuery: wanted.query, error: undefined, key: wanted.dataKey });
        } catch (e) {
          if (live.current) {
            setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) }));
          }
        }
      }
      inFlight.current = false;
    };
    void pump();
  }, [needed, visible.start, visible.end, query, dataKey, source]);

  return state;
}
