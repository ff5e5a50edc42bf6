/**
 * Fetches the window of firmware events the table shows, like use-entry-page but without a
 * query: the visible range plus overscan, rounded to blocks, fetched again only when the view
 * leaves the loaded window or another set of inputs is open. Latest wins.
 */
import { useEffect, useRef, useState } from 'react';
import type { FirmwareEventPage, RowRange } from '../../worker/protocol';
import { useEntrySource } from '../shared/entry-source';

const BLOCK = 64;
const OVERSCAN_ROWS = 64;

export interface FirmwarePageState {
  readonly page: FirmwareEventPage | undefined;
  readonly error: string | undefined;
}

function covers(page: FirmwareEventPage, range: RowRange): boolean {
  const end = page.start + page.rows.length;
  return page.start <= range.start && (end >= Math.min(range.end, page.totalRows) || end === page.totalRows);
}

/** `dataKey` changes whenever another set of inputs is open. */
export function useFirmwarePage(visible: RowRange, dataKey: unknown): FirmwarePageState {
  const source = useEntrySource();
  const [state, setState] = useState<FirmwarePageState & { readonly key: unknown }>({
    page: undefined,
    error: undefined,
    key: undefined,
  });
  const inFlight = useRef(false);
  const next = useRef<{ range: RowRange; dataKey: unknown } | undefined>(undefined);
  const live = useRef(true);

  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  const needed = state.key !== dataKey || state.page === undefined || !covers(state.page, visible);

  useEffect(() => {
    if (!needed) return;
    const start = Math.max(0, Math.floor((visible.start - OVERSCAN_ROWS) / BLOCK) * BLOCK);
    const end = Math.ceil((visible.end + OVERSCAN_ROWS) / BLOCK) * BLOCK;
    next.current = { range: { start, end }, dataKey };
    if (inFlight.current) return;
    const pump = async (): Promise<void> => {
      inFlight.current = true;
      while (next.current !== undefined && live.current) {
        const wanted = next.current;
        next.current = undefined;
        try {
          const page = await source.getFirmwareEvents(wanted.range);
          if (live.current) setState({ page, error: undefined, key: wanted.dataKey });
        } catch (e) {
          if (live.current) setState({ page: undefined, error: e instanceof Error ? e.message : String(e), key: wanted.dataKey });
        }
      }
      inFlight.current = false;
    };
    void pump();
  }, [needed, visible.start, visible.end, dataKey, source]);

  return state;
}
