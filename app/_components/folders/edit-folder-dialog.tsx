'use client';

import { useEffect, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DirectoryView } from '@/server/library/queries';
import { useTRPC } from '../../_trpc/client';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Field, Input } from '../ui/input';
import { Switch } from '../ui/switch';

const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

export function EditFolderDialog({ folder, onClose }: { folder: DirectoryView | null; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [form, setForm] = useState({ name: '', isActive: true, isRemovable: false, followSymlinks: false, include: '', exclude: '', maxDepth: '', priority: '0' });
  useEffect(() => {
    if (folder)
      setForm({
        name: folder.name,
        isActive: folder.isActive,
        isRemovable: folder.isRemovable,
        followSymlinks: folder.followSymlinks,
        include: (folder.includePatterns ?? []).join('\n'),
        exclude: folder.excludePatterns.join('\n'),
        maxDepth: folder.maxDepth === null ? '' : String(folder.maxDepth),
        priority: String(folder.priority),
      });
  }, [folder]);
  const update = useMutation(
    trpc.directories.update.mutationOptions({
      meta: { errorToast: false }, // the dialog shows it
      onSuccess: () => {
        void qc.invalidateQueries(trpc.directories.pathFilter());
        onClose();
      },
    }),
  );
  const set = <K extends keyof typeof form>(k: K, v: (typeof form)[K]) => setForm((f) => ({ ...f, [k]: v }));
  const submit = () => {
    if (!folder) return;
    const include = lines(form.include);
    update.mutate({
      id: folder.id,
      name: form.name,
      isActive: form.isActive,
      isRemovable: form.isRemovable,
      followSymlinks: form.followSymlinks,
      includePatterns: include.length ? include : null,
      excludePatterns: lines(form.exclude),
      maxDepth: form.maxDepth.trim() === '' ? null : Number(form.maxDepth),
      priority: Number(form.priority),
    });
  };
  return (
    <Dialog
      open={folder !== null}
      onClose={onClose}
      title={`Edit “${folder?.name ?? ''}”`}
      description={<span className="font-mono text-xs">{folder?.path}</span>}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" onClick={submit} disabled={update.isPending}>
            Save
          </Button>
        </>
      }
    >
      <div className="grid grid-cols-2 gap-4">
        <div className="col-span-2">
          <Field label="Name">
            <Input value={form.name} onChange={(e) => set('name', e.target.value)} aria-label="Name" />
          </Field>
        </div>
        {(
          [
            ['isActive', 'Active (scanned and watched)'],
            ['isRemovable', 'On a removable drive'],
            ['followSymlinks', 'Follow symbolic links'],
          ] as const
        ).map(([k, label]) => (
          <label key={k} className="col-span-2 flex items-center gap-3 text-sm text-muted">
            <Switch checked={form[k]} onChange={(v) => set(k, v)} label={label} />
            {label}
          </label>
        ))}
        <Field label="Include patterns" hint="One glob per line; empty = usual audio files.">
          <textarea
            className="h-24 rounded-md border border-line-strong bg-panel p-2 font-mono text-xs"
            value={form.include}
            onChange={(e) => set('include', e.target.value)}
            aria-label="Include patterns"
          />
        </Field>
        <Field label="Exclude patterns" hint="e.g. **/Samples/**">
          <textarea
            className="h-24 rounded-md border border-line-strong bg-panel p-2 font-mono text-xs"
            value={form.exclude}
            onChange={(e) => set('exclude', e.target.value)}
            aria-label="Exclude patterns"
          />
        </Field>
        <Field label="Max depth" hint="Empty = unlimited">
          <Input inputMode="numeric" value={form.maxDepth} onChange={(e) => set('maxDepth', e.target.value)} aria-label="Max depth" />
        </Field>
        <Field label="Priority" hint="Higher wins when choosing among duplicates">
          <Input inputMode="numeric" value={form.priority} onChange={(e) => set('priority', e.target.value)} aria-label="Priority" />
        </Field>
      </div>
      {update.error ? <p className="mt-3 text-sm text-danger">{update.error.message}</p> : null}
    </Dialog>
  );
}
