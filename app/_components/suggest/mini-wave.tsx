'use client';

import { useEffect, useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../_trpc/client';
import { drawPeaks, prepareCanvas } from '../library/waveform';

/**
 * A track's overview waveform, small, with the stretch of a transition shaded and its start marked
 * (the hint's "start B at … when A reaches …"). Nothing is drawn before the track is analysed.
 */
export function MiniWave({ trackId, durationMs, from, to, label }: { trackId: string; durationMs: number | null; from: number | null; to: number | null; label: string }) {
  const trpc = useTRPC();
  const info = useQuery(trpc.analysis.forTrack.queryOptions({ trackId }));
  const canvas = useRef<HTMLCanvasElement>(null);
  const level = info.data?.waveform[0];
  useEffect(() => {
    const c = canvas.current;
    if (!c || !level) return;
    let cancelled = false;
    void fetch(`/api/tracks/${trackId}/waveform?zoom=${level.zoomLevel}&v=${info.dataUpdatedAt}`)
      .then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((buf) => {
        const p = prepareCanvas(c);
        if (cancelled || !p) return;
        const { g, w, h } = p;
        const duration = (durationMs ?? 0) / 1000 || (info.data?.analysis?.audibleEnd ?? 0);
        if (duration > 0 && from !== null && to !== null) {
          g.fillStyle = 'rgba(45, 212, 191, 0.18)';
          g.fillRect((from / duration) * w, 0, ((to - from) / duration) * w, h);
        }
        g.fillStyle = '#8b93a7';
        drawPeaks(g, new Uint8Array(buf).subarray(0, level.numPixels), w, h);
        if (duration > 0 && from !== null) {
          g.fillStyle = '#2dd4bf';
          g.fillRect(Math.round((from / duration) * w), 0, 2, h);
        }
        c.dataset.drawn = '1';
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [trackId, level, info.dataUpdatedAt, info.data, durationMs, from, to]);
  return <canvas ref={canvas} className="h-8 w-full rounded bg-raised/60" aria-label={label} data-testid="mini-wave" />;
}
