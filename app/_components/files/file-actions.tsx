'use client';

import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AlertTriangle, ArrowRight, FolderInput, FolderTree, PencilLine, Trash2 } from 'lucide-react';
import type { PlanItem } from '@/server/files/plan';
import { useTRPC } from '../../_trpc/client';
import { formatBytes, formatCount } from '../format';
import { FolderPicker } from '../folders/folder-picker';
import { Button } from '../ui/button';
import { cn } from '../ui/cn';
import { Dialog } from '../ui/dialog';
import { Input } from '../ui/input';
import { Switch } from '../ui/switch';
import { useToast } from '../ui/toast';

export type FileAction = { kind: 'move' | 'rename' | 'organise' | 'trash'; ids: string[]; name?: string };

interface PlanView {
  items: PlanItem[];
  summary: string;
  totalBytes: number;
}

/** A debounced copy of a value: previews follow typing without a request per key. */
function useDebounced<T>(value: T, ms = 250): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** The dry run, file by file: where each goes, and anything worth knowing first. */
function PlanPreview({ plan, loading, error }: { plan: PlanView | undefined; loading: boolean; error: string | null }) {
  if (error)
    return (
      <p className="flex items-center gap-2 text-sm text-danger" role="alert">
        <AlertTriangle size={14} /> {error}
      </p>
    );
  if (!plan) return <p className="text-sm text-muted">{loading ? 'Working out what would happen…' : ''}</p>;
  const shown = plan.items.slice(0, 200);
  return (
    <div className="flex flex-col gap-2" data-testid="file-plan">
      <p className="text-sm">
        <strong>{plan.summary}</strong>
        {plan.totalBytes ? <span className="text-muted"> · {formatBytes(plan.totalBytes)}</span> : null}
      </p>
      <ul className="max-h-72 overflow-y-auto rounded-md border border-line bg-panel text-xs">
        {shown.map((i, n) => (
          <li key={`${i.trackId}-${n}`} className={cn('flex flex-col gap-0.5 border-b border-line/50 px-3 py-1.5 last:border-0', i.problem && 'opacity-60')}>
            <span className="truncate text-fg">{i.title ?? i.from.split('/').at(-1)}</span>
            <span className="flex min-w-0 items-center gap-1.5 font-mono text-[11px] text-muted">
              <span className="truncate">{i.from}</span>
              {i.to ? (
                <>
                  <ArrowRight size={11} className="shrink-0 text-accent" />
                  <span className="truncate text-fg" data-testid="plan-to">
                    {i.to}
                  </span>
                </>
              ) : null}
            </span>
            {i.problem ? <span className="text-warn">Skipped: {i.problem}</span> : null}
            {i.note ? <span className="text-info">{i.note}</span> : null}
            {i.crossDevice ? <span className="text-faint">to another drive: copied, verified, then removed here</span> : null}
          </li>
        ))}
        {plan.items.length > shown.length ? <li className="px-3 py-1.5 text-faint">…and {formatCount(plan.items.length - shown.length)} more</li> : null}
      </ul>
    </div>
  );
}

/** The dialogs behind "Move to…", "Rename…", "Organise…" and "Move to trash…". */
export function FileActionDialog({ action, onClose }: { action: FileAction | null; onClose: () => void }) {
  const kind = action?.kind;
  return (
    <>
      <MoveDialog ids={kind === 'move' ? action!.ids : null} onClose={onClose} />
      <RenameDialog id={kind === 'rename' ? action!.ids[0]! : null} current={action?.name ?? ''} onClose={onClose} />
      <OrganiseDialog ids={kind === 'organise' ? action!.ids : null} onClose={onClose} />
      <TrashDialog ids={kind === 'trash' ? action!.ids : null} onClose={onClose} />
    </>
  );
}

/** What every file dialog does once its operations are queued: say so, refresh, close. */
function useQueuedHandlers(onClose: () => void) {
  const qc = useQueryClient();
  const trpc = useTRPC();
  const toast = useToast();
  return {
    onSuccess: (r: { summary: string }) => {
      toast.push({ tone: 'ok', text: `${r.summary} — follow it in Activity.` });
      void qc.invalidateQueries(trpc.files.pathFilter());
      onClose();
    },
  };
}

function MoveDialog({ ids, onClose }: { ids: string[] | null; onClose: () => void }) {
  const trpc = useTRPC();
  const [folder, setFolder] = useState('');
  const target = useDebounced(folder);
  const preview = useQuery({ ...trpc.files.previewMove.queryOptions({ trackIds: ids ?? [], folder: target }), enabled: !!ids && target.startsWith('/'), retry: false });
  const commit = useMutation(trpc.files.move.mutationOptions(useQueuedHandlers(onClose)));
  const n = ids?.length ?? 0;
  return (
    <Dialog
      open={!!ids}
      onClose={onClose}
      title={`Move ${formatCount(n)} ${n === 1 ? 'file' : 'files'} to…`}
      description="A folder inside one of your library folders. Cues, ratings and playlist entries move with the files; nothing is ever overwritten."
      className="w-[min(760px,94vw)]"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            disabled={!preview.data || commit.isPending || !preview.data.items.some((i) => !i.problem)}
            onClick={() => commit.mutate({ trackIds: ids!, folder })}
          >
            <FolderInput size={14} /> Move
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-3">
        <FolderPicker value={folder} onChange={setFolder} />
        <PlanPreview plan={preview.data} loading={preview.isFetching} error={target.startsWith('/') ? (preview.error?.message ?? null) : null} />
      </div>
    </Dialog>
  );
}

