'use client';

import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Check, Copy, Undo2, Wand2 } from 'lucide-react';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/trpc/router';
import { useTRPC } from '../../_trpc/client';
import { formatAgo, formatBitrate, formatBytes, formatCount, formatDuration, formatSampleRate } from '../format';
import { FirstSteps } from '../first-steps';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { PageHeader } from '../ui/card';
import { cn } from '../ui/cn';
import { Dialog } from '../ui/dialog';
import { useToast } from '../ui/toast';
import { Tabs } from '../ui/tabs';
import { DataTable } from '../ui/data-table';

type Group = inferRouterOutputs<AppRouter>['duplicates']['list']['items'][number];
type Member = Group['members'][number];
type FileAction = 'keep' | 'trash' | 'delete';

const ACTIONS: { value: FileAction; label: string; hint: string }[] = [
  { value: 'keep', label: 'Keep the files', hint: 'others leave the library, files stay on disk' },
  { value: 'trash', label: 'Move others to trash', hint: 'restorable from Trash, and by Undo' },
  { value: 'delete', label: 'Delete others', hint: 'for good: cannot be undone' },
];

function useUndo() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.duplicates.undo.mutationOptions({
      onSuccess: () => toast.push({ tone: 'ok', text: 'Undone: every copy is back with its tags, cues and playlist entries.' }),
      onSettled: () => qc.invalidateQueries(trpc.duplicates.pathFilter()),
    }),
  );
}

/** Every group of copies of the same audio, side by side, with the best copy pre-selected. */
export function DuplicatesView() {
  const trpc = useTRPC();
  const [tab, setTab] = useState<'open' | 'resolved'>('open');
  const [resolvingAll, setResolvingAll] = useState(false);
  const [limit, setLimit] = useState(25);
  const groups = useQuery({ ...trpc.duplicates.list.queryOptions({ status: 'open', limit }), placeholderData: (prev) => prev });
  const items = groups.data?.items ?? [];
  const openCount = groups.data?.openCount ?? 0;
  return (
    <div>
      <PageHeader
        title="Duplicates"
        description={openCount ? `${formatCount(openCount)} ${openCount === 1 ? 'group' : 'groups'} of copies of the same audio, whatever their tags or names.` : undefined}
        actions={
          <>
            <Tabs
              label="Duplicate groups"
              look="segmented"
              value={tab}
              onChange={setTab}
              items={[
                { id: 'open', label: 'To resolve' },
                { id: 'resolved', label: 'Resolved' },
              ]}
            />
            {tab === 'open' && openCount > 1 ? (
              <Button variant="primary" onClick={() => setResolvingAll(true)}>
                <Wand2 size={14} /> Resolve all…
              </Button>
            ) : null}
          </>
        }
      />
      {tab === 'resolved' ? (
        <ResolvedList />
      ) : !groups.isLoading && !items.length ? (
        <FirstSteps icon={<Copy size={22} />} title="No duplicates found">
          Copies of the same audio — even with different tags — are grouped here after a scan.
        </FirstSteps>
      ) : (
        <div className="flex flex-col gap-4 p-6">
          {items.map((g) => (
            <GroupCard key={g.id} group={g} />
          ))}
          {groups.data?.nextCursor && limit < 200 ? (
            <Button className="self-center" onClick={() => setLimit(Math.min(200, limit + 25))} disabled={groups.isFetching}>
              Show more groups
            </Button>
          ) : null}
        </div>
      )}
      <ResolveAllDialog open={resolvingAll} onClose={() => setResolvingAll(false)} />
    </div>
  );
}

/** Rows of facts compared across copies; a value that differs between copies is highlighted. */
const FACTS: { label: string; value: (m: Member) => React.ReactNode; key?: (m: Member) => unknown }[] = [
  {
    label: 'Format',
    value: (m) => (
      <span className="flex items-center gap-1.5">
        {(m.format ?? '?').toUpperCase()}
        {m.isLossless ? <Badge tone="ok">lossless</Badge> : null}
      </span>
    ),
    key: (m) => `${m.format}${m.isLossless}`,
  },
  { label: 'Bitrate', value: (m) => formatBitrate(m.bitrate) ?? '—', key: (m) => m.bitrate },
  { label: 'Sample rate', value: (m) => formatSampleRate(m.sampleRate, m.bitDepth) ?? '—', key: (m) => `${m.sampleRate}/${m.bitDepth}` },
  { label: 'Size', value: (m) => formatBytes(m.sizeBytes), key: (m) => m.sizeBytes },
  { label: 'Length', value: (m) => formatDuration(m.durationMs), key: (m) => Math.round((m.durationMs ?? 0) / 1000) },
  { label: 'Title', value: (m) => m.title ?? <i className="text-faint">blank</i>, key: (m) => m.title },
  { label: 'Artist', value: (m) => m.artist ?? <i className="text-faint">blank</i>, key: (m) => m.artist },
  { label: 'Album', value: (m) => m.album ?? <i className="text-faint">blank</i>, key: (m) => m.album },
  { label: 'Genre / year', value: (m) => [m.genre, m.year].filter(Boolean).join(' · ') || '—', key: (m) => `${m.genre}${m.year}` },
  { label: 'Label', value: (m) => m.label ?? '—', key: (m) => m.label },
  { label: 'Plays / rating', value: (m) => `${m.playCount} · ${'★'.repeat(m.rating) || '☆'}`, key: (m) => `${m.playCount}/${m.rating}` },
  { label: 'Hot cues', value: (m) => m.cueCount || '—', key: (m) => m.cueCount },
  { label: 'Playlists', value: (m) => m.playlistNames?.split(',').join(', ') ?? '—', key: (m) => m.playlistNames },
  { label: 'Added', value: (m) => formatAgo(m.dateAdded), key: (m) => Math.round(m.dateAdded / 60_000) },
];

