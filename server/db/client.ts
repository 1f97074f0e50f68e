import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from '@/drizzle/schema';

export type Schema = typeof schema;
export type Db = BetterSQLite3Database<Schema> & { $client: Database.Database };
/** A drizzle transaction handle; repos accept either this or the Db. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Executor = Db | Tx;

export interface OpenDatabaseOptions {
  busyTimeoutMs?: number;
  readonly?: boolean;
}

/**
 * Opens the shared SQLite file with the pragmas both processes rely on: WAL (readers never wait for
 * the writer), synchronous=NORMAL (safe with WAL), foreign keys, and a busy timeout so the two
 * processes queue for the write lock instead of failing.
 */
export function openDatabase(file: string, opts: OpenDatabaseOptions = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file, { timeout: opts.busyTimeoutMs ?? 5000, readonly: opts.readonly ?? false });
  configure(sqlite, opts.busyTimeoutMs ?? 5000);
  return drizzle<Schema>(sqlite, { schema, casing: 'snake_case' });
}

function configure(sqlite: Database.Database, busyTimeoutMs: number) {
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  if (!sqlite.memory && !sqlite.readonly) {
    // Setting WAL needs a brief lock; both processes may race to it on a fresh file.
    retryBusy(() => sqlite.pragma('journal_mode = WAL'));
  }
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('temp_store = MEMORY');
  sqlite.pragma('cache_size = -32000');
}

function retryBusy<T>(fn: () => T, attempts = 50): T {
  for (let i = 0; ; i++) {
    try {
      return fn();
    } catch (e) {
      if (i >= attempts || !(e instanceof Error) || !/SQLITE_BUSY|database is locked/i.test(e.message)) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/**
 * Keeps the query planner's statistics current (`PRAGMA optimize`): without them SQLite may pick
 * an index that matches half the library (is_missing) over one that matches a row (audio_hash) —
 * at 100,000 tracks that made each analysis claim take seconds. The first call analyses tables
 * never analysed; later calls only tables that changed a lot since, and cost almost nothing
 * otherwise. `analysis_limit` samples each index, so it stays in tens of ms at 100,000 tracks.
 * A library of fewer than 5,000 tracks is left without statistics.
 */
export function optimizeQueryPlans(db: Db) {
  // statistics taken of a (nearly) empty library mislead the planner once it fills — on an empty
  // table a scan is "cheapest" — and made every query scan while 100,000 rows were seeded (10 s
  // became 164 s): without statistics SQLite assumes indexes are selective, which holds here
  const tracks = (db.$client.prepare('SELECT max(seq) AS n FROM tracks').get() as { n: number | null }).n ?? 0;
  if (tracks < 5_000) return;
  db.$client.pragma('analysis_limit = 1000');
  db.$client.pragma('optimize = 0x10002');
}

export function closeDatabase(db: Db) {
  if (db.$client.open) db.$client.close();
}
