'use client';

import { useCallback, useMemo, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Copy, Lightbulb, ListPlus, Play, Scissors, SquareArrowOutUpRight, Star, Trash2, Wand2, X } from 'lucide-react';
import { ROW_FIELDS, type TrackRow } from '@/server/tracks/row-fields';
import { formatKey } from '@/server/music/keys';
import { useTRPC } from '../../_trpc/client';
import { useKeyNotation } from '../../_hooks/use-key-notation';
import { ContextMenu } from '../ui/context-menu';
import { FirstSteps } from '../first-steps';
import { formatCount, formatDuration } from '../format';
import { useColumnPrefs, type CellContext, type Column } from '../library/columns';
import { usePlayer } from '../library/player';
import { TrackDetail } from '../library/track-detail';
import { TrackTable, type Selection } from '../library/track-table';
import { useTrackUpdate } from '../library/use-track-update';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import { Input } from '../ui/input';
import { AddToPlaylistDialog } from './add-to-playlist';
import { EntryPanel } from './entry-panel';
import { DeleteDialog, ExportMenu, PromoteDialog } from './playlist-actions';
import { PlaylistLook } from './playlist-look';
import { RuleEditor, SmartPreview, validateDraft, type SmartDraft } from './rule-editor';
import { acceptsTracks, carryTracks, ENTRIES_MIME, PlaylistIcon, readTracks, TRACKS_MIME, useThink, type PlaylistEntry } from './shared';

const keyOf = (e: PlaylistEntry) => `e${e.entryId}`;

/** A deleted track's entry, shown as a row of what we remember about it. */
function placeholderRow(e: PlaylistEntry): TrackRow {
  const ph = e.placeholder ?? {};
  const name = ph.path?.split('/').pop() ?? 'Removed track';
  const empty = Object.fromEntries(ROW_FIELDS.map((k) => [k, null])) as Record<keyof TrackRow, null>;
  return {
    ...empty,
    id: `placeholder-${e.entryId}`,
    relPath: ph.path ?? '',
    fileName: name,
    title: ph.title ?? name,
    artist: ph.artist ?? null,
    durationMs: ph.durationMs ?? null,
    isMissing: true,
    missingReason: 'deleted',
  } as unknown as TrackRow;
}

