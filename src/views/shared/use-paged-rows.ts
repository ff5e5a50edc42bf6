/**
 * Fetches the window of rows a table shows (the visible range plus overscan, rounded to
 * blocks) from the worker, and fetches again only when the view leaves the loaded window or
 * the query/data change. Latest wins: while one request is in flight only the newest wish is
 * remembered (Perfetto's AsyncLimiter), so a fast scroll through a million rows sends a
 * handful of requests, not thousands.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RowRange, WorkerCall, WorkerErrorCode } from '../../worker/protocol';
import { useWorkerCall } from './worker-call';

const BLOCK = 64;

/** What every page of rows says about itself. */
interface Page {
  /** Position of its first row. */
  readonly start: number;
  /** Rows the query matches in all. */
  readonly totalRows: number;
}

/** How one table's rows are fetched; a module-level constant, so its functions are stable. */
export interface PagedRowsSpec<Q, P extends Page> {
  fetch(call: WorkerCall, range: RowRange, query: Q): Promise<P>;
  rowsIn(page: P): number;
  /** Rows fetched beyond each end of the visible range. */
  readonly overscanRows: number;
}

export interface PagedRowsState<Q, P> {
  readonly page: P | undefined;
  /** The query the page answers (it may lag the current one for a moment). */
  readonly pageQuery: Q | undefined;
  readonly error: string | undefined;
  /** The worker's code for `error`, when it gave one (a stopped filter is said at its field). */
  readonly errorCode?: WorkerErrorCode;
}

interface Wanted<Q> {
  readonly range: RowRange;
  readonly query: Q;
  readonly dataKey: unknown;
}

/** The visible rows a table reports (useRowWindow), kept as state by the pane that fetches them. */
export function useVisibleRange(): readonly [RowRange, (range: RowRange) => void] {
  const [visible, setVisible] = useState<RowRange>({ start: 0, end: BLOCK });
  const onVisibleRangeChange = useCallback((range: RowRange) => {
    setVisible((v) => (v.start === range.start && v.end === range.end ? v : range));
  }, []);
  return [visible, onVisibleRangeChange];
}

/**
 * `visible`: row positions on screen; `dataKey`: changes whenever the rows' content may have
 * changed (another log, a finished verification). A failed fetch keeps the page shown when it
 * is of the same data, and says why. `seed`: a page of `query` and this data that came without
 * asking (a preview's first rows), taken as if fetched: rows it covers are not asked for.
 */
export function usePagedRows<Q, P extends Page>(
  spec: PagedRowsSpec<Q, P>,
  query: Q,
  visible: RowRange,
  dataKey: unknown,
  seed?: P,
): PagedRowsState<Q, P> {
  const call = useWorkerCall();
  const [state, setState] = useState<PagedRowsState<Q, P> & { readonly key: unknown }>({
    page: undefined,
    pageQuery: undefined,
    error: undefined,
    key: undefined,
  });
  const inFlight = useRef(false);
  const next = useRef<Wanted<Q> | undefined>(undefined);
  const live = useRef(true);

  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  // Each seed is taken once (state adjusted while rendering, before anything is drawn): like a
  // fetched page, it stays shown while the rows of the next data are fetched.
  const [seeded, setSeeded] = useState<P | undefined>(undefined);
  if (seed !== undefined && seed !== seeded) {
    setSeeded(seed);
    setState({ page: seed, pageQuery: query, error: undefined, key: dataKey });
  }

  const fresh = state.pageQuery === query && state.key === dataKey;
  const needed = !fresh || state.page === undefined || !covers(state.page, spec.rowsIn(state.page), visible);

  useEffect(() => {
    if (!needed) return;
    const start = Math.max(0, Math.floor((visible.start - spec.overscanRows) / BLOCK) * BLOCK);
    const end = Math.ceil((visible.end + spec.overscanRows) / BLOCK) * BLOCK;
    next.current = { range: { start, end }, query, dataKey };
    if (inFlight.current) return;
    const pump = async (): Promise<void> => {
      inFlight.current = true;
      while (next.current !== undefined && live.current) {
        const wanted = next.current;
        next.current = undefined;
        try {
          const page = await spec.fetch(call, wanted.range, wanted.query);
          if (live.current) setState({ page, pageQuery: wanted.query, error: undefined, key: wanted.dataKey });
        } catch (e) {
          const error = e instanceof Error ? e.message : String(e);
          const errorCode = workerErrorCode(e);
          if (live.current) {
            setState((s) => (s.key === wanted.dataKey ? { ...s, error, errorCode } : { page: undefined, pageQuery: wanted.query, error, errorCode, key: wanted.dataKey }));
          }
        }
      }
      inFlight.current = false;
    };
    void pump();
  }, [needed, visible.start, visible.end, query, dataKey, call, spec]);

  return state;
}

function covers(page: Page, rows: number, range: RowRange): boolean {
  const end = page.start + rows;
  return page.start <= range.start && (end >= Math.min(range.end, page.totalRows) || end === page.totalRows);
}

/** The code a failed worker request carries (the client's WorkerRequestError, seen through its shape). */
function workerErrorCode(e: unknown): WorkerErrorCode | undefined {
  const code = typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
  return typeof code === 'string' ? (code as WorkerErrorCode) : undefined;
}
