'use client';

import { useState } from 'react';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { FolderPlus, Import, ListMusic, ListPlus, Sparkles } from 'lucide-react';
import type { AppRouter } from '@/server/trpc/router';
import type { inferRouterOutputs } from '@trpc/server';
import { useHydrated } from '../../_hooks/use-hydrated';
import { useTRPC } from '../../_trpc/client';
import { FirstSteps } from '../first-steps';
import { formatCount } from '../format';
import { Button } from '../ui/button';
import { PageHeader } from '../ui/card';
import { Dialog } from '../ui/dialog';
import { Input, Label } from '../ui/input';
import { newCondition, RuleEditor, SmartPreview, validateDraft, type SmartDraft } from './rule-editor';
import { PlaylistIcon, usePlaylistList, type PlaylistItem } from './shared';

type ImportReport = inferRouterOutputs<AppRouter>['playlists']['import'];

const STARTER: SmartDraft = {
  rules: {
    all: [
      {
        any: [
          { field: 'genre', op: 'is', value: 'House' },
          { field: 'genre', op: 'is', value: 'Techno' },
        ],
      },
      { field: 'bpm', op: 'between', value: [124, 130] },
      { field: 'sessions', op: 'notPlayedInLast', value: 3 },
    ],
  },
  sort: [{ field: 'bpm', dir: 'asc' }],
  limit: null,
};

/** Every playlist and session at a glance; new playlists, smart playlists, folders and imports start here. */
export function PlaylistsOverview() {
  const params = useSearchParams();
  const router = useRouter();
  const list = usePlaylistList();
  // the sidebar shares this query and may have its answer before this Suspense boundary hydrates
  const hydrated = useHydrated();
  const [importing, setImporting] = useState(false);
  const making = params.get('new') as 'static' | 'smart' | 'folder' | null;
  const all = (hydrated ? list.data : undefined) ?? [];
  const playlists = all.filter((p) => p.type !== 'session' && p.type !== 'folder');
  const sessions = all.filter((p) => p.type === 'session').sort((a, b) => (b.sessionStartedAt ?? 0) - (a.sessionStartedAt ?? 0));
  const folders = all.filter((p) => p.type === 'folder');
  const go = (q: string) => router.replace(`/playlists${q}`);
  return (
    <div className="pb-10">
      <PageHeader
        title="Playlists"
        actions={
          <div className="flex gap-2">
            <Button onClick={() => go('?new=static')}>
              <ListPlus size={14} /> New playlist
            </Button>
            <Button onClick={() => go('?new=smart')}>
              <Sparkles size={14} /> New smart playlist
            </Button>
            <Button variant="ghost" onClick={() => go('?new=folder')}>
              <FolderPlus size={14} /> Folder
            </Button>
            <Button variant="ghost" onClick={() => setImporting(true)}>
              <Import size={14} /> Import…
            </Button>
          </div>
        }
      />
      {making === 'smart' ? <NewSmart folders={folders} onDone={() => go('')} /> : null}
      <div className="grid gap-6 px-6 lg:grid-cols-2">
        <section aria-label="All playlists">
          <h2 className="mb-2 text-sm font-semibold text-muted">Playlists</h2>
          {playlists.length ? (
            <PlaylistTable items={playlists} folders={folders} />
          ) : (
            <FirstSteps icon={<ListMusic size={22} />} title="No playlists yet">
              Make one above, or drag tracks from the library onto a playlist in the sidebar.
            </FirstSteps>
          )}
        </section>
        <section aria-label="DJ sessions">
          <h2 className="mb-2 text-sm font-semibold text-muted">DJ sessions</h2>
          {sessions.length ? (
            <PlaylistTable items={sessions} folders={[]} session />
          ) : (
            <p className="text-sm text-muted">Every gig is logged here as a session: each track loaded on a deck of the audio engine, with the time it was played.</p>
          )}
        </section>
      </div>
      <NewPlaylistDialog kind={making === 'static' || making === 'folder' ? making : null} folders={folders} onClose={() => go('')} />
      <ImportDialog open={importing} folders={folders} onClose={() => setImporting(false)} />
    </div>
  );
}

