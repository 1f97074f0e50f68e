'use client';

import { useSyncExternalStore } from 'react';

const noop = () => () => undefined;

/**
 * False while React hydrates server HTML, true from the first client render after it. A part
 * inside a Suspense boundary hydrates late — after queries other parts share may have answered —
 * so what it shows from those queries must wait for this, or it differs from the server's HTML.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
}
