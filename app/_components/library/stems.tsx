'use client';

import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Layers, Pause, Play } from 'lucide-react';
import { useTRPC } from '../../_trpc/client';
import { formatBytes, formatDuration } from '../format';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import { useToast } from '../ui/toast';
import { SeekBar } from './player';
import { drawPeaks, prepareCanvas } from './waveform';

const STEM_COLOURS: Record<string, string> = { vocals: '#e879f9', drums: '#f5a524', bass: '#e5484d', other: '#46a7f5' };
/** Order of the stem waveform's bands: amplitude then intensity per stem. */
const STEM_ORDER = ['vocals', 'drums', 'bass', 'other'];

function drawStem(canvas: HTMLCanvasElement, values: Uint8Array, colour: string) {
  const c = prepareCanvas(canvas);
  if (!c || !values.length) return;
  c.g.fillStyle = colour;
  drawPeaks(c.g, values, c.w, c.h);
}

/**
 * The track's separated stems: "Separate stems" asks the analysis server at top priority; once
 * they are in the cache each stem gets its waveform and mute/solo, and all play together in sync.
 */
export function StemsPanel({ trackId }: { trackId: string }) {
  const trpc = useTRPC();
  const toast = useToast();
  const info = useQuery(trpc.analysis.forTrack.queryOptions({ trackId }));
  const who = useQuery({ ...trpc.analysis.servers.queryOptions(), staleTime: 10_000 });
  // stems are the analysis server's job alone: without one answering, say so instead of promising
  const serverUp = who.data ? who.data.servers.some((s) => s.state === 'up') : true;
  const separate = useMutation(
    trpc.analysis.request.mutationOptions({
      onSuccess: () =>
        toast.push({
          tone: 'ok',
          text: serverUp ? 'Separating stems next — they appear here.' : 'Asked for — stems are separated once an analysis server answers.',
        }),
    }),
  );
  const stems = info.data?.stems;
  const job = info.data?.job;
  const pending = job && (job.status === 'queued' || job.status === 'dispatched') && job.stagesRequested.includes('stems') && !job.stagesDone.includes('stems');
  if (!stems)
    return (
      <div className="flex items-center justify-between gap-3 text-sm text-muted">
        <span>
          {pending ? (
            <Badge tone="warn">{job.status === 'dispatched' ? 'separating…' : serverUp ? 'waiting to be separated' : 'waiting for an analysis server'}</Badge>
          ) : job?.status === 'failed' && job.stagesRequested.includes('stems') ? (
            <Badge tone="danger">separation failed: {job.reason ?? ''}</Badge>
          ) : serverUp ? (
            'Vocals, drums, bass and other, separated by the analysis server.'
          ) : (
            <span data-testid="stems-need-server">Stems need the Mismo analysis server, and none answers (PYTHON_SERVER_URL). Everything else is analysed here.</span>
          )}
        </span>
        <Button
          size="sm"
          disabled={separate.isPending || pending || !info.data?.audioHash || !serverUp}
          title={serverUp ? undefined : 'Needs an analysis server'}
          onClick={() => separate.mutate({ trackIds: [trackId], stages: ['stems'], force: false })}
        >
          <Layers size={13} /> Separate stems
        </Button>
      </div>
    );
  return <StemMixer trackId={trackId} names={stems.names} sizeBytes={stems.sizeBytes} stamp={info.dataUpdatedAt} hasWaveform={(info.data?.stemWaveform.length ?? 0) > 0} />;
}

