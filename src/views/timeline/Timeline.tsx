/**
 * The whole log at a glance: lanes for boots, kexec records, violations, template-hash
 * mismatches, byte order, signatures, each PCR, the point where the replay meets the quote or
 * PCRs, and parse errors, drawn on a canvas (draw-timeline.ts) from buckets the worker
 * computes (use-timeline-window.ts).
 *
 * Mouse: wheel zooms around the cursor (horizontal wheel or shift+wheel pans), drag pans,
 * shift+drag brushes a range that filters the entry table, click selects the entry (or the
 * marker) under the cursor. Keyboard: the plot takes + − ← → 0; every marker is also a
 * button (CONTRACT §4 `timeline-marker`) in one roving-tabindex group, arrow keys move between
 * them and Enter selects the entry. Only the first MARKERS_PER_KIND markers of each kind in
 * view are buttons; the rest are counted in an "N more" note beside the lane and stay
 * reachable by zooming in.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { EntryRange } from '../../core/query/filter-entries';
import { DEFAULT_QUERY, isUnfiltered, type RowFilter } from '../../core/query/filter-entries';
import type { TimelineMarker, TimelineMarkerList } from '../../core/timeline/timeline-buckets';
import { bucketOf, bucketStart, type TimelineBuckets } from '../../core/timeline/timeline-buckets';
import type { TimelineMarkerKind } from '../../core/timeline/timeline-marks';
import { selectAnalysis } from '../../store/selectors';
import { useInspector } from '../../store/use-inspector';
import { useAppCommands } from '../shared/app-commands';
import { useWorkerCall } from '../shared/worker-call';
import type { WorkerCall } from '../../worker/protocol';
import { useElementWidth } from '../shared/use-element-width';
import { entryNumber, formatCount, plural } from '../shared/format';
import { drawTimeline } from './draw-timeline';
import { absentLanes, lanesHeight, timelineLanes, type Lane } from './timeline-lanes';
import { useTimelineTheme } from './timeline-theme';
import {
  centreViewport,
  entryAtX,
  fullViewport,
  panViewport,
  visibleEntries,
  xOfPosition,
  zoomViewport,
  type Viewport,
} from './timeline-viewport';
import { MARKERS_PER_KIND, useTimelineWindow } from './use-timeline-window';
import { useTimelineKeys } from './use-timeline-keys';
import { TimelineMinimap } from './TimelineMinimap';
import { BreakdownLegend, BreakdownPicker } from './BreakdownLegend';
import { useStoredViewport } from './use-stored-viewport';
import './Timeline.css';

const KIND_NAMES: Readonly<Record<TimelineMarkerKind, string>> = {
  boot: 'boots',
  kexec_load: 'kexec_load records',
  kexec_execute: 'kexec_execute records',
  violation: 'violations',
  'hash-mismatch': 'hash mismatches',
  'byte-order': 'byte-order runs',
  'pcr-match': 'match points',
  'parse-error': 'parse errors',
};

/** Pixels the pointer may move before a press becomes a drag. */
const DRAG_THRESHOLD = 3;
/** How far (px) a click snaps to a marker in its lane. */
const SNAP_PX = 6;

export function Timeline() {
  const log = useInspector((s) => (s.load.kind === 'ready' ? s.load.summary.log : undefined));
  const analysis = useInspector(selectAnalysis);
  if (log === undefined) return null;
  return <TimelineView key={log.inputId} entryCount={log.entryCount} dataKey={analysis ?? log} />;
}

/** The table's filter without order and brush, one object per change; undefined when it keeps all. */
function useTableFilter(): RowFilter | undefined {
  const search = useInspector((s) => s.query.search);
  const templates = useInspector((s) => s.query.templates);
  const pcrs = useInspector((s) => s.query.pcrs);
  const statuses = useInspector((s) => s.query.statuses);
  return useMemo(() => {
    const filter = { search, templates, pcrs, statuses };
    return isUnfiltered(filter) ? undefined : filter;
  }, [search, templates, pcrs, statuses]);
}

type Drag =
  | { readonly mode: 'pan'; readonly x0: number; readonly v0: Viewport; moved: boolean; readonly marker?: number }
  | { readonly mode: 'brush' | 'resize-start' | 'resize-end'; readonly x0: number; readonly anchor: number; moved: boolean };

