'use client';

import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DirectoryView } from '@/server/library/queries';
import { useTRPC } from '../../_trpc/client';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { cn } from '../ui/cn';
import { useToast } from '../ui/toast';
import { formatCount } from '../format';

/** Removing a folder asks explicitly what happens to its tracks; files are never touched. */
export function RemoveFolderDialog({ folder, onClose }: { folder: DirectoryView | null; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [choice, setChoice] = useState<'keep' | 'remove' | null>(null);
  const remove = useMutation(
    trpc.directories.remove.mutationOptions({
      meta: { errorToast: false }, // the dialog shows it
      onSuccess: () => {
        toast.push({ tone: 'ok', text: `Removed “${folder?.name}” from the library` });
        void qc.invalidateQueries(trpc.directories.pathFilter());
        setChoice(null);
        onClose();
      },
    }),
  );
  const options = [
    { value: 'keep' as const, title: 'Keep its tracks as missing', text: 'Ratings, cues and playlist entries stay; the tracks can be relocated later.' },
    { value: 'remove' as const, title: 'Remove its tracks from the library', text: 'Playlist entries stay as placeholders you can relink.' },
  ];
  return (
    <Dialog
      open={folder !== null}
      onClose={onClose}
      title={`Remove “${folder?.name ?? ''}”?`}
      description={
        <>
          {formatCount(folder?.counts.tracks ?? 0)} tracks. <strong className="text-fg">Files on disk are never touched.</strong>
        </>
      }
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="danger" disabled={!choice || remove.isPending} onClick={() => folder && choice && remove.mutate({ id: folder.id, tracks: choice })}>
            Remove folder
          </Button>
        </>
      }
    >
      <fieldset className="flex flex-col gap-2">
        <legend className="sr-only">What happens to the tracks</legend>
        {options.map((o) => (
          <label
            key={o.value}
            className={cn('flex cursor-pointer gap-3 rounded-lg border p-3', choice === o.value ? 'border-accent bg-accent/5' : 'border-line hover:border-line-strong')}
          >
            <input type="radio" name="tracks" value={o.value} checked={choice === o.value} onChange={() => setChoice(o.value)} className="mt-1 accent-[var(--color-accent)]" />
            <span>
              <span className="block text-sm font-medium">{o.title}</span>
              <span className="block text-xs text-muted">{o.text}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {remove.error ? <p className="mt-3 text-sm text-danger">{remove.error.message}</p> : null}
    </Dialog>
  );
}
