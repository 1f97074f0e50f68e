'use client';

import { useCallback, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Scissors, X } from 'lucide-react';
import { ROW_FIELDS, type TrackRow } from '@/server/tracks/row-fields';
import { useTRPC } from '../../_trpc/client';
import { useKeyNotation } from '../../_hooks/use-key-notation';
import { ContextMenu } from '../ui/context-menu';
import { FirstSteps } from '../first-steps';
import { formatDuration } from '../format';
import { useColumnPrefs, type CellContext, type Column } from '../library/columns';
import { usePlayer } from '../library/player';
import { TrackPanel, useTrackActions } from '../library/track-actions';
import { TrackTable, type Selection } from '../library/track-table';
import { useTrackUpdate } from '../library/use-track-update';
import { Button } from '../ui/button';
import { EntryPanel } from './entry-panel';
import { DeleteDialog, PromoteDialog } from './playlist-actions';
import { ArrangeDialog } from '../suggest/arrange-dialog';
import { PlaylistHeader } from './playlist-header';
import { usePlaylistMutations } from './use-playlist-mutations';
import { RuleEditor, SmartPreview, validateDraft, type SmartDraft } from './rule-editor';
import { ReactionIcon } from './reactions';
import { cn } from '../ui/cn';
import { acceptsTracks, carryTracks, ENTRIES_MIME, PlaylistIcon, readTracks, TRACKS_MIME, type PlaylistEntry } from './shared';

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
  const notation = useKeyNotation();
  const player = usePlayer();
  const prefs = useColumnPrefs();
  const actions = useTrackActions({ open: (trackId) => setOpenId(trackId) });
  const { save } = useTrackUpdate();
  const info = useQuery(trpc.playlists.byId.queryOptions({ id }));
  const entries = useQuery(trpc.playlists.entries.queryOptions({ id }));
  const [selection, setSelection] = useState<Selection>({ ids: new Set(), cursor: 0, anchor: 0 });
  const [openId, setOpenId] = useState<string | null>(null);
  const [menu, setMenu] = useState<{ keys: string[]; at: { x: number; y: number } } | null>(null);
  const [editing, setEditing] = useState<SmartDraft | null>(null);
  const [dialog, setDialog] = useState<'delete' | 'promote' | 'arrange' | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const m = usePlaylistMutations();
  const { move, remove, add, update, split } = m;

  const list = useMemo(() => entries.data ?? [], [entries.data]);
  const pairsQuery = useQuery(trpc.suggest.pairs.queryOptions({ playlistId: id }));
  const pairs = useMemo(() => new Map((pairsQuery.data ?? []).map((x) => [x.entryId, x])), [pairsQuery.data]);
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
    const mix: Column & { width: number } = {
      id: 'mix',
      label: 'How it follows the track before',
      short: 'Mix',
      width: 44,
      min: 36,
      align: 'center',
      cell: (_t, _c, i) => {
        const pair = list[i] ? pairs.get(list[i].entryId) : undefined;
        if (!pair) return null;
        const words = { good: 'mixes well', fair: 'mixes with care', poor: 'hard to mix' }[pair.mark];
        return (
          <span
            className={cn('inline-block h-2.5 w-2.5 rounded-full', { good: 'bg-ok', fair: 'bg-warn', poor: 'bg-danger' }[pair.mark])}
            title={`From the track before: ${words} — ${pair.chips.join(', ')}`}
            aria-label={`From the track before: ${words}`}
            data-testid="mix-mark"
            data-mark={pair.mark}
          />
        );
      },
    };
    const crowd: Column & { width: number } = {
      id: 'crowd',
      label: 'Crowd',
      width: 56,
      min: 44,
      align: 'center',
      cell: (_t, _c, i) => {
        const r = list[i]?.reaction;
        return r ? <ReactionIcon reaction={r} /> : null;
      },
    };
    return [position, mix, ...(isSession ? [played, crowd] : []), ...prefs.columns, notes];
  }, [prefs.columns, list, isSession, pairs]);

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
  const draftCheck = editing ? validateDraft(editing) : null;

  return (
    <div className="flex h-full min-h-0 flex-col">
      <PlaylistHeader p={p} editing={!!editing} onEditRules={() => setEditing(p.smart)} onDialog={setDialog} m={m} />
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
        onKeyDown={(e) => actions.onGridKey(e, trackIdsOf([...selection.ids]))}
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
          <TrackPanel id={openId} onClose={() => setOpenId(null)} onOpen={setOpenId} />
        ) : selectedEntries.length === 1 && p.type !== 'smart' ? (
          <EntryPanel key={selectedEntries[0]!.entryId} entry={selectedEntries[0]!} readOnly={!!p.isReadonly} session={isSession} />
        ) : null}
      </div>
      <ContextMenu
        at={menu?.at ?? null}
        onClose={closeMenu}
        items={
          menu
            ? [
                ...actions.menuItems(byKey.get(menu.keys[0]!)?.track ?? null, trackIdsOf(menu.keys)),
                ...(isSession
                  ? [
                      {
                        label: 'Split session here',
                        icon: <Scissors size={14} />,
                        disabled: menu.keys.length !== 1 || list[0] === byKey.get(menu.keys[0]!),
                        run: () => split.mutate({ id: p.id, entryId: byKey.get(menu.keys[0]!)!.entryId }),
                      },
                    ]
                  : []),
                ...(editable ? [{ label: 'Remove from playlist', icon: <X size={14} />, shortcut: 'Del', danger: true, run: removeSelected }] : []),
              ]
            : []
        }
      />
      {actions.dialog}
      <DeleteDialog open={dialog === 'delete'} name={p.name} id={p.id} onClose={() => setDialog(null)} />
      <PromoteDialog open={dialog === 'promote'} onClose={() => setDialog(null)} />
      {dialog === 'arrange' ? (
        <ArrangeDialog
          open
          onClose={() => setDialog(null)}
          playlistId={p.id}
          playlistName={p.name}
          editable={editable}
          entries={list}
          firstEntryId={selectedEntries[0]?.entryId ?? list.find((e) => e.track)?.entryId ?? null}
        />
      ) : null}
    </div>
  );
}

const noop = () => undefined;
