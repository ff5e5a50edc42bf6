/**
 * The whole log in one thin strip (Perfetto's overview): what was measured where, stacked by
 * the chosen breakdown, with the part the timeline shows outlined. A press or a drag on it
 * centres the view there. It stays when the timeline is folded, so the one line still says
 * where the view is.
 */
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import type { TimelineBuckets } from '../../core/timeline/timeline-buckets';
import type { BreakdownMode } from '../../core/timeline/timeline-categories';
import { useWorkerCall } from '../shared/worker-call';
import { useElementWidth } from '../shared/use-element-width';
import { drawBreakdown } from './draw-timeline';
import { useTimelineTheme } from './timeline-theme';
import { centreViewport, type Viewport } from './timeline-viewport';

const HEIGHT = 12;

export function TimelineMinimap({
  entryCount,
  viewport,
  onViewport,
  dataKey,
  breakdown,
}: {
  readonly entryCount: number;
  readonly viewport: Viewport;
  readonly onViewport: (v: Viewport) => void;
  readonly dataKey: unknown;
  readonly breakdown: BreakdownMode;
}) {
  const call = useWorkerCall();
  const theme = useTimelineTheme();
  const ref = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const width = useElementWidth(ref);
  const [overview, setOverview] = useState<TimelineBuckets>();
  const dragging = useRef(false);

  // One bucket per pixel over the whole log; asked again when the data or the cut changes.
  useEffect(() => {
    if (width === 0) return;
    let live = true;
    call('getTimeline', { window: { start: 0, end: entryCount, bucketCount: width, breakdown } })
      .then((b) => live && setOverview(b))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [call, entryCount, width, breakdown, dataKey]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (canvas === null || ctx === null || ctx === undefined || overview?.breakdown === undefined || width === 0) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(HEIGHT * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = theme.band;
    ctx.fillRect(0, 0, width, HEIGHT);
    const x = (p: number): number => (p / Math.max(1, entryCount)) * width;
    drawBreakdown(ctx, overview, overview.breakdown, { top: 0, height: HEIGHT }, x, 0, overview.bucketCount - 1);
  }, [overview, width, entryCount, theme]);

  const centreAt = (e: PointerEvent<HTMLDivElement>): void => {
    const rect = e.currentTarget.getBoundingClientRect();
    const at = ((e.clientX - rect.left) / Math.max(1, rect.width)) * entryCount;
    onViewport(centreViewport(viewport, Math.floor(at), entryCount));
  };
  const left = (viewport.start / Math.max(1, entryCount)) * 100;
  const share = ((viewport.end - viewport.start) / Math.max(1, entryCount)) * 100;
  return (
    <div
      ref={ref}
      className="timeline__minimap"
      data-testid="timeline-minimap"
      title="The whole log: press or drag to move the view"
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        dragging.current = true;
        e.currentTarget.setPointerCapture(e.pointerId);
        centreAt(e);
      }}
      onPointerMove={(e) => dragging.current && centreAt(e)}
      onPointerUp={() => {
        dragging.current = false;
      }}
      onPointerCancel={() => {
        dragging.current = false;
      }}
    >
      <canvas ref={canvasRef} className="timeline__minimap-canvas" style={{ width, height: HEIGHT }} />
      <div
        className="timeline__minimap-view"
        data-testid="timeline-minimap-view"
        data-start={Math.floor(viewport.start)}
        data-end={Math.ceil(viewport.end)}
        style={{ left: `${left}%`, width: `max(3px, ${share}%)` }}
      />
    </div>
  );
}
