/**
 * The rows a virtualised table renders, with the visible range reported up: the pane fetches
 * that window of rows from the worker (usePagedRows). The virtualiser stays in the table
 * component that calls this.
 *
 * Rows have one fixed height, so TanStack Virtual places blocks of BLOCK_ROWS rows rather
 * than rows: it keeps a measurement per item (two float64s and a slot, ~20 bytes), which at
 * a million rows is 20 MB on the page; per block of 16 it is 1.3 MB. The rows of the blocks
 * on screen (one block of overscan each side) are rendered, each at its own position.
 */
import { useCallback, useEffect, useMemo, useRef, type CSSProperties } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { RowRange } from '../../worker/protocol';

/** The height of every table row, in CSS pixels (the tables' CSS says the same). */
export const ROW_HEIGHT_PX = 26;
/** Rows per virtualised block: a screen of ~35 rows spans 3–4 blocks, ~100 rows rendered. */
export const BLOCK_ROWS = 16;

/** One rendered row: its position in the table and its top, in pixels. */
export interface RowItem {
  readonly index: number;
  readonly start: number;
}

/**
 * Where a rendered row sits: at `top`, not a transform. A million rows put rows 26 million
 * pixels down, where the compositor's float precision makes transformed rows overlap; layout
 * units do not.
 */
export function rowPosition(item: RowItem): CSSProperties {
  return { top: `${item.start}px` };
}

/** The rows of blocks [firstBlock, endBlock) of a table of `count` rows. */
export function rowsOfBlocks(firstBlock: number, endBlock: number, count: number): RowItem[] {
  const items: RowItem[] = [];
  const end = Math.min(count, endBlock * BLOCK_ROWS);
  for (let index = firstBlock * BLOCK_ROWS; index < end; index++) items.push({ index, start: index * ROW_HEIGHT_PX });
  return items;
}

/**
 * The scroll offset that brings `row` into a viewport at `scrollTop` of `height` pixels:
 * centred, or ('auto') the least scroll that shows it whole; undefined when it already shows.
 */
export function scrollOffsetFor(row: number, align: 'auto' | 'center', scrollTop: number, height: number): number | undefined {
  const top = row * ROW_HEIGHT_PX;
  if (align === 'center') return Math.max(0, top + ROW_HEIGHT_PX / 2 - height / 2);
  if (top < scrollTop) return top;
  if (top + ROW_HEIGHT_PX > scrollTop + height) return top + ROW_HEIGHT_PX - height;
  return undefined;
}

/**
 * TanStack Virtual's options for a table of `count` rows in blocks. The last block holds the
 * rows left over. The virtualiser measures again only when `count` or `getItemKey` changes,
 * not `estimateSize`, and 1,000 and 1,005 rows are both 63 blocks: so `getItemKey` is made
 * anew for each row count (call this once per count).
 */
export function blockOptions(count: number) {
  return {
    count: Math.ceil(count / BLOCK_ROWS),
    estimateSize: (block: number) => Math.min(BLOCK_ROWS, count - block * BLOCK_ROWS) * ROW_HEIGHT_PX,
    getItemKey: (block: number) => block,
    overscan: 1,
  };
}

export function useRowWindow(count: number, onVisibleRangeChange: (range: RowRange) => void) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const options = useMemo(() => blockOptions(count), [count]);
  const virtualizer = useVirtualizer({ ...options, getScrollElement: () => scrollRef.current });
  const blocks = virtualizer.getVirtualItems();
  const firstBlock = blocks[0]?.index ?? 0;
  const endBlock = (blocks[blocks.length - 1]?.index ?? -1) + 1;
  const items = useMemo(() => rowsOfBlocks(firstBlock, endBlock, count), [firstBlock, endBlock, count]);
  const firstVisible = items[0]?.index ?? 0;
  const lastVisible = (items[items.length - 1]?.index ?? -1) + 1;
  useEffect(() => {
    onVisibleRangeChange({ start: firstVisible, end: lastVisible });
  }, [firstVisible, lastVisible, onVisibleRangeChange]);

  const scrollToRow = useCallback(
    (row: number, align: 'auto' | 'center') => {
      const element = scrollRef.current;
      if (element === null) return;
      const offset = scrollOffsetFor(row, align, element.scrollTop, element.clientHeight);
      if (offset !== undefined) virtualizer.scrollToOffset(offset, { align: 'start' });
    },
    [virtualizer],
  );
  return { scrollRef, items, totalSize: virtualizer.getTotalSize(), scrollToRow };
}
