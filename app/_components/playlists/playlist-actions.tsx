'use client';

import { useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Download, Trash2 } from 'lucide-react';
import { useTRPC } from '../../_trpc/client';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Input } from '../ui/input';
import { useToast } from '../ui/toast';
import { useDismiss } from '../ui/use-dismiss';

/** The export choices, each a download link. */
export function ExportMenu({ href }: { href: (q: string) => string }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useDismiss(ref, open, () => setOpen(false));
  return (
    <div ref={ref} className="relative">
      <Button size="sm" variant="ghost" onClick={() => setOpen(!open)} aria-expanded={open} aria-haspopup="menu">
        <Download size={13} /> Export
      </Button>
      {open ? (
        <div role="menu" className="absolute top-9 right-0 z-30 w-64 rounded-lg border border-line-strong bg-panel-2 p-1.5 shadow-2xl" onClick={() => setOpen(false)}>
          {[
            ['M3U8, absolute paths', 'format=m3u8&paths=absolute'],
            ['M3U8, relative paths', 'format=m3u8&paths=relative'],
            ['JSON, everything (notes, cues, rules)', 'format=json'],
          ].map(([label, q]) => (
            <a key={q} role="menuitem" href={href(q!)} download className="flex h-8 items-center rounded px-2 text-sm hover:bg-raised">
              {label}
            </a>
          ))}
        </div>
      ) : null}
    </div>
  );
}

export function DeleteDialog({ open, name, id, onClose }: { open: boolean; name: string; id: string; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const del = useMutation(
    trpc.playlists.remove.mutationOptions({
      onSuccess: () => {
        toast.push({ tone: 'ok', text: `Deleted “${name}”. The tracks stay in the library.` });
        onClose();
        router.push('/playlists');
      },
      onSettled: () => qc.invalidateQueries(trpc.playlists.pathFilter()),
    }),
  );
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={`Delete “${name}”?`}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="danger" onClick={() => del.mutate({ id })} disabled={del.isPending} autoFocus>
            <Trash2 size={14} /> Delete playlist
          </Button>
        </>
      }
    >
      <p className="text-sm text-muted">Only the playlist goes; its tracks stay in the library. Export it first to keep a copy.</p>
    </Dialog>
  );
}

export function PromoteDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const [name, setName] = useState('');
  const promote = useMutation(
    trpc.playlists.promoteThinking.mutationOptions({
      onSuccess: (p) => {
        onClose();
        router.push(`/playlists/${p.id}`);
      },
      onSettled: () => qc.invalidateQueries(trpc.playlists.pathFilter()),
    }),
  );
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Make the thinking playlist a real one"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" disabled={!name.trim() || promote.isPending} onClick={() => promote.mutate({ name: name.trim() })}>
            Create playlist
          </Button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) promote.mutate({ name: name.trim() });
        }}
      >
        <Input autoFocus aria-label="New playlist name" placeholder="Name" value={name} onChange={(e) => setName(e.target.value)} />
        <p className="mt-2 text-xs text-muted">The tracks move to the new playlist and Thinking starts empty again.</p>
      </form>
    </Dialog>
  );
}
