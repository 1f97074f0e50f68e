'use client';

import { useState } from 'react';
import type { inferRouterOutputs } from '@trpc/server';
import { RotateCcw } from 'lucide-react';
import { formatKey, parseKey, type KeyNotation, type MusicalKey } from '@/server/music/keys';
import type { AppRouter } from '@/server/trpc/router';
import type { TrackRow } from '@/server/tracks/track-rows';
import { Badge, type Tone } from '../ui/badge';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import { Select } from '../ui/input';
import { formatBpm, KeyLabel } from './music-bits';
import { usePlayer } from './player';
import { useTrackUpdate } from './use-track-update';

type Info = inferRouterOutputs<AppRouter>['analysis']['forTrack'];
type Source = TrackRow['bpmSource'];

const SOURCE_NAMES: Record<NonNullable<Source>, string> = { user: 'you', builtin: 'built-in analyzer', server: 'analysis server', tag: 'file tag' };

/** Where a value comes from and how sure its source is, in words. */
export function SourceChip({ source, confidence }: { source: Source; confidence: number | null }) {
  if (!source) return null;
  const low = confidence !== null && confidence < 0.5;
  const tone: Tone = source === 'user' ? 'accent' : low ? 'warn' : 'neutral';
  const sure = confidence !== null ? ` · ${Math.round(confidence * 100)} % sure` : '';
  return (
    <Badge tone={tone} className="font-normal">
      {SOURCE_NAMES[source]}
      {sure}
    </Badge>
  );
}

const KEYS: MusicalKey[] = Array.from({ length: 24 }, (_, i) => ({ pitch: i % 12, mode: i < 12 ? 0 : 1 }));
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Tempo, grid, key and loudness of a track with where each comes from, and the corrections a DJ
 * makes in one click: ×2, ÷2, a typed BPM, "first downbeat here" at the player's playhead, a grid
 * nudge, a key of their own. Corrections win over every analysis, reach a deck that has the track
 * loaded, and can be undone from the toast.
 */
