'use client';

import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Crosshair, Repeat, Trash2 } from 'lucide-react';
import { useTRPC } from '../../_trpc/client';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import { usePlayer } from './player';

const SLOTS = 8;
const DEFAULT_COLOURS = ['#e5484d', '#f5a524', '#46a7f5', '#30a46c', '#e879f9', '#14b8a6', '#f97316', '#a78bfa'];

/** 83.25 → "1:23.250"; the inverse accepts "1:23.25", "83.25" or "1:23". */
export function formatCueTime(sec: number) {
  const m = Math.floor(sec / 60);
  return `${m}:${(sec - m * 60).toFixed(3).padStart(6, '0')}`;
}
export function parseCueTime(text: string): number | null {
  const m = /^\s*(?:(\d+):)?(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!m) return null;
  const sec = Number(m[1] ?? 0) * 60 + Number(m[2]);
  return Number.isFinite(sec) ? sec : null;
}

/**
 * The eight hot cues the engine gets (A–H): the DJ's own, else one imported from other software.
 * Set one at the preview's playhead, type a time, rename, recolour, make it a loop, remove it. A
 * track loaded on a deck gets the change at once.
 */
export function HotCueEditor({ trackId }: { trackId: string }) {
  const trpc = useTRPC();
  const player = usePlayer();
  const q = useQuery(trpc.hotCues.list.queryOptions({ trackId }));
  const set = useMutation(trpc.hotCues.set.mutationOptions({ onSuccess: () => void q.refetch() }));
  const remove = useMutation(trpc.hotCues.remove.mutationOptions({ onSuccess: () => void q.refetch() }));
  const playhead = player.track?.id === trackId ? player.currentMs / 1000 : null;
  const cues = q.data?.cues ?? [];
  const rank = ['user', 'rekordbox', 'serato', 'mixedInKey', 'virtual dj'];
  const at = (index: number) => cues.filter((c) => c.cueIndex === index).sort((a, b) => (rank.indexOf(a.source) + 1 || 99) - (rank.indexOf(b.source) + 1 || 99))[0];

  return (
    <ul className="flex flex-col gap-1" aria-label="Hot cues">
      {Array.from({ length: SLOTS }, (_, index) => {
        const c = at(index);
        const letter = String.fromCharCode(65 + index);
        const save = (patch: { positionSec?: number; name?: string | null; color?: string | null; isLoop?: boolean; loopEndSec?: number | null }) =>
          set.mutate({ trackId, index, ...patch });
        return (
          <li key={index} className="flex items-center gap-2 text-sm" aria-label={`Cue ${letter}`}>
            <button
              type="button"
              aria-label={playhead !== null ? `Set cue ${letter} at the playhead` : `Cue ${letter}`}
              title={playhead !== null ? 'Set at the playhead' : 'Play the track to set cues at the playhead'}
              disabled={playhead === null}
              onClick={() => playhead !== null && save({ positionSec: Math.round(playhead * 1000) / 1000, ...(c ? {} : { color: DEFAULT_COLOURS[index] }) })}
              className={cn(
                'flex h-6 w-6 shrink-0 items-center justify-center rounded text-[11px] font-bold',
                c ? 'text-bg' : 'border border-dashed border-line-strong text-faint',
              )}
              style={c ? { background: c.color ?? DEFAULT_COLOURS[index] } : undefined}
            >
              {letter}
            </button>
            {c ? (
              <CueRow
                key={`${c.id}-${c.updatedAt}`}
                cue={c}
                letter={letter}
                onSave={save}
                onRemove={c.source === 'user' ? () => remove.mutate({ trackId, index }) : undefined}
                onSeek={player.track?.id === trackId ? () => player.seek(c.positionSec * 1000) : undefined}
              />
            ) : (
              <NewCue letter={letter} onSave={(positionSec) => save({ positionSec, color: DEFAULT_COLOURS[index] })} />
            )}
          </li>
        );
      })}
      {playhead !== null ? (
        <li className="pt-1 text-xs text-faint">
          <Crosshair size={11} className="mr-1 inline" />
          Click a letter to set that cue at {formatCueTime(playhead)}.
        </li>
      ) : null}
    </ul>
  );
}

interface CueData {
  positionSec: number;
  name: string | null;
  color: string | null;
  isLoop: boolean;
  loopEndSec: number | null;
  source: string;
}

