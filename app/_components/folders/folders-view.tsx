'use client';

import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Eye, EyeOff, FolderOpen, FolderPlus, HardDrive, RefreshCw, Pencil, Timer, Trash2, Usb } from 'lucide-react';
import type { DirectoryView } from '@/server/library/queries';
import { useTRPC } from '../../_trpc/client';
import { Badge, type Tone } from '../ui/badge';
import { Button, buttonClass } from '../ui/button';
import { Card, EmptyState, PageHeader } from '../ui/card';
import { formatAgo, formatBytes, formatCount } from '../format';
import { AddFolderDialog } from './add-folder-dialog';
import { EditFolderDialog } from './edit-folder-dialog';
import { RemoveFolderDialog } from './remove-folder-dialog';
import { ScanPanel } from './scan-panel';

export function FoldersView() {
  const trpc = useTRPC();
  const list = useQuery(trpc.directories.list.queryOptions());
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<DirectoryView | null>(null);
  const [removing, setRemoving] = useState<DirectoryView | null>(null);
  const folders = list.data ?? [];
  return (
    <div>
      <PageHeader
        title="Folders"
        description="The folders Mismo Library keeps your music in."
        actions={
          <Button variant="primary" onClick={() => setAdding(true)}>
            <FolderPlus size={16} /> Add folder
          </Button>
        }
      />
      <div className="flex flex-col gap-3 p-6">
        {list.isSuccess && folders.length === 0 ? (
          <EmptyState
            icon={<FolderPlus size={22} />}
            title="Add your first music folder"
            action={
              <Button variant="primary" onClick={() => setAdding(true)}>
                <FolderPlus size={16} /> Add folder
              </Button>
            }
          >
            Point Mismo Library at the folders where you keep your tracks — on this disk or on a USB drive. Nothing is moved or changed.
          </EmptyState>
        ) : null}
        {folders.map((f) => (
          <FolderCard key={f.id} folder={f} onEdit={() => setEditing(f)} onRemove={() => setRemoving(f)} />
        ))}
      </div>
      <AddFolderDialog open={adding} onClose={() => setAdding(false)} />
      <EditFolderDialog folder={editing} onClose={() => setEditing(null)} />
      <RemoveFolderDialog folder={removing} onClose={() => setRemoving(null)} />
    </div>
  );
}

function FolderCard({ folder, onEdit, onRemove }: { folder: DirectoryView; onEdit: () => void; onRemove: () => void }) {
  const trpc = useTRPC();
  const check = useMutation(trpc.directories.checkAvailability.mutationOptions());
  const status = !folder.isActive ? (
    <Badge>Inactive</Badge>
  ) : folder.isAvailable ? (
    <Badge tone="ok" dot>
      Online
    </Badge>
  ) : (
    <Badge tone="danger" dot>
      Offline{folder.unavailableSince ? ` since ${formatAgo(folder.unavailableSince)}` : ''}
    </Badge>
  );
  const watch = WATCH[folder.watchState];
  return (
    <Card className="flex flex-col gap-3 p-4" data-testid="folder-card" aria-label={`Folder ${folder.name}`}>
      <div className="flex items-start gap-3">
        <div className="flex h-10 w-10 shrink-0 items-center justify-center rounded-lg border border-line bg-panel-2 text-muted">
          {folder.isRemovable ? <Usb size={18} /> : <HardDrive size={18} />}
        </div>
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h2 className="truncate text-[15px] font-semibold">{folder.name}</h2>
            <span data-testid="folder-status">{status}</span>
            {folder.isRemovable ? <Badge tone="info">Removable</Badge> : null}
            {folder.isActive && folder.isAvailable ? (
              <span data-testid="watch-state" title={folder.watchError ?? watch.title}>
                <Badge tone={watch.tone}>
                  <watch.icon size={11} /> {watch.label}
                </Badge>
              </span>
            ) : null}
          </div>
          <p className="mt-0.5 truncate font-mono text-xs text-muted" title={folder.path}>
            {folder.path}
          </p>
          {!folder.isAvailable && folder.availabilityError ? (
            <p className="mt-1 text-xs text-danger">
              {folder.availabilityError}. Its {formatCount(folder.counts.tracks)} tracks are kept and return when it is back.
            </p>
          ) : null}
          {folder.isAvailable && folder.watchError ? (
            <p className="mt-1 text-xs text-warn" data-testid="watch-error">
              {folder.watchError}
            </p>
          ) : null}
        </div>
        <div className="flex items-center gap-1">
          <Link href={`/folders/${folder.id}`} aria-label={`Browse ${folder.name}`} className={buttonClass('ghost', 'sm')}>
            <FolderOpen size={14} /> Browse
          </Link>
          <Button size="sm" variant="ghost" onClick={() => check.mutate({ id: folder.id })} title="Check availability now">
            <RefreshCw size={14} className={check.isPending ? 'animate-spin' : ''} /> Check
          </Button>
          <Button size="icon" variant="ghost" onClick={onEdit} aria-label={`Edit ${folder.name}`}>
            <Pencil size={14} />
          </Button>
          <Button size="icon" variant="ghost" onClick={onRemove} aria-label={`Remove ${folder.name}`}>
            <Trash2 size={14} />
          </Button>
        </div>
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-xs sm:grid-cols-5">
        <Stat label="Tracks" value={formatCount(folder.counts.tracks)} />
        <Stat label="Missing" value={formatCount(folder.counts.missing)} />
        <Stat label="Broken" value={formatCount(folder.counts.broken)} />
        <Stat label="Size" value={formatBytes(folder.counts.sizeBytes)} />
        <Stat label="Last change" value={folder.lastChangeAt ? formatAgo(folder.lastChangeAt) : '—'} />
      </dl>
      <ScanPanel folder={folder} />
    </Card>
  );
}

const WATCH: Record<DirectoryView['watchState'], { label: string; tone: Tone; icon: typeof Eye; title: string }> = {
  watching: { label: 'Watching', tone: 'accent', icon: Eye, title: 'Files added, changed, moved or deleted here show up within seconds.' },
  starting: { label: 'Starting watch', tone: 'neutral', icon: Eye, title: 'Reading the folder tree to watch it.' },
  polling: { label: 'Periodic scans', tone: 'warn', icon: Timer, title: 'This folder cannot be watched; it is rescanned periodically.' },
  error: { label: 'Not watched', tone: 'danger', icon: EyeOff, title: 'Watching failed; it is rescanned periodically.' },
  off: { label: 'Not watched', tone: 'neutral', icon: EyeOff, title: 'Watching is off (Settings → Watch folders).' },
};

function Stat({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div>
      <dt className="text-faint">{label}</dt>
      <dd className="font-medium tabular-nums">{value}</dd>
    </div>
  );
}
