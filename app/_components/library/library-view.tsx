'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Columns3, FolderInput, FolderTree, ListX, Music2, PencilLine, Search, SlidersHorizontal, Sparkles, Trash2, X } from 'lucide-react';
import type { TrackRow } from '@/server/tracks/track-rows';
import { formatKey, parseKey } from '@/server/music/keys';
import { useTRPC } from '../../_trpc/client';
import { useKeyNotation } from '../../_hooks/use-key-notation';
import { FileActionDialog, type FileAction } from '../files/file-actions';
import { ContextMenu } from '../ui/context-menu';
import { FirstSteps } from '../first-steps';
import { carryTracks } from '../playlists/shared';
import { formatCount } from '../format';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import { useDismiss } from '../ui/use-dismiss';
import { Dialog } from '../ui/dialog';
import { useToast } from '../ui/toast';
import { COLUMNS, useColumnPrefs, type CellContext } from './columns';
import { FilterPanel } from './filter-panel';
import { MissingBar } from './missing-tools';
import { usePlayer } from './player';
import { NextUpPanel } from '../suggest/next-up';
import { TrackPanel, useTrackActions } from './track-actions';
import { TrackTable, type Selection } from './track-table';
import { useTrackUpdate } from './use-track-update';
import { useTrackWindow } from './use-track-window';
import { activeFilterCount, useLibraryView, type Filters } from './view-state';

