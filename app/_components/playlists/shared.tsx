'use client';

import { createElement, useCallback } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Coffee,
  Disc3,
  Flame,
  Folder,
  Headphones,
  Heart,
  History,
  Lightbulb,
  ListMusic,
  Moon,
  Music,
  PartyPopper,
  Sparkles,
  Star,
  Sun,
  Zap,
  type LucideIcon,
  type LucideProps,
} from 'lucide-react';
import type { AppRouter } from '@/server/trpc/router';
import type { inferRouterOutputs } from '@trpc/server';
import { useTRPC } from '../../_trpc/client';
import { formatCount } from '../format';
import { useToast } from '../ui/toast';

export type PlaylistItem = inferRouterOutputs<AppRouter>['playlists']['list'][number];
export type PlaylistEntry = inferRouterOutputs<AppRouter>['playlists']['entries'][number];

/** What a drag of tracks carries (library rows, playlist rows). */
export const TRACKS_MIME = 'application/x-mismo-tracks';
/** Entries being moved inside one playlist: `{ playlistId, entryIds }`. */
export const ENTRIES_MIME = 'application/x-mismo-entries';

/** Icons a playlist can wear; the type's own icon when none is chosen. */
export const PLAYLIST_ICONS: Record<string, LucideIcon> = {
  flame: Flame,
  moon: Moon,
  sun: Sun,
  heart: Heart,
  star: Star,
  zap: Zap,
  music: Music,
  disc: Disc3,
  headphones: Headphones,
  party: PartyPopper,
  coffee: Coffee,
};
export const PLAYLIST_COLOURS = ['#f59e0b', '#ef4444', '#ec4899', '#a855f7', '#6366f1', '#0ea5e9', '#14b8a6', '#22c55e', '#84cc16', '#a3a3a3'];

export function playlistIcon(p: Pick<PlaylistItem, 'type' | 'icon'>): LucideIcon {
  if (p.icon && PLAYLIST_ICONS[p.icon]) return PLAYLIST_ICONS[p.icon]!;
  return { static: ListMusic, smart: Sparkles, session: History, temp: Lightbulb, folder: Folder }[p.type];
}

/** A playlist's icon, in its colour when it has one. */
export function PlaylistIcon({ p, ...props }: { p: Pick<PlaylistItem, 'type' | 'icon' | 'color'> } & LucideProps) {
  return createElement(playlistIcon(p), { ...props, style: { color: p.color ?? undefined, ...props.style } });
}

/** Playlists that take tracks by hand (not smart, not a finished session, not a folder). */
export const acceptsTracks = (p: Pick<PlaylistItem, 'type' | 'isReadonly'>) => (p.type === 'static' || p.type === 'temp') && !p.isReadonly;

export function usePlaylistList() {
  const trpc = useTRPC();
  return useQuery(trpc.playlists.list.queryOptions());
}

/** Adds tracks to a playlist and says so (or why not). */
export function useAddToPlaylist() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const add = useMutation(trpc.playlists.addTracks.mutationOptions({ onSettled: () => qc.invalidateQueries(trpc.playlists.pathFilter()) }));
  return useCallback(
    (p: Pick<PlaylistItem, 'id' | 'name'>, trackIds: string[], position?: number) =>
      add.mutate(
        { id: p.id, trackIds, position },
        {
          onSuccess: (r) =>
            toast.push({
              tone: 'ok',
              text: r.added
                ? `Added ${formatCount(r.added)} ${r.added === 1 ? 'track' : 'tracks'} to “${p.name}”${r.skipped ? ` (${formatCount(r.skipped)} already there)` : ''}`
                : `Already in “${p.name}”`,
            }),
        },
      ),
    [add, toast],
  );
}

/**
 * The thinking playlist's quick key: adds the tracks, or takes them out when every one is in
 * already.
 */
export function useThink() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const thinking = useQuery(trpc.playlists.thinking.queryOptions());
  const entries = useQuery({ ...trpc.playlists.entries.queryOptions({ id: thinking.data?.id ?? '' }), enabled: !!thinking.data });
  const think = useMutation(trpc.playlists.think.mutationOptions({ onSettled: () => qc.invalidateQueries(trpc.playlists.pathFilter()) }));
  return useCallback(
    (trackIds: string[]) => {
      if (!trackIds.length) return;
      const inThere = new Set((entries.data ?? []).map((e) => e.track?.id));
      const add = !trackIds.every((id) => inThere.has(id));
      think.mutate(
        { trackIds, add },
        {
          onSuccess: (r) => {
            const n = 'added' in r ? r.added : r.removed;
            toast.push({ tone: 'ok', text: `${add ? 'Added' : 'Took'} ${formatCount(n)} ${n === 1 ? 'track' : 'tracks'} ${add ? 'to' : 'out of'} Thinking` });
          },
        },
      );
    },
    [entries.data, think, toast],
  );
}

/** Puts tracks on a drag (what playlists in the sidebar and playlist tables take). */
export function carryTracks(e: React.DragEvent, trackIds: string[], effect: 'copy' | 'copyMove' = 'copy') {
  e.dataTransfer.effectAllowed = effect;
  e.dataTransfer.setData(TRACKS_MIME, JSON.stringify(trackIds));
  e.dataTransfer.setData('text/plain', `${trackIds.length} ${trackIds.length === 1 ? 'track' : 'tracks'}`);
}

export function readTracks(dt: DataTransfer): string[] {
  try {
    const ids = JSON.parse(dt.getData(TRACKS_MIME) || '[]') as unknown;
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
