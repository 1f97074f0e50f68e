'use client';

import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { ChevronDown, History, Play, Square } from 'lucide-react';
import type { DirectoryView } from '@/server/library/queries';
import { useTRPC } from '../../_trpc/client';
import { useLiveEvent } from '../../_hooks/live-events';
import { Button } from '../ui/button';
import { Progress } from '../ui/progress';
import { Badge } from '../ui/badge';
import { formatAgo, formatBytes, formatCount, formatDuration } from '../format';
import { DataTable } from '../ui/data-table';

type Stats = Record<string, number>;
const STRATEGIES = [
  { id: 'hybrid', label: 'Scan for changes', hint: 'Only new or changed files are read' },
  { id: 'full', label: 'Full rescan', hint: 'Re-read and re-hash every file (repair)' },
  { id: 'fast', label: 'Quick import', hint: 'New files appear at once, details follow' },
] as const;

const PHASES: Record<string, string> = {
  starting: 'Starting',
  loading: 'Loading library',
  walking: 'Listing files',
  reading: 'Reading files',
  resolving: 'Matching moved files',
  missing: 'Checking for missing files',
  duplicates: 'Finding duplicates',
};

/** A folder's scanning: start (with a strategy), live progress, cancel, last summary, history. */
export function ScanPanel({ folder }: { folder: DirectoryView }) {
  const trpc = useTRPC();
  const status = useQuery(trpc.scans.status.queryOptions({ directoryId: folder.id }));
  const [live, setLive] = useState<{ scanId: number; phase: string; stats: Stats } | null>(null);
  const [menu, setMenu] = useState(false);
  const [showHistory, setShowHistory] = useState(false);
  useLiveEvent(['library:directory:scan:'], (e) => {
    const p = e.payload as { directoryId: string; scanId: number; phase?: string; stats?: Stats };
    if (p.directoryId !== folder.id) return;
    if (e.type === 'library:directory:scan:progress') setLive({ scanId: p.scanId, phase: p.phase ?? '', stats: p.stats ?? {} });
    if (e.type === 'library:directory:scan:complete') setLive(null);
  });
  const start = useMutation(trpc.scans.start.mutationOptions());
  const cancel = useMutation(trpc.scans.cancel.mutationOptions());
  const scan = status.data;
  const running = scan && (scan.status === 'running' || scan.status === 'queued');
  const stats: Stats = live && live.scanId === scan?.id ? live.stats : (scan?.stats ?? {});
  const phase = live && live.scanId === scan?.id ? live.phase : (scan?.phase ?? '');

  return (
    <div className="flex flex-col gap-2 border-t border-line pt-3" data-testid="scan-panel">
      <div className="flex items-center gap-2">
        {running ? (
          <>
            <Badge tone="accent" dot>
              {scan.status === 'queued' ? 'Scan queued' : (PHASES[phase] ?? 'Scanning')}
            </Badge>
            <span className="text-xs text-muted tabular-nums" data-testid="scan-counts">
              {formatCount(stats.found ?? 0)} found · {formatCount(stats.processed ?? 0)}/{formatCount(stats.toProcess ?? 0)} read · {formatCount(stats.added ?? 0)} added
            </span>
            <Button size="sm" variant="ghost" className="ml-auto" onClick={() => cancel.mutate({ scanId: scan.id })} disabled={scan.cancelRequested || cancel.isPending}>
              <Square size={12} /> {scan.cancelRequested || cancel.isPending ? 'Cancelling…' : 'Cancel scan'}
            </Button>
          </>
        ) : (
          <>
            <span className="text-xs text-muted" data-testid="scan-summary">
              {scan ? (
                <Summary status={scan.status} stats={scan.stats} finishedAt={scan.finishedAt} error={scan.error} issues={scan.issues} brokenTotal={folder.counts.broken} />
              ) : (
                'Not scanned yet'
              )}
            </span>
            <div className="relative ml-auto flex">
              <Button
                size="sm"
                className="rounded-r-none"
                onClick={() => start.mutate({ directoryId: folder.id, strategy: 'hybrid' })}
                disabled={!folder.isAvailable || !folder.isActive}
              >
                <Play size={12} /> Scan
              </Button>
              <Button
                size="sm"
                className="rounded-l-none border-l-0 px-1.5"
                aria-label="Scan options"
                aria-expanded={menu}
                onClick={() => setMenu((m) => !m)}
                disabled={!folder.isAvailable || !folder.isActive}
              >
                <ChevronDown size={12} />
              </Button>
              {menu ? (
                <div role="menu" className="absolute top-8 right-0 z-20 w-64 rounded-lg border border-line-strong bg-panel-2 p-1 shadow-xl">
                  {STRATEGIES.map((s) => (
                    <button
                      key={s.id}
                      role="menuitem"
                      className="flex w-full flex-col items-start rounded-md px-2.5 py-1.5 text-left hover:bg-raised"
                      onClick={() => {
                        setMenu(false);
                        start.mutate({ directoryId: folder.id, strategy: s.id });
                      }}
                    >
                      <span className="text-sm">{s.label}</span>
                      <span className="text-xs text-faint">{s.hint}</span>
                    </button>
                  ))}
                </div>
              ) : null}
            </div>
            <Button size="icon" variant="ghost" aria-label="Scan history" aria-expanded={showHistory} onClick={() => setShowHistory((h) => !h)}>
              <History size={14} />
            </Button>
          </>
        )}
      </div>
      {running ? (
        <>
          <Progress value={phase === 'reading' || (stats.toProcess ?? 0) > 0 ? (stats.processed ?? 0) : null} max={stats.toProcess || null} label={`Scanning ${folder.name}`} />
          <dl className="grid grid-cols-4 gap-x-4 gap-y-1 text-[11px] text-muted sm:grid-cols-8" data-testid="scan-stats">
            {(
              [
                ['Updated', stats.updated],
                ['Unchanged', stats.unchanged],
                ['Moved', stats.moved],
                ['Missing', stats.missing],
                ['Broken', stats.broken],
                ['Duplicates', stats.duplicates],
              ] as const
            ).map(([k, v]) => (
              <div key={k}>
                <dt className="text-faint">{k}</dt>
                <dd className="tabular-nums">{formatCount(v ?? 0)}</dd>
              </div>
            ))}
            <div>
              <dt className="text-faint">Hashed</dt>
              <dd className="tabular-nums">{formatBytes(stats.bytesHashed ?? 0)}</dd>
            </div>
            <div>
              <dt className="text-faint">Time left</dt>
              <dd className="tabular-nums">{stats.etaMs ? formatDuration(stats.etaMs) : '—'}</dd>
            </div>
          </dl>
        </>
      ) : null}
      {showHistory && !running ? <ScanHistory directoryId={folder.id} /> : null}
    </div>
  );
}