/** The library: search, filters, a virtual table of every track, and a panel for the open one. */
export function LibraryView() {
  const { view, update, patchFilters } = useLibraryView();
  const [range, setRange] = useState({ start: 0, end: 60 });
  const win = useTrackWindow(view, range);
  const prefs = useColumnPrefs();
  const notation = useKeyNotation();
  const player = usePlayer();
  const trackUpdate = useTrackUpdate();
  const [showFilters, setShowFilters] = useState(true);
  const [showNextUp, setShowNextUp] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const [selection, setSelection] = useState<Selection>({ ids: new Set(), cursor: 0, anchor: 0 });
  const [removing, setRemoving] = useState<string[] | null>(null);
  const [fileAction, setFileAction] = useState<FileAction | null>(null);
  const [menu, setMenu] = useState<{ ids: string[]; at: { x: number; y: number }; track: TrackRow } | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const actions = useTrackActions({ open: setOpenId });
  const viewKey = JSON.stringify(view);
  useEffect(() => {
    setSelection({ ids: new Set(), cursor: 0, anchor: 0 });
  }, [viewKey]);

  const { save } = trackUpdate;
  const cell = useMemo<CellContext>(
    () => ({ notation, rate: (t: TrackRow, rating: number) => void save(t, { rating }, { message: rating ? `Rated “${t.title ?? t.fileName}” ${rating} ★` : 'Rating cleared' }) }),
    [notation, save],
  );
  const onRange = useCallback((r: { start: number; end: number }) => setRange(r), []);
  const filtersOn = activeFilterCount(view.filters);
  // the missing view shows why and since when, whatever columns are chosen
  const columns = useMemo(() => {
    if (!view.filters.missing || prefs.columns.some((c) => c.id === 'missing')) return prefs.columns;
    const missing = COLUMNS.find((c) => c.id === 'missing')!;
    const at = prefs.columns.findIndex((c) => c.id === 'title') + 1;
    return [...prefs.columns.slice(0, at), missing, ...prefs.columns.slice(at)];
  }, [prefs.columns, view.filters.missing]);

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex items-center gap-2 border-b border-line px-4 py-2.5">
        <SearchBox value={view.q} onChange={(q) => update({ q })} />
        <Button variant={showFilters ? 'secondary' : 'ghost'} size="md" onClick={() => setShowFilters(!showFilters)} aria-pressed={showFilters} title="Show or hide filters">
          <SlidersHorizontal size={15} /> Filters
          {filtersOn ? <span className="rounded-full bg-accent px-1.5 text-[11px] font-semibold text-accent-ink">{filtersOn}</span> : null}
        </Button>
        <ColumnChooser visible={prefs.visible} onToggle={prefs.toggle} onReset={prefs.reset} />
        <Button
          variant={showNextUp ? 'secondary' : 'ghost'}
          size="md"
          onClick={() => setShowNextUp(!showNextUp)}
          aria-pressed={showNextUp}
          title="What fits after the selected track (or the one on the deck) — N"
        >
          <Sparkles size={15} /> Next up
        </Button>
        <div className="ml-auto flex shrink-0 items-center gap-3 text-xs text-muted">
          {selection.ids.size > 0 ? (
            <span className="flex items-center gap-1.5" data-testid="selection-actions">
              <span className="mr-1 text-fg">{formatCount(selection.ids.size)} selected</span>
              <Button size="sm" variant="ghost" onClick={() => setFileAction({ kind: 'move', ids: [...selection.ids] })} aria-label="Move to…" title="Move to…">
                <FolderInput size={13} /> <span className="hidden xl:inline">Move to…</span>
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setFileAction({ kind: 'organise', ids: [...selection.ids] })} aria-label="Organise…" title="Organise by tags…">
                <FolderTree size={13} /> <span className="hidden xl:inline">Organise…</span>
              </Button>
              <Button
                size="sm"
                variant="ghost"
                onClick={() => setFileAction({ kind: 'trash', ids: [...selection.ids] })}
                aria-label="Delete files…"
                title="Delete files (to the trash)…"
              >
                <Trash2 size={13} /> <span className="hidden xl:inline">Delete files…</span>
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setRemoving([...selection.ids])} aria-label="Remove from library" title="Take out of the library; the files stay">
                <X size={13} /> <span className="hidden xl:inline">Remove</span>
              </Button>
            </span>
          ) : null}
          <span className="tabular-nums" data-testid="track-total" aria-live="polite">
            {win.loading ? 'Loading…' : `${formatCount(win.total)} ${win.total === 1 ? 'track' : 'tracks'}`}
          </span>
        </div>
      </div>
      <ActiveFilters filters={view.filters} onPatch={patchFilters} onClearAll={() => update({ filters: {} })} notation={notation} />
      {win.didYouMean ? (
        <div className="border-b border-line bg-info/10 px-4 py-2 text-sm" role="status" data-testid="did-you-mean">
          {win.corrected ? (
            <>
              Nothing matched “{view.q}”. Showing results for <strong className="text-fg">“{win.didYouMean}”</strong>.{' '}
            </>
          ) : (
            <>Nothing matched. </>
          )}
          <button type="button" className="text-accent hover:underline" onClick={() => update({ q: win.didYouMean! })}>
            Search for “{win.didYouMean}”
          </button>
        </div>
      ) : null}
      {view.filters.missing && win.total > 0 ? <MissingBar count={win.total} /> : null}
      {win.warnings.length ? <div className="border-b border-line bg-warn/10 px-4 py-1.5 text-xs text-warn">{win.warnings.join(' · ')}</div> : null}
      {win.error ? (
        <div className="border-b border-line bg-danger/10 px-4 py-2 text-sm text-danger" role="alert">
          {win.error.message}
        </div>
      ) : null}
      <div
        className="flex min-h-0 flex-1"
        onKeyDown={(e) => {
          if (actions.onGridKey(e, [...selection.ids])) return;
          // n: what to play next, for the track under the cursor
          if (e.key === 'n' && !e.ctrlKey && !e.metaKey && !e.altKey && (e.target as HTMLElement).getAttribute('data-testid') === 'track-grid') {
            e.preventDefault();
            setShowNextUp((v) => !v);
          }
        }}
      >
        {showFilters ? <FilterPanel view={view} q={win.corrected && win.didYouMean ? win.didYouMean : view.q} patchFilters={patchFilters} notation={notation} /> : null}
        <div className="flex min-w-0 flex-1 flex-col">
          {!win.loading && win.total === 0 && !win.stale ? (
            view.q || filtersOn ? (
              <div className="flex flex-col items-center gap-3 py-16 text-sm text-muted">
                <Search size={22} className="text-faint" />
                No tracks match {view.q ? `“${view.q}”` : 'these filters'}.
                <Button size="sm" onClick={() => update({ q: '', filters: {} })}>
                  Clear search and filters
                </Button>
              </div>
            ) : (
              <FirstSteps icon={<Music2 size={22} />} title="No tracks yet">
                Tracks appear here as your folders are scanned.
              </FirstSteps>
            )
          ) : (
            <TrackTable
              columns={columns}
              total={win.total}
              row={win.row}
              sort={view.sort}
              onSort={(sort) => update({ sort })}
              onResize={prefs.resize}
              selection={selection}
              onSelection={setSelection}
              onOpen={(t) => setOpenId(t.id)}
              onPreview={(t) => player.toggle(t)}
              onDelete={setRemoving}
              onMenu={(ids, at, track) => setMenu({ ids, at, track })}
              onRename={(t) => setFileAction({ kind: 'rename', ids: [t.id], name: t.fileName })}
              onDragRows={(ids, e) => carryTracks(e, ids)}
              onRange={onRange}
              cell={cell}
              playingId={player.playing ? (player.track?.id ?? null) : null}
              stale={win.stale}
              viewKey={viewKey}
            />
          )}
        </div>
        {openId ? <TrackPanel id={openId} onClose={() => setOpenId(null)} onOpen={setOpenId} /> : null}
        {showNextUp ? <NextUpPanel selectedTrackId={win.row(selection.cursor)?.id ?? null} /> : null}
      </div>
      <FileActionDialog action={fileAction} onClose={() => setFileAction(null)} />
      <ContextMenu
        at={menu?.at ?? null}
        onClose={closeMenu}
        items={
          menu
            ? [
                ...actions.menuItems(menu.track, menu.ids),
                {
                  label: 'Rename file…',
                  icon: <PencilLine size={14} />,
                  shortcut: 'F2',
                  disabled: menu.ids.length !== 1,
                  run: () => setFileAction({ kind: 'rename', ids: [menu.track.id], name: menu.track.fileName }),
                },
                { label: 'Move to…', icon: <FolderInput size={14} />, run: () => setFileAction({ kind: 'move', ids: menu.ids }) },
                { label: 'Organise…', icon: <FolderTree size={14} />, run: () => setFileAction({ kind: 'organise', ids: menu.ids }) },
                {
                  label: `Delete ${menu.ids.length === 1 ? 'file' : `${formatCount(menu.ids.length)} files`}…`,
                  icon: <Trash2 size={14} />,
                  danger: true,
                  run: () => setFileAction({ kind: 'trash', ids: menu.ids }),
                },
                { label: 'Remove from library…', icon: <ListX size={14} />, shortcut: 'Del', run: () => setRemoving(menu.ids) },
              ]
            : []
        }
      />
      {actions.dialog}
      <RemoveDialog ids={removing} onClose={() => setRemoving(null)} onRemoved={(ids) => ids.includes(openId ?? '') && setOpenId(null)} />
    </div>
  );
}