function RenameDialog({ id, current, onClose }: { id: string | null; current: string; onClose: () => void }) {
  const trpc = useTRPC();
  const ext = /\.[^.]+$/.exec(current)?.[0] ?? '';
  const [name, setName] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (id) setName(current.slice(0, current.length - ext.length));
  }, [id, current, ext.length]);
  const typed = useDebounced(name);
  const changed = typed.trim() !== '' && typed + ext !== current;
  const preview = useQuery({ ...trpc.files.previewRename.queryOptions({ trackId: id ?? '', name: typed }), enabled: !!id && changed, retry: false });
  const commit = useMutation(trpc.files.rename.mutationOptions(useQueuedHandlers(onClose)));
  const submit = () => id && preview.data && commit.mutate({ trackId: id, name });
  return (
    <Dialog
      open={!!id}
      onClose={onClose}
      title="Rename file"
      description="The extension stays as it is. A name that is taken is refused, never overwritten."
      className="w-[min(640px,94vw)]"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" disabled={!preview.data || commit.isPending || typed !== name} onClick={submit}>
            <PencilLine size={14} /> Rename
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-3">
        <div className="flex items-center gap-1">
          <Input
            ref={input}
            aria-label="New file name"
            value={name}
            autoFocus
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), submit())}
            className="font-mono"
          />
          <span className="font-mono text-sm text-muted">{ext}</span>
        </div>
        {changed ? <PlanPreview plan={preview.data} loading={preview.isFetching} error={preview.error?.message ?? null} /> : null}
      </div>
    </Dialog>
  );
}

function OrganiseDialog({ ids, onClose }: { ids: string[] | null; onClose: () => void }) {
  const trpc = useTRPC();
  const setting = useQuery(trpc.settings.get.queryOptions({ key: 'files.organiseTemplate' }));
  const saved = setting.data?.value as string | undefined;
  const [template, setTemplate] = useState('');
  useEffect(() => {
    if (ids && saved && !template) setTemplate(saved);
  }, [ids, saved, template]);
  const typed = useDebounced(template);
  const preview = useQuery({ ...trpc.files.previewOrganise.queryOptions({ trackIds: ids ?? [], template: typed }), enabled: !!ids && typed.trim() !== '', retry: false });
  const commit = useMutation(trpc.files.organise.mutationOptions(useQueuedHandlers(onClose)));
  const n = ids?.length ?? 0;
  const fields = preview.data?.fields ?? ['artist', 'album artist', 'album', 'title', 'track', 'year', 'genre', 'bpm', 'key'];
  return (
    <Dialog
      open={!!ids}
      onClose={onClose}
      title={`Organise ${formatCount(n)} ${n === 1 ? 'file' : 'files'}`}
      description="Folders and names from the tags, inside each track's own library folder. Unsafe characters become _; clashes get (2), (3)…"
      className="w-[min(760px,94vw)]"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            disabled={!preview.data || commit.isPending || typed !== template || !preview.data.items.some((i) => !i.problem)}
            onClick={() => commit.mutate({ trackIds: ids!, template })}
          >
            <FolderTree size={14} /> Organise
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-3">
        <Input aria-label="Template" value={template} onChange={(e) => setTemplate(e.target.value)} className="font-mono" />
        <div className="flex flex-wrap gap-1">
          {fields.map((f) => (
            <button
              key={f}
              type="button"
              className="rounded border border-line px-1.5 py-0.5 font-mono text-[11px] text-muted hover:border-accent hover:text-fg"
              onClick={() => setTemplate((t) => `${t}{${f === 'track' ? 'track:02' : f}}`)}
            >
              {`{${f === 'track' ? 'track:02' : f}}`}
            </button>
          ))}
        </div>
        <PlanPreview plan={preview.data} loading={preview.isFetching} error={preview.error?.message ?? null} />
      </div>
    </Dialog>
  );
}

function TrashDialog({ ids, onClose }: { ids: string[] | null; onClose: () => void }) {
  const trpc = useTRPC();
  const [permanent, setPermanent] = useState(false);
  useEffect(() => {
    if (ids) setPermanent(false);
  }, [ids]);
  const preview = useQuery({ ...trpc.files.previewDelete.queryOptions({ trackIds: ids ?? [], permanent }), enabled: !!ids, retry: false });
  const commit = useMutation(trpc.files.delete.mutationOptions(useQueuedHandlers(onClose)));
  const n = ids?.length ?? 0;
  return (
    <Dialog
      open={!!ids}
      onClose={onClose}
      title={`Delete ${formatCount(n)} ${n === 1 ? 'file' : 'files'}?`}
      description={
        permanent
          ? 'The files are deleted from disk for good. This cannot be undone.'
          : 'The files go to the trash inside their library folder; restore them from Trash with their cues, ratings and playlist entries.'
      }
      className="w-[min(760px,94vw)]"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="danger" disabled={!preview.data || commit.isPending} onClick={() => commit.mutate({ trackIds: ids!, permanent })} autoFocus>
            <Trash2 size={14} /> {permanent ? 'Delete for good' : 'Move to trash'}
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-3">
        <Switch checked={permanent} onChange={setPermanent} label="Delete permanently (skip the trash)" />
        <PlanPreview plan={preview.data} loading={preview.isFetching} error={preview.error?.message ?? null} />
      </div>
    </Dialog>
  );
}
