'use client';

import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArchiveRestore, Trash2 } from 'lucide-react';
import { useTRPC } from '../../_trpc/client';
import { formatAgo, formatBytes, formatCount } from '../format';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { EmptyState, PageHeader } from '../ui/card';
import { cn } from '../ui/cn';
import { Dialog } from '../ui/dialog';
import { useToast } from '../ui/toast';
import { DataTable } from '../ui/data-table';

/** Deleted files waiting in their library folder's trash: restore them, or delete them for good. */
export function TrashView() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const list = useQuery(trpc.files.trash.list.queryOptions());
  const setting = useQuery(trpc.settings.get.queryOptions({ key: 'trash.autoEmptyDays' }));
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [emptying, setEmptying] = useState<number[] | 'all' | null>(null);
  const items = list.data ?? [];
  const chosen = items.filter((i) => selected.has(i.id));
  const refresh = () => void qc.invalidateQueries(trpc.files.pathFilter());
  const restore = useMutation(
    trpc.files.trash.restore.mutationOptions({
      onSuccess: (r) => {
        toast.push({ tone: 'ok', text: `${r.summary}: the tracks come back with their cues, ratings and playlist entries.` });
        setSelected(new Set());
      },
      onSettled: refresh,
    }),
  );
  const empty = useMutation(
    trpc.files.trash.empty.mutationOptions({
      onSuccess: () => {
        toast.push({ tone: 'ok', text: 'Deleting for good — follow it in Activity.' });
        setSelected(new Set());
        setEmptying(null);
      },
      onSettled: refresh,
    }),
  );
  const days = setting.data?.value as number | undefined;
  const total = items.reduce((a, i) => a + i.sizeBytes, 0);
  const toEmpty = emptying === 'all' ? items : items.filter((i) => emptying?.includes(i.id));
  const toggle = (id: number) => {
    const s = new Set(selected);
    if (s.has(id)) s.delete(id);
    else s.add(id);
    setSelected(s);
  };
  return (
    <div>
      <PageHeader
        title="Trash"
        description={
          <>
            Deleted files wait here, inside their own library folder, until the trash is emptied
            {days ? ` (automatically after ${days} days)` : ''}. {items.length ? `${formatCount(items.length)} files, ${formatBytes(total)}.` : ''}
          </>
        }
        actions={
          items.length ? (
            <>
              <Button disabled={!chosen.length || restore.isPending} onClick={() => restore.mutate({ itemIds: chosen.map((c) => c.id) })}>
                <ArchiveRestore size={14} /> Restore{chosen.length ? ` ${formatCount(chosen.length)}` : ''}
              </Button>
              <Button variant="ghost" disabled={!chosen.length} onClick={() => setEmptying(chosen.map((c) => c.id))}>
                <Trash2 size={14} /> Delete for good
              </Button>
              <Button variant="danger" onClick={() => setEmptying('all')}>
                Empty trash
              </Button>
            </>
          ) : null
        }
      />
      {!list.isLoading && !items.length ? (
        <EmptyState icon={<Trash2 size={22} />} title="The trash is empty">
          Files you delete from the library, and duplicate copies you resolve with “move to trash”, wait here until you empty it.
        </EmptyState>
      ) : (
        <DataTable
          testId="trash-table"
          rowTestId="trash-row"
          rows={items}
          rowKey={(i) => i.id}
          onRowClick={(i) => toggle(i.id)}
          rowClassName={(i) => cn(selected.has(i.id) ? 'bg-accent/10' : 'hover:bg-panel-2', !i.available && 'opacity-60')}
          columns={[
            {
              key: 'select',
              header: (
                <input
                  type="checkbox"
                  aria-label="Select all"
                  className="accent-[var(--color-accent)]"
                  checked={items.length > 0 && selected.size === items.length}
                  onChange={(e) => setSelected(e.target.checked ? new Set(items.map((i) => i.id)) : new Set())}
                />
              ),
              headerClassName: 'w-10 pl-6',
              className: 'pl-6',
              cell: (i) => (
                <input
                  type="checkbox"
                  aria-label={`Select ${i.title ?? i.originalRelPath}`}
                  className="accent-[var(--color-accent)]"
                  checked={selected.has(i.id)}
                  onChange={() => toggle(i.id)}
                  onClick={(e) => e.stopPropagation()}
                />
              ),
            },
            {
              key: 'track',
              header: 'Track',
              cell: (i) => (
                <>
                  <div className="truncate">{i.title ?? i.originalRelPath.split('/').at(-1)}</div>
                  <div className="truncate text-xs text-muted">{i.artist}</div>
                </>
              ),
            },
            {
              key: 'was',
              header: 'Was at',
              className: 'max-w-96 truncate font-mono text-xs text-muted',
              cell: (i) => (
                <span title={`${i.directoryPath}/${i.originalRelPath}`}>
                  {i.directoryName}: {i.originalRelPath}
                </span>
              ),
            },
            {
              key: 'why',
              header: 'Why',
              cell: (i) => (
                <>
                  <Badge tone={i.reason === 'duplicate' ? 'info' : 'neutral'}>{i.reason === 'duplicate' ? 'duplicate copy' : 'deleted'}</Badge>
                  {!i.available ? <span className="ml-2 text-xs text-warn">folder offline</span> : null}
                </>
              ),
            },
            { key: 'size', header: 'Size', numeric: true, className: 'text-muted', cell: (i) => formatBytes(i.sizeBytes) },
            { key: 'deleted', header: 'Deleted', numeric: true, headerClassName: 'pr-6', className: 'pr-6 text-muted', cell: (i) => formatAgo(i.trashedAt) },
          ]}
        />
      )}
      <Dialog
        open={emptying !== null}
        onClose={() => setEmptying(null)}
        title={`Delete ${formatCount(toEmpty.length)} ${toEmpty.length === 1 ? 'file' : 'files'} for good?`}
        description={`${formatBytes(toEmpty.reduce((a, i) => a + i.sizeBytes, 0))} will be freed. This cannot be undone.`}
        footer={
          <>
            <Button onClick={() => setEmptying(null)}>Cancel</Button>
            <Button
              variant="danger"
              autoFocus
              disabled={empty.isPending}
              onClick={() => empty.mutate({ confirm: true, itemIds: emptying === 'all' ? undefined : (emptying ?? undefined) })}
            >
              <Trash2 size={14} /> Delete for good
            </Button>
          </>
        }
      />
    </div>
  );
}
