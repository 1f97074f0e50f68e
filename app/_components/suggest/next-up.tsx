'use client';

import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ChevronDown, Pause, Play, Radio, Sparkles } from 'lucide-react';
import type { AppRouter } from '@/server/trpc/router';
import type { inferRouterOutputs } from '@trpc/server';
import { useTRPC } from '../../_trpc/client';
import { useKeyNotation } from '../../_hooks/use-key-notation';
import { formatBpm, KeyLabel } from '../library/music-bits';
import { usePlayer } from '../library/player';
import { carryTracks, usePlaylistList } from '../playlists/shared';
import { cn } from '../ui/cn';
import { Select } from '../ui/input';
import { Tabs } from '../ui/tabs';
import { MiniWave } from './mini-wave';

type Suggestion = inferRouterOutputs<AppRouter>['suggest']['next']['items'][number];
type Direction = 'any' | 'down' | 'same' | 'up';

/** The track the engine loaded last (the one that is about to play or playing), when the link is up. */
export function useDeckTrack() {
  const trpc = useTRPC();
  const engine = useQuery(trpc.audioEngine.status.queryOptions());
  const d = latestDeck((engine.data?.decks ?? []).filter((x) => x.track));
  return d ? { deck: d.deck, trackId: d.trackId } : null;
}

/** The deck loaded last: the one about to play, or playing. */
export const latestDeck = <D extends { since: number }>(decks: D[]): D | undefined => decks.reduce<D | undefined>((a, d) => (!a || d.since > a.since ? d : a), undefined);

/**
 * What to play next (issue 21): twenty tracks that fit after the one on the deck (or the chosen
 * one), ranked live with the reasons as chips and a score bar. Filters: energy direction, keys,
 * tempo range, half/double, key lock, one playlist. It follows the engine's deck unless told not to.
 */
export function NextUpPanel({ selectedTrackId, big = false }: { selectedTrackId: string | null; big?: boolean }) {
  const trpc = useTRPC();
  const deck = useDeckTrack();
  const playlists = usePlaylistList();
  const [followDeck, setFollowDeck] = useState(true);
  const [direction, setDirection] = useState<Direction>('any');
  const [keys, setKeys] = useState<'any' | 'compatible'>('any');
  const [range, setRange] = useState(8);
  const [halfDouble, setHalfDouble] = useState(true);
  const [keyLock, setKeyLock] = useState(true);
  const [playlistId, setPlaylistId] = useState('');
  const source = followDeck && deck ? deck.trackId : selectedTrackId;
  const next = useQuery({
    ...trpc.suggest.next.queryOptions({ trackId: source ?? '', direction, keys, bpmRangePercent: range, halfDouble, keyLock, playlistId: playlistId || undefined }),
    enabled: !!source,
    placeholderData: keepPreviousData,
  });
  const from = next.data?.from;
  return (
    <aside aria-label="Next up" className={cn('flex min-h-0 shrink-0 flex-col border-l border-line bg-panel/60', big ? 'w-full' : 'w-[400px]')} data-testid="next-up">
      <header className="flex flex-col gap-2 border-b border-line p-3">
        <div className="flex items-center gap-2 text-[11px] font-semibold tracking-wider text-faint uppercase">
          <Sparkles size={13} className="text-accent" /> Next up
          {deck ? (
            <label className="ml-auto flex items-center gap-1.5 font-normal tracking-normal normal-case">
              <input type="checkbox" className="accent-[var(--color-accent)]" checked={followDeck} onChange={(e) => setFollowDeck(e.target.checked)} />
              Follow deck {deck.deck}
            </label>
          ) : null}
        </div>
        {source && from ? (
          <div className="min-w-0" data-testid="next-up-source">
            <p className={cn('truncate font-medium', big && 'text-xl')}>
              {followDeck && deck ? <Radio size={13} className="mr-1.5 inline text-ok" aria-label={`On deck ${deck.deck}`} /> : null}
              {from.title ?? from.fileName}
            </p>
            <p className="truncate text-xs text-muted">
              {from.artist ?? ''} · {formatBpm(from.bpm) || '— BPM'} · energy {from.energyLevel ?? '—'}
            </p>
          </div>
        ) : (
          <p className="text-sm text-muted">{source ? 'Finding what fits…' : 'Select a track, or load one on a deck, to see what fits after it.'}</p>
        )}
        <NextUpFilters
          {...{ direction, setDirection, keys, setKeys, range, setRange, halfDouble, setHalfDouble, keyLock, setKeyLock, playlistId, setPlaylistId }}
          playlists={(playlists.data ?? []).filter((p) => p.type !== 'folder')}
        />
      </header>
      <ol className="min-h-0 flex-1 overflow-y-auto" aria-label="Suggestions">
        {next.data?.items.map((s) => (
          <SuggestionRow key={s.track.id} s={s} fromId={source!} fromDurationMs={from?.durationMs ?? null} keyLock={keyLock} big={big} />
        ))}
        {next.data && !next.data.items.length ? <li className="p-4 text-sm text-muted">Nothing fits inside these filters; widen the tempo range or allow every key.</li> : null}
      </ol>
    </aside>
  );
}

