'use client';

import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { FolderSearch, History, Plus, Search, Trash2, Undo2, X } from 'lucide-react';
import type { RelocateResult } from '@/server/library/missing';
import { useTRPC } from '../../_trpc/client';
import { formatAgo, formatCount } from '../format';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Input } from '../ui/input';
import { Progress } from '../ui/progress';
import { useToast } from '../ui/toast';

/** What a finished job handed back (the runner stores `{ outcome, result }`). */
function jobResult<T>(job: { status: string; result: unknown } | undefined): T | null {
  return job?.status === 'succeeded' ? ((job.result as { result?: T } | null)?.result ?? null) : null;
}

/** Follows a worker job until it ends (events refresh it too; the interval is a safety net). */
function useJob(jobId: number | null) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.jobs.byId.queryOptions({ id: jobId ?? 0 }),
    enabled: jobId !== null,
    refetchInterval: (q) => (q.state.data && ['succeeded', 'failed', 'cancelled'].includes(q.state.data.status) ? false : 500),
  });
}

/** Shown above the table when it lists missing tracks: find them again, or clean them up. */
export function MissingBar({ count }: { count: number }) {
  const [relocating, setRelocating] = useState(false);
  const [cleaning, setCleaning] = useState(false);
  return (
    <div className="flex flex-wrap items-center gap-3 border-b border-line bg-warn/5 px-4 py-2 text-sm" data-testid="missing-bar">
      <span className="text-muted">
        <strong className="text-fg">{formatCount(count)}</strong> missing {count === 1 ? 'track' : 'tracks'} — kept with their cues, ratings and playlist entries until you clean
        them up. Tracks on an unplugged drive come back by themselves.
      </span>
      <div className="ml-auto flex gap-2">
        <Button size="sm" onClick={() => setRelocating(true)}>
          <FolderSearch size={14} /> Find them…
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setCleaning(true)}>
          <Trash2 size={14} /> Clean up…
        </Button>
      </div>
      <RelocateDialog open={relocating} onClose={() => setRelocating(false)} />
      <CleanupDialog open={cleaning} onClose={() => setCleaning(false)} />
    </div>
  );
}

function RelocateDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [folders, setFolders] = useState<string[]>([]);
  const [folder, setFolder] = useState('');
  const [jobId, setJobId] = useState<number | null>(null);
  const job = useJob(jobId);
  const start = useMutation(trpc.missing.relocate.mutationOptions({ onSuccess: (r) => setJobId(r.jobId) }));
  const confirm = useMutation(
    trpc.missing.confirmRelocate.mutationOptions({
      onSuccess: () => {
        toast.push({ tone: 'ok', text: 'Re-attached: the track keeps its cues, ratings and playlist entries' });
        void qc.invalidateQueries(trpc.tracks.pathFilter());
      },
    }),
  );
  const [confirmed, setConfirmed] = useState<Set<string>>(new Set());
  const result = jobResult<RelocateResult>(job.data);
  const running = jobId !== null && !result && job.data?.status !== 'failed';
  const close = () => {
    setJobId(null);
    setConfirmed(new Set());
    onClose();
  };
  const add = () => {
    const f = folder.trim();
    if (f && !folders.includes(f)) setFolders([...folders, f]);
    setFolder('');
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Find missing tracks"
      description="Looks for the same audio (whatever the file is called now) in your library, and in any folders you add, then re-attaches each track where it is found."
      className="w-[min(720px,94vw)]"
      footer={
        result ? (
          <Button onClick={close}>Done</Button>
        ) : (
          <>
            <Button onClick={close}>Cancel</Button>
            <Button variant="primary" disabled={running || start.isPending} onClick={() => start.mutate({ searchPaths: folders })}>
              <Search size={14} /> {running ? 'Searching…' : 'Search'}
            </Button>
          </>
        )
      }
    >
      {!result ? (
        <div className="flex flex-col gap-3 text-sm">
          <label className="text-xs text-muted" htmlFor="relocate-folder">
            Also search these folders (inside a library folder, e.g. one excluded from scans):
          </label>
          <div className="flex gap-2">
            <Input
              id="relocate-folder"
              value={folder}
              onChange={(e) => setFolder(e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), add())}
              placeholder="/media/usb/Backup"
              className="h-8"
            />
            <Button size="sm" onClick={add} disabled={!folder.trim()}>
              <Plus size={13} /> Add
            </Button>
          </div>
          {folders.length ? (
            <ul className="flex flex-col gap-1">
              {folders.map((f) => (
                <li key={f} className="flex items-center gap-2 font-mono text-xs">
                  {f}
                  <button type="button" aria-label={`Remove ${f}`} onClick={() => setFolders(folders.filter((x) => x !== f))} className="text-faint hover:text-fg">
                    <X size={12} />
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          {running ? <Progress value={job.data?.progress?.done ?? 0} max={job.data?.progress?.total ?? 0} label={job.data?.progress?.message ?? 'Looking…'} /> : null}
          {job.data?.status === 'failed' ? <p className="text-danger">{job.data.error}</p> : null}
        </div>
      ) : (
        <div className="flex flex-col gap-4 text-sm" data-testid="relocate-result">
          <p>
            Looked for {formatCount(result.looked)} {result.looked === 1 ? 'track' : 'tracks'}
            {result.searchedFiles ? `, read ${formatCount(result.searchedFiles)} files` : ''}: <strong>{formatCount(result.reattached.length)} found and re-attached</strong>
            {result.candidates.length ? `, ${formatCount(result.candidates.length)} possible matches to check` : ''}, {formatCount(result.notFound)} not found.
          </p>
          {result.reattached.length ? (
            <ul className="max-h-40 overflow-y-auto font-mono text-xs text-muted">
              {result.reattached.map((r) => (
                <li key={r.trackId}>✓ {r.path}</li>
              ))}
            </ul>
          ) : null}
          {result.candidates.length ? (
            <div>
              <h3 className="mb-1 text-xs font-medium text-muted uppercase">Same name and length — is it the same track?</h3>
              <ul className="flex flex-col gap-1.5">
                {result.candidates.map((c) => (
                  <li key={`${c.trackId}:${c.path}`} className="flex items-center gap-2 rounded border border-line px-2 py-1.5">
                    <span className="min-w-0 flex-1 truncate font-mono text-xs" title={c.path}>
                      {c.path}
                    </span>
                    <Button
                      size="sm"
                      disabled={confirmed.has(c.trackId) || confirm.isPending}
                      onClick={() => confirm.mutate({ trackId: c.trackId, path: c.path }, { onSuccess: () => setConfirmed(new Set([...confirmed, c.trackId])) })}
                    >
                      {confirmed.has(c.trackId) ? 'Re-attached' : 'Use this file'}
                    </Button>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      )}
    </Dialog>
  );
}

function CleanupDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [days, setDays] = useState<number | null>(null);
  const [keep, setKeep] = useState(true);
  const [exportFirst, setExportFirst] = useState(true);
  const [jobId, setJobId] = useState<number | null>(null);
  const preview = useQuery({
    ...trpc.missing.cleanupPreview.queryOptions({ olderThanDays: days ?? undefined, keepPlaylistEntries: keep, exportMetadata: exportFirst }),
    enabled: open,
  });
  const history = useQuery({ ...trpc.missing.cleanups.queryOptions(), enabled: open });
  const job = useJob(jobId);
  const undo = useMutation(
    trpc.missing.undoCleanup.mutationOptions({
      onSuccess: (r) => {
        toast.push({ tone: 'ok', text: `Put back ${formatCount(r.restored)} tracks` });
        if (r.occupied.length)
          toast.push({
            tone: 'error',
            text: `${formatCount(r.occupied.length)} could not come back: another track is at ${r.occupied.length === 1 ? 'its place' : 'their places'} now (${r.occupied.slice(0, 3).join(', ')}${r.occupied.length > 3 ? ', …' : ''})`,
          });
        void qc.invalidateQueries(trpc.tracks.pathFilter());
        void qc.invalidateQueries(trpc.missing.pathFilter());
      },
    }),
  );
  const run = useMutation(trpc.missing.cleanup.mutationOptions({ onSuccess: (r) => setJobId(r.jobId) }));
  const done = jobResult<{ cleanupId: number | null; removed: number; exportPath: string | null }>(job.data);
  useEffect(() => {
    if (!done || jobId === null) return;
    setJobId(null);
    void qc.invalidateQueries(trpc.missing.pathFilter());
    toast.push({
      tone: 'ok',
      text: `Removed ${formatCount(done.removed)} missing ${done.removed === 1 ? 'track' : 'tracks'}${done.exportPath ? `; their metadata is in ${done.exportPath}` : ''}`,
      action: done.cleanupId ? { label: 'Undo', run: () => undo.mutate({ id: done.cleanupId! }) } : undefined,
    });
  }, [done, jobId, qc, trpc, toast, undo]);
  const p = preview.data;
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Clean up missing tracks"
      description="Removes tracks whose files have been gone for a while. Tracks on an unplugged drive are never included. You can undo it."
      className="w-[min(720px,94vw)]"
      footer={
        <>
          <Button onClick={onClose}>Close</Button>
          <Button
            variant="danger"
            disabled={!p?.count || run.isPending || jobId !== null}
            onClick={() => run.mutate({ olderThanDays: p!.olderThanDays, keepPlaylistEntries: keep, exportMetadata: exportFirst })}
          >
            <Trash2 size={14} /> Remove {formatCount(p?.count ?? 0)} {p?.count === 1 ? 'track' : 'tracks'}
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-4 text-sm">
        <div className="flex flex-wrap items-center gap-x-5 gap-y-2">
          <label className="flex items-center gap-2">
            Missing for more than
            <Input
              type="number"
              min={0}
              max={3650}
              aria-label="Days missing"
              // the setting's default as a placeholder, never as the value: text arriving with the
              // preview must not change the field under the user's cursor (typing 0 became 300)
              value={days ?? ''}
              placeholder={p ? String(p.olderThanDays) : ''}
              onChange={(e) => setDays(e.target.value === '' ? null : Math.max(0, Math.round(Number(e.target.value))))}
              className="h-8 w-20"
            />
            days
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" className="accent-[var(--color-accent)]" checked={keep} onChange={(e) => setKeep(e.target.checked)} /> Keep their playlist entries (as
            placeholders)
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" className="accent-[var(--color-accent)]" checked={exportFirst} onChange={(e) => setExportFirst(e.target.checked)} /> Export their metadata (JSON)
            first
          </label>
        </div>
        <div data-testid="cleanup-preview">
          {p ? (
            <p>
              <strong>{formatCount(p.count)}</strong> {p.count === 1 ? 'track' : 'tracks'} would be removed
              {p.playlistEntries ? `, in ${formatCount(p.playlistEntries)} playlist entries (${keep ? 'kept as placeholders' : 'removed too'})` : ''}.
            </p>
          ) : (
            <p className="text-muted">Counting…</p>
          )}
          {p?.sample.length ? (
            <ul className="mt-2 max-h-44 overflow-y-auto rounded border border-line text-xs">
              {p.sample.map((t) => (
                <li key={t.id} className="flex gap-2 border-b border-line/50 px-2 py-1 last:border-0">
                  <span className="min-w-0 flex-1 truncate">{t.title ?? t.relPath}</span>
                  <span className="text-muted">{t.artist}</span>
                  <span className="text-faint">since {formatAgo(t.missingSince)}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        {history.data?.length ? (
          <div>
            <h3 className="mb-1 flex items-center gap-1.5 text-xs font-medium text-muted uppercase">
              <History size={12} /> Earlier cleanups
            </h3>
            <ul className="flex flex-col gap-1 text-xs">
              {history.data.map((c) => (
                <li key={c.id} className="flex items-center gap-2">
                  <span className="flex-1">
                    {formatAgo(c.createdAt)}: {formatCount(c.trackCount)} tracks missing for over {c.olderThanDays} days
                    {c.undoneAt ? <span className="text-faint"> · undone</span> : null}
                  </span>
                  {!c.undoneAt ? (
                    <Button size="sm" variant="ghost" onClick={() => undo.mutate({ id: c.id })} disabled={undo.isPending}>
                      <Undo2 size={12} /> Undo
                    </Button>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </Dialog>
  );
}
