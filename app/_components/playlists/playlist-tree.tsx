'use client';

import { useState } from 'react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { ChevronRight, Plus } from 'lucide-react';
import { cn } from '../ui/cn';
import { acceptsTracks, PlaylistIcon, readTracks, TRACKS_MIME, useAddToPlaylist, usePlaylistList, type PlaylistItem } from './shared';

const SESSIONS_SHOWN = 8;

/**
 * The playlists in the sidebar: the thinking playlist, favourites, the folder tree, recent DJ
 * sessions. Tracks dragged from any table drop onto a playlist.
 */
export function PlaylistTree() {
  const list = usePlaylistList();
  const all = list.data ?? [];
  const children = new Map<string | null, PlaylistItem[]>();
  for (const p of all) {
    if (p.type === 'session' || p.type === 'temp') continue;
    const k = p.parentId ?? null;
    children.set(k, [...(children.get(k) ?? []), p]);
  }
  const thinking = all.find((p) => p.type === 'temp');
  const favourites = all.filter((p) => p.isFavorite && p.type !== 'folder');
  const sessions = all.filter((p) => p.type === 'session').sort((a, b) => (b.sessionStartedAt ?? 0) - (a.sessionStartedAt ?? 0));
  return (
    <div className="flex min-h-0 flex-1 flex-col overflow-y-auto px-2 pt-4 pb-3" aria-label="Playlists" role="tree" data-testid="playlist-tree">
      <div className="flex items-center justify-between px-2.5 pb-1 text-[11px] font-semibold tracking-wider text-faint uppercase">
        Playlists
        <Link href="/playlists?new=static" className="rounded p-0.5 hover:bg-raised hover:text-fg" title="New playlist" aria-label="New playlist">
          <Plus size={14} />
        </Link>
      </div>
      {thinking ? <Item p={thinking} depth={0} /> : null}
      {favourites.map((p) => (
        <Item key={`fav-${p.id}`} p={p} depth={0} />
      ))}
      {favourites.length ? <div className="mx-2.5 my-1 border-t border-line" /> : null}
      <Branch parent={null} depth={0} childrenOf={children} />
      {sessions.length ? (
        <>
          <div className="flex items-center justify-between px-2.5 pt-3 pb-1 text-[11px] font-semibold tracking-wider text-faint uppercase">
            Sessions
            {sessions.length > SESSIONS_SHOWN ? (
              <Link href="/playlists?view=sessions" className="normal-case hover:text-fg">
                all {sessions.length}
              </Link>
            ) : null}
          </div>
          {sessions.slice(0, SESSIONS_SHOWN).map((p) => (
            <Item key={p.id} p={p} depth={0} />
          ))}
        </>
      ) : null}
    </div>
  );
}

function Branch({ parent, depth, childrenOf }: { parent: string | null; depth: number; childrenOf: Map<string | null, PlaylistItem[]> }) {
  return (
    <>
      {(childrenOf.get(parent) ?? []).map((p) =>
        p.type === 'folder' ? <Folder key={p.id} p={p} depth={depth} childrenOf={childrenOf} /> : <Item key={p.id} p={p} depth={depth} />,
      )}
    </>
  );
}

function Folder({ p, depth, childrenOf }: { p: PlaylistItem; depth: number; childrenOf: Map<string | null, PlaylistItem[]> }) {
  const [open, setOpen] = useState(true);
  return (
    <div role="treeitem" aria-expanded={open} aria-selected={false}>
      <button
        type="button"
        onClick={() => setOpen(!open)}
        className="flex h-7 w-full items-center gap-1.5 rounded-md px-2.5 text-left text-sm text-muted hover:bg-raised hover:text-fg"
        style={{ paddingLeft: 10 + depth * 12 }}
      >
        <ChevronRight size={12} className={cn('shrink-0 text-faint transition-transform', open && 'rotate-90')} />
        <PlaylistIcon p={p} size={14} className="shrink-0" />
        <span className="truncate">{p.name}</span>
      </button>
      {open ? (
        <div role="group">
          <Branch parent={p.id} depth={depth + 1} childrenOf={childrenOf} />
        </div>
      ) : null}
    </div>
  );
}

function Item({ p, depth }: { p: PlaylistItem; depth: number }) {
  const pathname = usePathname();
  const add = useAddToPlaylist();
  const [over, setOver] = useState(false);
  const href = `/playlists/${p.id}`;
  const active = pathname === href;
  const droppable = acceptsTracks(p);
  return (
    <Link
      href={href}
      role="treeitem"
      aria-selected={active}
      aria-current={active ? 'page' : undefined}
      data-playlist-id={p.id}
      title={droppable ? `${p.name} — drop tracks here` : p.name}
      onDragOver={(e) => {
        if (!droppable || !e.dataTransfer.types.includes(TRACKS_MIME)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        setOver(false);
        const ids = readTracks(e.dataTransfer);
        if (!droppable || !ids.length) return;
        e.preventDefault();
        add(p, ids);
      }}
      className={cn(
        'flex h-7 items-center gap-2 rounded-md px-2.5 text-sm text-muted transition-colors hover:bg-raised hover:text-fg',
        active && 'bg-raised text-fg',
        over && 'bg-accent/20 text-fg ring-1 ring-accent',
      )}
      style={{ paddingLeft: 10 + depth * 12 + (depth ? 14 : 0) }}
    >
      <PlaylistIcon p={p} size={14} className={cn('shrink-0', !p.color && (active ? 'text-accent' : 'text-faint'))} />
      <span className="min-w-0 flex-1 truncate">{p.name}</span>
      {p.type === 'session' && !p.sessionEndedAt ? <span className="h-1.5 w-1.5 shrink-0 rounded-full bg-ok" title="Logging now" aria-label="Logging now" /> : null}
      <span className="shrink-0 text-[11px] text-faint tabular-nums">{p.count || ''}</span>
    </Link>
  );
}
