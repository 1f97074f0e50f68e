import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';

export const MIGRATIONS_DIR = path.resolve(process.cwd(), 'drizzle/migrations');

interface JournalEntry {
  idx: number;
  tag: string;
  when: number;
}

export interface Migration {
  idx: number;
  tag: string;
  checksum: string;
  statements: string[];
}

export class DatabaseTooNewError extends Error {
  constructor(unknown: string[]) {
    super(
      `This database was migrated by a newer version of Mismo Library (unknown migrations: ${unknown.join(', ')}). ` +
        'Refusing to run against it: upgrade the program, or restore a backup made by this version.',
    );
    this.name = 'DatabaseTooNewError';
  }
}

export class MigrationFailedError extends Error {
  constructor(tag: string, cause: unknown) {
    super(`Migration ${tag} failed and was rolled back; the database is unchanged: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationFailedError';
  }
}

/** Reads drizzle-kit's journal and SQL files (split on its statement breakpoints). */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const journal = JSON.parse(fs.readFileSync(path.join(dir, 'meta/_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  return [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .map((e) => {
      const text = fs.readFileSync(path.join(dir, `${e.tag}.sql`), 'utf8');
      return {
        idx: e.idx,
        tag: e.tag,
        checksum: crypto.createHash('sha256').update(text).digest('hex'),
        statements: text
          .split('--> statement-breakpoint')
          .map((s) => s.trim())
          // foreign_keys cannot change inside a transaction; defer_foreign_keys (set below) covers table rebuilds.
          .filter((s) => s.length > 0 && !/^PRAGMA\s+foreign_keys\s*=\s*(ON|OFF)\s*;?$/i.test(s)),
      };
    });
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

function ensureTable(sqlite: Database.Database) {
  sqlite.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    idx INTEGER PRIMARY KEY, tag TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
}

function appliedRows(sqlite: Database.Database) {
  const exists = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!exists) return [];
  return sqlite.prepare('SELECT idx, tag, checksum FROM schema_migrations ORDER BY idx').all() as { idx: number; tag: string; checksum: string }[];
}

/** What is applied and what is pending, without changing anything. Throws if the DB is newer. */
export function migrationStatus(sqlite: Database.Database, migrations = loadMigrations()): MigrationStatus {
  const rows = appliedRows(sqlite);
  const known = new Set(migrations.map((m) => m.tag));
  const unknown = rows.filter((r) => !known.has(r.tag)).map((r) => r.tag);
  if (unknown.length) throw new DatabaseTooNewError(unknown);
  const applied = new Set(rows.map((r) => r.tag));
  return { applied: [...applied], pending: migrations.filter((m) => !applied.has(m.tag)).map((m) => m.tag) };
}

export interface RunMigrationsOptions {
  migrations?: Migration[];
  /** Called (outside the lock) when there is something to apply to a non-empty database, e.g. to back it up. */
  beforeApply?: (pending: string[]) => void;
  onWarning?: (message: string) => void;
}

/**
 * Applies pending migrations forward-only, all in one IMMEDIATE transaction: the write lock is
 * taken first and the applied set re-read under it, so two processes starting at once apply each
 * migration exactly once; any failure rolls everything back and leaves the database as it was.
 */
export function runMigrations(sqlite: Database.Database, opts: RunMigrationsOptions = {}): string[] {
  const migrations = opts.migrations ?? loadMigrations();
  const before = migrationStatus(sqlite, migrations);
  if (before.pending.length === 0) return [];
  if (before.applied.length > 0) opts.beforeApply?.(before.pending);

  const previousTimeout = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma('busy_timeout = 60000');
  const done: string[] = [];
  try {
    sqlite.exec('BEGIN IMMEDIATE');
    try {
      sqlite.pragma('defer_foreign_keys = ON');
      ensureTable(sqlite);
      const rows = appliedRows(sqlite);
      const known = new Map(migrations.map((m) => [m.tag, m]));
      const unknown = rows.filter((r) => !known.has(r.tag)).map((r) => r.tag);
      if (unknown.length) throw new DatabaseTooNewError(unknown);
      for (const r of rows) {
        if (known.get(r.tag)?.checksum !== r.checksum) opts.onWarning?.(`migration ${r.tag} changed after it was applied`);
      }
      const applied = new Set(rows.map((r) => r.tag));
      const insert = sqlite.prepare('INSERT INTO schema_migrations (idx, tag, checksum, applied_at) VALUES (?, ?, ?, ?)');
      for (const m of migrations) {
        if (applied.has(m.tag)) continue;
        try {
          for (const s of m.statements) sqlite.exec(s);
        } catch (e) {
          throw new MigrationFailedError(m.tag, e);
        }
        insert.run(m.idx, m.tag, m.checksum, Date.now());
        done.push(m.tag);
      }
      const fkProblems = sqlite.pragma('foreign_key_check') as unknown[];
      if (fkProblems.length) throw new MigrationFailedError(done.at(-1) ?? '?', new Error(`${fkProblems.length} foreign key violations`));
      sqlite.exec('COMMIT');
    } catch (e) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      throw e;
    }
  } finally {
    sqlite.pragma(`busy_timeout = ${previousTimeout}`);
  }
  return done;
}