function Summary({
  status,
  stats,
  finishedAt,
  error,
  issues,
  brokenTotal,
}: {
  /** Broken files in the folder now (a change scan reads only what changed, so its own count is partial). */
  brokenTotal: number;
  status: string;
  stats: Stats;
  finishedAt: number | null;
  error: string | null;
  issues: { relPath: string; problem: string }[];
}) {
  if (status === 'failed')
    return (
      <span className="text-danger">
        Last scan failed {formatAgo(finishedAt)}: {error}
      </span>
    );
  const parts = [`${formatCount(stats.found ?? 0)} files`];
  for (const [k, label] of [
    ['added', 'added'],
    ['updated', 'updated'],
    ['moved', 'moved'],
    ['missing', 'missing'],
    ['restored', 'back'],
    ['removed', 'broken gone'],
    ['changing', 'still being copied (looked at again in a few seconds)'],
  ] as const)
    if (stats[k]) parts.push(`${formatCount(stats[k])} ${label}`);
  if (brokenTotal) parts.push(`${formatCount(brokenTotal)} broken`);
  return (
    <>
      {status === 'cancelled' ? 'Cancelled' : 'Scanned'} {formatAgo(finishedAt)} · {parts.join(' · ')}
      {stats.elapsedMs ? ` · took ${formatDuration(stats.elapsedMs)}` : ''}
      {issues.length ? (
        <span className="text-warn" title={issues.map((i) => `${i.relPath || '(folder)'}: ${i.problem}`).join('\n')}>
          {' '}
          · {issues.length} unreadable {issues.length === 1 ? 'item' : 'items'} (not marked missing)
        </span>
      ) : null}
    </>
  );
}

function ScanHistory({ directoryId }: { directoryId: string }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.scans.history.queryOptions({ directoryId, limit: 10 }));
  return (
    <DataTable
      label="Scan history"
      dense
      className="text-muted"
      rows={history.data ?? []}
      rowKey={(s) => s.id}
      columns={[
        { key: 'when', header: 'When', cell: (s) => formatAgo(s.finishedAt ?? s.createdAt) },
        { key: 'how', header: 'How', cell: (s) => `${s.strategy}${s.relPath ? ` · ${s.relPath}` : ''} · ${s.trigger}` },
        { key: 'result', header: 'Result', cell: (s) => s.status },
        { key: 'found', header: 'Found', numeric: true, cell: (s) => formatCount(s.stats.found ?? 0) },
        { key: 'added', header: 'Added', numeric: true, cell: (s) => formatCount(s.stats.added ?? 0) },
        { key: 'missing', header: 'Missing', numeric: true, cell: (s) => formatCount(s.stats.missing ?? 0) },
        { key: 'took', header: 'Took', numeric: true, cell: (s) => (s.stats.elapsedMs ? formatDuration(s.stats.elapsedMs) : '—') },
      ]}
    />
  );
}
