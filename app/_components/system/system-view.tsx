'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { DatabaseBackup, Download } from 'lucide-react';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/trpc/router';
import { useTRPC } from '../../_trpc/client';
import { formatAgo, formatBytes, formatCount, formatDuration } from '../format';
import { Badge, type Tone } from '../ui/badge';
import { Button, buttonClass } from '../ui/button';
import { Card, PageHeader } from '../ui/card';
import { Progress } from '../ui/progress';
import { useToast } from '../ui/toast';
import { AccessSection } from './access-section';
import { DataTable } from '../ui/data-table';

type Info = inferRouterOutputs<AppRouter>['system']['info'];

const GOOD = new Set(['ok', 'running', 'connected', 'ready', 'healthy', 'listening', 'watching']);
const BAD = new Set(['offline', 'failed', 'error', 'crashed', 'down', 'stopped']);
function stateTone(state: string): Tone {
  if (GOOD.has(state)) return 'ok';
  if (BAD.has(state)) return 'danger';
  if (state === 'disabled') return 'neutral';
  return 'warn';
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-4 py-1.5 text-sm">
      <dt className="text-muted">{label}</dt>
      <dd className="min-w-0 truncate text-right tabular-nums">{children}</dd>
    </div>
  );
}

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <Card className="p-4" data-testid={testId}>
      <h2 className="mb-2 text-xs font-semibold tracking-wide text-muted uppercase">{title}</h2>
      {children}
    </Card>
  );
}

function HealthTile({ label, state, detail, testId }: { label: string; state: string; detail?: string; testId: string }) {
  return (
    <Card className="flex flex-col gap-2 p-4" data-testid={testId}>
      <span className="text-xs font-semibold tracking-wide text-muted uppercase">{label}</span>
      <Badge tone={stateTone(state)} dot className="self-start">
        {state}
      </Badge>
      <span className="min-h-4 text-xs text-muted">{detail ?? ''}</span>
    </Card>
  );
}

function Disks({ disks }: { disks: Info['disks'] }) {
  return (
    <ul className="flex flex-col gap-3">
      {disks.map((d) => {
        const used = d.totalBytes !== null && d.freeBytes !== null ? d.totalBytes - d.freeBytes : null;
        const low = d.freeBytes !== null && d.totalBytes !== null && d.freeBytes / d.totalBytes < 0.05;
        return (
          <li key={d.path} data-testid="disk">
            <div className="flex items-baseline justify-between gap-3 text-sm">
              <span className="truncate font-medium" title={d.path}>
                {d.label} <span className="font-normal text-faint">{d.path}</span>
              </span>
              <span className={low ? 'text-danger' : 'text-muted'}>{d.problem ? d.problem : `${formatBytes(d.freeBytes)} free of ${formatBytes(d.totalBytes)}`}</span>
            </div>
            <Progress value={used} max={d.totalBytes} tone={low ? 'danger' : 'accent'} className="mt-1.5" label={`${d.label} disk use`} />
          </li>
        );
      })}
    </ul>
  );
}

