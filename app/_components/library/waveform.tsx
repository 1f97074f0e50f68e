'use client';

import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Sparkles, ZoomIn, ZoomOut } from 'lucide-react';
import { useTRPC } from '../../_trpc/client';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { useToast } from '../ui/toast';
import type { KeyNotation } from '@/server/music/keys';
import type { TrackRow } from '@/server/tracks/track-rows';
import { AnalysisFacts } from './analysis-facts';

/** Low, mid and high bands drawn over each other, loudest first (the way DJ software colours them). */
const BAND_COLOURS = ['#e5484d', '#f5a524', '#46a7f5'];

/** Sizes a canvas for the screen's pixel ratio and returns its context, drawing in CSS pixels. */
export function prepareCanvas(canvas: HTMLCanvasElement) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const g = canvas.getContext('2d');
  if (!g) return null;
  g.scale(dpr, dpr);
  g.clearRect(0, 0, w, h);
  return { g, w, h };
}

/** One band (0–255 per pixel) as bars mirrored round the middle, the peak of each screen column, at `scale` of half the height. */
export function drawPeaks(g: CanvasRenderingContext2D, values: Uint8Array, w: number, h: number, scale = 1) {
  const mid = h / 2;
  for (let x = 0; x < w; x++) {
    const from = Math.floor((x / w) * values.length);
    const to = Math.max(from + 1, Math.floor(((x + 1) / w) * values.length));
    let peak = 0;
    for (let i = from; i < to && i < values.length; i++) peak = Math.max(peak, values[i]!);
    const half = (peak / 255) * mid * scale;
    g.fillRect(x, mid - half, 1, half * 2 || 1);
  }
}

function draw(canvas: HTMLCanvasElement, bytes: Uint8Array, numPixels: number, beats: number[], downbeats: number[], durationSec: number) {
  const c = prepareCanvas(canvas);
  if (!c) return;
  const { g, w, h } = c;
  // amplitude bands: low, mid, high (index 0, 2, 4 of the six), low loudest and widest
  for (const [band, at] of [0, 2, 4].entries()) {
    g.fillStyle = BAND_COLOURS[band]!;
    g.globalAlpha = band === 0 ? 0.95 : 0.85;
    drawPeaks(g, bytes.subarray(at * numPixels, (at + 1) * numPixels), w, h, [1, 0.7, 0.45][band]);
  }
  g.globalAlpha = 1;
  if (durationSec > 0) {
    const perBeat = w / (beats.length || 1);
    if (perBeat > 3) {
      g.fillStyle = 'rgba(255,255,255,0.18)';
      for (const b of beats) g.fillRect(Math.round((b / durationSec) * w), 0, 1, h);
    }
    g.fillStyle = 'rgba(255,255,255,0.55)';
    for (const d of downbeats) g.fillRect(Math.round((d / durationSec) * w), 0, 1, h * 0.18);
  }
}

/**
 * The track's three-band waveform from the analysis, zoomable through its stored levels, with beat
 * and downbeat markers; "Analyse now" puts the track at the head of the queue.
 */
