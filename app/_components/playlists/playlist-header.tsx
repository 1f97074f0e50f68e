'use client';

import { useState } from 'react';
import { Copy, Lightbulb, ListOrdered, Star, Trash2, Wand2 } from 'lucide-react';
import type { AppRouter } from '@/server/trpc/router';
import type { inferRouterOutputs } from '@trpc/server';
import { formatKey } from '@/server/music/keys';
import { useKeyNotation } from '../../_hooks/use-key-notation';
import { formatCount, formatDuration } from '../format';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import { Input } from '../ui/input';
import { ExportMenu } from './playlist-actions';
import { PlaylistLook } from './playlist-look';
import { formatBpm } from '../library/music-bits';
import { PlaylistIcon } from './shared';
import type { PlaylistMutations } from './use-playlist-mutations';

type PlaylistInfo = inferRouterOutputs<AppRouter>['playlists']['byId'];

/** "124 BPM", "120–128 BPM", with how many tracks it covers when not all have a BPM ("171 BPM (1 of 5 tracks)"). */
export function bpmSummary(s: { bpmMin: number | null; bpmMax: number | null; withBpm: number; count: number; placeholders: number }): string {
  if (s.bpmMin === null || s.bpmMax === null) return '';
  const [lo, hi] = [formatBpm(s.bpmMin), formatBpm(s.bpmMax)];
  const range = lo === hi ? `${lo} BPM` : `${lo}–${hi} BPM`;
  const tracks = s.count - s.placeholders;
  return ` · ${range}${s.withBpm < tracks ? ` (${formatCount(s.withBpm)} of ${formatCount(tracks)} tracks)` : ''}`;
}

/** A playlist's page header: its look, name, numbers and keys, what its rules say, and what can be done with it. */
export function PlaylistHeader({
  p,
  editing,
  onEditRules,
  onDialog,
  m,
}: {
  p: PlaylistInfo;
  /** Its rules are being edited (the sentence is hidden meanwhile). */
  editing: boolean;
  onEditRules: () => void;
  onDialog: (d: 'delete' | 'promote' | 'arrange') => void;
  m: PlaylistMutations;
}) {
  const notation = useKeyNotation();
  const stats = p.stats;
  const isSession = p.type === 'session';
  const exportHref = (q: string) => `/api/playlists/${p.id}/export?${q}`;
  return (
    <header className="flex flex-wrap items-start gap-4 border-b border-line px-5 py-4">
      <div className="flex h-14 w-14 shrink-0 items-center justify-center rounded-xl bg-raised" style={{ backgroundColor: p.color ? `${p.color}26` : undefined }}>
        <PlaylistIcon p={p} size={26} style={{ color: p.color ?? 'var(--color-accent)' }} />
      </div>
      <div className="min-w-0 flex-1">
        <div className="flex items-center gap-2 text-[11px] font-semibold tracking-wider text-faint uppercase">
          {{ static: 'Playlist', smart: 'Smart playlist', session: 'DJ session', temp: 'Thinking playlist', folder: 'Folder' }[p.type]}
          {isSession && !p.sessionEndedAt ? <span className="rounded bg-ok/15 px-1.5 text-ok normal-case">logging now</span> : null}
        </div>
        <NameField key={p.name} name={p.name} disabled={p.type === 'temp'} onSave={(name) => m.update.mutate({ id: p.id, name })} />
        <p className="mt-1 text-sm text-muted" data-testid="playlist-stats">
          {formatCount(stats.count)} {stats.count === 1 ? 'track' : 'tracks'} · {formatDuration(stats.totalDurationMs)}
          {bpmSummary(stats)}
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
        {isSession ? <VenueField key={p.sessionVenue ?? ''} venue={p.sessionVenue} onSave={(v) => m.update.mutate({ id: p.id, sessionVenue: v })} /> : null}
      </div>
      <div className="flex flex-wrap items-center gap-1.5">
        {p.type !== 'temp' ? (
          <Button
            size="icon"
            variant="ghost"
            aria-pressed={p.isFavorite}
            aria-label={p.isFavorite ? 'Remove from favourites' : 'Add to favourites'}
            title="Favourite"
            onClick={() => m.update.mutate({ id: p.id, isFavorite: !p.isFavorite })}
          >
            <Star size={16} className={cn(p.isFavorite && 'fill-accent text-accent')} />
          </Button>
        ) : null}
        {p.type !== 'temp' && p.type !== 'session' ? (
          <PlaylistLook id={p.id} color={p.color} icon={p.icon} parentId={p.parentId} onChange={(look) => m.update.mutate({ id: p.id, ...look })} />
        ) : null}
        {p.type === 'smart' && !editing ? (
          <Button size="sm" onClick={onEditRules}>
            <Wand2 size={13} /> Edit rules
          </Button>
        ) : null}
        {p.type === 'temp' ? (
          <Button size="sm" variant="primary" disabled={!stats.count} onClick={() => onDialog('promote')}>
            <Lightbulb size={13} /> Make it a playlist
          </Button>
        ) : null}
        {isSession && !p.sessionEndedAt ? (
          <Button size="sm" onClick={() => m.finalize.mutate({ id: p.id })}>
            End session
          </Button>
        ) : null}
        {p.type === 'smart' || (isSession && p.sessionEndedAt) ? (
          <Button size="sm" onClick={() => m.convert.mutate({ id: p.id })} title="Keep these tracks as an ordinary playlist you can edit">
            Convert to static
          </Button>
        ) : null}
        {p.type !== 'folder' && stats.count > 2 ? (
          <Button size="sm" onClick={() => onDialog('arrange')} title="Order these tracks into a set by key, tempo and energy">
            <ListOrdered size={13} /> Arrange as a set…
          </Button>
        ) : null}
        <Button size="sm" variant="ghost" onClick={() => m.copy.mutate({ id: p.id, name: `${p.name} copy` })} title="Duplicate as a static playlist">
          <Copy size={13} /> Duplicate
        </Button>
        <ExportMenu href={exportHref} />
        {p.type !== 'temp' ? (
          <Button size="icon" variant="ghost" aria-label="Delete playlist" title="Delete playlist" onClick={() => onDialog('delete')}>
            <Trash2 size={15} />
          </Button>
        ) : null}
      </div>
    </header>
  );
}

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
