'use client';

import { useCallback, useEffect, useState } from 'react';
import type { SortField, TrackFilters } from '@/server/tracks/schemas';

export type Filters = Omit<TrackFilters, 'q'>;
export interface Sort {
  field: SortField;
  dir: 'asc' | 'desc';
}
export interface LibraryView {
  q: string;
  filters: Filters;
  /** null: the natural order (relevance when searching, newest first otherwise). */
  sort: Sort | null;
}

const RANGES = [
  ['bpmMin', 'bpmMax'],
  ['yearMin', 'yearMax'],
  ['energyMin', 'energyMax'],
  ['addedFrom', 'addedTo'],
] as const;

const EMPTY: LibraryView = { q: '', filters: {}, sort: null };

function fromUrl(search: string): LibraryView {
  const p = new URLSearchParams(search);
  const sort = p.get('sort')?.split('.');
  let filters: Filters = {};
  try {
    filters = JSON.parse(p.get('f') ?? '{}') as Filters;
  } catch {
    // a hand-edited URL: start without filters
  }
  return {
    q: p.get('q') ?? '',
    filters: filters && typeof filters === 'object' ? filters : {},
    sort: sort?.length === 2 ? { field: sort[0] as SortField, dir: sort[1] === 'asc' ? 'asc' : 'desc' } : null,
  };
}

function toUrl(v: LibraryView): string {
  const p = new URLSearchParams(window.location.search);
  const set = (k: string, val: string | null) => (val ? p.set(k, val) : p.delete(k));
  set('q', v.q || null);
  set('sort', v.sort ? `${v.sort.field}.${v.sort.dir}` : null);
  set('f', Object.keys(v.filters).length ? JSON.stringify(v.filters) : null);
  const s = p.toString();
  return `${window.location.pathname}${s ? `?${s}` : ''}`;
}

/** The library's search, filters and sort, kept in the address so reload and back restore the view. */
export function useLibraryView() {
  const [view, setView] = useState<LibraryView>(EMPTY);
  useEffect(() => {
    setView(fromUrl(window.location.search));
    const onPop = () => setView(fromUrl(window.location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const update = useCallback((change: Partial<LibraryView> | ((v: LibraryView) => Partial<LibraryView>)) => {
    setView((v) => {
      const next = { ...v, ...(typeof change === 'function' ? change(v) : change) };
      window.history.replaceState(window.history.state, '', toUrl(next));
      return next;
    });
  }, []);
  /** Changes some filters at once; `undefined` (or an empty list) removes one. Ranges are kept in order. */
  const patchFilters = useCallback(
    (patch: Partial<Filters>) =>
      update((v) => {
        const filters: Record<string, unknown> = { ...v.filters };
        for (const [k, val] of Object.entries(patch)) {
          if (val === undefined || (Array.isArray(val) && val.length === 0)) delete filters[k];
          else filters[k] = val;
        }
        for (const [lo, hi] of RANGES) {
          const a = filters[lo] as number | undefined;
          const b = filters[hi] as number | undefined;
          if (a !== undefined && b !== undefined && a > b) [filters[lo], filters[hi]] = [b, a];
        }
        return { filters: filters };
      }),
    [update],
  );
  return { view, update, patchFilters };
}

export const activeFilterCount = (f: Filters) => Object.keys(f).filter((k) => k !== 'bpmHalfDouble').length;
