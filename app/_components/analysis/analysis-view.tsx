'use client';

import { useState } from 'react';
import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { RotateCcw, Sparkles, X } from 'lucide-react';
import { useTRPC } from '../../_trpc/client';
import { formatAgo, formatCount } from '../format';
import { Badge, type Tone } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, PageHeader } from '../ui/card';
import { cn } from '../ui/cn';
import { useToast } from '../ui/toast';
import { Progress } from '../ui/progress';
import { STAGE_NAMES } from '@/server/analysis/reasons';
import type { AppRouter } from '@/server/trpc/router';
import type { inferRouterOutputs } from '@trpc/server';
import { Tabs } from '../ui/tabs';
import { DataTable } from '../ui/data-table';

type Out = inferRouterOutputs<AppRouter>['analysis'];
const MODES = [
  { value: 'auto', label: 'Auto', hint: 'the analysis server when one answers, else the built-in analyzer' },
  { value: 'builtin', label: 'Built-in', hint: 'always this machine' },
  { value: 'server', label: 'Server only', hint: 'only the analysis server; jobs wait for it' },
] as const;

const formatLeft = (s: number) => (s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

/** Who analyses now, and the switch between auto, built-in and server. */
function WhoAnalyses({ servers }: { servers: Out['servers'] | undefined }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const set = useMutation(
    trpc.settings.update.mutationOptions({
      onSuccess: () => void qc.invalidateQueries(trpc.analysis.pathFilter()),
    }),
  );
  const s = servers;
  const b = s?.builtin;
  const now =
    s?.analyzer === 'builtin'
      ? `The built-in analyzer on this machine (${b?.threads ?? s.threads} thread${(b?.threads ?? s.threads) > 1 ? 's' : ''}, ${b?.version ?? 'builtin'})`
      : s?.analyzer === 'server'
        ? `The analysis server${s.servers.filter((x) => x.state === 'up').length > 1 ? 's' : ''} at ${s.servers
            .filter((x) => x.state === 'up')
            .map((x) => x.url)
            .join(', ')}`
        : s
          ? 'Nobody: the setting waits for an analysis server, and none answers'
          : '…';
  return (
    <Card className="flex flex-wrap items-center justify-between gap-3 p-4" data-testid="who-analyses">
      <div className="min-w-0">
        <h2 className="text-xs font-semibold tracking-wide text-muted uppercase">Who analyses</h2>
        <p className="mt-1 text-sm" data-testid="analyzer-now">
          {now}
        </p>
        {b && b.tracks > 0 ? (
          <p className="text-xs text-faint">
            {formatCount(b.tracks)} tracks analysed here since the worker started
            {b.speed ? ` · ${b.speed}× realtime` : ''}
            {b.secondsPerTrack ? ` · ${b.secondsPerTrack} s a track` : ''}
            {b.failures ? ` · ${b.failures} could not be analysed` : ''}
          </p>
        ) : null}
      </div>
      <div role="radiogroup" aria-label="Who analyses" className="flex overflow-hidden rounded-md border border-line-strong">
        {MODES.map((m) => (
          <button
            key={m.value}
            type="button"
            role="radio"
            aria-checked={s?.mode === m.value}
            title={m.hint}
            disabled={set.isPending}
            onClick={() => set.mutate({ values: { 'analysis.engine': m.value } })}
            className={cn('px-3 py-1.5 text-xs', s?.mode === m.value ? 'bg-accent text-accent-ink' : 'text-muted hover:bg-raised hover:text-fg')}
          >
            {m.label}
          </button>
        ))}
      </div>
    </Card>
  );
}

/** Analysed of all there is, with the rate and the time left at that rate. */
function ProgressCard({ p }: { p: Out['progress'] | undefined }) {
  if (!p) return null;
  const busy = p.waiting > 0;
  return (
    <Card className="flex flex-col gap-2 p-4" data-testid="analysis-progress">
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span>
          <span className="font-medium tabular-nums">{formatCount(p.done)}</span> of <span className="tabular-nums">{formatCount(p.total)}</span> tracks analysed
        </span>
        <span className="text-xs text-muted tabular-nums">
          {busy
            ? [`${formatCount(p.waiting)} to go`, p.perMinute ? `${p.perMinute} a minute` : null, p.secondsLeft !== null ? `about ${formatLeft(p.secondsLeft)} left` : null]
                .filter(Boolean)
                .join(' · ')
            : 'nothing waiting'}
        </span>
      </div>
      <Progress value={p.done} max={p.total || null} label="Tracks analysed" />
    </Card>
  );
}

const TABS = [
  { status: 'queued', label: 'Waiting' },
  { status: 'dispatched', label: 'Running' },
  { status: 'failed', label: 'Failed' },
  { status: 'completed', label: 'Done' },
  { status: 'missing', label: 'Files missing' },
  { status: 'cancelled', label: 'Cancelled' },
] as const;

const tone = (s: string): Tone =>
  s === 'up' || s === 'ready' || s === 'running' ? 'ok' : s === 'down' || s === 'failed' || s === 'crashed' ? 'danger' : s === 'disabled' ? 'neutral' : 'warn';
const priorityName = (p: number) => (p >= 30 ? 'engine' : p >= 20 ? 'you' : p >= 10 ? 'new import' : 'idle');

/** The analysis queue per state, each server's health, and retry / cancel / analyse-everything. */
export function AnalysisView() {
  const trpc = useTRPC();
  const toast = useToast();
  const [tab, setTab] = useState<(typeof TABS)[number]['status']>('queued');
  const counts = useQuery({ ...trpc.analysis.counts.queryOptions(), refetchInterval: 3_000 });
  const servers = useQuery({ ...trpc.analysis.servers.queryOptions(), refetchInterval: 3_000 });
  const progress = useQuery({ ...trpc.analysis.progress.queryOptions(), refetchInterval: 3_000 });
  const list = useQuery(trpc.analysis.queue.queryOptions({ status: tab, limit: 200 }));
  const request = useMutation(
    trpc.analysis.request.mutationOptions({
      onSuccess: (r) => toast.push({ tone: 'ok', text: `${formatCount(r.queued)} queued, ${formatCount(r.alreadyDone)} already analysed.` }),
    }),
  );
  const retry = useMutation(trpc.analysis.retry.mutationOptions({ onSuccess: (r) => toast.push({ tone: 'ok', text: `${r.retried} back in the queue.` }) }));
  const cancel = useMutation(trpc.analysis.cancel.mutationOptions({ onSuccess: () => toast.push({ tone: 'ok', text: 'Cancelled.' }) }));
  const control = useMutation(trpc.analysis.control.mutationOptions({ onSuccess: () => toast.push({ tone: 'ok', text: 'Sent to the worker.' }) }));
  const c: Record<string, number> = counts.data ?? {};
  const rows = list.data ?? [];
  const s = servers.data;
  return (
    <div>
      <PageHeader
        title="Analysis"
        description="BPM, key, beat grid, loudness, energy and waveforms — by the built-in analyzer on this machine, or by a Mismo analysis server when one answers. New tracks are queued by themselves; what you ask for goes first."
        actions={
          <>
            {tab === 'failed' && rows.length ? (
              <Button onClick={() => retry.mutate({ ids: rows.map((r) => r.id) })}>
                <RotateCcw size={14} /> Retry all failed
              </Button>
            ) : null}
            <Button variant="primary" onClick={() => request.mutate({ all: true, force: false })}>
              <Sparkles size={14} /> Analyse everything not done
            </Button>
          </>
        }
      />
      <div className="flex flex-col gap-4 p-6">
        <WhoAnalyses servers={s} />
        <ProgressCard p={progress.data} />
        <Card className="p-4" data-testid="analysis-servers">
          <div className="mb-2 flex items-center justify-between">
            <h2 className="text-xs font-semibold tracking-wide text-muted uppercase">Analysis servers</h2>
            <div className="flex items-center gap-2 text-xs text-muted">
              {s ? (
                <Badge tone={tone(s.state)} dot>
                  {s.state}
                </Badge>
              ) : null}
              <span>{s?.detail}</span>
            </div>
          </div>
          <ul className="flex flex-col gap-1.5 text-sm">
            {(s?.servers ?? []).map((srv) => (
              <li key={srv.url} className="flex items-center justify-between gap-3">
                <span className="font-mono text-xs">{srv.url}</span>
                <span className="flex items-center gap-2 text-xs text-muted">
                  {srv.version ? <span>v{srv.version}</span> : null}
                  {srv.detail ? <span>{srv.detail}</span> : null}
                  <span>checked {formatAgo(srv.checkedAt)}</span>
                  <Badge tone={tone(srv.state)} dot>
                    {srv.state}
                  </Badge>
                </span>
              </li>
            ))}
            {s && !s.servers.length ? (
              <li className="text-muted">
                No analysis server is configured (PYTHON_SERVER_URL)
                {s.mode === 'server' ? ': jobs wait until one is.' : ' — the built-in analyzer does the work. A server adds stems, genre and sections.'}
              </li>
            ) : null}
          </ul>
          {s?.supervisor ? (
            <div className="mt-3 flex items-center gap-2 text-xs text-muted">
              <span>Started by Mismo Library:</span>
              <Badge tone={tone(s.supervisor.state)}>{s.supervisor.state}</Badge>
              {s.supervisor.detail ? <span>{s.supervisor.detail}</span> : null}
              <Button size="sm" variant="ghost" onClick={() => control.mutate({ action: 'restart' })}>
                Restart
              </Button>
              <Button size="sm" variant="ghost" onClick={() => control.mutate({ action: 'stop' })}>
                Stop
              </Button>
            </div>
          ) : null}
          <p className="mt-2 text-xs text-faint">
            {formatCount(s?.concurrency ?? 0)} at a time per server · {formatCount(c.unanalysedTracks ?? 0)} tracks without analysis
          </p>
        </Card>

        <Tabs
          label="Analysis queue"
          value={tab}
          onChange={setTab}
          items={TABS.map((t) => ({
            id: t.status,
            label: (
              <>
                {t.label} <span className="text-faint">{formatCount(c[t.status] ?? 0)}</span>
              </>
            ),
          }))}
        />
        <DataTable
          testId="analysis-queue"
          rows={rows}
          rowKey={(r) => r.id}
          empty="Nothing here."
          columns={[
            {
              key: 'track',
              header: 'Track',
              cell: (r) => (
                <>
                  {r.trackId ? (
                    <Link href={`/library/tracks/${r.trackId}`} className="hover:underline">
                      {r.title ?? r.audioHash}
                    </Link>
                  ) : (
                    r.audioHash
                  )}
                  {r.artist ? <span className="text-muted"> — {r.artist}</span> : null}
                </>
              ),
            },
            { key: 'for', header: 'For', className: 'text-muted', cell: (r) => priorityName(r.priority) },
            {
              key: 'stages',
              header: 'Stages',
              className: 'text-xs text-muted',
              cell: (r) => (
                <>
                  {r.stagesRequested.map((st) => `${r.stagesDone.includes(st) ? '✓ ' : ''}${STAGE_NAMES[st] ?? st}`).join(', ')}
                  {r.analyzer ? <span className="text-faint"> · {r.analyzer === 'builtin' ? 'built-in' : 'server'}</span> : null}
                </>
              ),
            },
            { key: 'tries', header: 'Tries', className: 'text-muted tabular-nums', cell: (r) => `${r.attempts}/${r.maxAttempts}` },
            {
              key: 'state',
              header: tab === 'failed' ? 'Why' : 'Updated',
              className: cn('text-xs', tab === 'failed' ? 'text-danger' : 'text-muted'),
              cell: (r) => (tab === 'failed' ? r.reason : formatAgo(r.updatedAt)),
            },
            {
              key: 'act',
              header: '',
              className: 'text-right',
              cell: (r) =>
                r.status === 'queued' || r.status === 'dispatched' ? (
                  <Button size="sm" variant="ghost" aria-label="Cancel" onClick={() => cancel.mutate({ ids: [r.id] })}>
                    <X size={13} />
                  </Button>
                ) : r.status !== 'completed' ? (
                  <Button size="sm" variant="ghost" onClick={() => retry.mutate({ ids: [r.id] })}>
                    <RotateCcw size={13} /> Retry
                  </Button>
                ) : null,
            },
          ]}
        />
      </div>
    </div>
  );
}
