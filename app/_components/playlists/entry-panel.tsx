'use client';

import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link2, Unlink } from 'lucide-react';
import { useTRPC } from '../../_trpc/client';
import { formatDuration } from '../format';
import { Stars } from '../library/music-bits';
import { Input, Label } from '../ui/input';
import { useToast } from '../ui/toast';
import { ReactionButtons } from './reactions';
import type { PlaylistEntry } from './shared';

/** "1:32.5" or "92.5" → seconds; empty → null; anything else → NaN. */
export function parseCueTime(s: string): number | null {
  const t = s.trim();
  if (!t) return null;
  const m = /^(?:(\d+):)?(\d+(?:\.\d+)?)$/.exec(t);
  return m ? Number(m[1] ?? 0) * 60 + Number(m[2]) : NaN;
}
const cueText = (sec: number | null) => (sec === null ? '' : `${Math.floor(sec / 60)}:${(sec % 60).toFixed(sec % 1 ? 1 : 0).padStart(2, '0')}`);

/** One entry of a playlist: its notes, cue in/out and rating here; a removed track can be relinked. */
export function EntryPanel({ entry: e, readOnly, session = false }: { entry: PlaylistEntry; readOnly: boolean; session?: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const save = useMutation(
    trpc.playlists.updateEntry.mutationOptions({
      onSettled: () => qc.invalidateQueries(trpc.playlists.pathFilter()),
    }),
  );
  const [notes, setNotes] = useState(e.notes ?? '');
  const [cueIn, setCueIn] = useState(cueText(e.cueInSec));
  const [cueOut, setCueOut] = useState(cueText(e.cueOutSec));
  const saveCue = (which: 'cueInSec' | 'cueOutSec', text: string) => {
    const v = parseCueTime(text);
    if (Number.isNaN(v)) return toast.push({ tone: 'error', text: `“${text}” is not a time (try 1:32 or 92.5)` });
    if (v !== e[which]) save.mutate({ entryId: e.entryId, [which]: v });
  };
  const t = e.track;
  return (
    <aside aria-label="Entry" className="flex w-80 shrink-0 flex-col gap-4 overflow-y-auto border-l border-line bg-panel/60 p-4" data-testid="entry-panel">
      <div>
        <p className="truncate font-medium">{t?.title ?? e.placeholder?.title ?? t?.fileName ?? 'Removed track'}</p>
        <p className="truncate text-sm text-muted">{t?.artist ?? e.placeholder?.artist}</p>
        {e.playedAt ? (
          <p className="mt-1 text-xs text-faint">
            Played {new Date(e.playedAt).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })}
            {e.playDurationMs ? ` for ${formatDuration(e.playDurationMs)}` : ''}
          </p>
        ) : null}
      </div>
      {session ? <ReactionButtons entry={e} /> : null}
      {!t ? <Relink entryId={e.entryId} placeholder={e.placeholder} /> : null}
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="entry-notes">Notes in this playlist</Label>
        <textarea
          id="entry-notes"
          value={notes}
          disabled={readOnly}
          onChange={(x) => setNotes(x.target.value)}
          onBlur={() => notes !== (e.notes ?? '') && save.mutate({ entryId: e.entryId, notes: notes || null })}
          rows={4}
          maxLength={2000}
          placeholder="Mix out at the second breakdown…"
          className="w-full resize-y rounded-md border border-line-strong bg-panel px-3 py-2 text-sm placeholder:text-faint focus:border-accent focus:outline-none"
        />
      </div>
      <div className="grid grid-cols-2 gap-3">
        <label className="flex flex-col gap-1.5">
          <Label>Cue in</Label>
          <Input value={cueIn} disabled={readOnly} placeholder="0:00" onChange={(x) => setCueIn(x.target.value)} onBlur={() => saveCue('cueInSec', cueIn)} aria-label="Cue in" />
        </label>
        <label className="flex flex-col gap-1.5">
          <Label>Cue out</Label>
          <Input
            value={cueOut}
            disabled={readOnly}
            placeholder={t ? formatDuration(t.durationMs) : ''}
            onChange={(x) => setCueOut(x.target.value)}
            onBlur={() => saveCue('cueOutSec', cueOut)}
            aria-label="Cue out"
          />
        </label>
      </div>
      <div className="flex flex-col gap-1.5">
        <Label>Rating in this playlist</Label>
        <Stars size={16} value={e.ratingInContext ?? 0} onChange={readOnly ? undefined : (r) => save.mutate({ entryId: e.entryId, ratingInContext: r || null })} />
      </div>
    </aside>
  );
}

/** Points a removed track's entry at a library track, found by search (its old artist and title to start). */
function Relink({ entryId, placeholder }: { entryId: number; placeholder: PlaylistEntry['placeholder'] }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [q, setQ] = useState([placeholder?.artist, placeholder?.title].filter(Boolean).join(' '));
  const found = useQuery({ ...trpc.tracks.list.queryOptions({ filters: { q: q.trim() || undefined }, limit: 8 }), enabled: q.trim().length > 1 });
  const relink = useMutation(
    trpc.playlists.relinkEntry.mutationOptions({
      onSuccess: () => toast.push({ tone: 'ok', text: 'Relinked' }),
      onSettled: () => qc.invalidateQueries(trpc.playlists.pathFilter()),
    }),
  );
  return (
    <div className="flex flex-col gap-2 rounded-lg border border-warn/40 bg-warn/5 p-3">
      <p className="flex items-center gap-1.5 text-sm text-warn">
        <Unlink size={14} /> Removed from the library
      </p>
      {placeholder?.path ? <p className="text-xs break-all text-faint">{placeholder.path}</p> : null}
      <Input value={q} onChange={(x) => setQ(x.target.value)} placeholder="Find the track to link" aria-label="Find a track to relink" className="h-8" />
      <ul>
        {(found.data?.items ?? []).map((t) => (
          <li key={t.id}>
            <button
              type="button"
              onClick={() => relink.mutate({ entryId, trackId: t.id })}
              className="flex w-full items-center gap-2 rounded px-1.5 py-1 text-left text-sm hover:bg-raised"
            >
              <Link2 size={12} className="shrink-0 text-faint" />
              <span className="truncate">{t.title ?? t.fileName}</span>
              <span className="truncate text-muted">{t.artist}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
