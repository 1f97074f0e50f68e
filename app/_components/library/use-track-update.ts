'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TrackRow } from '@/server/tracks/track-rows';
import { formatKey, parseKey } from '@/server/music/keys';
import type { UpdateTrackInput } from '@/server/tracks/schemas';
import { useTRPC } from '../../_trpc/client';
import { useToast } from '../ui/toast';

type Patch = Omit<UpdateTrackInput, 'id'>;
type ListPage = { items: TrackRow[] };

/** What an edit changes in a cached row, so the table and panel show it before the server answers. */
function rowPatch(p: Patch): Partial<TrackRow> {
  const { bpm, key, beatOffset, ...rest } = p;
  const out: Partial<TrackRow> = { ...rest };
  if (bpm !== undefined && bpm !== null) Object.assign(out, { bpm, bpmOverride: bpm, bpmSource: 'user', bpmConfidence: null });
  if (beatOffset !== undefined) out.beatOffsetOverride = beatOffset;
  if (key) {
    const k = parseKey(key);
    if (k) Object.assign(out, { keyPitch: k.pitch, keyMode: k.mode, keySource: 'user', keyConfidence: null });
  }
  return out;
}

/** The values that put `fields` back the way they are in `t` (for undo). */
function previousValues(t: TrackRow, fields: Patch): Patch {
  const prev: Record<string, unknown> = {};
  for (const k of Object.keys(fields) as (keyof Patch)[]) {
    if (k === 'bpm') prev.bpm = t.bpmOverride;
    else if (k === 'beatOffset') prev.beatOffset = t.beatOffsetOverride;
    else if (k === 'key')
      prev.key = t.keyPitchOverride !== null && t.keyModeOverride !== null ? formatKey({ pitch: t.keyPitchOverride, mode: t.keyModeOverride as 0 | 1 }, 'camelot') : null;
    else prev[k] = t[k as keyof TrackRow];
  }
  return prev;
}

/**
 * Edits a track optimistically: every cached copy (table windows, the detail) changes at once,
 * is put back if the server refuses, and a toast offers to undo what was saved.
 */
export function useTrackUpdate() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const mutation = useMutation(
    trpc.tracks.update.mutationOptions({
      onMutate: async (input) => {
        await qc.cancelQueries(trpc.tracks.pathFilter());
        const detailKey = trpc.tracks.byId.queryKey({ id: input.id });
        const detail = qc.getQueryData(detailKey);
        const lists = qc.getQueriesData<ListPage>(trpc.tracks.list.pathFilter());
        const patch = rowPatch(input);
        qc.setQueryData(detailKey, (old) => (old ? { ...old, ...patch } : old));
        qc.setQueriesData<ListPage>(trpc.tracks.list.pathFilter(), (old) => (old ? { ...old, items: old.items.map((t) => (t.id === input.id ? { ...t, ...patch } : t)) } : old));
        return { detailKey, detail, lists };
      },
      // the error toast comes from the one mutation error handler (app/_trpc/mutation-errors.tsx)
      onError: (_err, _input, saved) => {
        if (saved) {
          qc.setQueryData(saved.detailKey, saved.detail);
          for (const [key, data] of saved.lists) qc.setQueryData(key, data);
        }
      },
      onSettled: () => qc.invalidateQueries(trpc.tracks.pathFilter()),
    }),
  );

  /** Saves `patch` for `track`; with `undo`, the toast can put the old values back. */
  const save = (track: TrackRow, patch: Patch, opts: { undo?: boolean; message?: string } = {}) => {
    if (!Object.keys(patch).length) return Promise.resolve(null);
    const before = previousValues(track, patch);
    return mutation.mutateAsync({ id: track.id, ...patch }).then(
      (saved) => {
        if (opts.undo !== false)
          toast.push({
            tone: 'ok',
            text: opts.message ?? `Saved “${saved.title ?? saved.fileName}”`,
            action: {
              label: 'Undo',
              run: () =>
                void mutation.mutateAsync({ id: track.id, ...before }).then(
                  () => toast.push({ tone: 'ok', text: 'Undone' }),
                  () => undefined,
                ),
            },
          });
        return saved;
      },
      () => null,
    );
  };
  return { save, pending: mutation.isPending };
}
