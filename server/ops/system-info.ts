import fs from 'node:fs';
import os from 'node:os';
import type { AppContext } from '../context';
import { fileSizeSync } from '../files/disk';
import { currentWorker } from '../system/worker-status';
import { appVersion } from '../version';
import { backupDir, listBackups } from './backup';
import { healthReport } from './health';

export interface DiskSpace {
  path: string;
  label: string;
  freeBytes: number | null;
  totalBytes: number | null;
  /** Why the numbers are missing (folder offline, not readable). */
  problem?: string;
}

function diskSpace(p: string, label: string): DiskSpace {
  try {
    const st = fs.statfsSync(p);
    return { path: p, label, freeBytes: st.bavail * st.bsize, totalBytes: st.blocks * st.bsize };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { path: p, label, freeBytes: null, totalBytes: null, problem: code === 'ENOENT' ? 'not there (offline?)' : (code ?? 'unreadable') };
  }
}

/** Everything the System page shows: health, versions, uptime, queues, disk space, backups. */
export function systemInfo(app: Pick<AppContext, 'db' | 'clock' | 'env'>, web: { sseClients: number }) {
  const s = app.db.$client;
  const now = app.clock.now();
  const worker = currentWorker(app.db, now);
  const jobs = s.prepare("SELECT status, count(*) AS n FROM jobs WHERE status IN ('queued', 'running') GROUP BY status").all() as { status: string; n: number }[];
  const analysis = s.prepare("SELECT status, count(*) AS n FROM analysis_jobs WHERE status IN ('queued', 'dispatched', 'failed') GROUP BY status").all() as {
    status: string;
    n: number;
  }[];
  const count = (rows: { status: string; n: number }[], st: string) => rows.find((r) => r.status === st)?.n ?? 0;
  const dirs = s.prepare('SELECT path, name FROM library_directories ORDER BY name').all() as { path: string; name: string }[];
  return {
    health: healthReport(app),
    versions: {
      app: appVersion(),
      node: process.version,
      sqlite: (s.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
      platform: `${os.type()} ${os.release()} (${process.arch})`,
      worker: worker.version,
    },
    web: { pid: process.pid, uptimeMs: Math.round(process.uptime() * 1000), rssBytes: process.memoryUsage.rss(), sseClients: web.sseClients },
    worker: { online: worker.online, state: worker.state, pid: worker.pid, startedAt: worker.startedAt, heartbeatAgeMs: worker.heartbeatAgeMs, components: worker.components },
    queues: {
      jobsQueued: count(jobs, 'queued'),
      jobsRunning: count(jobs, 'running'),
      analysisQueued: count(analysis, 'queued'),
      analysisRunning: count(analysis, 'dispatched'),
      analysisFailed: count(analysis, 'failed'),
    },
    database: { path: app.env.db.path, sizeBytes: fileSizeSync(app.env.db.path), walBytes: fileSizeSync(`${app.env.db.path}-wal`) },
    disks: [diskSpace(app.env.dataDir, 'Data folder'), ...dirs.map((d) => diskSpace(d.path, d.name))],
    backups: { dir: backupDir(app.env), list: listBackups(backupDir(app.env)).map(({ path: _p, ...b }) => b) },
  };
}
