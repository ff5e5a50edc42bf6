/**
 * The rows a virtualised table renders (TanStack Virtual, fixed row heights, so a million rows
 * cost the same as forty), with the visible range reported up: the pane fetches that window
 * of rows from the worker (usePagedRows). The virtualiser stays in the table component that
 * calls this.
 */
import { useEffect, useRef, type CSSProperties } from 'react';
import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import type { RowRange } from '../../worker/protocol';

/** The height of every table row, in CSS pixels (the tables' CSS says the same). */
export const ROW_HEIGHT_PX = 26;

/**
 * Where a rendered row sits: at `top`, not a transform. A million rows put rows 26 million
 * pixels down, where the compositor's float precision makes transformed rows overlap; layout
 * units do not.
 */
export function rowPosition(item: VirtualItem): CSSProperties {
  return { top: `${item.start}px` };
}

export function useRowWindow(count: number, onVisibleRangeChange: (range: RowRange) => void) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT_PX,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const firstVisible = items[0]?.index ?? 0;
  const lastVisible = (items[items.length - 1]?.index ?? -1) + 1;
  useEffect(() => {
    onVisibleRangeChange({ start: firstVisible, end: lastVisible });
  }, [firstVisible, lastVisible, onVisibleRangeChange]);
  return { scrollRef, virtualizer, items };
}
