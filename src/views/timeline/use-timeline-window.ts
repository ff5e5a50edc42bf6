/**
 * Keeps the timeline's data for the current view (Perfetto's TimelineFetcher): buckets for
 * the view padded by its span on each side at about one bucket per pixel, fetched again only
 * when the view leaves the loaded window, the resolution changes or the data changes; and
 * the DOM markers of exactly the visible entries. Latest wins: while a request is in flight
 * only the newest wish is remembered, so a fast zoom sends a handful of requests.
 */
import { useEffect, useRef, useState } from 'react';
import type { TimelineMarkerList } from '../../core/timeline/timeline-buckets';
import type { BreakdownMode } from '../../core/timeline/timeline-categories';
import type { FilteredTimelineBuckets } from '../../core/timeline/match-buckets';
import type { RowFilter } from '../../core/query/filter-entries';
import { useWorkerCall } from '../shared/worker-call';
import { fetchWindowFor, visibleEntries, type Viewport } from './timeline-viewport';

/** DOM markers per kind for the visible range (the rest are counted as "N more"). */
export const MARKERS_PER_KIND = 200;

interface Loaded<T> {
  readonly data: T;
  readonly key: unknown;
  readonly filter?: RowFilter | undefined;
}

/** A latest-wins pump: `want(x)` remembers x; one request runs at a time. */
function useLatestWins<W, T>(fetch: (wish: W) => Promise<T>, onResult: (wish: W, result: T) => void): (wish: W) => void {
  const inFlight = useRef(false);
  const next = useRef<W | undefined>(undefined);
  const live = useRef(true);
  const fetchRef = useRef(fetch);
  const resultRef = useRef(onResult);
  fetchRef.current = fetch;
  resultRef.current = onResult;
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);
  const pump = useRef(async (): Promise<void> => {
    inFlight.current = true;
    while (next.current !== undefined && live.current) {
      const wish = next.current;
      next.current = undefined;
      try {
        const result = await fetchRef.current(wish);
        if (live.current) resultRef.current(wish, result);
      } catch {
        // The log closed or a newer one opened; the next wish asks again.
      }
    }
    inFlight.current = false;
  });
  return useRef((wish: W) => {
    next.current = wish;
    if (!inFlight.current) void pump.current();
  }).current;
}

export interface TimelineWindow {
  readonly buckets: FilteredTimelineBuckets | undefined;
  readonly markers: TimelineMarkerList | undefined;
  /** Both answer the current view and data (nothing in flight that would change the picture). */
  readonly settled: boolean;
}

/**
 * `dataKey` changes whenever the marks may have changed (a new log, a finished analysis);
 * `filter` is the table's (undefined when it keeps every entry), for the dimming.
 */
export function useTimelineWindow(
  viewport: Viewport,
  width: number,
  entryCount: number,
  dataKey: unknown,
  breakdown: BreakdownMode,
  filter?: RowFilter,
): TimelineWindow {
  const call = useWorkerCall();
  const [buckets, setBuckets] = useState<Loaded<FilteredTimelineBuckets & { readonly entriesPerBucket: number }>>();
  const [markers, setMarkers] = useState<Loaded<TimelineMarkerList>>();

  const wantBuckets = useLatestWins(
    (w: {
      readonly window: ReturnType<typeof fetchWindowFor>;
      readonly key: unknown;
      readonly breakdown: BreakdownMode;
      readonly filter?: RowFilter;
    }) =>
      call('getTimeline', {
        window: { start: w.window.start, end: w.window.end, bucketCount: w.window.bucketCount, breakdown: w.breakdown },
        ...(w.filter !== undefined ? { filter: w.filter } : {}),
      }),
    (w, data) => setBuckets({ data: { ...data, entriesPerBucket: w.window.entriesPerBucket }, key: w.key, filter: w.filter }),
  );
  const wantMarkers = useLatestWins(
    (w: { readonly start: number; readonly end: number; readonly key: unknown }) =>
      call('getTimelineMarkers', { range: { start: w.start, end: w.end, limit: MARKERS_PER_KIND } }),
    (w, data) => setMarkers({ data, key: w.key }),
  );

  const wanted = width > 0 ? fetchWindowFor(viewport, width, entryCount) : undefined;
  const loaded = buckets?.data;
  const bucketsStale =
    wanted !== undefined &&
    (loaded === undefined ||
      buckets?.key !== dataKey ||
      loaded.breakdown?.mode !== breakdown ||
      buckets?.filter !== filter ||
      loaded.entriesPerBucket !== wanted.entriesPerBucket ||
      Math.floor(viewport.start) < loaded.start ||
      Math.min(entryCount, Math.ceil(viewport.end)) > loaded.end);
  useEffect(() => {
    if (bucketsStale && wanted !== undefined) wantBuckets({ window: wanted, key: dataKey, breakdown, ...(filter !== undefined ? { filter } : {}) });
    // `wanted` is a fresh object each render, fully described by the primitives listed.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
  }, [bucketsStale, wanted?.start, wanted?.end, wanted?.entriesPerBucket, dataKey, breakdown, filter, wantBuckets]);

  const visible = visibleEntries(viewport, entryCount);
  const markersStale =
    markers === undefined || markers.key !== dataKey || markers.data.start !== visible.start || markers.data.end !== visible.end;
  useEffect(() => {
    if (markersStale) wantMarkers({ start: visible.start, end: visible.end, key: dataKey });
  }, [markersStale, visible.start, visible.end, dataKey, wantMarkers]);

  return { buckets: loaded, markers: markers?.data, settled: !bucketsStale && !markersStale };
}