function TimelineView({ entryCount, dataKey }: { readonly entryCount: number; readonly dataKey: unknown }) {
  const commands = useAppCommands();
  const call = useWorkerCall();
  const theme = useTimelineTheme();
  const range = useInspector((s) => s.query.range);
  const filter = useTableFilter();
  const setRangeFilter = useInspector((s) => s.setRangeFilter);
  const selected = useInspector((s) => s.selection.entryIndex);
  const revealSerial = useInspector((s) => s.selection.revealSerial);
  const folded = useInspector((s) => s.timelineFolded);
  const setFolded = useInspector((s) => s.setTimelineFolded);
  const breakdown = useInspector((s) => s.timelineBreakdown);

  const [viewport, setViewport] = useStoredViewport(entryCount);
  const [hover, setHover] = useState<{ readonly index: number; readonly x: number; readonly y: number } | undefined>();
  const [brush, setBrush] = useState<EntryRange | undefined>();
  const [focused, setFocused] = useState<TimelineMarker | undefined>();
  const plotRef = useRef<HTMLDivElement>(null);
  // Plot width follows the layout.
  const width = useElementWidth(plotRef);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const drag = useRef<Drag | undefined>(undefined);
  const viewportRef = useRef(viewport);
  viewportRef.current = viewport;
  const pointerRef = useRef<number | undefined>(undefined);
  useTimelineKeys(viewportRef, setViewport, entryCount, pointerRef);

  const { buckets, markers, settled } = useTimelineWindow(viewport, width, entryCount, dataKey, breakdown, filter);
  const lanes = useMemo(() => (buckets === undefined ? [] : timelineLanes(buckets)), [buckets]);
  const height = lanesHeight(lanes);


  // "Go to entry" elsewhere (findings, verdict) brings the entry into view.
  const handledReveal = useRef(revealSerial);
  useEffect(() => {
    if (revealSerial === handledReveal.current) return;
    handledReveal.current = revealSerial;
    if (selected === undefined) return;
    const v = viewportRef.current;
    if (selected < v.start || selected + 1 > v.end) setViewport(centreViewport(v, selected, entryCount));
  }, [revealSerial, selected, entryCount, setViewport]);

  // One redraw per animation frame, whatever changed.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null || buckets === undefined || width === 0) return;
    const frame = requestAnimationFrame(() => {
      const ratio = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
        canvas.width = Math.round(width * ratio);
        canvas.height = Math.round(height * ratio);
      }
      const ctx = canvas.getContext('2d');
      if (ctx === null) return;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      drawTimeline(
        ctx,
        {
          buckets,
          lanes,
          viewport,
          width,
          height,
          ...(selected !== undefined && { selected }),
          ...(hover !== undefined && { hover: hover.index }),
          ...(brush !== undefined && { brush }),
          ...(range !== undefined && { range }),
        },
        theme,
      );
    });
    return () => cancelAnimationFrame(frame);
  }, [buckets, lanes, viewport, width, height, selected, hover, brush, range, theme]);

  // Wheel: zoom around the cursor; horizontal wheel (or shift) pans. Not passive: it must
  // keep the page from scrolling.
  useEffect(() => {
    const plot = plotRef.current;
    if (plot === null) return;
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault();
      const rect = plot.getBoundingClientRect();
      const v = viewportRef.current;
      const span = v.end - v.start;
      const horizontal = Math.abs(e.deltaX) > Math.abs(e.deltaY) || e.shiftKey;
      const delta = (horizontal ? e.deltaX || e.deltaY : e.deltaY) * (e.deltaMode === 1 ? 16 : 1);
      setViewport(
        horizontal
          ? panViewport(v, (delta / rect.width) * span, entryCount)
          : zoomViewport(v, Math.exp(delta * 0.0015), (e.clientX - rect.left) / rect.width, entryCount),
      );
    };
    plot.addEventListener('wheel', onWheel, { passive: false });
    return () => plot.removeEventListener('wheel', onWheel);
  }, [entryCount, setViewport]);

  const localX = (e: { clientX: number }): number => e.clientX - (plotRef.current?.getBoundingClientRect().left ?? 0);
  const localY = (e: { clientY: number }): number => e.clientY - (plotRef.current?.getBoundingClientRect().top ?? 0);

  /** The entry a click at (x, y) means: a marker of that lane within a few pixels, else the entry under x. */
  const pick = useCallback(
    (x: number, y: number): number => {
      const lane = lanes.find((l) => y >= l.y && y < l.y + l.height);
      const candidates = (markers?.markers ?? []).filter((m) => lane?.kinds.includes(m.kind) === true);
      let best: number | undefined;
      let bestDistance = SNAP_PX;
      for (const m of candidates) {
        const d = Math.abs(xOfPosition(viewport, width, m.index + 0.5) - x);
        if (d <= bestDistance) {
          best = m.index;
          bestDistance = d;
        }
      }
      return best ?? entryAtX(viewport, width, x, entryCount);
    },
    [lanes, markers, viewport, width, entryCount],
  );

  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    if (e.button !== 0) return;
    const target = e.target instanceof HTMLElement ? e.target : undefined;
    const handle = target?.dataset.handle;
    const x = localX(e);
    const markerIndex = target?.closest<HTMLElement>('[data-testid="timeline-marker"]')?.dataset.index;
    if (handle !== undefined && range !== undefined) {
      drag.current = { mode: handle === 'start' ? 'resize-start' : 'resize-end', x0: x, anchor: handle === 'start' ? range.end : range.start, moved: false };
    } else if (e.shiftKey) {
      drag.current = { mode: 'brush', x0: x, anchor: entryAtX(viewport, width, x, entryCount), moved: false };
    } else {
      drag.current = { mode: 'pan', x0: x, v0: viewport, moved: false, ...(markerIndex !== undefined && { marker: Number(markerIndex) }) };
    }
    e.currentTarget.setPointerCapture(e.pointerId);
  };

  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    const x = localX(e);
    pointerRef.current = width > 0 ? Math.min(1, Math.max(0, x / width)) : undefined;
    const d = drag.current;
    if (d === undefined) {
      setHover({ index: pick(x, localY(e)), x, y: localY(e) });
      return;
    }
    if (Math.abs(x - d.x0) > DRAG_THRESHOLD) d.moved = true;
    if (!d.moved) return;
    if (d.mode === 'pan') {
      const span = d.v0.end - d.v0.start;
      setViewport(panViewport(d.v0, -((x - d.x0) / width) * span, entryCount));
    } else {
      const at = entryAtX(viewport, width, x, entryCount);
      setBrush({ start: Math.min(d.anchor, at), end: Math.max(d.anchor, at) + (d.mode === 'brush' ? 1 : 0) });
    }
  };

  const onPointerUp = (e: PointerEvent<HTMLDivElement>): void => {
    const d = drag.current;
    drag.current = undefined;
    if (d === undefined) return;
    if (!d.moved) {
      if (d.mode !== 'pan') return;
      commands.goToEntry(d.marker ?? pick(localX(e), localY(e)));
      return;
    }
    if (d.mode !== 'pan' && brush !== undefined) {
      if (brush.end > brush.start) setRangeFilter(brush);
      setBrush(undefined);
    }
  };

  const onPlotKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.target !== e.currentTarget) return;
    const span = viewport.end - viewport.start;
    const next: Record<string, () => Viewport> = {
      '+': () => zoomViewport(viewport, 0.5, 0.5, entryCount),
      '=': () => zoomViewport(viewport, 0.5, 0.5, entryCount),
      '-': () => zoomViewport(viewport, 2, 0.5, entryCount),
      ArrowLeft: () => panViewport(viewport, -span * 0.2, entryCount),
      ArrowRight: () => panViewport(viewport, span * 0.2, entryCount),
      '0': () => fullViewport(entryCount),
    };
    const f = next[e.key];
    if (f === undefined) return;
    e.preventDefault();
    setViewport(f());
  };

  const visible = visibleEntries(viewport, entryCount);
  const zoomed = visible.start > 0 || visible.end < entryCount;
  const minimap = <TimelineMinimap entryCount={entryCount} viewport={viewport} onViewport={setViewport} dataKey={dataKey} breakdown={breakdown} />;
  return (
    <section
      className={`timeline${folded ? ' timeline--folded' : ''}`}
      data-testid="timeline"
      aria-label="Timeline of the log"
      data-entries={entryCount}
      data-state={settled && buckets !== undefined ? 'ready' : 'pending'}
      data-verified={buckets?.verified === true}
      data-folded={folded}
      data-view-start={Math.floor(viewport.start)}
      data-view-end={Math.ceil(viewport.end)}
      data-filter-matches={buckets?.matchCounts?.reduce((sum, c) => sum + c, 0)}
    >
      <header className="timeline__bar">
        <button
          type="button"
          className="icon-button timeline__fold"
          data-testid="timeline-fold"
          aria-expanded={!folded}
          title={folded ? 'Unfold the timeline (t)' : 'Fold the timeline to one line (t)'}
          onClick={() => setFolded(!folded)}
        >
          {folded ? '▸' : '▾'}
        </button>
        <h2 className="timeline__title">Timeline</h2>
        <span className="timeline__view" data-testid="timeline-view">
          {zoomed
            ? `entries ${formatCount(visible.start)}–${formatCount(visible.end - 1)} of ${formatCount(entryCount)}`
            : `all ${plural(entryCount, 'entry', 'entries')}`}
        </span>
        <span className="timeline__tools">
          <button type="button" className="button button--quiet button--small" onClick={() => setViewport(zoomViewport(viewport, 0.5, 0.5, entryCount))} aria-label="Zoom in">
            +
          </button>
          <button type="button" className="button button--quiet button--small" onClick={() => setViewport(zoomViewport(viewport, 2, 0.5, entryCount))} aria-label="Zoom out">
            −
          </button>
          <button type="button" className="button button--quiet button--small" onClick={() => setViewport(fullViewport(entryCount))} disabled={!zoomed}>
            All
          </button>
          <button
            type="button"
            className="button button--quiet button--small"
            data-testid="timeline-filter-view"
            onClick={() => setRangeFilter({ start: visible.start, end: visible.end })}
            disabled={!zoomed}
            title="Show only the entries in view in the table"
          >
            Filter table to view
          </button>
          {range !== undefined ? (
            <span className="timeline__range" data-testid="timeline-range">
              table: {formatCount(range.start)}–{formatCount(range.end - 1)}
              <button type="button" className="link-button" onClick={() => setRangeFilter(undefined)}>
                clear
              </button>
            </span>
          ) : null}
        </span>
        {folded ? minimap : null}
        {!folded && buckets !== undefined && absentLanes(buckets).length > 0 ? (
          <span className="timeline__absent" data-testid="timeline-absent">
            none: {absentLanes(buckets).join(' · ')}
          </span>
        ) : null}
        {folded ? null : (
          <span className="timeline__hint" aria-hidden="true">
            W S zoom · A D pan · wheel zoom · drag pan · shift+drag filter · ? help
          </span>
        )}
      </header>
      <div className="timeline__body" style={{ height }} hidden={folded}>
        <LaneLabels lanes={lanes} buckets={buckets} markers={markers} />
        {buckets?.firmwareEvents !== undefined ? <FirmwareSegment events={buckets.firmwareEvents} /> : null}
        <div
          ref={plotRef}
          className="timeline__plot"
          tabIndex={0}
          role="group"
          aria-label="Timeline plot: + and − zoom, arrow keys pan, 0 shows all"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={() => {
            drag.current = undefined;
            setBrush(undefined);
          }}
          onPointerLeave={() => {
            pointerRef.current = undefined;
            setHover(undefined);
          }}
          onKeyDown={onPlotKey}
        >
          <canvas ref={canvasRef} className="timeline__canvas" style={{ width, height }} data-testid="timeline-canvas" />
          <MarkerButtons markers={markers} lanes={lanes} viewport={viewport} width={width} onFocus={setFocused} onSelect={commands.goToEntry} />
          {range !== undefined ? <RangeHandles range={range} viewport={viewport} width={width} /> : null}
          <Tooltip hover={hover} focused={focused} buckets={buckets} lanes={lanes} width={width} viewport={viewport} call={call} />
        </div>
      </div>
      {folded ? null : (
        <div className="timeline__foot">
          <BreakdownPicker />
          {minimap}
          <BreakdownLegend breakdown={buckets?.breakdown} />
        </div>
      )}
    </section>
  );
}