/** Instant search: results narrow as you type ("/" focuses it, Esc clears it). */
function SearchBox({ value, onChange }: { value: string; onChange: (q: string) => void }) {
  const [text, setText] = useState(value);
  const ref = useRef<HTMLInputElement>(null);
  const sent = useRef(value);
  useEffect(() => {
    if (value !== sent.current) {
      sent.current = value;
      setText(value);
    }
  }, [value]);
  useEffect(() => {
    if (text === sent.current) return;
    const timer = setTimeout(() => {
      sent.current = text;
      onChange(text);
    }, 120);
    return () => clearTimeout(timer);
  }, [text, onChange]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (e.key !== '/' || (el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)))) return;
      e.preventDefault();
      ref.current?.focus();
      ref.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div className="relative max-w-[520px] min-w-40 flex-1">
      <Search size={15} className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 text-faint" />
      <input
        ref={ref}
        type="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setText('');
            e.currentTarget.blur();
          } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
            e.preventDefault();
            document.querySelector<HTMLElement>('[data-testid="track-grid"]')?.focus();
          }
        }}
        placeholder="Search — try  daft punk   bpm:120-128   key:8A   genre:house"
        aria-label="Search tracks"
        spellCheck={false}
        className="h-9 w-full rounded-md border border-line-strong bg-panel pr-16 pl-9 text-sm text-fg placeholder:text-faint focus:border-accent focus:outline-none [&::-webkit-search-cancel-button]:hidden"
      />
      {text ? (
        <button type="button" aria-label="Clear search" onClick={() => setText('')} className="absolute top-1/2 right-8 -translate-y-1/2 rounded p-0.5 text-faint hover:text-fg">
          <X size={14} />
        </button>
      ) : null}
      <kbd className="pointer-events-none absolute top-1/2 right-2.5 -translate-y-1/2 rounded border border-line-strong px-1.5 font-mono text-[10px] text-faint">/</kbd>
    </div>
  );
}

