/**
 * Draws the timeline on a canvas: a pure function of (context, scene, theme), so a redraw is
 * one call per animation frame and the picture depends on nothing else. The context arrives
 * scaled to CSS pixels.
 *
 * Reading order, back to front: boot segments as alternating bands, boundaries at each new
 * boot, red bands where kexec may have lost entries, the entry axis, each lane's buckets
 * (glyphs for markers, shade for density: the share of the entries under a pixel that the
 * lane holds), the point where the replay meets the quote or PCRs, then the table's range
 * filter, the brush being drawn, the hovered and the selected entry.
 */
import { bucketOf, bucketStart, type TimelineBuckets, type TimelineSeriesId } from '../../core/timeline/timeline-buckets';
import type { EntryRange } from '../../core/query/filter-entries';
import type { FilteredTimelineBuckets } from '../../core/timeline/match-buckets';
import { AXIS_HEIGHT, type Lane } from './timeline-lanes';
import { categoryColour, type TimelineTheme } from './timeline-theme';
import type { TimelineBreakdown } from '../../core/timeline/timeline-categories';
import { xOfPosition, type Viewport } from './timeline-viewport';

export interface TimelineScene {
  readonly buckets: FilteredTimelineBuckets;
  readonly lanes: readonly Lane[];
  readonly viewport: Viewport;
  /** Plot size in CSS pixels. */
  readonly width: number;
  readonly height: number;
  readonly selected?: number;
  readonly hover?: number;
  /** The range being brushed (shift+drag), in entry positions. */
  readonly brush?: EntryRange;
  /** The table's active range filter. */
  readonly range?: EntryRange;
}

type Glyph = 'flag' | 'down' | 'up' | 'tick' | 'diamond' | 'cross' | 'bar';

const GLYPHS: Partial<Record<TimelineSeriesId, Glyph>> = {
  boot: 'flag',
  kexec_load: 'down',
  kexec_execute: 'up',
  violation: 'tick',
  'hash-mismatch': 'tick',
  'byte-order': 'bar',
  'pcr-match': 'diamond',
  'parse-error': 'cross',
  'policy-fail': 'tick',
  'signature-fail': 'tick',
};

function seriesColour(id: TimelineSeriesId, t: TimelineTheme): string {
  switch (id) {
    case 'boot':
      return t.text;
    case 'kexec_load':
      return t.accent;
    case 'kexec_execute':
    case 'pcr-match':
      return t.ok;
    case 'violation':
    case 'byte-order':
      return t.warning;
    case 'hash-mismatch':
    case 'parse-error':
    case 'policy-fail':
    case 'signature-fail':
      return t.error;
    case 'signature':
      return t.info;
    default:
      return t.accent;
  }
}

/** A readable step for axis ticks: 1, 2 or 5 × 10^k entries, about every 90 px. */
function tickStep(span: number, width: number): number {
  const raw = (span / Math.max(1, width)) * 90;
  const power = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return Math.max(1, m * power);
  return Math.max(1, 10 * power);
}

const TICK_FORMAT = new Intl.NumberFormat('en-US');

function formatTick(n: number): string {
  if (n >= 1_000_000 && n % 100_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 10_000 && n % 1000 === 0) return `${n / 1000}k`;
  return TICK_FORMAT.format(n);
}

function drawGlyph(ctx: CanvasRenderingContext2D, glyph: Glyph, x: number, y: number, h: number, w: number): void {
  const mid = y + h / 2;
  const r = Math.min(5, h / 2 - 1.5);
  ctx.beginPath();
  switch (glyph) {
    case 'flag':
      ctx.fillRect(x - 0.75, y + 1, 1.5, h - 2);
      ctx.moveTo(x + 0.75, y + 1.5);
      ctx.lineTo(x + 7, y + 4.5);
      ctx.lineTo(x + 0.75, y + 7.5);
      break;
    case 'down':
      ctx.moveTo(x - r, mid - r * 0.8);
      ctx.lineTo(x + r, mid - r * 0.8);
      ctx.lineTo(x, mid + r * 0.9);
      break;
    case 'up':
      ctx.moveTo(x - r, mid + r * 0.8);
      ctx.lineTo(x + r, mid + r * 0.8);
      ctx.lineTo(x, mid - r * 0.9);
      break;
    case 'diamond':
      ctx.moveTo(x, mid - r);
      ctx.lineTo(x + r, mid);
      ctx.lineTo(x, mid + r);
      ctx.lineTo(x - r, mid);
      break;
    case 'cross':
      ctx.save();
      ctx.lineWidth = 2;
      ctx.strokeStyle = ctx.fillStyle;
      ctx.moveTo(x - r, mid - r);
      ctx.lineTo(x + r, mid + r);
      ctx.moveTo(x + r, mid - r);
      ctx.lineTo(x - r, mid + r);
      ctx.stroke();
      ctx.restore();
      return;
    case 'tick':
    case 'bar':
      ctx.fillRect(x - Math.max(1, w / 2), y + 2, Math.max(2, w), h - 4);
      return;
  }
  ctx.closePath();
  ctx.fill();
}