function LaneLabels({
  lanes,
  buckets,
  markers,
}: {
  readonly lanes: readonly Lane[];
  readonly buckets: TimelineBuckets | undefined;
  readonly markers: TimelineMarkerList | undefined;
}) {
  return (
    <div className="timeline__labels">
      <div className="timeline__axis-label">entry</div>
      {lanes.map((lane) => {
        const more = lane.kinds.reduce((n, k) => n + Math.max(0, (markers?.counts[k] ?? 0) - MARKERS_PER_KIND), 0);
        const pending = lane.style === 'marker' && lane.id !== 'parse-errors' && buckets?.verified === false;
        return (
          <div
            key={lane.id}
            className={`timeline__label${lane.total === 0 && lane.id !== 'match' && lane.id !== 'kexec' ? ' timeline__label--empty' : ''}`}
            style={{ top: lane.y, height: lane.height }}
            title={lane.description}
          >
            <span className="timeline__label-name">{lane.label}</span>
            <span className="timeline__label-count">{pending ? '…' : lane.total > 0 ? formatCount(lane.total) : ''}</span>
            {more > 0
              ? lane.kinds.map((k) => {
                  const extra = (markers?.counts[k] ?? 0) - MARKERS_PER_KIND;
                  return extra > 0 ? (
                    <span
                      key={k}
                      className="visually-hidden"
                      data-testid="timeline-marker-more"
                      data-kind={k}
                      data-count={extra}
                      tabIndex={-1}
                    >
                      and {formatCount(extra)} more {KIND_NAMES[k]} in view, not listed; zoom in to reach them
                    </span>
                  ) : null;
                })
              : null}
          </div>
        );
      })}
    </div>
  );
}