interface FilterProps {
  direction: Direction;
  setDirection: (d: Direction) => void;
  keys: 'any' | 'compatible';
  setKeys: (k: 'any' | 'compatible') => void;
  range: number;
  setRange: (n: number) => void;
  halfDouble: boolean;
  setHalfDouble: (b: boolean) => void;
  keyLock: boolean;
  setKeyLock: (b: boolean) => void;
  playlistId: string;
  setPlaylistId: (id: string) => void;
  playlists: { id: string; name: string }[];
}

function NextUpFilters(f: FilterProps) {
  return (
    <div className="flex flex-wrap items-center gap-2 text-xs">
      <Tabs
        label="Energy"
        look="segmented"
        tabClassName="px-2 py-0.5 text-xs"
        value={f.direction}
        onChange={f.setDirection}
        items={[
          { id: 'down', label: 'Energy ↓' },
          { id: 'same', label: '=' },
          { id: 'up', label: '↑' },
          { id: 'any', label: 'Any' },
        ]}
      />
      <Tabs
        label="Keys"
        look="segmented"
        tabClassName="px-2 py-0.5 text-xs"
        value={f.keys}
        onChange={f.setKeys}
        items={[
          { id: 'any', label: 'All keys' },
          { id: 'compatible', label: 'Mixable' },
        ]}
      />
      <Select aria-label="Tempo range" value={String(f.range)} onChange={(e) => f.setRange(Number(e.target.value))} className="h-7 w-20 text-xs">
        {[3, 5, 8, 12].map((n) => (
          <option key={n} value={n}>
            ±{n} %
          </option>
        ))}
      </Select>
      <Select aria-label="Only from" value={f.playlistId} onChange={(e) => f.setPlaylistId(e.target.value)} className="h-7 max-w-40 text-xs">
        <option value="">Whole library</option>
        {f.playlists.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </Select>
      <label className="flex items-center gap-1 text-muted">
        <input type="checkbox" className="accent-[var(--color-accent)]" checked={f.halfDouble} onChange={(e) => f.setHalfDouble(e.target.checked)} /> ½×/2×
      </label>
      <label className="flex items-center gap-1 text-muted" title="Off: a tempo change moves the key (+6 % ≈ a semitone)">
        <input type="checkbox" className="accent-[var(--color-accent)]" checked={f.keyLock} onChange={(e) => f.setKeyLock(e.target.checked)} /> Key lock
      </label>
    </div>
  );
}

function SuggestionRow({ s, fromId, fromDurationMs, keyLock, big }: { s: Suggestion; fromId: string; fromDurationMs: number | null; keyLock: boolean; big: boolean }) {
  const trpc = useTRPC();
  const notation = useKeyNotation();
  const player = usePlayer();
  const [open, setOpen] = useState(false);
  const hint = useQuery({ ...trpc.suggest.transition.queryOptions({ fromId, toId: s.track.id, keyLock }), enabled: open });
  const h = hint.data;
  const t = s.track;
  const playing = player.track?.id === t.id && player.playing;
  return (
    <li className="border-b border-line/60 px-3 py-2" draggable onDragStart={(e) => carryTracks(e, [t.id])} data-testid="suggestion" data-track-id={t.id}>
      <div className="flex items-center gap-2">
        <button
          type="button"
          aria-label={playing ? `Pause ${t.title ?? t.fileName}` : `Preview ${t.title ?? t.fileName}`}
          onClick={() => player.toggle(t)}
          className="rounded p-1 text-muted hover:text-accent"
        >
          {playing ? <Pause size={14} /> : <Play size={14} />}
        </button>
        <div className="min-w-0 flex-1">
          <p className={cn('truncate text-sm', big && 'text-base')}>{t.title ?? t.fileName}</p>
          <p className="truncate text-xs text-muted">{t.artist}</p>
        </div>
        <span className="text-xs text-muted tabular-nums">{formatBpm(t.bpm)}</span>
        <KeyLabel pitch={t.keyPitch} mode={t.keyMode} notation={notation} />
        <div className="h-1.5 w-14 rounded-full bg-raised" title={`Score ${(s.total * 100).toFixed(0)} of 100`} aria-label={`Score ${(s.total * 100).toFixed(0)} of 100`}>
          <div className="h-full rounded-full bg-accent" style={{ width: `${Math.round(s.total * 100)}%` }} />
        </div>
        <button type="button" aria-expanded={open} aria-label="How to mix it in" onClick={() => setOpen(!open)} className="rounded p-1 text-faint hover:text-fg">
          <ChevronDown size={14} className={cn('transition-transform', open && 'rotate-180')} />
        </button>
      </div>
      <div className="mt-1 flex flex-wrap gap-1 pl-8" data-testid="suggestion-reasons">
        {s.chips.map((c) => (
          <span key={c} className="rounded bg-raised px-1.5 py-px text-[11px] text-muted">
            {c}
          </span>
        ))}
      </div>
      {open ? (
        <div className="mt-1.5 flex flex-col gap-1 pl-8" data-testid="transition-hint">
          <p className="text-xs text-fg">{hint.data?.sentence ?? 'Working it out…'}</p>
          {h?.mixOutAt != null && h.mixInAt !== null ? (
            <>
              <MiniWave trackId={fromId} durationMs={fromDurationMs} from={h.mixOutAt} to={h.mixOutEnd} label="The playing track: where the mix starts" />
              <MiniWave trackId={t.id} durationMs={t.durationMs} from={h.mixInAt} to={h.mixInEnd} label="This track: where it comes in" />
            </>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
