/**
 * The timeline's viewport as local state (it changes at every wheel tick and drag step, so
 * the plot redraws without a store round trip) kept in step with the store's `timelineZoom`,
 * which the address and the permalink carry: the store hears of a new view once the user
 * pauses, and a view set from outside (back/forward, a restored link) moves the plot.
 * The whole log is `undefined` in the store; positions are kept to 2 decimals there.
 */
import { useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import { useInspector } from '../../store/use-inspector';
import { clampViewport, fullViewport, type Viewport } from './timeline-viewport';

const STORE_DELAY_MS = 250;
/** Positions closer than this are the same view (the store keeps 2 decimals). */
const SAME = 0.01;

const round = (n: number): number => Math.round(n * 100) / 100;

function sameView(a: Viewport, b: Viewport): boolean {
  return Math.abs(a.start - b.start) < SAME && Math.abs(a.end - b.end) < SAME;
}

function viewOf(zoom: Viewport | undefined, entryCount: number): Viewport {
  return zoom === undefined ? fullViewport(entryCount) : clampViewport(zoom, entryCount);
}

export function useStoredViewport(entryCount: number): [Viewport, Dispatch<SetStateAction<Viewport>>] {
  const zoom = useInspector((s) => s.timelineZoom);
  const setZoom = useInspector((s) => s.setTimelineZoom);
  const [viewport, setViewport] = useState<Viewport>(() => viewOf(zoom, entryCount));

  // From the store: only a view that differs (not the echo of one this hook stored).
  useEffect(() => {
    const target = viewOf(zoom, entryCount);
    setViewport((current) => (sameView(current, target) ? current : target));
  }, [zoom, entryCount]);

  // To the store, once the view has rested.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      const full = sameView(viewport, fullViewport(entryCount));
      const stored = zoom === undefined ? fullViewport(entryCount) : zoom;
      if (sameView(viewport, stored)) return;
      setZoom(full ? undefined : { start: round(viewport.start), end: round(viewport.end) });
    }, STORE_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [viewport, zoom, entryCount, setZoom]);

  return [viewport, setViewport];
}