function PlaylistTable({ items, folders, session }: { items: PlaylistItem[]; folders: PlaylistItem[]; session?: boolean }) {
  const folderName = new Map(folders.map((f) => [f.id, f.name]));
  return (
    <ul className="divide-y divide-line rounded-lg border border-line bg-panel">
      {items.map((p) => {
        return (
          <li key={p.id}>
            <Link href={`/playlists/${p.id}`} className="flex h-11 items-center gap-3 px-3 text-sm hover:bg-raised">
              <PlaylistIcon p={p} size={16} className="shrink-0 text-faint" />
              <span className="min-w-0 flex-1 truncate">
                {p.name}
                {p.parentId ? <span className="ml-2 text-xs text-faint">in {folderName.get(p.parentId)}</span> : null}
              </span>
              {session && p.sessionStartedAt ? <span className="text-xs text-muted">{new Date(p.sessionStartedAt).toLocaleDateString([], { dateStyle: 'medium' })}</span> : null}
              {session && !p.sessionEndedAt ? <span className="rounded bg-ok/15 px-1.5 text-xs text-ok">logging</span> : null}
              <span className="w-16 text-right text-xs text-faint tabular-nums">
                {formatCount(p.count)} {p.count === 1 ? 'track' : 'tracks'}
              </span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

function FolderSelect({ folders, value, onChange }: { folders: PlaylistItem[]; value: string | null; onChange: (id: string | null) => void }) {
  if (!folders.length) return null;
  return (
    <label className="flex flex-col gap-1.5">
      <Label>Folder</Label>
      <select
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value || null)}
        className="h-9 rounded-md border border-line-strong bg-panel px-2 text-sm focus:border-accent focus:outline-none"
      >
        <option value="">(top level)</option>
        {folders.map((f) => (
          <option key={f.id} value={f.id}>
            {f.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function useCreate(onCreated: (id: string, type: string) => void) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  return useMutation(
    trpc.playlists.create.mutationOptions({
      onSuccess: (p) => onCreated(p.id, p.type),
      onSettled: () => qc.invalidateQueries(trpc.playlists.pathFilter()),
    }),
  );
}

function NewPlaylistDialog({ kind, folders, onClose }: { kind: 'static' | 'folder' | null; folders: PlaylistItem[]; onClose: () => void }) {
  const router = useRouter();
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState<string | null>(null);
  const create = useCreate((id, type) => {
    setName('');
    if (type === 'folder') onClose();
    else router.push(`/playlists/${id}`);
  });
  const submit = () => kind && name.trim() && create.mutate({ name: name.trim(), type: kind, parentId });
  return (
    <Dialog
      open={!!kind}
      onClose={onClose}
      title={kind === 'folder' ? 'New folder' : 'New playlist'}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" disabled={!name.trim() || create.isPending} onClick={submit}>
            Create
          </Button>
        </>
      }
    >
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Input autoFocus aria-label="Name" placeholder="Name" value={name} onChange={(e) => setName(e.target.value)} />
        <FolderSelect folders={folders} value={parentId} onChange={setParentId} />
      </form>
    </Dialog>
  );
}

function NewSmart({ folders, onDone }: { folders: PlaylistItem[]; onDone: () => void }) {
  const router = useRouter();
  const [draft, setDraft] = useState<SmartDraft>(STARTER);
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState<string | null>(null);
  const create = useCreate((id) => router.push(`/playlists/${id}`));
  const checked = validateDraft(draft);
  return (
    <section aria-label="New smart playlist" className="mx-6 mb-6 flex flex-col gap-3 rounded-xl border border-line-strong bg-panel-2/40 p-4">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex min-w-64 flex-1 flex-col gap-1.5">
          <Label>Smart playlist name</Label>
          <Input autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder="Peak time, not played lately" aria-label="Smart playlist name" />
        </label>
        <FolderSelect folders={folders} value={parentId} onChange={setParentId} />
        <Button onClick={() => setDraft({ ...draft, rules: { all: [newCondition()] } })} variant="ghost">
          Start empty
        </Button>
      </div>
      <RuleEditor value={draft} onChange={setDraft} />
      <SmartPreview draft={draft} />
      <div className="flex gap-2">
        <Button
          variant="primary"
          disabled={!checked.ok || !name.trim() || create.isPending}
          onClick={() => checked.ok && create.mutate({ name: name.trim(), type: 'smart', parentId, smart: checked.def })}
        >
          <Sparkles size={14} /> Create smart playlist
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
    </section>
  );
}

function ImportDialog({ open, folders, onClose }: { open: boolean; folders: PlaylistItem[]; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [baseDir, setBaseDir] = useState('');
  const [parentId, setParentId] = useState<string | null>(null);
  const [keepUnmatched, setKeepUnmatched] = useState(true);
  const [report, setReport] = useState<ImportReport | null>(null);
  const run = useMutation(
    trpc.playlists.import.mutationOptions({
      onSuccess: setReport,
      onSettled: () => qc.invalidateQueries(trpc.playlists.pathFilter()),
    }),
  );
  const close = () => {
    setReport(null);
    setFile(null);
    onClose();
  };
  const start = async () => {
    if (!file) return;
    run.mutate({ fileName: file.name, content: await file.text(), baseDir: baseDir.trim() || null, parentId, keepUnmatched });
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Import a playlist"
      description="M3U or M3U8 from any DJ app or player, or a Mismo JSON export. Entries are matched to your library by path, then by artist, title and duration."
      footer={
        report ? (
          <>
            <Button onClick={close}>Close</Button>
            <Link
              href={`/playlists/${report.playlist.id}`}
              onClick={close}
              className="inline-flex h-9 items-center rounded-md bg-accent px-3.5 text-sm font-medium text-accent-ink"
            >
              Open “{report.playlist.name}”
            </Link>
          </>
        ) : (
          <>
            <Button onClick={close}>Cancel</Button>
            <Button variant="primary" disabled={!file || run.isPending} onClick={() => void start()}>
              Import
            </Button>
          </>
        )
      }
    >
      {report ? (
        <div className="flex flex-col gap-2 text-sm" data-testid="import-report">
          <p>
            {formatCount(report.total - report.unmatched.length)} of {formatCount(report.total)} entries found in the library
            <span className="text-muted">
              {' '}
              ({report.matched.path} by path, {report.matched.tags} by artist + title, {report.matched.hash} by audio)
            </span>
          </p>
          {report.unmatched.length ? (
            <>
              <p className="text-warn">
                {formatCount(report.unmatched.length)} could not be matched{keepUnmatched ? ' (kept as placeholders you can relink)' : ''}:
              </p>
              <ul className="max-h-48 overflow-y-auto rounded border border-line bg-panel p-2 text-xs text-muted">
                {report.unmatched.map((u) => (
                  <li key={u.line} className="truncate">
                    {u.line}. {[u.artist, u.title].filter(Boolean).join(' – ') || u.path}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : (
        <div className="flex flex-col gap-3">
          <input
            type="file"
            accept=".m3u,.m3u8,.json,audio/x-mpegurl,application/json"
            aria-label="Playlist file"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            className="text-sm file:mr-3 file:rounded-md file:border file:border-line-strong file:bg-raised file:px-3 file:py-1.5 file:text-fg"
          />
          <label className="flex flex-col gap-1.5">
            <Label>Folder the file came from (for relative paths; optional)</Label>
            <Input value={baseDir} onChange={(e) => setBaseDir(e.target.value)} placeholder="/music/playlists" />
          </label>
          <FolderSelect folders={folders} value={parentId} onChange={setParentId} />
          <label className="flex items-center gap-2 text-sm text-muted">
            <input type="checkbox" checked={keepUnmatched} onChange={(e) => setKeepUnmatched(e.target.checked)} className="accent-[var(--color-accent)]" />
            Keep entries not found as placeholders
          </label>
        </div>
      )}
    </Dialog>
  );
}
