import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from './client';
import { DatabaseTooNewError, MigrationFailedError, loadMigrations, migrationStatus, runMigrations } from './migrate';

const tmpDirs: string[] = [];
function tmpDir() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mismo-migrate-'));
  tmpDirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','index','trigger') ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe('migrations', () => {
  it('creates the whole data model, FTS included, and records each migration once', () => {
    const db = openDatabase(':memory:');
    const applied = runMigrations(db.$client);
    expect(applied).toEqual(loadMigrations().map((m) => m.tag));
    const names = tables(db.$client);
    for (const t of [
      'library_directories',
      'tracks',
      'audio_analysis',
      'waveforms',
      'analysis_jobs',
      'duplicate_groups',
      'playlists',
      'playlist_tracks',
      'hot_cues',
      'file_operations',
      'settings',
      'jobs',
      'events',
      'scans',
      'worker_status',
      'tracks_fts',
      'tracks_fts_ai',
    ]) {
      expect(names).toContain(t);
    }
    expect(runMigrations(db.$client)).toEqual([]);
    expect(migrationStatus(db.$client).pending).toEqual([]);
  });

  it('keeps the FTS index in step with tracks through the triggers', () => {
    const db = openDatabase(':memory:');
    runMigrations(db.$client);
    const s = db.$client;
    s.prepare(
      `INSERT INTO tracks (id, rel_path, file_name, file_ext, size_bytes, mtime_ms, title, artist, date_added, created_at, updated_at)
      VALUES ('a', 'x/Crème.mp3', 'Crème.mp3', 'mp3', 1, 1, 'Crème Brûlée', 'Daft Punk', 0, 0, 0)`,
    ).run();
    const match = (q: string) => s.prepare('SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH ?').all(q).length;
    expect(match('creme')).toBe(1);
    expect(match('daf*')).toBe(1);
    s.prepare("UPDATE tracks SET artist = 'Justice' WHERE id = 'a'").run();
    expect(match('daft')).toBe(0);
    expect(match('justice')).toBe(1);
    s.prepare("UPDATE tracks SET play_count = 3 WHERE id = 'a'").run();
    expect(match('justice')).toBe(1);
    s.prepare("DELETE FROM tracks WHERE id = 'a'").run();
    expect(match('justice')).toBe(0);
  });

  it('refuses a database migrated by a newer version', () => {
    const db = openDatabase(':memory:');
    runMigrations(db.$client);
    db.$client.prepare("INSERT INTO schema_migrations (idx, tag, checksum, applied_at) VALUES (999, '0999_future', 'x', 0)").run();
    expect(() => runMigrations(db.$client)).toThrow(DatabaseTooNewError);
    expect(() => migrationStatus(db.$client)).toThrow(/newer version/);
  });

  it('leaves the database exactly as it was when a migration fails', () => {
    const file = path.join(tmpDir(), 'db.sqlite');
    const db = openDatabase(file);
    const base = loadMigrations();
    runMigrations(db.$client, { migrations: base });
    db.$client.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('k', '1', 0)").run();
    const before = { tables: tables(db.$client), settings: db.$client.prepare('SELECT * FROM settings').all(), applied: migrationStatus(db.$client, base).applied };
    const broken = [
      ...base,
      { idx: 100, tag: '0100_ok', checksum: 'a', statements: ['CREATE TABLE extra (id INTEGER PRIMARY KEY)', "UPDATE settings SET value = '2'"] },
      { idx: 101, tag: '0101_broken', checksum: 'b', statements: ['ALTER TABLE no_such_table ADD COLUMN x INTEGER'] },
    ];
    let backedUp: string[] = [];
    expect(() => runMigrations(db.$client, { migrations: broken, beforeApply: (p) => (backedUp = p) })).toThrow(MigrationFailedError);
    expect(backedUp).toEqual(['0100_ok', '0101_broken']);
    expect(tables(db.$client)).toEqual(before.tables);
    expect(db.$client.prepare('SELECT * FROM settings').all()).toEqual(before.settings);
    expect(migrationStatus(db.$client, base).applied).toEqual(before.applied);
  });

  it('0015 forgets durations no file can hold (a cut Ogg page read as 13,000 years), keeping real ones', () => {
    const db = openDatabase(path.join(tmpDir(), 'db.sqlite'));
    const all = loadMigrations();
    const before = all.filter((m) => m.tag < '0015');
    runMigrations(db.$client, { migrations: before });
    const insert = db.$client.prepare(
      "INSERT INTO tracks (id, rel_path, file_name, file_ext, size_bytes, mtime_ms, date_added, created_at, updated_at, duration_ms) VALUES (?, ?, ?, 'ogg', 1, 1, 1, 1, 1, ?)",
    );
    insert.run('cut', 'cut.ogg', 'cut.ogg', 418293516410647400);
    insert.run('mix', 'mix.ogg', 'mix.ogg', 3 * 3_600_000);
    runMigrations(db.$client, { migrations: all });
    const durations = db.$client.prepare('SELECT id, duration_ms AS d FROM tracks ORDER BY id').all();
    expect(durations).toEqual([
      { id: 'cut', d: null },
      { id: 'mix', d: 3 * 3_600_000 },
    ]);
    closeDatabase(db);
  });

  it('applies each migration exactly once when two processes start at the same time', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'shared.db');
    const script = `
      import { openDatabase } from './server/db/client.ts';
      import { runMigrations } from './server/db/migrate.ts';
      const start = Number(process.argv[2]);
      while (Date.now() < start) {}
      const db = openDatabase(process.argv[1]);
      const applied = runMigrations(db.$client);
      console.log(JSON.stringify(applied));`;
    const runOne = () =>
      new Promise<string[]>((resolve, reject) => {
        const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, file, String(Date.now() + 1500)], {
          cwd: process.cwd(),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as string[]) : reject(new Error(err))));
      });
    for (let round = 0; round < 3; round++) {
      fs.rmSync(file, { force: true });
      const results = await Promise.all([runOne(), runOne(), runOne()]);
      const all = results.flat();
      expect(all.sort()).toEqual(
        loadMigrations()
          .map((m) => m.tag)
          .sort(),
      );
      const db = new Database(file);
      expect((db.prepare('SELECT count(*) n FROM schema_migrations').get() as { n: number }).n).toBe(loadMigrations().length);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
    }
  }, 60_000);
});
