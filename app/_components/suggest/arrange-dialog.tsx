'use client';

import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useTRPC } from '../../_trpc/client';
import { formatBpm } from '../library/music-bits';
import type { PlaylistEntry } from '../playlists/shared';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import { Dialog } from '../ui/dialog';
import { Select } from '../ui/input';
import { useToast } from '../ui/toast';

type Shape = 'none' | 'warm-up' | 'peak' | 'cool-down' | 'wave';
const SHAPES: { id: Shape; label: string }[] = [
  { id: 'warm-up', label: 'Warm-up (energy rising)' },
  { id: 'peak', label: 'Peak (up, then hold)' },
  { id: 'cool-down', label: 'Cool-down (energy falling)' },
  { id: 'wave', label: 'Wave (up and down twice)' },
  { id: 'none', label: 'Smoothest transitions only' },
];

const name = (e: PlaylistEntry | undefined) => e?.track?.title ?? e?.track?.fileName ?? 'Removed track';

/**
 * Arrange as a set (issue 21): pick the first (and maybe the last) track and an energy shape; the
 * preview shows the new order with the score of each transition and the total against the order
 * now; Apply reorders, and the toast's Undo puts the old order back.
 */
export function ArrangeDialog({
  open,
  onClose,
  playlistId,
  playlistName,
  editable,
  entries,
  firstEntryId,
}: {
  open: boolean;
  onClose: () => void;
  playlistId: string;
  playlistName: string;
  /** False for a playlist whose order cannot change (smart, a finished session): the set becomes a new playlist. */
  editable: boolean;
  entries: PlaylistEntry[];
  firstEntryId: number | null;
}) {
  const router = useRouter();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const tracks = entries.filter((e) => e.track);
  const [start, setStart] = useState<number | null>(firstEntryId);
  const [end, setEnd] = useState<number | null>(null);
  const [shape, setShape] = useState<Shape>('warm-up');
  const startId = start ?? tracks[0]?.entryId ?? null;
  const preview = useQuery({
    ...trpc.suggest.arrange.queryOptions({ playlistId, startEntryId: startId ?? 0, endEntryId: end, shape }),
    enabled: open && startId !== null,
  });
  const refresh = () => qc.invalidateQueries(trpc.playlists.pathFilter());
  const apply = useMutation(trpc.suggest.applyOrder.mutationOptions({ onSettled: refresh }));
  const saveAs = useMutation(
    trpc.suggest.saveOrderAs.mutationOptions({
      onSettled: refresh,
      onSuccess: (p) => {
        onClose();
        router.push(`/playlists/${p.id}`);
      },
    }),
  );
  const byId = new Map(entries.map((e) => [e.entryId, e]));
  const score = new Map((preview.data?.pairs ?? []).map((p) => [p.toEntryId, p]));
  const better = preview.data ? Math.round((1 - preview.data.cost / Math.max(1e-9, preview.data.currentCost)) * 100) : null;
  const run = () =>
    preview.data &&
    (editable ? apply.mutate : (v: { playlistId: string; entryIds: number[] }) => saveAs.mutate({ ...v, name: `${playlistName} (set)` }))(
      { playlistId, entryIds: preview.data.entryIds },
      {
        onSuccess: (r) => {
          onClose();
          toast.push({ tone: 'ok', text: 'Arranged as a set', action: { label: 'Undo', run: () => apply.mutate({ playlistId, entryIds: r.previous }) } });
        },
      },
    );
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Arrange as a set"
      description="A new order from the first track on, each transition as smooth as the whole allows, along the energy shape you choose."
      className="w-[min(720px,95vw)]"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" disabled={!preview.data || apply.isPending || saveAs.isPending} onClick={run}>
            {editable ? 'Apply this order' : 'Save as a new playlist'}
          </Button>
        </>
      }
    >
      <div className="flex flex-wrap gap-2 text-sm">
        <label className="flex flex-col gap-1">
          <span className="text-xs text-muted">Start with</span>
          <TrackSelect label="Start with" entries={tracks} value={startId} onChange={setStart} />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-muted">End with</span>
          <TrackSelect label="End with" entries={tracks.filter((e) => e.entryId !== startId)} value={end} onChange={setEnd} anyLabel="Any track" />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-muted">Energy shape</span>
          <Select aria-label="Energy shape" value={shape} onChange={(e) => setShape(e.target.value as Shape)} className="w-56">
            {SHAPES.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </Select>
        </label>
      </div>
      {preview.error ? <p className="mt-3 text-sm text-danger">{preview.error.message}</p> : null}
      {preview.data ? (
        <>
          <p className="mt-3 text-sm text-muted" data-testid="arrange-summary">
            {better !== null && better > 0 ? `${better} % smoother than the order now` : 'The order now is already as smooth'} · cost {preview.data.cost.toFixed(1)} (now{' '}
            {preview.data.currentCost.toFixed(1)})
          </p>
          <ol className="mt-2 max-h-80 overflow-y-auto rounded-md border border-line" aria-label="New order" data-testid="arrange-preview">
            {preview.data.entryIds.map((id, i) => {
              const e = byId.get(id);
              const p = score.get(id);
              return (
                <li key={id} className="flex items-center gap-2 border-b border-line/60 px-3 py-1.5 text-sm last:border-0">
                  <span className="w-6 text-right text-faint tabular-nums">{i + 1}</span>
                  <span className="min-w-0 flex-1 truncate">{name(e)}</span>
                  <span className="text-xs text-muted tabular-nums">{formatBpm(e?.track?.bpm)}</span>
                  {p ? (
                    <span className={cn('w-10 text-right text-xs tabular-nums', { good: 'text-ok', fair: 'text-warn', poor: 'text-danger' }[p.mark])} title={p.chips.join(', ')}>
                      {Math.round(p.score * 100)}
                    </span>
                  ) : (
                    <span className="w-10" />
                  )}
                </li>
              );
            })}
          </ol>
        </>
      ) : (
        <p className="mt-3 text-sm text-muted">{tracks.length < 2 ? 'A set needs two tracks or more.' : 'Working out the order…'}</p>
      )}
    </Dialog>
  );
}

/** A choice of one of the playlist's tracks (by entry), or "any" when `anyLabel` is given. */
function TrackSelect({
  label,
  entries,
  value,
  onChange,
  anyLabel,
}: {
  label: string;
  entries: PlaylistEntry[];
  value: number | null;
  onChange: (entryId: number | null) => void;
  anyLabel?: string;
}) {
  return (
    <Select aria-label={label} value={String(value ?? '')} onChange={(e) => onChange(e.target.value ? Number(e.target.value) : null)} className="w-56">
      {anyLabel ? <option value="">{anyLabel}</option> : null}
      {entries.map((e) => (
        <option key={e.entryId} value={e.entryId}>
          {name(e)}
        </option>
      ))}
    </Select>
  );
}