function GroupCard({ group }: { group: Group }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const undo = useUndo();
  const [keep, setKeep] = useState<string>(group.suggestedCanonicalId ?? group.members[0]!.id);
  const [action, setAction] = useState<FileAction>('keep');
  const [showPlan, setShowPlan] = useState(false);
  const byHand = keep !== group.suggestedCanonicalId;
  const preview = useQuery({
    ...trpc.duplicates.preview.queryOptions({ groupId: group.id, canonicalTrackId: byHand ? keep : undefined, fileAction: action }),
    enabled: showPlan,
    retry: false,
  });
  const resolve = useMutation(
    trpc.duplicates.resolve.mutationOptions({
      onSuccess: (r) =>
        toast.push({
          tone: 'ok',
          text: action === 'delete' ? 'Resolved; the other copies are being deleted.' : 'Resolved: one copy left in the library.',
          action: action === 'delete' ? undefined : { label: 'Undo', run: () => undo.mutate({ resolutionId: r.resolutionId }) },
        }),
      onSettled: () => qc.invalidateQueries(trpc.duplicates.pathFilter()),
    }),
  );
  const best = group.members.find((m) => m.id === keep) ?? group.members[0]!;
  // a fact the copies disagree on stands out
  const differs = (f: (typeof FACTS)[number]) => f.key !== undefined && new Set(group.members.map((m) => JSON.stringify(f.key!(m) ?? null))).size > 1;
  return (
    <section className="rounded-lg border border-line bg-panel" aria-label={`Duplicate group: ${best.title ?? best.fileName}`} data-testid="duplicate-group">
      <header className="flex items-center gap-3 border-b border-line px-4 py-2.5">
        <Copy size={15} className="text-accent" />
        <div className="min-w-0">
          <div className="truncate font-medium">
            {best.artist ? `${best.artist} — ` : ''}
            {best.title ?? best.fileName}
          </div>
          <div className="text-xs text-muted">
            {group.members.length} copies of the same audio · {formatBytes(group.members.reduce((a, m) => a + m.sizeBytes, 0) - best.sizeBytes)} in extra copies
          </div>
        </div>
      </header>
      <div className="overflow-x-auto">
        <DataTable
          dense
          className="table-fixed"
          style={{ minWidth: 112 + group.members.length * 240 }}
          label="The copies side by side"
          rows={FACTS}
          rowKey={(f) => f.label}
          columns={[
            { key: 'fact', header: '', headerClassName: 'w-28', rowHeader: true, className: 'px-4', cell: (f) => f.label },
            ...group.members.map((m) => ({
              key: m.id,
              headerClassName: cn('px-3 py-2 align-top', m.id === keep && 'bg-accent/8'),
              className: (f: (typeof FACTS)[number]) => cn('px-3', m.id === keep && 'bg-accent/8', differs(f) ? 'text-fg' : 'text-muted'),
              cell: (f: (typeof FACTS)[number]) => f.value(m),
              header: (
                <label className="flex cursor-pointer items-start gap-2">
                  <input
                    type="radio"
                    name={`keep-${group.id}`}
                    className="mt-0.5 accent-[var(--color-accent)]"
                    checked={m.id === keep}
                    onChange={() => setKeep(m.id)}
                    aria-label={`Keep ${m.relPath}`}
                  />
                  <span className="min-w-0">
                    <span className="flex items-center gap-1.5 text-sm text-fg">
                      {m.id === keep ? 'Keep this copy' : 'Other copy'}
                      {m.id === group.suggestedCanonicalId ? <Badge tone="accent">best by rule</Badge> : null}
                    </span>
                    <span className="block font-mono text-[11px] break-all text-muted" title={`${m.directoryPath}/${m.relPath}`}>
                      {m.directoryName}: {m.relPath}
                    </span>
                    {m.fileWarning ? <span className="block text-[11px] text-warn">{m.fileWarning}</span> : null}
                  </span>
                </label>
              ),
            })),
          ]}
        />
      </div>
      <footer className="flex flex-col gap-3 px-4 py-3">
        <div className="flex flex-wrap items-center gap-2">
          <div role="radiogroup" aria-label="The other files" className="flex rounded-md border border-line p-0.5 text-sm">
            {ACTIONS.map((a) => (
              <button
                key={a.value}
                type="button"
                role="radio"
                aria-checked={action === a.value}
                title={a.hint}
                onClick={() => setAction(a.value)}
                className={cn('rounded px-2.5 py-1', action === a.value ? (a.value === 'delete' ? 'bg-danger/20 text-danger' : 'bg-raised text-fg') : 'text-muted hover:text-fg')}
              >
                {a.label}
              </button>
            ))}
          </div>
          <Button variant="ghost" size="sm" onClick={() => setShowPlan(!showPlan)} aria-expanded={showPlan}>
            {showPlan ? 'Hide' : 'Show'} what will happen
          </Button>
          <Button
            className="ml-auto"
            variant={action === 'delete' ? 'danger' : 'primary'}
            disabled={resolve.isPending}
            onClick={() => resolve.mutate({ groupId: group.id, canonicalTrackId: byHand ? keep : undefined, fileAction: action })}
          >
            <Check size={14} /> Resolve
          </Button>
        </div>
        {showPlan ? (
          <ul className="list-disc pl-5 text-sm text-muted" data-testid="resolution-plan">
            {preview.error ? <li className="text-danger">{preview.error.message}</li> : null}
            {preview.data?.sentences.map((s) => (
              <li key={s} className={cn(s.includes('cannot be undone') && 'text-danger')}>
                {s}
              </li>
            )) ?? <li>Working it out…</li>}
          </ul>
        ) : null}
      </footer>
    </section>
  );
}

