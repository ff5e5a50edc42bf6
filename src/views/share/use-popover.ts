/**
 * A menu or panel that hangs off a top-bar button: open state, closed by Escape (focus back
 * on the button) or by a pointer press outside both.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';

export interface Popover {
  readonly open: boolean;
  setOpen(open: boolean): void;
  readonly buttonRef: RefObject<HTMLButtonElement | null>;
  readonly panelRef: RefObject<HTMLDivElement | null>;
}

export function usePopover(): Popover {
  const [open, setOpenState] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const setOpen = useCallback((next: boolean) => setOpenState(next), []);

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent): void => {
      const target = e.target as Node | null;
      if (target === null || panelRef.current?.contains(target) || buttonRef.current?.contains(target)) return;
      setOpenState(false);
    };
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape') return;
      setOpenState(false);
      buttonRef.current?.focus();
    };
    window.addEventListener('pointerdown', onPointer);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('pointerdown', onPointer);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return { open, setOpen, buttonRef, panelRef };
}
