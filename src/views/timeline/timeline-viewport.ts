/**
 * The timeline's viewport: which entries the plot shows, as a fractional range of entry
 * positions [start, end) within [0, entryCount). Zoom keeps the entry under the cursor where
 * it is; pan moves by entries; both stay inside the log and never show fewer than
 * MIN_SPAN entries. Pure, so the interaction maths is testable without a canvas.
 */

export interface Viewport {
  readonly start: number;
  readonly end: number;
}

/** The narrowest view: a few entries across the whole plot. */
export const MIN_SPAN = 8;

export function fullViewport(entryCount: number): Viewport {
  return { start: 0, end: Math.max(1, entryCount) };
}

/** Moves `v` inside [0, entryCount], keeping its span (shrunk to the log if larger). */
export function clampViewport(v: Viewport, entryCount: number): Viewport {
  const total = Math.max(1, entryCount);
  const span = Math.min(total, Math.max(Math.min(MIN_SPAN, total), v.end - v.start));
  const start = Math.min(Math.max(0, v.start), total - span);
  return { start, end: start + span };
}

/** Zooms by `factor` (< 1 zooms in) around the entry at `anchor` ∈ [0, 1] of the plot width. */
export function zoomViewport(v: Viewport, factor: number, anchor: number, entryCount: number): Viewport {
  const span = v.end - v.start;
  const at = v.start + anchor * span;
  const next = span * factor;
  return clampViewport({ start: at - anchor * next, end: at - anchor * next + next }, entryCount);
}

export function panViewport(v: Viewport, entries: number, entryCount: number): Viewport {
  return clampViewport({ start: v.start + entries, end: v.end + entries }, entryCount);
}

/** A view centred on `index` with the given span (go to an entry from elsewhere). */
export function centreViewport(v: Viewport, index: number, entryCount: number): Viewport {
  const span = v.end - v.start;
  return clampViewport({ start: index + 0.5 - span / 2, end: index + 0.5 + span / 2 }, entryCount);
}

/** Plot x (CSS pixels) of entry position `p` (an entry i spans p = i … i + 1). */
export function xOfPosition(v: Viewport, width: number, p: number): number {
  return ((p - v.start) / (v.end - v.start)) * width;
}

/** The entry under plot x. */
export function entryAtX(v: Viewport, width: number, x: number, entryCount: number): number {
  const p = v.start + (x / width) * (v.end - v.start);
  return Math.min(Math.max(0, Math.floor(p)), Math.max(0, entryCount - 1));
}

/** The whole entries a view shows: [first, last + 1). */
export function visibleEntries(v: Viewport, entryCount: number): { readonly start: number; readonly end: number } {
  const start = Math.max(0, Math.floor(v.start));
  return { start, end: Math.max(start + 1, Math.min(Math.max(1, entryCount), Math.ceil(v.end))) };
}

/**
 * The window to fetch for a view (Perfetto's TimelineFetcher): the view padded by its own
 * span on each side, in buckets of a power-of-two number of entries no finer than a pixel,
 * aligned to 64 buckets so that small pans ask for the same window again.
 */
export function fetchWindowFor(
  v: Viewport,
  width: number,
  entryCount: number,
): { readonly start: number; readonly end: number; readonly bucketCount: number; readonly entriesPerBucket: number } {
  const span = v.end - v.start;
  const perPixel = span / Math.max(1, width);
  const entriesPerBucket = perPixel <= 1 ? 1 : 2 ** Math.ceil(Math.log2(perPixel));
  const align = entriesPerBucket * 64;
  const start = Math.max(0, Math.floor((v.start - span) / align) * align);
  const end = Math.min(Math.max(1, entryCount), Math.ceil((v.end + span) / align) * align);
  return { start, end, bucketCount: Math.max(1, Math.ceil((end - start) / entriesPerBucket)), entriesPerBucket };
}
