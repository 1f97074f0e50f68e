'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useTRPC } from '../../_trpc/client';

/**
 * Every change a playlist page makes, wired alike: each refreshes the playlists when it settles
 * (errors are told by the one mutation error handler); a copy opens the new playlist.
 */
export function usePlaylistMutations() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const onSettled = () => qc.invalidateQueries(trpc.playlists.pathFilter());
  return {
    move: useMutation(trpc.playlists.moveEntries.mutationOptions({ onSettled })),
    remove: useMutation(trpc.playlists.removeEntries.mutationOptions({ onSettled })),
    add: useMutation(trpc.playlists.addTracks.mutationOptions({ onSettled })),
    update: useMutation(trpc.playlists.update.mutationOptions({ onSettled })),
    split: useMutation(trpc.playlists.splitSession.mutationOptions({ onSettled, onSuccess: (s) => router.push(`/playlists/${s.id}`) })),
    copy: useMutation(trpc.playlists.copyAsStatic.mutationOptions({ onSettled, onSuccess: (p) => router.push(`/playlists/${p.id}`) })),
    convert: useMutation(trpc.playlists.convertToStatic.mutationOptions({ onSettled })),
    finalize: useMutation(trpc.playlists.finalizeSession.mutationOptions({ onSettled })),
  };
}

export type PlaylistMutations = ReturnType<typeof usePlaylistMutations>;
