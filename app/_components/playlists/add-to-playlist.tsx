'use client';

import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { useTRPC } from '../../_trpc/client';
import { formatCount } from '../format';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Input } from '../ui/input';
import { acceptsTracks, PlaylistIcon, useAddToPlaylist, usePlaylistList } from './shared';

/** Picks a playlist (or makes a new one) for some tracks: type to filter, Enter takes the first. */
export function AddToPlaylistDialog({ trackIds, onClose }: { trackIds: string[] | null; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = usePlaylistList();
  const add = useAddToPlaylist();
  const [q, setQ] = useState('');
  const create = useMutation(trpc.playlists.create.mutationOptions({ onSettled: () => qc.invalidateQueries(trpc.playlists.pathFilter()) }));
  const targets = (list.data ?? []).filter((p) => acceptsTracks(p) && p.name.toLowerCase().includes(q.trim().toLowerCase()));
  const n = trackIds?.length ?? 0;
  const pick = (p: { id: string; name: string }) => {
    if (trackIds) add(p, trackIds);
    onClose();
  };
  const makeNew = () =>
    create.mutate(
      { name: q.trim(), type: 'static' },
      {
        onSuccess: pick,
      },
    );
  return (
    <Dialog open={!!trackIds} onClose={onClose} title={`Add ${formatCount(n)} ${n === 1 ? 'track' : 'tracks'} to a playlist`}>
      <Input
        autoFocus
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder="Filter, or name a new playlist"
        aria-label="Playlist name"
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          if (targets[0]) pick(targets[0]);
          else if (q.trim()) makeNew();
        }}
      />
      <ul className="mt-3 max-h-72 overflow-y-auto" aria-label="Playlists">
        {targets.map((p) => {
          return (
            <li key={p.id}>
              <button type="button" onClick={() => pick(p)} className="flex h-8 w-full items-center gap-2 rounded px-2 text-left text-sm hover:bg-raised">
                <PlaylistIcon p={p} size={14} className="text-faint" />
                <span className="flex-1 truncate">{p.name}</span>
                <span className="text-xs text-faint tabular-nums">{p.count}</span>
              </button>
            </li>
          );
        })}
      </ul>
      {q.trim() && !targets.some((p) => p.name.toLowerCase() === q.trim().toLowerCase()) ? (
        <Button className="mt-2" size="sm" onClick={makeNew} disabled={create.isPending}>
          <Plus size={13} /> New playlist “{q.trim()}”
        </Button>
      ) : null}
    </Dialog>
  );
}
