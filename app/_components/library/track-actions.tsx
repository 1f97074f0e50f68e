'use client';

import { useState } from 'react';
import { Lightbulb, ListPlus, Play, SquareArrowOutUpRight } from 'lucide-react';
import type { TrackRow } from '@/server/tracks/row-fields';
import { AddToPlaylistDialog } from '../playlists/add-to-playlist';
import { useThink } from '../playlists/shared';
import type { MenuItem } from '../ui/context-menu';
import { usePlayer } from './player';
import { TrackDetail } from './track-detail';

/**
 * What every list of tracks (the library, a playlist) offers on its tracks, alike: open, preview,
 * the thinking playlist (T) and add to a playlist (P) — as context-menu items, grid keys and the
 * add dialog. Views add their own items (file actions, remove from playlist) after these.
 */
export function useTrackActions({ open }: { open: (trackId: string) => void }) {
  const player = usePlayer();
  const think = useThink();
  const [adding, setAdding] = useState<string[] | null>(null);
  /** `track`: the row the menu opened on (null for a placeholder); `ids`: the selected tracks. */
  const menuItems = (track: TrackRow | null, ids: string[]): MenuItem[] => [
    { label: 'Open', icon: <SquareArrowOutUpRight size={14} />, shortcut: 'Enter', disabled: !track, run: () => track && open(track.id) },
    { label: 'Preview', icon: <Play size={14} />, shortcut: 'Space', disabled: !track, run: () => track && player.toggle(track) },
    { label: 'Thinking playlist (in / out)', icon: <Lightbulb size={14} />, shortcut: 'T', run: () => think(ids) },
    { label: 'Add to playlist…', icon: <ListPlus size={14} />, shortcut: 'P', run: () => setAdding(ids) },
  ];
  /** T and P on the track grid with tracks selected; true when the key was one of them. */
  const onGridKey = (e: React.KeyboardEvent, ids: string[]) => {
    const grid = (e.target as HTMLElement).getAttribute('data-testid') === 'track-grid';
    if (!grid || e.ctrlKey || e.metaKey || e.altKey || !ids.length) return false;
    if (e.key === 't') think(ids);
    else if (e.key === 'p') setAdding(ids);
    else return false;
    e.preventDefault();
    return true;
  };
  const dialog = <AddToPlaylistDialog trackIds={adding} onClose={() => setAdding(null)} />;
  return { menuItems, onGridKey, dialog };
}

/** The open track beside a list. */
export function TrackPanel({ id, onClose, onOpen }: { id: string; onClose: () => void; onOpen: (id: string) => void }) {
  return (
    <aside aria-label="Track" className="w-[440px] shrink-0 border-l border-line bg-panel/60" data-testid="track-panel">
      <TrackDetail key={id} id={id} variant="panel" onClose={onClose} onOpen={onOpen} />
    </aside>
  );
}
