'use client';

import { useState } from 'react';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useMutation, useQuery } from '@tanstack/react-query';
import { ChevronRight, CircleOff, FilePlus2, Folder, Library, Pause, Play } from 'lucide-react';
import { useTRPC } from '../../_trpc/client';
import { formatBytes, formatCount, formatDuration } from '../format';
import { usePlayer } from '../library/player';
import { Button, buttonClass } from '../ui/button';
import { Input } from '../ui/input';
import { useToast } from '../ui/toast';
import { DataTable } from '../ui/data-table';

/** One library folder as the library knows it: sub-folders with their totals, and tracks. */
export function FolderBrowser({ directoryId }: { directoryId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const path = useSearchParams().get('path') ?? '';
  const q = useQuery(trpc.directories.browse.queryOptions({ directoryId, path }));
  const player = usePlayer();
  const go = (p: string) => router.push(`/folders/${directoryId}${p ? `?path=${encodeURIComponent(p)}` : ''}`);
  if (q.isError)
    return (
      <p className="p-6 text-sm text-danger" role="alert">
        {q.error.message}
      </p>
    );
  const d = q.data;
  const inLibrary = `/library?f=${encodeURIComponent(JSON.stringify(path ? { directoryId, folder: path } : { directoryId }))}`;
  return (
    <div>
      <div className="flex flex-wrap items-center gap-3 border-b border-line px-6 pt-6 pb-4">
        <nav aria-label="Folder path" className="flex min-w-0 flex-1 flex-wrap items-center gap-1 text-lg font-semibold tracking-tight">
          <Link href="/folders" className="text-muted hover:text-fg">
            Folders
          </Link>
          <ChevronRight size={16} className="text-faint" />
          <button type="button" onClick={() => go('')} className={path ? 'text-muted hover:text-fg' : ''}>
            {d?.directory.name ?? '…'}
          </button>
          {d?.crumbs.map((c, i) => (
            <span key={c.path} className="flex items-center gap-1">
              <ChevronRight size={16} className="text-faint" />
              <button type="button" onClick={() => go(c.path)} className={i < d.crumbs.length - 1 ? 'text-muted hover:text-fg' : ''}>
                {c.name}
              </button>
            </span>
          ))}
        </nav>
        <Link href={inLibrary} className={buttonClass('secondary', 'sm')}>
          <Library size={14} /> Show in library
        </Link>
      </div>
      {d ? <AddFile base={`${d.directory.path}${path ? `/${path}` : ''}`} /> : null}
      <div className="px-6 py-4">
        {d && !d.folders.length && !d.tracks.length ? <p className="py-10 text-center text-sm text-muted">No tracks here.</p> : null}
        {d?.folders.length ? (
          <ul className="mb-5 grid grid-cols-[repeat(auto-fill,minmax(260px,1fr))] gap-2" aria-label="Sub-folders">
            {d.folders.map((f) => (
              <li key={f.path}>
                <button
                  type="button"
                  onClick={() => go(f.path)}
                  className="flex w-full items-center gap-3 rounded-lg border border-line bg-panel px-3 py-2.5 text-left hover:border-line-strong hover:bg-panel-2"
                >
                  <Folder size={18} className="shrink-0 text-accent" />
                  <span className="min-w-0 flex-1">
                    <span className="block truncate text-sm font-medium">{f.name}</span>
                    <span className="block text-xs text-muted">
                      {formatCount(f.tracks)} {f.tracks === 1 ? 'track' : 'tracks'} · {formatBytes(f.sizeBytes)}
                      {f.missing ? <span className="text-warn"> · {formatCount(f.missing)} missing</span> : null}
                    </span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        {d?.tracks.length ? (
          <DataTable
            label="Tracks in this folder"
            rows={d.tracks}
            rowKey={(t) => t.id}
            rowTestId="folder-track"
            rowClassName={() => 'hover:bg-panel-2'}
            columns={[
              {
                key: 'play',
                header: '',
                headerClassName: 'w-10',
                cell: (t) => {
                  const playing = player.track?.id === t.id && player.playing;
                  return (
                    <button
                      type="button"
                      aria-label={playing ? `Pause ${t.fileName}` : `Play ${t.fileName}`}
                      onClick={() => player.toggle(t)}
                      disabled={t.isMissing}
                      className="rounded p-1 text-muted hover:text-accent disabled:opacity-30"
                    >
                      {playing ? <Pause size={14} /> : <Play size={14} />}
                    </button>
                  );
                },
              },
              {
                key: 'file',
                header: 'File',
                className: 'max-w-[18rem] truncate font-mono text-xs text-muted',
                cell: (t) => (
                  <span title={t.relPath}>
                    {t.isMissing ? <CircleOff size={12} className="mr-1 inline text-warn" aria-label="Missing" /> : null}
                    {t.fileName}
                  </span>
                ),
              },
              {
                key: 'title',
                header: 'Title',
                className: 'max-w-[18rem] truncate',
                cell: (t) => (
                  <Link href={`/library/tracks/${t.id}`} className="hover:text-accent">
                    {t.title ?? t.fileName}
                  </Link>
                ),
              },
              { key: 'artist', header: 'Artist', className: 'max-w-[14rem] truncate text-muted', cell: (t) => t.artist },
              { key: 'format', header: 'Format', className: 'text-xs text-muted uppercase', cell: (t) => t.format },
              { key: 'time', header: 'Time', numeric: true, className: 'text-muted', cell: (t) => formatDuration(t.durationMs) },
              { key: 'size', header: 'Size', numeric: true, className: 'text-muted', cell: (t) => formatBytes(t.sizeBytes) },
            ]}
          />
        ) : null}
      </div>
    </div>
  );
}

/** Adds one file by hand (e.g. one removed from the library earlier): its path, here or absolute. */
function AddFile({ base }: { base: string }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const create = useMutation(
    trpc.tracks.create.mutationOptions({
      onSuccess: (r) => {
        toast.push({ tone: 'ok', text: `Adding ${r.relPath} — it appears when it has been read` });
        setName('');
        setOpen(false);
      },
    }),
  );
  if (!open)
    return (
      <div className="px-6 pt-3">
        <Button size="sm" variant="ghost" onClick={() => setOpen(true)}>
          <FilePlus2 size={14} /> Add a file by hand
        </Button>
      </div>
    );
  return (
    <form
      className="flex items-center gap-2 px-6 pt-3"
      onSubmit={(e) => {
        e.preventDefault();
        const p = name.trim();
        if (p) create.mutate({ path: p.startsWith('/') ? p : `${base}/${p}` });
      }}
    >
      <Input
        autoFocus
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder="File name in this folder, or an absolute path"
        aria-label="File to add"
        className="h-8 max-w-xl"
      />
      <Button size="sm" variant="primary" type="submit" disabled={create.isPending || !name.trim()}>
        Add
      </Button>
      <Button size="sm" variant="ghost" onClick={() => setOpen(false)}>
        Cancel
      </Button>
    </form>
  );
}