/** Health, versions, uptime, queues, disk space and backups, refreshed live. */
export function SystemView() {
  const trpc = useTRPC();
  const toast = useToast();
  const q = useQuery({ ...trpc.system.info.queryOptions(), refetchInterval: 3_000 });
  const backup = useMutation(
    trpc.system.backupNow.mutationOptions({
      onSuccess: (r) => toast.push({ tone: 'ok', text: r.alreadyQueued ? 'A backup is already on its way.' : 'Backing up — it appears below when done.' }),
    }),
  );
  const info = q.data;
  const now = q.dataUpdatedAt;
  return (
    <div>
      <PageHeader
        title="System"
        description="Health of the web, the worker and their peers; versions, queues, disk space and backups."
        actions={
          <>
            <a className={buttonClass('secondary')} href="/api/export/user-data" download>
              <Download size={14} /> Export user data
            </a>
            <Button variant="primary" disabled={backup.isPending} onClick={() => backup.mutate()}>
              <DatabaseBackup size={14} /> Back up now
            </Button>
          </>
        }
      />
      {!info ? (
        <p className="px-6 py-8 text-sm text-muted">{q.error ? q.error.message : 'Loading…'}</p>
      ) : (
        <div className="flex flex-col gap-4 p-6">
          <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
            <HealthTile
              label="Overall"
              testId="health-overall"
              state={info.health.status}
              detail={info.health.status === 'ok' ? 'All required parts work' : 'See what is not ok'}
            />
            <HealthTile
              label="Database"
              testId="health-db"
              state={info.health.db.ok ? (info.health.db.pendingMigrations.length ? 'migrations pending' : 'ok') : 'error'}
              detail={info.health.db.error ?? `${formatBytes(info.database.sizeBytes + info.database.walBytes)}`}
            />
            <HealthTile
              label="Worker"
              testId="health-worker"
              state={info.health.worker.state}
              detail={info.health.worker.heartbeatAgeMs === null ? 'never seen' : `heartbeat ${formatAgo(now - info.health.worker.heartbeatAgeMs, now)}`}
            />
            <HealthTile label="Analysis" testId="health-analysis" state={info.health.analysis.state} detail={info.health.analysis.detail} />
            <HealthTile label="Audio engine" testId="health-engine" state={info.health.audioEngine.state} detail={info.health.audioEngine.detail} />
          </div>

          <div className="grid gap-4 lg:grid-cols-3">
            <Section title="Versions and uptime">
              <dl>
                <Fact label="Mismo Library">{info.versions.app}</Fact>
                <Fact label="Worker">{info.versions.worker ?? '—'}</Fact>
                <Fact label="Node.js">{info.versions.node}</Fact>
                <Fact label="SQLite">{info.versions.sqlite}</Fact>
                <Fact label="System">{info.versions.platform}</Fact>
                <Fact label="Web up for">{formatDuration(info.web.uptimeMs)}</Fact>
                <Fact label="Worker up for">{info.worker.online && info.worker.startedAt ? formatDuration(now - info.worker.startedAt) : '—'}</Fact>
                <Fact label="Web memory">{formatBytes(info.web.rssBytes)}</Fact>
                <Fact label="Live connections">{info.web.sseClients}</Fact>
              </dl>
            </Section>
            <Section title="Queues" testId="queues">
              <dl>
                <Fact label="Jobs waiting">{formatCount(info.queues.jobsQueued)}</Fact>
                <Fact label="Jobs running">{formatCount(info.queues.jobsRunning)}</Fact>
                <Fact label="Analyses waiting">{formatCount(info.queues.analysisQueued)}</Fact>
                <Fact label="Analyses running">{formatCount(info.queues.analysisRunning)}</Fact>
                <Fact label="Analyses failed">{formatCount(info.queues.analysisFailed)}</Fact>
              </dl>
              <h3 className="mt-3 mb-1 text-xs font-semibold tracking-wide text-muted uppercase">Worker parts</h3>
              <ul className="flex flex-col gap-1 text-sm">
                {Object.entries(info.worker.components).map(([name, c]) => (
                  <li key={name} className="flex items-center justify-between gap-2">
                    <span className="text-muted">{name === 'mainLoop' ? 'main loop' : name}</span>
                    <span className="flex items-center gap-2">
                      {name === 'mainLoop' && typeof c.detail === 'string' ? <span className="text-xs text-faint">{c.detail}</span> : null}
                      <Badge tone={stateTone(c.state)}>{c.state}</Badge>
                    </span>
                  </li>
                ))}
                {!Object.keys(info.worker.components).length ? <li className="text-muted">The worker has not reported yet.</li> : null}
              </ul>
            </Section>
            <Section title="Disk space">
              <Disks disks={info.disks} />
            </Section>
          </div>

          <EngineSection />

          <AccessSection />

          <Section title="Backups" testId="backups">
            <p className="mb-3 text-sm text-muted">
              Online copies of the database in <code className="text-fg">{info.backups.dir}</code>, checked with SQLite&apos;s integrity check. Restore one with both processes
              stopped: <code className="text-fg">npm run db:restore -- NAME</code>.
            </p>
            {info.backups.list.length ? (
              <DataTable
                label="Backups"
                rows={info.backups.list}
                rowKey={(b) => b.name}
                rowTestId="backup-row"
                columns={[
                  { key: 'made', header: 'Made', cell: (b) => <span title={new Date(b.createdAt).toLocaleString()}>{formatAgo(b.createdAt, now)}</span> },
                  { key: 'why', header: 'Why', cell: (b) => <Badge tone={b.reason === 'manual' ? 'accent' : 'neutral'}>{b.reason}</Badge> },
                  { key: 'size', header: 'Size', numeric: true, cell: (b) => formatBytes(b.sizeBytes) },
                  { key: 'name', header: 'Name', headerClassName: 'pl-4', className: 'pl-4 font-mono text-xs text-muted', cell: (b) => b.name },
                ]}
              />
            ) : (
              <p className="text-sm text-muted">No backups yet.</p>
            )}
          </Section>
        </div>
      )}
    </div>
  );
}