/** Buckets of `b` that the view shows: [first, last]. */
function visibleBuckets(b: TimelineBuckets, v: Viewport): [number, number] {
  const from = Math.max(b.start, Math.floor(v.start));
  const to = Math.min(b.end - 1, Math.ceil(v.end) - 1);
  if (to < from) return [0, -1];
  return [bucketOf(b.start, b.end, b.bucketCount, from), bucketOf(b.start, b.end, b.bucketCount, to)];
}

function hatch(ctx: CanvasRenderingContext2D, x0: number, x1: number, y: number, h: number, colour: string): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(x0, y, x1 - x0, h);
  ctx.clip();
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1;
  ctx.beginPath();
  const start = Math.floor((x0 - h) / 6) * 6;
  for (let x = start; x < x1; x += 6) {
    ctx.moveTo(x, y + h);
    ctx.lineTo(x + h, y);
  }
  ctx.stroke();
  ctx.restore();
}

/**
 * The table's filter: the stretches of buckets where it keeps no entry are dimmed, so what
 * matches stands out (Wireshark greys what a display filter hides).
 */
function dimUnmatched(
  ctx: CanvasRenderingContext2D,
  b: FilteredTimelineBuckets,
  x: (p: number) => number,
  plotTop: number,
  plotBottom: number,
  theme: TimelineTheme,
): void {
  const counts = b.matchCounts;
  if (counts === undefined) return;
  ctx.save();
  ctx.globalAlpha = 0.6;
  ctx.fillStyle = theme.background;
  let runStart = -1;
  for (let k = 0; k <= counts.length; k++) {
    const empty = k < counts.length && counts[k] === 0;
    if (empty && runStart < 0) runStart = k;
    if (!empty && runStart >= 0) {
      const x0 = x(bucketStart(b.start, b.end, b.bucketCount, runStart));
      const x1 = x(bucketStart(b.start, b.end, b.bucketCount, k));
      ctx.fillRect(x0, plotTop, Math.max(1, x1 - x0), plotBottom - plotTop);
      runStart = -1;
    }
  }
  ctx.restore();
}