/** One playlist: its look and numbers, its tracks in the library's table (drag to reorder), and each entry's notes. */
export function PlaylistView({ id }: { id: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const notation = useKeyNotation();
  const player = usePlayer();
  const prefs = useColumnPrefs();
  const think = useThink();
  const { save } = useTrackUpdate();
  const info = useQuery(trpc.playlists.byId.queryOptions({ id }));
  const entries = useQuery(trpc.playlists.entries.queryOptions({ id }));
  const [selection, setSelection] = useState<Selection>({ ids: new Set(), cursor: 0, anchor: 0 });
  const [openId, setOpenId] = useState<string | null>(null);
  const [menu, setMenu] = useState<{ keys: string[]; at: { x: number; y: number } } | null>(null);
  const [adding, setAdding] = useState<string[] | null>(null);
  const [editing, setEditing] = useState<SmartDraft | null>(null);
  const [dialog, setDialog] = useState<'delete' | 'promote' | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const invalidate = () => qc.invalidateQueries(trpc.playlists.pathFilter());
  const move = useMutation(trpc.playlists.moveEntries.mutationOptions({ onSettled: invalidate }));
  const remove = useMutation(trpc.playlists.removeEntries.mutationOptions({ onSettled: invalidate }));
  const add = useMutation(trpc.playlists.addTracks.mutationOptions({ onSettled: invalidate }));
  const update = useMutation(trpc.playlists.update.mutationOptions({ onSettled: invalidate }));
  const split = useMutation(trpc.playlists.splitSession.mutationOptions({ onSettled: invalidate }));
  const copy = useMutation(trpc.playlists.copyAsStatic.mutationOptions({ onSettled: invalidate, onSuccess: (p) => router.push(`/playlists/${p.id}`) }));
  const convert = useMutation(trpc.playlists.convertToStatic.mutationOptions({ onSettled: invalidate }));
  const finalize = useMutation(trpc.playlists.finalizeSession.mutationOptions({ onSettled: invalidate }));

  const list = useMemo(() => entries.data ?? [], [entries.data]);
  const rows = useMemo(() => list.map((e) => e.track ?? placeholderRow(e)), [list]);
  const byKey = useMemo(() => new Map(list.map((e) => [keyOf(e), e])), [list]);
  const p = info.data;
  const editable = !!p && acceptsTracks({ type: p.type, isReadonly: !!p.isReadonly });
  const isSession = p?.type === 'session';

  const columns = useMemo(() => {
    const position: Column & { width: number } = {
      id: 'position',
      label: 'Position',
      short: '#',
      width: 44,
      min: 36,
      align: 'right',
      cell: (_t, _c, i) => <span className="text-faint tabular-nums">{i + 1}</span>,
    };
    const notes: Column & { width: number } = {
      id: 'notes',
      label: 'Notes',
      width: 200,
      min: 80,
      elastic: true,
      cell: (_t, _c, i) => <span className="text-muted italic">{list[i]?.notes}</span>,
    };
    const played: Column & { width: number } = {
      id: 'played',
      label: 'Played',
      width: 120,
      min: 90,
      cell: (_t, _c, i) => {
        const e = list[i];
        if (!e?.playedAt) return null;
        const at = new Date(e.playedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
        return (
          <span className="text-muted tabular-nums">
            {at}
            {e.playDurationMs ? <span className="text-faint"> · {formatDuration(e.playDurationMs)}</span> : null}
          </span>
        );
      },
    };
    return [position, ...(isSession ? [played] : []), ...prefs.columns, notes];
  }, [prefs.columns, list, isSession]);

  const cell = useMemo<CellContext>(() => ({ notation, rate: (t: TrackRow, rating: number) => void save(t, { rating }) }), [notation, save]);
  const selectedEntries = [...selection.ids].map((k) => byKey.get(k)).filter((e): e is PlaylistEntry => !!e);
  const trackIdsOf = (keys: string[]) => keys.map((k) => byKey.get(k)?.track?.id).filter((x): x is string => !!x);

  const onDropAt = (index: number, dt: DataTransfer) => {
    if (!p) return;
    const moving = dt.getData(ENTRIES_MIME);
    if (moving) {
      const m = JSON.parse(moving) as { playlistId: string; entryIds: number[] };
      if (m.playlistId === p.id) {
        // the gap's index counts the moved rows; the server wants it in the list without them
        const before = list.slice(0, index).filter((e) => m.entryIds.includes(e.entryId)).length;
        move.mutate({ id: p.id, entryIds: m.entryIds, toIndex: index - before });
        return;
      }
    }
    const ids = readTracks(dt);
    if (ids.length && editable) add.mutate({ id: p.id, trackIds: ids, position: index });
  };

  const removeSelected = () => {
    if (!p || !editable || !selectedEntries.length) return;
    remove.mutate({ id: p.id, entryIds: selectedEntries.map((e) => e.entryId) });
    setSelection({ ids: new Set(), cursor: selection.cursor, anchor: selection.cursor });
  };
  /** Alt+↑/↓ moves the selected entries one place (the keyboard's drag and drop). */
  const nudge = (dir: -1 | 1) => {
    if (!p || !editable || !selectedEntries.length) return;
    const idx = selectedEntries.map((e) => list.indexOf(e)).sort((a, b) => a - b);
    const to = dir < 0 ? idx[0]! - 1 : idx[0]! + 1;
    if (to < 0 || idx.at(-1)! + dir >= list.length) return;
    move.mutate({ id: p.id, entryIds: idx.map((i) => list[i]!.entryId), toIndex: to });
    setSelection({ ...selection, cursor: selection.cursor + dir, anchor: selection.anchor + dir });
  };

  if (info.error) return <div className="p-6 text-sm text-danger">{info.error.message}</div>;
  if (!p) return <div className="p-6 text-sm text-muted">Loading…</div>;
  const stats = p.stats;
  const draftCheck = editing ? validateDraft(editing) : null;
  const exportHref = (q: string) => `/api/playlists/${p.id}/export?${q}`;

  return (
    <div className="flex h-full min-h-0 flex-col">
      <header className="flex flex-wrap items-start gap-4 border-b border-line px-5 py-4">
        <div className="flex h-14 w-14 shrink-0 items-center justify-center rounded-xl bg-raised" style={{ backgroundColor: p.color ? `${p.color}26` : undefined }}>
          <PlaylistIcon p={p} size={26} style={{ color: p.color ?? 'var(--color-accent)' }} />
        </div>
        <div className="min-w-0 flex-1">
          <div className="flex items-center gap-2 text-[11px] font-semibold tracking-wider text-faint uppercase">
            {{ static: 'Playlist', smart: 'Smart playlist', session: 'DJ session', temp: 'Thinking playlist', folder: 'Folder' }[p.type]}
            {isSession && !p.sessionEndedAt ? <span className="rounded bg-ok/15 px-1.5 text-ok normal-case">logging now</span> : null}
          </div>
          <NameField key={p.name} name={p.name} disabled={p.type === 'temp'} onSave={(name) => update.mutate({ id: p.id, name })} />
          <p className="mt-1 text-sm text-muted" data-testid="playlist-stats">
            {formatCount(stats.count)} {stats.count === 1 ? 'track' : 'tracks'} · {formatDuration(stats.totalDurationMs)}
            {stats.bpmMin !== null ? ` · ${stats.bpmMin.toFixed(0)}–${stats.bpmMax!.toFixed(0)} BPM` : ''}
            {stats.placeholders ? ` · ${formatCount(stats.placeholders)} removed from the library` : ''}
            {isSession && p.sessionStartedAt ? ` · ${new Date(p.sessionStartedAt).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })}` : ''}
          </p>
          {stats.keys.length ? (
            <div className="mt-1.5 flex flex-wrap gap-1" aria-label="Keys">
              {stats.keys.slice(0, 10).map((k) => (
                <span key={k.keySort} className="rounded bg-raised px-1.5 text-[11px] text-muted tabular-nums">
                  {formatKey(k, notation)} ×{k.n}
                </span>
              ))}
            </div>
          ) : null}
          {p.explain && !editing ? (
            <p className="mt-2 text-sm" data-testid="playlist-explain">
              <span className="text-muted">Tracks where </span>
              {p.explain}
            </p>
          ) : null}
          {isSession ? <VenueField key={p.sessionVenue ?? ''} venue={p.sessionVenue} onSave={(v) => update.mutate({ id: p.id, sessionVenue: v })} /> : null}
        </div>
        <div className="flex flex-wrap items-center gap-1.5">
          {p.type !== 'temp' ? (
            <Button
              size="icon"
              variant="ghost"
              aria-pressed={p.isFavorite}
              aria-label={p.isFavorite ? 'Remove from favourites' : 'Add to favourites'}
              title="Favourite"
              onClick={() => update.mutate({ id: p.id, isFavorite: !p.isFavorite })}
            >
              <Star size={16} className={cn(p.isFavorite && 'fill-accent text-accent')} />
            </Button>
          ) : null}
          {p.type !== 'temp' && p.type !== 'session' ? (
            <PlaylistLook id={p.id} color={p.color} icon={p.icon} parentId={p.parentId} onChange={(look) => update.mutate({ id: p.id, ...look })} />
          ) : null}
          {p.type === 'smart' && !editing ? (
            <Button size="sm" onClick={() => setEditing(p.smart)}>
              <Wand2 size={13} /> Edit rules
            </Button>
          ) : null}
          {p.type === 'temp' ? (
            <Button size="sm" variant="primary" disabled={!stats.count} onClick={() => setDialog('promote')}>
              <Lightbulb size={13} /> Make it a playlist
            </Button>
          ) : null}
          {isSession && !p.sessionEndedAt ? (
            <Button size="sm" onClick={() => finalize.mutate({ id: p.id })}>
              End session
            </Button>
          ) : null}
          {p.type === 'smart' || (isSession && p.sessionEndedAt) ? (
            <Button size="sm" onClick={() => convert.mutate({ id: p.id })} title="Keep these tracks as an ordinary playlist you can edit">
              Convert to static
            </Button>
          ) : null}
          <Button size="sm" variant="ghost" onClick={() => copy.mutate({ id: p.id, name: `${p.name} copy` })} title="Duplicate as a static playlist">
            <Copy size={13} /> Duplicate
          </Button>
          <ExportMenu href={exportHref} />
          {p.type !== 'temp' ? (
            <Button size="icon" variant="ghost" aria-label="Delete playlist" title="Delete playlist" onClick={() => setDialog('delete')}>
              <Trash2 size={15} />
            </Button>
          ) : null}
        </div>
      </header>
      {editing ? (
        <div className="flex flex-col gap-3 border-b border-line bg-panel/40 px-5 py-4">
          <RuleEditor value={editing} onChange={setEditing} excludePlaylist={p.id} />
          <SmartPreview draft={editing} />
          <div className="flex gap-2">
            <Button
              variant="primary"
              disabled={!draftCheck?.ok || update.isPending}
              onClick={() => draftCheck?.ok && update.mutate({ id: p.id, smart: draftCheck.def }, { onSuccess: () => setEditing(null) })}
            >
              Save rules
            </Button>
            <Button onClick={() => setEditing(null)}>Cancel</Button>
          </div>
        </div>
      ) : null}
      <div
        className="flex min-h-0 flex-1"
        onKeyDownCapture={(e) => {
          if ((e.target as HTMLElement).getAttribute('data-testid') !== 'track-grid') return;
          if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
            e.preventDefault();
            e.stopPropagation();
            nudge(e.key === 'ArrowUp' ? -1 : 1);
          }
        }}
        onKeyDown={(e) => {
          if ((e.target as HTMLElement).getAttribute('data-testid') !== 'track-grid' || e.ctrlKey || e.metaKey || e.altKey || !selection.ids.size) return;
          if (e.key === 't') think(trackIdsOf([...selection.ids]));
          else if (e.key === 'p') setAdding(trackIdsOf([...selection.ids]));
          else return;
          e.preventDefault();
        }}
      >
        <div className="flex min-w-0 flex-1 flex-col">
          {entries.data && !rows.length ? (
            <div
              className="flex-1"
              onDragOver={(e) => {
                if (editable && e.dataTransfer.types.includes(TRACKS_MIME)) e.preventDefault();
              }}
              onDrop={(e) => {
                e.preventDefault();
                onDropAt(0, e.dataTransfer);
              }}
              data-testid="empty-playlist"
            >
              <FirstSteps icon={<PlaylistIcon p={p} size={22} />} title={p.type === 'smart' ? 'No track matches these rules' : 'Nothing here yet'}>
                {editable
                  ? 'Drag tracks here from the library, or press T on a track to think about it.'
                  : p.type === 'smart'
                    ? 'Edit the rules to widen them.'
                    : 'Plays appear here as they happen.'}
              </FirstSteps>
            </div>
          ) : (
            <TrackTable
              columns={columns}
              total={rows.length}
              row={(i) => rows[i]}
              keyOf={(_t, i) => (list[i] ? keyOf(list[i]) : String(i))}
              sort={null}
              onSort={() => undefined}
              onResize={prefs.resize}
              selection={selection}
              onSelection={setSelection}
              onOpen={(t) => !t.id.startsWith('placeholder-') && setOpenId(t.id)}
              onPreview={(t) => !t.id.startsWith('placeholder-') && player.toggle(t)}
              onDelete={removeSelected}
              onMenu={(keys, at) => setMenu({ keys, at })}
              onRange={noop}
              cell={cell}
              playingId={player.playing ? (player.track?.id ?? null) : null}
              stale={move.isPending}
              viewKey={id}
              onDragRows={(keys, e) => {
                carryTracks(e, trackIdsOf(keys), editable ? 'copyMove' : 'copy');
                if (editable) e.dataTransfer.setData(ENTRIES_MIME, JSON.stringify({ playlistId: p.id, entryIds: keys.flatMap((k) => byKey.get(k)?.entryId ?? []) }));
              }}
              drop={editable ? { accepts: (dt) => dt.types.includes(ENTRIES_MIME) || dt.types.includes(TRACKS_MIME), onDropAt } : undefined}
            />
          )}
        </div>
        {openId ? (
          <aside aria-label="Track" className="w-[440px] shrink-0 border-l border-line bg-panel/60" data-testid="track-panel">
            <TrackDetail key={openId} id={openId} variant="panel" onClose={() => setOpenId(null)} onOpen={setOpenId} />
          </aside>
        ) : selectedEntries.length === 1 && p.type !== 'smart' ? (
          <EntryPanel key={selectedEntries[0]!.entryId} entry={selectedEntries[0]!} readOnly={!!p.isReadonly} />
        ) : null}
      </div>
      <ContextMenu
        at={menu?.at ?? null}
        onClose={closeMenu}
        items={
          menu
            ? [
                {
                  label: 'Open',
                  icon: <SquareArrowOutUpRight size={14} />,
                  shortcut: 'Enter',
                  disabled: !byKey.get(menu.keys[0]!)?.track,
                  run: () => setOpenId(byKey.get(menu.keys[0]!)!.track!.id),
                },
                {
                  label: 'Preview',
                  icon: <Play size={14} />,
                  shortcut: 'Space',
                  disabled: !byKey.get(menu.keys[0]!)?.track,
                  run: () => player.toggle(byKey.get(menu.keys[0]!)!.track!),
                },
                { label: 'Thinking playlist (in / out)', icon: <Lightbulb size={14} />, shortcut: 'T', run: () => think(trackIdsOf(menu.keys)) },
                { label: 'Add to playlist…', icon: <ListPlus size={14} />, shortcut: 'P', run: () => setAdding(trackIdsOf(menu.keys)) },
                ...(isSession
                  ? [
                      {
                        label: 'Split session here',
                        icon: <Scissors size={14} />,
                        disabled: menu.keys.length !== 1 || list[0] === byKey.get(menu.keys[0]!),
                        run: () => split.mutate({ id: p.id, entryId: byKey.get(menu.keys[0]!)!.entryId }, { onSuccess: (s) => router.push(`/playlists/${s.id}`) }),
                      },
                    ]
                  : []),
                ...(editable ? [{ label: 'Remove from playlist', icon: <X size={14} />, shortcut: 'Del', danger: true, run: removeSelected }] : []),
              ]
            : []
        }
      />
      <AddToPlaylistDialog trackIds={adding} onClose={() => setAdding(null)} />
      <DeleteDialog open={dialog === 'delete'} name={p.name} id={p.id} onClose={() => setDialog(null)} />
      <PromoteDialog open={dialog === 'promote'} onClose={() => setDialog(null)} />
    </div>
  );
}

const noop = () => undefined;

function NameField({ name, disabled, onSave }: { name: string; disabled: boolean; onSave: (n: string) => void }) {
  const [text, setText] = useState(name);
  const commit = () => {
    const t = text.trim();
    if (t && t !== name) onSave(t);
    else setText(name);
  };
  return (
    <input
      aria-label="Playlist name"
      value={text}
      disabled={disabled}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.currentTarget.blur();
        if (e.key === 'Escape') {
          setText(name);
          e.currentTarget.blur();
        }
      }}
      className="-ml-1 w-full max-w-xl truncate rounded bg-transparent px-1 text-2xl font-semibold tracking-tight text-fg hover:bg-raised/60 focus:bg-raised focus:outline-none disabled:hover:bg-transparent"
    />
  );
}

function VenueField({ venue, onSave }: { venue: string | null; onSave: (v: string | null) => void }) {
  const [text, setText] = useState(venue ?? '');
  return (
    <label className="mt-2 flex max-w-sm items-center gap-2 text-sm text-muted">
      Venue
      <Input
        value={text}
        placeholder="Where was this?"
        onChange={(e) => setText(e.target.value)}
        onBlur={() => text.trim() !== (venue ?? '') && onSave(text.trim() || null)}
        className="h-7"
      />
    </label>
  );
}
