import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { runMigrations } from '../db/migrate';
import type { Env } from '../env';
import { fsyncFileSync } from '../files/disk';

/** Why a backup was made; each kind is rotated on its own. */
export const BACKUP_REASONS = ['scheduled', 'manual', 'pre-migration', 'pre-restore'] as const;
export type BackupReason = (typeof BACKUP_REASONS)[number];

/** Backups made automatically before a migration or a restore: the few newest are kept. */
const KEEP_SAFETY = 3;

export interface BackupInfo {
  name: string;
  path: string;
  reason: BackupReason;
  createdAt: number;
  sizeBytes: number;
}

export const backupDir = (env: Pick<Env, 'dataDir'>) => path.join(env.dataDir, 'backups');

const NAME = /^library-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-([a-z-]+)\.db$/;

function backupName(now: number, reason: BackupReason) {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('.', '');
  return `library-${stamp}-${reason}.db`;
}

function parseName(name: string): { createdAt: number; reason: BackupReason } | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const reason = m[8] as BackupReason;
  if (!BACKUP_REASONS.includes(reason)) return undefined;
  const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
  return { createdAt: Date.UTC(y, mo - 1, d, h, mi, s, ms), reason };
}

/** Every backup in the folder, newest first. Files that are not ours are ignored. */
export function listBackups(dir: string): BackupInfo[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: BackupInfo[] = [];
  for (const name of names) {
    const parsed = parseName(name);
    if (!parsed) continue;
    const p = path.join(dir, name);
    try {
      out.push({ name, path: p, ...parsed, sizeBytes: fs.statSync(p).size });
    } catch {
      // removed between readdir and stat
    }
  }
  return out.sort((a, b) => b.createdAt - a.createdAt);
}

/**
 * `PRAGMA integrity_check` on a database file: 'ok' or the problems found. With `standalone` the
 * file is first switched out of WAL mode, so it is one self-contained file with no -wal/-shm beside
 * it (what a backup should be); otherwise it is opened read-only.
 */
export function checkIntegrity(file: string, opts: { standalone?: boolean } = {}): { ok: boolean; problems: string[] } {
  const db = new Database(file, { readonly: !opts.standalone, fileMustExist: true });
  try {
    if (opts.standalone) db.pragma('journal_mode = DELETE');
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const problems = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    return { ok: problems.length === 0, problems };
  } finally {
    db.close();
  }
}

/**
 * The slow parts of a backup in a worker thread (server/ops/backup-thread.mjs): with `source`, the
 * copy itself (`VACUUM INTO` on a read-only connection of its own); then the integrity check of
 * `dest` as a standalone file and its fsync. On a 100 MB library these held the main loop ~4 s.
 */
function backupInThread(data: { source?: string; dest: string }): Promise<{ ok: boolean; problems: string[] }> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(new URL('./backup-thread.mjs', import.meta.url), { workerData: { ...data, busyTimeoutMs: 30_000 } });
    let answered = false;
    thread.once('message', (m: { ok: boolean; problems: string[] } | { error: string }) => {
      answered = true;
      if ('error' in m) reject(new Error(m.error));
      else resolve(m);
    });
    thread.once('error', reject);
    thread.once('exit', (code) => {
      if (!answered) reject(new Error(`the backup thread stopped (exit ${code})`));
    });
  });
}

/** A database file and whatever SQLite kept beside it. */
export function removeDb(file: string) {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
}

function uniquePath(dir: string, now: number, reason: BackupReason) {
  for (let t = now; ; t++) {
    const p = path.join(dir, backupName(t, reason));
    if (!fs.existsSync(p)) return p;
  }
}

export interface CreateBackupOptions {
  dir: string;
  reason: BackupReason;
  now: number;
  /** How many of this reason's backups to keep (safety backups always keep the newest 3). */
  keep?: number;
  /** Pages copied per step of the backup API (only used for in-memory databases). */
  pagesPerStep?: number;
  onProgress?: (done: number, total: number) => void;
}

const tempName = (opts: Pick<CreateBackupOptions, 'dir' | 'now' | 'reason'>) => path.join(opts.dir, `.tmp-${process.pid}-${opts.now}-${opts.reason}.db`);

/**
 * Checks a finished copy (`integrity_check`, as one self-contained file), fsyncs it, renames it
 * into place and rotates; a copy that fails anywhere leaves nothing behind.
 */