export function TrackWaveform({ track, notation, compact }: { track: TrackRow; notation: KeyNotation; compact?: boolean }) {
  const trpc = useTRPC();
  const toast = useToast();
  const trackId = track.id;
  const durationMs = track.durationMs;
  const info = useQuery(trpc.analysis.forTrack.queryOptions({ trackId }));
  const who = useQuery({ ...trpc.analysis.servers.queryOptions(), staleTime: 10_000 });
  // honest about what "Analyse now" will do: nothing runs while the setting waits for a server that is not there
  const noAnalyzer = who.data ? who.data.analyzer === null : false;
  const [zoom, setZoom] = useState(0);
  const canvas = useRef<HTMLCanvasElement>(null);
  const levels = info.data?.waveform ?? [];
  const level = levels.find((l) => l.zoomLevel === zoom) ?? levels[0];
  const width = level && zoom > 0 ? Math.round(level.numPixels / (zoom === 2 ? 4 : 2)) : undefined;
  const analyse = useMutation(
    trpc.analysis.request.mutationOptions({
      onSuccess: (r) =>
        toast.push({
          tone: 'ok',
          text: r.alreadyDone
            ? 'Already analysed.'
            : noAnalyzer
              ? 'Queued first — it waits for an analysis server to answer (Settings → Analysis → Who analyses).'
              : 'Analysing next — results appear here.',
        }),
    }),
  );
  const stamp = info.dataUpdatedAt;

  useEffect(() => {
    const c = canvas.current;
    if (!c || !level || !info.data) return;
    let cancelled = false;
    void fetch(`/api/tracks/${trackId}/waveform?zoom=${level.zoomLevel}&v=${stamp}`)
      .then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((buf) => {
        if (cancelled) return;
        const durationSec = (durationMs ?? 0) / 1000 || (info.data.analysis?.audibleEnd ?? 0);
        draw(c, new Uint8Array(buf), level.numPixels, info.data.beats, info.data.downbeats, durationSec);
        c.dataset.drawn = String(level.zoomLevel);
        c.dataset.beats = String(info.data.beats.length);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [trackId, level, info.data, durationMs, stamp, width]);

  const job = info.data?.job;
  const status = !info.data?.audioHash
    ? 'not hashed yet'
    : info.data.analysis?.analysedAt
      ? null
      : job?.status === 'dispatched'
        ? 'analysing…'
        : job?.status === 'queued'
          ? 'waiting in the analysis queue'
          : job?.status === 'failed'
            ? `analysis failed: ${job.reason ?? 'no reason given'}`
            : 'not analysed yet';
  return (
    <div className="flex flex-col gap-2" data-testid="waveform-panel">
      <div className="flex items-center justify-between gap-2">
        <div className="flex items-center gap-2 text-xs text-muted">
          {status ? <Badge tone={job?.status === 'failed' ? 'danger' : 'warn'}>{status}</Badge> : <Badge tone="ok">analysed</Badge>}
          {levels.length ? (
            <span>
              zoom {(level?.zoomLevel ?? 0) + 1} of {levels.length}
            </span>
          ) : null}
        </div>
        <div className="flex items-center gap-1">
          {!compact && levels.length > 1 ? (
            <>
              <Button size="icon" variant="ghost" aria-label="Zoom out" disabled={zoom === 0} onClick={() => setZoom((z) => Math.max(0, z - 1))}>
                <ZoomOut size={14} />
              </Button>
              <Button size="icon" variant="ghost" aria-label="Zoom in" disabled={zoom >= levels.length - 1} onClick={() => setZoom((z) => Math.min(levels.length - 1, z + 1))}>
                <ZoomIn size={14} />
              </Button>
            </>
          ) : null}
          <Button
            size="sm"
            disabled={analyse.isPending || !info.data?.audioHash}
            onClick={() => analyse.mutate({ trackIds: [trackId], force: Boolean(info.data?.analysis?.analysedAt) })}
          >
            <Sparkles size={13} /> {info.data?.analysis?.analysedAt ? 'Analyse again' : 'Analyse now'}
          </Button>
        </div>
      </div>
      <div className="overflow-x-auto rounded-md border border-line bg-[#0b0d10]">
        {level ? (
          <canvas ref={canvas} aria-label="Waveform" data-testid="waveform" className="block" style={{ width: width ? `${width}px` : '100%', height: compact ? 56 : 96 }} />
        ) : (
          <div className="flex items-center justify-center text-xs text-faint" style={{ height: compact ? 56 : 96 }}>
            {job?.status === 'failed' ? 'No waveform: the analysis failed.' : 'The waveform appears once the track is analysed.'}
          </div>
        )}
      </div>
      <AnalysisFacts track={track} info={info.data} notation={notation} compact={compact} />
    </div>
  );
}
