'use client';

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { Pause, Play, Square } from 'lucide-react';
import { formatDuration } from '../format';
import { cn } from '../ui/cn';
import { Artwork } from './artwork';

export interface PlayableTrack {
  id: string;
  title: string | null;
  artist: string | null;
  fileName: string;
  artworkId: string | null;
  durationMs: number | null;
}

interface PlayerState {
  track: PlayableTrack | null;
  playing: boolean;
  currentMs: number;
  durationMs: number;
  error: string | null;
  /** Starts this track (or pauses/resumes it when it is already loaded). */
  toggle: (t: PlayableTrack) => void;
  seek: (ms: number) => void;
  stop: () => void;
}

const Ctx = createContext<PlayerState | null>(null);

/** One preview player for the whole app, so the table's Space and the track panel share it. */
export function PlayerProvider({ children }: { children: React.ReactNode }) {
  const audio = useRef<HTMLAudioElement>(null);
  const [track, setTrack] = useState<PlayableTrack | null>(null);
  const [playing, setPlaying] = useState(false);
  const [currentMs, setCurrentMs] = useState(0);
  const [durationMs, setDurationMs] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const toggle = useCallback(
    (t: PlayableTrack) => {
      const el = audio.current;
      if (!el) return;
      if (track?.id === t.id) {
        if (el.paused) void el.play().catch(() => undefined);
        else el.pause();
        return;
      }
      setTrack(t);
      setError(null);
      setCurrentMs(0);
      setDurationMs(t.durationMs ?? 0);
      el.src = `/api/tracks/${t.id}/preview`;
      void el.play().catch(() => undefined);
    },
    [track],
  );
  const seek = useCallback((ms: number) => {
    if (audio.current) audio.current.currentTime = ms / 1000;
  }, []);
  const stop = useCallback(() => {
    const el = audio.current;
    if (el) {
      el.pause();
      el.removeAttribute('src');
      el.load();
    }
    setTrack(null);
    setPlaying(false);
  }, []);

  useEffect(() => stop, [stop]);

  const value = useMemo(() => ({ track, playing, currentMs, durationMs, error, toggle, seek, stop }), [track, playing, currentMs, durationMs, error, toggle, seek, stop]);
  return (
    <Ctx.Provider value={value}>
      {children}
      <audio
        ref={audio}
        preload="none"
        data-testid="preview-audio"
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => setPlaying(false)}
        onTimeUpdate={(e) => setCurrentMs(e.currentTarget.currentTime * 1000)}
        onDurationChange={(e) => Number.isFinite(e.currentTarget.duration) && setDurationMs(e.currentTarget.duration * 1000)}
        onError={() => {
          const src = audio.current?.getAttribute('src');
          if (!src) return;
          setPlaying(false);
          setError('This file cannot be played');
          // the element does not say why; the route does
          void fetch(src, { headers: { range: 'bytes=0-0' } })
            .then((r) => (r.ok ? null : (r.json() as Promise<{ error?: string }>)))
            .then((body) => body?.error && setError(body.error))
            .catch(() => undefined);
        }}
      />
    </Ctx.Provider>
  );
}

export function usePlayer(): PlayerState {
  const p = useContext(Ctx);
  if (!p) throw new Error('usePlayer needs a PlayerProvider');
  return p;
}

/** A seek bar: click or drag anywhere; arrow keys step 5 s. */
export function SeekBar({ currentMs, durationMs, onSeek, className }: { currentMs: number; durationMs: number; onSeek: (ms: number) => void; className?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const pct = durationMs > 0 ? Math.min(100, (currentMs / durationMs) * 100) : 0;
  const at = (clientX: number) => {
    const r = ref.current!.getBoundingClientRect();
    return Math.max(0, Math.min(1, (clientX - r.left) / r.width)) * durationMs;
  };
  return (
    <div
      ref={ref}
      role="slider"
      tabIndex={0}
      aria-label="Position"
      aria-valuemin={0}
      aria-valuemax={Math.round(durationMs / 1000)}
      aria-valuenow={Math.round(currentMs / 1000)}
      aria-valuetext={`${formatDuration(currentMs)} of ${formatDuration(durationMs)}`}
      className={cn('group relative h-4 cursor-pointer', className)}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        onSeek(at(e.clientX));
      }}
      onPointerMove={(e) => {
        if (e.buttons === 1) onSeek(at(e.clientX));
      }}
      onKeyDown={(e) => {
        if (e.key === 'ArrowRight') onSeek(Math.min(durationMs, currentMs + 5000));
        else if (e.key === 'ArrowLeft') onSeek(Math.max(0, currentMs - 5000));
        else return;
        e.preventDefault();
        e.stopPropagation();
      }}
    >
      <div className="absolute top-1/2 right-0 left-0 h-1 -translate-y-1/2 rounded-full bg-line-strong">
        <div className="h-full rounded-full bg-accent" style={{ width: `${pct}%` }} />
      </div>
      <div
        className="absolute top-1/2 h-3 w-3 -translate-x-1/2 -translate-y-1/2 rounded-full bg-fg opacity-0 shadow transition-opacity group-hover:opacity-100"
        style={{ left: `${pct}%` }}
      />
    </div>
  );
}

/** The bar under the library: what is previewing, play/pause, position. */
export function MiniPlayer() {
  const p = usePlayer();
  if (!p.track) return null;
  const t = p.track;
  return (
    <div className="flex h-14 shrink-0 items-center gap-3 border-t border-line bg-panel px-4" data-testid="mini-player">
      <Artwork id={t.artworkId} size={36} />
      <div className="w-56 min-w-0">
        <div className="truncate text-sm font-medium">{t.title ?? t.fileName}</div>
        <div className="truncate text-xs text-muted">{p.error ? <span className="text-danger">{p.error}</span> : (t.artist ?? 'Unknown artist')}</div>
      </div>
      <button
        type="button"
        onClick={() => p.toggle(t)}
        aria-label={p.playing ? 'Pause preview' : 'Play preview'}
        className="flex h-8 w-8 items-center justify-center rounded-full bg-accent text-accent-ink hover:bg-accent-strong"
      >
        {p.playing ? <Pause size={15} fill="currentColor" /> : <Play size={15} fill="currentColor" className="ml-0.5" />}
      </button>
      <span className="w-12 text-right text-xs text-muted tabular-nums" data-testid="preview-time">
        {formatDuration(p.currentMs)}
      </span>
      <SeekBar currentMs={p.currentMs} durationMs={p.durationMs} onSeek={p.seek} className="flex-1" />
      <span className="w-12 text-xs text-muted tabular-nums">{formatDuration(p.durationMs)}</span>
      <button type="button" onClick={p.stop} aria-label="Stop preview" className="rounded p-1.5 text-muted hover:bg-raised hover:text-fg">
        <Square size={14} />
      </button>
    </div>
  );
}
