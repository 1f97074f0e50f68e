import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { dialableHost, type Env } from '../env';
import { currentWorker } from '../system/worker-status';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import * as schema from '@/drizzle/schema';
import { migrationStatus } from '../db/migrate';
import { fsyncDir, fsyncFile } from '../files/disk';
import { backupDir, checkIntegrity, createBackupSync, listBackups, removeDb, type BackupInfo } from './backup';

export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}

export interface RestoreResult {
  restoredFrom: string;
  /** The database as it was before the restore (undefined when there was none). */
  safetyCopy?: string;
  pendingMigrations: string[];
  tracks: number;
}

/** A backup named by path, by file name in the backups folder, or `latest`. */
export function resolveBackupFile(env: Pick<Env, 'dataDir'>, arg: string, cwd = process.cwd()): string {
  const dir = backupDir(env);
  if (arg === 'latest') {
    const newest = listBackups(dir)[0];
    if (!newest) throw new RestoreRefusedError(`There are no backups in ${dir}`);
    return newest.path;
  }
  const candidates = [path.resolve(cwd, arg), path.join(dir, arg)];
  const found = candidates.find((p) => fs.existsSync(p) && fs.statSync(p).isFile());
  if (!found) throw new RestoreRefusedError(`No such backup: ${arg} (looked in ${cwd} and ${dir})`);
  return found;
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

/** Refuses while the web or the worker is running: a restore must not pull the file from under them. */
export async function assertStopped(env: Env, now = Date.now()) {
  const running: string[] = [];
  if (env.worker.port !== 0 && (await answers(`http://${dialableHost(env.worker.host)}:${env.worker.port}/health`))) running.push(`the worker (port ${env.worker.port})`);
  if (await answers(`http://${dialableHost(env.web.host)}:${env.web.port}/api/health`)) running.push(`the web server (port ${env.web.port})`);
  if (fs.existsSync(env.db.path)) {
    const sqlite = new Database(env.db.path, { readonly: true });
    try {
      const w = currentWorker(drizzle(sqlite, { schema, casing: 'snake_case' }), now);
      if (w.online && !running.some((r) => r.startsWith('the worker'))) running.push(`a worker (pid ${w.pid}, heartbeat ${w.heartbeatAgeMs} ms ago)`);
    } catch {
      // an empty or damaged database has no heartbeat to read
    } finally {
      sqlite.close();
    }
  }
  if (running.length) {
    throw new RestoreRefusedError(
      `Stop Mismo Library first: ${running.join(' and ')} ${running.length > 1 ? 'are' : 'is'} running (Ctrl-C, or systemctl stop mismo-library-web mismo-library-worker)`,
    );
  }
}

/** Keeps the current database before it is replaced: a checked copy, or the raw files when it is damaged. */
function keepCurrent(env: Env, now: number): string | undefined {
  if (!fs.existsSync(env.db.path)) return undefined;
  const dir = backupDir(env);
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(env.db.path);
    const info: BackupInfo = createBackupSync(sqlite, { dir, reason: 'pre-restore', now });
    return info.path;
  } catch {
    const raw = path.join(dir, `damaged-${new Date(now).toISOString().replace(/[:.]/g, '-')}`);
    fs.mkdirSync(raw, { recursive: true });
    for (const suffix of ['', '-wal', '-shm']) {
      if (fs.existsSync(env.db.path + suffix)) fs.copyFileSync(env.db.path + suffix, path.join(raw, path.basename(env.db.path) + suffix));
    }
    return raw;
  } finally {
    sqlite?.close();
  }
}

/**
 * Replaces the library database with a backup. A copy of the backup is made beside the database and
 * must pass `integrity_check` and not come from a newer version; the current database is kept as a
 * `pre-restore` backup; then the checked copy is fsynced and renamed over it, so a crash leaves either the
 * old or the new database, never a mix. Migrations the backup lacks run at the next start.
 */
export async function restoreBackup(env: Env, file: string, opts: { now?: number; skipRunningCheck?: boolean } = {}): Promise<RestoreResult> {
  const now = opts.now ?? Date.now();
  if (!opts.skipRunningCheck) await assertStopped(env, now);

  // every check runs on a copy beside the database, so the backup file itself is never touched
  const target = env.db.path;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = `${target}.restoring`;
  removeDb(staging);
  fs.copyFileSync(file, staging);
  let pendingMigrations: string[];
  try {
    let check;
    try {
      check = checkIntegrity(staging, { standalone: true });
    } catch (e) {
      throw new RestoreRefusedError(`${file} is not a readable SQLite database: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!check.ok) throw new RestoreRefusedError(`${file} failed its integrity check, so it was not restored: ${check.problems.slice(0, 5).join('; ')}`);
    const probe = new Database(staging, { readonly: true });
    try {
      const isOurs = probe.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
      if (!isOurs) throw new RestoreRefusedError(`${file} is not a Mismo Library database (it has no schema_migrations table)`);
      pendingMigrations = migrationStatus(probe).pending;
    } catch (e) {
      if (e instanceof RestoreRefusedError) throw e;
      throw new RestoreRefusedError(e instanceof Error ? e.message : String(e));
    } finally {
      probe.close();
    }
    await fsyncFile(staging);
  } catch (e) {
    removeDb(staging);
    throw e;
  }

  const safetyCopy = keepCurrent(env, now);
  // the old database's WAL belongs to the old file: replayed onto the restored one it would corrupt it
  for (const suffix of ['-wal', '-shm']) fs.rmSync(target + suffix, { force: true });
  fs.renameSync(staging, target);
  await fsyncDir(path.dirname(target));

  const after = checkIntegrity(target);
  if (!after.ok) throw new Error(`The restored database failed its integrity check: ${after.problems.join('; ')}`);
  const db = new Database(target, { readonly: true });
  let tracks: number;
  try {
    tracks = (db.prepare('SELECT count(*) AS n FROM tracks').get() as { n: number } | undefined)?.n ?? 0;
  } catch {
    tracks = 0;
  } finally {
    db.close();
  }
  return { restoredFrom: file, safetyCopy, pendingMigrations, tracks };
}
