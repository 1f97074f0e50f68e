'use client';

import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../_trpc/client';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Field, Input } from '../ui/input';
import { Switch } from '../ui/switch';
import { useToast } from '../ui/toast';
import { FolderPicker } from './folder-picker';

export function AddFolderDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [followSymlinks, setFollowSymlinks] = useState(false);
  const create = useMutation(
    trpc.directories.create.mutationOptions({
      meta: { errorToast: false }, // the dialog shows it
      onSuccess: (d) => {
        toast.push({ tone: 'ok', text: `Added “${d.name}”` });
        void qc.invalidateQueries(trpc.directories.pathFilter());
        setPath('');
        setName('');
        onClose();
      },
    }),
  );
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Add a music folder"
      description="Choose a folder on the server. Removable drives are detected and tracked, so unplugging one never deletes anything."
      className="w-[min(640px,94vw)]"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant="primary"
            disabled={!path.trim() || create.isPending}
            onClick={() => create.mutate({ path: path.trim(), name: name.trim() || undefined, followSymlinks })}
          >
            {create.isPending ? 'Adding…' : 'Add folder'}
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-4">
        <FolderPicker value={path} onChange={setPath} />
        <Field label="Name" hint="Defaults to the folder's name.">
          <Input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. USB crate" aria-label="Folder name" />
        </Field>
        <div className="flex items-center gap-3">
          <Switch checked={followSymlinks} onChange={setFollowSymlinks} label="Follow symbolic links" />
          <span className="text-sm text-muted">Follow symbolic links (loops are detected)</span>
        </div>
        {create.error ? (
          <p role="alert" className="rounded-md border border-danger/40 bg-danger/10 px-3 py-2 text-sm text-danger">
            {create.error.message}
          </p>
        ) : null}
      </div>
    </Dialog>
  );
}
