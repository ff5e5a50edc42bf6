import type { ReactNode, RefObject } from 'react';

export interface RowWindowBodyProps {
  /** useRowWindow's scroll-area height, window element and its top. */
  readonly totalSize: number;
  readonly windowRef: RefObject<HTMLDivElement | null>;
  readonly windowTop: number;
  /** The table's width, when its columns make it wider than the scroller. */
  readonly minWidth?: number;
  /** The rendered rows, each placed with rowPosition. */
  readonly children: ReactNode;
}

/** A virtualised table's scroll area and the window of rows in it (see use-row-window.ts). */
export function RowWindowBody({ totalSize, windowRef, windowTop, minWidth, children }: RowWindowBodyProps) {
  return (
    <div className="row-table__body" style={{ height: `${totalSize}px`, ...(minWidth !== undefined ? { minWidth: `${minWidth}px` } : {}) }}>
      <div className="row-table__window" ref={windowRef} style={{ top: `${windowTop}px` }}>
        {children}
      </div>
    </div>
  );
}