/** The audio engine link: state, version, decks and what is on them, reply latency, restart. */
function EngineSection() {
  const trpc = useTRPC();
  const toast = useToast();
  const q = useQuery({ ...trpc.audioEngine.status.queryOptions(), refetchInterval: 5_000 });
  const control = useMutation(
    trpc.audioEngine.control.mutationOptions({
      onSuccess: (_r, v) => toast.push({ tone: 'ok', text: v.action === 'reconnect' ? 'Reconnecting to the engine…' : `Engine ${v.action} requested.` }),
    }),
  );
  const e = q.data;
  if (!e?.configured) return null;
  return (
    <Section title="Audio engine" testId="engine">
      <div className="grid gap-4 lg:grid-cols-3">
        <dl>
          <Fact label="State">
            <Badge tone={stateTone(e.state)}>{e.state}</Badge>
          </Fact>
          <Fact label="Address">{e.url}</Fact>
          <Fact label="Version">{e.version ?? '—'}</Fact>
          <Fact label="Replies (getTrackInfo)">{e.latencyMs ? `p50 ≤ ${e.latencyMs.p50} ms · p99 ≤ ${e.latencyMs.p99} ms · ${formatCount(e.latencyMs.count)}` : '—'}</Fact>
          {e.supervisor ? (
            <Fact label="Process">
              {e.supervisor.state}
              {e.supervisor.pid ? ` (pid ${e.supervisor.pid})` : ''}
              {e.supervisor.restarts ? ` · ${e.supervisor.restarts} restarts` : ''}
            </Fact>
          ) : null}
        </dl>
        <div className="lg:col-span-2">
          <h3 className="mb-1 text-xs font-semibold tracking-wide text-muted uppercase">Decks</h3>
          {e.decks.length ? (
            <ul className="flex flex-col gap-1 text-sm" data-testid="engine-decks">
              {e.decks.map((d) => (
                <li key={d.deck} className="flex items-center gap-2">
                  <Badge tone={d.loaded ? 'accent' : 'neutral'}>{d.deck}</Badge>
                  <span className="truncate">{d.track ? `${d.track.artist ? `${d.track.artist} — ` : ''}${d.track.title ?? d.track.fileName}` : d.trackId}</span>
                  {!d.loaded ? <span className="text-xs text-faint">loading…</span> : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-muted">Nothing loaded.</p>
          )}
          <div className="mt-3 flex gap-2">
            <Button size="sm" variant="ghost" disabled={control.isPending} onClick={() => control.mutate({ action: 'reconnect' })}>
              Reconnect
            </Button>
            {e.supervisor ? (
              <Button size="sm" disabled={control.isPending} onClick={() => control.mutate({ action: 'restart' })}>
                Restart engine
              </Button>
            ) : null}
          </div>
        </div>
      </div>
    </Section>
  );
}