export function drawTimeline(ctx: CanvasRenderingContext2D, scene: TimelineScene, theme: TimelineTheme): void {
  const { buckets: b, lanes, viewport: v, width, height } = scene;
  const x = (p: number): number => xOfPosition(v, width, p);
  const n = b.entryCount;
  const plotTop = AXIS_HEIGHT;
  const plotBottom = height;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, width, height);

  // Boot segments: alternate bands, so each boot reads as one block.
  const boundaries = b.softReboots.map((r) => r.boot);
  const segments = [0, ...boundaries, n];
  ctx.fillStyle = theme.band;
  for (let k = 1; k < segments.length - 1; k += 2) {
    ctx.fillRect(x(segments[k]), plotTop, x(segments[k + 1]) - x(segments[k]), plotBottom - plotTop);
  }

  // Where kexec may have lost entries: the whole column tinted, the kexec lane solid.
  const kexecLane = lanes.find((l) => l.id === 'kexec');
  for (const r of b.softReboots) {
    if (r.suspect === undefined) continue;
    const x0 = x(r.suspect.first);
    const x1 = Math.max(x(r.suspect.last + 1), x0 + 4);
    ctx.save();
    ctx.globalAlpha = 0.12;
    ctx.fillStyle = theme.error;
    ctx.fillRect(x0, plotTop, x1 - x0, plotBottom - plotTop);
    ctx.restore();
    if (kexecLane !== undefined) hatch(ctx, x0, x1, kexecLane.y + 1, kexecLane.height - 2, theme.error);
  }

  // Lane separators.
  ctx.fillStyle = theme.grid;
  for (const lane of lanes) ctx.fillRect(0, lane.y, width, 1);

  // Axis: entry positions.
  const step = tickStep(v.end - v.start, width);
  ctx.font = theme.font;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  for (let t = Math.ceil(v.start / step) * step; t <= v.end; t += step) {
    const tx = Math.round(x(t)) + 0.5;
    ctx.fillStyle = theme.grid;
    ctx.fillRect(tx - 0.5, AXIS_HEIGHT - 5, 1, plotBottom - AXIS_HEIGHT + 5);
    ctx.fillStyle = theme.muted;
    if (tx + 3 < width - 20) ctx.fillText(formatTick(t), tx + 3, AXIS_HEIGHT / 2);
  }

  // New boots: a line through every lane.
  ctx.fillStyle = theme.gridStrong;
  for (const boot of boundaries) ctx.fillRect(Math.round(x(boot)) - 0.5, plotTop, 1.5, plotBottom - plotTop);

  // Lanes. Buckets narrower than a pixel are summed into whole pixel columns (no seams, and
  // a glyph per column); wider ones are drawn with rounded edges.
  const [first, last] = visibleBuckets(b, v);
  for (const lane of lanes) {
    for (const id of lane.series) {
      const row = b.series.indexOf(id);
      if (row < 0) continue;
      const glyph = GLYPHS[id];
      ctx.fillStyle = seriesColour(id, theme);
      const paint = (x0: number, x1: number, count: number, entries: number): void => {
        const share = count / entries;
        // Glyphs stay whole at the plot's edges.
        const cx = Math.min(Math.max((x0 + x1) / 2, 5), width - 5);
        if (glyph === undefined) {
          // Density: the share of the entries under these pixels the lane holds, never invisible.
          ctx.globalAlpha = 0.18 + 0.82 * share;
          ctx.fillRect(x0, lane.y + 2, x1 - x0, lane.height - 3);
        } else if (glyph === 'tick' || glyph === 'bar') {
          // One marker among many entries must still catch the eye.
          ctx.globalAlpha = 0.8 + 0.2 * Math.min(1, share * 4);
          // A tick marks an entry (at most 8 px wide when zoomed in); a bar spans its entries.
          const w = glyph === 'tick' ? Math.min(8, Math.max(2, x1 - x0)) : Math.max(2, x1 - x0);
          drawGlyph(ctx, glyph, glyph === 'tick' ? cx : (x0 + x1) / 2, lane.y, lane.height, w);
        } else {
          drawGlyph(ctx, glyph, cx, lane.y, lane.height, x1 - x0);
        }
        ctx.globalAlpha = 1;
      };
      let column = -1;
      let columnCount = 0;
      let columnEntries = 0;
      const flush = (): void => {
        if (columnCount > 0) paint(column, column + 1, columnCount, columnEntries);
        columnCount = 0;
        columnEntries = 0;
      };
      for (let k = first; k <= last; k++) {
        const from = bucketStart(b.start, b.end, b.bucketCount, k);
        const to = bucketStart(b.start, b.end, b.bucketCount, k + 1);
        const count = b.counts[row * b.bucketCount + k];
        const x0 = Math.round(x(from));
        const x1 = Math.round(x(to));
        if (x1 - x0 >= 2) {
          flush();
          if (count > 0) paint(x0, x1, count, to - from);
          continue;
        }
        if (x0 !== column) {
          flush();
          column = x0;
        }
        columnCount += count;
        columnEntries += to - from;
      }
      flush();
    }
  }
  const breakdownLane = lanes.find((l) => l.style === 'breakdown');
  if (breakdownLane !== undefined && b.breakdown !== undefined) {
    drawBreakdown(ctx, b, b.breakdown, { top: breakdownLane.y + 2, height: breakdownLane.height - 3 }, x, first, last);
  }

  // Byte-order runs are known exactly: draw them as bars over the ticks.
  const byteLane = lanes.find((l) => l.id === 'byte-order');
  if (byteLane !== undefined) {
    ctx.fillStyle = theme.warning;
    for (const run of b.byteOrderRuns) {
      const x0 = x(run.first);
      const x1 = Math.max(x0 + 2, x(run.last + 1));
      if (x1 < 0 || x0 > width) continue;
      ctx.fillRect(x0, byteLane.y + 4, x1 - x0, byteLane.height - 8);
    }
  }

  // Say what the red band means, beside it where there is room.
  if (kexecLane !== undefined) {
    ctx.font = theme.font;
    ctx.textBaseline = 'middle';
    ctx.fillStyle = theme.error;
    for (const r of b.softReboots) {
      if (r.suspect === undefined) continue;
      const text = r.outcome === 'no-markers' ? 'no kexec records: entries may be lost' : 'no kexec_execute: entries lost';
      const textWidth = ctx.measureText(text).width;
      const x0 = x(r.suspect.first);
      const x1 = Math.max(x(r.suspect.last + 1), x0 + 4);
      const midY = kexecLane.y + kexecLane.height / 2;
      if (x1 + 6 + textWidth < width) {
        ctx.textAlign = 'left';
        ctx.fillText(text, x1 + 6, midY);
      } else if (x0 - 6 - textWidth > 0) {
        ctx.textAlign = 'right';
        ctx.fillText(text, x0 - 6, midY);
      }
    }
    ctx.textAlign = 'left';
  }

  // Where the replay meets the quote or PCRs; what was measured after is hatched.
  const matchLane = lanes.find((l) => l.id === 'match');
  if (matchLane !== undefined && b.matches.length === 0 && b.valuesChecked) {
    ctx.font = theme.font;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    ctx.fillStyle = theme.error;
    ctx.fillText('no prefix of the log reproduces the quote or PCR values', 6, matchLane.y + matchLane.height / 2);
  }
  for (const m of b.matches) {
    const mx = Math.round(x(m.matchedEntries)) - 0.5;
    ctx.fillStyle = theme.ok;
    ctx.globalAlpha = 0.8;
    ctx.fillRect(mx - 0.5, plotTop, 1.5, plotBottom - plotTop);
    ctx.globalAlpha = 1;
    if (matchLane !== undefined && !m.wholeLog && m === b.matches[b.matches.length - 1]) {
      hatch(ctx, mx + 1, x(n), matchLane.y + 2, matchLane.height - 4, theme.warning);
    }
  }

  dimUnmatched(ctx, b, x, plotTop, plotBottom, theme);

  // The table's range filter: everything outside it dimmed.
  if (scene.range !== undefined) {
    ctx.save();
    ctx.globalAlpha = 0.55;
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, plotTop, Math.max(0, x(scene.range.start)), plotBottom - plotTop);
    const rx = x(scene.range.end);
    ctx.fillRect(rx, plotTop, Math.max(0, width - rx), plotBottom - plotTop);
    ctx.restore();
    ctx.fillStyle = theme.accent;
    ctx.fillRect(x(scene.range.start) - 1, plotTop, 2, plotBottom - plotTop);
    ctx.fillRect(rx - 1, plotTop, 2, plotBottom - plotTop);
  }
  if (scene.brush !== undefined) {
    const bx0 = x(Math.min(scene.brush.start, scene.brush.end));
    const bx1 = x(Math.max(scene.brush.start, scene.brush.end));
    ctx.save();
    ctx.globalAlpha = 0.18;
    ctx.fillStyle = theme.accent;
    ctx.fillRect(bx0, plotTop, bx1 - bx0, plotBottom - plotTop);
    ctx.restore();
  }
  if (scene.hover !== undefined) {
    ctx.fillStyle = theme.muted;
    ctx.fillRect(Math.round(x(scene.hover + 0.5)) - 0.5, plotTop, 1, plotBottom - plotTop);
  }
  if (scene.selected !== undefined && scene.selected < n) {
    // A thin solid line when an entry is narrower than a few pixels, else a tinted column
    // with solid edges, so the glyphs of the selected entry stay readable.
    const sx = x(scene.selected);
    const sw = x(scene.selected + 1) - sx;
    ctx.fillStyle = theme.selection;
    if (sw < 4) {
      ctx.fillRect(sx + sw / 2 - 1, 0, 2, plotBottom);
    } else {
      ctx.globalAlpha = 0.22;
      ctx.fillRect(sx, plotTop, sw, plotBottom - plotTop);
      ctx.globalAlpha = 1;
      ctx.fillRect(sx, 0, 1.5, plotBottom);
      ctx.fillRect(sx + sw - 1.5, 0, 1.5, plotBottom);
    }
  }
}

