'use client';

import { createContext, useContext, useEffect, useMemo, useRef } from 'react';
import { useQueryClient, type QueryFilters } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import type { StoredEvent } from '@/server/events/catalogue';
import { useTRPC } from '../_trpc/client';

type Listener = (e: StoredEvent) => void;
type Trpc = ReturnType<typeof useTRPC>;

/** Which queries an event makes stale; the UI refetches, events never carry whole rows. */
function filtersFor(trpc: Trpc, type: string): QueryFilters[] {
  // progress is drawn from the events themselves (useLiveEvent); refetching 4×/s would be waste
  if (type === 'library:directory:scan:progress') return [];
  if (type.startsWith('library:')) return [trpc.directories.pathFilter(), trpc.scans.pathFilter()];
  if (type.startsWith('job:')) return [trpc.jobs.pathFilter()];
  if (type.startsWith('worker:') || type.startsWith('backup:')) return [trpc.system.pathFilter()];
  if (type.startsWith('settings:')) return [trpc.settings.pathFilter()];
  // a track's BPM, key or grid correction changes the grid its waveform draws
  if (type.startsWith('track:'))
    return [
      trpc.tracks.pathFilter(),
      trpc.directories.pathFilter(),
      trpc.duplicates.pathFilter(),
      trpc.playlists.pathFilter(),
      trpc.analysis.pathFilter(),
      trpc.suggest.pathFilter(),
    ];
  if (type.startsWith('duplicate:')) return [trpc.duplicates.pathFilter()];
  if (type.startsWith('analysis')) return [trpc.analysis.pathFilter(), trpc.tracks.pathFilter(), trpc.suggest.pathFilter()];
  if (type.startsWith('audio_engine:')) return [trpc.audioEngine.pathFilter()];
  if (type === 'hot_cue:updated') return [trpc.hotCues.pathFilter(), trpc.tracks.pathFilter()];
  // suggestions leave out what this session played and weigh reactions; the marks between rows follow the order
  if (type.startsWith('session:')) return [trpc.tracks.pathFilter(), trpc.playlists.pathFilter(), trpc.suggest.pathFilter()];
  if (type.startsWith('playlist:')) return [trpc.playlists.pathFilter(), trpc.suggest.pathFilter()];
  if (type === 'file_operation:progress' || type === 'file_operation:started') return [];
  if (type.startsWith('file_operation:')) return [trpc.files.pathFilter(), trpc.tracks.pathFilter(), trpc.directories.pathFilter()];
  return [];
}

interface LiveEvents {
  status: 'idle' | 'connecting' | 'pending' | 'error';
  subscribe: (listener: Listener) => () => void;
}

const Ctx = createContext<LiveEvents>({ status: 'idle', subscribe: () => () => undefined });

/**
 * The page's one event stream (browsers allow only a few SSE connections per origin): it
 * resumes from the last event id after a reconnect, invalidates affected queries (at most a
 * few times per second per query) and hands every event to local listeners.
 */
export function LiveEventsProvider({ children }: { children: React.ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const listeners = useRef(new Set<Listener>());
  const pending = useRef(new Map<string, QueryFilters>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const sub = useSubscription(
    trpc.events.onEvent.subscriptionOptions(undefined, {
      onData: (envelope) => {
        const e = envelope.data;
        for (const f of filtersFor(trpc, e.type)) pending.current.set(JSON.stringify(f.queryKey), f);
        timer.current ??= setTimeout(() => {
          timer.current = undefined;
          const list = [...pending.current.values()];
          pending.current.clear();
          for (const f of list) void queryClient.invalidateQueries(f);
        }, 250);
        for (const l of listeners.current) l(e);
      },
    }),
  );
  useEffect(() => () => clearTimeout(timer.current), []);

  const value = useMemo<LiveEvents>(
    () => ({
      status: sub.status,
      subscribe: (l) => {
        listeners.current.add(l);
        return () => listeners.current.delete(l);
      },
    }),
    [sub.status],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export const useLiveStatus = () => useContext(Ctx).status;

/** Calls `listener` for every live event whose type starts with one of `prefixes`. */
export function useLiveEvent(prefixes: string[], listener: Listener) {
  const subscribe = useContext(Ctx).subscribe;
  const ref = useRef(listener);
  ref.current = listener;
  const key = prefixes.join('|');
  useEffect(() => {
    const list = key.split('|');
    return subscribe((e) => {
      if (list.some((p) => e.type.startsWith(p))) ref.current(e);
    });
  }, [key, subscribe]);
}