/** What is narrowing the table, each removable on its own. */
function ActiveFilters({
  filters: f,
  onPatch,
  onClearAll,
  notation,
}: {
  filters: Filters;
  onPatch: (p: Partial<Filters>) => void;
  onClearAll: () => void;
  notation: ReturnType<typeof useKeyNotation>;
}) {
  const chips: { label: string; clear: Partial<Filters> }[] = [];
  const range = (name: string, lo?: number, hi?: number, unit = '') =>
    lo !== undefined && hi !== undefined ? `${name} ${lo}–${hi}${unit}` : lo !== undefined ? `${name} ≥ ${lo}${unit}` : `${name} ≤ ${hi}${unit}`;
  if (f.bpmMin !== undefined || f.bpmMax !== undefined)
    chips.push({ label: range('BPM', f.bpmMin, f.bpmMax) + (f.bpmHalfDouble ? ' (½×, 2×)' : ''), clear: { bpmMin: undefined, bpmMax: undefined, bpmHalfDouble: undefined } });
  if (f.keys?.length)
    chips.push({
      label: `Key ${f.keys
        .map((k) => {
          const p = parseKey(k);
          return p ? formatKey(p, notation) : k;
        })
        .join(', ')}`,
      clear: { keys: undefined },
    });
  if (f.genres?.length) chips.push({ label: f.genres.join(', '), clear: { genres: undefined } });
  if (f.artist) chips.push({ label: `Artist: ${f.artist}`, clear: { artist: undefined } });
  if (f.yearMin !== undefined || f.yearMax !== undefined) chips.push({ label: range('Year', f.yearMin, f.yearMax), clear: { yearMin: undefined, yearMax: undefined } });
  if (f.ratingMin) chips.push({ label: `${'★'.repeat(f.ratingMin)} and up`, clear: { ratingMin: undefined } });
  if (f.energyMin !== undefined || f.energyMax !== undefined)
    chips.push({ label: range('Energy', f.energyMin, f.energyMax), clear: { energyMin: undefined, energyMax: undefined } });
  if (f.formats?.length) chips.push({ label: f.formats.map((x) => x.toUpperCase()).join(', '), clear: { formats: undefined } });
  if (f.lossless !== undefined) chips.push({ label: f.lossless ? 'Lossless' : 'Lossy', clear: { lossless: undefined } });
  if (f.analyzed !== undefined) chips.push({ label: f.analyzed ? 'Analysed' : 'Not analysed', clear: { analyzed: undefined } });
  if (f.needsLook !== undefined) chips.push({ label: f.needsLook ? 'Needs a look' : 'Looked at', clear: { needsLook: undefined } });
  if (f.duplicate !== undefined) chips.push({ label: f.duplicate ? 'Duplicates' : 'No duplicates', clear: { duplicate: undefined } });
  if (f.missing !== undefined) chips.push({ label: f.missing ? 'Missing' : 'Present', clear: { missing: undefined } });
  if (f.broken !== undefined) chips.push({ label: f.broken ? 'Broken' : 'Readable', clear: { broken: undefined } });
  if (f.addedFrom !== undefined) chips.push({ label: `Added since ${new Date(f.addedFrom).toLocaleDateString()}`, clear: { addedFrom: undefined, addedTo: undefined } });
  if (f.directoryId) chips.push({ label: f.folder ? `Folder ${f.folder}` : 'One library folder', clear: { directoryId: undefined, folder: undefined } });
  if (f.duplicateGroupId) chips.push({ label: `Duplicate group ${f.duplicateGroupId}`, clear: { duplicateGroupId: undefined } });
  if (!chips.length) return null;
  return (
    <div className="flex flex-wrap items-center gap-1.5 border-b border-line px-4 py-2" aria-label="Active filters">
      {chips.map((c) => (
        <span key={c.label} className="inline-flex h-6 items-center gap-1 rounded-full border border-accent/40 bg-accent/10 pr-1 pl-2.5 text-xs text-accent-strong">
          {c.label}
          <button type="button" aria-label={`Remove filter ${c.label}`} onClick={() => onPatch(c.clear)} className="rounded-full p-0.5 hover:bg-accent/20">
            <X size={11} />
          </button>
        </span>
      ))}
      <button type="button" onClick={onClearAll} className="ml-1 text-xs text-muted hover:text-fg">
        Clear all
      </button>
    </div>
  );
}

