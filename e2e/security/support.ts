import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Stack } from '../support/stack';

/** Tables whose rows are the library's state (not heartbeats, events or housekeeping). */
const STATE_TABLES = [
  'library_directories',
  'tracks',
  'track_exclusions',
  'playlists',
  'playlist_tracks',
  'hot_cues',
  'duplicate_groups',
  'duplicate_resolutions',
  'trash_items',
  'file_operations',
  'library_cleanups',
  'analysis_jobs',
  'audio_analysis',
  'stem_sets',
  'settings',
  'api_tokens',
  'scans',
];
/**
 * Columns the worker's housekeeping rewrites on its own clock: the periodic presence check of each
 * folder and its watcher coming up. What they record is not something an attack could change.
 */
const HOUSEKEEPING: Record<string, string[]> = {
  library_directories: ['availability_checked_at', 'watch_state', 'watch_error'],
};
/** Job kinds that would change the library or its files; housekeeping jobs come and go on their own. */
const STATE_JOBS = ['duplicates.resolveAll', 'library.cleanupMissing', 'backup.create', 'files.run', 'files.emptyTrash', 'library.relocate', 'library.scan'];

function listing(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort().map((rel) => {
    const st = fs.lstatSync(path.join(dir, rel));
    return `${rel} ${st.isSymbolicLink() ? 'link' : st.size} ${Math.floor(st.mtimeMs)}`;
  });
}

/**
 * Everything an attack could change: the library's rows (sessions without their last-seen time),
 * the jobs that change things, the music folders on disk and the backups folder.
 */
export function fingerprint(stack: Stack, folders: string[]): unknown {
  const db = new Database(path.join(stack.dataDir, 'library.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = STATE_TABLES.map((t): [string, Record<string, unknown>[]] => {
      const skip = HOUSEKEEPING[t] ?? [];
      const all = db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all() as Record<string, unknown>[];
      return [t, all.map((r) => Object.fromEntries(Object.entries(r).filter(([c]) => !skip.includes(c))))];
    });
    const sessions = db.prepare('SELECT id, created_at, expires_at, revoked_at FROM auth_sessions ORDER BY id').all();
    // the worker's own daily backup may start at any moment: only backups someone asked for count
    const jobs = db
      .prepare(`SELECT id, kind, status, payload FROM jobs WHERE kind IN (${STATE_JOBS.map(() => '?').join(',')}) AND payload NOT LIKE '%"scheduled"%' ORDER BY id`)
      .all(...STATE_JOBS);
    const backups = listing(path.join(stack.dataDir, 'backups')).filter((b) => !b.includes('-scheduled'));
    // plain data, so a failing comparison prints what changed
    const plain: unknown = JSON.parse(JSON.stringify({ rows: Object.fromEntries(rows), sessions, jobs, disk: folders.map(listing), backups }));
    return plain;
  } finally {
    db.close();
  }
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

/**
 * A request with exact control over the wire: a declared Content-Length larger than what is sent
 * (a "hostile body" that never ends), any Host header.
 */
export function raw(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string; declaredLength?: number }): Promise<RawAnswer> {
  const u = new URL(url);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.declaredLength !== undefined) headers['content-length'] = String(opts.declaredLength);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: opts.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve({ status: 0, headers: {}, body: '', ms: performance.now() - t0 }) : reject(e),
    );
    if (opts.body !== undefined) req.write(opts.body);
    if (opts.declaredLength === undefined) req.end();
  });
}

/** How long /api/health takes to answer (any status). */
export async function healthMs(url: string): Promise<number> {
  const t0 = performance.now();
  await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) });
  return performance.now() - t0;
}

/** A tRPC mutation as a browser or a tool would send it. */
export function mutation(stack: Stack, procedure: string, input: unknown, headers: Record<string, string>, body?: string | FormData | URLSearchParams) {
  return fetch(`${stack.url}/api/trpc/${procedure}`, {
    method: 'POST',
    headers,
    body: body ?? JSON.stringify({ json: input }),
    redirect: 'manual',
  });
}