function ResolvedList() {
  const trpc = useTRPC();
  const list = useQuery(trpc.duplicates.resolutions.queryOptions({ limit: 100 }));
  const undo = useUndo();
  const rows = list.data ?? [];
  if (!list.isLoading && !rows.length) return <p className="px-6 py-10 text-sm text-muted">Nothing resolved yet.</p>;
  return (
    <ul className="flex flex-col divide-y divide-line" data-testid="resolutions">
      {rows.map((r) => (
        <li key={r.id} className="flex items-center gap-4 px-6 py-3 text-sm">
          <div className="min-w-0 flex-1">
            <div className="truncate">Kept {r.plan.canonical.path}</div>
            <div className="text-xs text-muted">
              {r.plan.others.length} other {r.plan.others.length === 1 ? 'copy' : 'copies'}{' '}
              {r.fileAction === 'keep' ? 'left on disk' : r.fileAction === 'trash' ? 'moved to trash' : 'deleted'} · {formatAgo(r.createdAt)}
              {r.undoneAt ? ` · undone ${formatAgo(r.undoneAt)}` : ''}
            </div>
          </div>
          {r.status === 'applied' && r.fileAction !== 'delete' ? (
            <Button size="sm" onClick={() => undo.mutate({ resolutionId: r.id })} disabled={undo.isPending}>
              <Undo2 size={13} /> Undo
            </Button>
          ) : (
            <Badge>{r.status === 'undone' ? 'undone' : 'final'}</Badge>
          )}
        </li>
      ))}
    </ul>
  );
}

function ResolveAllDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [action, setAction] = useState<FileAction>('keep');
  const preview = useQuery({ ...trpc.duplicates.previewAll.queryOptions({ fileAction: action }), enabled: open });
  const start = useMutation(
    trpc.duplicates.resolveAll.mutationOptions({
      onSuccess: () => {
        toast.push({ tone: 'ok', text: 'Resolving every group — follow it in Activity. Each one can be undone from “Resolved”.' });
        onClose();
      },
    }),
  );
  const p = preview.data;
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Resolve every group by the rule"
      description="Each group keeps its best copy by the rule in Settings → Copy to keep, merged with the others' tags, cues and playlist entries. Each can be undone from “Resolved”."
      className="w-[min(640px,94vw)]"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant={action === 'delete' ? 'danger' : 'primary'} disabled={!p?.groups || start.isPending} onClick={() => start.mutate({ fileAction: action })}>
            <Wand2 size={14} /> Resolve {p ? formatCount(p.groups) : ''} groups
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-3 text-sm">
        <div role="radiogroup" aria-label="The other files" className="flex flex-col gap-1">
          {ACTIONS.map((a) => (
            <label key={a.value} className="flex items-center gap-2">
              <input type="radio" name="resolve-all-action" className="accent-[var(--color-accent)]" checked={action === a.value} onChange={() => setAction(a.value)} />
              {a.label} <span className="text-xs text-faint">— {a.hint}</span>
            </label>
          ))}
        </div>
        {p ? (
          <p data-testid="resolve-all-summary">
            {formatCount(p.groups)} groups: {formatCount(p.files)} other copies ({formatBytes(p.bytes)}){' '}
            {action === 'keep' ? 'leave the library' : action === 'trash' ? 'go to the trash' : 'are deleted for good'}; {formatCount(p.cuesMoved)} hot cues and{' '}
            {formatCount(p.entriesRepointed)} playlist entries move to the kept copies.
          </p>
        ) : (
          <p className="text-muted">Counting…</p>
        )}
      </div>
    </Dialog>
  );
}