function ColumnChooser({ visible, onToggle, onReset }: { visible: string[]; onToggle: (id: string) => void; onReset: () => void }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useDismiss(ref, open, () => setOpen(false));
  return (
    <div ref={ref} className="relative">
      <Button variant="ghost" onClick={() => setOpen(!open)} aria-expanded={open} aria-haspopup="true">
        <Columns3 size={15} /> Columns
      </Button>
      {open ? (
        <div className="absolute top-10 left-0 z-30 w-56 rounded-lg border border-line-strong bg-panel-2 p-1.5 shadow-2xl" role="group" aria-label="Columns">
          {COLUMNS.map((c) => (
            <label key={c.id} className="flex h-7 cursor-pointer items-center gap-2 rounded px-2 text-sm hover:bg-raised">
              <input type="checkbox" className="accent-[var(--color-accent)]" checked={visible.includes(c.id)} onChange={() => onToggle(c.id)} />
              {c.label}
            </label>
          ))}
          <div className="mt-1 border-t border-line pt-1">
            <button type="button" onClick={onReset} className="h-7 w-full rounded px-2 text-left text-xs text-muted hover:bg-raised hover:text-fg">
              Reset columns and widths
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}

function RemoveDialog({ ids, onClose, onRemoved }: { ids: string[] | null; onClose: () => void; onRemoved: (ids: string[]) => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const remove = useMutation(
    trpc.tracks.remove.mutationOptions({
      onSuccess: (r, input) => {
        toast.push({ tone: 'ok', text: `Removed ${formatCount(r.removed)} ${r.removed === 1 ? 'track' : 'tracks'} from the library. The files are untouched.` });
        onRemoved(input.ids);
        onClose();
      },
      onSettled: () => qc.invalidateQueries(trpc.tracks.pathFilter()),
    }),
  );
  const n = ids?.length ?? 0;
  return (
    <Dialog
      open={!!ids}
      onClose={onClose}
      title={`Remove ${formatCount(n)} ${n === 1 ? 'track' : 'tracks'} from the library?`}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="danger" onClick={() => ids && remove.mutate({ ids })} disabled={remove.isPending} autoFocus>
            <Trash2 size={14} /> Remove from library
          </Button>
        </>
      }
    >
      <p className={cn('text-sm text-muted')}>The files stay on disk, and later scans leave them out. To bring one back, add its file from the track’s folder.</p>
    </Dialog>
  );
}
