/** The timeline's zoom, pan and fetch-window maths, without a canvas. */
import { describe, expect, it } from 'vitest';
import {
  centreViewport,
  clampViewport,
  entryAtX,
  fetchWindowFor,
  fullViewport,
  MIN_SPAN,
  panViewport,
  visibleEntries,
  xOfPosition,
  zoomViewport,
} from './timeline-viewport';

describe('viewport', () => {
  it('zooming keeps the entry under the cursor where it is', () => {
    const v = fullViewport(1000);
    const z = zoomViewport(v, 0.25, 0.3, 1000);
    expect(z.end - z.start).toBeCloseTo(250);
    expect(xOfPosition(z, 800, 300)).toBeCloseTo(0.3 * 800);
  });

  it('stays inside the log and never narrower than MIN_SPAN entries', () => {
    expect(zoomViewport(fullViewport(1000), 1e-6, 0.5, 1000).end - zoomViewport(fullViewport(1000), 1e-6, 0.5, 1000).start).toBe(MIN_SPAN);
    expect(panViewport({ start: 10, end: 110 }, -500, 1000)).toEqual({ start: 0, end: 100 });
    expect(panViewport({ start: 10, end: 110 }, 5000, 1000)).toEqual({ start: 900, end: 1000 });
    expect(zoomViewport(fullViewport(1000), 4, 0.5, 1000)).toEqual({ start: 0, end: 1000 });
    expect(clampViewport({ start: 0, end: 3 }, 2)).toEqual({ start: 0, end: 2 });
  });

  it('maps pixels to entries and back', () => {
    const v = { start: 100, end: 200 };
    expect(entryAtX(v, 1000, 0, 1000)).toBe(100);
    expect(entryAtX(v, 1000, 999, 1000)).toBe(199);
    expect(entryAtX(v, 1000, 5000, 150)).toBe(149);
    expect(visibleEntries({ start: 10.5, end: 20.2 }, 1000)).toEqual({ start: 10, end: 21 });
    expect(centreViewport(v, 500, 1000)).toEqual({ start: 450.5, end: 550.5 });
  });

  it('fetches the view padded by its span, in power-of-two buckets aligned so small pans reuse it', () => {
    const w = fetchWindowFor({ start: 400_000, end: 500_000 }, 1000, 1_000_000);
    expect(w.entriesPerBucket).toBe(128);
    expect(w.start).toBeLessThanOrEqual(300_000);
    expect(w.end).toBeGreaterThanOrEqual(600_000);
    expect(w.start % (128 * 64)).toBe(0);
    expect(fetchWindowFor({ start: 401_000, end: 501_000 }, 1000, 1_000_000)).toEqual(w);
    // Zoomed in past one entry per pixel: one entry per bucket, clamped to the log.
    expect(fetchWindowFor({ start: 0, end: 48 }, 900, 48)).toEqual({ start: 0, end: 48, bucketCount: 48, entriesPerBucket: 1 });
  });
});
