/**
 * The rows a virtualised table renders, with the visible range reported up: the pane fetches
 * that window of rows from the worker (usePagedRows). The virtualiser stays in the table
 * component that calls this.
 *
 * Rows have one fixed height, so TanStack Virtual places blocks of BLOCK_ROWS rows rather
 * than rows: it keeps a measurement per item (two float64s and a slot, ~20 bytes), which at
 * a million rows is 20 MB on the page; per block of 16 it is 1.3 MB. The rows of the blocks
 * on screen (one block of overscan each side) are rendered in a "window" element.
 *
 * Browsers cap an element's height (Firefox at 17.9 million pixels, 688,000 rows; Chrome at
 * 33.5 million), so a table taller than MAX_SCROLL_PX scrolls a scaled-down area: the scroll
 * offset maps linearly onto the rows' own offset (`realTop`), and the window is moved with
 * every scroll so that rows keep their full height and meet the viewport's edges at both ends.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, type CSSProperties } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { RowRange } from '../../worker/protocol';

/** The height of every table row, in CSS pixels (the tables' CSS says the same). */
export const ROW_HEIGHT_PX = 26;
/** Rows per virtualised block: a screen of ~35 rows spans 3–4 blocks, ~100 rows rendered. */
export const BLOCK_ROWS = 16;
/** The tallest scroll area a table makes (under every browser's limit); taller ones scale. */
export const MAX_SCROLL_PX = 15_000_000;

/** One rendered row: its position in the table and its top within the window element. */
export interface RowItem {
  readonly index: number;
  readonly start: number;
}

/**
 * Where a rendered row sits: at `top`, not a transform. Rows far down a table sit millions of
 * pixels down, where the compositor's float precision makes transformed rows overlap; layout
 * units do not.
 */
export function rowPosition(item: RowItem): CSSProperties {
  return { top: `${item.start}px` };
}

/** The rows of blocks [firstBlock, endBlock) of a table of `count` rows, tops from the first. */
export function rowsOfBlocks(firstBlock: number, endBlock: number, count: number): RowItem[] {
  const items: RowItem[] = [];
  const first = firstBlock * BLOCK_ROWS;
  const end = Math.min(count, endBlock * BLOCK_ROWS);
  for (let index = first; index < end; index++) items.push({ index, start: (index - first) * ROW_HEIGHT_PX });
  return items;
}

/** The height of the scroll area of `count` rows: their own height, or MAX_SCROLL_PX. */
export function scrollHeightOf(count: number): number {
  return Math.min(count * ROW_HEIGHT_PX, MAX_SCROLL_PX);
}

/**
 * The rows' own offset at the top of a viewport `view` pixels tall scrolled to `scrollTop`:
 * the scroll offset itself, or in a scaled table its linear map, so that both ends meet.
 */
export function realTop(scrollTop: number, count: number, view: number): number {
  const rows = count * ROW_HEIGHT_PX;
  const area = scrollHeightOf(count);
  if (rows === area || area <= view) return scrollTop;
  // Within a pixel of the end counts as the end: the browser rounds the viewport's height.
  if (scrollTop >= area - view - 1) return rows - view;
  return (scrollTop * (rows - view)) / (area - view);
}

/** The inverse of realTop: the scroll offset that puts the rows' offset `real` at the top. */
export function scrollTopFor(real: number, count: number, view: number): number {
  const rows = count * ROW_HEIGHT_PX;
  const area = scrollHeightOf(count);
  if (rows === area || area <= view) return real;
  return (real * (area - view)) / (rows - view);
}

/**
 * The rows' offset that brings `row` into a viewport showing [top, top + height) of them:
 * centred, or ('auto') the least move that shows it whole; undefined when it already shows.
 */
