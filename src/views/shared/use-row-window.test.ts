import { describe, expect, it } from 'vitest';
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/react-virtual';
import {
  BLOCK_ROWS,
  blockOptions,
  MAX_SCROLL_PX,
  realTop,
  ROW_HEIGHT_PX,
  rowsOfBlocks,
  scrollHeightOf,
  scrollOffsetFor,
  scrollTopFor,
  windowTop,
} from './use-row-window';

describe('rowsOfBlocks', () => {
  it('lists every row of the blocks, each a row below the one before, and stops at the last row', () => {
    const rows = rowsOfBlocks(2, 4, 2 * BLOCK_ROWS + 5);
    expect(rows.map((r) => r.index)).toEqual([...Array(5).keys()].map((k) => 2 * BLOCK_ROWS + k));
    expect(rows.map((r) => r.start)).toEqual([0, 1, 2, 3, 4].map((k) => k * ROW_HEIGHT_PX));
    expect(rowsOfBlocks(0, 0, 100)).toEqual([]);
  });
});

describe('scrollOffsetFor', () => {
  const H = ROW_HEIGHT_PX;
  it('leaves a row that shows whole where it is, and scrolls the least to show one that does not', () => {
    expect(scrollOffsetFor(10, 'auto', 5 * H, 20 * H)).toBeUndefined();
    expect(scrollOffsetFor(3, 'auto', 5 * H, 20 * H)).toBe(3 * H);
    expect(scrollOffsetFor(30, 'auto', 5 * H, 20 * H)).toBe(31 * H - 20 * H);
    // Partly hidden at the bottom: scrolled just enough.
    expect(scrollOffsetFor(25, 'auto', 5 * H + 10, 20 * H)).toBe(26 * H - 20 * H);
  });

  it('centres a row, never above the top', () => {
    expect(scrollOffsetFor(500_000, 'center', 0, 900)).toBe(500_000 * H + H / 2 - 450);
    expect(scrollOffsetFor(2, 'center', 0, 900)).toBe(0);
  });
});

describe('blockOptions', () => {
  const table = (count: number) => ({
    ...blockOptions(count),
    getScrollElement: () => null,
    observeElementRect: observeElementRect<HTMLDivElement>,
    observeElementOffset: observeElementOffset<HTMLDivElement>,
    scrollToFn: elementScroll<HTMLDivElement>,
  });

  it('sizes the table to its rows, also when the row count changes within the last block', () => {
    const virtualizer = new Virtualizer<HTMLDivElement, Element>(table(1000));
    expect(virtualizer.getTotalSize()).toBe(1000 * ROW_HEIGHT_PX);
    // 1,000 and 1,005 rows are both 63 blocks: the virtualiser must still measure again.
    virtualizer.setOptions(table(1005));
    expect(virtualizer.getTotalSize()).toBe(1005 * ROW_HEIGHT_PX);
    virtualizer.setOptions(table(0));
    expect(virtualizer.getTotalSize()).toBe(0);
  });
});

describe('a table taller than MAX_SCROLL_PX', () => {
  const H = ROW_HEIGHT_PX;
  const VIEW = 600;
  const count = 2_000_000; // 52 million pixels of rows

  it('scrolls an area of MAX_SCROLL_PX whose ends meet the rows\' ends', () => {
    expect(scrollHeightOf(count)).toBe(MAX_SCROLL_PX);
    expect(realTop(0, count, VIEW)).toBe(0);
    // Scrolled to the bottom, the last row's bottom is the viewport's.
    expect(realTop(MAX_SCROLL_PX - VIEW, count, VIEW)).toBeCloseTo(count * H - VIEW, 3);
    expect(scrollTopFor(realTop(1234567, count, VIEW), count, VIEW)).toBeCloseTo(1234567, 3);
  });

  it('places the window so that its first row shows where the rows\' offset puts it', () => {
    const scrollTop = 7_000_000;
    const real = realTop(scrollTop, count, VIEW);
    const first = Math.floor(real / H) - 5;
    // Screen position of the window's first row = window top - scrollTop = its offset - real.
    expect(windowTop(first, scrollTop, count, VIEW) - scrollTop).toBeCloseTo(first * H - real, 3);
  });

  it('is not scaled, and the window sits at its first row, when the rows fit', () => {
    expect(scrollHeightOf(1000)).toBe(1000 * H);
    expect(realTop(500, 1000, VIEW)).toBe(500);
    expect(windowTop(40, 123, 1000, VIEW)).toBe(40 * H);
  });

  it('gives TanStack Virtual blocks that add up to the scroll area', () => {
    const virtualizer = new Virtualizer<HTMLDivElement, Element>({
      ...blockOptions(count),
      getScrollElement: () => null,
      observeElementRect: observeElementRect<HTMLDivElement>,
      observeElementOffset: observeElementOffset<HTMLDivElement>,
      scrollToFn: elementScroll<HTMLDivElement>,
    });
    expect(virtualizer.getTotalSize()).toBeCloseTo(MAX_SCROLL_PX, 0);
  });
});
