/**
 * Perfetto's WASD anywhere in the inspector but in a text field: W / S zoom in / out around
 * the pointer when it is over the plot (else the centre), A / D pan by a fifth of the view.
 * A held key repeats (the browser's key repeat), so a long press zooms smoothly enough.
 */
import { useEffect, type MutableRefObject } from 'react';
import { useInspectorStoreApi } from '../../store/use-inspector';
import { isShortcutKey } from '../shared/is-typing';
import { panViewport, zoomViewport, type Viewport } from './timeline-viewport';

/** One key press zooms by this factor (Perfetto's is about the same per frame). */
const ZOOM_STEP = 0.8;
const PAN_STEP = 0.2;

export function useTimelineKeys(
  viewportRef: MutableRefObject<Viewport>,
  setViewport: (v: Viewport) => void,
  entryCount: number,
  /** Where the pointer is over the plot, as a share of its width; undefined when it is not. */
  pointerRef: MutableRefObject<number | undefined>,
): void {
  const store = useInspectorStoreApi();
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!isShortcutKey(e) || store.getState().helpOpen) return;
      const v = viewportRef.current;
      const span = v.end - v.start;
      const anchor = pointerRef.current ?? 0.5;
      switch (e.key.toLowerCase()) {
        case 'w':
          setViewport(zoomViewport(v, ZOOM_STEP, anchor, entryCount));
          break;
        case 's':
          setViewport(zoomViewport(v, 1 / ZOOM_STEP, anchor, entryCount));
          break;
        case 'a':
          setViewport(panViewport(v, -span * PAN_STEP, entryCount));
          break;
        case 'd':
          setViewport(panViewport(v, span * PAN_STEP, entryCount));
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, viewportRef, setViewport, entryCount, pointerRef]);
}
