'use client';

import { useEffect, type RefObject } from 'react';

/** Closes a popover (menu, picker) on Escape or a click outside `ref`, while it is open. */
export function useDismiss(ref: RefObject<HTMLElement | null>, open: boolean, close: () => void) {
  useEffect(() => {
    if (!open) return;
    const onEvent = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node)) close();
    };
    window.addEventListener('mousedown', onEvent);
    window.addEventListener('keydown', onEvent);
    return () => {
      window.removeEventListener('mousedown', onEvent);
      window.removeEventListener('keydown', onEvent);
    };
  }, [ref, open, close]);
}