function keep(tmp: string, opts: CreateBackupOptions, done: { checked?: boolean } = {}): BackupInfo {
  try {
    if (!done.checked) {
      const check = checkIntegrity(tmp, { standalone: true });
      if (!check.ok) throw new Error(`The backup failed its integrity check (${check.problems.slice(0, 3).join('; ')}); nothing was kept`);
      fsyncFileSync(tmp);
    }
    const final = uniquePath(opts.dir, opts.now, opts.reason);
    fs.renameSync(tmp, final);
    pruneBackups(opts.dir, opts.reason, opts.keep);
    return { name: path.basename(final), path: final, ...parseName(path.basename(final))!, sizeBytes: fs.statSync(final).size };
  } catch (e) {
    removeDb(tmp);
    throw e;
  }
}

/**
 * An online backup, made in a worker thread so the main loop keeps running: `VACUUM INTO` on a
 * read-only connection of its own copies one consistent moment (a single read transaction; in WAL
 * mode the other connections keep writing, and nothing restarts however busy they are). Written
 * to a temporary name, checked with `integrity_check`, fsynced and only then renamed into place, so
 * a half-written file never looks like a backup. An in-memory database (tests) is copied with the
 * backup API on this thread.
 */
export async function createBackup(sqlite: Database.Database, opts: CreateBackupOptions): Promise<BackupInfo> {
  fs.mkdirSync(opts.dir, { recursive: true });
  const tmp = tempName(opts);
  opts.onProgress?.(0, 1);
  try {
    if (sqlite.memory) {
      const step = opts.pagesPerStep ?? 256;
      await sqlite.backup(tmp, { progress: () => step });
    }
    const check = await backupInThread(sqlite.memory ? { dest: tmp } : { source: sqlite.name, dest: tmp });
    if (!check.ok) throw new Error(`The backup failed its integrity check (${check.problems.slice(0, 3).join('; ')}); nothing was kept`);
  } catch (e) {
    removeDb(tmp);
    throw e;
  }
  opts.onProgress?.(1, 1);
  return keep(tmp, opts, { checked: true });
}

/**
 * A synchronous consistent copy (`VACUUM INTO`), for the moment before migrations run, when
 * nothing else may go on in this process.
 */
export function createBackupSync(sqlite: Database.Database, opts: Omit<CreateBackupOptions, 'pagesPerStep' | 'onProgress'>): BackupInfo {
  fs.mkdirSync(opts.dir, { recursive: true });
  const tmp = tempName(opts);
  try {
    sqlite.prepare('VACUUM INTO ?').run(tmp);
  } catch (e) {
    removeDb(tmp);
    throw e;
  }
  return keep(tmp, opts);
}

/** Deletes the oldest backups of one reason beyond `keep`; returns what was deleted. */
export function pruneBackups(dir: string, reason: BackupReason, keep?: number): string[] {
  const limit = reason === 'pre-migration' || reason === 'pre-restore' ? KEEP_SAFETY : (keep ?? 7);
  const old = listBackups(dir)
    .filter((b) => b.reason === reason)
    .slice(limit);
  for (const b of old) fs.rmSync(b.path, { force: true });
  return old.map((b) => b.name);
}

/** Whether a scheduled backup is due: none yet, or the newest is older than the interval. */
export function scheduledBackupDue(dir: string, intervalHours: number, now: number): boolean {
  if (intervalHours <= 0) return false;
  const last = listBackups(dir).find((b) => b.reason === 'scheduled' || b.reason === 'manual');
  return !last || now - last.createdAt >= intervalHours * 3_600_000 - 60_000;
}

/**
 * Runs pending migrations, first copying a non-empty database to a `pre-migration` backup (the
 * migration itself is one transaction; the copy is for going back to the old version).
 */
export function migrateWithBackup(
  sqlite: Database.Database,
  env: Pick<Env, 'dataDir'>,
  log: { info(o: object, m: string): void; warn(m: string): void },
  now = Date.now(),
): string[] {
  return runMigrations(sqlite, {
    onWarning: (m) => log.warn(m),
    beforeApply: (pending) => {
      if (sqlite.memory) return;
      const info = createBackupSync(sqlite, { dir: backupDir(env), reason: 'pre-migration', now });
      log.info({ backup: info.path, pending }, 'database backed up before migrating');
    },
  });
}
