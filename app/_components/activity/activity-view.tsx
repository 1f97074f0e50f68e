'use client';

import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Activity, RotateCcw, Square } from 'lucide-react';
import type { JobView } from '@/server/jobs/queries';
import { useTRPC } from '../../_trpc/client';
import { Badge, type Tone } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, EmptyState, PageHeader } from '../ui/card';
import { Progress } from '../ui/progress';
import { formatAgo, formatDuration } from '../format';
import { Tabs } from '../ui/tabs';

const VIEWS = [
  { id: 'active', label: 'Running & queued' },
  { id: 'all', label: 'All' },
  { id: 'failed', label: 'Failed' },
] as const;

const STATUS_TONE: Record<JobView['status'], Tone> = { queued: 'neutral', running: 'accent', succeeded: 'ok', failed: 'danger', cancelled: 'warn' };

export function ActivityView() {
  const trpc = useTRPC();
  const [view, setView] = useState<(typeof VIEWS)[number]['id']>('all');
  const list = useQuery(trpc.jobs.list.queryOptions({ view, limit: 200 }));
  const counts = useQuery(trpc.jobs.counts.queryOptions());
  const items = list.data?.items ?? [];
  return (
    <div>
      <PageHeader title="Activity" description="Everything the worker does — scans, checks, analysis, file operations — live." />
      <div className="border-b border-line px-6 py-2">
        <Tabs
          label="Job filter"
          look="segmented"
          className="w-fit"
          value={view}
          onChange={setView}
          items={VIEWS.map((v) => ({
            id: v.id,
            label: (
              <>
                {v.label}
                {v.id === 'active' && counts.data ? <span className="ml-1.5 text-faint tabular-nums">{counts.data.running + counts.data.queued}</span> : null}
                {v.id === 'failed' && counts.data?.failed ? <span className="ml-1.5 text-danger tabular-nums">{counts.data.failed}</span> : null}
              </>
            ),
          }))}
        />
      </div>
      <div className="flex flex-col gap-2 p-6">
        {list.isSuccess && items.length === 0 ? (
          <EmptyState icon={<Activity size={22} />} title={view === 'failed' ? 'Nothing has failed' : 'Nothing to show yet'}>
            Scans, availability checks and other background work appear here as they run.
          </EmptyState>
        ) : null}
        {items.map((j) => (
          <JobRow key={j.id} job={j} />
        ))}
      </div>
    </div>
  );
}

function JobRow({ job }: { job: JobView }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const opts = { onSuccess: () => void qc.invalidateQueries(trpc.jobs.pathFilter()) };
  const cancel = useMutation(trpc.jobs.cancel.mutationOptions(opts));
  const retry = useMutation(trpc.jobs.retry.mutationOptions(opts));
  const p = job.progress;
  const took = job.finishedAt && job.startedAt ? formatDuration(job.finishedAt - job.startedAt) : null;
  return (
    <Card className="flex flex-col gap-2 px-4 py-3" data-testid="job-row" aria-label={`${job.label} ${job.status}`}>
      <div className="flex items-center gap-3">
        <Badge tone={STATUS_TONE[job.status]} dot={job.status === 'running'}>
          {job.status}
        </Badge>
        <span className="text-sm font-medium">{job.label}</span>
        <span className="font-mono text-xs text-faint">#{job.id}</span>
        <span className="ml-auto text-xs text-faint">
          {job.status === 'running'
            ? `started ${formatAgo(job.startedAt)}`
            : job.finishedAt
              ? `${formatAgo(job.finishedAt)}${took ? ` · took ${took}` : ''}`
              : `queued ${formatAgo(job.createdAt)}`}
          {job.attempts > 1 ? ` · attempt ${job.attempts}/${job.maxAttempts}` : ''}
        </span>
        {job.status === 'queued' || job.status === 'running' ? (
          <Button size="sm" variant="ghost" onClick={() => cancel.mutate({ id: job.id })} disabled={job.cancelRequested} aria-label={`Cancel job ${job.id}`}>
            <Square size={12} /> {job.cancelRequested ? 'Cancelling…' : 'Cancel'}
          </Button>
        ) : null}
        {job.status === 'failed' || job.status === 'cancelled' ? (
          <Button size="sm" variant="ghost" onClick={() => retry.mutate({ id: job.id })} aria-label={`Retry job ${job.id}`}>
            <RotateCcw size={12} /> Retry
          </Button>
        ) : null}
      </div>
      {job.status === 'running' ? (
        <div className="flex items-center gap-3">
          <Progress value={p?.done ?? null} max={p?.total ?? null} label={`${job.label} progress`} />
          <span className="w-40 shrink-0 truncate text-right text-xs text-muted tabular-nums">
            {p ? (p.total ? `${p.done.toLocaleString()} / ${p.total.toLocaleString()}` : (p.message ?? '')) : 'starting…'}
          </span>
        </div>
      ) : null}
      {p?.message && job.status === 'running' ? <p className="text-xs text-muted">{p.message}</p> : null}
      {job.error && job.status !== 'succeeded' ? <p className="rounded bg-danger/10 px-2 py-1 font-mono text-xs text-danger">{job.error}</p> : null}
    </Card>
  );
}
