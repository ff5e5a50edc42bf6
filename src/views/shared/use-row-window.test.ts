import { describe, expect, it } from 'vitest';
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/react-virtual';
import { BLOCK_ROWS, blockOptions, ROW_HEIGHT_PX, rowsOfBlocks, scrollOffsetFor } from './use-row-window';

describe('rowsOfBlocks', () => {
  it('lists every row of the blocks, each at its own top, and stops at the last row', () => {
    const rows = rowsOfBlocks(2, 4, 2 * BLOCK_ROWS + 5);
    expect(rows.map((r) => r.index)).toEqual([...Array(5).keys()].map((k) => 2 * BLOCK_ROWS + k));
    expect(rows[0].start).toBe(2 * BLOCK_ROWS * ROW_HEIGHT_PX);
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
