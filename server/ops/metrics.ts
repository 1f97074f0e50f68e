import type { AppContext } from '../context';
import { fileSizeSync } from '../files/disk';
import { currentWorker } from '../system/worker-status';
import { appVersion } from '../version';
import { backupDir, listBackups } from './backup';
import { LATENCY_BUCKETS, PromText, histogramOf, type HistogramData } from './prometheus';
import { componentOf } from '../system/components';

/** Upper bounds (seconds) for how long an analysis takes from dispatch to its last stage. */
const ANALYSIS_BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 1800];

function isHistogram(v: unknown): v is HistogramData {
  const h = v as HistogramData | undefined;
  return Boolean(h && Array.isArray(h.buckets) && typeof h.sum === 'number' && typeof h.count === 'number');
}

/**
 * `/api/metrics`: the library's state in Prometheus text, read at scrape time from the database
 * (both processes write there) plus what the worker reports in its heartbeat.
 */
export function collectMetrics(app: Pick<AppContext, 'db' | 'clock' | 'env'>, web: { sseClients: number }): string {
  const s = app.db.$client;
  const now = app.clock.now();
  const p = new PromText();
  p.gauge('mismo_info', 'Version of the running web process.', [{ labels: { version: appVersion(), node: process.version }, value: 1 }]);
  p.gauge('mismo_web_uptime_seconds', 'Seconds since the web process started.', process.uptime());
  p.gauge('mismo_web_resident_memory_bytes', 'Resident memory of the web process.', process.memoryUsage.rss());

  const worker = currentWorker(app.db, now);
  p.gauge('mismo_worker_up', '1 when the worker heartbeat is fresh.', worker.online ? 1 : 0);
  p.gauge('mismo_worker_heartbeat_age_seconds', 'Seconds since the last worker heartbeat (-1: never).', worker.heartbeatAgeMs === null ? -1 : worker.heartbeatAgeMs / 1000);

  const jobs = s.prepare('SELECT kind, status, count(*) AS n FROM jobs GROUP BY kind, status ORDER BY kind, status').all() as { kind: string; status: string; n: number }[];
  p.gauge(
    'mismo_jobs',
    'Jobs in the queue and its recent history, by kind and state.',
    jobs.map((j) => ({ labels: { kind: j.kind, state: j.status }, value: j.n })),
  );

  const scan = s
    .prepare(
      `SELECT status, json_extract(stats, '$.processed') AS processed, json_extract(stats, '$.elapsedMs') AS elapsed
         FROM scans WHERE status IN ('running', 'completed') ORDER BY (status = 'running') DESC, id DESC LIMIT 1`,
    )
    .get() as { status: string; processed: number | null; elapsed: number | null } | undefined;
  const rate = scan?.processed && scan.elapsed ? (scan.processed / scan.elapsed) * 1000 : 0;
  p.gauge('mismo_scan_files_per_second', 'Files processed per second by the running scan, or else by the last completed one.', rate);
  p.gauge('mismo_scan_running', '1 while a scan runs.', scan?.status === 'running' ? 1 : 0);
  const processedTotal = (s.prepare("SELECT coalesce(sum(json_extract(stats, '$.processed')), 0) AS n FROM scans").get() as { n: number }).n;
  p.counter('mismo_scan_files_processed_total', 'Files read by scans still in the history.', processedTotal);

  const tracks = s.prepare('SELECT count(*) AS total, coalesce(sum(is_missing), 0) AS missing, coalesce(sum(is_broken), 0) AS broken FROM tracks').get() as {
    total: number;
    missing: number;
    broken: number;
  };
  p.gauge('mismo_tracks', 'Tracks in the library.', [
    { labels: { state: 'all' }, value: tracks.total },
    { labels: { state: 'missing' }, value: tracks.missing },
    { labels: { state: 'broken' }, value: tracks.broken },
  ]);

  const queue = s.prepare('SELECT status, count(*) AS n FROM analysis_jobs GROUP BY status').all() as { status: string; n: number }[];
  const states = ['queued', 'dispatched', 'completed', 'failed', 'cancelled', 'missing'];
  p.gauge(
    'mismo_analysis_jobs',
    'Analysis jobs by state (queued + dispatched is the queue depth).',
    states.map((st) => ({ labels: { state: st }, value: queue.find((q) => q.status === st)?.n ?? 0 })),
  );
  // counted by SQLite, bucket by bucket: a scrape never pulls every finished job into memory
  const cumulative = ANALYSIS_BUCKETS.map((le) => `coalesce(sum(d <= ${le}), 0)`).join(', ');
  const row = s
    .prepare(
      `SELECT count(*) AS count, coalesce(sum(d), 0) AS sum, ${cumulative}
         FROM (SELECT (completed_at - dispatched_at) / 1000.0 AS d FROM analysis_jobs
                WHERE status = 'completed' AND completed_at IS NOT NULL AND dispatched_at IS NOT NULL)`,
    )
    .raw()
    .get() as number[];
  const [count, sum, ...buckets] = row;
  p.histogram('mismo_analysis_duration_seconds', 'Time from dispatch to the last stage of completed analyses.', [
    { data: { buckets: ANALYSIS_BUCKETS.map((le, i) => ({ le, count: buckets[i]! })), sum: sum!, count: count! } },
  ]);

  const engine = componentOf(worker.components, 'audioEngine')?.latency;
  p.histogram('mismo_engine_request_duration_seconds', 'Time to answer the audio engine (getTrackInfo), as the worker measured it since it started.', [
    { data: isHistogram(engine) ? engine : histogramOf([], LATENCY_BUCKETS) },
  ]);

  const ev = s.prepare('SELECT coalesce(max(id), 0) AS last, (SELECT count(*) FROM events WHERE created_at >= ?) AS recent FROM events').get(now - 60_000) as {
    last: number;
    recent: number;
  };
  p.counter('mismo_events_total', 'Events written (the outbox id).', ev.last);
  p.gauge('mismo_events_per_second', 'Events per second over the last minute.', ev.recent / 60);
  p.gauge('mismo_sse_clients', 'Browsers and tools connected to the live event stream of this web process.', web.sseClients);

  const db = app.env.db.path;
  p.gauge('mismo_db_size_bytes', 'Size of the SQLite database files.', [
    { labels: { file: 'main' }, value: fileSizeSync(db) },
    { labels: { file: 'wal' }, value: fileSizeSync(`${db}-wal`) },
  ]);
  const backups = listBackups(backupDir(app.env));
  p.gauge('mismo_backups', 'Backups in the data folder.', backups.length);
  p.gauge('mismo_backup_last_timestamp_seconds', 'When the newest backup was made (0: none).', backups[0] ? backups[0].createdAt / 1000 : 0);
  return p.toString();
}