function FirmwareSegment({ events }: { readonly events: number }) {
  return (
    <div
      className="timeline__firmware"
      data-testid="timeline-firmware"
      title="The firmware event log given beside the list: measured into PCRs 0–9 before the kernel's first boot_aggregate"
    >
      <span className="timeline__firmware-name">Firmware</span>
      <span className="timeline__firmware-count">{plural(events, 'event')}</span>
      <span className="timeline__firmware-arrow">PCRs 0–9 →</span>
    </div>
  );
}

/** Every listed marker as a button over its glyph; one tab stop, arrow keys move along. */
function MarkerButtons({
  markers,
  lanes,
  viewport,
  width,
  onFocus,
  onSelect,
}: {
  readonly markers: TimelineMarkerList | undefined;
  readonly lanes: readonly Lane[];
  readonly viewport: Viewport;
  readonly width: number;
  readonly onFocus: (marker: TimelineMarker | undefined) => void;
  readonly onSelect: (index: number) => void;
}) {
  const [active, setActive] = useState(0);
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const ordered = useMemo(() => [...(markers?.markers ?? [])].sort((a, b) => a.index - b.index), [markers]);
  const laneOf = (kind: TimelineMarkerKind): Lane | undefined => lanes.find((l) => l.kinds.includes(kind));
  const current = Math.min(active, Math.max(0, ordered.length - 1));
  const move = (to: number): void => {
    const k = Math.min(Math.max(0, to), ordered.length - 1);
    setActive(k);
    refs.current[k]?.focus();
  };
  return (
    <div className="timeline__markers" role="toolbar" aria-label="Timeline markers: arrow keys move, Enter selects the entry">
      {ordered.map((m, k) => {
        const lane = laneOf(m.kind);
        if (lane === undefined) return null;
        const x0 = xOfPosition(viewport, width, m.index);
        const x1 = xOfPosition(viewport, width, (m.last ?? m.index) + 1);
        const w = Math.max(10, x1 - x0);
        const left = Math.min(Math.max(0, (x0 + x1) / 2 - w / 2), Math.max(0, width - w));
        return (
          <button
            key={`${m.kind}-${m.index}`}
            ref={(el) => {
              refs.current[k] = el;
            }}
            type="button"
            className="timeline__marker"
            data-testid="timeline-marker"
            data-kind={m.kind}
            data-index={m.index}
            tabIndex={k === current ? 0 : -1}
            aria-label={m.label}
            style={{ left, top: lane.y, width: w, height: lane.height }}
            onFocus={() => {
              setActive(k);
              onFocus(m);
            }}
            onBlur={() => onFocus(undefined)}
            onClick={(e) => {
              // Pointer clicks are handled by the plot (they may be drags); this is Enter/Space.
              if (e.detail === 0) onSelect(m.index);
            }}
            onKeyDown={(e) => {
              const keys: Record<string, number> = { ArrowRight: k + 1, ArrowDown: k + 1, ArrowLeft: k - 1, ArrowUp: k - 1, Home: 0, End: ordered.length - 1 };
              const to = keys[e.key];
              if (to === undefined) return;
              e.preventDefault();
              e.stopPropagation();
              move(to);
            }}
          />
        );
      })}
    </div>
  );
}