export function scrollOffsetFor(row: number, align: 'auto' | 'center', top: number, height: number): number | undefined {
  const rowTop = row * ROW_HEIGHT_PX;
  if (align === 'center') return Math.max(0, rowTop + ROW_HEIGHT_PX / 2 - height / 2);
  if (rowTop < top) return rowTop;
  if (rowTop + ROW_HEIGHT_PX > top + height) return rowTop + ROW_HEIGHT_PX - height;
  return undefined;
}

/**
 * Where the window element goes, in the scroll area, so that its first row (`first`) shows at
 * the right place: with no scaling, at that row's own offset.
 */
export function windowTop(first: number, scrollTop: number, count: number, view: number): number {
  return scrollTop + first * ROW_HEIGHT_PX - realTop(scrollTop, count, view);
}

/**
 * TanStack Virtual's options for a table of `count` rows in blocks, each block as tall as its
 * rows in the scroll area (scaled when the table is). The virtualiser measures again only when
 * `count` or `getItemKey` changes, not `estimateSize`, and 1,000 and 1,005 rows are both 63
 * blocks: so `getItemKey` is made anew for each row count (call this once per count).
 */
export function blockOptions(count: number) {
  const scale = count === 0 ? 1 : scrollHeightOf(count) / (count * ROW_HEIGHT_PX);
  return {
    count: Math.ceil(count / BLOCK_ROWS),
    estimateSize: (block: number) => Math.min(BLOCK_ROWS, count - block * BLOCK_ROWS) * ROW_HEIGHT_PX * scale,
    getItemKey: (block: number) => block,
    overscan: 1,
  };
}

/**
 * `selected`: the selected row, kept in view, also once the detail pane it opens has shrunk
 * the table (hence after the next frame's layout).
 */
export function useRowWindow(count: number, onVisibleRangeChange: (range: RowRange) => void, selected?: number) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const windowRef = useRef<HTMLDivElement>(null);
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

  // A scaled table moves its window with every scroll (between the renders block changes
  // bring) and whenever the viewport's height changes (panels above opening or closing), so
  // that rows stay where realTop says. Also after every render, once layout is known.
  const scaled = count * ROW_HEIGHT_PX > MAX_SCROLL_PX;
  const placeWindow = useCallback(() => {
    const scroller = scrollRef.current;
    const element = windowRef.current;
    if (scroller === null || element === null) return;
    element.style.top = `${windowTop(firstVisible, scroller.scrollTop, count, scroller.clientHeight)}px`;
  }, [firstVisible, count]);
  useLayoutEffect(placeWindow);
  useEffect(() => {
    const scroller = scrollRef.current;
    if (!scaled || scroller === null) return undefined;
    scroller.addEventListener('scroll', placeWindow, { passive: true });
    const resized = new ResizeObserver(placeWindow);
    resized.observe(scroller);
    return () => {
      scroller.removeEventListener('scroll', placeWindow);
      resized.disconnect();
    };
  }, [scaled, placeWindow]);

  const scrollToRow = useCallback(
    (row: number, align: 'auto' | 'center') => {
      const element = scrollRef.current;
      if (element === null) return;
      const view = element.clientHeight;
      const top = realTop(element.scrollTop, count, view);
      const target = scrollOffsetFor(row, align, top, view);
      if (target === undefined) return;
      // Rounded towards showing the row whole (scroll offsets are whole pixels).
      const offset = scrollTopFor(target, count, view);
      virtualizer.scrollToOffset(target > top ? Math.ceil(offset) : Math.floor(offset), { align: 'start' });
    },
    [virtualizer, count],
  );
  useEffect(() => {
    if (selected === undefined) return undefined;
    const frame = requestAnimationFrame(() => scrollToRow(selected, 'auto'));
    return () => cancelAnimationFrame(frame);
  }, [selected, scrollToRow]);

  const initialTop = windowTop(firstVisible, scrollRef.current?.scrollTop ?? 0, count, scrollRef.current?.clientHeight ?? 0);
  return { scrollRef, windowRef, windowTop: initialTop, items, totalSize: virtualizer.getTotalSize(), scrollToRow };
}