/**
 * The breakdown lane: each pixel column holds every entry under it, stacked bottom-up by
 * category in legend order, each band as tall as its share; so a million entries read as
 * "modules here, executables there" rather than one solid bar.
 */
export function drawBreakdown(
  ctx: CanvasRenderingContext2D,
  b: TimelineBuckets,
  breakdown: TimelineBreakdown,
  band: { readonly top: number; readonly height: number },
  x: (p: number) => number,
  first: number,
  last: number,
): void {
  const C = breakdown.names.length;
  const sums = new Float64Array(C);
  const { top, height: h } = band;
  let x0 = -1;
  let x1 = -1;
  let entries = 0;
  const paint = (): void => {
    if (entries === 0) return;
    let y = top + h;
    for (let c = 0; c < C; c++) {
      if (sums[c] === 0) continue;
      const bandHeight = (sums[c] / entries) * h;
      ctx.fillStyle = categoryColour(breakdown.mode, breakdown.names[c], c);
      // Half-pixel bands are rounded up to one, so a rare category still shows.
      ctx.fillRect(x0, y - Math.max(1, bandHeight), x1 - x0, Math.max(1, bandHeight));
      y -= bandHeight;
    }
    sums.fill(0);
    entries = 0;
  };
  for (let k = first; k <= last; k++) {
    const from = bucketStart(b.start, b.end, b.bucketCount, k);
    const to = bucketStart(b.start, b.end, b.bucketCount, k + 1);
    const bx0 = Math.round(x(from));
    const bx1 = Math.max(bx0 + 1, Math.round(x(to)));
    if (bx0 !== x0) {
      paint();
      x0 = bx0;
    }
    x1 = Math.max(x1, bx1);
    for (let c = 0; c < C; c++) sums[c] += breakdown.counts[c * b.bucketCount + k];
    entries += to - from;
  }
  paint();
}