function CueRow({
  cue,
  letter,
  onSave,
  onRemove,
  onSeek,
}: {
  cue: CueData;
  letter: string;
  onSave: (p: { positionSec?: number; name?: string | null; color?: string | null; isLoop?: boolean; loopEndSec?: number | null }) => void;
  onRemove?: () => void;
  onSeek?: () => void;
}) {
  const [time, setTime] = useState(formatCueTime(cue.positionSec));
  const [name, setName] = useState(cue.name ?? '');
  const [loopEnd, setLoopEnd] = useState(cue.loopEndSec ? formatCueTime(cue.loopEndSec) : '');
  const commitTime = () => {
    const v = parseCueTime(time);
    if (v === null) return setTime(formatCueTime(cue.positionSec));
    if (Math.abs(v - cue.positionSec) > 0.0005) onSave({ positionSec: v });
  };
  const commitLoopEnd = () => {
    const v = parseCueTime(loopEnd);
    if (v !== null && v !== cue.loopEndSec) onSave({ isLoop: true, loopEndSec: v });
  };
  const enter = (e: React.KeyboardEvent<HTMLInputElement>) => e.key === 'Enter' && e.currentTarget.blur();
  return (
    <>
      <input
        aria-label={`Cue ${letter} position`}
        value={time}
        onChange={(e) => setTime(e.target.value)}
        onBlur={commitTime}
        onKeyDown={enter}
        onDoubleClick={onSeek}
        className="h-7 w-[5.5rem] rounded border border-line bg-panel px-1.5 text-xs tabular-nums focus:border-accent focus:outline-none"
      />
      <input
        aria-label={`Cue ${letter} name`}
        value={name}
        placeholder="name"
        onChange={(e) => setName(e.target.value)}
        onBlur={() => name !== (cue.name ?? '') && onSave({ name: name || null })}
        onKeyDown={enter}
        className="h-7 min-w-0 flex-1 rounded border border-line bg-panel px-1.5 text-xs placeholder:text-faint focus:border-accent focus:outline-none"
      />
      <input
        type="color"
        aria-label={`Cue ${letter} colour`}
        value={cue.color ?? '#e5484d'}
        onChange={(e) => onSave({ color: e.target.value })}
        className="h-7 w-7 cursor-pointer rounded border border-line bg-panel p-0.5"
      />
      <Button
        size="icon"
        variant="ghost"
        aria-label={cue.isLoop ? `Make cue ${letter} a plain cue` : `Make cue ${letter} a loop`}
        aria-pressed={cue.isLoop}
        onClick={() => onSave(cue.isLoop ? { isLoop: false, loopEndSec: null } : { isLoop: true, loopEndSec: cue.loopEndSec ?? cue.positionSec + 8 })}
        className={cn(cue.isLoop && 'text-accent')}
      >
        <Repeat size={13} />
      </Button>
      {cue.isLoop ? (
        <input
          aria-label={`Cue ${letter} loop end`}
          value={loopEnd}
          onChange={(e) => setLoopEnd(e.target.value)}
          onBlur={commitLoopEnd}
          onKeyDown={enter}
          className="h-7 w-[5.5rem] rounded border border-line bg-panel px-1.5 text-xs tabular-nums focus:border-accent focus:outline-none"
        />
      ) : null}
      {cue.source !== 'user' ? <Badge>{cue.source}</Badge> : null}
      {onRemove ? (
        <Button size="icon" variant="ghost" aria-label={`Remove cue ${letter}`} onClick={onRemove}>
          <Trash2 size={13} />
        </Button>
      ) : null}
    </>
  );
}

function NewCue({ letter, onSave }: { letter: string; onSave: (positionSec: number) => void }) {
  const [time, setTime] = useState('');
  return (
    <input
      aria-label={`Cue ${letter} position`}
      value={time}
      placeholder="m:ss.000"
      onChange={(e) => setTime(e.target.value)}
      onKeyDown={(e) => {
        if (e.key !== 'Enter') return;
        const v = parseCueTime(time);
        if (v !== null) {
          onSave(v);
          setTime('');
        }
      }}
      className="h-7 w-[5.5rem] rounded border border-dashed border-line bg-transparent px-1.5 text-xs tabular-nums placeholder:text-faint focus:border-accent focus:outline-none"
    />
  );
}