function RangeHandles({ range, viewport, width }: { readonly range: EntryRange; readonly viewport: Viewport; readonly width: number }) {
  const x0 = xOfPosition(viewport, width, range.start);
  const x1 = xOfPosition(viewport, width, range.end);
  return (
    <>
      {x0 >= 0 && x0 <= width ? <div className="timeline__handle" data-handle="start" style={{ left: x0 - 4 }} title="Drag to change the filtered range" /> : null}
      {x1 >= 0 && x1 <= width ? <div className="timeline__handle" data-handle="end" style={{ left: x1 - 4 }} title="Drag to change the filtered range" /> : null}
    </>
  );
}

/** What is under the pointer (or the focused marker), as text. */
function Tooltip({
  hover,
  focused,
  buckets,
  lanes,
  width,
  viewport,
  call,
}: {
  readonly hover: { readonly index: number; readonly x: number; readonly y: number } | undefined;
  readonly focused: TimelineMarker | undefined;
  readonly buckets: TimelineBuckets | undefined;
  readonly lanes: readonly Lane[];
  readonly width: number;
  readonly viewport: Viewport;
  readonly call: WorkerCall;
}) {
  const index = focused?.index ?? hover?.index;
  const [entry, setEntry] = useState<{ readonly index: number; readonly text: string } | undefined>();
  useEffect(() => {
    if (index === undefined) return;
    let live = true;
    const timer = window.setTimeout(() => {
      call('getRows', { range: { start: index, end: index + 1 }, query: DEFAULT_QUERY })
        .then((page) => {
          if (!live || page.index.length === 0) return;
          setEntry({ index, text: `PCR ${page.pcr[0]} · ${page.name[0] || '(no name)'}` });
        })
        .catch(() => undefined);
    }, 60);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [index, call]);
  if (index === undefined || buckets === undefined) return null;
  const lines: string[] = [];
  if (focused !== undefined) lines.push(focused.label);
  lines.push(`${entryNumber(index)}${entry?.index === index ? ` · ${entry.text}` : ''}`);
  // Zoomed out, a pixel holds many entries: say what the lanes hold there.
  if (hover !== undefined && focused === undefined) {
    const from = Math.max(buckets.start, Math.floor(viewport.start + (hover.x / width) * (viewport.end - viewport.start)));
    if (from >= buckets.start && from < buckets.end) {
      const k = bucketOf(buckets.start, buckets.end, buckets.bucketCount, from);
      const first = bucketStart(buckets.start, buckets.end, buckets.bucketCount, k);
      const end = bucketStart(buckets.start, buckets.end, buckets.bucketCount, k + 1);
      if (end - first > 1) {
        const counts = lanes
          .map((l) => [l.label, l.series.reduce((n, id) => n + buckets.counts[buckets.series.indexOf(id) * buckets.bucketCount + k], 0)] as const)
          .filter(([, c]) => c > 0)
          .map(([label, c]) => `${label} ${formatCount(c)}`);
        lines.push(`this pixel: entries ${formatCount(first)}–${formatCount(end - 1)}${counts.length > 0 ? ` · ${counts.join(' · ')}` : ''}`);
        const measured = buckets.breakdown;
        if (measured !== undefined) {
          const kinds = measured.names
            .map((name, c) => [name, measured.counts[c * buckets.bucketCount + k]] as const)
            .filter(([, n]) => n > 0)
            .sort((x, y) => y[1] - x[1])
            .map(([name, n]) => `${name} ${formatCount(n)}`);
          if (kinds.length > 0) lines.push(`measured: ${kinds.join(' · ')}`);
        }
      }
    }
  }
  const x = focused !== undefined ? xOfPosition(viewport, width, focused.index + 0.5) : (hover?.x ?? 0);
  const y = focused !== undefined ? (lanes.find((l) => l.kinds.includes(focused.kind))?.y ?? 0) + 16 : (hover?.y ?? 0) + 14;
  return (
    <div className="timeline__tooltip" data-testid="timeline-tooltip" role="status" style={{ left: Math.min(Math.max(0, x + 10), Math.max(0, width - 320)), top: y }}>
      {lines.map((line) => (
        <div key={line}>{line}</div>
      ))}
    </div>
  );
}