export function AnalysisFacts({ track, info, notation, compact }: { track: TrackRow; info: Info | undefined; notation: KeyNotation; compact?: boolean }) {
  const update = useTrackUpdate();
  const player = usePlayer();
  const [typing, setTyping] = useState<string | null>(null);
  const a = info?.analysis;
  const grid = info?.grid;
  const bpm = track.bpm;
  const playing = player.track?.id === track.id;
  const save = (patch: Parameters<typeof update.save>[1], message: string) => void update.save(track, patch, { message });
  const setBpm = (v: number) => save({ bpm: round3(v) }, `BPM set to ${formatBpm(v)}`);
  const nudge = (ms: number) => {
    if (!grid || !bpm) return;
    const p = 60 / bpm;
    let t = grid.firstDownbeat + ms / 1000;
    if (t < 0) t += 4 * p;
    save({ beatOffset: Math.round(t * 10000) / 10000 }, `Grid moved ${ms > 0 ? '+' : ''}${ms} ms`);
  };
  const row = 'flex flex-wrap items-center gap-x-2 gap-y-1';
  return (
    <div className={cn('flex flex-col gap-2 text-sm', compact && 'text-xs')} data-testid="analysis-facts">
      <div className={row}>
        <span className="w-16 shrink-0 text-xs text-muted">Tempo</span>
        {bpm ? (
          <span className={cn('font-medium tabular-nums', track.bpmConfidence !== null && track.bpmConfidence < 0.5 && 'text-muted')} data-testid="facts-bpm">
            {formatBpm(bpm)} BPM
          </span>
        ) : (
          <span className="text-muted">{a?.noTempoReason ?? (a ? 'no tempo' : 'not analysed yet')}</span>
        )}
        <SourceChip source={track.bpmSource} confidence={track.bpmConfidence} />
        {a?.tempoVariable ? <Badge tone="warn">tempo varies</Badge> : null}
        {bpm ? (
          <span className="flex items-center gap-1">
            <Button size="sm" variant="ghost" onClick={() => setBpm(bpm * 2)} aria-label="Double the BPM" title="Double the BPM">
              ×2
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setBpm(bpm / 2)} aria-label="Halve the BPM" title="Halve the BPM">
              ÷2
            </Button>
          </span>
        ) : null}
        {typing === null ? (
          <Button size="sm" variant="ghost" onClick={() => setTyping(bpm ? formatBpm(bpm) : '')}>
            Set BPM…
          </Button>
        ) : (
          <form
            className="flex items-center gap-1"
            onSubmit={(e) => {
              e.preventDefault();
              const v = Number(typing.replace(',', '.'));
              if (Number.isFinite(v) && v >= 30 && v <= 300) setBpm(v);
              setTyping(null);
            }}
          >
            <input
              autoFocus
              aria-label="BPM"
              inputMode="decimal"
              value={typing}
              onChange={(e) => setTyping(e.target.value)}
              onKeyDown={(e) => e.key === 'Escape' && setTyping(null)}
              className="h-7 w-20 rounded-md border border-line-strong bg-panel-2 px-2 tabular-nums"
            />
            <Button size="sm" type="submit">
              Set
            </Button>
          </form>
        )}
        {track.bpmOverride !== null ? (
          <Button size="sm" variant="ghost" onClick={() => save({ bpm: null }, 'BPM back to the analysis')} title="Use the analysed BPM again">
            <RotateCcw size={12} /> Analysed
          </Button>
        ) : null}
      </div>

      <div className={row}>
        <span className="w-16 shrink-0 text-xs text-muted">Grid</span>
        {grid ? (
          <span className="tabular-nums" data-testid="facts-grid">
            first downbeat {grid.firstDownbeat.toFixed(3)} s
          </span>
        ) : (
          <span className="text-muted">no grid</span>
        )}
        {grid ? (
          <Badge tone={track.beatOffsetOverride !== null ? 'accent' : 'neutral'}>{track.beatOffsetOverride !== null ? 'you' : SOURCE_NAMES[a?.analyzer ?? 'server']}</Badge>
        ) : null}
        <Button
          size="sm"
          variant="ghost"
          disabled={!playing || !bpm}
          title={playing ? 'Put the first downbeat where the player is now' : 'Play the track to place the downbeat at the playhead'}
          onClick={() => save({ beatOffset: Math.round(player.currentMs) / 1000 }, `First downbeat at ${(player.currentMs / 1000).toFixed(3)} s`)}
        >
          Downbeat here
        </Button>
        {grid ? (
          <span className="flex items-center gap-0.5" aria-label="Nudge the grid">
            {[-10, -1, 1, 10].map((ms) => (
              <Button key={ms} size="sm" variant="ghost" onClick={() => nudge(ms)} aria-label={`Nudge the grid ${ms > 0 ? '+' : ''}${ms} ms`} className="px-1.5 tabular-nums">
                {ms > 0 ? `+${ms}` : ms}
              </Button>
            ))}
            <span className="text-[11px] text-faint">ms</span>
          </span>
        ) : null}
        {track.beatOffsetOverride !== null ? (
          <Button size="sm" variant="ghost" onClick={() => save({ beatOffset: null }, 'Grid back to the analysis')} title="Use the analysed grid again">
            <RotateCcw size={12} /> Analysed
          </Button>
        ) : null}
      </div>

      <div className={row}>
        <span className="w-16 shrink-0 text-xs text-muted">Key</span>
        {track.keyPitch !== null ? (
          <span className={cn(track.keyConfidence !== null && track.keyConfidence < 0.3 && 'opacity-60')} data-testid="facts-key">
            <KeyLabel pitch={track.keyPitch} mode={track.keyMode} notation={notation} />
          </span>
        ) : (
          <span className="text-muted">{a ? 'no key' : 'not analysed yet'}</span>
        )}
        <SourceChip source={track.keySource} confidence={track.keyConfidence} />
        {a?.tuningCents && Math.abs(a.tuningCents) >= 5 ? (
          <span className="text-xs text-faint" title="How far the track is tuned from A = 440 Hz">
            tuned {a.tuningCents > 0 ? '+' : ''}
            {Math.round(a.tuningCents)} cents
          </span>
        ) : null}
        <Select
          aria-label="Set the key"
          className="h-7 w-auto py-0 text-xs"
          value=""
          onChange={(e) => e.target.value && save({ key: e.target.value }, `Key set to ${formatKey(parseKey(e.target.value), notation)}`)}
        >
          <option value="">Set key…</option>
          {KEYS.map((k) => (
            <option key={formatKey(k, 'camelot')} value={formatKey(k, 'camelot')}>
              {formatKey(k, notation)}
            </option>
          ))}
        </Select>
        {track.keyPitchOverride !== null ? (
          <Button size="sm" variant="ghost" onClick={() => save({ key: null }, 'Key back to the analysis')} title="Use the analysed key again">
            <RotateCcw size={12} /> Analysed
          </Button>
        ) : null}
      </div>

      {a?.loudnessLufs !== undefined && a.loudnessLufs !== null ? (
        <div className={row} data-testid="facts-loudness">
          <span className="w-16 shrink-0 text-xs text-muted">Loudness</span>
          <span className="tabular-nums">{a.loudnessLufs.toFixed(1)} LUFS</span>
          {a.loudnessRange !== null ? <span className="text-xs text-muted tabular-nums">range {a.loudnessRange.toFixed(1)} LU</span> : null}
          {a.truePeakDb !== null ? <span className="text-xs text-muted tabular-nums">peak {a.truePeakDb.toFixed(1)} dBTP</span> : null}
          {a.replayGainDb !== null ? (
            <span className="text-xs text-muted tabular-nums" title="ReplayGain 2: the gain that brings the track to −18 LUFS">
              gain {a.replayGainDb > 0 ? '+' : ''}
              {a.replayGainDb.toFixed(1)} dB
            </span>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