function StemMixer({ trackId, names, sizeBytes, stamp, hasWaveform }: { trackId: string; names: string[]; sizeBytes: number; stamp: number; hasWaveform: boolean }) {
  const ordered = [...names].sort((a, b) => STEM_ORDER.indexOf(a) - STEM_ORDER.indexOf(b));
  const audios = useRef(new Map<string, HTMLAudioElement>());
  const canvases = useRef(new Map<string, HTMLCanvasElement>());
  const [playing, setPlaying] = useState(false);
  const [muted, setMuted] = useState<Set<string>>(new Set());
  const [solo, setSolo] = useState<string | null>(null);
  const [currentMs, setCurrentMs] = useState(0);
  const [durationMs, setDurationMs] = useState(0);
  const master = () => audios.current.get(ordered[0]!);

  useEffect(() => {
    for (const [name, a] of audios.current) a.muted = solo ? solo !== name : muted.has(name);
  }, [muted, solo]);

  useEffect(() => {
    if (!hasWaveform) return;
    let cancelled = false;
    void fetch(`/api/tracks/${trackId}/waveform?kind=stems&zoom=0&v=${stamp}`)
      .then(async (r) => (r.ok ? { buf: new Uint8Array(await r.arrayBuffer()), n: Number(r.headers.get('x-num-pixels')) } : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then(({ buf, n }) => {
        if (cancelled) return;
        for (const [name, c] of canvases.current) {
          const band = STEM_ORDER.indexOf(name) * 2; // amplitude of this stem
          if (band >= 0) drawStem(c, buf.subarray(band * n, (band + 1) * n), STEM_COLOURS[name] ?? '#8b949e');
        }
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [trackId, stamp, hasWaveform]);

  const all = (f: (a: HTMLAudioElement) => void) => audios.current.forEach(f);
  const toggle = () => {
    const m = master();
    if (!m) return;
    if (playing) {
      all((a) => a.pause());
      setPlaying(false);
      return;
    }
    const t = m.currentTime;
    all((a) => {
      a.currentTime = t;
      void a.play().catch(() => setPlaying(false));
    });
    setPlaying(true);
  };
  const seek = (ms: number) => {
    all((a) => (a.currentTime = ms / 1000));
    setCurrentMs(ms);
  };

  return (
    <div className="flex flex-col gap-2" data-testid="stems-panel">
      <div className="flex items-center gap-3">
        <Button size="icon" aria-label={playing ? 'Pause stems' : 'Play stems'} onClick={toggle}>
          {playing ? <Pause size={14} /> : <Play size={14} />}
        </Button>
        <SeekBar currentMs={currentMs} durationMs={durationMs} onSeek={seek} className="flex-1" />
        <span className="w-24 text-right text-xs text-muted tabular-nums">
          {formatDuration(currentMs)} / {formatDuration(durationMs)}
        </span>
        <span className="text-xs text-faint">{formatBytes(sizeBytes)} cached</span>
      </div>
      <ul className="flex flex-col gap-1.5">
        {ordered.map((name, i) => {
          const silent = solo ? solo !== name : muted.has(name);
          return (
            <li key={name} className="flex items-center gap-2" aria-label={`${name} stem`}>
              <span className="w-14 text-xs font-medium capitalize" style={{ color: STEM_COLOURS[name] }}>
                {name}
              </span>
              <button
                type="button"
                aria-pressed={muted.has(name)}
                aria-label={`Mute ${name}`}
                onClick={() => setMuted((s) => new Set(s.has(name) ? [...s].filter((x) => x !== name) : [...s, name]))}
                className={cn('h-6 w-6 rounded border border-line text-[11px] font-semibold', muted.has(name) ? 'bg-warn/30 text-fg' : 'text-muted hover:text-fg')}
              >
                M
              </button>
              <button
                type="button"
                aria-pressed={solo === name}
                aria-label={`Solo ${name}`}
                onClick={() => setSolo((s) => (s === name ? null : name))}
                className={cn('h-6 w-6 rounded border border-line text-[11px] font-semibold', solo === name ? 'bg-accent/40 text-fg' : 'text-muted hover:text-fg')}
              >
                S
              </button>
              <div className={cn('h-8 flex-1 overflow-hidden rounded bg-[#0b0d10]', silent && 'opacity-30')}>
                <canvas
                  ref={(c) => void (c ? canvases.current.set(name, c) : canvases.current.delete(name))}
                  className="block h-full w-full"
                  data-testid={`stem-waveform-${name}`}
                />
              </div>
              <audio
                ref={(a) => void (a ? audios.current.set(name, a) : audios.current.delete(name))}
                src={`/api/tracks/${trackId}/stems/${name}?v=${sizeBytes}`}
                preload="metadata"
                onLoadedMetadata={(e) => i === 0 && setDurationMs(e.currentTarget.duration * 1000 || 0)}
                onTimeUpdate={(e) => i === 0 && setCurrentMs(e.currentTarget.currentTime * 1000)}
                onEnded={() => i === 0 && setPlaying(false)}
              />
            </li>
          );
        })}
      </ul>
    </div>
  );
}
