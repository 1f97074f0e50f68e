'use client';

import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { AlertTriangle, CircleOff, Music2 } from 'lucide-react';
import { formatKey } from '@/server/music/keys';
import { useTRPC } from '../../_trpc/client';
import { useKeyNotation } from '../../_hooks/use-key-notation';
import { formatAgo, formatCount, formatDuration } from '../format';
import { cn } from '../ui/cn';
import { Button } from '../ui/button';
import { FirstSteps } from '../first-steps';

const FILTERS = [
  { id: 'all', label: 'All tracks', input: {} },
  { id: 'broken', label: 'Broken', input: { broken: true } },
  { id: 'missing', label: 'Missing', input: { missing: true } },
] as const;

/** Every track, newest first, filling in live as scans import them. */
export function TrackList() {
  const trpc = useTRPC();
  const notation = useKeyNotation();
  const [filter, setFilter] = useState<(typeof FILTERS)[number]['id']>('all');
  const input = { limit: 100, ...FILTERS.find((f) => f.id === filter)!.input };
  const q = useInfiniteQuery(trpc.tracks.list.infiniteQueryOptions(input, { getNextPageParam: (p) => p.nextCursor }));
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  const total = q.data?.pages[0]?.total ?? 0;
  return (
    <div>
      <div className="flex items-center gap-1 border-b border-line px-6 py-2" role="tablist" aria-label="Track filter">
        {FILTERS.map((f) => (
          <button
            key={f.id}
            role="tab"
            aria-selected={filter === f.id}
            onClick={() => setFilter(f.id)}
            className={cn('rounded-md px-3 py-1 text-sm text-muted hover:text-fg', filter === f.id && 'bg-raised text-fg')}
          >
            {f.label}
          </button>
        ))}
        <span className="ml-auto text-xs text-muted tabular-nums" data-testid="track-total">
          {formatCount(total)} tracks
        </span>
      </div>
      {q.isSuccess && rows.length === 0 ? (
        filter === 'all' ? (
          <FirstSteps icon={<Music2 size={22} />} title="No tracks yet">
            Tracks appear here as your folders are scanned.
          </FirstSteps>
        ) : (
          <p className="px-6 py-10 text-center text-sm text-muted">Nothing {filter} — good.</p>
        )
      ) : null}
      {rows.length ? (
        <table className="w-full text-sm" aria-label="Tracks">
          <thead className="sticky top-0 z-10 bg-panel text-left text-xs text-faint">
            <tr>
              <th className="w-12 py-2 pl-6 font-normal" />
              <th className="font-normal">Title</th>
              <th className="font-normal">Album</th>
              <th className="font-normal">Format</th>
              <th className="text-right font-normal">Time</th>
              <th className="text-right font-normal">BPM</th>
              <th className="pl-4 font-normal">Key</th>
              <th className="pr-6 text-right font-normal">Added</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr key={t.id} className="border-t border-line/60 hover:bg-panel-2" data-testid="track-row">
                <td className="py-1.5 pl-6">
                  {t.artworkId ? (
                    <img src={`/api/artwork/${t.artworkId}`} alt="" width={32} height={32} loading="lazy" className="h-8 w-8 rounded object-cover" />
                  ) : (
                    <div className="flex h-8 w-8 items-center justify-center rounded bg-raised text-faint">
                      <Music2 size={14} />
                    </div>
                  )}
                </td>
                <td className="max-w-[28rem] py-1.5">
                  <div className="flex items-center gap-1.5 truncate font-medium">
                    {t.isBroken ? <AlertTriangle size={13} className="shrink-0 text-danger" aria-label="Broken" /> : null}
                    {t.isMissing ? <CircleOff size={13} className="shrink-0 text-warn" aria-label="Missing" /> : null}
                    <span className="truncate">{t.title ?? t.fileName}</span>
                  </div>
                  <div className="truncate text-xs text-muted">{t.isBroken ? <span className="text-danger">{t.brokenReason}</span> : (t.artist ?? 'Unknown artist')}</div>
                </td>
                <td className="max-w-[16rem] truncate text-muted">{t.album}</td>
                <td className="text-xs text-muted uppercase">
                  {t.format}
                  {t.bitrate ? <span className="ml-1 text-faint normal-case">{Math.round(t.bitrate / 1000)}k</span> : null}
                </td>
                <td className="text-right text-muted tabular-nums">{formatDuration(t.durationMs)}</td>
                <td className="text-right tabular-nums">{t.bpm ? t.bpm.toFixed(t.bpm % 1 ? 1 : 0) : ''}</td>
                <td className="pl-4 font-mono text-xs">{t.keyPitch !== null && t.keyMode !== null ? formatKey({ pitch: t.keyPitch, mode: t.keyMode as 0 | 1 }, notation) : ''}</td>
                <td className="pr-6 text-right text-xs text-faint">{formatAgo(t.dateAdded)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {q.hasNextPage ? (
        <div className="flex justify-center py-4">
          <Button onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
            {q.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
