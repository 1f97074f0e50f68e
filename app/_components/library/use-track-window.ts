'use client';

import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import type { TrackRow } from '@/server/tracks/track-rows';
import { useTRPC } from '../../_trpc/client';
import type { LibraryView } from './view-state';

export const PAGE = 100;

/**
 * The rows of a virtual table, fetched in windows of 100 by position: the first window (with the
 * total and any did-you-mean) always, the others only while they are on screen. Jumping anywhere
 * in 100,000 rows costs one small query.
 */
export function useTrackWindow(view: LibraryView, visible: { start: number; end: number }) {
  const trpc = useTRPC();
  const base = { filters: { ...view.filters, q: view.q.trim() || undefined }, sort: view.sort ?? undefined, limit: PAGE };
  const first = useQuery({ ...trpc.tracks.list.queryOptions({ ...base, offset: 0, withTotal: true }), placeholderData: keepPreviousData });
  // once the first page says it searched a corrected query, the other windows must too
  const q = first.data?.corrected && first.data.didYouMean ? first.data.didYouMean : base.filters.q;
  const total = first.data?.total ?? 0;
  const pages: number[] = [];
  for (let p = Math.max(1, Math.floor(visible.start / PAGE)); p <= Math.floor(Math.max(0, visible.end) / PAGE) && p * PAGE < total; p++) pages.push(p);
  const rest = useQueries({
    queries: pages.map((p) => ({ ...trpc.tracks.list.queryOptions({ ...base, filters: { ...base.filters, q }, offset: p * PAGE, withTotal: false }), staleTime: 15_000 })),
  });
  const byPage = new Map<number, TrackRow[]>();
  if (first.data) byPage.set(0, first.data.items);
  pages.forEach((p, i) => {
    const items = rest[i]?.data?.items;
    if (items) byPage.set(p, items);
  });
  return {
    total,
    row: (i: number): TrackRow | undefined => byPage.get(Math.floor(i / PAGE))?.[i % PAGE],
    loading: first.isPending,
    fetching: first.isFetching || rest.some((r) => r.isFetching),
    stale: first.isPlaceholderData,
    didYouMean: first.data?.didYouMean ?? null,
    corrected: first.data?.corrected ?? false,
    warnings: first.data?.warnings ?? [],
    error: first.error,
  };
}
